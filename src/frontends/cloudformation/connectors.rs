//! SAM connectors: `AWS::Serverless::Connector` resources, and the `Connectors` a resource embeds
//! (SAM first makes each of those a connector resource of its own, named
//! `<source logical id><connector name>`). SAM turns a connector between a function and a queue
//! or topic into an `AWS::IAM::ManagedPolicy` on the function's role, granting what its profile
//! lists for each of its `Permissions` (SAM's `connector_profiles/profiles.json`):
//!
//! - function → SQS queue: `Read` = `sqs:ReceiveMessage`, `sqs:GetQueueAttributes`; `Write` =
//!   `sqs:DeleteMessage`, `sqs:SendMessage`, `sqs:ChangeMessageVisibility`, `sqs:PurgeQueue`, on
//!   the queue. Nothing waits for the policy: SAM adds no `DependsOn` for this profile.
//! - function → SNS topic: `Write` = `sns:Publish` on the topic. Nothing waits for it either.
//! - SQS queue → function: `Read` = `sqs:ReceiveMessage`, `sqs:GetQueueAttributes`; `Write` =
//!   `sqs:DeleteMessage`, on the queue, to the function's role; SAM makes the one event source
//!   mapping between them wait for the policy.
//!
//! The policy reaches the role the function's `Role` names (`!GetAtt WorkerRole.Arn`), or the one
//! SAM makes for a function that names none.

use super::{Resource, Template};
use crate::cloud::{Effect, Entry, GrantDocument, PolicyStatement, ResourceId, ResourceRef, ARN};
use crate::frontends::document::{Entry as MapEntry, Layout, Map, Scalar, Value, ValueKind};

pub const CONNECTOR_TYPE: &str = "AWS::Serverless::Connector";

/// The actions a connector's permission grants, by the source's and the destination's types.
fn profile(source: &str, destination: &str, permission: &str) -> &'static [&'static str] {
    const FUNCTIONS: [&str; 2] = ["AWS::Lambda::Function", "AWS::Serverless::Function"];
    match (FUNCTIONS.contains(&source), destination, permission) {
        (true, "AWS::SQS::Queue", "Read") => &["sqs:ReceiveMessage", "sqs:GetQueueAttributes"],
        (true, "AWS::SQS::Queue", "Write") => &[
            "sqs:DeleteMessage",
            "sqs:SendMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:PurgeQueue",
        ],
        (true, "AWS::SNS::Topic", "Write") => &["sns:Publish"],
        (false, _, "Read") if source == "AWS::SQS::Queue" && FUNCTIONS.contains(&destination) => {
            &["sqs:ReceiveMessage", "sqs:GetQueueAttributes"]
        }
        (false, _, "Write") if source == "AWS::SQS::Queue" && FUNCTIONS.contains(&destination) => {
            &["sqs:DeleteMessage"]
        }
        _ => &[],
    }
}

/// The connectors the resources of a section embed, each as the connector resource SAM makes of
/// it: its logical id, `Type`, and `Properties` with the embedding resource as `Source`. Each
/// spans the bytes of its entry under `Connectors`, where findings about it point.
pub fn embedded(entries: &[MapEntry]) -> Vec<MapEntry> {
    let mut made = Vec::new();
    for source in entries {
        let Some(connectors) = source.value.get("Connectors").and_then(Value::as_map) else {
            continue;
        };
        for connector in &connectors.entries {
            let Some(properties) = connector.value.get("Properties").and_then(Value::as_map) else {
                continue;
            };
            let synthetic = |text: &str| Value {
                range: connector.key_range.clone(),
                kind: ValueKind::Scalar(Scalar {
                    text: text.to_owned(),
                    content: connector.key_range.clone(),
                }),
            };
            let entry = |key: &str, value: Value| MapEntry {
                key: key.to_owned(),
                key_range: connector.key_range.clone(),
                range: connector.key_range.clone(),
                value,
            };
            let map = |entries: Vec<MapEntry>| Value {
                range: connector.range.clone(),
                kind: ValueKind::Map(Map {
                    layout: Layout::Block,
                    entries,
                }),
            };
            let mut own = properties.entries.clone();
            own.push(entry("Source", map(vec![entry("Id", synthetic(&source.key))])));
            made.push(MapEntry {
                key: format!("{}{}", source.key, connector.key),
                key_range: connector.key_range.clone(),
                range: connector.range.clone(),
                value: map(vec![
                    entry("Type", synthetic(CONNECTOR_TYPE)),
                    entry("Properties", map(own)),
                ]),
            });
        }
    }
    made
}

