//! Fix intents as edits to `.tf` files, in the layout `terraform fmt` leaves: a new argument gets
//! its block's indentation, and the `=` of its run of arguments line up.

mod iam;
mod integrations;
mod list_lines;
mod method_settings;

use std::cell::RefCell;
use std::collections::HashSet;

use iam::{NewStatement, StatementField};

use super::shared_calls::RegistryGrant;
use super::{has_comment_inside, named_children, Located, TerraformProject};
use crate::cloud::{
    ApiDeployment, ApiIntegration, ApiStage, FixPlan, FrontEnd, GrantTarget, GraphSource, IamRole, Intent,
    LambdaFunction, LambdaLayer, MessageTarget, MethodSettings, QueueEventSource, RuntimeCheck, SendGrant, Site,
    Spelling,
};
use crate::fix::{Applicability, Edit, Fix};
use crate::release_version::ReleaseVersion;
use crate::source::{line_ending, line_range};
use crate::syntax::kind_of;

/// The Terraform front end of one root module and the local modules it calls.
pub struct TerraformFrontEnd<'a> {
    project: &'a TerraformProject<'a>,
    /// The hashicorp/aws release the root module's lock file pins, if it has one.
    locked_aws: Option<ReleaseVersion>,
    /// How hashicorp/aws checks runtimes in each configuration that calls this module: Terraform
    /// installs one release for a whole configuration, so its root's pin holds here too.
    callers_checks: Vec<RuntimeCheck>,
    /// The resources this pass's fixes create, as `TYPE.NAME`: a second new resource of a pass
    /// must not take the name of the first.
    handed_out: RefCell<HashSet<String>>,
}

impl<'a> TerraformFrontEnd<'a> {
    pub fn new(project: &'a TerraformProject<'a>) -> Self {
        Self {
            project,
            locked_aws: None,
            callers_checks: Vec::new(),
            handed_out: RefCell::default(),
        }
    }

    /// The front end of a root module whose lock file pins hashicorp/aws `release`.
    pub fn with_locked_aws(self, release: Option<ReleaseVersion>) -> Self {
        Self {
            locked_aws: release,
            ..self
        }
    }

    /// The front end of a module that the configurations checking runtimes as `checks` say call it.
    pub fn with_callers_checks(self, checks: Vec<RuntimeCheck>) -> Self {
        Self {
            callers_checks: checks,
            ..self
        }
    }

    /// `base`, or `base_2`, `base_3` …: a name no resource of this type in the root module has,
    /// nor one an earlier fix of this pass took.
    fn new_resource_name(&self, kind: &str, base: &str) -> String {
        let mut handed_out = self.handed_out.borrow_mut();
        let taken = |name: &str| {
            handed_out.contains(&format!("{kind}.{name}"))
                // `moved` and `removed` blocks name addresses no resource has any more.
                || self.project.mentions(&format!("{kind}.{name}")) > 0
                || self
                    .project
                    .root_resources()
                    .any(|resource| resource.kind == kind && resource.name == name)
        };
        let name = (1..)
            .map(|number| match number {
                1 => base.to_owned(),
                _ => format!("{base}_{number}"),
            })
            .find(|name| !taken(name))
            .unwrap_or_else(|| base.to_owned());
        handed_out.insert(format!("{kind}.{name}"));
        name
    }

