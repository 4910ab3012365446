//! What the policy switches of a `terraform-aws-modules/lambda/aws` call grant the role its module
//! makes, read from the call's inputs as the module's `iam.tf` uses them. Each switch written
//! `true` attaches one policy (`count = local.create_role && var.SWITCH ? 1 : 0`):
//!
//! - `attach_dead_letter_policy`: `sns:Publish` and `sqs:SendMessage` on `dead_letter_target_arn`;
//! - `attach_async_event_policy`: `sns:Publish`, `sqs:SendMessage`, `events:PutEvents` and
//!   `lambda:InvokeFunction` on `destination_on_failure` and `destination_on_success`;
//! - `attach_policy`: the policy whose ARN `policy` is;
//! - `attach_policy_json`: the document `policy_json` holds;
//! - `attach_policy_jsons`: the first `number_of_policy_jsons` documents of `policy_jsons`;
//! - `attach_policy_statements`: a statement per entry of `policy_statements` (its `effect`,
//!   `actions` and `resources`; `not_actions`, `not_resources` or a `condition` leave the
//!   statement unjudged for what it could grant).
//!
//! (`attach_policies` is read with the call itself, see `registry.rs`; the logs, network and
//! tracing switches grant nothing a rule asks about.) What a switch attaches is read as the root
//! writes it: a resource it cannot follow makes only that statement uncertain, and a document or
//! list it cannot read at all, or a switch a variable gives (on or off), makes the role
//! unreadable, since it may grant anything. The documents are the module's and never edited.

use super::registry::DEAD_LETTER_SWITCH;
use super::values::{object_node, tuple_elements, unwrapped, Scope};
use super::{Located, ResourceBlock, TerraformProject};
use crate::cloud::{Effect, Entry, GrantDocument, PolicyStatement, ResourceId, RoleGrants};