/// What one connector grants a role.
pub(super) struct ConnectorGrant<'t> {
    pub connector: Resource<'t>,
    pub id: ResourceId,
    pub document: GrantDocument,
    /// The function whose role it reaches, when the function is its source: SAM makes nothing
    /// wait for the policy then.
    pub unwaited_source: Option<ResourceId>,
    /// The queue or topic it grants on.
    pub destination: ResourceId,
}

impl<'a> Template<'a> {
    /// What the template's connectors grant a role: those whose function (the source, or the
    /// destination of a queue's connector) runs as it, as `runs_as_role` tells.
    pub(super) fn connector_grants(&self, runs_as_role: &dyn Fn(&Resource) -> bool) -> Vec<ConnectorGrant<'_>> {
        let mut grants = Vec::new();
        for (id, connector) in self.resources().enumerate() {
            if connector.kind != CONNECTOR_TYPE {
                continue;
            }
            let Some(properties) = connector.properties else {
                continue;
            };
            let Some((source_id, source)) = properties.get("Source").and_then(|source| self.connected(source)) else {
                continue;
            };
            // One destination, or a list of them.
            let destinations: Vec<&Value> = match properties.get("Destination") {
                Some(written) => match written.as_list() {
                    Some(list) => list.items.iter().collect(),
                    None => vec![written],
                },
                None => Vec::new(),
            };
            let permissions: Vec<&str> = properties
                .get("Permissions")
                .and_then(Value::as_list)
                .map(|list| list.items.iter().filter_map(Value::text).collect())
                .unwrap_or_default();
            for (destination_id, destination) in destinations.into_iter().filter_map(|value| self.connected(value)) {
                // The policy goes to the source's role, or to the destination's for a queue
                // that feeds a function.
                let (function_id, function, queue_id, source_policy) = match source.kind {
                    "AWS::SQS::Queue" => (destination_id, destination, source_id, false),
                    _ => (source_id, source, destination_id, true),
                };
                if !runs_as_role(&function) {
                    continue;
                }
                let actions: Vec<Entry> = permissions
                    .iter()
                    .flat_map(|permission| profile(source.kind, destination.kind, permission))
                    .map(|action| Entry {
                        literal: Some((*action).to_owned()),
                        resource: None,
                        text: None,
                    })
                    .collect();
                if actions.is_empty() {
                    continue;
                }
                let on = Entry {
                    literal: None,
                    resource: Some(ResourceRef {
                        resource: queue_id,
                        attribute: Some(ARN.to_owned()),
                        instance: None,
                    }),
                    text: None,
                };
                grants.push(ConnectorGrant {
                    connector,
                    id,
                    document: GrantDocument {
                        owner: id,
                        statements: vec![PolicyStatement::new(Effect::Allow, actions, vec![on], None)],
                        at: self.site(connector.entry.range.clone()),
                        // SAM writes the policy: no grant is ever written into it.
                        shared: true,
                        inline_role_policy: false,
                        malformed: None,
                    },
                    unwaited_source: source_policy.then_some(function_id),
                    destination: queue_id,
                });
            }
        }
        grants
    }

    /// The resource of the template a connector's `Source` or `Destination` names: by `Id`, or
    /// by an `Arn` that reads a resource's ARN.
    fn connected(&self, reference: &Value) -> Option<(ResourceId, Resource<'_>)> {
        let id = match reference.get("Id").and_then(Value::text) {
            Some(logical_id) => self.resource_index(logical_id)?,
            None => {
                let arn = self.resource_ref(reference.get("Arn")?)?;
                arn.is_arn().then_some(arn.resource)?
            }
        };
        Some((id, self.resource(id)?))
    }
}
