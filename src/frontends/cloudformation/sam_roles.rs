//! The role SAM makes for an `AWS::Serverless::Function` that names no `Role` (`<Function>Role`,
//! SAM's `SamFunction._construct_role`). It holds AWSLambdaBasicExecutionRole; what the
//! function's `Policies` list (AWS managed policies by name or ARN, policy documents, the policy
//! templates infrafix knows); and what SAM adds itself: `sqs:SendMessage` or `sns:Publish` on the
//! `DeadLetterQueue` target, AWSLambdaSQSQueueExecutionRole for `SQS` events (its pull event
//! sources' `_link_policy`), grants on their own services for the other pull events, sending to
//! the destinations of `EventInvokeConfig` and of an event's `DestinationConfig`. Connectors from
//! the function reach it too. An entry infrafix cannot read leaves the role unjudged, and so does
//! a policy resource naming `<Function>Role`, which nothing waits for.
//!
//! `Tracing` and `VpcConfig` add AWSXrayWriteOnlyAccess and AWSLambdaVPCAccessExecutionRole,
//! which allow X-Ray and network interface actions alone: nothing the rules ask about, so they
//! are not read.

use super::iam::{
    attaches_to_role, get_att_name, pseudo_parameters_as_wildcards, substituted_text, when_set, ATTACHMENT_TYPES,
};
use super::values::intrinsic;
use super::{Resource, Template};
use crate::aws::managed_policies;
use crate::aws::sam_policy_templates::{self, TemplateGrant};
use crate::cloud::{
    Effect, Entry, GrantDocument, IamRole, MisnamedTarget, PolicyStatement, ResourceId, RoleGrants, ARN,
};
use crate::frontends::document::Value;

const SAM_FUNCTION: &str = "AWS::Serverless::Function";
/// The policy SAM attaches to every role it makes for a function.
const BASIC_EXECUTION: &str = "AWSLambdaBasicExecutionRole";
/// The policy SAM attaches for a function's `SQS` events.
const SQS_EXECUTION: &str = "AWSLambdaSQSQueueExecutionRole";
/// The pull events besides `SQS`, and the services SAM grants their role on (their AWS managed
/// policy, or statements on secrets, keys, network interfaces and clusters): never a queue or a
/// topic.
const OTHER_PULL_EVENTS: [(&str, &[&str]); 6] = [
    ("Kinesis", &["kinesis", "logs"]),
    ("DynamoDB", &["dynamodb", "logs"]),
    ("MSK", &["kafka", "ec2", "logs", "secretsmanager"]),
    ("MQ", &["mq", "secretsmanager", "kms"]),
    ("SelfManagedKafka", &["secretsmanager", "kms", "ec2"]),
    ("DocumentDB", &["rds", "secretsmanager", "kms", "ec2"]),
];
/// What SAM lets a role do with a destination of its function's invocations or failed batches.
const DESTINATION_ACTIONS: [&str; 4] = [
    "sqs:SendMessage",
    "sns:Publish",
    "events:PutEvents",
    "lambda:InvokeFunction",
];

