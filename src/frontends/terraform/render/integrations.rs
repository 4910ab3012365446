//! Integration fixes in Terraform: `.arn` read as `.invoke_arn` in a uri (`.qualified_arn` as
//! `.qualified_invoke_arn`), or the module output holding the invoke ARN read instead of the one
//! holding the ARN, and a new `aws_lambda_permission` for API Gateway after the REST API it
//! serves.

use super::super::{named_children, Located, ModuleCall, ResourceBlock, TerraformProject};
use super::iam::aligned_arguments;
use crate::cloud::{Site, Waiter};
use crate::fix::Edit;
use crate::syntax::kind_of;

impl<'a> TerraformProject<'a> {
    /// The edit that makes a uri read `aws_lambda_function.NAME.invoke_arn` where it reads `.arn`
    /// (an `aws_lambda_alias`'s likewise: an alias has an invoke ARN of its own), or, `qualified`,
    /// `.qualified_invoke_arn` where it reads `.qualified_arn`; through the element of a
    /// `for_each` over the functions too (`each.value.arn`).
    pub(super) fn use_invoke_arn(&self, uri: &Site, qualified: bool) -> Result<Edit, String> {
        let (read, invoke) = match qualified {
            false => ("arn", "invoke_arn"),
            true => ("qualified_arn", "qualified_invoke_arn"),
        };
        let expression = self.expect_kind(uri, "expression")?;
        if let Some(["module", call, output]) = self.traversal(expression).as_deref() {
            return self.invoke_arn_output(expression, call, output, (read, invoke));
        }
        // An existing function's, read from the data source that looks it up.
        if self.data_source_read(expression, "aws_lambda_function", read).is_some() {
            return self.rename_last_attribute(expression, invoke);
        }
        // Read right there, not through a `local` other values may read too.
        let attribute = self.resource_traversal(expression).and_then(|parts| match parts[..] {
            [_, _, attribute] => Some(attribute),
            _ => None,
        });
        let calls_function = self
            .root_resource_ref(expression)
            .and_then(|reference| self.root_resources().nth(reference.resource))
            .is_some_and(|resource| matches!(resource.kind.as_str(), "aws_lambda_function" | "aws_lambda_alias"));
        if attribute != Some(read) || !calls_function {
            return Err("the uri does not read the function's ARN where it is written".to_owned());
        }
        self.rename_last_attribute(expression, invoke)
    }

    /// The edit that makes a traversal read `name` as its last attribute.
    fn rename_last_attribute(&self, traversal: Located<'a>, name: &str) -> Result<Edit, String> {
        let attribute = named_children(traversal.node)
            .last()
            .and_then(|last| named_children(last).find(|node| kind_of(node) == "identifier"))
            .ok_or("the uri's attribute is not where it was")?;
        Ok(Edit::replace(traversal.file, attribute.byte_range(), name))
    }

    /// The edit that makes a uri reading a module call's output `output`, which holds the ARN
    /// (`read`) of a function the module makes, read the call's output holding the function's
    /// invoke ARN (`invoke`) instead. The module itself is never changed from its caller: every
    /// caller of the module shares it, and the output may serve them as an ARN.
    fn invoke_arn_output(
        &self,
        uri: Located<'a>,
        call: &str,
        output: &str,
        (read, invoke): (&str, &str),
    ) -> Result<Edit, String> {
        let instances = self.resource_instances();
        let (function, _) = self
            .instance_reference(uri, &[], &instances)
            .filter(|(_, attribute)| *attribute == Some(read))
            .ok_or("the module's output is not the function's ARN")?;
        let call = self
            .module_call(uri, call)
            .ok_or("the uri does not read a module of the project")?;
        let mut outputs: Vec<&str> = self.folders[call.folder].outputs.keys().map(String::as_str).collect();
        outputs.sort_unstable();
        let holding_invoke_arn = outputs.into_iter().find(|other| {
            self.call_output(vec![call], other)
                .and_then(|(written, calls)| self.instance_written(written, &calls, &instances))
                == Some((function, Some(invoke)))
        });
        match holding_invoke_arn {
            Some(other) => self.rename_last_attribute(uri, other),
            None => Err(format!(
                "module `{}`{} hands out `{}.{}.{read}` as output `{output}` but not its `{invoke}`; add an output of `{invoke}` to the module and read it here (infrafix does not edit a called module from its caller: every caller shares it, and they may read `{output}` as an ARN)",
                call.name,
                self.module_source(call).map(|source| format!(" (`{source}`)")).unwrap_or_default(),
                instances[function].resource.kind,
                instances[function].resource.name,
            )),
        }
    }

