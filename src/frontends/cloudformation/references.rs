//! References between a template's resources: `Ref`, `Fn::GetAtt` and the `${Name}` and
//! `${Name.Attribute}` of `Fn::Sub`, in their short and long forms. CloudFormation creates a
//! resource after every resource it references, and `DependsOn` adds to those.

use std::collections::BTreeSet;

use super::values::intrinsic;
use super::Template;
use crate::cloud::{ResourceId, ResourceRef, ARN};
use crate::frontends::document::{Entry, Value, ValueKind};

const SAM_FUNCTION: &str = "AWS::Serverless::Function";
/// What the Serverless Framework compiles a function of the service to.
const COMPILED_FUNCTION: &str = "AWS::Lambda::Function";

/// What SAM publishes for a function with an `AutoPublishAlias`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Published {
    /// The `AWS::Lambda::Alias` named by the setting, whose `Ref` is its ARN.
    Alias,
    /// The `AWS::Lambda::Version` the alias points at.
    Version,
}

/// The two kinds of API a SAM function's events may be served by.
#[derive(Clone, Copy)]
enum ApiKind {
    /// A REST API (`Api` events, `AWS::Serverless::Api`, `ServerlessRestApi`).
    Rest,
    /// An HTTP API (`HttpApi` events, `AWS::Serverless::HttpApi`, `ServerlessHttpApi`).
    Http,
}

/// The output `Ref` gives for a resource, in the graph's spelling when it is the ARN.
fn ref_attribute(kind: &str) -> &'static str {
    match kind {
        // `Ref` of these is their ARN; of a queue its URL, of a role or a function its name.
        "AWS::SNS::Topic" | "AWS::IAM::ManagedPolicy" => ARN,
        _ => "ref",
    }
}

/// The output `Fn::GetAtt` gives for an attribute of a resource, in the graph's spelling when it
/// is the ARN.
fn get_att_attribute<'a>(kind: &str, attribute: &'a str) -> &'a str {
    match (kind, attribute) {
        // A topic's ARN is also its `TopicArn` attribute, which CloudFormation added beside `Ref`.
        (_, "Arn") | ("AWS::SNS::Topic", "TopicArn") => ARN,
        _ => attribute,
    }
}

