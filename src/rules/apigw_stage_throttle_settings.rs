//! `apigw-stage-throttle-settings`: throttle limits written on an API Gateway stage itself, REST
//! or HTTP/WebSocket, which takes them only in its method or default route settings.

use crate::cloud::{
    ApiStage, CloudGraph, FixPlan, Intent, LimitValue, MethodSettings, MisplacedThrottle, RouteDefaults, Site,
    ThrottleLimit,
};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix};
use crate::rules::{RuleContext, RuleId};

pub const DOCUMENTATION: &str = r#"`throttleSettings` on an API Gateway Stage, which has no such property.

## What it does
Finds `throttleSettings` in the arguments of an `aws.apigateway.Stage`. Moves the limits into an
`aws.apigateway.MethodSettings` for that stage with `methodPath: "*/*"` (every method of the
stage), which is where API Gateway keeps a stage's default throttling.

In Terraform: a `throttle_settings` block on an `aws_api_gateway_stage` of the root module moves
into a new `aws_api_gateway_method_settings` after the stage (`method_path = "*/*"`,
`settings { throttling_burst_limit, throttling_rate_limit }`), or into the `settings` of the
stage's existing `"*/*"` one; comments above the block move with the limits.

In CloudFormation and SAM (and a Serverless service's `resources:`): `ThrottleSettings` on an
`AWS::ApiGateway::Stage` (cfn-lint E3002; the stack fails with "Encountered unsupported property
ThrottleSettings") or an `AWS::Serverless::Api` (the SAM transform fails: "property
ThrottleSettings not defined for resource of type AWS::Serverless::Api") moves into the stage's
`MethodSettings`: into its `ResourcePath: "/*"`, `HttpMethod: "*"` entry, or as a new entry in the
place of the removed setting.

An HTTP or WebSocket API stage (API Gateway v2) has no method settings: it keeps a stage's
throttling in its own default route settings, which apply to every route. `throttleSettings` on an
`aws.apigatewayv2.Stage`, a `throttle_settings` block on an `aws_apigatewayv2_stage`, and
`ThrottleSettings` on an `AWS::ApiGatewayV2::Stage` or an `AWS::Serverless::HttpApi` become the
stage's `defaultRouteSettings` / `default_route_settings` / `DefaultRouteSettings` where they are
written (`burstLimit` and `rateLimit` renamed `throttlingBurstLimit` and `throttlingRateLimit`, in
each language's spelling), comments and values kept; or, where the stage has default route
settings already, the limits join them. Per-route `RouteSettings` are left as they are.

SAM's `Globals` take neither: `ThrottleSettings` under `Globals: Api:` or `Globals: HttpApi:`
fails the transform ("'Globals' section is invalid. 'ThrottleSettings' is not a supported property
of 'Api'"). Both sections take where the limits belong, for every API of the template (the one
SAM makes from functions' events too): under `Api:` the limits move into an entry of its
`MethodSettings` for every method (the one it has, or a new one), under `HttpApi:` they become its
`DefaultRouteSettings`. SAM adds the `MethodSettings` of `Globals` to each API's own, so that
move is refused, saying why, while an `AWS::Serverless::Api` taking them (no `IgnoreGlobals`
naming them) has its own entry for every method (two would configure one stage), its own
`ThrottleSettings` (whose fix writes such an entry), or `MethodSettings` that are not a list (SAM
then keeps them instead).

In an AWS CDK app there is nothing to find: the L2 `Stage` (and `deployOptions`) takes
`throttlingRateLimit`, `throttlingBurstLimit` and `methodOptions` and writes the stage's
`MethodSettings` itself, and `CfnStage` has no `throttleSettings` for tsc to accept.

## Why is this bad?
`StageArgs` has no such property, so the program does not compile:

    TS2353: Object literal may only specify known properties, and 'throttleSettings' does not
    exist in type 'StageArgs'.

Terraform rejects the configuration: `Blocks of type "throttle_settings" are not expected here.`

(`aws.apigateway.UsagePlan` does have `throttleSettings`; it limits API keys, not the stage, and
this rule leaves it alone.)

## Example
```ts
const stage = new aws.apigateway.Stage("api-stage", {
    restApi: api.id,
    deployment: deployment.id,
    stageName: "prod",
    throttleSettings: { burstLimit: 100, rateLimit: 50 },
});
```

## Use instead
```ts
const stage = new aws.apigateway.Stage("api-stage", {
    restApi: api.id,
    deployment: deployment.id,
    stageName: "prod",
});

new aws.apigateway.MethodSettings("api-stage-method-settings", {
    restApi: api.id,
    stageName: stage.stageName,
    methodPath: "*/*",
    settings: { throttlingBurstLimit: 100, throttlingRateLimit: 50 },
});
```

## Fix safety
Safe: the limits keep their values and apply to the same stage. The new resource goes right after
the stage, carries the stage's `provider` and `parent` options, and takes a logical name derived
from the stage's (so two instances of a component never collide); a stage that nothing holds is
first bound to a `const`.

A stage may already have a `"*/*"` MethodSettings, in any module of the project. API Gateway keys
method settings by API, stage name and method path, so one is the stage's when its `restApi` names
the stage's API (`api.id` or `api`, or the same value) and its `stageName` is the stage's name
however it is written: `stage.stageName` (also through an import), or a string equal to the
stage's own `stageName` (a literal, or a const holding it, in any module). The limits are then
merged into its `settings`; a limit it already sets to the same value is left as it is. Settings
for single methods (`orders/GET`) are not stage-wide: a new `"*/*"` one goes beside them.

Not fixed, and said why: the existing `"*/*"` MethodSettings, or an HTTP API stage's default route
settings, set a limit to another value (the fix would have to choose one); default route settings
infrafix cannot read (not a literal, a `dynamic` block); a MethodSettings that may be the stage's but cannot be told apart (a
stage name or API known only when the program runs), since a second `"*/*"` one for a stage fails
to deploy; settings that are not an object literal, keys other than `burstLimit` and
`rateLimit`, a stage that is not a statement of its own; in Terraform, `throttle_settings` written
as an argument (`= { … }`) and a REST API stage made by `count` or `for_each` (an HTTP API stage's
block is renamed in every instance at once).
"#;

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let graph = context.graph();
    for stage in graph.stages() {
        let Some(throttle) = &stage.misplaced_throttle else {
            continue;
        };
        let message = format!(
            "{}: a stage's throttling belongs in {}.",
            throttle.problem, throttle.remedy
        );
        let finding = Finding::new(
            RuleId::ApigwStageThrottleSettings,
            throttle.at.file,
            throttle.at.range.clone(),
            message,
        );
        let fix = throttle
            .limits
            .clone()
            .and_then(|limits| fix(context, stage, throttle, &limits));
        findings.push(finding.with_outcome(fix));
    }
}

fn fix(
    context: &RuleContext,
    stage: &ApiStage,
    throttle: &MisplacedThrottle,
    limits: &[(ThrottleLimit, LimitValue)],
) -> Result<Fix, String> {
    let intents = match &stage.route_defaults {
        Some(defaults) => into_route_defaults(throttle, defaults, limits)?,
        None => into_method_settings(context.graph(), stage, throttle, limits)?,
    };
    context.render(&FixPlan {
        intents,
        applicability: Applicability::Safe,
    })
}

/// A REST API stage's throttling goes into method settings for every method of the stage.
fn into_method_settings(
    graph: &CloudGraph,
    stage: &ApiStage,
    throttle: &MisplacedThrottle,
    limits: &[(ThrottleLimit, LimitValue)],
) -> Result<Vec<Intent>, String> {
    let mut intents = vec![Intent::RemoveSetting {
        at: throttle.at.clone(),
    }];
    // Settings that set no limit have nothing to move.
    if limits.is_empty() {
        return Ok(intents);
    }
    let placed = placed(limits);
    match every_method_settings(graph, stage)? {
        // The existing settings take the limits they lack; with all of them set already to
        // these values, removing the stage's setting is the whole change.
        Some(existing) => {
            let shown = format!(
                "{}, the stage's method settings for every method (\"*/*\"),",
                existing.name
            );
            check_no_conflict(&shown, &existing.throttling, limits)?;
            intents.push(Intent::AddThrottling {
                settings: existing.declared.clone(),
                limits: placed,
            });
        }
        None => intents.push(Intent::AddStageMethodSettings {
            stage: stage.declared.clone(),
            limits: placed,
        }),
    }
    Ok(intents)
}

/// An HTTP or WebSocket API stage's throttling goes into its own default route settings: the
/// setting becomes them where the stage has none, or its limits join those it has.
fn into_route_defaults(
    throttle: &MisplacedThrottle,
    defaults: &RouteDefaults,
    limits: &[(ThrottleLimit, LimitValue)],
) -> Result<Vec<Intent>, String> {
    let Some(written) = &defaults.written else {
        return Ok(vec![Intent::MoveThrottlingToRouteDefaults {
            setting: throttle.at.clone(),
        }]);
    };
    let existing = defaults
        .throttling
        .as_ref()
        .map_err(|why| format!("the stage's `{}` cannot be read: {why}", defaults.name))?;
    check_no_conflict(&format!("the stage's `{}`", defaults.name), existing, limits)?;
    Ok(vec![
        Intent::RemoveSetting {
            at: throttle.at.clone(),
        },
        Intent::AddThrottling {
            settings: written.clone(),
            limits: placed(limits),
        },
    ])
}

/// Each limit, copied from where the stage's setting writes it.
fn placed(limits: &[(ThrottleLimit, LimitValue)]) -> Vec<(ThrottleLimit, Site)> {
    limits
        .iter()
        .map(|(limit, value)| (*limit, value.written.at.clone()))
        .collect()
}

/// The method settings for every method (`*/*`) of this stage already in the program, found by
/// what API Gateway keys them by (API, stage name, path), not by how the program spells them.
/// `Err` when some may exist but cannot be told apart: a second `"*/*"` one for the stage fails
/// to deploy.
fn every_method_settings<'graph>(
    graph: &'graph CloudGraph,
    stage: &ApiStage,
) -> Result<Option<&'graph MethodSettings>, String> {
    let mut sure = Vec::new();
    let mut doubts = Vec::new();
    for candidate in &stage.method_settings {
        let Some(settings) = graph.method_settings().get(candidate.settings) else {
            continue;
        };
        let shown = &settings.name;
        match (settings.method_path.as_deref(), &candidate.doubt) {
            (Some("*/*"), None) => sure.push(settings),
            (None, None) => doubts.push(format!(
                "{shown} configures this stage with a method path infrafix cannot read, and second method settings for every method (\"*/*\") would conflict with them"
            )),
            (Some("*/*") | None, Some(why)) => doubts.push(format!(
                "{shown} may configure this stage ({why}), and second method settings for every method (\"*/*\") would conflict with them"
            )),
            // Settings for single methods (`items/GET`) stand beside a `"*/*"` one; only a second
            // `"*/*"` conflicts.
            (Some(_), _) => {}
        }
    }
    match (sure.as_slice(), doubts.into_iter().next()) {
        ([existing], _) => Ok(Some(*existing)),
        ([], None) => Ok(None),
        ([], Some(doubt)) => Err(doubt),
        (_, _) => Err("the stage already has more than one method settings for every method (\"*/*\")".to_owned()),
    }
}

/// A limit the settings the stage already has (`shown`) set to another value would make the fix
/// choose between the two, so that is left to the user.
fn check_no_conflict(
    shown: &str,
    existing: &[(ThrottleLimit, LimitValue)],
    limits: &[(ThrottleLimit, LimitValue)],
) -> Result<(), String> {
    for (limit, value) in limits {
        let conflicting = existing
            .iter()
            .find(|(set, current)| set == limit && !current.same_as(value));
        if let Some((_, current)) = conflicting {
            return Err(format!(
                "{shown} set `{}` to `{}` and the stage's throttling asks for `{}`; keep one and remove the other by hand",
                current.key, current.written.value, value.written.value
            ));
        }
    }
    Ok(())
}
