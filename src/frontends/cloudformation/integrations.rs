//! API Gateway Lambda integrations: the `Integration` of an `AWS::ApiGateway::Method`, the
//! `x-amazon-apigateway-integration` objects of a REST API's OpenAPI `Body` (SAM: an
//! `AWS::Serverless::Api`'s `DefinitionBody`) written in the template, and the
//! `AWS::Lambda::Permission`s that let API Gateway invoke a function without credentials.

use super::references::Published;
use super::values::intrinsic;
use super::{Resource, Template};
use crate::cloud::{
    action_matches, route_coverage, ApiIntegration, Coverage, IntegrationSetting, IntegrationTarget, IntegrationType,
    InvokePermission, LambdaFunction, ResourceId, ARN,
};
use crate::frontends::document::{Entry, Map, Value};

const INVOKE_PRINCIPAL: &str = "apigateway.amazonaws.com";
/// The REST APIs a template declares, whose routes a permission's source ARN names.
pub(super) const API_TYPES: [&str; 2] = ["AWS::ApiGateway::RestApi", "AWS::Serverless::Api"];

/// How an integration's settings are spelt: `Type`, `Uri` … on a method resource; `type`, `uri` …
/// in OpenAPI.
struct IntegrationKeys {
    /// An integration of a method resource, which is the method API Gateway calls the function with.
    on_method: bool,
    kind: &'static str,
    uri: &'static str,
    http_method: &'static str,
    credentials: &'static str,
}

const METHOD_KEYS: IntegrationKeys = IntegrationKeys {
    on_method: true,
    kind: "Type",
    uri: "Uri",
    http_method: "IntegrationHttpMethod",
    credentials: "Credentials",
};

const OPENAPI_KEYS: IntegrationKeys = IntegrationKeys {
    on_method: false,
    kind: "type",
    uri: "uri",
    http_method: "httpMethod",
    credentials: "credentials",
};

impl<'a> Template<'a> {
    pub(super) fn graph_integrations(&self, functions: &[LambdaFunction]) -> Vec<ApiIntegration> {
        let mut integrations = Vec::new();
        for resource in self.resources() {
            let Some(properties) = resource.properties else {
                continue;
            };
            match resource.kind {
                "AWS::ApiGateway::Method" => {
                    let Some(integration) = properties.get("Integration").and_then(Value::as_map) else {
                        continue;
                    };
                    let rest_api = properties
                        .get("RestApiId")
                        .and_then(|api| self.resource_ref(api))
                        .and_then(|reference| self.resource(reference.resource))
                        .filter(|api| api.kind == "AWS::ApiGateway::RestApi");
                    integrations.push(self.integration(integration, &METHOD_KEYS, rest_api, &resource, functions));
                }
                kind if API_TYPES.contains(&kind) => {
                    let body = properties.get("Body").or_else(|| properties.get("DefinitionBody"));
                    for integration in body.map(openapi_integrations).unwrap_or_default() {
                        integrations.push(self.integration(
                            integration,
                            &OPENAPI_KEYS,
                            Some(resource),
                            &resource,
                            functions,
                        ));
                    }
                }
                _ => {}
            }
        }
        integrations
    }

    fn integration(
        &self,
        integration: &Map,
        keys: &IntegrationKeys,
        rest_api: Option<Resource>,
        declared_in: &Resource,
        functions: &[LambdaFunction],
    ) -> ApiIntegration {
        let kind = IntegrationType::from_written(integration.entry(keys.kind).and_then(|kind| kind.value.text()));
        let proxy = kind == IntegrationType::AwsProxy;
        let uri = integration.entry(keys.uri);
        let credentials = integration.entry(keys.credentials);
        let targets = uri
            .and_then(|uri| self.integration_target(&uri.value, functions))
            .map(|target| IntegrationTarget {
                invoke_permission: match (proxy, credentials, &rest_api) {
                    (true, Some(_), Some(api)) => {
                        Some(self.invoke_permission(functions[target.function].resource, api.logical_id))
                    }
                    (true, Some(_), None) => Some(InvokePermission::Unknown),
                    _ => None,
                },
                ..target
            })
            .into_iter()
            .collect();
        ApiIntegration {
            at: self.site(uri.map_or(declared_in.entry.key_range.clone(), |uri| uri.value.range.clone())),
            rest_api: rest_api.map(|api| self.site(api.entry.range.clone())),
            kind,
            is_resource: keys.on_method,
            uri: uri.map(|uri| self.integration_setting(uri)),
            targets,
            existing_target: None,
            http_method: integration
                .entry(keys.http_method)
                .map(|method| self.integration_setting(method)),
            credentials: credentials.map(|credentials| self.integration_setting(credentials)),
            credentials_role: credentials
                .and_then(|credentials| self.resource_ref(&credentials.value))
                .and_then(|reference| self.resource(reference.resource))
                .map(|role| format!("`{}`", role.logical_id)),
        }
    }

    fn integration_setting(&self, entry: &Entry) -> IntegrationSetting {
        IntegrationSetting {
            literal: entry.value.text().map(str::to_owned),
            expression: Some(self.site(entry.value.range.clone())),
            written: self.site(entry.range.clone()),
            string: entry.value.as_scalar().map(|_| self.site(entry.value.range.clone())),
        }
    }

