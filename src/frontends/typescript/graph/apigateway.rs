//! API Gateway stages, method settings, integrations and deployments of a Pulumi program.

use crate::syntax::{kind_of, Fields};
use foldhash::HashMap;

use super::super::{named_children, Integration, IntegrationValue, Located, Package, Program, ResourceDecl};
use crate::cloud::{
    ApiDeployment, ApiIntegration, ApiStage, IntegrationSetting, IntegrationTarget, IntegrationType, LimitValue,
    MethodSettings, MisplacedThrottle, RouteDefaults, Site, StageSettings, ThrottleLimit, Written,
};

/// The property of an `aws.apigatewayv2.Stage` whose settings apply to every route.
const ROUTE_DEFAULTS: &str = "defaultRouteSettings";

/// Stage `throttleSettings` keys, and the limits they set.
const STAGE_LIMITS: [(&str, ThrottleLimit); 4] = [
    ("burstLimit", ThrottleLimit::Burst),
    ("rateLimit", ThrottleLimit::Rate),
    ("throttlingBurstLimit", ThrottleLimit::Burst),
    ("throttlingRateLimit", ThrottleLimit::Rate),
];

/// The key of a limit in a MethodSettings' `settings`.
pub(in super::super) fn settings_key(limit: ThrottleLimit) -> &'static str {
    match limit {
        ThrottleLimit::Burst => "throttlingBurstLimit",
        ThrottleLimit::Rate => "throttlingRateLimit",
    }
}

