//! Fix intents as edits to `.tf` files, in the layout `terraform fmt` leaves: a new argument gets
//! its block's indentation and lines its `=` up with the argument above it.

use super::{named_children, Located, TerraformProject};
use crate::cloud::{
    ApiIntegration, ApiStage, FixPlan, FrontEnd, GraphSource, IamRole, Intent, LambdaFunction, LambdaLayer,
    MessageTarget, MethodSettings, QueueEventSource, SendGrant, Site,
};
use crate::fix::{Edit, Fix};

/// The Terraform front end of one root module and the local modules it calls.
pub struct TerraformFrontEnd<'a> {
    project: &'a TerraformProject<'a>,
}

impl<'a> TerraformFrontEnd<'a> {
    pub fn new(project: &'a TerraformProject<'a>) -> Self {
        Self { project }
    }
}

/// Why a plan the Terraform front end has no rendering for is left to a person.
const NOT_YET: &str = "infrafix cannot make this change in Terraform yet";

impl GraphSource for TerraformFrontEnd<'_> {
    fn functions(&self) -> Vec<LambdaFunction> {
        self.project.graph_functions()
    }

    fn layers(&self) -> Vec<LambdaLayer> {
        self.project.graph_layers()
    }

    fn roles(&self, _: &[LambdaFunction]) -> Vec<IamRole> {
        Vec::new()
    }

    fn stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        (Vec::new(), Vec::new())
    }

    fn integrations(&self, _: &[LambdaFunction]) -> Vec<ApiIntegration> {
        Vec::new()
    }

    fn queue_event_sources(&self, _: &[LambdaFunction]) -> Vec<QueueEventSource> {
        Vec::new()
    }

    fn message_targets(&self) -> Vec<MessageTarget> {
        Vec::new()
    }
}

impl FrontEnd for TerraformFrontEnd<'_> {
    fn render(&self, plan: &FixPlan) -> Result<Fix, String> {
        let mut edits = Vec::new();
        for intent in &plan.intents {
            match intent {
                Intent::SetNumber { at, value } => {
                    self.project.expect_kind(at, "numeric_lit")?;
                    edits.push(Edit::replace(at.file, at.range.clone(), value.to_string()));
                }
                Intent::SetString { at, value } => edits.push(self.project.string_content(at, value)?),
                Intent::ReplaceRuntime { sites, successor } => {
                    for site in sites {
                        edits.push(self.project.string_content(site, successor)?);
                    }
                }
                Intent::AddHandler { beside, handler } => {
                    edits.push(self.project.argument_after(beside, "handler", handler)?)
                }
                Intent::RemoveListEntry { entry, .. } => edits.push(self.project.remove_list_entry(entry)?),
                _ => return Err(NOT_YET.to_owned()),
            }
        }
        Ok(Fix::new(edits, plan.applicability))
    }

    fn can_render(&self, plan: &FixPlan) -> bool {
        self.render(plan).is_ok()
    }

    fn render_new_policies(&self, _: &Site, grants: &[SendGrant]) -> Vec<Result<Fix, String>> {
        grants.iter().map(|_| Err(NOT_YET.to_owned())).collect()
    }
}

impl<'a> TerraformProject<'a> {
    /// The node at `site`, when it is still of the kind the graph saw there.
    fn expect_kind(&self, site: &Site, kind: &str) -> Result<Located<'a>, String> {
        let found = self.located(site)?;
        if found.node.kind() != kind {
            return Err(format!("the place to change is no longer a {kind}"));
        }
        Ok(found)
    }

    /// The edit that makes the string literal at `at` read `value`, its quotes kept.
    fn string_content(&self, at: &Site, value: &str) -> Result<Edit, String> {
        let literal = self.expect_kind(at, "string_lit")?;
        self.string_literal(literal)
            .ok_or("the string to change holds an interpolation or an escape")?;
        Ok(Edit::replace(at.file, at.range.start + 1..at.range.end - 1, value))
    }

    /// A new argument `name = "value"` on the line after the argument at `beside`, indented like
    /// it, its `=` in the column of the argument's own when the name fits before it.
    fn argument_after(&self, beside: &Site, name: &str, value: &str) -> Result<Edit, String> {
        let attribute = self.expect_kind(beside, "attribute")?;
        let text = self.file_text(attribute.file);
        let line_start = text[..beside.range.start].rfind('\n').map_or(0, |newline| newline + 1);
        let indent = &text[line_start..beside.range.start];
        if !indent.trim().is_empty() {
            return Err("the argument beside it does not start its own line".to_owned());
        }
        let equals_column = self
            .text(attribute)
            .find('=')
            .ok_or("the argument beside it has no `=`")?;
        let padded = format!("{name:<width$}", width = equals_column.max(name.len() + 1));
        Ok(Edit::insert(
            attribute.file,
            beside.range.end,
            format!("\n{indent}{padded}= \"{value}\""),
        ))
    }

    /// The edit that takes a list element out, with the comma that separates it from its
    /// neighbours, the layout of the rest kept.
    fn remove_list_entry(&self, entry: &Site) -> Result<Edit, String> {
        // The entry's literal and the `expression` holding it in the list span the same bytes.
        let mut element = self.located(entry)?;
        while element.node.kind() != "expression"
            || element.node.parent().is_some_and(|parent| parent.kind() != "tuple")
        {
            element = element.with(element.node.parent().ok_or("the list entry is not in a list")?);
        }
        let tuple = element.node.parent().ok_or("the list entry has no list")?;
        let elements: Vec<_> = named_children(tuple)
            .filter(|node| node.kind() == "expression")
            .collect();
        let position = elements
            .iter()
            .position(|node| *node == element.node)
            .ok_or("the list entry is not in its list")?;
        let range = match (
            position.checked_sub(1).map(|before| elements[before]),
            elements.get(position + 1),
        ) {
            (Some(before), _) => before.end_byte()..element.node.end_byte(),
            (None, Some(after)) => element.node.start_byte()..after.start_byte(),
            (None, None) => {
                let comma = element.node.next_sibling().filter(|node| node.kind() == ",");
                element.node.start_byte()..comma.map_or(element.node.end_byte(), |comma| comma.end_byte())
            }
        };
        Ok(Edit::replace(entry.file, range, ""))
    }
}
