//! Fix intents as edits to a template, in its own layout: a value keeps its quotes, a new entry
//! takes its neighbours' indentation (or goes between the brackets of a flow map, or a JSON
//! object, with the commas it needs), and a removed one takes its line or its comma with it.
//! What IAM intents write is in `iam`.

mod iam;
mod integrations;

use super::Template;
use crate::cloud::{
    ApiDeployment, ApiIntegration, ApiStage, FixPlan, FrontEnd, GrantTarget, GraphSource, IamRole, Intent,
    LambdaFunction, LambdaLayer, MessageTarget, MethodSettings, QueueEventSource, ResourceRef, RuntimeCheck, SendGrant,
    Site, Spelling, ThrottleLimit,
};
use crate::fix::{Edit, Fix};
use crate::frontends::document::{Entry, Layout, Value, ValueKind};
use crate::source::{line_ending, line_range};

/// The front end of one template. A Serverless service's functions may be written in other
/// files of its project: what a fix changes there is written by that file's own reading.
pub struct TemplateFrontEnd<'a> {
    template: &'a Template<'a>,
    /// Every file of the project, by index, the template's own among them.
    project: &'a [Template<'a>],
}

impl<'a> TemplateFrontEnd<'a> {
    pub fn new(template: &'a Template<'a>, project: &'a [Template<'a>]) -> Self {
        Self { template, project }
    }

    /// The edits of a plan, each intent rendered by the file it changes (a runtime written in
    /// several files, by each of them).
    fn edits(&self, plan: &FixPlan) -> Result<Vec<Edit>, String> {
        let mut files: Vec<usize> = plan.intents.iter().flat_map(Intent::files).collect();
        files.sort_unstable();
        files.dedup();
        if files.iter().all(|file| *file == self.template.file) {
            return self.template.edits(plan);
        }
        let mut edits = Vec::new();
        for file in files {
            let template = self
                .project
                .iter()
                .find(|template| template.file == file)
                .ok_or("the fix would change a file of another project")?;
            let intents = plan
                .intents
                .iter()
                .filter_map(|intent| part_in(intent, file))
                .map(|intent| self.named_in(intent, template))
                .collect::<Result<Vec<_>, _>>()?;
            let part = FixPlan {
                intents,
                applicability: plan.applicability,
            };
            edits.extend(template.edits(&part)?);
        }
        Ok(edits)
    }
}

impl TemplateFrontEnd<'_> {
    /// `intent` as `other`, the template of another file of the program (one a Serverless service
    /// includes resources from), renders it: a resource it grants is named by its place among
    /// that file's resources, found by its logical id, the stack's one namespace. One that file
    /// does not declare, or ARN text the program writes elsewhere, is not named there.
    fn named_in(&self, intent: Intent, other: &Template) -> Result<Intent, String> {
        let named = |target: GrantTarget| -> Result<GrantTarget, String> {
            let GrantTarget::Resource(reference) = target else {
                return Err(WRITTEN_ELSEWHERE.to_owned());
            };
            let logical_id = self
                .template
                .resource(reference.resource)
                .map(|resource| resource.logical_id)
                .ok_or("the resource was not found in the template")?;
            let resource = other
                .resource_index(logical_id)
                .ok_or_else(|| format!("`{logical_id}` is {WRITTEN_ELSEWHERE}"))?;
            Ok(GrantTarget::Resource(ResourceRef { resource, ..reference }))
        };
        Ok(match intent {
            Intent::AddStatementTargets {
                role,
                document,
                statement,
                targets,
            } => Intent::AddStatementTargets {
                role,
                document,
                statement,
                targets: targets.into_iter().map(named).collect::<Result<_, _>>()?,
            },
            Intent::AddStatements { role, document, grants } => Intent::AddStatements {
                role,
                document,
                grants: grants
                    .into_iter()
                    .map(|(action, target)| Ok((action, named(target)?)))
                    .collect::<Result<_, String>>()?,
            },
            intent => intent,
        })
    }
}

/// Why a grant is not written into a file a service includes resources from.
const WRITTEN_ELSEWHERE: &str = "written in another file than the policy that would grant it; grant it by hand";

/// What of an intent changes file number `file`, if anything does.
fn part_in(intent: &Intent, file: usize) -> Option<Intent> {
    match intent {
        Intent::ReplaceRuntime { sites, successor } => {
            let sites: Vec<Site> = sites.iter().filter(|site| site.file == file).cloned().collect();
            (!sites.is_empty()).then(|| Intent::ReplaceRuntime {
                sites,
                successor: successor.clone(),
            })
        }
        _ => intent.files().contains(&file).then(|| intent.clone()),
    }
}

/// A value a fix writes, before it is laid out in the template's style.
#[derive(Clone)]
enum Snippet {
    /// Written as it is: a number, a quoted string, a value copied from the template.
    Text(String),
    Map(Vec<(String, Snippet)>),
    List(Vec<Snippet>),
}