    /// The edits that carry out a plan's intents, in the project's files.
    fn edits(&self, plan: &FixPlan) -> Result<Vec<Edit>, String> {
        self.project.refusal().map_or(Ok(()), Err)?;
        let mut edits = Vec::new();
        // Comments above a setting that moves go with it.
        let mut moved_comments = Vec::new();
        // The addresses of the permissions the plan has added so far.
        let mut added_permissions = Vec::new();
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
                    let handler = format!("\"{handler}\"");
                    edits.extend(self.project.arguments_after(beside, &[("handler", &handler)])?)
                }
                Intent::RemoveListEntry { entry, .. } => edits.push(self.project.remove_list_entry(entry)?),
                Intent::RemoveSetting { at } => {
                    let (edit, comments) = self.project.remove_lines(at)?;
                    edits.push(edit);
                    moved_comments = comments;
                }
                Intent::AddStageMethodSettings { stage, limits } => edits.push(self.project.new_method_settings(
                    stage,
                    |base| self.new_resource_name("aws_api_gateway_method_settings", base),
                    limits,
                    &moved_comments,
                )?),
                Intent::MoveThrottlingToRouteDefaults { setting } => {
                    edits.extend(self.project.rename_to_route_defaults(setting)?)
                }
                Intent::AddDependencies { function, on } => edits.extend(self.project.add_dependencies(function, on)?),
                Intent::AttachManagedPolicy { role, policy, purpose } => match self.project.registry_role_calls(role) {
                    // The role a registry module makes is given policies through its call.
                    Some(chains) => {
                        let call = self
                            .project
                            .chain_to_edit(chains, RegistryGrant::QueuePolling)?
                            .resource
                            .body;
                        edits.extend(self.project.policy_listed_in_call(call, policy)?)
                    }
                    None => {
                        let role_name = self.role_name(role)?;
                        let kind = "aws_iam_role_policy_attachment";
                        let name = self.new_resource_name(kind, &format!("{role_name}_{}", purpose.replace('-', "_")));
                        edits.extend(self.project.attach_managed_policy(role, policy, &name)?)
                    }
                },
                Intent::AddStatements { document, grants, .. } => {
                    let statements = self.new_statements(grants)?;
                    edits.extend(self.project.add_statements(document, &statements)?)
                }
                Intent::AddStatementAction {
                    document,
                    statement,
                    action,
                    ..
                } => edits.extend(self.project.extend_statement(
                    document,
                    *statement,
                    StatementField::Action,
                    &[format!("\"{action}\"")],
                )?),
                Intent::AddStatementTargets {
                    document,
                    statement,
                    targets,
                    ..
                } => {
                    let addresses = targets
                        .iter()
                        .map(|target| self.project.grant_address(target))
                        .collect::<Result<Vec<_>, _>>()?;
                    edits.extend(self.project.extend_statement(
                        document,
                        *statement,
                        StatementField::Resource,
                        &addresses,
                    )?)
                }
                Intent::AddThrottling { settings, limits } => {
                    edits.extend(self.project.add_throttling(settings, limits, &moved_comments)?)
                }
                Intent::UseInvokeArn { uri, qualified } => edits.push(self.project.use_invoke_arn(uri, *qualified)?),
                Intent::DropCredentials { setting } => edits.extend(self.project.remove_argument(setting)?),
                Intent::AwaitAddedPermissions { waiter } => {
                    edits.extend(self.project.await_permissions(waiter, &added_permissions)?)
                }
                Intent::AddInvokePermission {
                    function,
                    rest_api,
                    instance,
                } => {
                    let api = &self.project.root_resource_at(rest_api)?.name;
                    let target = &self.project.invoked_name(function)?;
                    let name = self.new_resource_name("aws_lambda_permission", &format!("{api}_invoke_{target}"));
                    edits.push(
                        self.project
                            .new_invoke_permission(function, rest_api, instance.as_deref(), &name)?,
                    );
                    added_permissions.push(format!("aws_lambda_permission.{name}"));
                }
                // A module declares every role its functions run as.
                Intent::GrantQueuePolling { .. } => {
                    return Err("a module's functions run as roles it declares".to_owned())
                }
                // Only SAM policy templates take a queue's or topic's name.
                Intent::ReadTargetName { .. } => return Err("a module names what it grants on by ARN".to_owned()),
            }
        }
        Ok(edits)
    }

    /// What names of new resources serving the role at `role` start with: the role's name, or
    /// the name of the module call that makes it.
    fn role_name(&self, role: &Site) -> Result<String, String> {
        match self.project.call_at(role) {
            Some(call) => Ok(call.name.clone()),
            None => Ok(self.project.root_resource_at(role)?.name.clone()),
        }
    }

    /// The statements that grant each action on its target, one per action, each target once.
    fn new_statements(&self, grants: &[(String, GrantTarget)]) -> Result<Vec<NewStatement>, String> {
        let mut statements: Vec<NewStatement> = Vec::new();
        for (action, target) in grants {
            let address = self.project.grant_address(target)?;
            match statements.iter_mut().find(|statement| statement.action == *action) {
                Some(statement) if statement.resources.contains(&address) => {}
                Some(statement) => statement.resources.push(address),
                None => statements.push(NewStatement {
                    action: action.clone(),
                    resources: vec![address],
                }),
            }
        }
        Ok(statements)
    }
}