/// What a switch attaches, from which inputs.
enum Attached {
    /// One Allow statement of these actions on the ARNs these inputs give.
    Statement {
        actions: &'static [&'static str],
        targets: &'static [&'static str],
    },
    /// The policy whose ARN this input is.
    PolicyArn(&'static str),
    /// The document this input holds.
    Document(&'static str),
    /// The first (number input) documents of the list input.
    Documents { number: &'static str, list: &'static str },
    /// A statement per entry of this input's map (or list).
    Statements(&'static str),
}

const SWITCHES: [(&str, Attached); 6] = [
    (
        DEAD_LETTER_SWITCH,
        Attached::Statement {
            actions: &["sns:Publish", "sqs:SendMessage"],
            targets: &["dead_letter_target_arn"],
        },
    ),
    (
        "attach_async_event_policy",
        Attached::Statement {
            actions: &[
                "sns:Publish",
                "sqs:SendMessage",
                "events:PutEvents",
                "lambda:InvokeFunction",
            ],
            targets: &["destination_on_failure", "destination_on_success"],
        },
    ),
    ("attach_policy", Attached::PolicyArn("policy")),
    ("attach_policy_json", Attached::Document("policy_json")),
    (
        "attach_policy_jsons",
        Attached::Documents {
            number: "number_of_policy_jsons",
            list: "policy_jsons",
        },
    ),
    ("attach_policy_statements", Attached::Statements("policy_statements")),
];

impl<'a> TerraformProject<'a> {
    /// Adds to `grants` what the switches of the registry module call `function` (the resource
    /// `id`) attach to the role its module makes.
    /// A switch is read in `scope` (through the variables of the local module holding the call).
    pub(super) fn add_switched_policies(
        &self,
        grants: &mut RoleGrants,
        id: ResourceId,
        function: &ResourceBlock<'a>,
        scope: &Scope<'_, 'a>,
    ) {
        let body = function.body;
        for (switch, attached) in &SWITCHES {
            match self.switch(body, switch, scope) {
                Some(false) => continue,
                Some(true) => {}
                None => {
                    grants.unreadable += 1;
                    continue;
                }
            }
            let input = |name: &str| self.argument(body, name);
            match attached {
                Attached::Statement { actions, targets } => {
                    let actions = actions.iter().map(|action| literal_entry(action)).collect();
                    let mut resources = Vec::new();
                    let mut uncertainty = None;
                    for value in targets.iter().filter_map(|target| input(target)) {
                        let read = self.entries(value, scope);
                        resources.extend(read.entries);
                        uncertainty = uncertainty.or(read.uncertainty);
                    }
                    let statement = PolicyStatement::new(Effect::Allow, actions, resources, uncertainty);
                    grants
                        .documents
                        .push(module_document(id, function.block, vec![statement]));
                }
                Attached::PolicyArn(name) => match input(name) {
                    Some(arn) => {
                        // A policy of the root it names is read, never extended from here.
                        let before = grants.documents.len();
                        self.add_policy_by_arn(grants, function, arn);
                        for document in &mut grants.documents[before..] {
                            document.shared = true;
                        }
                    }
                    None => grants.unreadable += 1,
                },
                Attached::Document(name) => self.add_module_document(grants, id, input(name), scope),
                Attached::Documents { number, list } => {
                    let documents = input(number)
                        .and_then(|number| self.number_literal(unwrapped(number)))
                        .zip(input(list).and_then(tuple_elements))
                        .and_then(|(count, documents)| {
                            let count = usize::try_from(count).ok().filter(|&count| count <= documents.len())?;
                            Some(documents.into_iter().take(count).collect::<Vec<_>>())
                        });
                    match documents {
                        Some(documents) => {
                            for document in documents {
                                self.add_module_document(grants, id, Some(document), scope);
                            }
                        }
                        None => grants.unreadable += 1,
                    }
                }
                Attached::Statements(name) => {
                    match input(name).and_then(|value| self.policy_statements(value, scope)) {
                        Some(statements) => grants.documents.push(module_document(id, function.block, statements)),
                        None => grants.unreadable += 1,
                    }
                }
            }
        }
    }

    /// The document a module input holds, read in `scope`; unreadable when it cannot be read.
    fn add_module_document(
        &self,
        grants: &mut RoleGrants,
        id: ResourceId,
        value: Option<Located<'a>>,
        scope: &Scope<'_, 'a>,
    ) {
        match value.and_then(|value| self.policy_document(value, scope)) {
            Some(document) => grants
                .documents
                .push(module_document(id, document.at, document.statements)),
            None => grants.unreadable += 1,
        }
    }

    /// The statements of a call's `policy_statements`: a map (or list) of objects with the keys of
    /// an `aws_iam_policy_document` statement. `None` when it is not written out in the call.
    fn policy_statements(&self, value: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<PolicyStatement>> {
        let origin = self.origin(value, scope).filter(|origin| !origin.overridable)?;
        let scope = &scope[..origin.depth];
        let entries: Vec<Located<'a>> = match object_node(origin.written) {
            Some(map) => self
                .all_object_fields(map)?
                .into_iter()
                .map(|(_, entry)| entry)
                .collect(),
            None => tuple_elements(origin.written)?,
        };
        entries
            .into_iter()
            .map(|entry| {
                let fields = self.all_object_fields(object_node(entry)?)?;
                let field = |key: &str| fields.iter().find(|(name, _)| name == key).map(|(_, value)| *value);
                // `lookup(statement.value, "effect", null)`: the data source's default, Allow.
                let effect = match field("effect") {
                    Some(effect) => self.string_value(effect, scope).map(|(effect, _)| effect),
                    None => Some("Allow".to_owned()),
                };
                let list = |key: &str| field(key).map(|value| self.entries(value, scope)).unwrap_or_default();
                let uncertainty = ["not_actions", "not_resources", "condition"]
                    .into_iter()
                    .find(|key| field(key).is_some())
                    .map(|key| format!("a statement with {key}"));
                Some(super::policy::statement(
                    effect.as_deref(),
                    list("actions"),
                    list("resources"),
                    uncertainty,
                ))
            })
            .collect()
    }
}

/// A document the module makes from its call's inputs: only read.
fn module_document(owner: ResourceId, at: Located<'_>, statements: Vec<PolicyStatement>) -> GrantDocument {
    GrantDocument {
        owner,
        statements,
        at: at.site(),
        shared: true,
        inline_role_policy: false,
        malformed: None,
    }
}

fn literal_entry(text: &str) -> Entry {
    Entry {
        literal: Some(text.to_owned()),
        resource: None,
        text: None,
    }
}
