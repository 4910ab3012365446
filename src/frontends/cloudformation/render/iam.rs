//! IAM intents as template edits: `DependsOn` entries, an AWS managed policy in a role's
//! `ManagedPolicyArns`, statements in a policy document, and a new policy in a role's own
//! `Policies` (created with the role, so nothing that runs as it has to wait for it).

use std::ops::Range;

use super::Snippet;
use crate::cloud::{FunctionRole, GrantTarget, ResourceRef, SendGrant, Site, ARN};
use crate::fix::Edit;
use crate::frontends::cloudformation::sam_roles::name_attribute;
use crate::frontends::cloudformation::values::intrinsic;
use crate::frontends::cloudformation::{Resource, Template};
use crate::frontends::document::{Layout, Value, ValueKind};

/// Why ARN text a YAML template's function writes is not copied into a grant.
const OVER_SEVERAL_LINES: &str = "the function's target is written over several lines; grant it by hand";

/// The name new inline policies that let a role send failed events take (with a number after it
/// when the role has one of that name already).
const SEND_POLICY_NAME: &str = "dead-letter-send";

impl Template<'_> {
    /// The resource created at `site`.
    pub(super) fn resource_at(&self, site: &Site) -> Result<Resource<'_>, String> {
        self.resources()
            .find(|resource| resource.entry.range == site.range)
            .ok_or_else(|| "the resource was not found in the template".to_owned())
    }

    /// The resource's own map (`Type`, `DependsOn`, `Properties`), as a value: in a file a
    /// Serverless service includes a resource from, the whole file or what the include's key
    /// holds (`${file(./roles.yml):Worker}`).
    fn resource_map(&self, site: &Site) -> Result<&Value, String> {
        if site.file != self.file {
            return Err("the resource is written in another file".to_owned());
        }
        let entry = self
            .root
            .find_entry(&site.range)
            .and_then(|(map, index)| map.as_map()?.entries.get(index))
            .map(|entry| &entry.value);
        let included = || {
            (!self.is_template())
                .then(|| self.root.find_value(&site.range))
                .flatten()
        };
        entry
            .or_else(included)
            .ok_or_else(|| "the resource was not found in the template".to_owned())
    }

    /// The function created at `function` waits for the resources created at `on`.
    pub(super) fn add_dependencies(&self, function: &Site, on: &[Site]) -> Result<Edit, String> {
        let names = on
            .iter()
            .map(|site| {
                let resource = self.resource_at(site)?;
                if let Some(made) = self.made_by_loop(&resource) {
                    made.named_from(resource.logical_id, &function.range)?;
                }
                Ok(resource.logical_id.to_owned())
            })
            .collect::<Result<Vec<_>, String>>()?;
        self.depend_on(function, &names)
    }

    /// The resource created at `resource` waits for those named `names` (logical ids), merged
    /// into the `DependsOn` it has.
    pub(super) fn depend_on(&self, resource: &Site, names: &[String]) -> Result<Edit, String> {
        let resource = self.resource_map(resource)?;
        let map = resource.as_map().ok_or("the resource is not a map")?;
        let items: Vec<Snippet> = names
            .iter()
            .map(|name| Snippet::Text(self.string_literal(name)))
            .collect();
        match map.entry("DependsOn") {
            Some(existing) if existing.value.as_list().is_some() => self.add_items(&existing.value, &items),
            Some(existing) => {
                self.written_once(&existing.value.range)?;
                let written = &self.text[existing.value.range.clone()];
                if written.starts_with('*') {
                    return Err(format!(
                        "its DependsOn is the YAML alias `{written}`, a list written for another resource too"
                    ));
                }
                let old = existing.value.text().ok_or("its DependsOn is not a name or a list")?;
                let mut all = vec![Snippet::Text(self.string_literal(old))];
                all.extend(items);
                Ok(Edit::replace(
                    self.file,
                    existing.value.range.clone(),
                    self.flow_value(&Snippet::List(all)),
                ))
            }
            None => {
                let after = map
                    .entries
                    .iter()
                    .position(|entry| entry.key == "Type")
                    .ok_or("the resource has no Type")?;
                let value = match <[Snippet; 1]>::try_from(items) {
                    Ok([one]) => one,
                    Err(items) => Snippet::List(items),
                };
                self.add_entries(resource, after, vec![("DependsOn".to_owned(), value)])
            }
        }
    }

    /// The AWS managed policy `name` in the role's `ManagedPolicyArns`.
    pub(super) fn attach_managed_policy(&self, role: &Site, name: &str) -> Result<Edit, String> {
        let policy = crate::aws::managed_policies::find(name).ok_or("the managed policy is not known")?;
        // `${AWS::Partition}` in a `Fn::Sub`, or `Ref: AWS::Partition` in a `Fn::Join`.
        let arn = match self.text.contains("AWS::Partition") {
            // The template deploys to other partitions too: so must the ARN.
            true => self.sub(&policy.arn.replacen("arn:aws:", "arn:${AWS::Partition}:", 1)),
            false => self.string_literal(&policy.arn),
        };
        if let Some(provider) = self.framework_role_provider(role) {
            return self.attach_to_framework_role(provider, arn);
        }
        let properties = self
            .resource_map(role)?
            .get("Properties")
            .ok_or("the role has no properties")?;
        let map = properties.as_map().ok_or("the role's properties are not a map")?;
        match map.entry("ManagedPolicyArns") {
            Some(existing) => self.add_items(&existing.value, &[Snippet::Text(arn)]),
            None => self.add_entries(
                properties,
                map.entries
                    .len()
                    .checked_sub(1)
                    .ok_or("the role's properties are empty")?,
                vec![("ManagedPolicyArns".to_owned(), Snippet::List(vec![Snippet::Text(arn)]))],
            ),
        }
    }

    /// Let the SAM functions that the mappings created at `mappings` feed, which run as the roles
    /// SAM makes for them, poll the mappings' queues as SAM's `SQSPollerPolicy` template lets
    /// them: new entries of each function's `Policies` naming each queue by its `QueueName` (a
    /// new `Policies` list where it has none), one edit per function. SAM writes them into the
    /// role as inline policies, made with the role, which the function and so the mappings wait
    /// for.
    pub(super) fn add_poller_policies(&self, mappings: &[&Site]) -> Result<Vec<Edit>, String> {
        let mut by_function: Vec<(Resource, Vec<Snippet>)> = Vec::new();
        for mapping in mappings {
            let (function, queue) = self.mapped_function_and_queue(mapping)?;
            let entry = Snippet::Map(vec![(
                "SQSPollerPolicy".to_owned(),
                Snippet::Map(vec![(
                    "QueueName".to_owned(),
                    Snippet::Text(self.attribute(queue, "QueueName")),
                )]),
            )]);
            match by_function
                .iter_mut()
                .find(|(known, _)| known.logical_id == function.logical_id)
            {
                Some((_, entries)) => entries.push(entry),
                None => by_function.push((function, vec![entry])),
            }
        }
        by_function
            .into_iter()
            .map(|(function, entries)| self.add_policies(&function, entries))
            .collect()
    }

    /// The value at `at`, a SAM policy template's parameter naming a queue or topic of the
    /// template by another output, rewritten to read its name (`!GetAtt Queue.QueueName`). Only
    /// the policy template reads the parameter, so nothing else changes with it.
    pub(super) fn read_target_name(&self, at: &Site) -> Result<Edit, String> {
        let value = self.value_at(at)?;
        let named = self
            .resource_ref(value)
            .or_else(|| self.written_as_one_output(value))
            .and_then(|reference| self.resource(reference.resource))
            .ok_or("the value does not name a resource of the template")?;
        let (_, name) = name_attribute(named.kind).ok_or("the value names neither a queue nor a topic")?;
        Ok(Edit::replace(
            self.file,
            value.range.clone(),
            self.attribute(named.logical_id, name),
        ))
    }

    /// The SAM function a mapping feeds, and the logical id of the queue it reads, when the
    /// function's `Policies` can name the queue wherever the function exists.
    fn mapped_function_and_queue(&self, mapping: &Site) -> Result<(Resource<'_>, &str), String> {
        let mapping = self.resource_at(mapping)?;
        let properties = mapping.properties.ok_or("the mapping has no properties")?;
        let queue = properties
            .get("EventSourceArn")
            .and_then(|arn| self.resource_ref(arn))
            .filter(ResourceRef::is_arn)
            .and_then(|queue| self.resource(queue.resource))
            .filter(|queue| queue.kind == "AWS::SQS::Queue")
            .ok_or("the mapping does not name a queue of the template by its ARN")?;
        let function = properties
            .get("FunctionName")
            .and_then(|name| self.mapped_function(name))
            .and_then(|function| self.resource(function))
            .filter(|function| function.kind == "AWS::Serverless::Function")
            .ok_or("the mapping does not name a SAM function of the template")?;
        self.named_by_function(&queue, &function)?;
        // A grant that outlives its mapping lets the function poll a queue nothing feeds it from.
        if let Some(condition) = mapping
            .condition()
            .filter(|&condition| function.condition() != Some(condition))
        {
            return Err(format!(
                "the mapping `{}` exists only under condition `{condition}` and the function `{}` does not: grant it `SQSPollerPolicy` for `{}` under that condition by hand",
                mapping.logical_id, function.logical_id, queue.logical_id
            ));
        }
        Ok((function, queue.logical_id))
    }

    /// Whether the function's own properties can name `queue`: not when the queue is made by a
    /// `Fn::ForEach` loop the function is not in (its copies have other logical ids), nor when it
    /// exists under a condition the function does not (the stack fails where it is left out).
    fn named_by_function(&self, queue: &Resource, function: &Resource) -> Result<(), String> {
        let id = queue.logical_id;
        match self.made_by_loop(queue) {
            Some(made) => made.named_from(id, &function.entry.range)?,
            None if id.contains("${") => {
                return Err(format!(
                    "`{id}` is made by a loop infrafix did not read; name its copies by hand"
                ))
            }
            None => {}
        }
        if let Some(condition) = queue
            .condition()
            .filter(|&condition| function.condition() != Some(condition))
        {
            return Err(format!(
                "`{id}` exists only under condition `{condition}` and the function `{}` does not: the policy would name it where it does not exist",
                function.logical_id
            ));
        }
        Ok(())
    }

    /// `entries` at the end of a SAM function's `Policies`, or as a new `Policies` list.
    fn add_policies(&self, function: &Resource, entries: Vec<Snippet>) -> Result<Edit, String> {
        let properties = function.properties.ok_or("the function has no properties")?;
        let map = properties.as_map().ok_or("the function's properties are not a map")?;
        match map.entry("Policies") {
            Some(listed) if listed.value.as_list().is_some() => self.add_items(&listed.value, &entries),
            Some(_) => {
                Err("the function's `Policies` is not a list: add `SQSPollerPolicy` for the queue by hand".to_owned())
            }
            None => self.add_entries(
                properties,
                map.entries
                    .len()
                    .checked_sub(1)
                    .ok_or("the function's properties are empty")?,
                vec![("Policies".to_owned(), Snippet::List(entries))],
            ),
        }
    }

    /// The service's `provider` settings, when the role created at `role` is the one the
    /// Serverless Framework makes from them.
    fn framework_role_provider(&self, role: &Site) -> Option<&Value> {
        let provider = self.root.as_map()?.entry("provider").filter(|_| self.serverless)?;
        (self.site(provider.range.clone()) == *role).then_some(&provider.value)
    }

    /// The managed policy `arn` among those the framework attaches to its role: in the list the
    /// service writes (`provider.iam.role.managedPolicies`, or the older
    /// `provider.iamManagedPolicies`), else in a new one beside the role's statements, in the
    /// form they are written in.
    fn attach_to_framework_role(&self, provider: &Value, arn: String) -> Result<Edit, String> {
        let role = provider
            .get("iam")
            .and_then(|iam| iam.get("role"))
            .filter(|role| role.as_map().is_some() && intrinsic(role).is_none());
        let list = role
            .and_then(|role| role.get("managedPolicies"))
            .or_else(|| provider.get("iamManagedPolicies"));
        if let Some(list) = list {
            return self.add_items(list, &[Snippet::Text(arn)]);
        }
        let new_list = || Snippet::List(vec![Snippet::Text(arn.clone())]);
        let last_entry = |map: &Value| {
            map.as_map()
                .and_then(|map| map.entries.len().checked_sub(1))
                .ok_or_else(|| "the settings to add it to are empty".to_owned())
        };
        if let Some(role) = role {
            return self.add_entries(
                role,
                last_entry(role)?,
                vec![("managedPolicies".to_owned(), new_list())],
            );
        }
        let provider_map = provider.as_map().ok_or("the provider's settings are not a map")?;
        if let Some(at) = provider_map
            .entries
            .iter()
            .position(|entry| entry.key == "iamRoleStatements")
        {
            return self.add_entries(provider, at, vec![("iamManagedPolicies".to_owned(), new_list())]);
        }
        let role = Snippet::Map(vec![("managedPolicies".to_owned(), new_list())]);
        match provider.get("iam") {
            Some(iam) => self.add_entries(iam, last_entry(iam)?, vec![("role".to_owned(), role)]),
            None => self.add_entries(
                provider,
                last_entry(provider)?,
                vec![("iam".to_owned(), Snippet::Map(vec![("role".to_owned(), role)]))],
            ),
        }
    }

    /// New statements at the end of the document written at `document`: one per action, each
    /// on its targets.
    pub(super) fn add_statements(
        &self,
        role: &Site,
        document: &Site,
        grants: &[(String, GrantTarget)],
    ) -> Result<Edit, String> {
        let statements = self.statements_in_time(role, document)?;
        if statements.as_list().is_none() {
            return Err("the document's Statement is not a list".to_owned());
        }
        self.add_items(statements, &self.statement_snippets(grants, &statements.range)?)
    }

    /// The `Statement` setting of the document written at `document`, when a grant written there
    /// reaches the functions running as the role created at `role` in time. The framework's own
    /// role takes its statements from a list of the provider's, and every function running as it
    /// waits for it.
    fn statements_in_time(&self, role: &Site, document: &Site) -> Result<&Value, String> {
        let framework_list = self
            .framework_statement_lists()
            .into_iter()
            .find(|list| list.range == document.range);
        if let Some(list) = framework_list {
            self.written_once(&list.range)?;
            return Ok(list);
        }
        self.reaches_functions_in_time(role, document)?;
        let document = self.value_at(document)?;
        document
            .get("Statement")
            .ok_or_else(|| "the document has no Statement".to_owned())
    }

    /// `values` added to the `Action` or `Resource` of statement number `statement` of the
    /// document: to its list, or with its one value in a new one.
    pub(super) fn extend_statement(
        &self,
        role: &Site,
        document: &Site,
        statement: usize,
        key: &str,
        values: Vec<Snippet>,
    ) -> Result<Edit, String> {
        let statements = self.statements_in_time(role, document)?;
        let statement = match statements.as_list() {
            Some(list) => list.items.get(statement),
            None => (statement == 0).then_some(statements),
        }
        .ok_or("the statement was not found")?;
        let existing = statement.get(key).ok_or("the statement has no such list")?;
        if existing.as_list().is_some() {
            return self.add_items(existing, &values);
        }
        self.written_once(&existing.range)?;
        // A list a variable names would become an item of the new list, which IAM refuses.
        let named = self.followed(existing);
        if !std::ptr::eq(named, existing) && named.as_list().is_some() {
            return Err(format!(
                "its {key} is `{}`, a list the service writes elsewhere (and may read elsewhere too); add it there by hand",
                &self.text[existing.range.clone()]
            ));
        }
        let mut all = vec![Snippet::Text(self.flow_item(existing))];
        all.extend(values);
        Ok(Edit::replace(
            self.file,
            existing.range.clone(),
            self.flow_value(&Snippet::List(all)),
        ))
    }

    /// The value written at `value`, as an item of a new flow list (`[value, …]`). A plain YAML
    /// scalar holding what flow syntax reads as brackets or separators (a Serverless
    /// `${self:custom.topicArn}`) would break the list: it is written in single quotes, which
    /// keep every other character as it is.
    fn flow_item(&self, value: &Value) -> String {
        let written = &self.text[value.range.clone()];
        match value.as_scalar() {
            Some(scalar)
                if !self.json && scalar.content == value.range && written.contains(['{', '}', '[', ']', ',', '\n']) =>
            {
                format!("'{}'", scalar.text.replace('\'', "''"))
            }
            _ => written.to_owned(),
        }
    }

    /// `Ok` when a grant written into the document at `document` is in place whenever a
    /// function running as the role created at `role` is created, since Lambda checks it then:
    /// the document is the role's own (created with it) and no arm of an `!If` in its
    /// `Policies` (which may not exist), or it is held by a policy resource that every such
    /// function waits for (CloudFormation creates a policy resource apart from its role, in no
    /// order with a function that does not wait for it).
    fn reaches_functions_in_time(&self, role: &Site, document: &Site) -> Result<(), String> {
        let role = self.resource_at(role)?;
        let Some((holder, policy)) = self.resources().enumerate().find(|(_, resource)| {
            resource.entry.range.start <= document.range.start && document.range.end <= resource.entry.range.end
        }) else {
            return Err("the policy document was not found in the template".to_owned());
        };
        if policy.entry.range == role.entry.range {
            return self.unconditional_in_policies(&role, document);
        }
        let role_number = self
            .resource_index(role.logical_id)
            .and_then(|id| self.role_number(id))
            .ok_or("the role was not found in the template")?;
        let not_waiting = self.graph_functions().into_iter().find(|function| {
            function.role == Some(FunctionRole::Declared(role_number))
                && !self.waits_for_transitively(function.resource).contains(&holder)
        });
        match not_waiting {
            Some(function) => Err(format!(
                "function {} does not wait for `{}` (its DependsOn does not name it), so Lambda may check the role before that policy grants it",
                function.name, policy.logical_id
            )),
            None => Ok(()),
        }
    }

    /// `Ok` when the document at `document`, in the role's own properties, is not inside an
    /// entry of its `Policies` written as an intrinsic (`!If [Cond, Policy, !Ref
    /// AWS::NoValue]`): such a policy exists only under its condition.
    fn unconditional_in_policies(&self, role: &Resource, document: &Site) -> Result<(), String> {
        let policies = role
            .properties
            .and_then(|properties| properties.get("Policies"))
            .and_then(Value::as_list)
            .map(|list| list.items.as_slice())
            .unwrap_or_default();
        let conditional = policies.iter().any(|policy| {
            intrinsic(policy).is_some()
                && policy.range.start <= document.range.start
                && document.range.end <= policy.range.end
        });
        match conditional {
            true => {
                Err("the policy holding the document is chosen by a condition (`!If`), and may not exist".to_owned())
            }
            false => Ok(()),
        }
    }

    /// The grants as the first statements of the framework's own role, in a new
    /// `provider.iam.role.statements` (framework release 3 and later read only that list).
    fn new_framework_statements(&self, grants: &[(String, GrantTarget)]) -> Result<Edit, String> {
        let by_hand = "the role is the one the Serverless Framework makes";
        let release = self
            .root
            .get("frameworkVersion")
            .and_then(Value::text)
            .and_then(|version| {
                let digits: String = version
                    .chars()
                    .skip_while(|character| !character.is_ascii_digit())
                    .take_while(char::is_ascii_digit)
                    .collect();
                digits.parse::<u32>().ok()
            });
        if release.is_none_or(|release| release < 3) {
            return Err(format!(
                "{by_hand}, and `frameworkVersion` does not say it reads `provider.iam.role.statements` (release 3 and later): add the statement to the role's statements by hand"
            ));
        }
        let provider = self.root.get("provider").ok_or("the service has no provider")?;
        let statements = Snippet::List(self.statement_snippets(grants, &provider.range)?);
        let last = |value: &Value| {
            value
                .as_map()
                .and_then(|map| map.entries.len().checked_sub(1))
                .ok_or_else(|| format!("{by_hand}, whose settings are not a map infrafix can add to"))
        };
        let Some(iam) = provider.get("iam") else {
            let role = Snippet::Map(vec![("statements".to_owned(), statements)]);
            return self.add_entries(
                provider,
                last(provider)?,
                vec![("iam".to_owned(), Snippet::Map(vec![("role".to_owned(), role)]))],
            );
        };
        match iam.get("role") {
            None => self.add_entries(
                iam,
                last(iam)?,
                vec![(
                    "role".to_owned(),
                    Snippet::Map(vec![("statements".to_owned(), statements)]),
                )],
            ),
            Some(role) if role.get("statements").is_none() && intrinsic(role).is_none() => {
                self.add_entries(role, last(role)?, vec![("statements".to_owned(), statements)])
            }
            Some(_) => Err(format!(
                "{by_hand}: add the statement to its `provider.iam.role.statements` by hand"
            )),
        }
    }

    /// A new inline policy of the role created at `role`, granting every send.
    pub(super) fn new_role_policy(&self, role: &Site, grants: &[SendGrant]) -> Result<Edit, String> {
        let pairs: Vec<(String, GrantTarget)> = grants
            .iter()
            .map(|grant| (grant.action.clone(), grant.target.clone()))
            .collect();
        let framework = self
            .framework_role()
            .is_some_and(|framework| framework.declared == *role);
        if framework {
            return self.new_framework_statements(&pairs);
        }
        let properties = self
            .resource_map(role)?
            .get("Properties")
            .ok_or("the role has no properties")?;
        let map = properties.as_map().ok_or("the role's properties are not a map")?;
        let existing = map.entry("Policies");
        let taken: Vec<&str> = existing
            .and_then(|policies| policies.value.as_list())
            .map(|list| {
                list.items
                    .iter()
                    .filter_map(|policy| policy.get("PolicyName").and_then(Value::text))
                    .collect()
            })
            .unwrap_or_default();
        let name = (1..)
            .map(|number| match number {
                1 => SEND_POLICY_NAME.to_owned(),
                _ => format!("{SEND_POLICY_NAME}-{number}"),
            })
            .find(|name| !taken.contains(&name.as_str()))
            .unwrap_or_else(|| SEND_POLICY_NAME.to_owned());
        let policy = Snippet::Map(vec![
            ("PolicyName".to_owned(), Snippet::Text(self.string_literal(&name))),
            (
                "PolicyDocument".to_owned(),
                Snippet::Map(vec![
                    ("Version".to_owned(), Snippet::Text("\"2012-10-17\"".to_owned())),
                    (
                        "Statement".to_owned(),
                        Snippet::List(self.statement_snippets(&pairs, &properties.range)?),
                    ),
                ]),
            ),
        ]);
        match existing {
            Some(policies) if policies.value.as_list().is_some() => self.add_items(&policies.value, &[policy]),
            Some(_) => Err("the role's Policies are not a list".to_owned()),
            None => self.add_entries(
                properties,
                map.entries
                    .len()
                    .checked_sub(1)
                    .ok_or("the role's properties are empty")?,
                vec![("Policies".to_owned(), Snippet::List(vec![policy]))],
            ),
        }
    }

    /// One Allow statement per action, on every target given for it, each once (functions sharing
    /// a role and a dead-letter queue ask for the same grant).
    fn statement_snippets(&self, grants: &[(String, GrantTarget)], at: &Range<usize>) -> Result<Vec<Snippet>, String> {
        let mut actions: Vec<(&str, Vec<Snippet>)> = Vec::new();
        for (index, (action, target)) in grants.iter().enumerate() {
            if grants[..index].contains(&grants[index]) {
                continue;
            }
            let target = self.grant_arn(target, at)?;
            match actions.iter_mut().find(|(known, _)| known == action) {
                Some((_, targets)) => targets.push(target),
                None => actions.push((action, vec![target])),
            }
        }
        Ok(actions
            .into_iter()
            .map(|(action, mut targets)| {
                let resource = match targets.len() {
                    1 => targets.remove(0),
                    _ => Snippet::List(targets),
                };
                Snippet::Map(vec![
                    ("Effect".to_owned(), Snippet::Text(self.string_literal("Allow"))),
                    ("Action".to_owned(), Snippet::Text(self.string_literal(action))),
                    ("Resource".to_owned(), resource),
                ])
            })
            .collect())
    }

    /// How a grant names its target where it is written at `at`: a resource of the template by
    /// `arn_of`, ARN text as the function writes it (`arn:aws:sqs:…`, `!Sub
    /// arn:aws:sqs:${AWS::Region}:…`), copied from there.
    pub(super) fn grant_arn(&self, target: &GrantTarget, at: &Range<usize>) -> Result<Snippet, String> {
        let written = match target {
            GrantTarget::Resource(reference) => return self.arn_of(reference, at),
            GrantTarget::Text(written) => written,
        };
        let value = self
            .root
            .find_value(&written.at.range)
            .ok_or("the function's target was not found")?;
        let text = &self.text[value.range.clone()];
        if text.contains('\n') {
            // JSON strings hold no line breaks: the value's lines join into one meaning the same.
            return match self.json {
                true => Ok(Snippet::Text(text.lines().map(str::trim).collect::<Vec<_>>().join(" "))),
                false => Err(OVER_SEVERAL_LINES.to_owned()),
            };
        }
        // `${…}` in a plain scalar would open a flow map inside a flow list: the tag's text goes
        // in single quotes, which keep every other character.
        let text = match &value.kind {
            ValueKind::Tagged { tag, value: inner } if !self.json => match inner.as_scalar() {
                Some(scalar) if scalar.content == inner.range => {
                    format!("{tag} '{}'", scalar.text.replace('\'', "''"))
                }
                _ => text.to_owned(),
            },
            // The long form on a line of its own (`Fn::Sub: arn:${AWS::Partition}:…`) is a block
            // map, which cannot follow `Resource:` on its line: it is written as a flow map.
            ValueKind::Map(map) if !self.json && map.layout == Layout::Block => match map.entries.as_slice() {
                [only] => format!("{{{}: {}}}", only.key, self.flow_item(&only.value)),
                _ => return Err(OVER_SEVERAL_LINES.to_owned()),
            },
            _ => self.flow_item(value),
        };
        Ok(Snippet::Text(text))
    }

    /// The ARN of a resource of the template, to be written at `at`: `!Ref` of a topic,
    /// `!GetAtt X.Arn` of the rest.
    pub(super) fn arn_of(&self, target: &ResourceRef, at: &Range<usize>) -> Result<Snippet, String> {
        if target.attribute.as_deref() != Some(ARN) {
            return Err("the grant does not name a resource by its ARN".to_owned());
        }
        let resource = self
            .resource(target.resource)
            .ok_or("the resource was not found in the template")?;
        let id = resource.logical_id;
        if let Some(made) = self.made_by_loop(&resource) {
            made.named_from(id, at)?;
        }
        // Named where it may not exist, it fails the stack that leaves it out.
        if let Some(condition) = resource.condition() {
            if self.condition_at(at) != Some(condition) {
                return Err(format!(
                    "`{id}` exists only under condition `{condition}`, and the policy would name it where it does not"
                ));
            }
        }
        // A topic's `Ref` is its ARN.
        let text = match resource.kind == "AWS::SNS::Topic" {
            true => self.reference(id),
            false => self.arn_attribute(id),
        };
        Ok(Snippet::Text(text))
    }
}
