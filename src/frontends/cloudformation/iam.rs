//! Roles and what reaches them: an `AWS::IAM::Role`'s own `Policies` and `ManagedPolicyArns`, and
//! the `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy` resources that name
//! it. Also what a function runs as, sends failed events to and waits for, and the SQS queues that
//! feed it.
//!
//! A SAM function without a `Role` runs as a role SAM makes (see `sam_roles`), which SAM gives
//! what its `DeadLetterQueue` and its SQS `Events` need. One with a `Role` is judged like any
//! function.

use super::values::intrinsic;
use super::{Resource, Template};
use crate::aws::managed_policies;
use crate::cloud::{
    ArnPiece, ArnText, ArnValues, ConditionalManaged, DeadLetter, Effect, Entry, FunctionRole, GrantDocument, IamRole,
    LambdaFunction, MessageTarget, PermissionsBoundary, PhysicalName, PolicyStatement, QueueEventSource, ReadValue,
    ResourceId, ResourceTarget, RoleAttachment, RoleGrants, WrittenArn,
};
use crate::frontends::document::{Map, Value};

const ROLE_TYPE: &str = "AWS::IAM::Role";
/// Resources that give a role a policy, each naming the roles it reaches.
pub(super) const ATTACHMENT_TYPES: [&str; 3] = ["AWS::IAM::Policy", "AWS::IAM::RolePolicy", "AWS::IAM::ManagedPolicy"];

impl<'a> Template<'a> {
    /// The template's roles, by resource number.
    pub(super) fn role_ids(&self) -> Vec<ResourceId> {
        self.resources()
            .enumerate()
            .filter(|(_, resource)| resource.kind == ROLE_TYPE)
            .map(|(id, _)| id)
            .collect()
    }

    pub(super) fn function_role(&self, id: ResourceId, resource: &Resource) -> Option<FunctionRole> {
        let Some(role) = resource.properties.and_then(|properties| properties.get("Role")) else {
            // SAM makes the role of a function that names none.
            return match resource.kind {
                "AWS::Serverless::Function" => Some(
                    self.sam_role_number(id)
                        .map_or(FunctionRole::Unknown, FunctionRole::MadeByFramework),
                ),
                _ => None,
            };
        };
        Some(self.role_named(role))
    }

    /// The role a function's role setting names: a role of the template by its ARN, else one
    /// infrafix does not judge.
    pub(super) fn role_named(&self, role: &Value) -> FunctionRole {
        let declared = self
            .resource_ref(role)
            .filter(|reference| reference.is_arn())
            .and_then(|reference| self.role_number(reference.resource));
        declared.map_or(FunctionRole::Unknown, FunctionRole::Declared)
    }

    /// A role's place among the template's roles, which `FunctionRole::Declared` counts.
    pub(super) fn role_number(&self, resource: ResourceId) -> Option<usize> {
        self.role_ids().iter().position(|id| *id == resource)
    }

    pub(super) fn dead_letter(&self, resource: &Resource) -> DeadLetter {
        // SAM's `Globals` may give a function its dead-letter queue.
        let config = match resource.kind {
            "AWS::Serverless::Function" => self
                .function_setting(resource, "DeadLetterQueue")
                .map(|entry| &entry.value),
            _ => resource
                .properties
                .and_then(|properties| properties.get("DeadLetterConfig")),
        };
        let Some(config) = config.map(when_set) else {
            return DeadLetter::None;
        };
        let Some(target) = config.get("TargetArn").map(when_set) else {
            return DeadLetter::Unknown;
        };
        match self.resource_ref(target) {
            Some(reference) if reference.is_arn() => DeadLetter::Resource(reference),
            Some(_) => DeadLetter::Unknown,
            // ARN text of a queue or topic the template does not make.
            None => match self.arn_text(target) {
                Some(text) if matches!(text.service(), Some("sqs" | "sns")) => DeadLetter::Text(WrittenArn {
                    text,
                    at: self.site(target.range.clone()),
                }),
                _ => DeadLetter::Unknown,
            },
        }
    }

