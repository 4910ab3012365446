//! The edits that carry out the rules' fix plans in a Pulumi TypeScript program.

mod apigateway;
mod arn_text;
mod cdk_role_policies;
mod dependencies;
mod grants;
mod iam;
mod runtime;

use super::{Located, PolicyCache, Program};
use crate::cloud::{
    ApiDeployment, ApiIntegration, ApiStage, FixPlan, FrontEnd, GraphSource, IamRole, Intent, LambdaFunction,
    LambdaLayer, MessageTarget, MethodSettings, QueueEventSource, RuntimeCheck, SendGrant, Site, Spelling,
};
use crate::fix::{Edit, Fix};
use crate::style::template::Code;

/// The TypeScript front end (Pulumi programs and CDK apps) of one pass: the program model, and the policies that building the graph
/// and rendering grants read again and again.
pub struct TypeScriptFrontEnd<'a, 'tree> {
    program: &'a Program<'tree>,
    policies: PolicyCache<'tree>,
    spelling: Spelling,
}

impl<'a, 'tree> TypeScriptFrontEnd<'a, 'tree> {
    pub fn new(program: &'a Program<'tree>) -> Self {
        let spelling = match program.is_cdk_app() {
            true => Spelling {
                depends_on: "dependencies (`node.addDependency`)",
                inline_policies: "`policies`",
                invoke_arn: "arn:PARTITION:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations",
                qualified_invoke_arn:
                    "arn:PARTITION:apigateway:REGION:lambda:path/2015-03-31/functions/VERSION_ARN/invocations",
                invoke_permission: "invoke permission (`lambda.CfnPermission`)",
            },
            false => Spelling {
                depends_on: "dependsOn",
                inline_policies: "`inlinePolicies`",
                invoke_arn: "invokeArn",
                qualified_invoke_arn: "qualifiedInvokeArn",
                invoke_permission: "aws.lambda.Permission",
            },
        };
        Self {
            program,
            policies: PolicyCache::default(),
            spelling,
        }
    }
}

impl GraphSource for TypeScriptFrontEnd<'_, '_> {
    fn functions(&self) -> Vec<LambdaFunction> {
        self.program.graph_functions()
    }

    fn layers(&self) -> Vec<LambdaLayer> {
        self.program.graph_layers()
    }

    fn roles(&self, functions: &[LambdaFunction]) -> Vec<IamRole> {
        self.program.graph_roles(functions, &self.policies)
    }

    fn stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        self.program.graph_stages()
    }

    fn integrations(&self, functions: &[LambdaFunction]) -> Vec<ApiIntegration> {
        self.program.graph_integrations(functions)
    }

    fn deployments(&self) -> Vec<ApiDeployment> {
        self.program.graph_deployments()
    }

    fn queue_event_sources(&self, functions: &[LambdaFunction]) -> Vec<QueueEventSource> {
        self.program.graph_queue_event_sources(functions)
    }

    fn message_targets(&self) -> Vec<MessageTarget> {
        self.program.graph_message_targets()
    }

    fn spelling(&self) -> Spelling {
        self.spelling
    }

    /// A Pulumi program's provider checks runtimes at preview; a CDK app's template leaves them
    /// to CloudFormation, and its package.json names no @pulumi/aws.
    fn runtime_check(&self) -> Option<RuntimeCheck> {
        self.program.manifest.pulumi_aws_runtime_check()
    }
}

impl FrontEnd for TypeScriptFrontEnd<'_, '_> {
    /// A plan that cannot be carried out takes no names: the fixes after it get the ones it
    /// would have.
    fn render(&self, plan: &FixPlan) -> Result<Fix, String> {
        let taken = self.program.names_taken();
        let rendered = self.program.render_intents(plan, &self.policies);
        if rendered.is_err() {
            self.program.restore_names_taken(taken);
        }
        rendered
    }

    fn can_render(&self, plan: &FixPlan) -> bool {
        let taken = self.program.names_taken();
        let rendered = self.program.render_intents(plan, &self.policies).is_ok();
        self.program.restore_names_taken(taken);
        rendered
    }

    fn render_new_policies(&self, role: &Site, grants: &[SendGrant]) -> Vec<Result<Fix, String>> {
        let taken = self.program.names_taken();
        let rendered = self.program.new_role_policies(role, grants);
        if rendered.iter().all(Result::is_err) {
            self.program.restore_names_taken(taken);
        }
        rendered
    }
}

