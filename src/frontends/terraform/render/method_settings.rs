//! A stage's throttling moved where the stage keeps it. A REST API stage's `throttle_settings`
//! block is taken out, and the limits written into a new `aws_api_gateway_method_settings` after
//! the stage, or into the `settings` block of the one that covers every method of the stage
//! already. An HTTP or WebSocket API stage's becomes its `default_route_settings`, or its limits
//! join those the stage has.

use super::super::apigateway::{settings_key, ROUTE_DEFAULTS};
use super::super::{block_body, named_children, TerraformProject};
use crate::cloud::{Site, ThrottleLimit};
use crate::fix::Edit;
use crate::source::line_range;
use crate::syntax::kind_of;

impl<'a> TerraformProject<'a> {
    /// The edit that removes whole lines: those of the block or argument at `at`, the comment
    /// lines right above it (returned, trimmed, for the code that takes its place elsewhere), and
    /// a blank line it leaves between two others or before the end of its block.
    pub(super) fn remove_lines(&self, at: &Site) -> Result<(Edit, Vec<String>), String> {
        let text = self.file_text(at.file);
        let line_start = |offset: usize| line_range(text, offset).start;
        let mut start = line_start(at.range.start);
        if !text[start..at.range.start].trim().is_empty() {
            return Err("the setting does not start its own line".to_owned());
        }
        let mut comments = Vec::new();
        while start > 0 {
            let above = line_start(start - 1);
            let line = text[above..start].trim();
            if !(line.starts_with('#') || line.starts_with("//")) {
                break;
            }
            comments.insert(0, line.to_owned());
            start = above;
        }
        let mut end = text[at.range.end..]
            .find('\n')
            .map_or(text.len(), |newline| at.range.end + newline + 1);
        if !text[at.range.end..end].trim().is_empty() {
            return Err("the setting does not end its line".to_owned());
        }
        let blank_before = text[..start].ends_with("\n\n") || text[..start].ends_with("\n\r\n");
        let rest = &text[end..];
        let next_line = rest.lines().next().unwrap_or_default().trim();
        if next_line.is_empty() && blank_before {
            end += rest.find('\n').map_or(rest.len(), |newline| newline + 1);
        } else if next_line.starts_with('}') && blank_before {
            // The blank line before goes instead, its line break included.
            start = line_start(start - 1);
        }
        Ok((Edit::replace(at.file, start..end, ""), comments))
    }

    /// A new `aws_api_gateway_method_settings` for every method of the stage created at `stage`,
    /// right after it and through the stage's provider, with the limits copied from where they
    /// are written; `name_for` names it from a base.
    pub(super) fn new_method_settings(
        &self,
        stage: &Site,
        name_for: impl FnOnce(&str) -> String,
        limits: &[(ThrottleLimit, Site)],
        comments: &[String],
    ) -> Result<Edit, String> {
        let block = self.expect_kind(stage, "block")?;
        let resource = self
            .root_resources()
            .find(|resource| resource.block == block)
            .ok_or("the stage is not a resource of the root module")?;
        let name = name_for(&format!("{}_all_methods", resource.name));
        let indent = self.body_indent(resource.body).unwrap_or("  ");
        let stage_ref = format!("aws_api_gateway_stage.{}", resource.name);
        // The settings are made through the stage's provider (its account and region), or the
        // stage they name is not found.
        let provider = self
            .argument(resource.body, "provider")
            .map(|provider| format!("{indent}provider    = {}\n", self.text(provider)))
            .unwrap_or_default();
        let mut values = Vec::new();
        for (limit, at) in limits {
            values.push((
                settings_key(*limit),
                self.file_text(at.file).get(at.range.clone()).ok_or("a limit is gone")?,
            ));
        }
        let width = values.iter().map(|(key, _)| key.len()).max().unwrap_or_default();
        let comments: String = comments
            .iter()
            .map(|comment| format!("{indent}{indent}{comment}\n"))
            .collect();
        let settings: String = values
            .iter()
            .map(|(key, value)| format!("{indent}{indent}{key:<width$} = {value}\n"))
            .collect();
        let text = format!(
            "\n\nresource \"aws_api_gateway_method_settings\" \"{name}\" {{\n\
             {indent}rest_api_id = {stage_ref}.rest_api_id\n\
             {indent}stage_name  = {stage_ref}.stage_name\n\
             {indent}method_path = \"*/*\"\n\
             {provider}\
             \n\
             {indent}settings {{\n\
             {comments}\
             {settings}\
             {indent}}}\n\
             }}"
        );
        let text = text.replace('\n', self.newline(block.file));
        Ok(Edit::insert(
            block.file,
            self.after_block(block.file, stage.range.end),
            text,
        ))
    }

