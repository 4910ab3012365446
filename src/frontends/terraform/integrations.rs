//! API Gateway Lambda integrations of the root module: `aws_api_gateway_integration` resources,
//! and the `x-amazon-apigateway-integration` objects of an `aws_api_gateway_rest_api`'s OpenAPI
//! `body = jsonencode({ … })`; and whether an `aws_lambda_permission` lets API Gateway invoke the
//! function they call.

use super::modules::ResourceInstance;
use super::references::{graph_attribute, interpolated};
use super::values::{object_node, unwrapped};
use super::{named_children, Located, ResourceBlock, TerraformProject};
use crate::cloud::{
    action_matches, calls_other_lambda_api, route_coverage, ApiIntegration, Coverage, ExistingFunction,
    IntegrationSetting, IntegrationTarget, IntegrationType, InvokePermission, LambdaFunction, ResourceId, Site,
    QUALIFIED_INVOKE_ARN,
};
use crate::syntax::kind_of;

/// Where an integration is written: both forms name `type`, `uri` and `credentials` alike.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IntegrationForm {
    /// An `aws_api_gateway_integration` resource.
    Resource,
    /// An `x-amazon-apigateway-integration` object of an OpenAPI body.
    OpenApi,
}

impl IntegrationForm {
    /// The setting holding the method API Gateway calls the backend with.
    fn http_method(self) -> &'static str {
        match self {
            Self::Resource => "integration_http_method",
            Self::OpenApi => "httpMethod",
        }
    }
}

