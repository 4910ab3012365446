//! Integration intents as template edits: the invoke-ARN uri, and a new `AWS::Lambda::Permission`
//! for API Gateway after the REST API it serves.

use super::Snippet;
use crate::cloud::Site;
use crate::fix::Edit;
use crate::frontends::cloudformation::Template;

impl Template<'_> {
    /// The uri at `uri`, which reads a function's ARN, rewritten to call it through its invoke ARN.
    pub(super) fn use_invoke_arn(&self, uri: &Site) -> Result<Edit, String> {
        let value = self.value_at(uri)?;
        let function = self
            .resource_ref(value)
            .and_then(|reference| self.resource(reference.resource))
            .ok_or("the uri does not read a function of the template")?;
        Ok(Edit::replace(
            self.file,
            value.range.clone(),
            self.invoke_uri(function.logical_id),
        ))
    }

    /// A permission for API Gateway to invoke the function created at `function` from every
    /// route of the REST API created at `rest_api`, after that API.
    pub(super) fn add_invoke_permission(&self, function: &Site, rest_api: &Site) -> Result<Edit, String> {
        let (function, api) = (self.resource_at(function)?, self.resource_at(rest_api)?);
        // The permission names both: it may exist only where they both do.
        let condition = match (function.condition(), api.condition()) {
            (Some(first), Some(second)) if first != second => {
                return Err(format!(
                    "`{}` exists under condition `{first}` and `{}` under `{second}`; a permission for both needs a condition of its own",
                    function.logical_id, api.logical_id
                ))
            }
            (first, second) => first.or(second),
        };
        let (function, api) = (function.logical_id.to_owned(), api.logical_id.to_owned());
        let function_arn = self.arn_attribute(&function);
        let source_arn = self.sub(&format!(
            "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api}}}/*"
        ));
        let mut permission = vec![(
            "Type".to_owned(),
            Snippet::Text(self.string_literal("AWS::Lambda::Permission")),
        )];
        if let Some(condition) = condition {
            permission.push(("Condition".to_owned(), Snippet::Text(self.string_literal(condition))));
        }
        permission.push((
            "Properties".to_owned(),
            Snippet::Map(vec![
                (
                    "Action".to_owned(),
                    Snippet::Text(self.string_literal("lambda:InvokeFunction")),
                ),
                ("FunctionName".to_owned(), Snippet::Text(function_arn)),
                (
                    "Principal".to_owned(),
                    Snippet::Text(self.string_literal("apigateway.amazonaws.com")),
                ),
                ("SourceArn".to_owned(), Snippet::Text(source_arn)),
            ]),
        ));
        let logical_id = self.new_logical_id(&format!("{api}Invoke{function}"));
        self.add_resource(rest_api, &logical_id, Snippet::Map(permission))
    }
}