impl<'tree> Program<'tree> {
    /// `settings`: for each method settings resource, by its resource index, its index in the graph.
    pub(super) fn api_stage(
        &self,
        index: usize,
        stage: &ResourceDecl<'tree>,
        settings: &HashMap<usize, usize>,
    ) -> ApiStage {
        let misplaced_throttle = self.misplaced_throttle(stage);
        // An HTTP or WebSocket API stage keeps its throttling in its own default route settings.
        if stage.is_aws(&["apigatewayv2", "Stage"]) {
            return ApiStage {
                declared: stage.declared(),
                misplaced_throttle,
                method_settings: Vec::new(),
                route_defaults: Some(self.route_defaults(stage)),
            };
        }
        // Only a stage that needs its settings looks for them: the search compares every one.
        let method_settings = match misplaced_throttle {
            Some(_) => self
                .stage_method_settings(index)
                .into_iter()
                .filter_map(|candidate| {
                    Some(StageSettings {
                        settings: *settings.get(&candidate.resource)?,
                        doubt: candidate.doubt,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        ApiStage {
            declared: stage.declared(),
            misplaced_throttle,
            method_settings,
            route_defaults: None,
        }
    }

    /// An HTTP or WebSocket API stage's `defaultRouteSettings`, an object literal of its own
    /// arguments where it has them.
    fn route_defaults(&self, stage: &ResourceDecl<'tree>) -> RouteDefaults {
        let written = stage
            .args()
            .and_then(|args| self.object_literal(args))
            .and_then(|args| self.property(args, ROUTE_DEFAULTS));
        let object = written.as_ref().map(|written| {
            self.object_literal(written.value)
                .filter(|object| object.node == written.value.node)
                .ok_or_else(|| "they are not an object literal written in the stage's arguments".to_owned())
        });
        let throttling = match &object {
            Some(Ok(object)) => Ok(self.written_limits(*object)),
            Some(Err(why)) => Err(why.clone()),
            None => Ok(Vec::new()),
        };
        RouteDefaults {
            name: ROUTE_DEFAULTS.to_owned(),
            written: object.and_then(Result::ok).map(Site::from),
            throttling,
        }
    }

    /// `throttleSettings` in a stage's arguments.
    fn misplaced_throttle(&self, stage: &ResourceDecl<'tree>) -> Option<MisplacedThrottle> {
        let args = stage.args().and_then(|args| self.object_literal(args))?;
        let throttle = self.property(args, "throttleSettings")?;
        let (module, remedy) = match stage.is_aws(&["apigatewayv2", "Stage"]) {
            true => (
                "apigatewayv2",
                "the stage's `defaultRouteSettings` (`throttlingBurstLimit`, `throttlingRateLimit`), which apply to \
every route",
            ),
            false => ("apigateway", "an aws.apigateway.MethodSettings with methodPath \"*/*\""),
        };
        let limits = if throttle.property.node.parent() != Some(args.node) {
            Err("the setting comes from an object spread into the arguments".to_owned())
        } else if self.own_arguments(stage).is_none_or(|own| own.node != args.node) {
            Err("the arguments are a `const` that other code reads too; the setting would leave them all".to_owned())
        } else {
            self.stage_limits(throttle.value)
        };
        Some(MisplacedThrottle {
            at: throttle.property.into(),
            problem: format!(
                "`throttleSettings` is not a property of aws.{module}.Stage (tsc reports TS2353 where it checks the \
arguments against StageArgs)"
            ),
            remedy: remedy.to_owned(),
            limits,
        })
    }

    fn stage_limits(&self, value: Located<'tree>) -> Result<Vec<(ThrottleLimit, LimitValue)>, String> {
        let object = self
            .object_literal(value)
            .ok_or("`throttleSettings` is not an object literal")?;
        let here = |node| Located {
            file: object.file,
            node,
        };
        let mut limits = Vec::new();
        for member in named_children(object.node).filter(|member| kind_of(member) != "comment") {
            let key = member.field("key").map(|key| self.text(here(key)));
            let limit = STAGE_LIMITS
                .iter()
                .find(|(stage_key, _)| Some(*stage_key) == key)
                .map(|(_, limit)| *limit);
            match (limit, key, member.field("value")) {
                (Some(limit), Some(key), Some(value)) => limits.push((limit, self.limit_value(key, here(value)))),
                _ => {
                    return Err(format!(
                        "`{}` in `throttleSettings` has no MethodSettings counterpart infrafix knows",
                        self.text(here(member))
                    ))
                }
            }
        }
        Ok(limits)
    }

    pub(super) fn method_settings(&self, index: usize, settings: &ResourceDecl<'tree>) -> MethodSettings {
        let args = settings.args();
        let method_path = args
            .and_then(|args| self.property(args, "methodPath"))
            .and_then(|path| self.string_value(self.written_value(path.value)));
        let throttling = args
            .and_then(|args| self.property(args, "settings"))
            .and_then(|written| self.object_literal(written.value))
            .map(|object| self.written_limits(object))
            .unwrap_or_default();
        MethodSettings {
            name: self.display_name(index),
            declared: settings.declared(),
            method_path,
            throttling,
        }
    }

    /// The limits a MethodSettings' `settings` or a stage's `defaultRouteSettings` set: both name
    /// them alike.
    fn written_limits(&self, object: Located<'tree>) -> Vec<(ThrottleLimit, LimitValue)> {
        [ThrottleLimit::Burst, ThrottleLimit::Rate]
            .into_iter()
            .filter_map(|limit| {
                let key = settings_key(limit);
                Some((limit, self.limit_value(key, self.property(object, key)?.value)))
            })
            .collect()
    }

    fn limit_value(&self, key: &str, value: Located<'tree>) -> LimitValue {
        let resolved = self.written_value(value);
        LimitValue {
            key: key.to_owned(),
            written: Written {
                value: self.text(value).to_owned(),
                at: value.into(),
            },
            number: self.number_value(resolved).map(|(number, _)| number),
            resolved: self.text(resolved).to_owned(),
        }
    }
}

impl<'tree> Program<'tree> {
    /// The program's integrations; `functions` maps a function's resource index to its index in
    /// the graph.
    pub(super) fn api_integrations(&self, functions: &HashMap<usize, usize>) -> Vec<ApiIntegration> {
        self.integrations()
            .iter()
            .map(|integration| self.api_integration(integration, functions))
            .collect()
    }

    fn api_integration(&self, integration: &Integration<'tree>, functions: &HashMap<usize, usize>) -> ApiIntegration {
        let setting = |value: &IntegrationValue<'tree>| IntegrationSetting {
            literal: value.literal.clone(),
            expression: value.expression.map(Site::from),
            written: value.written(),
            string: value.string(),
        };
        let functions_named = integration
            .uri
            .as_ref()
            .map(|uri| self.integration_functions(uri))
            .unwrap_or_default();
        let credentials_role = integration
            .credentials
            .as_ref()
            .and_then(|credentials| credentials.expression)
            .and_then(|expression| self.denoted_resource(expression))
            .filter(|reference| self.resources()[reference.resource].is_aws(&["iam", "Role"]))
            .map(|reference| self.display_name(reference.resource));
        let has_credentials = integration.kind() == IntegrationType::AwsProxy && integration.credentials.is_some();
        // A function the graph leaves out leaves the uri's targets unknown, not shorter.
        let mut targets = functions_named
            .into_iter()
            .map(|(function, attribute)| {
                let mut target = IntegrationTarget {
                    function: *functions.get(&function)?,
                    attribute,
                    alias: None,
                    instance: None,
                    invoke_permission: None,
                };
                if has_credentials && !target.is_qualified() {
                    target.invoke_permission = Some(self.api_gateway_invoke_permission(function, integration.rest_api));
                }
                Some(target)
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        if let Some((function, attribute, alias)) = integration
            .uri
            .as_ref()
            .and_then(|uri| self.alias_called(uri))
            .filter(|_| targets.is_empty())
        {
            targets.extend(functions.get(&function).map(|&function| IntegrationTarget {
                function,
                attribute,
                alias: Some(self.display_name(alias)),
                instance: None,
                invoke_permission: None,
            }));
        }
        ApiIntegration {
            at: integration.at.into(),
            rest_api: integration.rest_api.map(|api| self.resources()[api].declared()),
            kind: integration.kind(),
            is_resource: integration.on_resource,
            uri: integration.uri.as_ref().map(setting),
            targets,
            existing_target: None,
            http_method: integration.http_method.as_ref().map(setting),
            credentials: integration.credentials.as_ref().map(setting),
            credentials_role,
        }
    }

    /// The program's REST API deployments: each `aws.apigateway.Deployment`, and the one the
    /// CDK makes for a `SpecRestApi`. A Deployment made in a loop is one declaration: a
    /// `dependsOn` written on it holds each instance.
    pub(super) fn api_deployments(&self) -> Vec<ApiDeployment> {
        self.resources()
            .iter()
            .filter_map(|resource| {
                if resource.class.is(Package::Aws, &["apigateway", "Deployment"]) {
                    let rest_api = self
                        .argument(resource, "restApi")
                        .and_then(|api| self.denoted_resource(api.value))
                        .filter(|api| matches!(api.attribute.as_deref(), None | Some("id")))
                        .map(|api| &self.resources()[api.resource])
                        .filter(|api| api.is_aws(&["apigateway", "RestApi"]))
                        .map(ResourceDecl::declared);
                    return Some(ApiDeployment {
                        declared: resource.declared(),
                        rest_api,
                        cannot_wait: None,
                    });
                }
                let spec_rest_api = resource.class.package == Package::Cdk
                    && resource.class.path.last().is_some_and(|class| class == "SpecRestApi");
                spec_rest_api.then(|| ApiDeployment {
                    declared: resource.declared(),
                    rest_api: Some(resource.declared()),
                    cannot_wait: Some(
                        "the CDK makes the SpecRestApi's deployment itself, which infrafix does not make wait"
                            .to_owned(),
                    ),
                })
            })
            .collect()
    }

    /// For a uri reading an output of a Lambda alias of the program (`live.arn` of
    /// `new aws.lambda.Alias(…)`): the function it points at, the output read and the alias.
    fn alias_called(&self, uri: &IntegrationValue<'tree>) -> Option<(usize, Option<String>, usize)> {
        let reference = self.denoted_resource(uri.expression?)?;
        let alias = reference.resource;
        if !self.resources()[alias].is_aws(&["lambda", "Alias"]) {
            return None;
        }
        let function = self.aliased_function(alias);
        (function != alias && self.resources()[function].is_lambda_function()).then_some((
            function,
            reference.attribute,
            alias,
        ))
    }
}