impl<'a> TerraformProject<'a> {
    pub(super) fn graph_integrations(&self, functions: &[LambdaFunction]) -> Vec<ApiIntegration> {
        let instances = self.resource_instances();
        let mut integrations = Vec::new();
        for resource in self.root_resources() {
            match resource.kind.as_str() {
                "aws_api_gateway_integration" => {
                    let settings: Vec<(String, Located<'a>)> = self
                        .arguments(resource.body)
                        .map(|(name, value)| (name.to_owned(), value))
                        .collect();
                    let rest_api = self
                        .argument(resource.body, "rest_api_id")
                        .and_then(|api| self.rest_api(api));
                    integrations.push(self.integration(
                        resource.block,
                        &settings,
                        IntegrationForm::Resource,
                        rest_api,
                        functions,
                        &instances,
                    ));
                }
                "aws_api_gateway_rest_api" => {
                    let rest_api = Some(resource.block.site());
                    for object in self.openapi_integrations(resource) {
                        let settings = self.object_fields(object);
                        integrations.push(self.integration(
                            object,
                            &settings,
                            IntegrationForm::OpenApi,
                            rest_api.clone(),
                            functions,
                            &instances,
                        ));
                    }
                }
                _ => {}
            }
        }
        integrations
    }

    /// Where the REST API an `rest_api_id` names is created: `aws_api_gateway_rest_api.NAME.id`.
    pub(super) fn rest_api(&self, value: Located<'a>) -> Option<Site> {
        let reference = self.root_resource_ref(value)?;
        let api = self.root_resources().nth(reference.resource)?;
        (api.kind == "aws_api_gateway_rest_api" && reference.attribute.as_deref() == Some("id"))
            .then(|| api.block.site())
    }

    /// The `x-amazon-apigateway-integration` objects of a REST API's `body = jsonencode({ … })`:
    /// under `paths`, each path's methods.
    fn openapi_integrations(&self, api: &ResourceBlock<'a>) -> Vec<Located<'a>> {
        let Some(body) = self.argument(api.body, "body") else {
            return Vec::new();
        };
        let Some(document) = self
            .origin(body, &[])
            .and_then(|origin| self.encoded_object(origin.written))
        else {
            return Vec::new();
        };
        let field = |object: Located<'a>, key: &str| {
            self.object_fields(object)
                .into_iter()
                .find(|(name, _)| name == key)
                .and_then(|(_, value)| object_node(value))
        };
        let Some(paths) = field(document, "paths") else {
            return Vec::new();
        };
        self.object_fields(paths)
            .into_iter()
            .filter_map(|(_, path)| object_node(path))
            .flat_map(|path| self.object_fields(path))
            .filter_map(|(_, method)| object_node(method))
            .filter_map(|method| field(method, "x-amazon-apigateway-integration"))
            .collect()
    }

    fn integration(
        &self,
        at: Located<'a>,
        settings: &[(String, Located<'a>)],
        form: IntegrationForm,
        rest_api: Option<Site>,
        functions: &[LambdaFunction],
        instances: &[ResourceInstance<'_, 'a>],
    ) -> ApiIntegration {
        let value = |key: &str| settings.iter().find(|(name, _)| name == key).map(|(_, value)| *value);
        let setting = |key: &str| value(key).map(|value| self.integration_setting(value));
        let kind = IntegrationType::from_written(
            value("type")
                .and_then(|kind| self.string_value(kind, &[]))
                .as_ref()
                .map(|(kind, _)| kind.as_ref()),
        );
        let uri = setting("uri");
        let credentials = setting("credentials");
        let targets = value("uri")
            .and_then(|uri| self.integration_target(uri, functions, instances))
            .map(|target| IntegrationTarget {
                invoke_permission: (credentials.is_some() && !target.is_qualified()).then(|| {
                    self.invoke_permission(
                        functions[target.function].resource,
                        target.instance.clone(),
                        rest_api.as_ref(),
                        instances,
                    )
                }),
                ..target
            })
            .into_iter()
            .collect::<Vec<_>>();
        let existing_target = value("uri")
            .filter(|_| targets.is_empty())
            .and_then(|uri| self.existing_function_read(uri));
        // A role of the root module, or one a module call makes and hands out (`module.iam.role_arn`).
        let credentials_role = value("credentials")
            .and_then(|role| self.instance_reference(role, &[], instances))
            .map(|(role, _)| &instances[role])
            .filter(|role| role.resource.kind == "aws_iam_role")
            .map(|role| format!("`{}`", role.address()));
        ApiIntegration {
            at: at.site(),
            rest_api,
            kind,
            is_resource: form == IntegrationForm::Resource,
            uri,
            targets,
            existing_target,
            http_method: setting(form.http_method()),
            credentials,
            credentials_role,
        }
    }

    /// A setting's value: findings point at it, and a fix changes or removes it, key and value.
    fn integration_setting(&self, value: Located<'a>) -> IntegrationSetting {
        let literal = self.string_value(value, &[]).map(|(literal, _)| literal);
        let written = value
            .node
            .parent()
            .filter(|parent| matches!(kind_of(parent), "attribute" | "object_elem"))
            .map_or(value, |parent| value.with(parent));
        IntegrationSetting {
            string: (kind_of(unwrapped(value).node) == "string_lit").then(|| unwrapped(value).site()),
            literal,
            expression: Some(interpolated(value).site()),
            written: written.site(),
        }
    }

    /// The function a uri calls: an output of it (`.arn`, `.invoke_arn`, `.qualified_arn` …) read
    /// in place (or alone in a string), or handed out by a module call that makes it
    /// (`module.orders.invoke_arn`), or a uri built around its ARN.
    fn integration_target(
        &self,
        uri: Located<'a>,
        functions: &[LambdaFunction],
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Option<IntegrationTarget> {
        let function_index = |resource: ResourceId| functions.iter().position(|function| function.resource == resource);
        if let Some(reference) = self.root_resource_ref(uri) {
            // `aws_lambda_alias.live.arn`: the alias has an invoke ARN of its own.
            let alias = self
                .root_resources()
                .nth(reference.resource)
                .filter(|resource| resource.kind == "aws_lambda_alias");
            let function = match alias {
                Some(alias) => self
                    .argument(alias.body, "function_name")
                    .and_then(|function| self.root_resource_ref(function))
                    .and_then(|function| function_index(function.resource))?,
                None => function_index(reference.resource)?,
            };
            return Some(IntegrationTarget {
                function,
                attribute: reference.attribute,
                alias: alias.map(|alias| format!("`aws_lambda_alias.{}`", alias.name)),
                instance: reference.instance,
                invoke_permission: None,
            });
        }
        if self.output_value(uri, &[]).is_some() {
            return self.output_target(uri, instances).and_then(|target| {
                Some(IntegrationTarget {
                    function: function_index(target.function)?,
                    ..target
                })
            });
        }
        // `arn:aws:apigateway:…:lambda:path/2015-03-31/functions/${aws_lambda_function.f.arn}/invocations`;
        // any other uri merely mentioning a function (an HTTP backend's path, or another Lambda
        // API such as `…/functions/${…arn}/configuration`, called with GET) does not invoke it.
        let text = self.text(uri);
        if !text.contains(":lambda:path/") || calls_other_lambda_api(text) {
            return None;
        }
        // Around `${module.orders.arn}`, the function the module makes.
        let mentions = self.mentions_under(uri);
        let through_modules: Vec<(Located<'a>, usize, Option<&str>)> = mentions
            .iter()
            .filter(|mention| mention.key.starts_with("module."))
            .filter_map(|mention| {
                let (found, attribute) = self.instance_reference(mention.at, &[], instances)?;
                Some((mention.at, found, attribute))
            })
            .filter(|(_, found, _)| instances[*found].resource.kind == "aws_lambda_function")
            .collect();
        let mut named = self
            .reads(uri)
            .into_iter()
            .filter_map(|key| {
                let name = key.strip_prefix("aws_lambda_function.")?;
                self.root_resources()
                    .position(|resource| resource.kind == "aws_lambda_function" && resource.name == name)
            })
            .chain(through_modules.iter().map(|(_, found, _)| *found))
            .collect::<Vec<_>>();
        named.sort_unstable();
        named.dedup();
        let [only] = named.as_slice() else { return None };
        // The ARNs the uri is built around, and the attribute each reads.
        let arns = mentions
            .iter()
            .filter(|mention| mention.key.starts_with("aws_lambda_function."))
            .map(|mention| (mention.at, mention.attribute))
            .chain(through_modules.iter().map(|(at, _, attribute)| (*at, *attribute)));
        // Built around a version's ARN, or an ARN followed by a qualifier
        // (`${…arn}:live/invocations`, a stage variable's `:$${stageVariables.alias}`), the uri
        // calls that version or alias.
        let around_version = arns
            .into_iter()
            .any(|(at, attribute)| attribute == Some("qualified_arn") || !self.followed_by_path(at));
        Some(IntegrationTarget {
            function: function_index(*only)?,
            attribute: around_version.then(|| QUALIFIED_INVOKE_ARN.to_owned()),
            alias: None,
            instance: None,
            invoke_permission: None,
        })
    }

    /// The existing function whose ARN or qualified ARN a uri reads, in place, from the data source
    /// that looks it up (`data.aws_lambda_function.auth.arn`).
    fn existing_function_read(&self, uri: Located<'a>) -> Option<ExistingFunction> {
        ["arn", "qualified_arn"].into_iter().find_map(|attribute| {
            let data = self.data_source_read(uri, "aws_lambda_function", attribute)?;
            Some(ExistingFunction {
                name: format!("`data.aws_lambda_function.{}`", data.name),
                attribute: graph_attribute(&data.kind, attribute),
            })
        })
    }

    /// Whether the interpolation holding `expression` in a template is followed by a path
    /// (`${…arn}/invocations`), not by a qualifier (`${…arn}:live/…`) or another interpolation.
    fn followed_by_path(&self, expression: Located<'a>) -> bool {
        expression
            .node
            .parent()
            .filter(|parent| kind_of(parent) == "template_interpolation")
            .and_then(|interpolation| interpolation.next_named_sibling())
            .is_some_and(|next| {
                kind_of(next) == "template_literal" && self.text(expression.with(next)).starts_with('/')
            })
    }

    /// The function, or the alias of one, a uri reads through a module call's output
    /// (`module.orders.invoke_arn`); `function` is its index among `instances`.
    fn output_target(&self, uri: Located<'a>, instances: &[ResourceInstance<'_, 'a>]) -> Option<IntegrationTarget> {
        let (found, attribute) = self.instance_reference(uri, &[], instances)?;
        let read = &instances[found];
        let (function, alias) = match read.resource.kind.as_str() {
            "aws_lambda_function" => (found, None),
            "aws_lambda_alias" => {
                let aliased = self.argument(read.resource.body, "function_name")?;
                let function = self.function_instance(aliased, read.scope(), instances)?;
                (function, Some(format!("`{}`", read.address())))
            }
            _ => return None,
        };
        Some(IntegrationTarget {
            function,
            attribute: attribute.map(|attribute| graph_attribute(&read.resource.kind, attribute)),
            alias,
            instance: None,
            invoke_permission: None,
        })
    }

    /// Whether an `aws_lambda_permission` a called module makes may let API Gateway invoke
    /// `function` (its index among `instances`): one naming it, or a function infrafix cannot
    /// read, for apigateway.amazonaws.com or a principal infrafix cannot read. What its source
    /// ARN covers is read through the module's variables, which is not done: it may grant.
    fn module_permission_may_grant(&self, function: usize, instances: &[ResourceInstance<'_, 'a>]) -> bool {
        instances
            .iter()
            .filter(|permission| !permission.calls.is_empty() && permission.resource.kind == "aws_lambda_permission")
            .any(|permission| {
                let (body, scope) = (permission.resource.body, permission.scope());
                let named = self
                    .argument(body, "function_name")
                    .and_then(|name| self.instance_reference(name, scope, instances))
                    .map(|(found, _)| found);
                let principal = self
                    .argument(body, "principal")
                    .and_then(|principal| self.string_value(principal, scope))
                    .map(|(principal, _)| principal);
                named.is_none_or(|named| named == function)
                    && principal.is_none_or(|principal| principal == "apigateway.amazonaws.com")
            })
    }

    /// Whether an `aws_lambda_permission` of the root module lets API Gateway invoke `function`
    /// (its `instance` when the integration calls one by a key written out) from every route of
    /// the REST API created at `rest_api`.
    fn invoke_permission(
        &self,
        function: ResourceId,
        instance: Option<String>,
        rest_api: Option<&Site>,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> InvokePermission {
        let mut answer = match self.module_permission_may_grant(function, instances) {
            true => InvokePermission::Unknown,
            false => InvokePermission::Missing,
        };
        for permission in self
            .root_resources()
            .filter(|resource| resource.kind == "aws_lambda_permission")
        {
            let body = permission.body;
            let named = self
                .argument(body, "function_name")
                .and_then(|name| self.root_or_output_ref(name));
            // By its name or unqualified ARN: `qualified_arn` names one published version.
            let names_function = named.as_ref().is_some_and(|reference| {
                reference.resource == function
                    && matches!(reference.attribute.as_deref(), Some("function_name" | "arn"))
            });
            if named.as_ref().is_some_and(|reference| reference.resource == function) && !names_function {
                continue;
            }
            let literal = |key| {
                self.argument(body, key)
                    .and_then(|value| self.string_value(value, &[]))
                    .map(|(value, _)| value)
            };
            let principal = literal("principal");
            let action = literal("action");
            if !names_function {
                // A function named otherwise (its name written out, a variable) may be this one.
                let unread_name = self.argument(body, "function_name").is_some() && named.is_none();
                if unread_name && principal.as_deref() == Some("apigateway.amazonaws.com") {
                    answer = InvokePermission::Unknown;
                }
                continue;
            }
            // Made once per instance of the function, for that instance, it serves each of them.
            let repeated = self.is_repeated(body)
                && !self
                    .argument(body, "function_name")
                    .is_some_and(|name| self.reads_own_instance(body, name));
            let readable = principal.is_some() && action.is_some() && !repeated;
            if !readable {
                answer = InvokePermission::Unknown;
                continue;
            }
            let allows_invoke = action
                .as_deref()
                .is_some_and(|action| action_matches(action, "lambda:InvokeFunction"));
            if principal.as_deref() != Some("apigateway.amazonaws.com")
                || !allows_invoke
                || self.argument(body, "qualifier").is_some()
            {
                continue;
            }
            // One for an instance picked by a key written out serves that instance alone, which
            // may or may not be the one an integration calling the function as a whole reaches.
            let for_instance = named.and_then(|reference| reference.instance);
            match (self.source_arn_covers(body, rest_api), for_instance, &instance) {
                (Some(false), _, _) => {}
                (_, Some(granted), Some(called)) if granted != *called => {}
                (Some(true), None, _) | (Some(true), Some(_), Some(_)) => return InvokePermission::Granted,
                _ => answer = InvokePermission::Unknown,
            }
        }
        answer
    }

    /// Whether a permission's `source_arn` covers every route of the REST API: absent, or the
    /// API's `execution_arn` followed by wildcards only (`"${…execution_arn}/*/*"`). `None` when it
    /// cannot be read.
    fn source_arn_covers(&self, body: Located<'a>, rest_api: Option<&Site>) -> Option<bool> {
        let Some(source) = self.argument(body, "source_arn") else {
            return Some(true);
        };
        let template = unwrapped(source);
        if let Some(written) = self.string_literal(template) {
            // An ARN written out names an API by its id, which this one gets only when it is
            // created; one whose id is a wildcard names every API.
            let parts: Vec<&str> = written.splitn(6, ':').collect();
            return Some(matches!(parts.as_slice(), ["arn", _, "execute-api", _, _, api] if api.starts_with('*')));
        }
        let quoted = named_children(template.node)
            .next()
            .filter(|node| kind_of(template.node) == "template_expr" && kind_of(node) == "quoted_template")?;
        let parts: Vec<_> = named_children(quoted)
            .filter(|node| !matches!(kind_of(node), "quoted_template_start" | "quoted_template_end"))
            .collect();
        let [interpolation, rest @ ..] = parts.as_slice() else {
            return None;
        };
        let inner = named_children(*interpolation).find(|node| kind_of(node) == "expression")?;
        let reference = self.root_resource_ref(template.with(inner))?;
        let api = self.root_resources().nth(reference.resource)?;
        if api.kind != "aws_api_gateway_rest_api" || reference.attribute.as_deref() != Some("execution_arn") {
            return Some(false);
        }
        // `/*/*` (any stage, any method and path) or `/*`; nothing after the API, or a bare `/`,
        // matches no route.
        let tail: Option<String> = rest
            .iter()
            .map(|part| (kind_of(part) == "template_literal").then(|| self.text(template.with(*part))))
            .collect();
        if rest_api != Some(&api.block.site()) {
            return Some(false);
        }
        match tail.map(|tail| route_coverage(&tail)) {
            Some(Coverage::Covers) => Some(true),
            Some(Coverage::Misses) => Some(false),
            // A route of its own may or may not be this integration's.
            _ => None,
        }
    }
}
