//! The cloud graph of a Pulumi program.

mod apigateway;
mod iam;
mod runtimes;

pub(super) use apigateway::settings_key;

pub(super) use runtimes::Spelling;

use std::collections::HashMap;

use super::{Located, PolicyCache, Program, ResourceDecl, StringOrigin};
use crate::cloud::{
    CloudGraph, FunctionRole, LambdaFunction, MessageTarget, Multiplicity, Reservation, ResourceId, Site, Written,
};

impl From<Located<'_>> for Site {
    fn from(at: Located<'_>) -> Self {
        Site {
            file: at.file,
            range: at.node.byte_range(),
        }
    }
}

impl ResourceDecl<'_> {
    /// Where the resource is created, the `new` expression: how the graph names it to intents.
    pub(super) fn declared(&self) -> Site {
        Site {
            file: self.file,
            range: self.expression.byte_range(),
        }
    }
}

impl<'tree> Program<'tree> {
    pub(super) fn cloud_graph(&self, policies: &PolicyCache<'tree>) -> CloudGraph {
        let mut graph = CloudGraph::default();
        let mut settings_by_resource = HashMap::new();
        let mut functions_by_resource = HashMap::new();
        let mut roles_by_resource = HashMap::new();
        for (index, resource) in self.resources().iter().enumerate() {
            if resource.is_aws(&["apigateway", "MethodSettings"]) {
                settings_by_resource.insert(index, graph.method_settings.len());
                graph.method_settings.push(self.method_settings(index, resource));
            } else if resource.is_aws(&["iam", "Role"]) {
                roles_by_resource.insert(index, roles_by_resource.len());
            }
        }
        for (index, resource) in self.resources().iter().enumerate() {
            if resource.is_lambda_function() {
                functions_by_resource.insert(index, graph.functions.len());
                graph
                    .functions
                    .push(self.lambda_function(index, resource, &roles_by_resource));
            } else if resource.is_aws(&["lambda", "LayerVersion"]) {
                graph.layers.push(self.lambda_layer(resource));
            } else if resource.is_aws(&["apigateway", "Stage"]) {
                graph
                    .stages
                    .push(self.api_stage(index, resource, &settings_by_resource));
            }
        }
        graph.integrations = self.api_integrations(&functions_by_resource);
        let mut roles: Vec<(ResourceId, usize)> = roles_by_resource.into_iter().collect();
        roles.sort_unstable_by_key(|(_, index)| *index);
        for (role, index) in roles {
            let functions: Vec<(ResourceId, &[ResourceId])> = graph
                .functions
                .iter()
                .filter(|function| function.role == Some(FunctionRole::Declared(index)))
                .filter_map(|function| Some((function.resource, function.depends_on.as_deref()?)))
                .collect();
            let role = self.iam_role(role, &functions, policies);
            graph.roles.push(role);
        }
        graph.message_targets = (0..self.resources().len())
            .filter_map(|resource| {
                Some(MessageTarget {
                    target: self.resource_target(resource)?,
                    name: self.display_name(resource),
                })
            })
            .collect();
        graph.queue_event_sources = self
            .resources()
            .iter()
            .filter(|resource| resource.is_aws(&["lambda", "EventSourceMapping"]))
            .filter_map(|mapping| self.queue_event_source(mapping, &functions_by_resource))
            .collect();
        graph
    }

    fn lambda_function(
        &self,
        index: usize,
        function: &ResourceDecl<'tree>,
        roles: &HashMap<ResourceId, usize>,
    ) -> LambdaFunction {
        let instances = Multiplicity::from(self.instances(index));
        LambdaFunction {
            resource: index,
            name: self.display_name(index),
            at: Site {
                file: function.file,
                range: function.finding_range(),
            },
            declared: function.declared(),
            takes_handler: function.is_aws(&["lambda", "Function"]),
            instances,
            branches: self.branches(index),
            reservations: self.reservations(function, instances),
            runtimes: self.function_runtimes(function),
            handler: self.sole_handler(function),
            code: self.code_package(function),
            role: self.function_role(function, roles),
            dead_letter: self.dead_letter(function),
            depends_on: self.listed_dependencies(function),
        }
    }

    /// The handler, when it is one string written out.
    fn sole_handler(&self, function: &ResourceDecl<'tree>) -> Option<String> {
        let handler = self.property(function.args()?, "handler")?;
        match self.sole_string_origin(handler.value)? {
            StringOrigin::Literal { value, .. } => Some(value),
            StringOrigin::PackageMember { .. } => None,
        }
    }

