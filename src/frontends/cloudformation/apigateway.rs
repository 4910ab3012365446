//! API Gateway stages: a `ThrottleSettings` property (the shape of a usage plan's `Throttle`) is
//! no property of any stage. On a REST API stage (`AWS::ApiGateway::Stage`, or the stage SAM makes
//! for an `AWS::Serverless::Api`) its limits belong in the stage's own `MethodSettings`, whose
//! entries are the method settings of the graph; on an HTTP or WebSocket API stage
//! (`AWS::ApiGatewayV2::Stage`, or SAM's `AWS::Serverless::HttpApi`) in its
//! `DefaultRouteSettings`.

use super::Template;
use crate::cloud::{
    ApiStage, LimitValue, MethodSettings, MisplacedThrottle, RouteDefaults, StageSettings, ThrottleLimit, Written,
};
use crate::frontends::document::{Entry, Map, Value};

/// The resources that make a stage, and where each keeps a stage's throttling.
const STAGE_TYPES: [(&str, Home); 4] = [
    ("AWS::ApiGateway::Stage", Home::MethodSettings),
    ("AWS::Serverless::Api", Home::MethodSettings),
    ("AWS::ApiGatewayV2::Stage", Home::RouteDefaults),
    ("AWS::Serverless::HttpApi", Home::RouteDefaults),
];

/// Where a stage keeps its throttling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Home {
    /// A REST API stage: a `MethodSettings` entry for every method.
    MethodSettings,
    /// An HTTP or WebSocket API stage: its `DefaultRouteSettings`.
    RouteDefaults,
}

const ROUTE_DEFAULTS: &str = "DefaultRouteSettings";

impl<'a> Template<'a> {
    pub(super) fn graph_stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        let mut stages = Vec::new();
        let mut all_settings = Vec::new();
        for resource in self.resources() {
            let Some((kind, home)) = STAGE_TYPES.iter().find(|(kind, _)| *kind == resource.kind) else {
                continue;
            };
            let Some(properties) = resource.properties.and_then(Value::as_map) else {
                continue;
            };
            let mut method_settings = Vec::new();
            let entries = properties
                .entry("MethodSettings")
                .and_then(|entry| entry.value.as_list())
                .map(|list| list.items.as_slice())
                .unwrap_or_default();
            for item in entries {
                method_settings.push(StageSettings {
                    settings: all_settings.len(),
                    doubt: None,
                });
                all_settings.push(self.method_settings(resource.logical_id, item));
            }
            let route_defaults = (*home == Home::RouteDefaults).then(|| {
                let written = properties.entry(ROUTE_DEFAULTS);
                RouteDefaults {
                    name: ROUTE_DEFAULTS.to_owned(),
                    written: written.map(|defaults| self.site(defaults.value.range.clone())),
                    throttling: written.map_or(Ok(Vec::new()), |defaults| self.route_limits(&defaults.value)),
                }
            });
            stages.push(ApiStage {
                declared: self.site(resource.entry.range.clone()),
                misplaced_throttle: properties
                    .entry("ThrottleSettings")
                    .map(|throttle| self.misplaced_throttle(kind, *home, throttle)),
                method_settings,
                route_defaults,
            });
        }
        (stages, all_settings)
    }

    fn misplaced_throttle(&self, kind: &str, home: Home, throttle: &Entry) -> MisplacedThrottle {
        let key = &throttle.key;
        // SAM's transform rejects a property its resources do not have before CloudFormation
        // sees the template; cfn-lint reports the transform's error.
        let problem = match kind.starts_with("AWS::Serverless::") {
            true => format!(
                "`{key}` is not a property of {kind} (cfn-lint reports E0001; the SAM transform fails with \"property {key} not defined for resource of type {kind}\")"
            ),
            false => format!(
                "`{key}` is not a property of {kind} (cfn-lint reports E3002; CloudFormation fails the stack with \"Encountered unsupported property {key}\")"
            ),
        };
        let remedy = match home {
            Home::MethodSettings => "the stage's `MethodSettings`, in an entry with `ResourcePath: \"/*\"` and `HttpMethod: \"*\"` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`)",
            Home::RouteDefaults => "the stage's `DefaultRouteSettings` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`), which apply to every route",
        };
        MisplacedThrottle {
            at: self.site(throttle.range.clone()),
            problem,
            remedy: remedy.to_owned(),
            limits: self.throttle_limits(&throttle.value),
        }
    }

    /// The limits an HTTP or WebSocket API stage's `DefaultRouteSettings` set.
    fn route_limits(&self, defaults: &Value) -> Result<Vec<(ThrottleLimit, LimitValue)>, String> {
        let map = defaults.as_map().ok_or("they are not written as a map")?;
        Ok(self.written_limits(map))
    }

    fn throttle_limits(&self, settings: &Value) -> Result<Vec<(ThrottleLimit, LimitValue)>, String> {
        let map = settings
            .as_map()
            .ok_or("its value is not a map of limits, so infrafix cannot move them")?;
        map.entries
            .iter()
            .map(|entry| {
                let limit = match entry.key.as_str() {
                    "BurstLimit" | "ThrottlingBurstLimit" => ThrottleLimit::Burst,
                    "RateLimit" | "ThrottlingRateLimit" => ThrottleLimit::Rate,
                    other => return Err(format!("`{other}` is not a throttling limit infrafix can move")),
                };
                Ok((limit, self.limit_value(entry)))
            })
            .collect()
    }

    fn limit_value(&self, entry: &Entry) -> LimitValue {
        let written = self.text[entry.value.range.clone()].to_owned();
        let resolved = self.candidates(&entry.value).sole();
        LimitValue {
            key: entry.key.clone(),
            number: resolved.and_then(|candidate| candidate.scalar.text.parse().ok()),
            resolved: resolved.map_or_else(|| written.clone(), |candidate| candidate.scalar.text.clone()),
            written: Written {
                value: written,
                at: self.site(entry.value.range.clone()),
            },
        }
    }

    /// The limits a method settings entry or route settings set: both name them alike.
    fn written_limits(&self, settings: &Map) -> Vec<(ThrottleLimit, LimitValue)> {
        [
            ("ThrottlingBurstLimit", ThrottleLimit::Burst),
            ("ThrottlingRateLimit", ThrottleLimit::Rate),
        ]
        .into_iter()
        .filter_map(|(key, limit)| Some((limit, self.limit_value(settings.entry(key)?))))
        .collect()
    }

    fn method_settings(&self, stage: &str, item: &Value) -> MethodSettings {
        let path = item.get("ResourcePath").and_then(Value::text);
        let method = item.get("HttpMethod").and_then(Value::text);
        let throttling = item.as_map().map(|map| self.written_limits(map)).unwrap_or_default();
        MethodSettings {
            name: format!("the `MethodSettings` entry of `{stage}`"),
            declared: self.site(item.range.clone()),
            // API Gateway's method path: the resource path without its leading slash, then the method.
            method_path: path
                .zip(method)
                .map(|(path, method)| format!("{}/{method}", path.trim_start_matches('/'))),
            throttling,
        }
    }
}
