//! Integration intents as template edits: the invoke-ARN uri, and a new `AWS::Lambda::Permission`
//! for API Gateway after the REST API it serves.

use super::Snippet;
use crate::cloud::{Site, Waiter};
use crate::fix::Edit;
use crate::frontends::cloudformation::values::intrinsic;
use crate::frontends::cloudformation::Template;

/// The `Fn::Sub` variable a new uri names an alias's ARN by.
const ALIAS_VARIABLE: &str = "AliasArn";

impl Template<'_> {
    /// The uri at `uri`, which reads a function's ARN (or its SAM alias's, `!Ref Fn.Alias`),
    /// rewritten to call it through its invoke ARN.
    pub(super) fn use_invoke_arn(&self, uri: &Site) -> Result<Edit, String> {
        let value = self.value_at(uri)?;
        let function = self
            .resource_ref(value)
            .and_then(|reference| self.logical_id(reference.resource))
            .map(|function| self.sub(&self.invoke_uri(&format!("{function}.Arn"))));
        // SAM resolves `${Fn.Alias}` written in a `Fn::Sub` string too, but cfn-lint takes it for
        // an attribute of the function and rejects it (E1019): the alias's `Ref`, as the uri had
        // it, goes into the `Fn::Sub`'s map.
        let alias = || {
            let (_, argument) = intrinsic(value).filter(|(name, _)| name == "Ref")?;
            let alias = argument.text()?;
            self.sam_alias(alias)?;
            Some(self.sub_with(&self.invoke_uri(ALIAS_VARIABLE), ALIAS_VARIABLE, &self.reference(alias)))
        };
        let written = function
            .or_else(alias)
            .ok_or("the uri does not read a function of the template")?;
        Ok(Edit::replace(self.file, value.range.clone(), written))
    }

    /// `waiter` waits for the permissions `added`: the resource holding the integration setting
    /// written there (a Method), or a Deployment.
    pub(super) fn await_permissions(&self, waiter: &Waiter, added: &[AddedPermission]) -> Result<Edit, String> {
        // The permissions go in this template: a waiter in another file cannot name them.
        if added.is_empty() {
            return Err("the new permission is written in another file than what must wait for it".to_owned());
        }
        let resource = match waiter {
            Waiter::HolderOf(setting) => self
                .resources()
                .find(|resource| {
                    resource.entry.range.start <= setting.range.start && setting.range.end <= resource.entry.range.end
                })
                .ok_or("the resource holding the integration was not found")?,
            Waiter::Deployment(deployment) => self.resource_at(deployment)?,
        };
        // CloudFormation refuses a DependsOn on a resource that a condition may leave out.
        let unmade = added.iter().find(|permission| {
            permission.condition.is_some() && permission.condition.as_deref() != resource.condition()
        });
        if let Some(AddedPermission {
            condition: Some(condition),
            ..
        }) = unmade
        {
            return Err(format!(
                "the new permission is made only under condition `{condition}`, which `{}` is not under, and CloudFormation refuses a DependsOn on a resource it may not make",
                resource.logical_id
            ));
        }
        let site = Site {
            file: self.file,
            range: resource.entry.range.clone(),
        };
        let names: Vec<String> = added.iter().map(|permission| permission.logical_id.clone()).collect();
        self.depend_on(&site, &names)
    }

    /// A permission for API Gateway to invoke the function created at `function` from every
    /// route of the REST API created at `rest_api`, after that API.
    pub(super) fn add_invoke_permission(
        &self,
        function: &Site,
        rest_api: &Site,
    ) -> Result<(AddedPermission, Edit), String> {
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
        let edit = self.add_resource(rest_api, &logical_id, Snippet::Map(permission))?;
        let added = AddedPermission {
            logical_id,
            condition: condition.map(str::to_owned),
        };
        Ok((added, edit))
    }
}

/// A permission a fix adds: its logical id, and the condition it is made under.
pub(super) struct AddedPermission {
    logical_id: String,
    condition: Option<String>,
}