    /// The call named `name` that the module holding `read` makes.
    fn module_call(&self, read: Located<'a>, name: &str) -> Option<&ModuleCall<'a>> {
        self.folders[self.folder_of_file[read.file]]
            .calls
            .iter()
            .find(|call| call.name == name)
    }

    /// A module call's `source`, as written.
    fn module_source(&self, call: &ModuleCall<'a>) -> Option<String> {
        self.argument(call.body, "source")
            .and_then(|source| self.string_value(source, &[]))
            .map(|(source, _)| source)
    }

    /// How a new root module permission names the one function the root's module call created at
    /// `call` makes: by the call's output holding the function's name or else its unqualified ARN
    /// (`module.orders.function_name`).
    fn module_function_name(&self, call: &ModuleCall<'a>) -> Result<String, String> {
        let instances = self.resource_instances();
        let made: Vec<usize> = (0..instances.len())
            .filter(|&index| {
                instances[index].resource.kind == "aws_lambda_function"
                    && instances[index]
                        .calls
                        .first()
                        .is_some_and(|first| std::ptr::eq(*first, call))
            })
            .collect();
        let [function] = made[..] else {
            return Err(format!(
                "module `{}` makes more than one function; add an `aws_lambda_permission` for apigateway.amazonaws.com by hand",
                call.name
            ));
        };
        // Its provider comes from the call, or is chosen inside the module.
        let own_provider = self.argument(call.body, "providers").is_some()
            || self.argument(instances[function].resource.body, "provider").is_some();
        if own_provider {
            return Err(format!(
                "module `{}` makes its function through a provider of its own; add an `aws_lambda_permission` for apigateway.amazonaws.com with that provider by hand",
                call.name
            ));
        }
        let mut outputs: Vec<&str> = self.folders[call.folder].outputs.keys().map(String::as_str).collect();
        outputs.sort_unstable();
        let names_function = |wanted: &str| {
            outputs.iter().find(|output| {
                self.call_output(vec![call], output)
                    .and_then(|(written, calls)| self.instance_written(written, &calls, &instances))
                    == Some((function, Some(wanted)))
            })
        };
        names_function("function_name")
            .or_else(|| names_function("arn"))
            .map(|output| format!("module.{}.{output}", call.name))
            .ok_or_else(|| {
                format!(
                    "module `{}` hands out neither the name nor the ARN of its function; add an `aws_lambda_permission` for apigateway.amazonaws.com by hand",
                    call.name
                )
            })
    }

    /// What names a new permission for the function created at `function`: the function's name
    /// in the root module, or the name of the root's module call that makes it.
    pub(super) fn invoked_name(&self, function: &Site) -> Result<String, String> {
        match self.folders[0].calls.iter().find(|call| call.block.site() == *function) {
            Some(call) => Ok(call.name.clone()),
            None => Ok(self.root_resource_at(function)?.name.clone()),
        }
    }

    /// `waiter` waits for the resources at `addresses`: the root module resource holding the
    /// integration argument written there (an `aws_api_gateway_integration`, which loses that
    /// argument), or a deployment.
    pub(super) fn await_permissions(&self, waiter: &Waiter, addresses: &[String]) -> Result<Vec<Edit>, String> {
        let setting = match waiter {
            Waiter::Deployment(deployment) => return self.depend_on(deployment, addresses, None),
            Waiter::HolderOf(setting) => setting,
        };
        let holder = self
            .root_resources()
            .find(|resource| {
                let range = resource.block.node.byte_range();
                resource.block.file == setting.file
                    && range.start <= setting.range.start
                    && setting.range.end <= range.end
            })
            .ok_or("the resource holding the integration is not one of the root module")?;
        self.depend_on(&holder.block.site(), addresses, Some(setting))
    }

    /// A new `aws_lambda_permission`, named `name`, after the REST API created at `rest_api`,
    /// letting API Gateway invoke the function created at `function` from every route of it; made
    /// through the function's provider, where the function is. For a function made several times,
    /// one for the `instance` the integration calls when it names one by its key, else one per
    /// instance, made over the function's instances (`for_each` only).
    pub(super) fn new_invoke_permission(
        &self,
        function: &Site,
        rest_api: &Site,
        instance: Option<&str>,
        name: &str,
    ) -> Result<Edit, String> {
        let api = self.root_resource_at(rest_api)?;
        if let Some(call) = self.folders[0].calls.iter().find(|call| call.block.site() == *function) {
            if instance.is_some() || self.is_repeated(api.body) {
                return Err("the function or the API is made several times; add the permission by hand".to_owned());
            }
            let indent = self.body_indent(call.body).unwrap_or("  ");
            let body = aligned_arguments(
                indent,
                &self.permission_arguments(self.module_function_name(call)?, api),
            );
            return Ok(self.resource_after(rest_api, "aws_lambda_permission", name, &body));
        }
        let function = self.root_resource_at(function)?;
        let function_key = format!("aws_lambda_function.{}", function.name);
        let (for_each, function_name) = match (self.repetition(function.body), instance) {
            (None, _) => (None, format!("{function_key}.function_name")),
            (Some(("for_each", _, _)), Some(key)) => (None, format!("{function_key}[\"{key}\"].function_name")),
            (Some(_), Some(index)) => (None, format!("{function_key}[{index}].function_name")),
            (Some(("for_each", _, _)), None) => (Some(function_key), "each.value.function_name".to_owned()),
            (Some(_), None) => {
                return Err("the function is made by `count`; add a permission per instance by hand".to_owned())
            }
        };
        if self.is_repeated(api.body) {
            return Err("the API is made by `count` or `for_each`; add the permission by hand".to_owned());
        }
        let indent = self.body_indent(function.body).unwrap_or("  ");
        let arguments: Vec<(&str, String)> = for_each
            .map(|resource| ("for_each", resource))
            .into_iter()
            .chain(self.permission_arguments(function_name, api))
            .collect();
        let body = self.new_arguments(function, indent, &arguments);
        Ok(self.resource_after(rest_api, "aws_lambda_permission", name, &body))
    }

    /// What a permission letting API Gateway invoke the function `function_name` names from every
    /// route of the REST API `api` holds.
    fn permission_arguments(&self, function_name: String, api: &ResourceBlock<'a>) -> Vec<(&'static str, String)> {
        vec![
            ("action", "\"lambda:InvokeFunction\"".to_owned()),
            ("function_name", function_name),
            ("principal", "\"apigateway.amazonaws.com\"".to_owned()),
            (
                "source_arn",
                format!("\"${{aws_api_gateway_rest_api.{}.execution_arn}}/*/*\"", api.name),
            ),
        ]
    }
}
