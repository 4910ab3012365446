//! Sends granted to a role in the program's own policies: an action or targets added to a
//! statement, statements added to a document, or new `aws.iam.RolePolicy` resources placed where
//! the functions that need them can wait for them.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::super::branches::is_conditional;
use super::super::scope::{self, Declaration, LocalBinding};
use super::super::{
    cdk, named_children, ExecutionRole, Located, NewStatement, OutputValue, Package, PolicyCache, PolicyDocument,
    Program, ResourceDecl, RolePolicies, Statement,
};
use crate::cloud::{GrantTarget, ResourceRef, SendGrant, Site, ARN};
use crate::fix::{Edit, Fix};
use crate::style::template::Code;
use crate::syntax::{kind_of, named_descendants, Fields};

impl<'tree> Program<'tree> {
    pub(super) fn add_statement_action(
        &self,
        cache: &PolicyCache<'tree>,
        role: &Site,
        document: &Site,
        statement: usize,
        action: &str,
    ) -> Result<Edit, String> {
        let policies = self.policies_of(cache, role)?;
        let (_, statement) = find_statement(&policies, document, statement)?;
        self.add_action(statement, action)
            .ok_or_else(|| "the statement's Action cannot take another entry here".to_owned())
    }

    pub(super) fn add_statement_targets(
        &self,
        cache: &PolicyCache<'tree>,
        role: &Site,
        document: &Site,
        statement: usize,
        targets: &[GrantTarget],
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let policies = self.policies_of(cache, role)?;
        let (document, statement) = find_statement(&policies, document, statement)?;
        let values: Vec<OutputValue> = targets
            .iter()
            .map(|target| self.target_at(target, document.at, edits))
            .collect::<Result<_, _>>()?;
        edits.extend(
            self.add_resources(document, statement, &values)
                .ok_or("the statement's Resource cannot take the targets here")?,
        );
        Ok(())
    }

    pub(super) fn add_grant_statements(
        &self,
        cache: &PolicyCache<'tree>,
        role: &Site,
        document: &Site,
        grants: &[(String, GrantTarget)],
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let policies = self.policies_of(cache, role)?;
        let document = find_document(&policies, document)?;
        let every_grant: Vec<usize> = (0..grants.len()).collect();
        let (named, failed) = self.name_grants(grants, &every_grant, document.at);
        if let Some((_, reason)) = failed.into_iter().next() {
            return Err(reason);
        }
        edits.extend(named.edits);
        edits.extend(
            self.add_statements(document, &named.statements)
                .ok_or("the document cannot take another statement here")?,
        );
        Ok(())
    }

