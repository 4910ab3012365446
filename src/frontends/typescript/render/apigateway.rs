//! API Gateway fixes: stage throttling moved into an `aws.apigateway.MethodSettings` (a new one
//! beside the stage, or the limits added to the `settings` of the stage's existing one), or an
//! `aws.apigatewayv2.Stage`'s into its own `defaultRouteSettings`; an
//! integration's `credentials` removed, and an `aws.lambda.Permission` added where API Gateway
//! needs one instead (a `CfnPermission` in a CDK app).

use super::super::edits::push_merged;
use super::super::graph::settings_key;
use super::super::{cdk, named_children, Located, Package, PackageMember, Program};
use crate::cloud::{Site, ThrottleLimit, Waiter};
use crate::fix::Edit;
use crate::style::template::Code;
use crate::syntax::kind_of;

impl<'tree> Program<'tree> {
    /// A MethodSettings for every method (`*/*`) of the stage, after the stage's statement.
    pub(super) fn new_stage_method_settings(
        &self,
        stage: &Site,
        limits: &[(ThrottleLimit, Site)],
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let index = self.resource_at_site(stage)?;
        let stage = &self.resources()[index];
        let args = stage
            .args()
            .and_then(|args| self.object_literal(args))
            .ok_or("the stage's arguments are not an object literal")?;
        let rest_api = self.property(args, "restApi").ok_or("the stage has no `restApi`")?;
        let reference = self.name_resource_at(index, stage.statement(), edits)?;
        let method_settings = Code::object([
            ("restApi", Code::verbatim(self.text(rest_api.value))),
            ("stageName", Code::verbatim(format!("{reference}.stageName"))),
            ("methodPath", Code::text("*/*")),
            ("settings", Code::object(self.settings_entries(limits)?)),
        ]);
        // Nothing refers to the new resource, so it stays a bare statement: a const nobody reads
        // would trip `noUnusedLocals`.
        let new = self.new_resource_beside(
            stage,
            &["apigateway", "MethodSettings"],
            "method-settings",
            method_settings,
        )?;
        edits.push(self.insert_statement_after(stage.statement(), &new.code, None));
        Ok(())
    }

    /// An HTTP or WebSocket API stage's `throttleSettings` (the property at `setting`) made its
    /// `defaultRouteSettings`: the property and each limit renamed, values and comments kept.
    pub(super) fn rename_to_route_defaults(&self, setting: Located<'tree>) -> Result<Vec<Edit>, String> {
        let here = |node| Located {
            file: setting.file,
            node,
        };
        let key = setting
            .node
            .child_by_field_name("key")
            .ok_or("the throttling setting is not a `key: value` property")?;
        let mut edits = vec![self.renamed_key(here(key), "defaultRouteSettings")?];
        let value = setting
            .node
            .child_by_field_name("value")
            .filter(|value| kind_of(value) == "object")
            .ok_or("the throttling setting's value is not an object literal written in place")?;
        for member in named_children(value).filter(|member| kind_of(member) == "pair") {
            let Some(key) = member.child_by_field_name("key") else {
                continue;
            };
            let renamed = match self.text(here(key)).trim_matches(['"', '\'']) {
                "burstLimit" => settings_key(ThrottleLimit::Burst),
                "rateLimit" => settings_key(ThrottleLimit::Rate),
                _ => continue,
            };
            edits.push(self.renamed_key(here(key), renamed)?);
        }
        Ok(edits)
    }

    /// The edit that renames a property key, inside its quotes when it is a string.
    fn renamed_key(&self, key: Located<'tree>, name: &str) -> Result<Edit, String> {
        let range = match kind_of(key.node) {
            "property_identifier" => key.node.byte_range(),
            "string" => {
                let range = key.node.byte_range();
                range.start + 1..range.end - 1
            }
            _ => return Err("a key is computed".to_owned()),
        };
        Ok(Edit::replace(key.file, range, name))
    }