impl Template<'_> {
    fn edits(&self, plan: &FixPlan) -> Result<Vec<Edit>, String> {
        // Entries the plan removes: a new entry never goes after one of them.
        let removed: Vec<&Site> = plan
            .intents
            .iter()
            .filter_map(|intent| match intent {
                Intent::RemoveSetting { at } => Some(at),
                _ => None,
            })
            .collect();
        let polled: Vec<&Site> = plan
            .intents
            .iter()
            .filter_map(|intent| match intent {
                Intent::GrantQueuePolling { mapping } => Some(mapping),
                _ => None,
            })
            .collect();
        let mut edits = self.add_poller_policies(&polled)?;
        // The permissions the plan has added so far.
        let mut added_permissions = Vec::new();
        for intent in &plan.intents {
            match intent {
                Intent::SetNumber { at, value } => edits.push(self.set_scalar(at, &value.to_string())?),
                Intent::SetString { at, value } => edits.push(self.set_scalar(at, value)?),
                Intent::ReplaceRuntime { sites, successor } => {
                    for site in sites {
                        edits.push(self.set_scalar(site, successor)?);
                    }
                }
                Intent::RemoveListEntry { entry, .. } => edits.push(self.remove(entry)?),
                Intent::RemoveSetting { at } => edits.push(self.remove(at)?),
                Intent::AddHandler { beside, handler } => {
                    let Some((map, index)) = self.root.find_entry(&beside.range) else {
                        return Err("the runtime setting the handler goes beside was not found".to_owned());
                    };
                    let handler = Snippet::Text(self.string_literal(handler));
                    edits.push(self.add_entries(map, index, vec![("Handler".to_owned(), handler)])?);
                }
                Intent::AddStageMethodSettings { stage, limits } => {
                    edits.extend(self.add_stage_method_settings(stage, limits, &removed)?)
                }
                Intent::MoveThrottlingToRouteDefaults { setting } => {
                    edits.extend(self.rename_to_route_defaults(setting)?)
                }
                Intent::AddThrottling { settings, limits } => {
                    let settings_site = settings;
                    let settings = self.value_at(settings)?;
                    let map = settings.as_map().ok_or("the method settings entry is not a map")?;
                    let missing: Vec<(String, Snippet)> = self
                        .limit_entries(limits, map.layout == Layout::Block)
                        .into_iter()
                        .filter(|(key, _)| map.entry(key).is_none())
                        .collect();
                    if !missing.is_empty() {
                        let last = map
                            .entries
                            .len()
                            .checked_sub(1)
                            .ok_or("the method settings entry is empty")?;
                        edits.push(self.add_entries(settings, last, missing)?);
                    }
                    let holder = self
                        .entry_holding(&settings_site.range)
                        .ok_or("the method settings entry was not found")?;
                    edits.extend(self.move_comments(&removed, &self.site(holder.range.clone())));
                }
                Intent::AddDependencies { function, on } => edits.push(self.add_dependencies(function, on)?),
                Intent::AttachManagedPolicy { role, policy, .. } => {
                    edits.push(self.attach_managed_policy(role, policy)?)
                }
                Intent::AddStatements { role, document, grants } => {
                    edits.push(self.add_statements(role, document, grants)?)
                }
                Intent::AddStatementAction {
                    role,
                    document,
                    statement,
                    action,
                } => edits.push(self.extend_statement(
                    role,
                    document,
                    *statement,
                    "Action",
                    vec![Snippet::Text(self.string_literal(action))],
                )?),
                Intent::AddStatementTargets {
                    role,
                    document,
                    statement,
                    targets,
                } => {
                    let targets = targets
                        .iter()
                        .map(|target| self.grant_arn(target, &document.range))
                        .collect::<Result<Vec<_>, _>>()?;
                    edits.push(self.extend_statement(role, document, *statement, "Resource", targets)?)
                }
                Intent::UseInvokeArn { uri, qualified: false } => edits.push(self.use_invoke_arn(uri)?),
                // A version is a resource of its own in a template, not an output of the function.
                Intent::UseInvokeArn { qualified: true, .. } => {
                    return Err("the uri does not read a function's own ARN".to_owned())
                }
                Intent::DropCredentials { setting } => edits.push(self.remove(setting)?),
                Intent::AwaitAddedPermissions { waiter } => {
                    edits.push(self.await_permissions(waiter, &added_permissions)?)
                }
                Intent::AddInvokePermission { function, rest_api, .. } => {
                    let (added, edit) = self.add_invoke_permission(function, rest_api)?;
                    added_permissions.push(added);
                    edits.push(edit);
                }
                // Written below, one edit per function for all its mappings.
                Intent::GrantQueuePolling { .. } => {}
                Intent::ReadTargetName { at } => edits.push(self.read_target_name(at)?),
            }
        }
        Ok(edits)
    }

    fn value_at(&self, site: &Site) -> Result<&Value, String> {
        let value = self
            .root
            .find_value(&site.range)
            .ok_or_else(|| "the value to change was not found".to_owned())?;
        self.written_once(&value.range)?;
        Ok(value)
    }

    /// The scalar at `site` with `content` between its quotes (or in its place, unquoted).
    fn set_scalar(&self, site: &Site, content: &str) -> Result<Edit, String> {
        let scalar = self
            .value_at(site)?
            .as_scalar()
            .ok_or("the value to change is not written as a plain value")?;
        self.parameter_allows(site, content)?;
        self.not_a_parameter_choice(site, content)?;
        Ok(Edit::replace(self.file, scalar.content.clone(), content))
    }

    /// Refuses to rewrite an entry of a parameter's `AllowedValues`: a parameter without a
    /// `Default` is read as each value it allows, but which one a deployment passes is not in the
    /// template, and changing the list alone would refuse the stacks that pass the old value.
    fn not_a_parameter_choice(&self, site: &Site, content: &str) -> Result<(), String> {
        let parameters = self.root.get("Parameters").and_then(Value::as_map);
        let choice = parameters.and_then(|map| {
            map.entries.iter().find(|entry| {
                entry
                    .value
                    .get("AllowedValues")
                    .and_then(Value::as_list)
                    .is_some_and(|allowed| allowed.items.iter().any(|item| item.range == site.range))
            })
        });
        match choice {
            Some(parameter) => Err(format!(
                "parameter `{}` has no Default, and each deployment passes one of its AllowedValues: add `{content}` to them and pass it instead",
                parameter.key
            )),
            None => Ok(()),
        }
    }

    /// When `site` is a parameter's `Default`: whether the parameter's own constraints
    /// (`AllowedValues`, `AllowedPattern`, `MinValue`, `MaxValue`) allow `content`, since
    /// CloudFormation refuses a default they do not.
    fn parameter_allows(&self, site: &Site, content: &str) -> Result<(), String> {
        let parameters = self.root.get("Parameters").and_then(Value::as_map);
        let Some(parameter) = parameters.and_then(|map| {
            map.entries.iter().find(|entry| {
                entry
                    .value
                    .get("Default")
                    .is_some_and(|default| default.range == site.range)
            })
        }) else {
            return Ok(());
        };
        let name = &parameter.key;
        if let Some(allowed) = parameter.value.get("AllowedValues").and_then(Value::as_list) {
            if !allowed.items.iter().any(|value| value.text() == Some(content)) {
                return Err(format!(
                    "parameter `{name}` does not allow `{content}` (its AllowedValues): add it there, then run again"
                ));
            }
        }
        // infrafix has no regular expression engine to match the pattern with (and its dialect
        // is Java's): the new default may fail it, as `^nodejs1[68]\.x$` fails `nodejs24.x`.
        if let Some(pattern) = parameter.value.get("AllowedPattern") {
            let pattern = pattern.text().unwrap_or("…");
            return Err(format!(
                "parameter `{name}` has an AllowedPattern (`{pattern}`), which infrafix does not match values against: make sure it allows `{content}`, then change the default by hand"
            ));
        }
        let number = content.parse::<f64>().ok();
        let bound = |key: &str| {
            parameter
                .value
                .get(key)
                .and_then(Value::text)
                .and_then(|bound| bound.parse::<f64>().ok())
        };
        let below = matches!((number, bound("MinValue")), (Some(number), Some(min)) if number < min);
        let above = matches!((number, bound("MaxValue")), (Some(number), Some(max)) if number > max);
        match below || above {
            true => Err(format!(
                "parameter `{name}` does not allow `{content}` (its MinValue or MaxValue): change that bound, then run again"
            )),
            false => Ok(()),
        }
    }

    /// The condition of the resource whose declaration holds `at`, when it has one.
    fn condition_at(&self, at: &std::ops::Range<usize>) -> Option<&str> {
        self.resources()
            .find(|resource| resource.entry.range.start <= at.start && at.end <= resource.entry.range.end)?
            .condition()
    }

    /// `Fn::Sub` of `text`, in the template's language.
    pub(super) fn sub(&self, text: &str) -> String {
        match self.json {
            true => format!("{{\"Fn::Sub\": \"{text}\"}}"),
            false => format!("!Sub \"{text}\""),
        }
    }

    /// `Fn::Sub` of `text` with one variable, `name`, standing for `value` (written in the
    /// template's language), in the template's language.
    pub(super) fn sub_with(&self, text: &str, name: &str, value: &str) -> String {
        match self.json {
            true => format!("{{\"Fn::Sub\": [\"{text}\", {{\"{name}\": {value}}}]}}"),
            false => format!("!Sub [\"{text}\", {{{name}: {value}}}]"),
        }
    }

    /// `Ref` of the resource `id`, in the template's language.
    fn reference(&self, id: &str) -> String {
        match self.json {
            true => format!("{{\"Ref\": \"{id}\"}}"),
            false => format!("!Ref {id}"),
        }
    }

    /// The ARN of the resource `id` (`Fn::GetAtt`), in the template's language.
    fn arn_attribute(&self, id: &str) -> String {
        self.attribute(id, "Arn")
    }

    /// The attribute `attribute` of the resource `id` (`Fn::GetAtt`), in the template's language.
    pub(super) fn attribute(&self, id: &str, attribute: &str) -> String {
        match self.json {
            true => format!("{{\"Fn::GetAtt\": [\"{id}\", \"{attribute}\"]}}"),
            false => format!("!GetAtt {id}.{attribute}"),
        }
    }

    /// A string as the template writes a new one: quoted in JSON, plain in YAML where that reads
    /// the same.
    fn string_literal(&self, text: &str) -> String {
        match self.json || !is_plain_word(text) {
            true => format!("\"{text}\""),
            false => text.to_owned(),
        }
    }

    fn key(&self, key: &str) -> String {
        match self.json {
            true => format!("\"{key}\""),
            false => key.to_owned(),
        }
    }

    /// The entry or item at `site`, taken out with its line (block layout) or its comma (flow).
    fn remove(&self, site: &Site) -> Result<Edit, String> {
        self.written_once(&site.range)?;
        // Taking out an anchor an alias repeats leaves the alias naming nothing.
        if self.shares_with_aliases(&site.range) {
            return Err("the setting holds a YAML anchor that aliases repeat elsewhere".to_owned());
        }
        let (container, index, layout) = match (self.root.find_entry(&site.range), self.root.find_item(&site.range)) {
            (Some((map, index)), _) => (map, index, map.as_map().map(|map| map.layout)),
            (None, Some((list, index))) => (list, index, list.as_list().map(|list| list.layout)),
            (None, None) => return Err("the setting to remove was not found".to_owned()),
        };
        let ranges = self.member_ranges(container);
        let range = &ranges[index];
        let content_end = match &container.kind {
            ValueKind::Map(map) => map.entries[index].content_end(),
            ValueKind::List(list) => list.items[index].content_end(),
            _ => range.end,
        };
        match layout {
            Some(Layout::Block) => {
                let first = line_range(self.text, range.start);
                // Only a dash may stand before the member on its line (`- go1.x`).
                if !matches!(self.text[first.start..range.start].trim(), "" | "-") {
                    return Err("the setting shares its line with another".to_owned());
                }
                let last = line_range(self.text, content_end);
                // The line break before the member goes with it, not the one after: what is
                // inserted after the enclosing block (a new resource) then starts where it ends.
                match self.break_before(first.start) {
                    Some(start) => Ok(Edit::delete(self.file, start..last.end)),
                    None => {
                        let end = (last.end + line_ending(self.text).len()).min(self.text.len());
                        Ok(Edit::delete(self.file, first.start..end))
                    }
                }
            }
            Some(Layout::Flow) => match (index.checked_sub(1), ranges.get(index + 1)) {
                (_, Some(next)) => Ok(Edit::delete(self.file, range.start..next.start)),
                (Some(previous), None) => Ok(Edit::delete(self.file, ranges[previous].end..range.end)),
                (None, None) => Ok(Edit::delete(self.file, range.clone())),
            },
            None => Err("the setting to remove was not found".to_owned()),
        }
    }

    /// Where the line break ending the line before `line_start` begins; `None` on the first line.
    fn break_before(&self, line_start: usize) -> Option<usize> {
        let before = self.text.get(..line_start)?.strip_suffix('\n')?;
        Some(before.strip_suffix('\r').map_or(line_start - 1, |_| line_start - 2))
    }

    /// Where the comment lines standing right above the line starting at `line_start` begin: they
    /// speak of that line, and go where it goes.
    fn comments_above(&self, line_start: usize) -> usize {
        let mut start = line_start;
        while start > 0 {
            let above = line_range(self.text, start - 1);
            if !self.text[above.clone()].trim_start().starts_with('#') {
                break;
            }
            start = above.start;
        }
        start
    }

    /// The byte ranges of a map's entries or a list's items.
    fn member_ranges(&self, container: &Value) -> Vec<std::ops::Range<usize>> {
        match &container.kind {
            ValueKind::Map(map) => map.entries.iter().map(|entry| entry.range.clone()).collect(),
            ValueKind::List(list) => list.items.iter().map(|item| item.range.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// New entries in `map`, after its entry number `after`.
    fn add_entries(&self, map: &Value, after: usize, entries: Vec<(String, Snippet)>) -> Result<Edit, String> {
        self.written_once(&map.range)?;
        let ValueKind::Map(inner) = &map.kind else {
            return Err("the setting's place is not a map".to_owned());
        };
        let (layout, previous) = (inner.layout, inner.entries.get(after).ok_or("no entry to add after")?);
        // A key only a merge key (`<<: *base`) brings in: an entry of the map's own would replace it.
        let merged = |key: &str| inner.entries.iter().all(|own| own.key != key) && inner.entry(key).is_some();
        if let Some((key, _)) = entries.iter().find(|(key, _)| merged(key)) {
            return Err(format!(
                "the map merges another (`<<`) that sets `{key}`, which a setting of its own would replace"
            ));
        }
        let eol = line_ending(self.text);
        let column = self.column(previous.key_range.start);
        let text: String = match (layout, self.spans_lines(map)) {
            (Layout::Block, _) => {
                let unit = self.indent_unit();
                let at = line_range(self.text, previous.content_end()).end;
                let text = entries
                    .iter()
                    .map(|(key, value)| {
                        format!(
                            "{eol}{}{key}:{}",
                            self.pad(column),
                            self.block_value(value, column, unit)
                        )
                    })
                    .collect::<String>();
                return Ok(Edit::insert(self.file, at, text));
            }
            (Layout::Flow, true) => entries
                .iter()
                .map(|(key, value)| {
                    format!(
                        ",{eol}{}{}: {}",
                        self.pad(column),
                        self.key(key),
                        self.json_value(value, column)
                    )
                })
                .collect(),
            (Layout::Flow, false) => entries
                .iter()
                .map(|(key, value)| format!(", {}: {}", self.key(key), self.flow_value(value)))
                .collect(),
        };
        Ok(Edit::insert(self.file, previous.range.end, text))
    }

    /// New items at the end of a list. Plain strings among them take the quotes every item of
    /// the list is written with (`- "arn:aws:iam::aws:policy/…"`), as the file's author does.
    fn add_items(&self, list: &Value, items: &[Snippet]) -> Result<Edit, String> {
        self.written_once(&list.range)?;
        let quoted: Vec<Snippet>;
        let items = match self.quotes_of_every_item(list) {
            Some(quote) => {
                quoted = items
                    .iter()
                    .map(|item| match item {
                        // A number keeps its type: only strings take the quotes.
                        Snippet::Text(text) if is_plain_word(text) && text.parse::<f64>().is_err() => {
                            Snippet::Text(format!("{quote}{text}{quote}"))
                        }
                        other => other.clone(),
                    })
                    .collect();
                quoted.as_slice()
            }
            None => items,
        };
        let (layout, last) = match &list.kind {
            ValueKind::List(inner) => match inner.items.last() {
                Some(last) => (inner.layout, last),
                // `[]` takes the items on one line.
                None => {
                    let all = self.flow_value(&Snippet::List(items.to_vec()));
                    return Ok(Edit::replace(self.file, list.range.clone(), all));
                }
            },
            _ => return Err("the setting is not a list".to_owned()),
        };
        let eol = line_ending(self.text);
        let column = self.column(last.range.start);
        let text: String = match (layout, self.spans_lines(list)) {
            (Layout::Block, _) => {
                let line = line_range(self.text, last.range.start);
                let dash = self.text[line.clone()]
                    .find('-')
                    .ok_or("the list's dash was not found")?;
                // The items' own gap after the dash (`- a`, `-   a`).
                let gap = " ".repeat(column.saturating_sub(dash + 1).max(1));
                let at = line_range(self.text, last.content_end()).end;
                let text: String = items
                    .iter()
                    .map(|item| format!("{eol}{}-{gap}{}", self.pad(dash), self.block_item(item, column)))
                    .collect();
                return Ok(Edit::insert(self.file, at, text));
            }
            (Layout::Flow, true) => items
                .iter()
                .map(|item| format!(",{eol}{}{}", self.pad(column), self.json_value(item, column)))
                .collect(),
            (Layout::Flow, false) => items
                .iter()
                .map(|item| format!(", {}", self.flow_value(item)))
                .collect(),
        };
        Ok(Edit::insert(self.file, last.range.end, text))
    }

    /// The quote every item of a YAML list is written in, when they are all strings written in
    /// the same one.
    fn quotes_of_every_item(&self, list: &Value) -> Option<char> {
        let items = &list.as_list().filter(|_| !self.json)?.items;
        let quote_of = |item: &Value| {
            item.as_scalar()?;
            let first = self.text[item.range.clone()].chars().next()?;
            ['"', '\''].contains(&first).then_some(first)
        };
        let first = quote_of(items.first()?)?;
        items.iter().all(|item| quote_of(item) == Some(first)).then_some(first)
    }

    /// `base`, or `base2`, `base3` …: a logical id no resource, parameter, condition or output of
    /// the template has (logical ids are alphanumeric).
    fn new_logical_id(&self, base: &str) -> String {
        let base: String = base.chars().filter(char::is_ascii_alphanumeric).collect();
        let taken = |id: &str| {
            ["Parameters", "Conditions", "Outputs", "Mappings"]
                .iter()
                .any(|section| self.root.get(section).and_then(|section| section.get(id)).is_some())
                || self.resources().any(|resource| resource.logical_id == id)
        };
        (1..)
            .map(|number| match number {
                1 => base.clone(),
                _ => format!("{base}{number}"),
            })
            .find(|id| !taken(id))
            .unwrap_or(base)
    }

    /// A new resource right after the one created at `after`, set apart as the template sets
    /// its resources apart (a blank line between them, or none).
    fn add_resource(&self, after: &Site, logical_id: &str, resource: Snippet) -> Result<Edit, String> {
        let Some((resources, index)) = self.root.find_entry(&after.range) else {
            return Err("the resource was not found in the template".to_owned());
        };
        let mut edit = self.add_entries(resources, index, vec![(logical_id.to_owned(), resource)])?;
        let (entries, layout) = match &resources.kind {
            ValueKind::Map(map) => (map.entries.as_slice(), map.layout),
            _ => (&[][..], Layout::Flow),
        };
        // Resources on one line (minified JSON, a flow map) have no lines between them.
        let spaced = entries.windows(2).any(|pair| {
            self.text
                .get(pair[0].content_end()..line_range(self.text, pair[1].range.start).start)
                .is_some_and(|between| between.matches('\n').count() > 1)
        });
        if spaced && layout == Layout::Block {
            edit.replacement = format!("{}{}", line_ending(self.text), edit.replacement);
        }
        Ok(edit)
    }

    /// The throttling of a stage, moved into its `MethodSettings`: a new entry for every method
    /// of the stage, in the list if it has one, else in a new list where the removed setting was
    /// (or after the stage's last setting).
    fn add_stage_method_settings(
        &self,
        stage: &Site,
        limits: &[(ThrottleLimit, Site)],
        removed: &[&Site],
    ) -> Result<Vec<Edit>, String> {
        let properties = self.stage_properties(stage)?;
        self.written_once(&properties.range)?;
        let map = properties.as_map().ok_or("the stage's properties are not a map")?;
        let existing = map.entry("MethodSettings");
        if existing.is_some() && map.entries.iter().all(|own| own.key != "MethodSettings") {
            return Err(
                "the stage's properties merge others (`<<`) that set MethodSettings, which a new entry would change for every stage merging them".to_owned(),
            );
        }
        let block = match existing.and_then(|existing| existing.value.as_list()) {
            Some(list) => list.layout == Layout::Block,
            None => map.layout == Layout::Block,
        };
        let mut item = vec![
            ("ResourcePath".to_owned(), Snippet::Text("\"/*\"".to_owned())),
            ("HttpMethod".to_owned(), Snippet::Text("\"*\"".to_owned())),
        ];
        item.extend(self.limit_entries(limits, block));
        let item = Snippet::Map(item);
        if let Some(existing) = existing {
            let mut edits = vec![self.add_items(&existing.value, &[item])?];
            edits.extend(self.move_comments(removed, &self.site(existing.range.clone())));
            return Ok(edits);
        }
        let list = Snippet::List(vec![item]);
        let in_place = map
            .entries
            .iter()
            .find(|entry| removed.iter().any(|site| site.range == entry.range));
        if let (Layout::Block, Some(replaced)) = (map.layout, in_place) {
            // In the removed setting's place, under the comments that spoke of its limits.
            let column = self.column(replaced.key_range.start);
            let text = format!(
                "{}{}MethodSettings:{}",
                line_ending(self.text),
                self.pad(column),
                self.block_value(&list, column, self.indent_unit()),
            );
            let at = line_range(self.text, replaced.content_end()).end;
            return Ok(vec![Edit::insert(self.file, at, text)]);
        }
        let after = map
            .entries
            .iter()
            .rposition(|entry| !removed.iter().any(|site| site.range == entry.range))
            .ok_or("the stage has no setting to add its method settings after")?;
        Ok(vec![self.add_entries(
            properties,
            after,
            vec![("MethodSettings".to_owned(), list)],
        )?])
    }

    /// The settings of the stage declared at `stage`: a resource's `Properties`, or the section
    /// of SAM's `Globals` that gives every API its settings (`Api:`), which holds them itself.
    fn stage_properties(&self, stage: &Site) -> Result<&Value, String> {
        let Some((section, index)) = self.root.find_entry(&stage.range) else {
            return Err("the stage was not found".to_owned());
        };
        let entry = section
            .as_map()
            .and_then(|map| map.entries.get(index))
            .ok_or("the stage was not found")?;
        let in_globals = self
            .root
            .get("Globals")
            .is_some_and(|globals| std::ptr::eq(globals, section));
        match in_globals {
            true => Ok(&entry.value),
            false => entry
                .value
                .get("Properties")
                .ok_or_else(|| "the stage has no properties".to_owned()),
        }
    }

    /// The innermost entry whose value holds `range`.
    fn entry_holding(&self, range: &std::ops::Range<usize>) -> Option<&Entry> {
        let mut holder = None;
        let mut value = &self.root;
        loop {
            let next = match &value.kind {
                ValueKind::Map(map) => map
                    .entries
                    .iter()
                    .find(|entry| entry.value.range.start <= range.start && range.end <= entry.value.range.end)
                    .map(|entry| {
                        holder = Some(entry);
                        &entry.value
                    }),
                ValueKind::List(list) => list
                    .items
                    .iter()
                    .find(|item| item.range.start <= range.start && range.end <= item.range.end),
                ValueKind::Tagged { value, .. } => Some(value.as_ref()),
                _ => None,
            };
            match next {
                Some(next) if next.range != *range => value = next,
                _ => return holder,
            }
        }
    }

    /// The comment lines above the removed settings, moved above the setting at `to` that takes
    /// their limits.
    fn move_comments(&self, removed: &[&Site], to: &Site) -> Vec<Edit> {
        let target = line_range(self.text, to.range.start).start;
        let mut edits = Vec::new();
        let mut moved = String::new();
        for site in removed {
            let line = line_range(self.text, site.range.start).start;
            let comments = self.comments_above(line)..line;
            if comments.is_empty() {
                continue;
            }
            moved.push_str(&self.text[comments.clone()]);
            // Deleted with the break before them, as `remove` deletes the setting below them.
            let start = self.break_before(comments.start).unwrap_or(comments.start);
            let end = self.break_before(comments.end).unwrap_or(comments.end);
            edits.push(Edit::delete(self.file, start..end));
        }
        if !moved.is_empty() {
            edits.push(Edit::insert(self.file, target, moved));
        }
        edits
    }

    /// A stage's `ThrottleSettings` made its `DefaultRouteSettings` where they are written: the
    /// setting's key and each limit's renamed, the values and comments kept.
    fn rename_to_route_defaults(&self, setting: &Site) -> Result<Vec<Edit>, String> {
        self.written_once(&setting.range)?;
        // Renaming inside an anchor would rename what every alias of it repeats.
        if self.shares_with_aliases(&setting.range) {
            return Err("the setting holds a YAML anchor that aliases repeat elsewhere".to_owned());
        }
        let (map, index) = self
            .root
            .find_entry(&setting.range)
            .ok_or("the throttling setting was not found")?;
        let entry = map
            .as_map()
            .and_then(|map| map.entries.get(index))
            .ok_or("the throttling setting was not found")?;
        let limits = entry.value.as_map().ok_or("the throttling setting is not a map")?;
        let mut edits = vec![self.rename_key(entry, "DefaultRouteSettings")?];
        for (stage_key, route_key) in [
            ("BurstLimit", "ThrottlingBurstLimit"),
            ("RateLimit", "ThrottlingRateLimit"),
        ] {
            match limits.entries.iter().find(|own| own.key == stage_key) {
                Some(limit) => edits.push(self.rename_key(limit, route_key)?),
                // A limit only a merge key (`<<: *base`) brings in keeps its stage spelling.
                None if limits.entry(stage_key).is_some() => {
                    return Err(format!(
                    "`{stage_key}` comes from a map merged in (`<<`), where it cannot be renamed for this stage alone"
                ))
                }
                None => {}
            }
        }
        Ok(edits)
    }

    /// The edit that gives an entry another key, however the key is quoted.
    fn rename_key(&self, entry: &Entry, key: &str) -> Result<Edit, String> {
        let offset = self.text[entry.key_range.clone()]
            .find(entry.key.as_str())
            .ok_or("a key is written with escapes")?;
        let start = entry.key_range.start + offset;
        Ok(Edit::replace(self.file, start..start + entry.key.len(), key))
    }

    /// Method settings keys for the limits, each value copied from where it is written.
    /// In block layout, where each entry has a line of its own, a comment that ended the value's
    /// line goes with it.
    fn limit_entries(&self, limits: &[(ThrottleLimit, Site)], block: bool) -> Vec<(String, Snippet)> {
        limits
            .iter()
            .map(|(limit, site)| {
                let key = match limit {
                    ThrottleLimit::Burst => "ThrottlingBurstLimit",
                    ThrottleLimit::Rate => "ThrottlingRateLimit",
                };
                let mut value = self.text[site.range.clone()].to_owned();
                let rest = &self.text[site.range.end..line_range(self.text, site.range.end).end];
                if block && rest.trim_start().starts_with('#') {
                    value.push_str(rest.trim_end());
                }
                (key.to_owned(), Snippet::Text(value))
            })
            .collect()
    }

    /// The text after `Key:` in YAML block layout, for a key at `column`.
    fn block_value(&self, value: &Snippet, column: usize, unit: usize) -> String {
        let eol = line_ending(self.text);
        let inner = self.pad(column + unit);
        match value {
            Snippet::Text(text) => format!(" {text}"),
            Snippet::Map(entries) => entries
                .iter()
                .map(|(key, value)| format!("{eol}{inner}{key}:{}", self.block_value(value, column + unit, unit)))
                .collect(),
            Snippet::List(items) => items
                .iter()
                .map(|item| format!("{eol}{inner}- {}", self.block_item(item, column + unit + 2)))
                .collect(),
        }
    }

    /// The text after `- ` in YAML block layout, whose further lines start at `column`.
    fn block_item(&self, item: &Snippet, column: usize) -> String {
        let eol = line_ending(self.text);
        match item {
            Snippet::Map(entries) => entries
                .iter()
                .enumerate()
                .map(|(index, (key, value))| {
                    let indent = match index {
                        0 => String::new(),
                        _ => format!("{eol}{}", self.pad(column)),
                    };
                    format!("{indent}{key}:{}", self.block_value(value, column, self.indent_unit()))
                })
                .collect(),
            other => self.flow_value(other),
        }
    }

    /// A value on lines of its own, JSON style, its closing bracket at `column`.
    fn json_value(&self, value: &Snippet, column: usize) -> String {
        let eol = line_ending(self.text);
        let inner = column + self.indent_unit();
        let pad = self.pad(inner);
        match value {
            Snippet::Text(text) => text.clone(),
            Snippet::Map(entries) => {
                let members: Vec<String> = entries
                    .iter()
                    .map(|(key, value)| format!("{eol}{pad}{}: {}", self.key(key), self.json_value(value, inner)))
                    .collect();
                format!("{{{}{eol}{}}}", members.join(","), self.pad(column))
            }
            Snippet::List(items) => {
                let members: Vec<String> = items
                    .iter()
                    .map(|item| format!("{eol}{pad}{}", self.json_value(item, inner)))
                    .collect();
                format!("[{}{eol}{}]", members.join(","), self.pad(column))
            }
        }
    }

    /// A value on one line: `{A: 1, B: 2}`, `["a", "b"]`.
    fn flow_value(&self, value: &Snippet) -> String {
        match value {
            Snippet::Text(text) => text.clone(),
            Snippet::Map(entries) => {
                let members: Vec<String> = entries
                    .iter()
                    .map(|(key, value)| format!("{}: {}", self.key(key), self.flow_value(value)))
                    .collect();
                format!("{{{}}}", members.join(", "))
            }
            Snippet::List(items) => {
                let members: Vec<String> = items.iter().map(|item| self.flow_value(item)).collect();
                format!("[{}]", members.join(", "))
            }
        }
    }

    /// Indentation `width` columns deep, in the template's own character: JSON may be indented
    /// with tabs (a tab then counts as one column), YAML never is.
    fn pad(&self, width: usize) -> String {
        match self.indented_with_tabs {
            true => "\t".repeat(width),
            false => " ".repeat(width),
        }
    }

    fn column(&self, offset: usize) -> usize {
        offset - line_range(self.text, offset).start
    }

    fn spans_lines(&self, value: &Value) -> bool {
        self.text[value.range.clone()].contains('\n')
    }

    /// How far the template indents one level: from its first top-level key that holds a map
    /// to that map's first key.
    fn indent_unit(&self) -> usize {
        let entries = self.root.as_map().map(|map| map.entries.as_slice()).unwrap_or_default();
        let nested = entries.iter().find_map(|outer| {
            let inner = outer.value.as_map()?.entries.first()?;
            let unit = self
                .column(inner.key_range.start)
                .checked_sub(self.column(outer.key_range.start))?;
            (unit > 0).then_some(unit)
        });
        nested.unwrap_or(2)
    }
}

impl GraphSource for TemplateFrontEnd<'_> {
    fn functions(&self) -> Vec<LambdaFunction> {
        self.template.graph_functions()
    }

    fn layers(&self) -> Vec<LambdaLayer> {
        self.template.graph_layers()
    }

    fn roles(&self, functions: &[LambdaFunction]) -> Vec<IamRole> {
        self.template.graph_roles(functions)
    }

    fn stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        self.template.graph_stages()
    }

    fn integrations(&self, functions: &[LambdaFunction]) -> Vec<ApiIntegration> {
        self.template.graph_integrations(functions)
    }

    fn deployments(&self) -> Vec<ApiDeployment> {
        self.template.graph_deployments()
    }

    fn queue_event_sources(&self, functions: &[LambdaFunction]) -> Vec<QueueEventSource> {
        self.template.graph_queue_event_sources(functions)
    }

    fn message_targets(&self) -> Vec<MessageTarget> {
        self.template.graph_message_targets()
    }

    fn spelling(&self) -> Spelling {
        Spelling {
            depends_on: "DependsOn",
            inline_policies: "`Policies`",
            invoke_arn: "!Sub …/functions/${Function.Arn}/invocations",
            qualified_invoke_arn: "!Sub …/functions/${Version}/invocations",
            invoke_permission: "AWS::Lambda::Permission",
        }
    }

    /// CloudFormation hands the runtime to AWS, which knows every runtime it runs.
    fn runtime_check(&self) -> Option<RuntimeCheck> {
        None
    }
}

