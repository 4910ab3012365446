//! The cloud graph of a Pulumi program.

mod apigateway;
mod iam;
mod runtimes;

pub(super) use apigateway::settings_key;

pub(super) use runtimes::Spelling;

use std::collections::HashMap;

use super::{Located, Program, ResourceDecl, StringOrigin};
use crate::cloud::{CloudGraph, FunctionRole, LambdaFunction, Multiplicity, Reservation, ResourceId, Site, Written};

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
    pub(super) fn cloud_graph(&self) -> CloudGraph {
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
                graph.layers.push(self.lambda_layer(index, resource));
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
            let functions: Vec<ResourceId> = graph
                .functions
                .iter()
                .filter(|function| function.role == Some(FunctionRole::Declared(index)))
                .map(|function| function.resource)
                .collect();
            graph.roles.push(self.iam_role(role, &functions));
        }
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