    /// The ARN text a value writes: a string, or a `Fn::Sub` string, whose `${…}` are values
    /// named by what they substitute (`AWS::Region`, a parameter). A Serverless variable is
    /// known only when the service deploys.
    fn arn_text(&self, value: &Value) -> Option<ArnText> {
        let value = self.followed(value);
        if let Some(text) = value.text() {
            return (!self.serverless || !text.contains("${")).then(|| ArnText::literal(text));
        }
        match intrinsic(value) {
            Some((name, argument)) if name == "Fn::Sub" && !self.serverless => substituted_text(argument.text()?),
            Some((name, argument)) if name == "Fn::Join" => joined_text(argument),
            _ => None,
        }
    }

    pub(super) fn graph_roles(&self, functions: &[LambdaFunction]) -> Vec<IamRole> {
        let declared: Vec<IamRole> = self
            .role_ids()
            .into_iter()
            .enumerate()
            .filter_map(|(number, id)| Some((number, id, self.resource(id)?)))
            .map(|(number, id, role)| {
                let runs_as_role: Vec<&LambdaFunction> = functions
                    .iter()
                    .filter(|function| function.role == Some(FunctionRole::Declared(number)))
                    .collect();
                self.iam_role(id, &role, functions, &runs_as_role)
            })
            .collect();
        // A Serverless service's functions that name no role run as the one the framework makes,
        // and a SAM template's as those SAM makes, numbered after the template's (a service's
        // `resources:` are no SAM template).
        declared
            .into_iter()
            .chain(self.framework_role())
            .chain(self.sam_roles())
            .collect()
    }

    fn iam_role(
        &self,
        id: ResourceId,
        role: &Resource,
        functions: &[LambdaFunction],
        runs_as_role: &[&LambdaFunction],
    ) -> IamRole {
        let mut grants = RoleGrants::default();
        let properties = role.properties;
        // Merged settings (`<<: *base`) are read where their anchor is; merged settings infrafix
        // cannot see into may hold any policy.
        if properties.and_then(Value::as_map).is_some_and(Map::merges_unread) {
            grants.unreadable += 1;
        }
        let policies = properties.and_then(|properties| properties.get("Policies"));
        let inline = policies
            .and_then(Value::as_list)
            .map(|list| list.items.as_slice())
            .unwrap_or_default();
        // Policies written as anything but a list (an alias, an `!If`) may hold any grant.
        if policies.is_some_and(|policies| policies.as_list().is_none()) {
            grants.unreadable += 1;
        }
        for policy in inline {
            self.add_inline_policy(&mut grants, id, policy);
        }
        if let Some(arns) = properties.and_then(|properties| properties.get("ManagedPolicyArns")) {
            self.add_managed_list(&mut grants, arns);
        }
        grants.boundary = properties
            .and_then(|properties| properties.get("PermissionsBoundary"))
            .and_then(|boundary| self.permissions_boundary(boundary));
        let mut attachments = Vec::new();
        for (attachment_id, resource) in self.resources().enumerate() {
            if !ATTACHMENT_TYPES.contains(&resource.kind) || !self.attaches_to(&resource, role) {
                continue;
            }
            let document = resource
                .properties
                .and_then(|properties| properties.get("PolicyDocument"));
            let condition = resource.condition();
            let documents_before = grants.documents.len();
            self.add_document(&mut grants, attachment_id, document, false);
            // A policy that exists under a condition some function of the role does not share
            // may be missing where that function is created: what it grants is not known.
            if let Some(condition) = condition.filter(|condition| {
                runs_as_role
                    .iter()
                    .any(|function| self.condition_of(function.resource) != Some(*condition))
            }) {
                exist_only_under(&mut grants.documents[documents_before..], condition);
            }
            // A logical id written twice names its first resource: a `DependsOn` cannot name a
            // later one, so no function can be made to wait for it.
            if self.resource_index(resource.logical_id) != Some(attachment_id) {
                continue;
            }
            let waits_for = self.waits_for_transitively(attachment_id);
            attachments.push(RoleAttachment {
                resource: attachment_id,
                name: format!("`{}`", resource.logical_id),
                kind: resource.kind.to_owned(),
                declared: self.site(resource.entry.range.clone()),
                attached_policy: (resource.kind == "AWS::IAM::ManagedPolicy").then_some(attachment_id),
                after_functions: functions
                    .iter()
                    .filter(|function| {
                        waits_for.contains(&function.resource)
                            || condition
                                .is_some_and(|condition| self.condition_of(function.resource) != Some(condition))
                    })
                    .map(|function| function.resource)
                    .collect(),
            });
        }
        self.add_connector_grants(&mut grants, &mut attachments, role, functions);
        IamRole {
            name: format!("`{}`", role.logical_id),
            declared: self.site(role.entry.range.clone()),
            grants,
            attachments,
            // A role's `Policies` are its own, but CloudFormation leaves inline policies that
            // other resources give it alone.
            owns_inline_policies: false,
        }
    }

