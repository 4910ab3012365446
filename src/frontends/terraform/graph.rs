//! The parts of the cloud graph a Terraform module gives: `aws_lambda_function` and
//! `aws_lambda_layer_version` resources.

use super::{Located, ResourceBlock, TerraformModule};
use crate::cloud::{
    DeadLetter, HandlerPlace, LambdaFunction, LambdaLayer, ListEntry, Multiplicity, Reservation, RuntimeValue, Written,
};

impl<'a> TerraformModule<'a> {
    pub(super) fn graph_functions(&self) -> Vec<LambdaFunction> {
        self.resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| resource.kind == "aws_lambda_function")
            .map(|(index, resource)| self.lambda_function(index, resource))
            .collect()
    }

    fn lambda_function(&self, index: usize, resource: &ResourceBlock<'a>) -> LambdaFunction {
        let instances = self.instances(resource.body);
        LambdaFunction {
            resource: index,
            name: format!("`{}.{}`", resource.kind, resource.name),
            at: resource.block.site(),
            declared: resource.block.site(),
            takes_handler: true,
            instances,
            branches: Vec::new(),
            reservations: self.reservations(resource.body, instances),
            runtimes: self.function_runtimes(resource.body),
            handler: self
                .argument(resource.body, "handler")
                .and_then(|handler| self.string_value(handler))
                .map(|(handler, _)| handler),
            code: None,
            role: None,
            dead_letter: DeadLetter::Unknown,
            depends_on: None,
        }
    }

    fn function_runtimes(&self, body: Located<'a>) -> Vec<RuntimeValue> {
        let Some(runtime) = self.argument(body, "runtime") else {
            return Vec::new();
        };
        let Some((id, origin)) = self.string_value(runtime) else {
            return Vec::new();
        };
        vec![RuntimeValue {
            id,
            at: runtime.site(),
            written: origin.written.site(),
            shared: origin.written.site(),
            read_at: None,
            handler: Some(self.handler_place(body)),
            overridable: origin.overridable,
        }]
    }

    /// Where the handler is written: a fix may change it where the function's own block writes it.
    fn handler_place(&self, body: Located<'a>) -> HandlerPlace {
        let Some(handler) = self.argument(body, "handler") else {
            return match self.attribute(body, "runtime") {
                Some(runtime) => HandlerPlace::Missing { beside: runtime.site() },
                None => HandlerPlace::OutOfReach,
            };
        };
        match self.string_value(handler) {
            Some((value, origin)) => HandlerPlace::Written(vec![(
                Written {
                    value,
                    at: origin.written.site(),
                },
                origin.in_place,
            )]),
            None => HandlerPlace::OutOfReach,
        }
    }

    /// `reserved_concurrent_executions`, reserved by each instance `count` or `for_each` makes.
    fn reservations(&self, body: Located<'a>, instances: Multiplicity) -> Vec<Reservation> {
        let Some(reserved) = self.argument(body, "reserved_concurrent_executions") else {
            return Vec::new();
        };
        vec![Reservation {
            value: self.number_value(reserved).map(|(value, origin)| Written {
                value,
                at: origin.written.site(),
            }),
            instances,
            per_element: false,
        }]
    }

    pub(super) fn graph_layers(&self) -> Vec<LambdaLayer> {
        self.resources()
            .iter()
            .filter(|resource| resource.kind == "aws_lambda_layer_version")
            .filter_map(|resource| self.argument(resource.body, "compatible_runtimes"))
            .filter_map(|list| self.list_elements(list))
            .map(|(entries, list)| LambdaLayer {
                compatible_runtimes: entries
                    .into_iter()
                    .map(|entry| self.list_entry(entry, list.overridable))
                    .collect(),
            })
            .collect()
    }

    fn list_entry(&self, entry: Located<'a>, list_overridable: bool) -> ListEntry {
        let text = self.text(entry).lines().next().unwrap_or_default().to_owned();
        let Some((id, origin)) = self.string_value(entry) else {
            return ListEntry {
                at: entry.site(),
                sole_id: None,
                text,
                runtimes: Vec::new(),
            };
        };
        ListEntry {
            at: entry.site(),
            sole_id: Some(id.clone()),
            text,
            runtimes: vec![RuntimeValue {
                id,
                at: entry.site(),
                written: origin.written.site(),
                shared: origin.written.site(),
                read_at: None,
                handler: None,
                overridable: list_overridable || origin.overridable,
            }],
        }
    }
}
