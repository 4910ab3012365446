//! `AWS::ApiGateway::Stage` resources: a `ThrottleSettings` property written on one (the shape of a
//! usage plan's `Throttle`) is no property of a stage; its limits belong in the stage's own
//! `MethodSettings`, whose entries are the method settings of the graph.

use super::Template;
use crate::cloud::{ApiStage, LimitValue, MethodSettings, MisplacedThrottle, StageSettings, ThrottleLimit, Written};
use crate::frontends::document::{Entry, Value};

const STAGE_TYPE: &str = "AWS::ApiGateway::Stage";

impl<'a> Template<'a> {
    pub(super) fn graph_stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        let mut stages = Vec::new();
        let mut all_settings = Vec::new();
        for resource in self.resources().filter(|resource| resource.kind == STAGE_TYPE) {
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
            stages.push(ApiStage {
                declared: self.site(resource.entry.range.clone()),
                misplaced_throttle: properties
                    .entry("ThrottleSettings")
                    .map(|throttle| self.misplaced_throttle(throttle)),
                method_settings,
            });
        }
        (stages, all_settings)
    }

    fn misplaced_throttle(&self, throttle: &Entry) -> MisplacedThrottle {
        MisplacedThrottle {
            at: self.site(throttle.range.clone()),
            problem: format!(
                "`{}` is not a property of {STAGE_TYPE} (cfn-lint reports E3002; CloudFormation fails the stack with \"Encountered unsupported property {}\")",
                throttle.key, throttle.key
            ),
            remedy: "the stage's `MethodSettings`, in an entry with `ResourcePath: \"/*\"` and `HttpMethod: \"*\"` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`)".to_owned(),
            limits: self.throttle_limits(&throttle.value),
        }
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

    fn method_settings(&self, stage: &str, item: &Value) -> MethodSettings {
        let path = item.get("ResourcePath").and_then(Value::text);
        let method = item.get("HttpMethod").and_then(Value::text);
        let throttling = [
            ("ThrottlingBurstLimit", ThrottleLimit::Burst),
            ("ThrottlingRateLimit", ThrottleLimit::Rate),
        ]
        .into_iter()
        .filter_map(|(key, limit)| {
            let entry = item.as_map()?.entry(key)?;
            Some((limit, self.limit_value(entry)))
        })
        .collect();
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
