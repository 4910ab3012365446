//! `apigw-stage-throttle-settings`: `throttleSettings` on an `aws.apigateway.Stage`.

use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::program::{Located, Program, ResourceDecl};
use crate::rules::{RuleContext, RuleId};
use crate::style::template::Code;

pub const DOCUMENTATION: &str = r#"`throttleSettings` on an API Gateway Stage, which has no such property.

## What it does
Finds `throttleSettings` in the arguments of an `aws.apigateway.Stage`. Moves the limits into an
`aws.apigateway.MethodSettings` for that stage with `methodPath: "*/*"` (every method of the
stage), which is where API Gateway keeps a stage's default throttling.

## Why is this bad?
`StageArgs` has no such property, so the program does not compile:

    TS2353: Object literal may only specify known properties, and 'throttleSettings' does not
    exist in type 'StageArgs'.

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
first bound to a `const`. When the stage already has a `"*/*"` MethodSettings, the limits are
merged into its `settings` (a limit it already sets is kept). Not fixed, and said why: settings that
are not an object literal, keys other than `burstLimit` and `rateLimit`, a stage that is not a
statement of its own.
"#;

/// Stage `throttleSettings` keys and the MethodSettings `settings` keys that take their values.
const LIMITS: [(&str, &str); 4] = [
    ("burstLimit", "throttlingBurstLimit"),
    ("rateLimit", "throttlingRateLimit"),
    ("throttlingBurstLimit", "throttlingBurstLimit"),
    ("throttlingRateLimit", "throttlingRateLimit"),
];

const MESSAGE: &str = "`throttleSettings` is not a property of aws.apigateway.Stage (tsc reports TS2353 \
where it checks the arguments against StageArgs): a stage's throttling belongs in an \
aws.apigateway.MethodSettings with methodPath \"*/*\".";

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let program = context.program;
    let stages = program
        .resources()
        .iter()
        .enumerate()
        .filter(|(_, resource)| resource.is_aws(&["apigateway", "Stage"]));
    for (index, stage) in stages {
        let Some(args) = stage.args().and_then(|args| program.object_literal(args)) else {
            continue;
        };
        let Some(throttle) = program.property(args, "throttleSettings") else {
            continue;
        };
        let finding = Finding::new(
            RuleId::ApigwStageThrottleSettings,
            throttle.property.file,
            throttle.property.node.byte_range(),
            MESSAGE,
        );
        findings.push(finding.with_outcome(fix(program, index, args, throttle.property, throttle.value)));
    }
}

fn fix<'tree>(
    program: &Program<'tree>,
    stage_index: usize,
    args: Located<'tree>,
    property: Located<'tree>,
    value: Located<'tree>,
) -> Result<Fix, String> {
    if property.node.parent() != Some(args.node) {
        return Err("the setting comes from an object spread into the arguments".to_owned());
    }
    let stage = &program.resources()[stage_index];
    if program.own_arguments(stage).is_none_or(|own| own.node != args.node) {
        return Err(
            "the arguments are a `const` that other code reads too; the setting would leave them all".to_owned(),
        );
    }
    let limits = limits(program, value)?;
    let mut edits = vec![program.remove_property(property)];
    let reference = program.name_resource_at(stage_index, stage.statement(), &mut edits)?;
    match existing_method_settings(program, stage, &reference) {
        Some(existing) => edits.push(merge_into(program, existing, &limits)?),
        None => edits.push(new_method_settings(program, stage, args, &reference, limits)?),
    }
    Ok(Fix::safe(edits))
}