impl<'tree> Program<'tree> {
    fn render_intents(&self, plan: &FixPlan, policies: &PolicyCache<'tree>) -> Result<Fix, String> {
        let mut edits = Vec::new();
        // The permissions the plan has added so far, and whether a resource waits for them.
        let mut added_permissions = Vec::new();
        let awaited = plan
            .intents
            .iter()
            .any(|intent| matches!(intent, Intent::AwaitAddedPermissions { .. }));
        for intent in &plan.intents {
            match intent {
                Intent::SetNumber { at, value } => {
                    edits.push(Edit::replace(at.file, at.range.clone(), value.to_string()))
                }
                Intent::SetString { at, value } => {
                    let written = self.string_value(self.located(at)?).unwrap_or_default();
                    self.refuse_where_a_type_holds(&written, value)?;
                    edits.push(string_content(at, value)?)
                }
                Intent::AddHandler { beside, handler } => {
                    edits.push(self.insert_property_after(self.located(beside)?, "handler", &Code::text(handler)))
                }
                Intent::ReplaceRuntime { sites, successor } => {
                    for site in sites {
                        edits.push(self.runtime_spelled(self.located(site)?, successor)?);
                    }
                }
                Intent::RemoveListEntry { entry, .. } => edits.push(self.remove_list_element(self.located(entry)?)),
                Intent::RemoveSetting { at } => edits.push(self.remove_property(self.located(at)?)),
                Intent::AddStageMethodSettings { stage, limits } => {
                    self.new_stage_method_settings(stage, limits, &mut edits)?
                }
                Intent::AddThrottling { settings, limits } => edits.extend(self.add_throttling(settings, limits)?),
                Intent::MoveThrottlingToRouteDefaults { setting } => {
                    edits.extend(self.rename_to_route_defaults(self.located(setting)?)?)
                }
                Intent::UseInvokeArn { uri, qualified } => {
                    edits.extend(self.invoke_arn_edits(self.located(uri)?, *qualified)?)
                }
                Intent::AttachManagedPolicy { role, policy, purpose } => {
                    self.attach_managed_policy(role, policy, purpose, &mut edits)?
                }
                Intent::AddDependencies { function, on } => self.add_dependencies(function, on, &mut edits)?,
                Intent::AddStatementAction {
                    role,
                    document,
                    statement,
                    action,
                } => edits.push(self.add_statement_action(policies, role, document, *statement, action)?),
                Intent::AddStatementTargets {
                    role,
                    document,
                    statement,
                    targets,
                } => self.add_statement_targets(policies, role, document, *statement, targets, &mut edits)?,
                Intent::AddStatements { role, document, grants } => {
                    self.add_grant_statements(policies, role, document, grants, &mut edits)?
                }
                Intent::DropCredentials { setting } => edits.push(self.drop_integration_setting(setting)?),
                Intent::AwaitAddedPermissions { waiter } => {
                    self.await_permissions(waiter, &added_permissions, &mut edits)?
                }
                Intent::AddInvokePermission { function, rest_api, .. } => {
                    let added = self.add_invoke_permission(function, rest_api, awaited, &mut edits)?;
                    added_permissions.push(added);
                }
                Intent::GrantQueuePolling { mapping } => edits.push(self.queue_polling_grant(mapping)?),
                // Only SAM policy templates take a queue's or topic's name.
                Intent::ReadTargetName { .. } => return Err("a program names what it grants on by ARN".to_owned()),
            }
        }
        edits.extend(self.runtime_import_edits(&plan.intents)?);
        Ok(Fix::new(edits, plan.applicability))
    }
}

/// The edit that writes `value` inside the quotes of the string at `at` (a string literal, a
/// template without substitutions, a string of JSON text).
fn string_content(at: &Site, value: &str) -> Result<Edit, String> {
    let inside = at.range.start + 1..at.range.end.saturating_sub(1);
    if inside.start > inside.end {
        return Err("the string to change is not where it was".to_owned());
    }
    Ok(Edit::replace(at.file, inside, value))
}

impl<'tree> Program<'tree> {
    /// The node written at a site of this program's graph: the innermost node of exactly that
    /// extent, or an error when the site covers no node (the text changed under it).
    fn located(&self, site: &Site) -> Result<Located<'tree>, String> {
        self.root(site.file)
            .descendant_for_byte_range(site.range.start, site.range.end)
            .filter(|node| node.byte_range() == site.range)
            .map(|node| Located { file: site.file, node })
            .ok_or_else(|| "the place to change was not found again in the file".to_owned())
    }

    /// The resource created at a site of this program's graph (see `ResourceDecl::declared`).
    fn resource_at_site(&self, site: &Site) -> Result<usize, String> {
        self.resource_by_expression
            .get(&(site.file, site.range.start))
            .copied()
            .filter(|&index| self.resources()[index].expression.byte_range() == site.range)
            .ok_or_else(|| "the resource to change was not found again in the file".to_owned())
    }

    /// A resource id an intent names, checked: intents come from the graph of this program, but a
    /// wrong one is an error, never a panic.
    fn resource_id(&self, resource: usize) -> Result<usize, String> {
        match resource < self.resources().len() {
            true => Ok(resource),
            false => Err("the resource to name is not in the program".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cloud::{FixPlan, FrontEnd, Intent, Site};
    use crate::fix::Applicability;
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::TypeScriptFrontEnd;

    const TEXT: &str = "import * as aws from \"@pulumi/aws\";\nnew aws.lambda.Function(\"f\", { runtime: aws.lambda.Runtime.Go1dx, role: \"r\" });\n";

    fn rendered(intent: Intent) -> Result<Vec<String>, String> {
        let mut result = None;
        with_program(&[("index.ts", TEXT)], |program| {
            let plan = FixPlan {
                intents: vec![intent],
                applicability: Applicability::Safe,
            };
            result = Some(TypeScriptFrontEnd::new(program).render(&plan).map(|fix| {
                fix.edits
                    .iter()
                    .map(|edit| format!("{:?} -> {}", &TEXT[edit.range.clone()], edit.replacement))
                    .collect()
            }));
        });
        result.expect("rendered")
    }

    #[test]
    fn a_runtime_keeps_its_spelling_and_a_place_that_is_not_there_is_refused() {
        let member = TEXT.find("aws.lambda.Runtime.Go1dx").expect("written");
        let written = Site {
            file: 0,
            range: member..member + "aws.lambda.Runtime.Go1dx".len(),
        };
        let replace = |at: Site| Intent::ReplaceRuntime {
            sites: vec![at],
            successor: "provided.al2023".to_owned(),
        };
        assert_eq!(
            rendered(replace(written)),
            Ok(vec!["\"Go1dx\" -> CustomAL2023".to_owned()])
        );
        // Half a member expression is no node of the file: the front end says so, never guesses.
        let half = Site {
            file: 0,
            range: member + 4..member + 12,
        };
        assert!(rendered(replace(half)).is_err());
    }
}