    /// What SAM connectors grant the role (see `connectors`). A connector from a function is
    /// a policy nothing waits for: one whose grant Lambda checks when it creates the function
    /// (its dead-letter target) or a mapping feeding it (its queue) is one the function must be
    /// made to wait for, as for any policy of its role.
    fn add_connector_grants(
        &self,
        grants: &mut RoleGrants,
        attachments: &mut Vec<RoleAttachment>,
        role: &Resource,
        functions: &[LambdaFunction],
    ) {
        let runs_as_role = |function: &Resource| {
            function
                .properties
                .and_then(|properties| properties.get("Role"))
                .and_then(|value| self.resource_ref(value))
                .filter(|reference| reference.is_arn())
                .and_then(|reference| self.resource(reference.resource))
                .is_some_and(|found| found.logical_id == role.logical_id)
        };
        let connector_grants = self.connector_grants(&runs_as_role);
        if connector_grants.is_empty() {
            return;
        }
        let feeds = self.graph_queue_event_sources(functions);
        for grant in connector_grants {
            grants.documents.push(grant.document);
            let Some(source) = grant.unwaited_source else {
                continue;
            };
            let checked_at_creation = |function: &LambdaFunction| {
                let sends_failures_there = function
                    .dead_letter
                    .targets()
                    .is_some_and(|targets| targets.iter().any(|target| target.resource == grant.destination));
                let fed_from_there = feeds.iter().any(|feed| {
                    feed.queue.resource == grant.destination
                        && functions
                            .get(feed.function)
                            .is_some_and(|fed| fed.resource == function.resource)
                });
                function.resource == source && (sends_failures_there || fed_from_there)
            };
            attachments.push(RoleAttachment {
                resource: grant.id,
                name: format!("`{}`", grant.connector.logical_id),
                kind: "SAM connector".to_owned(),
                declared: self.site(grant.connector.entry.range.clone()),
                attached_policy: None,
                // Only what Lambda checks at creation needs waiting for.
                after_functions: functions
                    .iter()
                    .filter(|function| !checked_at_creation(function))
                    .map(|function| function.resource)
                    .collect(),
            });
        }
    }

    /// An entry of a role's own `Policies`. One written as `!If [Cond, Policy, !Ref
    /// AWS::NoValue]` (or with a policy in each arm) exists only under its condition: what an arm
    /// grants is read, but cannot be counted on, since the stacks without it lack it. The other
    /// entries are judged as they are.
    fn add_inline_policy(&self, grants: &mut RoleGrants, role: ResourceId, policy: &Value) {
        let Some((name, argument)) = intrinsic(policy) else {
            self.add_document(grants, role, policy.get("PolicyDocument"), true);
            return;
        };
        let arms = match argument.as_list().map(|list| list.items.as_slice()) {
            Some([condition, when_true, when_false]) if name == "Fn::If" => {
                condition.text().map(|condition| (condition, [when_true, when_false]))
            }
            _ => None,
        };
        let Some((condition, arms)) = arms else {
            grants.unreadable += 1;
            return;
        };
        for arm in arms.into_iter().filter(|arm| !is_no_value(arm)) {
            let documents_before = grants.documents.len();
            self.add_document(grants, role, arm.get("PolicyDocument"), true);
            exist_only_under(&mut grants.documents[documents_before..], condition);
        }
    }

    /// Whether a policy resource names the role, by `Ref` (its name) or by the name it is given.
    fn attaches_to(&self, attachment: &Resource, role: &Resource) -> bool {
        let fixed_name = role
            .properties
            .and_then(|properties| properties.get("RoleName"))
            .and_then(Value::text);
        attaches_to_role(attachment, role.logical_id, fixed_name)
    }

    pub(super) fn add_managed_list(&self, grants: &mut RoleGrants, arns: &Value) {
        let Some(list) = arns.as_list() else {
            grants.unreadable += 1;
            return;
        };
        for arn in &list.items {
            self.add_managed_policy(grants, arn);
        }
    }

