//! API Gateway stages and method settings of the root module: a `throttle_settings` block written
//! on an `aws_api_gateway_stage` or an `aws_apigatewayv2_stage` (neither has one;
//! `aws_api_gateway_usage_plan` does), the `aws_api_gateway_method_settings` that configure each
//! REST API stage, and the `default_route_settings` of each HTTP or WebSocket API stage.

use super::modules::ResourceInstance;
use super::{block_body, has_comment_inside, named_children, Located, TerraformProject};
use crate::cloud::{
    ApiStage, LimitValue, MethodSettings, MisplacedThrottle, RouteDefaults, StageSettings, ThrottleLimit, Written,
};
use crate::syntax::kind_of;

const REST_STAGE: &str = "aws_api_gateway_stage";
const ROUTE_STAGE: &str = "aws_apigatewayv2_stage";

/// The block of an `aws_apigatewayv2_stage` whose settings apply to every route.
pub const ROUTE_DEFAULTS: &str = "default_route_settings";

/// `throttle_settings` keys, and the limits they set.
const STAGE_LIMITS: [(&str, ThrottleLimit); 2] = [
    ("burst_limit", ThrottleLimit::Burst),
    ("rate_limit", ThrottleLimit::Rate),
];

/// The argument of a method settings' `settings` block that holds a limit.
pub fn settings_key(limit: ThrottleLimit) -> &'static str {
    match limit {
        ThrottleLimit::Burst => "throttling_burst_limit",
        ThrottleLimit::Rate => "throttling_rate_limit",
    }
}