    /// `reservedConcurrentExecutions`: one number, or one per element when the function reads it
    /// from the elements of the collection it is made for (`tenant.reserved`).
    fn reservations(&self, function: &ResourceDecl<'tree>, instances: Multiplicity) -> Vec<Reservation> {
        let Some(written) = function
            .args()
            .and_then(|args| self.property(args, "reservedConcurrentExecutions"))
        else {
            return Vec::new();
        };
        let number = |at: Located<'tree>| {
            self.largest_number_value(at)
                .map(|(value, at)| Written { value, at: at.into() })
        };
        let known = number(written.value);
        match self.element_sources(written.value).filter(|_| known.is_none()) {
            Some(sources) if !sources.is_empty() => {
                // The loop over the collection is one of those counted in the instances: each
                // element's number serves its share of them.
                let elements = sources.len() as u64;
                let each = instances
                    .known()
                    .filter(|count| count % elements == 0)
                    .map(|count| count / elements);
                sources
                    .into_iter()
                    .map(|source| Reservation {
                        value: number(source),
                        instances: each.into(),
                        per_element: true,
                    })
                    .collect()
            }
            _ => vec![Reservation {
                value: known,
                instances,
                per_element: false,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cloud::{CloudGraph, DeadLetter, FrontEnd, FunctionRole, HandlerPlace, Multiplicity};
    use crate::frontends::pulumi::test_support::with_program;
    use crate::frontends::pulumi::PulumiFrontEnd;

    fn graph_of(files: &[(&str, &str)]) -> (CloudGraph, Vec<String>) {
        let mut built = None;
        with_program(files, |program| built = Some(PulumiFrontEnd::new(program).graph()));
        let texts = files.iter().map(|(_, text)| (*text).to_owned()).collect();
        (built.expect("the graph"), texts)
    }

    const ROLES: &str = r#"import * as aws from "@pulumi/aws";
export const role = new aws.iam.Role("worker-role", { assumeRolePolicy: "{}" });
export const dlq = new aws.sqs.Queue("dlq", { name: "orders-dlq" });
export const logs = new aws.iam.RolePolicyAttachment("logs", {
    role: role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});
"#;

    const FUNCTIONS: &str = r#"import * as aws from "@pulumi/aws";
import * as iam from "./iam";
const tenants = ["a", "b", "c"];
for (const tenant of tenants) {
    new aws.lambda.Function(`worker-${tenant}`, {
        runtime: aws.lambda.Runtime.Go1dx,
        role: iam.role.arn,
        reservedConcurrentExecutions: 50,
        deadLetterConfig: { targetArn: iam.dlq.arn },
    }, { dependsOn: [iam.logs] });
}
export const api = new aws.lambda.Function("api", { runtime: "nodejs16.x", role: process.env.ROLE_ARN as string });
"#;

    #[test]
    fn functions_across_modules_carry_their_values_edges_and_multiplicity() {
        let (graph, texts) = graph_of(&[("iam.ts", ROLES), ("index.ts", FUNCTIONS)]);
        assert_eq!(graph.functions.len(), 2);
        let [worker, api] = [&graph.functions[0], &graph.functions[1]];

        // Three tenants make three functions, each reserving 50, written once.
        assert_eq!(worker.instances, Multiplicity::Exactly(3));
        let reservation = worker
            .reservations
            .first()
            .and_then(|r| r.value.as_ref())
            .expect("known");
        assert_eq!(reservation.value, 50);
        assert_eq!(&texts[reservation.at.file][reservation.at.range.clone()], "50");

        // The runtime is known by its id, written where the enum member is; the handler is
        // missing and may be added beside the runtime.
        let runtime = &worker.runtimes[0];
        assert_eq!(runtime.id, "go1.x");
        assert_eq!(&texts[1][runtime.written.range.clone()], "aws.lambda.Runtime.Go1dx");
        assert!(matches!(runtime.handler, Some(HandlerPlace::Missing { .. })));

        // Edges reach into the other module: the role, its attachment, the dead-letter queue.
        let Some(FunctionRole::Declared(role)) = worker.role else {
            panic!("the role is declared in iam.ts: {:?}", worker.role);
        };
        let role = &graph.roles[role];
        assert_eq!(role.name, "`role`");
        assert_eq!(role.attachments.len(), 1);
        assert_eq!(worker.depends_on.as_deref(), Some(&[role.attachments[0].resource][..]));
        assert!(role
            .grants
            .managed
            .iter()
            .any(|policy| policy.name == "AWSLambdaBasicExecutionRole"));
        assert!(
            matches!(&worker.dead_letter, DeadLetter::Resource(reference) if reference.attribute.as_deref() == Some("arn"))
        );

        // A role from the environment is unknown, and never edited.
        assert_eq!(api.role, Some(FunctionRole::Unknown));
        assert_eq!(api.instances, Multiplicity::Exactly(1));
        assert_eq!(api.runtimes[0].id, "nodejs16.x");
    }

    #[test]
    fn a_shared_const_runtime_is_one_value_for_every_function_reading_it() {
        let text = r#"import * as aws from "@pulumi/aws";
const runtime = "go1.x";
new aws.lambda.Function("a", { runtime, handler: "main", role: "r" });
new aws.lambda.Function("b", { runtime: runtime, handler: "main", role: "r" });
new aws.lambda.LayerVersion("layer", { compatibleRuntimes: [runtime, "provided.al2"] });
"#;
        let (graph, _) = graph_of(&[("index.ts", text)]);
        let shared: Vec<_> = graph
            .functions
            .iter()
            .map(|function| &function.runtimes[0].shared)
            .collect();
        assert_eq!(shared[0], shared[1]);
        let entries = &graph.layers[0].compatible_runtimes;
        assert_eq!(entries.len(), 2);
        assert_eq!(&entries[0].runtimes[0].shared, shared[0]);
        assert_eq!(entries[1].sole_id.as_deref(), Some("provided.al2"));
        // A handler written in the function's own arguments is its own to change.
        assert!(
            matches!(&graph.functions[0].runtimes[0].handler, Some(HandlerPlace::Written(literals)) if literals.iter().all(|(_, own)| *own))
        );
    }
}