    /// A role's permissions boundary, the ARN of a managed policy.
    pub(super) fn permissions_boundary(&self, arn: &Value) -> Option<PermissionsBoundary> {
        let written = self.text.get(arn.range.clone())?;
        let mut policy = RoleGrants::default();
        self.add_managed_policy(&mut policy, arn);
        Some(PermissionsBoundary::new(format!("`{written}`"), Some(policy)))
    }

    /// A managed policy by its ARN: an AWS managed policy infrafix knows, or a policy of the
    /// template; any other may grant anything.
    pub(super) fn add_managed_policy(&self, grants: &mut RoleGrants, arn: &Value) {
        if let Some(reference) = self.resource_ref(arn) {
            let policy = self.resource(reference.resource);
            if let Some(policy) = policy.filter(|policy| policy.kind == "AWS::IAM::ManagedPolicy") {
                let document = policy
                    .properties
                    .and_then(|properties| properties.get("PolicyDocument"));
                self.add_document(grants, reference.resource, document, false);
                return;
            }
        }
        if let Some(choice) = self.chosen_managed_policies(arn) {
            grants.conditional_managed.push(choice);
            return;
        }
        match self.aws_managed_policy(arn) {
            Some(policy) => grants.managed.push(policy),
            None => grants.unreadable += 1,
        }
    }

