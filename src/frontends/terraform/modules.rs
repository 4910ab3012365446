//! Module instances: the root module's resources, and those of each local module folder once per
//! chain of `module` calls that reaches it (a folder called twice deploys its resources twice,
//! each with the arguments its call passes); and what a call's outputs hand out, followed into
//! the instance that writes it.

use super::references::{graph_attribute, interpolated};
use super::values::Scope;
use super::{Located, ModuleCall, ResourceBlock, TerraformProject};
use crate::cloud::{Multiplicity, ResourceRef, Site};

/// How deep module calls are followed; Terraform itself refuses a module that calls itself.
const MAX_DEPTH: usize = 8;

/// A resource as one chain of module calls deploys it.
pub struct ResourceInstance<'p, 'a> {
    pub resource: &'p ResourceBlock<'a>,
    /// The module calls leading to its folder, outermost first; empty in the root module.
    pub calls: Vec<&'p ModuleCall<'a>>,
}

impl<'p, 'a> ResourceInstance<'p, 'a> {
    /// Its address, as `terraform plan` prints it (`module.orders.aws_lambda_function.this`).
    pub fn address(&self) -> String {
        self.module_path() + &self.address_in_its_module()
    }

    /// The address of the module instance that declares it, as its own address starts
    /// (`module.orders.`; empty in the root module).
    pub fn module_path(&self) -> String {
        self.calls.iter().map(|call| format!("module.{}.", call.name)).collect()
    }

    /// Its addresses, one per copy the calls deploy: each call's name followed by each of the
    /// indexes `indexes` holds at its depth (`""` for a call made once, or for every instance of
    /// one, `["billing"]`).
    pub fn indexed_addresses(&self, indexes: &[Vec<String>]) -> Vec<String> {
        let mut addresses = vec![String::new()];
        for (call, picked) in self.calls.iter().zip(indexes) {
            addresses = addresses
                .iter()
                .flat_map(|address| {
                    picked
                        .iter()
                        .map(move |index| format!("{address}module.{}{index}.", call.name))
                })
                .collect();
        }
        let tail = self.address_in_its_module();
        addresses.into_iter().map(|address| address + &tail).collect()
    }

    /// Its address within the folder that declares it.
    fn address_in_its_module(&self) -> String {
        match &self.resource.registry_call {
            // The module makes it with `count`, once.
            Some(call) => format!("module.{call}.{}.{}[0]", self.resource.kind, self.resource.name),
            None => format!("{}.{}", self.resource.kind, self.resource.name),
        }
    }

    /// Where it is created, as findings about it name it: a called module's resource by the
    /// root's call of the module.
    pub fn created_at(&self) -> Site {
        self.calls.first().map_or(self.resource.block, |call| call.block).site()
    }

    pub fn scope(&self) -> &Scope<'p, 'a> {
        &self.calls
    }
}

impl<'a> TerraformProject<'a> {
    /// Every resource of the project, once per chain of calls reaching its folder: the root's
    /// first, each called folder's after the resources of its caller, in call order.
    /// The functions registry modules make (see `registry`) come after them all, so that a root
    /// resource's index stays its `ResourceId`.
    pub fn resource_instances(&self) -> Vec<ResourceInstance<'_, 'a>> {
        let mut found = Vec::new();
        let mut made_by_registry_modules = Vec::new();
        self.collect_instances(0, &mut Vec::new(), &mut found, &mut made_by_registry_modules);
        found.append(&mut made_by_registry_modules);
        found
    }