impl<'a> Template<'a> {
    /// The SAM functions that run as a role SAM makes, in the order their roles follow the
    /// template's own among the graph's roles. A function a `Fn::ForEach` loop makes (a role per
    /// copy) is left out, and so is every one when `Globals` sets a `Role` or `Policies`, which
    /// infrafix does not read; a Serverless service's `resources:` are not transformed by SAM.
    /// So is a function whose role a policy resource of the template names: SAM makes the
    /// function wait for its role alone, so Lambda may check the role before that policy is
    /// attached, and no rule asks the function or its mappings to wait for it.
    fn sam_role_functions(&self) -> Vec<ResourceId> {
        let globals_set_role = self
            .function_globals()
            .is_some_and(|globals| globals.get("Role").is_some() || globals.get("Policies").is_some());
        if self.serverless || globals_set_role {
            return Vec::new();
        }
        self.resources()
            .enumerate()
            .filter(|(_, resource)| {
                resource.kind == SAM_FUNCTION
                    && resource
                        .properties
                        .and_then(|properties| properties.get("Role"))
                        .is_none()
                    && self.made_by_loop(resource).is_none()
                    && !self.policy_resource_names_sam_role(resource)
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// Whether an `AWS::IAM::Policy`, `ManagedPolicy` or `RolePolicy` of the template attaches
    /// to the role SAM makes for `function` (`<Function>Role`).
    fn policy_resource_names_sam_role(&self, function: &Resource) -> bool {
        let role_id = format!("{}Role", function.logical_id);
        self.resources()
            .any(|policy| ATTACHMENT_TYPES.contains(&policy.kind) && attaches_to_role(&policy, &role_id, None))
    }

    /// The place of the role SAM makes for `function` among the graph's roles: after the
    /// template's own.
    pub(super) fn sam_role_number(&self, function: ResourceId) -> Option<usize> {
        let position = self.sam_role_functions().iter().position(|id| *id == function)?;
        Some(self.role_ids().len() + position)
    }

    /// The roles SAM makes, numbered as `sam_role_number` numbers them.
    pub(super) fn sam_roles(&self) -> Vec<IamRole> {
        self.sam_role_functions()
            .into_iter()
            .filter_map(|id| Some((id, self.resource(id)?)))
            .map(|(id, function)| self.sam_role(id, &function))
            .collect()
    }

    fn sam_role(&self, id: ResourceId, function: &Resource) -> IamRole {
        let role_id = format!("{}Role", function.logical_id);
        let mut grants = RoleGrants::default();
        grants.managed.extend(managed_policies::find(BASIC_EXECUTION));
        let own = |key: &str| function.properties.and_then(|properties| properties.get(key));
        if let Some(policies) = own("Policies") {
            let listed: Vec<&Value> = match policies.as_list() {
                Some(list) => list.items.iter().collect(),
                None => vec![policies],
            };
            for policy in listed {
                self.add_listed_policy(&mut grants, id, policy);
            }
        }
        if let Some(dead_letter) = self.function_setting(function, "DeadLetterQueue") {
            self.add_dead_letter_grant(&mut grants, id, when_set(&dead_letter.value));
        }
        if let Some(events) = own("Events") {
            self.add_event_grants(&mut grants, id, events);
        }
        let invoke_destinations = self
            .function_setting(function, "EventInvokeConfig")
            .and_then(|config| config.value.get("DestinationConfig"));
        if let Some(destinations) = invoke_destinations {
            grants
                .documents
                .push(self.sam_document(id, destinations, vec![unread_resources(&DESTINATION_ACTIONS)]));
        }
        let runs_as_role = |candidate: &Resource| candidate.logical_id == function.logical_id;
        for grant in self.connector_grants(&runs_as_role) {
            grants.documents.push(grant.document);
        }
        grants.boundary = self
            .function_setting(function, "PermissionsBoundary")
            .and_then(|boundary| self.permissions_boundary(&boundary.value));
        IamRole {
            name: format!("the role SAM makes for it (`{role_id}`)"),
            declared: self.site(function.entry.range.clone()),
            grants,
            attachments: Vec::new(),
            owns_inline_policies: false,
        }
    }

    /// One entry of a SAM function's `Policies`: an AWS managed policy by name or ARN, a policy
    /// document, or a policy template. Anything else (an `!If`, a template infrafix does not
    /// know) may grant anything.
    fn add_listed_policy(&self, grants: &mut RoleGrants, function: ResourceId, policy: &Value) {
        let is_condition = matches!(intrinsic(policy), Some((name, _)) if name == "Fn::If");
        if policy.text().is_some() || (intrinsic(policy).is_some() && !is_condition) {
            // SAM maps the name of an AWS managed policy to its ARN.
            match policy.text().and_then(managed_policies::find) {
                Some(known) => grants.managed.push(known),
                None => self.add_managed_policy(grants, policy),
            }
            return;
        }
        if policy.get("Statement").is_some() {
            self.add_document(grants, function, Some(policy), true);
            return;
        }
        let template = policy
            .as_map()
            .filter(|map| map.entries.len() == 1)
            .and_then(|map| map.entries.first())
            .and_then(|entry| Some((sam_policy_templates::find(&entry.key)?, &entry.value)));
        let misnamed = template.and_then(|(template, parameters)| match template.grant {
            TemplateGrant::OnNamed { parameter, .. } => {
                self.misnamed_target(template.name, parameter, parameters.get(parameter)?)
            }
            TemplateGrant::OnOtherResources(_) => None,
        });
        if let Some(misnamed) = misnamed {
            // The ARN SAM makes of it names no queue or topic: the entry grants nothing.
            grants.misnamed.push(misnamed);
            return;
        }
        let statement = template.and_then(|(template, parameters)| match template.grant {
            TemplateGrant::OnOtherResources(actions) => Some(unread_resources(actions)),
            TemplateGrant::OnNamed {
                parameter,
                service,
                actions,
                suffix,
            } => {
                let name = self.substitution_of(parameters.get(parameter)?)?;
                let arn =
                    format!("arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{name}{suffix}");
                let on = Entry {
                    literal: pseudo_parameters_as_wildcards(&arn),
                    resource: None,
                    text: substituted_text(&arn),
                };
                Some(PolicyStatement::new(Effect::Allow, literals(actions), vec![on], None))
            }
        });
        match statement {
            Some(statement) => grants
                .documents
                .push(self.sam_document(function, policy, vec![statement])),
            None => grants.unreadable += 1,
        }
    }

    /// A template parameter naming a queue or topic of the template by an output other than its
    /// name (`QueueName: !Ref Queue`, the queue's URL; a topic's `Ref` or any `Arn`), which SAM
    /// writes into the ARN where the name belongs: the policy names nothing, and the fix reads
    /// the name (`!GetAtt Queue.QueueName`).
    fn misnamed_target(&self, template: &str, parameter: &str, value: &Value) -> Option<MisnamedTarget> {
        let reference = self.resource_ref(value).or_else(|| self.written_as_one_output(value))?;
        let resource = self.resource(reference.resource)?;
        let (kind, name) = name_attribute(resource.kind)?;
        let output = match reference.attribute.as_deref()? {
            attribute if attribute == name => return None,
            ARN => format!("the {kind}'s ARN"),
            "ref" | "QueueUrl" => format!("the {kind}'s URL"),
            other => format!("its `{other}`"),
        };
        let written = self
            .written(&value.range)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some(MisnamedTarget {
            resource: reference.resource,
            at: self.site(value.range.clone()),
            why: format!(
                "Its `{template}` entry gives `{parameter}` as `{written}`, {output}, which SAM writes into the ARN where the name belongs, so the policy names no {kind}: `{parameter}` must be `{}`.",
                self.attribute(resource.logical_id, name)
            ),
        })
    }

    /// A template parameter as the `Fn::Sub` that SAM puts it in reads it: text, `${Queue.QueueName}`
    /// for a `Fn::GetAtt`, `${Name}` for a `Ref`, or a `Fn::Sub` string's own text.
    fn substitution_of(&self, value: &Value) -> Option<String> {
        if let Some(text) = value.text() {
            return (!text.contains("${")).then(|| text.to_owned());
        }
        let (function, argument) = intrinsic(value)?;
        match function.as_str() {
            "Fn::GetAtt" => Some(format!("${{{}}}", get_att_name(argument)?)),
            "Ref" => Some(format!("${{{}}}", argument.text()?.trim())),
            "Fn::Sub" => argument.text().map(str::to_owned),
            _ => None,
        }
    }

    /// What SAM grants for a function's `DeadLetterQueue`: `sqs:SendMessage` (`Type: SQS`) or
    /// `sns:Publish` (`Type: SNS`) on its `TargetArn`.
    fn add_dead_letter_grant(&self, grants: &mut RoleGrants, function: ResourceId, dead_letter: &Value) {
        let action = match dead_letter.get("Type").and_then(Value::text) {
            Some("SQS") => "sqs:SendMessage",
            Some("SNS") => "sns:Publish",
            _ => {
                grants.unreadable += 1;
                return;
            }
        };
        let Some(target) = dead_letter.get("TargetArn").map(when_set) else {
            grants.unreadable += 1;
            return;
        };
        let statement = PolicyStatement::new(
            Effect::Allow,
            literals(&[action]),
            vec![self.policy_entry(target)],
            None,
        );
        grants
            .documents
            .push(self.sam_document(function, dead_letter, vec![statement]));
    }

    /// What SAM grants for a function's `Events`: AWSLambdaSQSQueueExecutionRole for `SQS`
    /// events, each other pull event's own services, and sending to a failed batch's destination.
    /// Other events grant the role nothing (they give the function's resource policy permissions).
    fn add_event_grants(&self, grants: &mut RoleGrants, function: ResourceId, events: &Value) {
        let Some(events) = events.as_map() else {
            grants.unreadable += 1;
            return;
        };
        for event in &events.entries {
            let Some(kind) = event.value.get("Type").and_then(Value::text) else {
                grants.unreadable += 1;
                continue;
            };
            if kind == "SQS" {
                grants.managed.extend(managed_policies::find(SQS_EXECUTION));
            }
            if let Some((_, services)) = OTHER_PULL_EVENTS.iter().find(|(other, _)| *other == kind) {
                grants.documents.push(self.sam_document(
                    function,
                    &event.value,
                    vec![unread_resources(&wildcards(services))],
                ));
            }
            let destination = event
                .value
                .get("Properties")
                .and_then(|properties| properties.get("DestinationConfig"));
            if let Some(destination) = destination {
                grants.documents.push(self.sam_document(
                    function,
                    destination,
                    vec![unread_resources(&DESTINATION_ACTIONS)],
                ));
            }
        }
    }

    /// A policy SAM writes into the role from what `written` says: never edited.
    fn sam_document(&self, function: ResourceId, written: &Value, statements: Vec<PolicyStatement>) -> GrantDocument {
        GrantDocument {
            owner: function,
            statements,
            at: self.site(written.range.clone()),
            shared: true,
            inline_role_policy: false,
            malformed: None,
        }
    }
}

/// What a queue or topic is called in messages, and the attribute holding its name, which SAM's
/// policy templates take.
pub(super) fn name_attribute(kind: &str) -> Option<(&'static str, &'static str)> {
    match kind {
        "AWS::SQS::Queue" => Some(("queue", "QueueName")),
        "AWS::SNS::Topic" => Some(("topic", "TopicName")),
        _ => None,
    }
}

/// Action entries written out.
fn literals<S: AsRef<str>>(actions: &[S]) -> Vec<Entry> {
    actions
        .iter()
        .map(|action| Entry {
            literal: Some(action.as_ref().to_owned()),
            resource: None,
            text: None,
        })
        .collect()
}

/// Every action of each service (`dynamodb:*`).
fn wildcards(services: &[&str]) -> Vec<String> {
    services.iter().map(|service| format!("{service}:*")).collect()
}

/// An Allow of `actions` on resources infrafix does not follow: it may cover any resource, for
/// those actions alone.
fn unread_resources<S: AsRef<str>>(actions: &[S]) -> PolicyStatement {
    let unread = Entry {
        literal: None,
        resource: None,
        text: None,
    };
    PolicyStatement::new(Effect::Allow, literals(actions), vec![unread], None)
}
