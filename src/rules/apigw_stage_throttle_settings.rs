//! `apigw-stage-throttle-settings`: `throttleSettings` on an `aws.apigateway.Stage`.

use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::frontends::pulumi::{Located, Program, ResourceDecl};
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
first bound to a `const`.

A stage may already have a `"*/*"` MethodSettings, in any module of the project. API Gateway keys
method settings by API, stage name and method path, so one is the stage's when its `restApi` names
the stage's API (`api.id` or `api`, or the same value) and its `stageName` is the stage's name
however it is written: `stage.stageName` (also through an import), or a string equal to the
stage's own `stageName` (a literal, or a const holding it, in any module). The limits are then
merged into its `settings`; a limit it already sets to the same value is left as it is. Settings
for single methods (`orders/GET`) are not stage-wide: a new `"*/*"` one goes beside them.

Not fixed, and said why: the existing `"*/*"` MethodSettings sets a limit to another value (the fix
would have to choose one); a MethodSettings that may be the stage's but cannot be told apart (a
stage name or API known only when the program runs), since a second `"*/*"` one for a stage fails
to deploy; settings that are not an object literal, keys other than `burstLimit` and
`rateLimit`, a stage that is not a statement of its own.
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
    match every_method_settings(program, stage_index)? {
        Some(existing) => edits.extend(merge_into(program, existing, &limits)?),
        None => {
            let reference = program.name_resource_at(stage_index, stage.statement(), &mut edits)?;
            edits.push(new_method_settings(program, stage, args, &reference, &limits)?);
        }
    }
    Ok(Fix::safe(edits))
}

/// The limits, as `settings` entries of a MethodSettings: (key, value).
fn limits<'tree>(
    program: &Program<'tree>,
    value: Located<'tree>,
) -> Result<Vec<(&'static str, Located<'tree>)>, String> {
    let object = program
        .object_literal(value)
        .ok_or("`throttleSettings` is not an object literal")?;
    let mut limits = Vec::new();
    for member in crate::frontends::pulumi::named_children(object.node).filter(|member| member.kind() != "comment") {
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
                Located {
                    file: object.file,
                    node: value,
                },
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

/// The MethodSettings for every method (`*/*`) of this stage already in the program, found by
/// what API Gateway keys it by (API, stage name, path), not by how the program spells them. `Err`
/// when one may exist but cannot be told apart: a second `"*/*"` one for the stage fails to deploy.
fn every_method_settings(program: &Program, stage: usize) -> Result<Option<usize>, String> {
    let mut sure = Vec::new();
    let mut doubts = Vec::new();
    for candidate in program.stage_method_settings(stage) {
        let shown = program.display_name(candidate.resource);
        let path = program.resources()[candidate.resource]
            .args()
            .and_then(|args| program.property(args, "methodPath"))
            .and_then(|path| program.string_value(program.written_value(path.value)));
        match (path.as_deref(), candidate.doubt) {
            (Some("*/*"), None) => sure.push(candidate.resource),
            (None, None) => doubts.push(format!(
                "{shown} configures this stage with a `methodPath` infrafix cannot read, and a second \"*/*\" MethodSettings would conflict with it"
            )),
            (Some("*/*") | None, Some(why)) => doubts.push(format!(
                "{shown} may configure this stage ({why}), and a second \"*/*\" MethodSettings would conflict with it"
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
        (_, _) => Err("the stage already has more than one \"*/*\" MethodSettings".to_owned()),
    }
}

/// Edits that put the limits into an existing MethodSettings' `settings`. A limit it already sets
/// to the same value needs no edit; one it sets to another value would make the fix choose
/// between the two, so that is left to the user.
fn merge_into<'tree>(
    program: &Program<'tree>,
    existing: usize,
    limits: &[(&'static str, Located<'tree>)],
) -> Result<Vec<Edit>, String> {
    let shown = program.display_name(existing);
    let args = program
        .own_arguments(&program.resources()[existing])
        .ok_or_else(|| format!("the arguments of {shown}, the stage's \"*/*\" MethodSettings, are not its own"))?;
    // The values are copied as written; in another module a name they use may mean nothing.
    if let Some((_, value)) = limits
        .iter()
        .find(|(_, value)| value.file != args.file && !is_number_literal(program, *value))
    {
        return Err(format!(
            "{shown}, the stage's \"*/*\" MethodSettings, is in another module, which cannot see `{}`",
            program.text(*value)
        ));
    }
    let Some(settings) = program.property(args, "settings") else {
        return Ok(vec![program.add_properties(
            args,
            &[("settings", Code::object(settings_entries(program, limits)))],
        )]);
    };
    let written = program.unwrapped(settings.value);
    let object = match written.node.kind() {
        "object" => Some(written),
        "identifier" | "shorthand_property_identifier" => program.const_value_read_only_here(written),
        _ => None,
    }
    .map(|object| program.unwrapped(object))
    .filter(|object| settings.object == args && object.node.kind() == "object")
    .ok_or_else(|| {
        format!("the `settings` of {shown}, the stage's \"*/*\" MethodSettings, are not an object literal of its own")
    })?;
    let mut missing = Vec::new();
    for (key, value) in limits {
        match program.property(object, key) {
            None => missing.push((*key, *value)),
            Some(set) if same_number(program, set.value, *value) => {}
            Some(set) => {
                return Err(format!(
                    "{shown}, the stage's \"*/*\" MethodSettings, sets `{key}` to `{}` and `throttleSettings` asks for `{}`; keep one and remove the other by hand",
                    program.text(set.value),
                    program.text(*value)
                ))
            }
        }
    }
    Ok(match missing.is_empty() {
        // Already set to these values: removing `throttleSettings` is the whole fix.
        true => Vec::new(),
        false => vec![program.add_properties(object, &settings_entries(program, &missing))],
    })
}

/// The limits as `settings` entries, their values as written.
fn settings_entries<'tree>(
    program: &Program<'tree>,
    limits: &[(&'static str, Located<'tree>)],
) -> Vec<(&'static str, Code)> {
    limits
        .iter()
        .map(|(key, value)| (*key, Code::verbatim(program.text(*value).to_owned())))
        .collect()
}

/// A number written out (`100`, `12.5`, `-1`), which means the same in every module.
fn is_number_literal<'tree>(program: &Program<'tree>, value: Located<'tree>) -> bool {
    value.node.kind() == "number" || program.number_value(value).is_some_and(|(_, at)| at == value)
}

/// Whether two expressions hold the same number (or are the same expression).
fn same_number<'tree>(program: &Program<'tree>, a: Located<'tree>, b: Located<'tree>) -> bool {
    let (a, b) = (program.written_value(a), program.written_value(b));
    match (program.number_value(a), program.number_value(b)) {
        (Some((a, _)), Some((b, _))) => a == b,
        _ => a == b || program.text(a) == program.text(b),
    }
}

fn new_method_settings<'tree>(
    program: &Program<'tree>,
    stage: &ResourceDecl<'tree>,
    args: Located<'tree>,
    reference: &str,
    limits: &[(&'static str, Located<'tree>)],
) -> Result<Edit, String> {
    let rest_api = program.property(args, "restApi").ok_or("the stage has no `restApi`")?;
    let settings = Code::object(settings_entries(program, limits));
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
