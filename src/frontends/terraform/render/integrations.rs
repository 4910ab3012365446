//! Integration fixes in Terraform: `.arn` read as `.invoke_arn` in a uri (`.qualified_arn` as
//! `.qualified_invoke_arn`), and a new `aws_lambda_permission` for API Gateway after the REST API
//! it serves.

use super::super::{named_children, TerraformProject};
use crate::cloud::Site;
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
        let attribute = named_children(expression.node)
            .last()
            .and_then(|last| named_children(last).find(|node| kind_of(node) == "identifier"))
            .ok_or("the uri's attribute is not where it was")?;
        Ok(Edit::replace(uri.file, attribute.byte_range(), invoke))
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
        let function = self.root_resource_at(function)?;
        let api = self.root_resource_at(rest_api)?;
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
            .chain([
                ("action", "\"lambda:InvokeFunction\"".to_owned()),
                ("function_name", function_name),
                ("principal", "\"apigateway.amazonaws.com\"".to_owned()),
                (
                    "source_arn",
                    format!("\"${{aws_api_gateway_rest_api.{}.execution_arn}}/*/*\"", api.name),
                ),
            ])
            .collect();
        let body = self.new_arguments(function, indent, &arguments);
        Ok(self.resource_after(rest_api, "aws_lambda_permission", name, &body))
    }
}