    /// An HTTP or WebSocket API stage's `throttle_settings` block at `setting` made its
    /// `default_route_settings`: the block and each limit renamed, values and comments kept. Each
    /// limit's name grows by the same `throttling_`, so aligned `=` stay aligned.
    pub(super) fn rename_to_route_defaults(&self, setting: &Site) -> Result<Vec<Edit>, String> {
        let block = self.expect_kind(setting, "block")?;
        let identifier = named_children(block.node)
            .next()
            .filter(|node| kind_of(node) == "identifier")
            .ok_or("the throttling block has no type")?;
        let mut edits = vec![Edit::replace(block.file, identifier.byte_range(), ROUTE_DEFAULTS)];
        let Some(body) = block_body(block) else {
            return Ok(edits);
        };
        for (key, value) in self.arguments(body) {
            let name = value
                .node
                .parent()
                .and_then(|attribute| named_children(attribute).next())
                .ok_or("a limit has no name")?;
            let renamed = match key {
                "burst_limit" => settings_key(ThrottleLimit::Burst),
                "rate_limit" => settings_key(ThrottleLimit::Rate),
                other => return Err(format!("`{other}` is not a limit of `throttle_settings`")),
            };
            edits.push(Edit::replace(block.file, name.byte_range(), renamed));
        }
        Ok(edits)
    }

    /// The limits the method settings created at `settings` do not set yet, added to their
    /// `settings` block; or, for an HTTP or WebSocket API stage's `default_route_settings` block
    /// at `settings`, to that block.
    /// Comments that came with the limits go above them; as in `terraform fmt`, a comment line
    /// ends a run of aligned arguments, so the new ones line up among themselves.
    pub(super) fn add_throttling(
        &self,
        settings: &Site,
        limits: &[(ThrottleLimit, Site)],
        comments: &[String],
    ) -> Result<Vec<Edit>, String> {
        let block = self.expect_kind(settings, "block")?;
        let body = block_body(block).ok_or("the settings the limits join have no body")?;
        let is_route_defaults = named_children(block.node)
            .next()
            .is_some_and(|identifier| self.text(block.with(identifier)) == ROUTE_DEFAULTS);
        let settings_body = match is_route_defaults {
            true => body,
            false => self
                .nested_block(body, "settings")
                .and_then(block_body)
                .ok_or("the method settings have no `settings` block with arguments")?,
        };
        let mut missing = Vec::new();
        for (limit, at) in limits {
            let key = settings_key(*limit);
            if self.argument(settings_body, key).is_none() {
                missing.push((
                    key,
                    self.file_text(at.file).get(at.range.clone()).ok_or("a limit is gone")?,
                ));
            }
        }
        if missing.is_empty() {
            return Ok(Vec::new());
        }
        let last = named_children(settings_body.node)
            .filter(|node| kind_of(node) == "attribute")
            .last()
            .ok_or("the `settings` block has no argument to line a new one up with")?;
        if comments.is_empty() {
            return self.arguments_after(&settings_body.with(last).site(), &missing);
        }
        let indent = self
            .body_indent(settings_body)
            .ok_or("the `settings` block is on one line")?;
        let width = missing.iter().map(|(key, _)| key.len()).max().unwrap_or_default();
        let newline = self.newline(block.file);
        let lines: String = comments
            .iter()
            .map(|comment| format!("{newline}{indent}{comment}"))
            .chain(
                missing
                    .iter()
                    .map(|(key, value)| format!("{newline}{indent}{key:<width$} = {value}")),
            )
            .collect();
        Ok(vec![Edit::insert(
            block.file,
            self.line_end(block.file, last.end_byte()),
            lines,
        )])
    }
}