impl GraphSource for TerraformFrontEnd<'_> {
    fn functions(&self) -> Vec<LambdaFunction> {
        self.project.graph_functions()
    }

    fn layers(&self) -> Vec<LambdaLayer> {
        self.project.graph_layers()
    }

    fn roles(&self, functions: &[LambdaFunction]) -> Vec<IamRole> {
        self.project.graph_roles(functions)
    }

    fn stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        self.project.graph_stages()
    }

    fn integrations(&self, functions: &[LambdaFunction]) -> Vec<ApiIntegration> {
        self.project.graph_integrations(functions)
    }

    fn deployments(&self) -> Vec<ApiDeployment> {
        self.project.graph_deployments()
    }

    fn queue_event_sources(&self, functions: &[LambdaFunction]) -> Vec<QueueEventSource> {
        self.project.graph_queue_event_sources(functions)
    }

    fn message_targets(&self) -> Vec<MessageTarget> {
        self.project.graph_message_targets()
    }

    /// The most restrictive of this module's own check and its callers': a runtime must pass the
    /// provider release of every configuration the module is planned in.
    fn runtime_check(&self) -> Option<RuntimeCheck> {
        self.project
            .aws_runtime_check(self.locked_aws)
            .into_iter()
            .chain(self.callers_checks.iter().cloned())
            .min_by_key(|check| check.newest)
    }

    fn spelling(&self) -> Spelling {
        Spelling {
            depends_on: "depends_on",
            inline_policies: "`inline_policy` blocks",
            invoke_arn: "invoke_arn",
            qualified_invoke_arn: "qualified_invoke_arn",
            invoke_permission: "aws_lambda_permission",
        }
    }
}

impl FrontEnd for TerraformFrontEnd<'_> {
    /// The edits of a plan; a plan that cannot be carried out gives back the names it took.
    fn render(&self, plan: &FixPlan) -> Result<Fix, String> {
        let handed_out = self.handed_out.borrow().clone();
        let edits = self.edits(plan);
        if edits.is_err() {
            *self.handed_out.borrow_mut() = handed_out;
        }
        Ok(Fix::new(edits?, plan.applicability))
    }

    fn can_render(&self, plan: &FixPlan) -> bool {
        let handed_out = self.handed_out.borrow().clone();
        let renders = self.render(plan).is_ok();
        *self.handed_out.borrow_mut() = handed_out;
        renders
    }

    /// One new `aws_iam_role_policy` for every grant: Terraform orders resources by what they
    /// read, not by where they are written, so each function can wait for it. A grant whose
    /// target infrafix cannot name (one instance of many) is left out, with the reason.
    fn render_new_policies(&self, role: &Site, grants: &[SendGrant]) -> Vec<Result<Fix, String>> {
        if let Some(chains) = self.project.registry_role_calls(role) {
            let fix = self.project.refusal().map_or(Ok(()), Err).and_then(|()| {
                // The module's switch grants its own function's target alone: each chain of
                // calls deploys a function of its own, which the grants name by its root call.
                let created = grants.first().map(|grant| &grant.function);
                let shared = self.project.shared_call_refusal(&chains, RegistryGrant::DeadLetterSend);
                let function = chains
                    .into_iter()
                    .find(|chain| Some(&chain.created_at()) == created)
                    .filter(|chain| grants.iter().all(|grant| grant.function == chain.created_at()))
                    .ok_or("another function runs as the role the module makes")?;
                Ok(Fix::new(
                    self.project.dead_letter_switch_on(&function, shared)?,
                    Applicability::Safe,
                ))
            });
            return grants.iter().map(|_| fix.clone()).collect();
        }
        let named: Vec<Result<(), String>> = grants
            .iter()
            .map(|grant| self.project.grant_address(&grant.target).map(|_| ()))
            .collect();
        let fix = (|| {
            self.project.refusal().map_or(Ok(()), Err)?;
            let role_name = self.role_name(role)?;
            let sends: Vec<(String, GrantTarget)> = grants
                .iter()
                .zip(&named)
                .filter(|(_, named)| named.is_ok())
                .map(|(grant, _)| (grant.action.clone(), grant.target.clone()))
                .collect();
            let statements = self.new_statements(&sends)?;
            let name = self.new_resource_name("aws_iam_role_policy", &format!("{role_name}_dead_letter_send"));
            let edit = match self.project.call_at(role) {
                // Beside the function, which then waits for it; the module stays as it is.
                Some(_) => {
                    // A function the module makes itself cannot wait for it: that one decides.
                    let functions = grants.iter().map(|grant| &grant.function);
                    let function = functions
                        .clone()
                        .find(|function| *function == role)
                        .or_else(|| functions.clone().next())
                        .ok_or("there is nothing to grant")?;
                    self.project
                        .new_module_role_policy(role, function, &name, &statements)?
                }
                None => self.project.new_role_policy(role, &name, &statements)?,
            };
            Ok(Fix::new(vec![edit], Applicability::Safe))
        })();
        named
            .into_iter()
            .map(|named| named.and_then(|()| fix.clone()))
            .collect()
    }
}