    fn collect_instances<'p>(
        &'p self,
        folder: usize,
        calls: &mut Vec<&'p ModuleCall<'a>>,
        found: &mut Vec<ResourceInstance<'p, 'a>>,
        made_by_registry_modules: &mut Vec<ResourceInstance<'p, 'a>>,
    ) {
        let instance = |resource| ResourceInstance {
            resource,
            calls: calls.clone(),
        };
        found.extend(self.folders[folder].resources.iter().map(instance));
        made_by_registry_modules.extend(self.folders[folder].registry_functions.iter().map(instance));
        for call in &self.folders[folder].calls {
            let cycle = call.folder == 0 || calls.iter().any(|outer| outer.folder == call.folder);
            if cycle || calls.len() >= MAX_DEPTH {
                continue;
            }
            calls.push(call);
            self.collect_instances(call.folder, calls, found, made_by_registry_modules);
            calls.pop();
        }
    }

    /// The indexes of each call's instances in a chain of calls, outermost first, as
    /// `ResourceInstance::indexed_addresses` takes them: `""` for a call made once, each key of
    /// one made by `count` or `for_each` (see `instance_indexes`), or `""` when infrafix cannot
    /// tell its keys: Terraform's addresses leave the index out to mean every instance (`[*]` is
    /// an expression's splat, which no command takes as an address).
    pub fn call_indexes(&self, calls: &[&ModuleCall<'a>]) -> Vec<Vec<String>> {
        calls
            .iter()
            .enumerate()
            .map(|(depth, call)| match self.is_repeated(call.body) {
                false => vec![String::new()],
                true => self
                    .instance_indexes(call.body, &calls[..depth])
                    .unwrap_or_else(|| vec![String::new()]),
            })
            .collect()
    }

    /// How many copies of a folder's resources a chain of calls deploys: each call's `count` or
    /// `for_each` multiplies.
    pub fn copies(&self, calls: &[&ModuleCall<'a>]) -> Multiplicity {
        let mut copies = Some(1u64);
        for (depth, call) in calls.iter().enumerate() {
            let each = self.instances(call.body, &calls[..depth]).known();
            copies = copies.zip(each).and_then(|(copies, each)| copies.checked_mul(each));
        }
        copies.into()
    }
}

impl<'a> TerraformProject<'a> {
    /// What `module.NAME.OUTPUT`, read in the module instance `scope`, stands for: the output's
    /// `value` in the folder the call `NAME` makes (followed through locals and variables, and
    /// through the outputs of the calls that folder makes in turn), with the calls that lead to
    /// where it is written. `None` for anything else, and for what cannot be followed: a registry
    /// or git module, a call made by `count` or `for_each`, an output no file declares.
    pub fn output_value<'p>(
        &'p self,
        expression: Located<'a>,
        scope: &Scope<'p, 'a>,
    ) -> Option<(Located<'a>, Vec<&'p ModuleCall<'a>>)> {
        let origin = self.origin(expression, scope)?;
        let written = interpolated(origin.written);
        let ["module", name, output] = self.traversal(written)?[..] else {
            return None;
        };
        let call = self.folder_of(written).calls.iter().find(|call| call.name == name)?;
        let mut calls = scope[..origin.depth].to_vec();
        calls.push(call);
        self.call_output(calls, output)
    }

    /// What `module.NAME[KEY].OUTPUT`, read in the module instance `scope`, stands for when the
    /// call `NAME` is made by `count` or `for_each`: the output of the one instance a key written
    /// out picks (`module.fns[0].function_arn`, `module.fns["orders"].role_name`), followed as
    /// `output_value` follows the output of a call made once, and that key. `None` for a key
    /// infrafix cannot read (`[var.index]`, `[each.key]`), which may pick any instance.
    pub fn picked_output_value<'p>(
        &'p self,
        expression: Located<'a>,
        scope: &Scope<'p, 'a>,
    ) -> Option<(Located<'a>, Vec<&'p ModuleCall<'a>>, String)> {
        let origin = self.origin(expression, scope)?;
        let written = interpolated(origin.written);
        let ["module", name, output] = self.traversal_through_index(written, 2)?[..] else {
            return None;
        };
        let key = self.instance_key(written)?;
        let call = self.folder_of(written).calls.iter().find(|call| call.name == name)?;
        if !self.is_repeated(call.body) {
            return None;
        }
        let mut calls = scope[..origin.depth].to_vec();
        calls.push(call);
        let (value, calls) = self.outputs_followed(calls, output, true)?;
        Some((value, calls, key))
    }

    /// What the output `output` of the last of `calls` stands for (see `output_value`).
    pub fn call_output<'p>(
        &'p self,
        calls: Vec<&'p ModuleCall<'a>>,
        output: &str,
    ) -> Option<(Located<'a>, Vec<&'p ModuleCall<'a>>)> {
        self.outputs_followed(calls, output, false)
    }

    /// What the output `output` of the last of `calls` stands for; with `picked`, the last call
    /// may be made several times, one of its instances being read (`module.fns[0]`).
    pub(super) fn outputs_followed<'p>(
        &'p self,
        mut calls: Vec<&'p ModuleCall<'a>>,
        output: &str,
        mut picked: bool,
    ) -> Option<(Located<'a>, Vec<&'p ModuleCall<'a>>)> {
        let mut output = output;
        for _ in 0..MAX_DEPTH {
            let call = *calls.last()?;
            // `module.NAME` of a call made several times is a list or a map, not an object: only
            // an instance picked from it has outputs.
            if (self.is_repeated(call.body) && !picked) || calls.len() > MAX_DEPTH {
                return None;
            }
            picked = false;
            let value = *self.folders[call.folder].outputs.get(output)?;
            let origin = self.origin(value, &calls)?;
            calls.truncate(origin.depth);
            let written = interpolated(origin.written);
            let inner = match self.traversal(written).as_deref() {
                Some(["module", name, inner]) => {
                    let call = self.folder_of(written).calls.iter().find(|call| call.name == *name)?;
                    calls.push(call);
                    *inner
                }
                _ => return Some((written, calls)),
            };
            output = inner;
        }
        None
    }

    /// The resource instance (its index in `instances`) an expression read in `scope` names, and
    /// the attribute it reads: a resource of the module instance it is written in, one it is
    /// handed in a variable, or one a module call hands out as an output
    /// (`module.orders.function_name`). Made once per instance of a root module resource
    /// (`each.value.arn`), it names that resource.
    pub fn instance_reference(
        &self,
        expression: Located<'a>,
        scope: &Scope<'_, 'a>,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Option<(usize, Option<&'a str>)> {
        let (written, calls) = match self.output_value(expression, scope) {
            Some(found) => found,
            None => {
                let origin = self.origin(expression, scope)?;
                (interpolated(origin.written), scope[..origin.depth].to_vec())
            }
        };
        self.instance_written(written, &calls, instances)
    }

    /// The resource a root module value names and the attribute read: a resource of the root
    /// module (see `root_resource_ref`), or one a module call makes and hands out as an output
    /// (`module.orders.function_name`), whose `resource` is then its index among
    /// `resource_instances`.
    pub fn root_or_output_ref(&self, value: Located<'a>) -> Option<ResourceRef> {
        if let Some(reference) = self.root_resource_ref(value) {
            return Some(reference);
        }
        if let Some(reference) = self.picked_output_ref(value) {
            return Some(reference);
        }
        self.output_value(value, &[])?;
        let instances = self.resource_instances();
        let (found, attribute) = self.instance_reference(value, &[], &instances)?;
        Some(ResourceRef {
            resource: found,
            attribute: attribute.map(|attribute| graph_attribute(&instances[found].resource.kind, attribute)),
            instance: None,
        })
    }

    /// The resource, the attribute read and the key, that `module.NAME[KEY].OUTPUT` read in the
    /// root module names (see `picked_output_value`), when each instance of the call makes it
    /// once: neither it nor a module call on the way to it has `count` or `for_each` of its own.
    /// `resource` is its index among `resource_instances`, `instance` the key.
    pub fn picked_output_ref(&self, value: Located<'a>) -> Option<ResourceRef> {
        let (written, calls, key) = self.picked_output_value(value, &[])?;
        let instances = self.resource_instances();
        let (found, attribute) = self.instance_written(written, &calls, &instances)?;
        let instance = &instances[found];
        // The first call is the one picked from: a call the output reaches after it is made once.
        let (picked, inner) = instance.calls.split_first()?;
        let once_per_instance = self.is_repeated(picked.body)
            && !self.is_repeated(instance.resource.body)
            && inner.iter().all(|call| !self.is_repeated(call.body));
        once_per_instance.then(|| ResourceRef {
            resource: found,
            attribute: attribute.map(|attribute| graph_attribute(&instance.resource.kind, attribute)),
            instance: Some(key),
        })
    }

    /// The resource instance a traversal written in the module instance `calls` names, and the
    /// attribute it reads (see `instance_reference`).
    pub fn instance_written(
        &self,
        written: Located<'a>,
        calls: &Scope<'_, 'a>,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Option<(usize, Option<&'a str>)> {
        let parts = self.resource_traversal(written)?;
        let (kind, name, attribute) = match parts.as_slice() {
            ["each", "value", attribute @ ..] if calls.is_empty() => {
                let body = self.enclosing_block_body(written)?;
                let iterated = self.root_resources().nth(self.instances_iterated(body)?)?;
                (iterated.kind.as_str(), iterated.name.as_str(), attribute)
            }
            [kind, name, attribute @ ..] if !super::references::NOT_RESOURCES.contains(kind) => {
                (*kind, *name, attribute)
            }
            _ => return None,
        };
        let attribute = match attribute {
            [] => None,
            [attribute] => Some(*attribute),
            _ => return None,
        };
        let found = instances.iter().position(|instance| {
            instance.resource.kind == kind
                && instance.resource.name == name
                && instance.calls.len() == calls.len()
                && instance.calls.iter().zip(calls).all(|(a, b)| std::ptr::eq(*a, *b))
        })?;
        Some((found, attribute))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{TerraformInput, TerraformProject};
    use crate::syntax::{parse, Dialect};

    #[test]
    fn outputs_are_followed_into_the_modules_that_write_them() {
        let files = [
            (
                "/infra/main.tf",
                "module \"api\" {\n  source = \"./modules/api\"\n}\n\nmodule \"many\" {\n  source = \"./modules/api\"\n  count  = 2\n}\n\nmodule \"registry\" {\n  source = \"terraform-aws-modules/lambda/aws\"\n}\n\nresource \"aws_api_gateway_integration\" \"i\" {\n  a = module.api.invoke_arn\n  b = \"${module.api.role_arn}\"\n  c = module.api.missing\n  d = module.many[0].invoke_arn\n  e = module.registry.lambda_function_invoke_arn\n}\n",
            ),
            (
                "/infra/modules/api/main.tf",
                "module \"fn\" {\n  source = \"../fn\"\n}\n\nresource \"aws_iam_role\" \"api\" {}\n\nlocals {\n  role = aws_iam_role.api.arn\n}\n\noutput \"invoke_arn\" {\n  value = module.fn.invoke_arn\n}\n\noutput \"role_arn\" {\n  value = local.role\n}\n",
            ),
            (
                "/infra/modules/fn/main.tf",
                "resource \"aws_lambda_function\" \"this\" {}\n\noutput \"invoke_arn\" {\n  value = aws_lambda_function.this.invoke_arn\n}\n",
            ),
        ];
        let trees: Vec<_> = files
            .iter()
            .map(|(_, text)| parse(text, Dialect::Hcl).expect("parses"))
            .collect();
        let inputs = files
            .iter()
            .zip(&trees)
            .map(|((path, text), tree)| TerraformInput {
                path: Path::new(path),
                text,
                tree,
            })
            .collect();
        let project = TerraformProject::build(Path::new("/infra"), inputs);
        let instances = project.resource_instances();
        let integration = project.folders[0].resources[0].body;
        let read = |name: &str| {
            let value = project.argument(integration, name).expect("argument");
            project
                .instance_reference(value, &[], &instances)
                .map(|(found, attribute)| (instances[found].address(), attribute))
        };
        assert_eq!(
            read("a"),
            Some((
                "module.api.module.fn.aws_lambda_function.this".to_owned(),
                Some("invoke_arn")
            ))
        );
        assert_eq!(read("b"), Some(("module.api.aws_iam_role.api".to_owned(), Some("arn"))));
        for unknown in ["c", "d", "e"] {
            assert_eq!(read(unknown), None, "{unknown}");
        }
        // One instance picked by a key written out is followed on its own, with the key.
        let picked = |name: &str| {
            let value = project.argument(integration, name).expect("argument");
            let (written, calls, key) = project.picked_output_value(value, &[])?;
            let (found, attribute) = project.instance_written(written, &calls, &instances)?;
            Some((instances[found].address(), attribute, key))
        };
        assert_eq!(
            picked("d"),
            Some((
                "module.many.module.fn.aws_lambda_function.this".to_owned(),
                Some("invoke_arn"),
                "0".to_owned()
            ))
        );
        assert_eq!(picked("a"), None);
    }
}
