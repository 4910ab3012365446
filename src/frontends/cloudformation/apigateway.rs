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

/// What a stage's settings are written on: a resource, or SAM's `Globals` for every resource of
/// a type.
struct StageOwner<'t> {
    /// The resource's logical id, or the `Globals` section (`Globals: Api:`), for messages.
    name: String,
    /// The resource type whose stages these settings make.
    kind: &'t str,
    home: Home,
    /// The resource's declaration, or the `Globals` section's entry: how intents name the stage.
    declared: &'t Entry,
    properties: &'t Map,
    /// Whether these are `Globals`, which SAM merges into each resource of `kind`.
    globals: bool,
}

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
            let owner = StageOwner {
                name: format!("`{}`", resource.logical_id),
                kind,
                home: *home,
                declared: resource.entry,
                properties,
                globals: false,
            };
            stages.push(self.api_stage(&owner, &mut all_settings));
        }
        // SAM's `Globals` give their settings to every API of a type, the implicit one too.
        for owner in self.stage_globals() {
            stages.push(self.api_stage(&owner, &mut all_settings));
        }
        (stages, all_settings)
    }

    /// The sections of SAM's `Globals` that give APIs their stage settings (`Api`, `HttpApi`).
    fn stage_globals(&self) -> Vec<StageOwner<'_>> {
        let Some(globals) = self.is_sam().then(|| self.root.get("Globals")?.as_map()).flatten() else {
            return Vec::new();
        };
        STAGE_TYPES
            .iter()
            .filter_map(|(kind, home)| {
                let section = kind.strip_prefix("AWS::Serverless::")?;
                let declared = globals.entry(section)?;
                Some(StageOwner {
                    name: format!("`Globals: {section}:`"),
                    kind,
                    home: *home,
                    declared,
                    properties: declared.value.as_map()?,
                    globals: true,
                })
            })
            .collect()
    }

    fn api_stage(&self, owner: &StageOwner, all_settings: &mut Vec<MethodSettings>) -> ApiStage {
        let properties = owner.properties;
        let mut method_settings = Vec::new();
        for item in list_items(properties.entry("MethodSettings")) {
            method_settings.push(StageSettings {
                settings: all_settings.len(),
                doubt: None,
            });
            all_settings.push(self.method_settings(&owner.name, item));
        }
        let route_defaults = (owner.home == Home::RouteDefaults).then(|| {
            let written = properties.entry(ROUTE_DEFAULTS);
            RouteDefaults {
                name: ROUTE_DEFAULTS.to_owned(),
                written: written.map(|defaults| self.site(defaults.value.range.clone())),
                throttling: written.map_or(Ok(Vec::new()), |defaults| self.route_limits(&defaults.value)),
            }
        });
        ApiStage {
            declared: self.site(owner.declared.range.clone()),
            misplaced_throttle: properties
                .entry("ThrottleSettings")
                .map(|throttle| self.misplaced_throttle(owner, throttle)),
            method_settings,
            route_defaults,
        }
    }

    fn misplaced_throttle(&self, owner: &StageOwner, throttle: &Entry) -> MisplacedThrottle {
        let key = &throttle.key;
        let kind = owner.kind;
        // SAM's transform rejects a property its resources (or its `Globals`) do not have before
        // CloudFormation sees the template; cfn-lint reports the transform's error.
        let problem = match (owner.globals, kind.strip_prefix("AWS::Serverless::")) {
            (true, Some(section)) => format!(
                "`{key}` is not a property SAM's `Globals` take for {kind} (cfn-lint reports E0001; the SAM transform fails with \"'Globals' section is invalid. '{key}' is not a supported property of '{section}'\")"
            ),
            (false, Some(_)) => format!(
                "`{key}` is not a property of {kind} (cfn-lint reports E0001; the SAM transform fails with \"property {key} not defined for resource of type {kind}\")"
            ),
            (_, None) => format!(
                "`{key}` is not a property of {kind} (cfn-lint reports E3002; CloudFormation fails the stack with \"Encountered unsupported property {key}\")"
            ),
        };
        let remedy = match (owner.home, owner.globals) {
            (Home::MethodSettings, false) => "the stage's `MethodSettings`, in an entry with `ResourcePath: \"/*\"` and `HttpMethod: \"*\"` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`)",
            (Home::MethodSettings, true) => "the `MethodSettings` of `Globals: Api:`, in an entry with `ResourcePath: \"/*\"` and `HttpMethod: \"*\"` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`), which SAM adds to every REST API's",
            (Home::RouteDefaults, false) => "the stage's `DefaultRouteSettings` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`), which apply to every route",
            (Home::RouteDefaults, true) => "the `DefaultRouteSettings` of `Globals: HttpApi:` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`), which SAM gives every HTTP API",
        };
        let limits = self.throttle_limits(&throttle.value).and_then(|limits| {
            match owner.globals && owner.home == Home::MethodSettings {
                true => self.every_api_takes_global_method_settings().map(|()| limits),
                false => Ok(limits),
            }
        });
        MisplacedThrottle {
            at: self.site(throttle.range.clone()),
            problem,
            remedy: remedy.to_owned(),
            limits,
        }
    }

    /// SAM joins the `MethodSettings` list of `Globals` to each API's own (`Globals` first): an
    /// API with its own entry for every method would then have two, and one whose own
    /// `MethodSettings` are not a list keeps them instead of those of `Globals`. `Err` names the
    /// first API for which an entry added to `Globals` would do either.
    fn every_api_takes_global_method_settings(&self) -> Result<(), String> {
        let apis = self.resources().filter(|resource| {
            resource.kind == "AWS::Serverless::Api" && takes_global(resource.entry, "MethodSettings")
        });
        for api in apis {
            let Some(properties) = api.properties.and_then(Value::as_map) else {
                continue;
            };
            let id = api.logical_id;
            if properties.entry("ThrottleSettings").is_some() {
                return Err(format!(
                    "`{id}` sets its own `ThrottleSettings`, whose place is an entry for every method in its own `MethodSettings`, and SAM would add the one of `Globals` beside it: move each API's limits by hand"
                ));
            }
            let Some(own) = properties.entry("MethodSettings") else {
                continue;
            };
            let Some(items) = own.value.as_list() else {
                return Err(format!(
                    "the `MethodSettings` of `{id}` are not written as a list, and SAM keeps them instead of those of `Globals`, so its stage would lose the limits"
                ));
            };
            let every_method = items.items.iter().any(|item| {
                let path = item.get("ResourcePath").and_then(Value::text);
                let method = item.get("HttpMethod").and_then(Value::text);
                !matches!((path, method), (Some(path), Some(method)) if path != "/*" || method != "*")
            });
            if every_method {
                return Err(format!(
                    "`{id}` has its own `MethodSettings` entry for every method (or one infrafix cannot read), and SAM would add the one of `Globals` beside it, two for one stage: put the limits in that entry by hand"
                ));
            }
        }
        Ok(())
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
        let written = self.written(&entry.value.range).to_owned();
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

    fn method_settings(&self, owner: &str, item: &Value) -> MethodSettings {
        let path = item.get("ResourcePath").and_then(Value::text);
        let method = item.get("HttpMethod").and_then(Value::text);
        let throttling = item.as_map().map(|map| self.written_limits(map)).unwrap_or_default();
        MethodSettings {
            name: format!("the `MethodSettings` entry of {owner}"),
            declared: self.site(item.range.clone()),
            // API Gateway's method path: the resource path without its leading slash, then the method.
            method_path: path
                .zip(method)
                .map(|(path, method)| format!("{}/{method}", path.trim_start_matches('/'))),
            throttling,
        }
    }
}

/// The items of a list setting; none when it is missing or not a list.
fn list_items(entry: Option<&Entry>) -> &[Value] {
    entry
        .and_then(|entry| entry.value.as_list())
        .map(|list| list.items.as_slice())
        .unwrap_or_default()
}

/// Whether the SAM resource declared at `resource` takes `property` from `Globals`: its
/// `IgnoreGlobals` attribute neither is `"*"` nor lists it.
fn takes_global(resource: &Entry, property: &str) -> bool {
    match resource.value.get("IgnoreGlobals") {
        Some(ignored) => match ignored.as_list() {
            Some(list) => !list.items.iter().any(|item| item.text() == Some(property)),
            None => ignored.text() != Some("*"),
        },
        None => true,
    }
}