impl<'a> TerraformProject<'a> {
    /// How a file ends its lines: new lines end the same way.
    fn newline(&self, file: usize) -> &'static str {
        line_ending(self.file_text(file))
    }

    /// Where the line holding `offset` ends, before its line break: code inserted after an
    /// argument or a block goes there, after a comment that ends the line.
    fn line_end(&self, file: usize, offset: usize) -> usize {
        line_range(self.file_text(file), offset).end
    }

    /// Where a new block goes after the block ending at `offset`: the end of its line, after a
    /// comment that ends it; right after the block when other code follows it on that line
    /// (`}resource …`), whose block would otherwise take the new one in.
    fn after_block(&self, file: usize, offset: usize) -> usize {
        let end = self.line_end(file, offset);
        let rest = self.file_text(file).get(offset..end).unwrap_or_default().trim_start();
        match rest.is_empty() || rest.starts_with('#') || rest.starts_with("//") {
            true => end,
            false => offset,
        }
    }

    /// The indentation of the line a node starts, when nothing else stands before it there.
    fn line_indent(&self, node: Located<'a>) -> Option<&'a str> {
        let text = self.file_text(node.file);
        let start = line_range(text, node.node.start_byte()).start;
        let indent = &text[start..node.node.start_byte()];
        indent.trim().is_empty().then_some(indent)
    }

    /// The indentation of a body's first argument or block; `None` for a block without one.
    fn body_indent(&self, body: Located<'a>) -> Option<&'a str> {
        if kind_of(body.node) != "body" {
            return None;
        }
        self.line_indent(body.with(named_children(body.node).next()?))
    }

    /// The node at `site`, when it is still of the kind the graph saw there.
    fn expect_kind(&self, site: &Site, kind: &str) -> Result<Located<'a>, String> {
        let found = self.located(site)?;
        if kind_of(found.node) != kind {
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

    /// New arguments `name = code` on the lines after the argument at `beside`, indented like
    /// it (see `arguments_around`).
    fn arguments_after(&self, beside: &Site, new: &[(&str, &str)]) -> Result<Vec<Edit>, String> {
        self.arguments_around(beside, &[], new)
    }

    /// New arguments `name = code` on the lines right `before` and `after` the argument at
    /// `beside`, indented like it, in its paragraph. As `terraform fmt` does, the `=` of every
    /// argument in a run of consecutive one-line arguments stands one space after the longest
    /// name: the others move when a new name is the longest. New lines join the run of `beside`,
    /// or, where it spans several lines, the run of the one-line argument on the line next to
    /// them. Lines before an argument that comment lines describe go above those comments, which
    /// stay with the line they describe; a comment ends a run, so those lines join the run above
    /// the comments, if any.
    fn arguments_around(
        &self,
        beside: &Site,
        before: &[(&str, &str)],
        after: &[(&str, &str)],
    ) -> Result<Vec<Edit>, String> {
        let attribute = self.expect_kind(beside, "attribute")?;
        let text = self.file_text(attribute.file);
        let column = |offset: usize| offset - line_range(text, offset).start;
        let line_start = beside.range.start - column(beside.range.start);
        let indent = &text[line_start..beside.range.start];
        if !indent.trim().is_empty() {
            return Err("the block is written on one line with it; add the argument by hand".to_owned());
        }
        let described = self.comment_lines_above(attribute).filter(|_| !before.is_empty());
        let names = |new: &[(&str, &str)]| -> Vec<usize> { new.iter().map(|(name, _)| name.len()).collect() };
        // Each run of existing arguments with the names of the new lines aligned with it: the
        // lines before and those after, or both in one run.
        let groups = match described {
            Some((_, above)) => vec![
                (
                    above.map(|above| self.aligned_run(above)).unwrap_or_default(),
                    names(before),
                ),
                (self.run_joined_by_new_lines(attribute, Side::After), names(after)),
            ],
            None => {
                let mut run = Vec::new();
                if !before.is_empty() {
                    run.extend(self.run_joined_by_new_lines(attribute, Side::Before));
                }
                if !after.is_empty() {
                    run.extend(self.run_joined_by_new_lines(attribute, Side::After));
                }
                run.sort_by_key(|member| member.node.start_byte());
                run.dedup_by_key(|member| member.node.start_byte());
                vec![(run, [names(before), names(after)].concat())]
            }
        };
        let mut edits = Vec::new();
        let mut longest_of_group = Vec::new();
        for (run, new) in &groups {
            let equals = self.equals_signs(run)?;
            let longest = equals
                .iter()
                .map(|(key_end, _)| column(*key_end))
                .chain(new.iter().map(|name| indent.len() + name))
                .max()
                .unwrap_or_default();
            edits.extend(self.realign(attribute.file, &equals, longest));
            longest_of_group.push(longest);
        }
        let before_longest = longest_of_group.first().copied().unwrap_or_default();
        let after_longest = longest_of_group.last().copied().unwrap_or_default();
        let newline = self.newline(attribute.file);
        let line = |(name, code): &(&str, &str), longest: usize| {
            let padding = " ".repeat(longest + 1 - indent.len() - name.len());
            format!("{indent}{name}{padding}= {code}")
        };
        if !before.is_empty() {
            let lines: String = before
                .iter()
                .map(|new| format!("{}{newline}", line(new, before_longest)))
                .collect();
            let at = described.map_or(line_start, |(start, _)| start);
            edits.push(Edit::insert(attribute.file, at, lines));
        }
        if !after.is_empty() {
            let lines: String = after
                .iter()
                .map(|new| format!("{newline}{}", line(new, after_longest)))
                .collect();
            edits.push(Edit::insert(
                attribute.file,
                self.line_end(attribute.file, beside.range.end),
                lines,
            ));
        }
        Ok(edits)
    }

    /// Where the comment lines right above `attribute` (with no blank line between) start, when
    /// it has some, and the one-line argument on the line above them, if any: the comments
    /// describe `attribute`, and end the run of arguments above them.
    fn comment_lines_above(&self, attribute: Located<'a>) -> Option<(usize, Option<Located<'a>>)> {
        let text = self.file_text(attribute.file);
        let first = self.first_comment_above(attribute)?;
        // A comment ending the argument's line (`memory_size = 256 # MB`) leaves it in the run.
        let mut previous = first.prev_named_sibling();
        while let Some(trailing) =
            previous.filter(|node| kind_of(*node) == "comment" && self.line_indent(attribute.with(*node)).is_none())
        {
            previous = trailing.prev_named_sibling();
        }
        let previous = previous
            .filter(|previous| {
                kind_of(*previous) == "attribute"
                    && previous.start_position().row == previous.end_position().row
                    && previous.end_position().row + 1 == first.start_position().row
            })
            .map(|previous| attribute.with(previous));
        Some((line_range(text, first.start_byte()).start, previous))
    }

    /// The first of the comments right above `node` (an argument, or an entry of a list), each
    /// on lines of its own (`#`, `//` or `/* … */`), with no blank line between them and it:
    /// the comments that describe it. A comment ending the line of what comes before is not one.
    pub(super) fn first_comment_above(&self, node: Located<'a>) -> Option<tree_sitter::Node<'a>> {
        let mut first = None;
        let mut below = node.node;
        while let Some(above) = below.prev_sibling() {
            if kind_of(above) != "comment"
                || self.line_indent(node.with(above)).is_none()
                || above.end_position().row + 1 < below.start_position().row
            {
                break;
            }
            first = Some(above);
            below = above;
        }
        first
    }

    /// The run (see `aligned_run`) new one-line arguments written on the `side` of `attribute`
    /// join: its own when it is on one line, else that of the one-line argument on the line
    /// next to the new ones, if any.
    fn run_joined_by_new_lines(&self, attribute: Located<'a>, side: Side) -> Vec<Located<'a>> {
        let node = attribute.node;
        if node.start_position().row == node.end_position().row {
            return self.aligned_run(attribute);
        }
        let neighbour = match side {
            Side::Before => node
                .prev_named_sibling()
                .filter(|above| above.end_position().row + 1 == node.start_position().row),
            Side::After => node
                .next_named_sibling()
                .filter(|below| below.start_position().row == node.end_position().row + 1),
        };
        neighbour
            .filter(|neighbour| {
                kind_of(*neighbour) == "attribute" && neighbour.start_position().row == neighbour.end_position().row
            })
            .map(|neighbour| self.aligned_run(attribute.with(neighbour)))
            .unwrap_or_default()
    }

    /// Where each member of a run of arguments ends its name, and where its `=` stands.
    fn equals_signs(&self, run: &[Located<'a>]) -> Result<Vec<(usize, usize)>, String> {
        run.iter()
            .map(|member| {
                let text = self.file_text(member.file);
                let key = named_children(member.node).next().ok_or("an argument without a name")?;
                text[key.end_byte()..member.node.end_byte()]
                    .find('=')
                    .map(|offset| (key.end_byte(), key.end_byte() + offset))
                    .ok_or_else(|| "an argument without `=`".to_owned())
            })
            .collect()
    }

    /// The edits that put each `=` of a run one space after its longest name, `longest` columns in.
    fn realign(&self, file: usize, equals: &[(usize, usize)], longest: usize) -> Vec<Edit> {
        let text = self.file_text(file);
        let column = |offset: usize| offset - line_range(text, offset).start;
        equals
            .iter()
            .filter(|(_, sign)| column(*sign) != longest + 1)
            .map(|&(key_end, sign)| Edit::replace(file, key_end..sign, " ".repeat(longest + 1 - column(key_end))))
            .collect()
    }

    /// The edits that remove the argument at `at` with its line, and line the `=` of the rest of
    /// its run up again when it had the longest name.
    fn remove_argument(&self, at: &Site) -> Result<Vec<Edit>, String> {
        let argument = self.located(at)?;
        let (removal, _) = self.remove_lines(at)?;
        let rest: Vec<Located<'a>> = self
            .aligned_run(argument)
            .into_iter()
            .filter(|member| member.node != argument.node)
            .collect();
        let text = self.file_text(at.file);
        let column = |offset: usize| offset - line_range(text, offset).start;
        let equals = self.equals_signs(&rest)?;
        let longest = equals
            .iter()
            .map(|(key_end, _)| column(*key_end))
            .max()
            .unwrap_or_default();
        let mut edits = vec![removal];
        edits.extend(self.realign(at.file, &equals, longest));
        Ok(edits)
    }

    /// The one-line arguments on the lines right above and below `attribute` (itself included)
    /// with nothing else between them: the run `terraform fmt` aligns.
    fn aligned_run(&self, attribute: Located<'a>) -> Vec<Located<'a>> {
        let Some(body) = attribute.node.parent() else {
            return vec![attribute];
        };
        let one_line = |node: tree_sitter::Node| node.start_position().row == node.end_position().row;
        let members: Vec<_> = named_children(body).collect();
        let Some(at) = members.iter().position(|member| *member == attribute.node) else {
            return vec![attribute];
        };
        let joined = |upper: tree_sitter::Node, lower: tree_sitter::Node| {
            matches!(kind_of(upper), "attribute" | "object_elem")
                && kind_of(lower) == kind_of(upper)
                && one_line(upper)
                && one_line(lower)
                && lower.start_position().row == upper.end_position().row + 1
        };
        let mut first = at;
        while first > 0 && joined(members[first - 1], members[first]) {
            first -= 1;
        }
        let mut last = at;
        while last + 1 < members.len() && joined(members[last], members[last + 1]) {
            last += 1;
        }
        members[first..=last]
            .iter()
            .map(|member| attribute.with(*member))
            .collect()
    }

    /// The edit that takes a list element out, with the comma that separates it from its
    /// neighbours, the layout of the rest kept.
    fn remove_list_entry(&self, entry: &Site) -> Result<Edit, String> {
        // The entry's literal and the `expression` holding it in the list span the same bytes.
        let mut element = self.located(entry)?;
        while kind_of(element.node) != "expression"
            || element.node.parent().is_some_and(|parent| kind_of(parent) != "tuple")
        {
            element = element.with(element.node.parent().ok_or("the list entry is not in a list")?);
        }
        let tuple = element.node.parent().ok_or("the list entry has no list")?;
        if has_comment_inside(tuple) {
            return Err(
                "the list holds comments, which removing an entry could misplace; change it by hand".to_owned(),
            );
        }
        let elements: Vec<_> = named_children(tuple)
            .filter(|node| kind_of(node) == "expression")
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
                let comma = element.node.next_sibling().filter(|node| kind_of(node) == ",");
                element.node.start_byte()..comma.map_or(element.node.end_byte(), |comma| comma.end_byte())
            }
        };
        Ok(Edit::replace(entry.file, range, ""))
    }
}

/// Which side of an argument new lines go.
#[derive(Clone, Copy)]
enum Side {
    Before,
    After,
}