impl Template<'_> {
    /// The number of the resource with this logical id, as the graph's nodes use it.
    pub(super) fn resource_index(&self, logical_id: &str) -> Option<ResourceId> {
        self.resource_ids.get(logical_id).copied()
    }

    /// The type of a resource of the template, or of a function the Serverless Framework compiles.
    fn resource_kind(&self, id: ResourceId) -> Option<&str> {
        match self.resource(id) {
            Some(resource) => Some(resource.kind),
            None => self.is_compiled_function(id).then_some(COMPILED_FUNCTION),
        }
    }

    /// The resource output a value is, when it is one (`!GetAtt Queue.Arn`, `!Ref Topic`).
    pub(super) fn resource_ref(&self, value: &Value) -> Option<ResourceRef> {
        let (name, argument) = intrinsic(value)?;
        match name.as_str() {
            "Ref" => self.output_of_ref(argument.text()?),
            "Fn::GetAtt" => {
                let (resource, attribute) = get_att_target(argument)?;
                self.output_of_get_att(&resource, &attribute)
            }
            _ => None,
        }
    }

    /// The resource output a `Fn::Sub` or `Fn::Join` writes as its whole text, which is that
    /// output as `Ref` or `Fn::GetAtt` gives it: `!Sub '${Queue.Arn}'`, `!Sub '${Topic}'`,
    /// `!Join ['', [!GetAtt Queue.Arn]]`.
    pub(super) fn written_as_one_output(&self, value: &Value) -> Option<ResourceRef> {
        let (name, argument) = intrinsic(value)?;
        match name.as_str() {
            "Fn::Sub" => {
                let substituted = argument.text()?.strip_prefix("${")?.strip_suffix('}')?;
                // `${!Literal}` is text; `${A}${B}` two values.
                if substituted.contains(['$', '{', '}', '!']) {
                    return None;
                }
                match substituted.split_once('.') {
                    Some((resource, attribute)) => self.output_of_get_att(resource, attribute),
                    None => self.output_of_ref(substituted),
                }
            }
            "Fn::Join" => match argument.as_list()?.items.as_slice() {
                [_, parts] => match parts.as_list()?.items.as_slice() {
                    [part] => self.resource_ref(part).or_else(|| self.written_as_one_output(part)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// What `Ref` of a resource of the template gives.
    fn output_of_ref(&self, logical_id: &str) -> Option<ResourceRef> {
        let id = self.resource_index(logical_id)?;
        Some(ResourceRef {
            resource: id,
            attribute: Some(ref_attribute(self.resource_kind(id)?).to_owned()),
            instance: None,
        })
    }

    /// What `Fn::GetAtt` of an attribute of a resource of the template gives.
    fn output_of_get_att(&self, logical_id: &str, attribute: &str) -> Option<ResourceRef> {
        let id = self.resource_index(logical_id)?;
        Some(ResourceRef {
            resource: id,
            attribute: Some(get_att_attribute(self.resource_kind(id)?, attribute).to_owned()),
            instance: None,
        })
    }

    /// Every resource a value references, at any depth.
    pub(super) fn referenced(&self, value: &Value) -> BTreeSet<ResourceId> {
        let mut found = BTreeSet::new();
        let mut pending = vec![value];
        while let Some(value) = pending.pop() {
            if let Some((name, argument)) = intrinsic(value) {
                let named: Vec<String> = match name.as_str() {
                    "Ref" => argument.text().map(str::to_owned).into_iter().collect(),
                    "Fn::GetAtt" => get_att_target(argument)
                        .map(|(resource, _)| resource)
                        .into_iter()
                        .collect(),
                    "Fn::Sub" => substituted_names(argument),
                    _ => Vec::new(),
                };
                for name in &named {
                    match self.resource_index(name) {
                        Some(id) => {
                            found.insert(id);
                        }
                        None => found.extend(self.sam_made_from_functions(name)),
                    }
                }
            }
            match &value.kind {
                ValueKind::Map(map) => pending.extend(map.entries.iter().map(|entry| &entry.value)),
                ValueKind::List(list) => pending.extend(&list.items),
                ValueKind::Tagged { value, .. } => pending.push(value),
                _ => {}
            }
        }
        found
    }

    /// The resources a resource waits for: those it references, and those its `DependsOn` names.
    /// SAM turns a function's `Events` into resources of their own (mappings, permissions, the
    /// API's definition), made after the function: the function waits for none of what its
    /// events name, and an API waits for the functions whose events it serves.
    pub(super) fn waits_for(&self, resource: &super::Resource) -> BTreeSet<ResourceId> {
        let serverless_function = resource.kind == SAM_FUNCTION;
        let mut found = BTreeSet::new();
        for (key, value) in resource
            .properties
            .and_then(Value::as_map)
            .into_iter()
            .flat_map(|map| map.entries.iter().map(|entry| (entry.key.as_str(), &entry.value)))
        {
            if !(serverless_function && key == "Events") {
                found.extend(self.referenced(value));
            }
        }
        let api_kind = match resource.kind {
            "AWS::Serverless::Api" => Some(ApiKind::Rest),
            "AWS::Serverless::HttpApi" => Some(ApiKind::Http),
            _ => None,
        };
        if let Some(kind) = api_kind {
            found.extend(self.functions_with_events_on(Some(resource.logical_id), kind));
        }
        if let Some(depends_on) = resource.entry.value.get("DependsOn") {
            let names: Vec<&str> = match depends_on.as_list() {
                Some(list) => list.items.iter().filter_map(Value::text).collect(),
                None => depends_on.text().into_iter().collect(),
            };
            found.extend(names.into_iter().filter_map(|name| self.resource_index(name)));
        }
        found
    }

    /// The functions a resource SAM makes stands for, for the references to it: the alias and
    /// version of its `AutoPublishAlias` are made from the function, and the implicit APIs
    /// (`ServerlessRestApi`, `ServerlessHttpApi`, their stages and deployments) from every
    /// function with an event on them, whose ARNs their definitions name.
    fn sam_made_from_functions(&self, name: &str) -> Vec<ResourceId> {
        if let Some((function, _)) = self.sam_published(name) {
            return vec![function];
        }
        if name.starts_with("ServerlessRestApi") {
            return self.functions_with_events_on(None, ApiKind::Rest);
        }
        if name.starts_with("ServerlessHttpApi") {
            return self.functions_with_events_on(None, ApiKind::Http);
        }
        Vec::new()
    }

    /// The SAM function whose published alias or version `name` names, and which of the two:
    /// `Fn.Alias` and `Fn.Version` (the properties SAM lets a template reference), or the alias's
    /// own logical id, `<Fn>Alias<Name>` (samtranslator's `_construct_alias`, which spells `-` as
    /// `D` and `_` as `U`). SAM makes both only for a function with an `AutoPublishAlias` (its own
    /// or from `Globals`), which names the alias; a reference to either of another function does
    /// not deploy. The version's own logical id ends in a hash of the code, which no template
    /// writes.
    pub(super) fn sam_published(&self, name: &str) -> Option<(ResourceId, Published)> {
        for (suffix, published) in [(".Alias", Published::Alias), (".Version", Published::Version)] {
            if let Some(function) = name.strip_suffix(suffix) {
                let function = self.resource_index(function)?;
                return self.auto_publish_alias(function).map(|_| (function, published));
            }
        }
        // The function's own logical id may hold `Alias` too (`AliasSyncFunctionAliaslive`).
        name.match_indices("Alias").find_map(|(at, _)| {
            let function = self.resource_index(&name[..at])?;
            let alias = &name[at + "Alias".len()..];
            let setting = self.auto_publish_alias(function)?;
            // SAM resolves a `Ref` to a parameter with the value the stack is given; a reference
            // naming the alias another value would make does not deploy.
            self.candidates(&setting.value)
                .found
                .iter()
                .any(|candidate| candidate.scalar.text.replace('-', "D").replace('_', "U") == alias)
                .then_some((function, Published::Alias))
        })
    }

    /// The `AutoPublishAlias` of SAM function `id`, its own or from `Globals`.
    fn auto_publish_alias(&self, id: ResourceId) -> Option<&Entry> {
        let function = self.resource(id).filter(|function| function.kind == SAM_FUNCTION)?;
        self.function_setting(&function, "AutoPublishAlias")
    }

    /// The SAM function whose published alias or version a value names: by `Ref`, or as the
    /// whole text of a `Fn::Sub` (`!Sub '${Fn.Alias}'`).
    pub(super) fn sam_published_by(&self, value: &Value) -> Option<ResourceId> {
        let (function, argument) = intrinsic(value)?;
        let named = match function.as_str() {
            "Ref" => argument.text()?.trim(),
            "Fn::Sub" => argument.text()?.strip_prefix("${")?.strip_suffix('}')?,
            _ => return None,
        };
        self.sam_published(named).map(|(function, _)| function)
    }

    /// The SAM functions with an event of `kind` on the API `api` names (its logical id), or,
    /// for `None`, on the implicit API SAM makes for such events that name none.
    fn functions_with_events_on(&self, api: Option<&str>, kind: ApiKind) -> Vec<ResourceId> {
        let (event_type, api_key) = match kind {
            ApiKind::Rest => ("Api", "RestApiId"),
            ApiKind::Http => ("HttpApi", "ApiId"),
        };
        let api = match api {
            Some(logical_id) => match self.resource_index(logical_id) {
                Some(id) => Some(id),
                None => return Vec::new(),
            },
            None => None,
        };
        let names_api = |event: &Value| {
            let named = event.get("Properties").and_then(|properties| properties.get(api_key));
            match (named, api) {
                (None, None) => true,
                (Some(named), Some(api)) => self.referenced(named).contains(&api),
                _ => false,
            }
        };
        self.resources()
            .enumerate()
            .filter(|(_, resource)| resource.kind == SAM_FUNCTION)
            .filter(|(_, resource)| {
                resource
                    .properties
                    .and_then(|properties| properties.get("Events"))
                    .and_then(Value::as_map)
                    .is_some_and(|events| {
                        events.entries.iter().any(|event| {
                            event.value.get("Type").and_then(Value::text) == Some(event_type) && names_api(&event.value)
                        })
                    })
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// Every resource a resource waits for, directly or through the resources it waits for.
    pub(super) fn waits_for_transitively(&self, id: ResourceId) -> BTreeSet<ResourceId> {
        let mut found = BTreeSet::new();
        let mut pending = vec![id];
        while let Some(next) = pending.pop() {
            let Some(resource) = self.resource(next) else {
                continue;
            };
            for waited in self.waits_for(&resource) {
                if found.insert(waited) {
                    pending.push(waited);
                }
            }
        }
        found
    }

    /// The condition a resource exists under, when it has one.
    pub(super) fn condition_of(&self, id: ResourceId) -> Option<&str> {
        self.resource(id)?.condition()
    }
}

/// The resource and attribute a `Fn::GetAtt` names: `Fn.Arn`, `[Fn, Arn]`.
pub(super) fn get_att_target(argument: &Value) -> Option<(String, String)> {
    match &argument.kind {
        ValueKind::Scalar(scalar) => {
            let (resource, attribute) = scalar.text.split_once('.')?;
            Some((resource.to_owned(), attribute.to_owned()))
        }
        ValueKind::List(list) => match list.items.as_slice() {
            [resource, attribute] => Some((resource.text()?.to_owned(), attribute.text()?.to_owned())),
            _ => None,
        },
        _ => None,
    }
}

/// The names a `Fn::Sub` string substitutes: `${Queue.Arn}` names `Queue`. (What the values of its
/// variable map reference is found by walking the map.)
fn substituted_names(argument: &Value) -> Vec<String> {
    let text = match argument.as_list() {
        Some(list) => list.items.first().and_then(Value::text),
        None => argument.text(),
    };
    let Some(text) = text else { return Vec::new() };
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(name, _)| name.split('.').next().unwrap_or(name).to_owned())
        .filter(|name| !name.starts_with('!'))
        .collect()
}
