//! API Gateway stages and method settings of the root module: a `throttle_settings` block written
//! on an `aws_api_gateway_stage` (which has none; `aws_api_gateway_usage_plan` does), and the
//! `aws_api_gateway_method_settings` that configure each stage.

use super::modules::ResourceInstance;
use super::{block_body, has_comment_inside, named_children, Located, TerraformProject};
use crate::cloud::{ApiStage, LimitValue, MethodSettings, MisplacedThrottle, StageSettings, ThrottleLimit, Written};
use crate::syntax::kind_of;

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
            .filter(|instance| instance.resource.kind == "aws_api_gateway_stage")
            .map(|stage| self.api_stage(stage, &settings))
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
        }
    }

    fn misplaced_throttle(&self, stage: &ResourceInstance<'_, 'a>) -> Option<MisplacedThrottle> {
        let body = stage.resource.body;
        let block = self.nested_block(body, "throttle_settings");
        let dynamic = self.dynamic_block(body, "throttle_settings");
        let attribute = self.attribute(body, "throttle_settings");
        let repeated = self.is_repeated(body);
        let (at, problem, limits) = match (block, dynamic, attribute) {
            (Some(block), _, _) => (
                block,
                "`throttle_settings` is not a block of aws_api_gateway_stage (terraform validate: Blocks of type \
\"throttle_settings\" are not expected here)",
                match repeated {
                    true => Err(
                        "the stage is made by `count` or `for_each`, and new method settings would need the same"
                            .to_owned(),
                    ),
                    false => self.stage_limits(block),
                },
            ),
            (None, Some(dynamic), _) => (
                dynamic,
                "`throttle_settings` is not a block of aws_api_gateway_stage, dynamic or not (terraform validate: \
Blocks of type \"throttle_settings\" are not expected here)",
                Err("its limits are made by a `dynamic` block; move them by hand".to_owned()),
            ),
            (None, None, Some(attribute)) => (
                attribute,
                "`throttle_settings` is not an argument of aws_api_gateway_stage (terraform validate: An argument \
named \"throttle_settings\" is not expected here)",
                Err("it is written as an argument, not a block; move its limits by hand".to_owned()),
            ),
            (None, None, None) => return None,
        };
        Some(MisplacedThrottle {
            at: at.site(),
            problem: problem.to_owned(),
            remedy: "an aws_api_gateway_method_settings with method_path = \"*/*\"".to_owned(),
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

    fn stage_limits(&self, block: Located<'a>) -> Result<Vec<(ThrottleLimit, LimitValue)>, String> {
        // A comment inside the braces may stand outside the block's body.
        if has_comment_inside(block.node) {
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
        let limits = self.nested_block(body, "settings").and_then(block_body);
        let throttling = limits
            .into_iter()
            .flat_map(|limits| {
                [ThrottleLimit::Burst, ThrottleLimit::Rate]
                    .into_iter()
                    .filter_map(move |limit| {
                        let key = settings_key(limit);
                        Some((limit, self.limit_value(key, self.argument(limits, key)?)))
                    })
            })
            .collect();
        MethodSettings {
            name: format!("`{}`", settings.address()),
            declared: settings.resource.block.site(),
            method_path,
            throttling,
        }
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
            ["aws_api_gateway_stage", name, "stage_name"] => Some(name),
            _ => None,
        }
    }
}