    /// The function a uri calls: `!GetAtt Fn.Arn` reads its ARN, and `!Ref Fn.Alias` the ARN of
    /// the alias SAM makes for its `AutoPublishAlias`; a `Fn::Sub` that builds the invocation
    /// path around either (`${Fn.Arn}`, `${Fn.Alias}`, or a variable of its map holding one) is
    /// right as it is.
    fn integration_target(&self, uri: &Value, functions: &[LambdaFunction]) -> Option<IntegrationTarget> {
        let function_of = |id| functions.iter().position(|function| function.resource == id);
        let target = |function, attribute, alias| IntegrationTarget {
            function,
            attribute,
            alias,
            instance: None,
            invoke_permission: None,
        };
        if let Some(reference) = self.resource_ref(uri) {
            return Some(target(function_of(reference.resource)?, reference.attribute, None));
        }
        let (name, argument) = intrinsic(uri)?;
        if name == "Ref" {
            let (function, alias) = self.sam_alias(argument.text()?)?;
            return Some(target(function_of(function)?, Some(ARN.to_owned()), Some(alias)));
        }
        (name == "Fn::Sub").then_some(())?;
        let (text, variables) = match argument.as_list().map(|list| list.items.as_slice()) {
            Some([text, variables]) => (text.text()?, Some(variables)),
            _ => (argument.text()?, None),
        };
        let (_, after) = text.split_once("/functions/${")?;
        let (named, rest) = after.split_once('}')?;
        rest.starts_with("/invocations").then_some(())?;
        // A variable of the map stands for what it holds: the function's ARN, or its alias's.
        if let Some(held) = variables.and_then(|variables| variables.get(named)) {
            let called = self
                .integration_target(held, functions)
                .filter(|called| called.attribute.as_deref() == Some(ARN))?;
            return Some(IntegrationTarget {
                attribute: None,
                ..called
            });
        }
        if let Some((function, alias)) = self.sam_alias(named) {
            return Some(target(function_of(function)?, None, Some(alias)));
        }
        let (logical_id, attribute) = named.split_once('.')?;
        (attribute == "Arn").then_some(())?;
        Some(target(function_of(self.resource_index(logical_id)?)?, None, None))
    }

    /// The SAM function whose alias `name` names (`Fn.Alias`, or the alias's logical id
    /// `FnAliaslive`), and the alias named for messages: SAM makes an `AWS::Lambda::Alias`,
    /// whose `Ref` is the alias's ARN, for a function with an `AutoPublishAlias`.
    pub(super) fn sam_alias(&self, name: &str) -> Option<(ResourceId, String)> {
        let (id, published) = self.sam_published(name)?;
        (published == Published::Alias).then(|| (id, format!("`{name}`")))
    }

    /// Whether a permission of the template lets API Gateway invoke the function from every route
    /// of the REST API with this logical id.
    fn invoke_permission(&self, function: usize, api: &str) -> InvokePermission {
        let mut answer = InvokePermission::Missing;
        for permission in self
            .resources()
            .filter(|resource| resource.kind == "AWS::Lambda::Permission")
        {
            let Some(properties) = permission.properties else {
                continue;
            };
            let names_function = properties
                .get("FunctionName")
                .and_then(|name| self.resource_ref(name))
                .map(|reference| reference.resource == function);
            let text = |key: &str| properties.get(key).and_then(Value::text);
            let grants = match (text("Action"), text("Principal")) {
                (Some(action), Some(principal)) => {
                    Some(action_matches(action, "lambda:InvokeFunction") && principal == INVOKE_PRINCIPAL)
                }
                _ => None,
            };
            match (names_function, grants) {
                (Some(true), Some(true)) => {}
                // Another function, or not API Gateway's invoke.
                (Some(false), _) | (_, Some(false)) => continue,
                _ => {
                    answer = InvokePermission::Unknown;
                    continue;
                }
            }
            let conditional = permission.condition().is_some();
            match self.source_covers(properties.get("SourceArn"), api) {
                Coverage::Covers if !conditional => return InvokePermission::Granted,
                Coverage::Misses => {}
                _ => answer = InvokePermission::Unknown,
            }
        }
        answer
    }

    /// Whether a permission's `SourceArn` covers every route of the API: absent, or
    /// `…:${Api}/*/*` (see `route_coverage`); unsure when it cannot be read.
    fn source_covers(&self, source: Option<&Value>, api: &str) -> Coverage {
        let Some(source) = source else {
            return Coverage::Covers;
        };
        let text = intrinsic(source)
            .filter(|(name, _)| name == "Fn::Sub")
            .and_then(|(_, argument)| argument.text());
        let Some(text) = text else {
            return Coverage::Unsure;
        };
        let Some((_, after)) = text.split_once(&format!("${{{api}}}")) else {
            // Another API of the template's, or one written out; else infrafix cannot tell.
            let names_another_api = text.split("${").skip(1).any(|rest| {
                rest.split_once('}')
                    .and_then(|(name, _)| self.resource_index(name))
                    .and_then(|id| self.resource(id))
                    .is_some_and(|resource| API_TYPES.contains(&resource.kind))
            });
            return match text.contains(":execute-api:") && (names_another_api || !text.contains("${")) {
                true => Coverage::Misses,
                false => Coverage::Unsure,
            };
        };
        route_coverage(after)
    }

    /// The uri that calls a function, or an alias, through its invoke ARN: `arn` is what stands
    /// for its ARN in a `Fn::Sub` (`Fn.Arn`, or a variable of the `Fn::Sub`'s map).
    pub(super) fn invoke_uri(&self, arn: &str) -> String {
        format!(
            "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{arn}}}/invocations"
        )
    }
}

/// The `x-amazon-apigateway-integration` objects of an OpenAPI document written as a map: one per
/// operation of each path.
fn openapi_integrations(body: &Value) -> Vec<&Map> {
    let paths = body
        .get("paths")
        .and_then(Value::as_map)
        .map(|paths| paths.entries.as_slice())
        .unwrap_or_default();
    paths
        .iter()
        .filter_map(|path| path.value.as_map())
        .flat_map(|operations| &operations.entries)
        .filter_map(|operation| operation.value.get("x-amazon-apigateway-integration")?.as_map())
        .collect()
}