    fn policies_of(&self, cache: &PolicyCache<'tree>, role: &Site) -> Result<Rc<RolePolicies<'tree>>, String> {
        Ok(self.cached_role_policies(cache, (self.resource_at_site(role)?, None)))
    }

    /// A grant's target as code at `place` names it: a resource's ARN (see `arn_at`), or the ARN
    /// text the function writes (see `written_arn_at`).
    fn target_at(
        &self,
        target: &GrantTarget,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<OutputValue, String> {
        match target {
            GrantTarget::Resource(reference) => self.arn_at(reference, place, edits),
            GrantTarget::Text(written) => self.written_arn_at(written, place, edits),
        }
    }

    /// A target's ARN as code at `place` names it (`dlq.arn`, a CDK queue's `dlq.attrArn`); what
    /// naming it takes (a `const` for a bare statement, an import) goes into `edits`.
    fn arn_at(
        &self,
        target: &ResourceRef,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<OutputValue, String> {
        let resource = self.resource_id(target.resource)?;
        let attribute = cdk::written_attribute(&self.resources()[resource].class, ARN).ok_or_else(|| {
            format!(
                "infrafix does not know how {} gives its ARN",
                self.display_name(resource)
            )
        })?;
        let name = self.name_resource_at(resource, place, edits)?;
        Ok(OutputValue {
            reference: GrantTarget::Resource(target.clone()),
            expression: format!("{name}.{attribute}"),
        })
    }

    /// The targets of some grants as code at `place` names them, one statement per action, each
    /// target once; and the grants whose target it cannot name, with the reason.
    pub(super) fn name_grants<'grants>(
        &self,
        grants: &'grants [(String, GrantTarget)],
        members: &[usize],
        place: Located<'tree>,
    ) -> (Named<'grants>, Vec<(usize, String)>) {
        let mut named = Named::default();
        let mut failed = Vec::new();
        for &member in members {
            let (action, target) = &grants[member];
            let value = match self.target_at(target, place, &mut named.edits) {
                Ok(value) => value,
                Err(reason) => {
                    failed.push((member, reason));
                    continue;
                }
            };
            named.served.push(member);
            match named.statements.iter_mut().find(|statement| statement.action == action) {
                Some(statement) if statement.resources.iter().any(|known| known.reference == *target) => {}
                Some(statement) => statement.resources.push(value),
                None => named.statements.push(NewStatement {
                    action,
                    resources: vec![value],
                }),
            }
        }
        (named, failed)
    }

    /// Why a grant on one target cannot go into the role a CallbackFunction makes: the role
    /// takes only the managed policies `policies` lists, and a managed policy that allows the
    /// action (AmazonSQSFullAccess, AmazonSNSFullAccess) allows it on every queue or topic and
    /// far more. A policy naming the role (`fn.roleInstance`) can only be written after the
    /// function, which then cannot wait for it, while Lambda checks the permission when it
    /// creates the function (the provider's retries may hide the race, or not).
    fn no_grant_in_a_made_role(&self, function: usize, action: &str) -> String {
        let name = self.display_name(function);
        format!(
            "the role is the one CallbackFunction {name} makes, which holds only the managed policies its `policies` lists (none allows {action} on this target alone), and a policy on {name}'s `roleInstance` could only be written after the function, which could not wait for it: give {name} a `role` of your own whose policy allows {action} on the target, and list that policy in its `dependsOn`"
        )
    }

    /// New RolePolicies for grants no policy of the role can take. One goes after the role, or
    /// after the last of its targets the role's file declares after the role, so that it can name
    /// them; grants share one as long as each of their functions still comes after it (and can
    /// list it in `dependsOn`). Where the role's module cannot import a target (an import cycle),
    /// the grant's policy goes before its function, which names both already.
    pub(super) fn new_role_policies(&self, role: &Site, grants: &[SendGrant]) -> Vec<Result<Fix, String>> {
        let role = match self.resource_at_site(role) {
            Ok(role) => role,
            Err(reason) => return grants.iter().map(|_| Err(reason.clone())).collect(),
        };
        if let Err(reason) = self.new_policies_reach_one_role(role) {
            return grants.iter().map(|_| Err(reason.clone())).collect();
        }
        if self.makes_its_role_from_policies(&self.resources()[role]) {
            return grants
                .iter()
                .map(|grant| Err(self.no_grant_in_a_made_role(role, &grant.action)))
                .collect();
        }
        if let Some(owner) = self.exclusive_owner(role, "RolePoliciesExclusive") {
            let reason = format!(
                "{owner} lists the role's inline policies and would delete a new one; add the statement in a role policy whose name is also in its `policyNames`, by hand"
            );
            return grants.iter().map(|_| Err(reason.clone())).collect();
        }
        if self.resources()[role].class.package == Package::Cdk {
            return self.new_cdk_role_policy(role, grants);
        }
        if grants.iter().any(|grant| grant.written.is_some()) {
            let outcome = self.own_target_policy(role, grants);
            return grants.iter().map(|_| outcome.clone()).collect();
        }
        let functions: Vec<Option<usize>> = grants
            .iter()
            .map(|grant| self.resource_at_site(&grant.function).ok())
            .collect();
        let wanted: Vec<(String, GrantTarget)> = grants
            .iter()
            .map(|grant| (grant.action.clone(), grant.target.clone()))
            .collect();
        let declarations = self.resources();
        let role_declaration = &declarations[role];
        // The resource a grant's new policy goes after: its target, when declared after the role
        // in the role's file, else the role.
        let anchor_of = |grant: usize| -> usize {
            // ARN text is named after the role: no declaration of the program makes its target.
            let Some(target) = wanted
                .get(grant)
                .and_then(|(_, target)| target.resource())
                .map(|target| target.resource)
                .filter(|&target| {
                    declarations.get(target).is_some_and(|target| {
                        target.file == role_declaration.file
                            && target.statement.start_byte() > role_declaration.statement.start_byte()
                    })
                })
            else {
                return role;
            };
            target
        };
        let comes_after = |grant: usize, anchor: &ResourceDecl| {
            functions[grant].is_some_and(|function| {
                let function = &declarations[function];
                function.file != anchor.file || function.statement.start_byte() > anchor.statement.start_byte()
            })
        };
        let mut by_anchor: Vec<usize> = (0..grants.len()).collect();
        by_anchor.sort_by_key(|&grant| declarations[anchor_of(grant)].statement.start_byte());
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for grant in by_anchor {
            let anchor_index = anchor_of(grant);
            let anchor = &declarations[anchor_index];
            let joins = groups.last().is_some_and(|&(last, ref members)| {
                declarations[last].statement.parent() == anchor.statement.parent()
                    && members
                        .iter()
                        .chain([&grant])
                        .all(|&member| comes_after(member, anchor))
            });
            match groups.last_mut() {
                Some((last, members)) if joins => {
                    *last = anchor_index;
                    members.push(grant);
                }
                _ => groups.push((anchor_index, vec![grant])),
            }
        }
        let mut outcomes: BTreeMap<usize, Result<Fix, String>> = BTreeMap::new();
        let mut beside_functions: Vec<(usize, String)> = Vec::new();
        for (anchor_index, members) in groups {
            let anchor = &declarations[anchor_index];
            // A policy made after a target declared under a condition that another function of
            // the role is not under is not read as granting (see `exists_wherever_role_is_used`):
            // the next pass would add it again. Its grants go before their functions instead.
            if !self.exists_wherever_role_is_used(anchor_index, role) {
                let reason = "its target is declared under a condition that the role's other functions are not under";
                beside_functions.extend(members.into_iter().map(|grant| (grant, reason.to_owned())));
                continue;
            }
            // A function that cannot name a policy made after the anchor could not wait for it
            // (its `dependsOn` is where the next pass lists it): its policy goes before it.
            let (members, out_of_reach): (Vec<usize>, Vec<usize>) = members.into_iter().partition(|&grant| {
                functions[grant].is_none_or(|function| can_name_what_follows(anchor, &declarations[function]))
            });
            beside_functions.extend(out_of_reach.into_iter().map(|grant| {
                let reason = "a policy made after the role would be out of reach of the function's `dependsOn` (the function is made in another function or block), so it could be created before the grant";
                (grant, reason.to_owned())
            }));
            if members.is_empty() {
                continue;
            }
            let (named, failed) = self.name_grants(&wanted, &members, anchor.statement());
            beside_functions.extend(failed);
            if named.served.is_empty() {
                continue;
            }
            // Named after the role, unless it goes into a block the role is not in (a loop body): a
            // name derived from the role's would then be the same for every instance, and a
            // duplicate URN fails the deploy; the target's name differs as the block repeats.
            let neighbour = match anchor.statement.parent() == role_declaration.statement.parent() {
                true => role_declaration,
                false => anchor,
            };
            let served = named.served.clone();
            match self.new_role_policy(neighbour, Place::After(anchor.statement()), role, named) {
                Ok(edits) => {
                    let fix = Fix::safe(edits);
                    outcomes.extend(served.iter().map(|&grant| (grant, Ok(fix.clone()))));
                }
                Err(reason) => beside_functions.extend(served.into_iter().map(|grant| (grant, reason.clone()))),
            }
        }
        let mut texts_beside_functions: Vec<GrantBesideFunction> = Vec::new();
        for (grant, first_reason) in beside_functions {
            let outcome = match functions[grant] {
                // A policy beside a function made more than once is made as often: right when
                // the role or the target is made beside it too (each instance grants its own
                // role, or its own target), but a shared role would be granted a shared target
                // again by every instance, under a name the block around the function may not
                // even have in scope.
                Some(function)
                    if self.instances(function) != Some(1)
                        && !self.made_together(role, function)
                        && !wanted.get(grant).is_some_and(|(_, target)| {
                            target
                                .resource()
                                .is_some_and(|target| self.made_together(target.resource, function))
                        }) =>
                {
                    match wanted.get(grant) {
                        Some((action, GrantTarget::Resource(target))) => self
                            .picked_target_policy(role, function, action, target)
                            .map(Fix::safe)
                            .map_err(|reason| reason.unwrap_or(first_reason)),
                        _ => Err(first_reason),
                    }
                }
                // ARN text: the functions of a block share a policy (see
                // `text_policies_before_functions`). A queue of the program keeps one per function.
                Some(function) if matches!(wanted.get(grant), Some((_, GrantTarget::Text(_)))) => {
                    texts_beside_functions.push(GrantBesideFunction {
                        grant,
                        function,
                        reason: first_reason,
                    });
                    continue;
                }
                Some(function) => self.policy_before_its_function(role, &wanted, grant, function, first_reason),
                None => Err(first_reason),
            };
            outcomes.insert(grant, outcome);
        }
        outcomes.extend(self.text_policies_before_functions(role, &wanted, texts_beside_functions));
        (0..grants.len())
            .map(|grant| {
                outcomes
                    .remove(&grant)
                    .unwrap_or_else(|| Err("no place for a new policy was found".to_owned()))
            })
            .collect()
    }

    /// A new RolePolicy right before the function of one grant, naming its target as code there
    /// does; `Err(reason)` when it cannot.
    fn policy_before_its_function(
        &self,
        role: usize,
        wanted: &[(String, GrantTarget)],
        grant: usize,
        function: usize,
        reason: String,
    ) -> Result<Fix, String> {
        // A policy under a condition that another function of the role is not under is not
        // read as granting (see `exists_wherever_role_is_used`): the next pass would add it again.
        if !self.exists_wherever_role_is_used(function, role) {
            return Err(format!(
                "{reason} (a policy beside the function would be made under the condition around it, and may be missing where the role's other functions are made)"
            ));
        }
        let function = &self.resources()[function];
        let (named, _) = self.name_grants(wanted, &[grant], function.statement());
        match named.served.is_empty() {
            true => Err(reason),
            false => self
                .new_role_policy(function, Place::Before(function.statement()), role, named)
                .map(Fix::safe)
                .map_err(|_| reason),
        }
    }

    /// New RolePolicies for grants on ARN text whose policies go before their functions (each
    /// grant with its function, made once, and the reason the role's policies could not take it),
    /// with the outcome of each. The grants of the functions of one block share one policy, made
    /// before the first function there that runs as the role, so that every function of the role
    /// there can list it in `dependsOn`: a policy before each function would be out of reach of
    /// the functions made before it, a dependsOn finding no pass could fix. The block is the
    /// outermost one the functions' code runs in as often as they do (see `hoisting_block`): a
    /// policy inside an `if` would be out of reach of the functions around it, and is not read as
    /// granting. The policy is named after the first granted function, or, where that one's name
    /// or options read what is declared after the policy's place, after the function it goes
    /// before. A grant whose text code there cannot name still gets a policy of its own right
    /// before its function.
    fn text_policies_before_functions(
        &self,
        role: usize,
        wanted: &[(String, GrantTarget)],
        mut grants: Vec<GrantBesideFunction>,
    ) -> Vec<(usize, Result<Fix, String>)> {
        let declarations = self.resources();
        let made_at = |function: usize| {
            (
                declarations[function].file,
                declarations[function].statement.start_byte(),
            )
        };
        grants.sort_by_key(|grant| made_at(grant.function));
        // The grants of each block, the first-made function's first.
        let mut blocks: Vec<(Located<'tree>, Vec<GrantBesideFunction>)> = Vec::new();
        for grant in grants {
            let block = self.hoisting_block(&declarations[grant.function]);
            match blocks.iter_mut().find(|(known, _)| *known == block) {
                Some((_, members)) => members.push(grant),
                None => blocks.push((block, vec![grant])),
            }
        }
        let mut outcomes = Vec::new();
        for (block, members) in blocks {
            let shared = self.shared_text_policy(role, wanted, block, &members);
            for GrantBesideFunction {
                grant,
                function,
                reason,
            } in members
            {
                let outcome = match &shared {
                    Some((edits, served)) if served.contains(&grant) => Ok(Fix::safe(edits.clone())),
                    _ => self.policy_before_its_function(role, wanted, grant, function, reason),
                };
                outcomes.push((grant, outcome));
            }
        }
        outcomes
    }

    /// The policy the grants of `members`, whose functions all run in `block`, share (see
    /// `text_policies_before_functions`), with the grants it serves; `None` when it serves none.
    fn shared_text_policy(
        &self,
        role: usize,
        wanted: &[(String, GrantTarget)],
        block: Located<'tree>,
        members: &[GrantBesideFunction],
    ) -> Option<(Vec<Edit>, Vec<usize>)> {
        let declarations = self.resources();
        let first = &declarations[members.first()?.function];
        let before = self.first_in_block_running_as(role, block, first);
        let place = self.statement_of_block(block, before);
        let ids: Vec<usize> = members.iter().map(|member| member.grant).collect();
        let (named, _) = self.name_grants(wanted, &ids, place);
        let served = named.served.clone();
        if served.is_empty() {
            return None;
        }
        let start = place.node.start_byte();
        let neighbour = [first, before]
            .into_iter()
            .find(|function| !self.reads_names_declared_from(function, start))?;
        let edits = self
            .new_role_policy(neighbour, Place::Before(place), role, named)
            .ok()?;
        Some((edits, served))
    }

    /// The outermost block around a resource's statement that runs as often as the statement
    /// does: out through `if`, `try` and bare blocks, up to the body of the nearest function or
    /// loop, a class body, or the file. Code there runs before the resource whichever branch
    /// makes it, and stays in reach of the code of the blocks within.
    fn hoisting_block(&self, resource: &ResourceDecl<'tree>) -> Located<'tree> {
        let statement = resource.statement();
        let mut block = statement.node.parent().unwrap_or(statement.node);
        for node in self.ancestors(statement) {
            let kind = kind_of(node);
            if scope::FUNCTIONS.contains(&kind) || scope::LOOPS.contains(&kind) || kind == "class_body" {
                break;
            }
            if scope::BLOCKS.contains(&kind) {
                block = node;
            }
        }
        statement.with(block)
    }

    /// The first function running as `role` whose statement lies in `block` (at any depth of
    /// the blocks `hoisting_block` reads through); `function` itself when none comes before it.
    fn first_in_block_running_as<'a>(
        &'a self,
        role: usize,
        block: Located<'tree>,
        function: &'a ResourceDecl<'tree>,
    ) -> &'a ResourceDecl<'tree> {
        self.first_before_running_as(role, function, |other| self.hoisting_block(other) == block)
    }

    /// The statement of `block` that holds `resource`'s statement (the `if` around it, or the
    /// statement itself).
    fn statement_of_block(&self, block: Located<'tree>, resource: &ResourceDecl<'tree>) -> Located<'tree> {
        let mut statement = resource.statement;
        while let Some(parent) = statement.parent().filter(|parent| *parent != block.node) {
            statement = parent;
        }
        block.with(statement)
    }

    /// Whether `function`'s logical name or options (which a policy named after it copies) read
    /// a variable declared from byte `start` on: a copy made at `start` would read it before its
    /// declaration runs (`{ parent: group }` with `group` made between the two functions).
    fn reads_names_declared_from(&self, function: &ResourceDecl<'tree>, start: usize) -> bool {
        [function.logical_name, function.options]
            .into_iter()
            .flatten()
            .flat_map(named_descendants)
            .filter(|node| kind_of(*node) == "identifier")
            .any(|node| match self.declaration_of(function.statement().with(node)) {
                Declaration::Variable { declarator, .. } | Declaration::Destructured { declarator, .. } => {
                    declarator.start_byte() >= start
                }
                _ => false,
            })
    }

    /// For a function made in a loop that picks its target there by the loop's key or index
    /// (`deadLetterQueues[channel].arn`, `dlqs[i].arn`), from queues made more than once, a new
    /// RolePolicy right before the function naming the target as the function does: each
    /// iteration grants the one queue its function sends to. `Err(None)` when the function does
    /// not pick its target so (the caller's reason stands), `Err(Some(…))` when it does and no
    /// such policy can be made.
    fn picked_target_policy(
        &self,
        role: usize,
        function: usize,
        action: &str,
        target: &ResourceRef,
    ) -> Result<Vec<Edit>, Option<String>> {
        let declaration = &self.resources()[function];
        let value = self.dead_letter_target(declaration).ok_or(None)?;
        let denotes_target = || self.denoted_resource(value).as_ref() == Some(target);
        if !self.reads_output_picked_per_iteration(value) || !denotes_target() {
            return Err(None);
        }
        let shown = self.text(value);
        if named_descendants(value.node).any(|node| kind_of(node) == "optional_chain") {
            return Err(Some(format!(
                "its target is named by `{shown}`, which may be undefined; grant it by hand"
            )));
        }
        if let Some(condition) = self.condition_around(declaration) {
            return Err(Some(format!(
                "the function is made under a condition (`{condition}`) its target may depend on; grant the target by hand"
            )));
        }
        // `names.forEach((name, i) => new aws.lambda.Function(…))`: the statement holding the
        // function is the whole loop, outside of which `i` means nothing.
        if !self.reads_names_bound_around(value, declaration.statement()) {
            return Err(Some(format!(
                "its target is named by `{shown}`, which reads names the statement making the function declares (an arrow function's parameters): give the callback a body, then grant it there"
            )));
        }
        let named = Named {
            served: vec![0],
            statements: vec![NewStatement {
                action,
                resources: vec![OutputValue {
                    reference: GrantTarget::Resource(target.clone()),
                    expression: shown.to_owned(),
                }],
            }],
            edits: Vec::new(),
        };
        let before = self.first_sender_of_the_iteration(role, declaration, shown);
        self.new_role_policy(declaration, Place::Before(before.statement()), role, named)
            .map_err(Some)
    }

    /// The first function of `function`'s block that runs as `role` and sends to the target
    /// `function` names by `shown` (`function` itself when none comes before it). Two functions of
    /// one iteration sending to the same queue each need every policy granting it, so a policy
    /// for the later one goes before the earlier one too, where both can wait for it.
    fn first_sender_of_the_iteration<'a>(
        &'a self,
        role: usize,
        function: &'a ResourceDecl<'tree>,
        shown: &str,
    ) -> &'a ResourceDecl<'tree> {
        self.first_of_the_block_running_as(role, function, |other| {
            self.dead_letter_target(other)
                .is_some_and(|target| self.text(target) == shown)
        })
    }

    /// The first function made in `function`'s block (directly, not in a block within it) that
    /// runs as `role` and is `wanted`; `function` itself when none comes before it.
    fn first_of_the_block_running_as<'a>(
        &'a self,
        role: usize,
        function: &'a ResourceDecl<'tree>,
        wanted: impl Fn(&ResourceDecl<'tree>) -> bool,
    ) -> &'a ResourceDecl<'tree> {
        let block = function.statement.parent();
        self.first_before_running_as(role, function, |other| {
            other.statement.parent() == block && wanted(other)
        })
    }

    /// The first function of `function`'s file, made before it, that runs as `role` and is
    /// `picked`; `function` itself when none is.
    fn first_before_running_as<'a>(
        &'a self,
        role: usize,
        function: &'a ResourceDecl<'tree>,
        picked: impl Fn(&ResourceDecl<'tree>) -> bool,
    ) -> &'a ResourceDecl<'tree> {
        self.resources()
            .iter()
            .filter(|other| {
                other.file == function.file
                    && other.statement.start_byte() < function.statement.start_byte()
                    && self.execution_role(other) == Some(ExecutionRole::Declared(role))
                    && picked(other)
            })
            .min_by_key(|other| other.statement.start_byte())
            .unwrap_or(function)
    }

    /// Whether every name `value` reads is bound outside `statement` (at the top level, by an
    /// import, or by a scope around the statement), so that code right before the statement
    /// reads the same.
    fn reads_names_bound_around(&self, value: Located<'tree>, statement: Located<'tree>) -> bool {
        let (start, end) = (statement.node.start_byte(), statement.node.end_byte());
        let within = |byte: usize| (start..end).contains(&byte);
        named_descendants(value.node)
            .filter(|node| matches!(kind_of(*node), "identifier" | "shorthand_property_identifier"))
            .all(|name| match self.local_binding(value.with(name)) {
                Some(LocalBinding::Variable { declarator, .. }) => !within(declarator.0),
                Some(LocalBinding::Parameter { binder } | LocalBinding::LoopVariable { binder }) => {
                    binder.0 <= start && end <= binder.1
                }
                None => true,
            })
    }

    /// For functions made with a role of their own, one new RolePolicy after the role granting
    /// each function's target as the function names it (`deadLetters.arn`, a parameter of the
    /// factory making them): each run grants its own role its own targets, before any function
    /// of the run (each lists the role's policies in `dependsOn`).
    fn own_target_policy(&self, role: usize, grants: &[SendGrant]) -> Result<Fix, String> {
        let mut statements: Vec<NewStatement> = Vec::new();
        for grant in grants {
            let value = self.own_target_value(role, grant)?;
            match statements.iter_mut().find(|statement| statement.action == grant.action) {
                Some(statement)
                    if statement
                        .resources
                        .iter()
                        .any(|known| known.expression == value.expression) => {}
                Some(statement) => statement.resources.push(value),
                None => statements.push(NewStatement {
                    action: &grant.action,
                    resources: vec![value],
                }),
            }
        }
        let named = Named {
            served: (0..grants.len()).collect(),
            statements,
            edits: Vec::new(),
        };
        let role_declaration = &self.resources()[role];
        self.new_role_policy(
            role_declaration,
            Place::After(role_declaration.statement()),
            role,
            named,
        )
        .map(Fix::safe)
    }

    /// A function's own target as code after its role may name it: the function's own value.
    fn own_target_value(&self, role: usize, grant: &SendGrant) -> Result<OutputValue, String> {
        let function = self.resource_at_site(&grant.function)?;
        let written = grant
            .written
            .as_ref()
            .ok_or("the function's own target was not given")?;
        let value = self.located(written)?;
        // `deadLetters?.arn` may be `undefined`, which a policy's `Resource` does not take.
        if named_descendants(value.node).any(|node| kind_of(node) == "optional_chain") {
            return Err(format!(
                "its target is named by `{}`, which may be undefined; grant it by hand",
                self.text(value)
            ));
        }
        if !self.made_together(role, function) {
            return Err(format!(
                "{} is not made beside the function, so a policy naming the function's own target would reach other instances",
                self.display_name(role)
            ));
        }
        let (declaration, role_declaration) = (&self.resources()[function], &self.resources()[role]);
        if role_declaration.statement.start_byte() >= declaration.statement.start_byte() {
            return Err(format!(
                "{} is made after the function; grant its target by hand",
                self.display_name(role)
            ));
        }
        // `cond ? new aws.lambda.Function(…) : undefined`, `if (spec.dlq) new …`: the target may
        // be read only under the condition, which a statement after the role is not.
        if let Some(condition) = self.condition_around(declaration) {
            return Err(format!(
                "the function is made under a condition (`{condition}`) its target may depend on; grant the target by hand"
            ));
        }
        let statement = Located {
            file: role_declaration.file,
            node: role_declaration.statement,
        };
        if !self.visible_before(value, statement) {
            return Err(format!(
                "its target is named by `{}`; a new policy names a function's own target only through the parameters or loop variables that give it",
                self.text(value)
            ));
        }
        Ok(OutputValue {
            reference: grant.target.clone(),
            expression: self.text(value).to_owned(),
        })
    }

    /// The first condition between a resource's `new` and the loop or function that repeats it
    /// (an `if`, a ternary, `&&`, a `switch` case), as written.
    fn condition_around(&self, resource: &ResourceDecl<'tree>) -> Option<String> {
        let repeating = self.repeating_body(resource);
        let made = Located {
            file: resource.file,
            node: resource.expression,
        };
        self.ancestors(made)
            .into_iter()
            .take_while(|node| Some(*node) != repeating)
            .find(|node| is_conditional(*node))
            .map(|node| {
                let guard = node.field("condition").or_else(|| node.field("left")).unwrap_or(node);
                self.text(made.with(guard)).to_owned()
            })
    }

    /// Whether every name `value` reads is a parameter or loop variable bound around `statement`,
    /// or a `const` (`const { dlq } = options`) declared before it in a block around it and not
    /// bound again in between, and so reads the same there.
    fn visible_before(&self, value: Located<'tree>, statement: Located<'tree>) -> bool {
        let mut names = Vec::new();
        let mut pending = vec![value.node];
        while let Some(node) = pending.pop() {
            match kind_of(node) {
                "identifier" | "shorthand_property_identifier" => names.push(value.with(node)),
                _ => pending.extend(named_children(node)),
            }
        }
        names.iter().all(|&name| {
            let binder = self
                .function_declaring_parameter(name)
                .or_else(|| self.loop_declaring_variable(name));
            match binder {
                Some(binder) => value.with(binder).encloses(&statement),
                None => self.const_declared_before(name, statement),
            }
        })
    }

    /// Whether `name` reads a `const` that code at `statement` may name too (see
    /// `const_readable_at`).
    fn const_declared_before(&self, name: Located<'tree>, statement: Located<'tree>) -> bool {
        let declarator = match self.declaration_of(name) {
            Declaration::Variable {
                declarator,
                constant: true,
            }
            | Declaration::Destructured {
                declarator,
                constant: true,
            } => declarator,
            _ => return false,
        };
        name.file == statement.file && self.const_readable_at(declarator, self.text(name), statement)
    }

    /// A new RolePolicy granting the named targets, named after `neighbour`.
    fn new_role_policy(
        &self,
        neighbour: &ResourceDecl<'tree>,
        place: Place<'tree>,
        role: usize,
        named: Named,
    ) -> Result<Vec<Edit>, String> {
        let anchor = match place {
            Place::After(anchor) | Place::Before(anchor) => anchor,
        };
        let statements = named.statements;
        let mut edits = named.edits;
        let role_name = self.name_resource_at(role, anchor, &mut edits)?;
        let document = Code::object([
            ("Version", Code::text("2012-10-17")),
            (
                "Statement",
                Code::Array(statements.iter().map(NewStatement::code).collect()),
            ),
        ]);
        let args = Code::object([
            ("role", Code::verbatim(format!("{role_name}.id"))),
            ("policy", document),
        ]);
        let suffix = if statements.iter().any(|statement| statement.action.starts_with("sqs:")) {
            "dlq-send"
        } else {
            "dlq-publish"
        };
        let new = self.new_resource_beside(neighbour, &["iam", "RolePolicy"], suffix, args)?;
        edits.push(match place {
            Place::After(_) => self.insert_statement_after(anchor, &new.code, Some(&new.binding)),
            Place::Before(_) => self.insert_statement_before(anchor, &new.code, Some(&new.binding)),
        });
        Ok(edits)
    }
}

/// Dead-letter targets named at one place: what a destination gains for them.
#[derive(Default)]
pub(super) struct Named<'grants> {
    /// The grants served, by index.
    pub served: Vec<usize>,
    /// One statement per action, on each target once.
    pub statements: Vec<NewStatement<'grants>>,
    /// What naming them takes: a `const` for a bare statement, an import, an export.
    pub edits: Vec<Edit>,
}