    /// The limits an existing MethodSettings' `settings` lack, added (the object made when it has
    /// none), or those an HTTP or WebSocket API stage's `defaultRouteSettings` (the object at
    /// `settings`) lack; `None` when they set them all.
    pub(super) fn add_throttling(
        &self,
        settings: &Site,
        limits: &[(ThrottleLimit, Site)],
    ) -> Result<Option<Edit>, String> {
        let written = self.located(settings)?;
        if kind_of(written.node) == "object" {
            let missing: Vec<(&str, Code)> = self
                .settings_entries(limits)?
                .into_iter()
                .filter(|(key, _)| self.property(written, key).is_none())
                .collect();
            return match missing.is_empty() {
                true => Ok(None),
                false => self.add_properties(written, &missing).map(Some),
            };
        }
        let index = self.resource_at_site(settings)?;
        let shown = self.display_name(index);
        let args = self
            .own_arguments(&self.resources()[index])
            .ok_or_else(|| format!("the arguments of {shown}, the stage's \"*/*\" MethodSettings, are not its own"))?;
        // The values are copied as written; in another module a name they use may mean nothing.
        for (_, value) in limits {
            let value = self.located(value)?;
            if value.file != args.file && !self.is_number_literal(value) {
                return Err(format!(
                    "{shown}, the stage's \"*/*\" MethodSettings, is in another module, which cannot see `{}`",
                    self.text(value)
                ));
            }
        }
        let entries = self.settings_entries(limits)?;
        let Some(existing) = self.property(args, "settings") else {
            return self
                .add_properties(args, &[("settings", Code::object(entries))])
                .map(Some);
        };
        let written = self.unwrapped(existing.value);
        let object = match kind_of(written.node) {
            "object" => Some(written),
            "identifier" | "shorthand_property_identifier" => self.const_value_read_only_here(written),
            _ => None,
        }
        .map(|object| self.unwrapped(object))
        .filter(|object| existing.object == args && kind_of(object.node) == "object")
        .ok_or_else(|| {
            format!(
                "the `settings` of {shown}, the stage's \"*/*\" MethodSettings, are not an object literal of its own"
            )
        })?;
        let missing: Vec<(&str, Code)> = entries
            .into_iter()
            .filter(|(key, _)| self.property(object, key).is_none())
            .collect();
        if missing.is_empty() {
            return Ok(None);
        }
        self.add_properties(object, &missing).map(Some)
    }

    /// The limits as `settings` entries, their values as written.
    fn settings_entries(&self, limits: &[(ThrottleLimit, Site)]) -> Result<Vec<(&'static str, Code)>, String> {
        limits
            .iter()
            .map(|(limit, value)| {
                let value = self.located(value)?;
                Ok((settings_key(*limit), Code::verbatim(self.text(value).to_owned())))
            })
            .collect()
    }

    /// A number written out (`100`, `12.5`, `-1`), which means the same in every module.
    fn is_number_literal(&self, value: Located<'tree>) -> bool {
        kind_of(value.node) == "number" || self.number_value(value).is_some_and(|(_, at)| at == value)
    }

    /// Removes an integration setting, key and value, with its separator.
    pub(super) fn drop_integration_setting(&self, setting: &Site) -> Result<Edit, String> {
        self.integrations()
            .into_iter()
            .flat_map(|integration| [integration.credentials, integration.uri, integration.http_method])
            .flatten()
            .find(|value| value.written() == *setting)
            .map(|value| self.remove_integration_value(&value))
            .ok_or_else(|| "the integration setting was not found again".to_owned())
    }

    /// `waiter` waits for the permissions `added`: the resource holding the integration setting
    /// written there, or a deployment; each permission named in its `dependsOn` (in a CDK app,
    /// `resource.node.addDependency(permission)` after it).
    pub(super) fn await_permissions(
        &self,
        waiter: &Waiter,
        added: &[AddedPermission<'tree>],
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let holder_index = match waiter {
            Waiter::Deployment(deployment) => self.resource_at_site(deployment)?,
            Waiter::HolderOf(setting) => self.integration_holder(setting)?,
        };
        let holder = &self.resources()[holder_index];
        // The permission's const is read where the holder is made: that must come after it, in
        // its scope.
        let in_reach = |permission: &AddedPermission<'tree>| {
            let scope = permission.after.node.parent();
            permission.after.file == holder.file
                && permission.after.node.end_byte() <= holder.statement.start_byte()
                && std::iter::successors(holder.statement.parent(), |node| node.parent())
                    .any(|node| Some(node) == scope)
        };
        if !added.iter().all(in_reach) {
            return Err(format!(
                "{} is not made after its REST API in the API's scope, so it cannot wait for the new permission",
                self.display_name(holder_index)
            ));
        }
        let names: Vec<String> = added.iter().map(|permission| permission.binding.clone()).collect();
        if holder.class.package != Package::Cdk {
            edits.push(self.depends_on_edit(holder, &names)?);
            return Ok(());
        }
        let statement = Located {
            file: holder.file,
            node: holder.statement,
        };
        let holder_name = self.name_resource_at(holder_index, statement, edits)?;
        let call = Code::verbatim(format!("{holder_name}.node.addDependency({})", names.join(", ")));
        edits.push(self.insert_statement_after(statement, &call, None));
        Ok(())
    }