/// The limits, as `settings` entries of a MethodSettings: (key, value source).
fn limits<'tree>(program: &Program<'tree>, value: Located<'tree>) -> Result<Vec<(&'static str, String)>, String> {
    let object = program
        .object_literal(value)
        .ok_or("`throttleSettings` is not an object literal")?;
    let mut limits = Vec::new();
    for member in crate::program::named_children(object.node).filter(|member| member.kind() != "comment") {
        let key = member.child_by_field_name("key").map(|key| {
            program.text(Located {
                file: object.file,
                node: key,
            })
        });
        let target = LIMITS
            .iter()
            .find(|(stage_key, _)| Some(*stage_key) == key)
            .map(|(_, target)| *target);
        match (target, member.child_by_field_name("value")) {
            (Some(target), Some(value)) => limits.push((
                target,
                program
                    .text(Located {
                        file: object.file,
                        node: value,
                    })
                    .to_owned(),
            )),
            _ => {
                return Err(format!(
                    "`{}` in `throttleSettings` has no MethodSettings counterpart infrafix knows",
                    program.text(Located {
                        file: object.file,
                        node: member
                    })
                ))
            }
        }
    }
    Ok(limits)
}

/// A MethodSettings for every method (`*/*`) of this stage, already in the program.
fn existing_method_settings<'tree>(
    program: &Program<'tree>,
    stage: &ResourceDecl<'tree>,
    reference: &str,
) -> Option<Located<'tree>> {
    let stage_name = format!("{reference}.stageName");
    program
        .resources()
        .iter()
        .filter(|resource| resource.is_aws(&["apigateway", "MethodSettings"]) && resource.file == stage.file)
        .find_map(|settings| {
            let args = program.object_literal(settings.args()?)?;
            let names_stage = program
                .property(args, "stageName")
                .is_some_and(|p| program.text(p.value).split_whitespace().collect::<String>() == stage_name);
            let every_method = program
                .property(args, "methodPath")
                .and_then(|p| program.string_value(p.value))
                .as_deref()
                == Some("*/*");
            (names_stage && every_method).then_some(args)
        })
}

fn merge_into<'tree>(
    program: &Program<'tree>,
    args: Located<'tree>,
    limits: &[(&'static str, String)],
) -> Result<Edit, String> {
    let Some(settings) = program.property(args, "settings") else {
        let entries: Vec<(&str, Code)> = limits
            .iter()
            .map(|(key, value)| (*key, Code::verbatim(value.clone())))
            .collect();
        return Ok(program.add_properties(args, &[("settings", Code::object(entries))]));
    };
    let object = program
        .object_literal(settings.value)
        .filter(|object| object.file == args.file)
        .ok_or("the existing MethodSettings' `settings` is not an object literal")?;
    let missing: Vec<(&str, Code)> = limits
        .iter()
        .filter(|(key, _)| program.property(object, key).is_none())
        .map(|(key, value)| (*key, Code::verbatim(value.clone())))
        .collect();
    if missing.is_empty() {
        return Err(
            "the stage's \"*/*\" MethodSettings already sets these limits; remove `throttleSettings` by hand"
                .to_owned(),
        );
    }
    Ok(program.add_properties(object, &missing))
}

fn new_method_settings<'tree>(
    program: &Program<'tree>,
    stage: &ResourceDecl<'tree>,
    args: Located<'tree>,
    reference: &str,
    limits: Vec<(&'static str, String)>,
) -> Result<Edit, String> {
    let rest_api = program.property(args, "restApi").ok_or("the stage has no `restApi`")?;
    let settings = Code::object(limits.into_iter().map(|(key, value)| (key, Code::verbatim(value))));
    let method_settings = Code::object([
        ("restApi", Code::verbatim(program.text(rest_api.value))),
        ("stageName", Code::verbatim(format!("{reference}.stageName"))),
        ("methodPath", Code::text("*/*")),
        ("settings", settings),
    ]);
    // Nothing refers to the new resource, so it stays a bare statement: a const nobody reads would
    // trip `noUnusedLocals`.
    let new = program.new_resource_beside(
        stage,
        &["apigateway", "MethodSettings"],
        "method-settings",
        method_settings,
    )?;
    Ok(program.insert_statement_after(stage.statement(), &new.code, None))
}