impl FrontEnd for TemplateFrontEnd<'_> {
    fn render(&self, plan: &FixPlan) -> Result<Fix, String> {
        self.edits(plan).map(|edits| Fix::new(edits, plan.applicability))
    }

    fn can_render(&self, plan: &FixPlan) -> bool {
        self.edits(plan).is_ok()
    }

    /// One new inline policy of the role holds every grant, so they share one fix.
    fn render_new_policies(&self, role: &Site, grants: &[SendGrant]) -> Vec<Result<Fix, String>> {
        let fix = self
            .new_role_policy(role, grants)
            .map(|edit| Fix::new(vec![edit], crate::fix::Applicability::Safe));
        grants.iter().map(|_| fix.clone()).collect()
    }
}

impl TemplateFrontEnd<'_> {
    /// A new policy of the role created at `role`, written by the template of the file the role
    /// is written in, naming the targets as that file can (see `named_in`).
    fn new_role_policy(&self, role: &Site, grants: &[SendGrant]) -> Result<Edit, String> {
        if role.file == self.template.file {
            return self.template.new_role_policy(role, grants);
        }
        let other = self
            .project
            .iter()
            .find(|template| template.file == role.file)
            .ok_or("the fix would change a file of another project")?;
        let grants = grants
            .iter()
            .map(|grant| {
                let named = self.named_in(
                    Intent::AddStatements {
                        role: role.clone(),
                        document: role.clone(),
                        grants: vec![(grant.action.clone(), grant.target.clone())],
                    },
                    other,
                )?;
                let Intent::AddStatements { mut grants, .. } = named else {
                    return Err("the grant could not be named in the role's file".to_owned());
                };
                let (_, target) = grants.pop().ok_or("the grant could not be named in the role's file")?;
                Ok(SendGrant {
                    target,
                    ..grant.clone()
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        other.new_role_policy(role, &grants)
    }
}

/// Text YAML reads as itself when written without quotes: an ARN, an action, a name, a number.
fn is_plain_word(text: &str) -> bool {
    text.chars()
        .all(|character| character.is_ascii_alphanumeric() || "._-:/".contains(character))
        && text.starts_with(|first: char| first.is_ascii_alphanumeric())
}