    fn aws_managed_policy(&self, arn: &Value) -> Option<&'static managed_policies::ManagedPolicy> {
        managed_policies::find(&self.managed_policy_arn(arn)?)
    }

    /// An entry `!If [Cond, arn, arn]` of a role's `ManagedPolicyArns` whose every arm is an AWS
    /// managed policy or `!Ref AWS::NoValue`, as the choice it makes; `None` for any other entry.
    fn chosen_managed_policies(&self, entry: &Value) -> Option<ConditionalManaged> {
        let (name, argument) = intrinsic(entry)?;
        let [condition, when_true, when_false] = argument.as_list()?.items.as_slice() else {
            return None;
        };
        if name != "Fn::If" {
            return None;
        }
        let arms = [when_true, when_false]
            .into_iter()
            .map(|arm| match is_no_value(arm) {
                true => Some(None),
                false => self.aws_managed_policy(arm).map(Some),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(ConditionalManaged {
            condition: condition.text()?.to_owned(),
            arms,
        })
    }

    /// The ARN of an AWS managed policy, written out or built from the partition the stack
    /// deploys to (`!Sub arn:${AWS::Partition}:iam::aws:policy/…`, or the `Fn::Join` of `arn:`,
    /// `Ref: AWS::Partition` and the rest that the Serverless Framework itself writes), read as in
    /// the commercial partition: an AWS managed policy allows the same in every partition.
    pub(super) fn managed_policy_arn(&self, arn: &Value) -> Option<String> {
        let text = match intrinsic(arn) {
            Some((name, argument)) if name == "Fn::Sub" => match argument.text() {
                Some(template) => substituted_text(template)?,
                None => substituted_with_variables(argument)?,
            },
            Some((name, argument)) if name == "Fn::Join" => joined_text(argument)?,
            Some(_) => return None,
            None => return arn.text().map(str::to_owned),
        };
        text.pieces
            .iter()
            .map(|piece| match piece {
                ArnPiece::Text(text) => Some(text.as_str()),
                ArnPiece::Value(value) if value.shown == "AWS::Partition" => Some("aws"),
                ArnPiece::Value(_) => None,
            })
            .collect()
    }

    pub(super) fn add_document(&self, grants: &mut RoleGrants, owner: ResourceId, document: Option<&Value>, own: bool) {
        let Some(statements) = document.and_then(|document| self.statements(document)) else {
            grants.unreadable += 1;
            return;
        };
        let Some(document) = document else { return };
        grants.documents.push(GrantDocument {
            owner,
            statements,
            at: self.site(document.range.clone()),
            // A document an alias repeats is granted to every role that repeats it.
            shared: (!own && self.holders(owner) > 1) || self.shares_with_aliases(&document.range),
            inline_role_policy: own,
            malformed: None,
        });
    }

    /// How many roles, users and groups a policy resource reaches: its own `Roles`, `Users` and
    /// `Groups`, and the roles listing it in their `ManagedPolicyArns`. A grant written into a
    /// policy more than one holds reaches them all.
    fn holders(&self, policy: ResourceId) -> usize {
        let Some(resource) = self.resource(policy) else {
            return 0;
        };
        let properties = resource.properties;
        let listed = |key: &str| {
            properties
                .and_then(|properties| properties.get(key))
                .map_or(0, |value| value.as_list().map_or(1, |list| list.items.len()))
        };
        let by_arn = self
            .resources()
            .filter_map(|role| role.properties?.get("ManagedPolicyArns")?.as_list())
            .flat_map(|list| &list.items)
            .filter(|arn| {
                self.resource_ref(arn)
                    .is_some_and(|reference| reference.resource == policy)
            })
            .count();
        listed("Roles") + listed("RoleName") + listed("Users") + listed("Groups") + by_arn
    }

    /// The statements of a policy document written in the template; `None` when the document is
    /// not a map with a `Statement` (a parameter, a `Fn::If`, JSON text).
    fn statements(&self, document: &Value) -> Option<Vec<PolicyStatement>> {
        self.statement_list(&document.as_map()?.entry("Statement")?.value)
    }

    /// The statements of a `Statement` setting: a list of them, or one written alone; `None` when
    /// any cannot be read.
    pub(super) fn statement_list(&self, statement: &Value) -> Option<Vec<PolicyStatement>> {
        let written: Vec<&Value> = match statement.as_list() {
            Some(list) => list.items.iter().collect(),
            None => vec![statement],
        };
        written.into_iter().map(|statement| self.statement(statement)).collect()
    }

    fn statement(&self, statement: &Value) -> Option<PolicyStatement> {
        let map = statement.as_map()?;
        let effect = match map.entry("Effect")?.value.text()? {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            _ => return None,
        };
        let uncertainty = ["Condition", "NotAction", "NotResource", "NotPrincipal"]
            .into_iter()
            .find(|key| map.entry(key).is_some())
            .map(|key| format!("a statement with `{key}`"));
        // A Serverless service may write either list, or any entry of it, as a `${self:…}`
        // variable: the framework puts the value it names there.
        let entries = |key: &str| -> Vec<Entry> {
            let Some(entry) = map.entry(key) else {
                return Vec::new();
            };
            let value = self.followed(&entry.value);
            match value.as_list() {
                Some(list) => list.items.iter().map(|item| self.policy_entry(item)).collect(),
                None => vec![self.policy_entry(value)],
            }
        };
        Some(PolicyStatement::new(
            effect,
            entries("Action"),
            entries("Resource"),
            uncertainty,
        ))
    }

    /// One entry of an `Action` or `Resource`: text, a resource's ARN (by `Fn::GetAtt`, or as the
    /// whole text of a `Fn::Sub` or `Fn::Join`), or an ARN pattern whose pseudo parameters
    /// (`${AWS::Region}`) may be anything. In a Serverless service, text holding a variable not
    /// followed (`${opt:topicArn}`, `${aws:region}`) is known only when the service deploys: an
    /// entry that cannot be read.
    pub(super) fn policy_entry(&self, value: &Value) -> Entry {
        let value = self.followed(value);
        let deploy_time = self.serverless && value.text().is_some_and(|text| text.contains("${"));
        if deploy_time {
            return Entry {
                literal: None,
                resource: None,
                text: None,
            };
        }
        if let Some(text) = value.text() {
            return Entry {
                literal: Some(text.to_owned()),
                resource: None,
                text: None,
            };
        }
        if let Some(reference) = self.resource_ref(value).or_else(|| self.written_as_one_output(value)) {
            return Entry {
                literal: None,
                resource: Some(reference),
                text: None,
            };
        }
        let (substituted, joined) = match intrinsic(value) {
            Some((name, argument)) if name == "Fn::Sub" => (argument.text(), None),
            Some((name, argument)) if name == "Fn::Join" => (None, joined_text(argument)),
            _ => (None, None),
        };
        Entry {
            literal: substituted.and_then(pseudo_parameters_as_wildcards),
            resource: None,
            text: substituted.and_then(substituted_text).or(joined),
        }
    }

    pub(super) fn graph_message_targets(&self) -> Vec<MessageTarget> {
        self.resources()
            .enumerate()
            .filter_map(|(id, resource)| {
                let (service, name_key) = match resource.kind {
                    "AWS::SQS::Queue" => ("sqs", "QueueName"),
                    "AWS::SNS::Topic" => ("sns", "TopicName"),
                    _ => return None,
                };
                let name = resource
                    .properties
                    .and_then(|properties| properties.get(name_key))
                    .and_then(|name| self.candidates(name).sole())
                    .filter(|name| name.in_place)
                    .map_or(PhysicalName::Unknown, |name| {
                        PhysicalName::Fixed(name.scalar.text.clone())
                    });
                Some(MessageTarget {
                    target: ResourceTarget {
                        resource: id,
                        service,
                        name,
                        instance: None,
                        arn_values: self.own_arn_values(resource, name_key),
                    },
                    name: format!("`{}`", resource.logical_id),
                })
            })
            .collect()
    }

    /// The values the template reads the ARN of its queue or topic `resource` from: the stack's
    /// partition, region and account (the resource is made in them), and its name as `Fn::GetAtt`
    /// gives it (`name_key`, the attribute named as the property that sets it) and as that
    /// property writes it (`orders`, `!Sub ${AWS::StackName}-orders`), each value named as a
    /// `Fn::Sub` substitution names it.
    fn own_arn_values(&self, resource: Resource, name_key: &str) -> ArnValues {
        let named = |name: &str| Some(ReadValue::named(name.to_owned()));
        let by_attribute = ArnText::new(vec![ArnPiece::Value(ReadValue::named(format!(
            "{}.{name_key}",
            resource.logical_id
        )))]);
        let set = resource
            .properties
            .and_then(|properties| properties.get(name_key))
            .and_then(|name| self.name_text(name));
        ArnValues {
            partition: named("AWS::Partition"),
            region: named("AWS::Region"),
            account: named("AWS::AccountId"),
            names: std::iter::once(by_attribute).chain(set).collect(),
            arn: None,
        }
    }

    /// A name property as text: a string, or a `Fn::Sub` of one.
    fn name_text(&self, name: &Value) -> Option<ArnText> {
        if let Some(text) = name.text() {
            return Some(ArnText::literal(text));
        }
        match intrinsic(name) {
            Some((function, argument)) if function == "Fn::Sub" => substituted_text(argument.text()?),
            _ => None,
        }
    }

    /// The function a resource invokes: the function an `AWS::Lambda::Alias` or `Version` is of
    /// (it runs as that function's role), or the resource itself.
    fn invoked_function(&self, resource: ResourceId) -> ResourceId {
        self.resource(resource)
            .filter(|found| matches!(found.kind, "AWS::Lambda::Alias" | "AWS::Lambda::Version"))
            .and_then(|found| found.properties?.get("FunctionName"))
            .and_then(|name| self.resource_ref(name))
            .map_or(resource, |reference| reference.resource)
    }

    /// The function an event source mapping's `FunctionName` names: by reference (the function,
    /// or an alias or version of it, written in the template or published by SAM), or by the name
    /// one function of the template is given, written the same way (`jobs-consumer`, `!Sub
    /// ${AWS::StackName}-consumer`).
    pub(super) fn mapped_function(&self, name: &Value) -> Option<ResourceId> {
        if let Some(reference) = self.resource_ref(name) {
            return Some(self.invoked_function(reference.resource));
        }
        if let Some(function) = self.sam_published_by(name) {
            return Some(function);
        }
        let written = self.name_text(name)?;
        let mut named = self.resources().enumerate().filter(|(_, resource)| {
            matches!(resource.kind, "AWS::Lambda::Function" | "AWS::Serverless::Function")
                && resource
                    .properties
                    .and_then(|properties| properties.get("FunctionName"))
                    .and_then(|given| self.name_text(given))
                    .is_some_and(|given| given == written)
        });
        let (id, _) = named.next()?;
        // Two functions given one name cannot both deploy: which one the mapping feeds is unknown.
        named.next().is_none().then_some(id)
    }

    /// `AWS::Lambda::EventSourceMapping`s from a queue of the template, and the SQS `Events` of SAM
    /// functions that name their role (SAM grants the poller's permissions to roles it makes).
    pub(super) fn graph_queue_event_sources(&self, functions: &[LambdaFunction]) -> Vec<QueueEventSource> {
        let targets = self.graph_message_targets();
        let queue_of = |value: Option<&Value>| {
            let reference = self.resource_ref(value?).filter(|reference| reference.is_arn())?;
            targets
                .iter()
                .find(|target| target.target.resource == reference.resource && target.target.service == "sqs")
        };
        let function_index = |id: ResourceId| functions.iter().position(|function| function.resource == id);
        let mut sources = Vec::new();
        for (id, resource) in self.resources().enumerate() {
            let Some(properties) = resource.properties else {
                continue;
            };
            match resource.kind {
                "AWS::Lambda::EventSourceMapping" => {
                    let function = properties
                        .get("FunctionName")
                        .and_then(|name| self.mapped_function(name))
                        .and_then(function_index);
                    if let (Some(queue), Some(function)) = (queue_of(properties.get("EventSourceArn")), function) {
                        let mut source =
                            QueueEventSource::of_one_role(queue.target.clone(), queue.name.clone(), function);
                        // A role SAM makes is granted beside the mapping, in its function's `Policies`.
                        let fed = functions.get(function);
                        if fed.is_some_and(|fed| matches!(fed.role, Some(FunctionRole::MadeByFramework(_)))) {
                            source.mapping = Some(self.site(resource.entry.range.clone()));
                        }
                        sources.push(source);
                    }
                }
                "AWS::Serverless::Function" if properties.get("Role").is_some() => {
                    let Some(function) = function_index(id) else { continue };
                    let events = properties
                        .get("Events")
                        .and_then(Value::as_map)
                        .map(|events| events.entries.as_slice())
                        .unwrap_or_default();
                    for event in events {
                        if event.value.get("Type").and_then(Value::text) != Some("SQS") {
                            continue;
                        }
                        if let Some(queue) = queue_of(event.value.get("Properties").and_then(|p| p.get("Queue"))) {
                            sources.push(QueueEventSource::of_one_role(
                                queue.target.clone(),
                                queue.name.clone(),
                                function,
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        for (function, queue) in self.service_queue_events(functions) {
            if let Some(queue) = queue_of(Some(queue)) {
                sources.push(QueueEventSource::of_one_role(
                    queue.target.clone(),
                    queue.name.clone(),
                    function,
                ));
            }
        }
        sources
    }
}

/// Whether a policy resource names the role of logical id `role`, by `Ref` (its name) or by the
/// name it is given (`fixed_name`).
pub(super) fn attaches_to_role(attachment: &Resource, role: &str, fixed_name: Option<&str>) -> bool {
    let Some(properties) = attachment.properties else {
        return false;
    };
    let names_role = |value: &Value| match intrinsic(value) {
        Some((name, argument)) if name == "Ref" => argument.text() == Some(role),
        Some(_) => false,
        None => value.text().is_some_and(|name| Some(name) == fixed_name),
    };
    match properties.get("Roles").and_then(Value::as_list) {
        Some(roles) => roles.items.iter().any(names_role),
        None => properties.get("RoleName").is_some_and(names_role),
    }
}

/// An ARN written with `Fn::Sub` whose only substitutions are pseudo parameters, each a whole
/// field of the ARN, as a pattern: `arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:orders-*`
/// may name any partition, region and account. `None` when it substitutes anything else.
pub(crate) fn pseudo_parameters_as_wildcards(text: &str) -> Option<String> {
    let mut pattern = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        pattern.push_str(&rest[..start]);
        let (name, after) = rest[start + 2..].split_once('}')?;
        // Only a whole field of the ARN may be anything: `audit-${AWS::Region}` names one queue.
        let whole_field = pattern.ends_with(':') && after.starts_with(':');
        if !name.starts_with("AWS::") || !whole_field {
            return None;
        }
        pattern.push('*');
        rest = after;
    }
    pattern.push_str(rest);
    Some(pattern)
}

/// A `Fn::Sub` string as ARN text: each `${Name}` a value named by what it substitutes, each
/// `${!Text}` the text `${Text}`.
pub(super) fn substituted_text(template: &str) -> Option<ArnText> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        pieces.push(ArnPiece::Text(rest[..start].to_owned()));
        let (name, after) = rest[start + 2..].split_once('}')?;
        pieces.push(match name.strip_prefix('!') {
            Some(literal) => ArnPiece::Text(format!("${{{literal}}}")),
            None => ArnPiece::Value(ReadValue::named(name.trim().to_owned())),
        });
        rest = after;
    }
    pieces.push(ArnPiece::Text(rest.to_owned()));
    Some(ArnText::new(pieces))
}

/// The list form of `Fn::Sub`, `[template, {Name: value}]`, as ARN text: each variable the map
/// gives text or a `Ref` (`Partition: !Ref AWS::Partition`) is read as that text or value, and
/// the other `${…}` as in the string form. `None` when the map gives a variable anything else.
fn substituted_with_variables(argument: &Value) -> Option<ArnText> {
    let [template, variables] = argument.as_list()?.items.as_slice() else {
        return None;
    };
    let pieces = substituted_text(template.text()?)?
        .pieces
        .into_iter()
        .map(|piece| {
            let ArnPiece::Value(value) = &piece else {
                return Some(piece);
            };
            let Some(given) = variables.get(&value.shown) else {
                return Some(piece);
            };
            if let Some(text) = given.text() {
                return Some(ArnPiece::Text(text.to_owned()));
            }
            match intrinsic(given)? {
                (name, referenced) if name == "Ref" => {
                    Some(ArnPiece::Value(ReadValue::named(referenced.text()?.trim().to_owned())))
                }
                _ => None,
            }
        })
        .collect::<Option<Vec<_>>>()?;
    Some(ArnText::new(pieces))
}

/// A `Fn::Join` of ARN parts as ARN text (`!Join [":", [arn, !Ref AWS::Partition, sqs, …]]`):
/// its strings as text, each `Ref` a value named as `Fn::Sub` names it (`${AWS::Region}`), each
/// `Fn::GetAtt` as `${Resource.Attribute}`, a `Fn::Sub` as its pieces. `None` for anything else.
fn joined_text(argument: &Value) -> Option<ArnText> {
    let [delimiter, parts] = argument.as_list()?.items.as_slice() else {
        return None;
    };
    let delimiter = delimiter.text()?;
    let mut pieces = Vec::new();
    for (index, part) in parts.as_list()?.items.iter().enumerate() {
        if index > 0 {
            pieces.push(ArnPiece::Text(delimiter.to_owned()));
        }
        if let Some(text) = part.text() {
            pieces.push(ArnPiece::Text(text.to_owned()));
            continue;
        }
        let (name, inner) = intrinsic(part)?;
        match name.as_str() {
            "Ref" => pieces.push(ArnPiece::Value(ReadValue::named(inner.text()?.trim().to_owned()))),
            "Fn::GetAtt" => pieces.push(ArnPiece::Value(ReadValue::named(get_att_name(inner)?))),
            "Fn::Sub" => pieces.extend(substituted_text(inner.text()?)?.pieces),
            _ => return None,
        }
    }
    Some(ArnText::new(pieces))
}

/// `Resource.Attribute`, as `${…}` in a `Fn::Sub` names what `Fn::GetAtt` reads, from either
/// form of the call's argument.
pub(super) fn get_att_name(argument: &Value) -> Option<String> {
    if let Some(text) = argument.text() {
        return Some(text.trim().to_owned());
    }
    match argument.as_list()?.items.as_slice() {
        [resource, attribute] => Some(format!("{}.{}", resource.text()?, attribute.text()?)),
        _ => None,
    }
}

/// The documents of a policy that exists only under `condition`: none of their statements can be
/// counted on, so one that may allow what is asked makes the answer unknown.
fn exist_only_under(documents: &mut [GrantDocument], condition: &str) {
    for statement in documents.iter_mut().flat_map(|document| &mut document.statements) {
        statement
            .uncertainty
            .get_or_insert_with(|| format!("a policy that exists only under condition `{condition}`"));
    }
}

/// What a `Fn::If` one of whose arms is `!Ref AWS::NoValue` sets, when it sets anything: a
/// setting that may be there must be right when it is. Any other value is itself.
pub(super) fn when_set(value: &Value) -> &Value {
    let mut current = value;
    while let Some((name, argument)) = intrinsic(current) {
        current = match argument.as_list().map(|list| list.items.as_slice()) {
            Some([_, set, unset]) if name == "Fn::If" && is_no_value(unset) => set,
            Some([_, unset, set]) if name == "Fn::If" && is_no_value(unset) => set,
            _ => break,
        };
    }
    current
}

fn is_no_value(value: &Value) -> bool {
    matches!(intrinsic(value), Some((name, argument)) if name == "Ref" && argument.text() == Some("AWS::NoValue"))
}