    /// The resource whose expression holds the integration setting written at `setting`: the
    /// innermost, when resources nest.
    fn integration_holder(&self, setting: &Site) -> Result<usize, String> {
        self.resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| {
                resource.file == setting.file
                    && resource.expression.start_byte() <= setting.range.start
                    && setting.range.end <= resource.expression.end_byte()
            })
            .min_by_key(|(_, resource)| resource.expression.byte_range().len())
            .map(|(index, _)| index)
            .ok_or_else(|| "the resource holding the integration was not found".to_owned())
    }

    /// An `aws.lambda.Permission` for apigateway.amazonaws.com, inserted after the RestApi;
    /// with `bound`, held in a const so that an integration can wait for it.
    pub(super) fn add_invoke_permission(
        &self,
        function: &Site,
        rest_api: &Site,
        bound: bool,
        edits: &mut Vec<Edit>,
    ) -> Result<AddedPermission<'tree>, String> {
        let function = self.resource_at_site(function)?;
        let api_index = self.resource_at_site(rest_api)?;
        let api = &self.resources()[api_index];
        let function_name = self.name_resource_at(function, api.statement(), edits)?;
        let api_name = self.name_resource_at(api_index, api.statement(), edits)?;
        let (function_attribute, source_arn) = match api.class.package {
            // The CDK's APIs have no execution ARN: it is written around the API's id, in the
            // API's own partition, region and account.
            Package::Cdk => {
                let attribute = |resource: usize, graph: &'static str| -> Result<&'static str, String> {
                    cdk::written_attribute(&self.resources()[resource].class, graph).ok_or_else(|| {
                        format!(
                            "infrafix does not know how {} gives its {graph}",
                            self.display_name(resource)
                        )
                    })
                };
                let id = attribute(api_index, "id")?;
                (
                    attribute(function, "name")?,
                    format!(
                        "`arn:${{{api_name}.stack.partition}}:execute-api:${{{api_name}.stack.region}}:${{{api_name}.stack.account}}:${{{api_name}.{id}}}/*`"
                    ),
                )
            }
            _ => {
                let interpolate = PackageMember {
                    package: Package::Pulumi,
                    path: vec!["interpolate".to_owned()],
                };
                let source_arn = match self.spelling_of(api.file, &interpolate) {
                    Some(interpolate) => format!("{interpolate}`${{{api_name}.executionArn}}/*/*`"),
                    None => format!("{api_name}.executionArn.apply((arn) => `${{arn}}/*/*`)"),
                };
                ("name", source_arn)
            }
        };
        let args = Code::object([
            ("action", Code::text("lambda:InvokeFunction")),
            (
                "function",
                Code::verbatim(format!("{function_name}.{function_attribute}")),
            ),
            ("principal", Code::text("apigateway.amazonaws.com")),
            ("sourceArn", Code::verbatim(source_arn)),
        ]);
        let suffix = format!("invoke-{}", kebab_case(&function_name));
        let new = self.new_resource_beside(api, &["lambda", "Permission"], &suffix, args)?;
        // Unless an integration waits for it, nothing refers to the permission: a bare
        // statement, so no unused const. The integration's other functions may get theirs at the
        // same point.
        let binding = bound.then_some(new.binding.as_str());
        push_merged(edits, self.insert_statement_after(api.statement(), &new.code, binding));
        Ok(AddedPermission {
            binding: new.binding,
            after: api.statement(),
        })
    }
}

/// A permission a fix adds: the const it is bound to, and the statement it follows.
pub(super) struct AddedPermission<'tree> {
    binding: String,
    after: Located<'tree>,
}

/// `validatorFunction` gives `validator-function` (and `this.fn` gives `fn`).
fn kebab_case(name: &str) -> String {
    let name = name.rsplit('.').next().unwrap_or(name);
    let mut kebab = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !kebab.is_empty() {
            kebab.push('-');
        }
        kebab.push(c.to_ascii_lowercase());
    }
    kebab
}