impl<'a> TerraformProject<'a> {
    /// The stages and method settings the root module declares (a called module's are its own
    /// folder's to fix).
    pub(super) fn graph_stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        let instances = self.resource_instances();
        let root = || instances.iter().filter(|instance| instance.calls.is_empty());
        let settings: Vec<&ResourceInstance> = root()
            .filter(|instance| instance.resource.kind == "aws_api_gateway_method_settings")
            .collect();
        let stages = root()
            .filter_map(|instance| match instance.resource.kind.as_str() {
                REST_STAGE => Some(self.api_stage(instance, &settings)),
                ROUTE_STAGE => Some(self.route_stage(instance)),
                _ => None,
            })
            .collect();
        let method_settings = settings.iter().map(|settings| self.method_settings(settings)).collect();
        (stages, method_settings)
    }

    fn api_stage(&self, stage: &ResourceInstance<'_, 'a>, settings: &[&ResourceInstance<'_, 'a>]) -> ApiStage {
        let misplaced_throttle = self.misplaced_throttle(stage);
        let method_settings = match misplaced_throttle {
            Some(_) => settings
                .iter()
                .enumerate()
                .filter_map(|(index, candidate)| {
                    let doubt = self.configures(candidate, stage)?;
                    Some(StageSettings { settings: index, doubt })
                })
                .collect(),
            None => Vec::new(),
        };
        ApiStage {
            declared: stage.resource.block.site(),
            misplaced_throttle,
            method_settings,
            route_defaults: None,
        }
    }

    /// An HTTP or WebSocket API stage, which keeps its throttling in its own
    /// `default_route_settings`.
    fn route_stage(&self, stage: &ResourceInstance<'_, 'a>) -> ApiStage {
        let body = stage.resource.body;
        let written = self.nested_block(body, ROUTE_DEFAULTS);
        let throttling = if self.dynamic_block(body, ROUTE_DEFAULTS).is_some() {
            Err("they are made by a `dynamic` block".to_owned())
        } else if self.attribute(body, ROUTE_DEFAULTS).is_some() {
            Err("they are written as an argument, not a block".to_owned())
        } else {
            Ok(written
                .and_then(block_body)
                .map(|defaults| self.written_limits(defaults))
                .unwrap_or_default())
        };
        ApiStage {
            declared: stage.resource.block.site(),
            misplaced_throttle: self.misplaced_throttle(stage),
            method_settings: Vec::new(),
            route_defaults: Some(RouteDefaults {
                name: ROUTE_DEFAULTS.to_owned(),
                written: written.map(Located::site),
                throttling,
            }),
        }
    }

    fn misplaced_throttle(&self, stage: &ResourceInstance<'_, 'a>) -> Option<MisplacedThrottle> {
        let body = stage.resource.body;
        let kind = stage.resource.kind.as_str();
        let rest = kind == REST_STAGE;
        // The limits leave the block, rather than the block being renamed in place, for method
        // settings or default route settings the stage has already.
        let moved = rest || self.nested_block(body, ROUTE_DEFAULTS).is_some();
        let block = self.nested_block(body, "throttle_settings");
        let dynamic = self.dynamic_block(body, "throttle_settings");
        let attribute = self.attribute(body, "throttle_settings");
        let (at, problem, limits) = match (block, dynamic, attribute) {
            (Some(block), _, _) => (
                block,
                format!(
                    "`throttle_settings` is not a block of {kind} (terraform validate: Blocks of type \
\"throttle_settings\" are not expected here)"
                ),
                // New method settings would have to be repeated as the stage is; an HTTP API
                // stage's own block is renamed in each instance at once.
                match rest && self.is_repeated(body) {
                    true => Err(
                        "the stage is made by `count` or `for_each`, and new method settings would need the same"
                            .to_owned(),
                    ),
                    false => self.stage_limits(block, moved),
                },
            ),
            (None, Some(dynamic), _) => (
                dynamic,
                format!(
                    "`throttle_settings` is not a block of {kind}, dynamic or not (terraform validate: \
Blocks of type \"throttle_settings\" are not expected here)"
                ),
                Err("its limits are made by a `dynamic` block; move them by hand".to_owned()),
            ),
            (None, None, Some(attribute)) => (
                attribute,
                format!(
                    "`throttle_settings` is not an argument of {kind} (terraform validate: An argument \
named \"throttle_settings\" is not expected here)"
                ),
                Err("it is written as an argument, not a block; move its limits by hand".to_owned()),
            ),
            (None, None, None) => return None,
        };
        let remedy = match rest {
            true => "an aws_api_gateway_method_settings with method_path = \"*/*\"",
            false => {
                "the stage's `default_route_settings` block (`throttling_burst_limit`, `throttling_rate_limit`), \
which applies to every route"
            }
        };
        Some(MisplacedThrottle {
            at: at.site(),
            problem,
            remedy: remedy.to_owned(),
            limits,
        })
    }

    /// A `dynamic "KIND" { … }` block of a body.
    pub(super) fn dynamic_block(&self, body: Located<'a>, kind: &str) -> Option<Located<'a>> {
        named_children(body.node)
            .filter(|node| kind_of(node) == "block")
            .find(|block| {
                let mut parts = named_children(*block);
                let is_dynamic = parts
                    .next()
                    .is_some_and(|identifier| self.text(body.with(identifier)) == "dynamic");
                is_dynamic
                    && parts
                        .next()
                        .is_some_and(|label| self.text(body.with(label)).trim_matches('"') == kind)
            })
            .map(|block| body.with(block))
    }

    /// `moved`: whether the limits move out of the block, rather than the block being renamed.
    fn stage_limits(&self, block: Located<'a>, moved: bool) -> Result<Vec<(ThrottleLimit, LimitValue)>, String> {
        // A comment inside the braces may stand outside the block's body.
        if moved && has_comment_inside(block.node) {
            return Err("comments inside `throttle_settings` would be lost; move its limits by hand".to_owned());
        }
        // `throttle_settings {}` sets nothing: the fix only removes it.
        let Some(body) = block_body(block) else {
            return Ok(Vec::new());
        };
        if named_children(body.node).any(|node| kind_of(node) == "block") {
            return Err("`throttle_settings` holds a block infrafix does not know".to_owned());
        }
        self.arguments(body)
            .map(|(key, value)| {
                let limit = STAGE_LIMITS
                    .iter()
                    .find(|(stage_key, _)| *stage_key == key)
                    .map(|(_, limit)| *limit)
                    .ok_or_else(|| format!("`{key}` in `throttle_settings` has no method settings counterpart"))?;
                Ok((limit, self.limit_value(key, value)))
            })
            .collect()
    }

    fn method_settings(&self, settings: &ResourceInstance<'_, 'a>) -> MethodSettings {
        let body = settings.resource.body;
        let method_path = self
            .argument(body, "method_path")
            .and_then(|path| self.string_value(path, &[]))
            .map(|(path, _)| path);
        let throttling = self
            .nested_block(body, "settings")
            .and_then(block_body)
            .map(|limits| self.written_limits(limits))
            .unwrap_or_default();
        MethodSettings {
            name: format!("`{}`", settings.address()),
            declared: settings.resource.block.site(),
            method_path,
            throttling,
        }
    }

    /// The limits a method settings' `settings` or a stage's `default_route_settings` set: both
    /// name them alike.
    fn written_limits(&self, settings: Located<'a>) -> Vec<(ThrottleLimit, LimitValue)> {
        [ThrottleLimit::Burst, ThrottleLimit::Rate]
            .into_iter()
            .filter_map(|limit| {
                let key = settings_key(limit);
                Some((limit, self.limit_value(key, self.argument(settings, key)?)))
            })
            .collect()
    }

    fn limit_value(&self, key: &str, value: Located<'a>) -> LimitValue {
        let resolved = self.origin(value, &[]).map_or(value, |origin| origin.written);
        LimitValue {
            key: key.to_owned(),
            written: Written {
                value: self.text(value).to_owned(),
                at: value.site(),
            },
            number: self.number_value(value, &[]).map(|(number, _)| number),
            resolved: self.text(resolved).to_owned(),
        }
    }

    /// Whether method settings configure a stage: `None` when they surely do not; otherwise
    /// `Some(None)` when they surely do, or the reason it cannot be told.
    fn configures(
        &self,
        settings: &ResourceInstance<'_, 'a>,
        stage: &ResourceInstance<'_, 'a>,
    ) -> Option<Option<String>> {
        let Some(stage_name) = self.argument(settings.resource.body, "stage_name") else {
            return Some(Some("it names no stage".to_owned()));
        };
        if let Some(named) = self.stage_reference(stage_name) {
            return (named == stage.resource.name).then_some(None);
        }
        // Two REST APIs the module creates are two APIs, whatever their stages are called.
        let api = |body| {
            self.argument(body, "rest_api_id")
                .and_then(|value| self.rest_api(value))
        };
        if let (Some(settings_api), Some(stage_api)) = (api(settings.resource.body), api(stage.resource.body)) {
            if settings_api != stage_api {
                return None;
            }
        }
        let written = |body, key| {
            self.argument(body, key)
                .and_then(|value| self.string_value(value, &[]))
                .map(|(value, origin)| (value, origin.overridable))
        };
        let same_api = |settings_body, stage_body| {
            let api = |body| self.argument(body, "rest_api_id").map(|value| self.text(value));
            api(settings_body).is_some() && api(settings_body) == api(stage_body)
        };
        match (
            written(settings.resource.body, "stage_name"),
            written(stage.resource.body, "stage_name"),
        ) {
            // A variable's default is the name only where no deployment sets another.
            (Some((_, true)), _) | (_, Some((_, true))) => Some(Some(
                "a stage name comes from a variable's default, which a deployment may override".to_owned(),
            )),
            (Some((a, _)), Some((b, _))) if a != b => None,
            (Some(_), Some(_)) if same_api(settings.resource.body, stage.resource.body) => Some(None),
            _ => Some(Some("its stage cannot be told from its arguments".to_owned())),
        }
    }

    /// `NAME` in `aws_api_gateway_stage.NAME.stage_name`.
    fn stage_reference(&self, expression: Located<'a>) -> Option<&'a str> {
        match self.traversal(expression)?.as_slice() {
            [REST_STAGE, name, "stage_name"] => Some(name),
            _ => None,
        }
    }
}