/// A grant whose policy goes before its function, with the reason the role's policies could not
/// take it.
struct GrantBesideFunction {
    grant: usize,
    function: usize,
    reason: String,
}

/// Where a new statement goes, relative to a statement of a block.
enum Place<'tree> {
    After(Located<'tree>),
    Before(Located<'tree>),
}

/// Whether a function can name a const declared right after `anchor`: the anchor is at its file's
/// top level (the function's module can import what it declares), or the function is made later
/// in the block that holds the anchor.
fn can_name_what_follows(anchor: &ResourceDecl, function: &ResourceDecl) -> bool {
    let Some(block) = anchor.statement.parent() else {
        return false;
    };
    kind_of(block) == "program"
        || (function.file == anchor.file
            && function.statement.start_byte() >= anchor.statement.end_byte()
            && function.statement.end_byte() <= block.end_byte())
}

fn find_document<'policies, 'tree>(
    policies: &'policies RolePolicies<'tree>,
    document: &Site,
) -> Result<&'policies PolicyDocument<'tree>, String> {
    policies
        .documents
        .iter()
        .map(|held| &held.document)
        .find(|candidate| Site::from(candidate.at) == *document)
        .ok_or_else(|| "the policy document was not found again".to_owned())
}

fn find_statement<'policies, 'tree>(
    policies: &'policies RolePolicies<'tree>,
    document: &Site,
    statement: usize,
) -> Result<(&'policies PolicyDocument<'tree>, &'policies Statement<'tree>), String> {
    let document = find_document(policies, document)?;
    let statement = document
        .statements
        .get(statement)
        .ok_or("the statement was not found again")?;
    Ok((document, statement))
}
