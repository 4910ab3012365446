//! `lambda-iam-depends-on`: policies of a function's role missing from the function's `dependsOn`.

use crate::cloud::{Effect, Entry};
use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::frontends::pulumi::{DeadLetter, ExecutionRole, Located, Program, ResourceDecl, RoleDocument};
use crate::rules::{RuleContext, RuleId};
use crate::style::template::Code;

pub const DOCUMENTATION: &str = r#"Policies of a function's role missing from the function's dependsOn.

## What it does
Finds Lambda functions whose execution role gets policy from an `aws.iam.RolePolicy`,
`aws.iam.RolePolicyAttachment` or `aws.iam.PolicyAttachment` that is not in the function's
`dependsOn` and does not itself read the function (see Fix safety). The role is followed however
the program names it: `role.arn`, a const, a role exported by another module, `this.role` in a
component, or an `.apply` callback.

## Why is this bad?
Nothing orders the policies before the function: the function only references the role. Pulumi
may create the function while the policies are still being attached, and Lambda checks the role
when it creates the function:

    InvalidParameterValueException: The provided execution role does not have permissions to call
    SendMessage on SQS

(or ReceiveMessage, or CreateNetworkInterface, depending on what the function needs). The provider
retries for a while, so the deployment is slow at best and fails at worst.

## Example
```ts
const role = new aws.iam.Role("worker-role", { assumeRolePolicy });
new aws.iam.RolePolicyAttachment("worker-basic", { role: role.name, policyArn: basicExecution });
const worker = new aws.lambda.Function("worker", { role: role.arn, ... });
```

## Use instead
```ts
const role = new aws.iam.Role("worker-role", { assumeRolePolicy });
const workerBasic = new aws.iam.RolePolicyAttachment("worker-basic", { role: role.name, policyArn: basicExecution });
const worker = new aws.lambda.Function("worker", { role: role.arn, ... }, { dependsOn: [workerBasic] });
```

## Fix safety
Safe: it only orders creation. A bare `new …` statement is bound to a `const` named after its
logical name; the options object is created or extended, keeping `parent`, `provider` and the
existing `dependsOn` entries (a list, or a single resource, which becomes a list). Not fixed, and
said why: a policy declared after the function or in a scope the function cannot see (moving code
is left to you), a policy in another module that the function's file does not import, options that
are not an object literal. A role infrafix cannot see (an ARN from config or another stack) gives
no finding.

A policy that reads the function itself is not reported, and the fix never lists it: one that
allows `lambda:InvokeFunction` on the function's own ARN, names its log group, or reads any value
made from the function's outputs (a const, `pulumi.all`, `.apply`, `pulumi.interpolate`, or
another resource that reads them, such as a Permission or an EventSourceMapping). Pulumi creates
such a policy after the function, so listing it in the function's `dependsOn` is a dependency
cycle, and Pulumi refuses the program; moving the policy up does not help. The role's other
policies are still reported and listed. If such a policy also grants what Lambda checks when it
creates the function (reading its SQS queue, its VPC's network interfaces), move those statements
into a policy of their own, which the function can then depend on.

A RolePolicy that only lets the role send to queues and topics of the program other than the
function's dead-letter target is not reported, and the fix never lists it: every statement allows
only `sqs:SendMessage` or `sns:Publish`, on the `.arn` of resources the program declares. Of what
such a policy grants, Lambda checks only the send to the function's own dead-letter target when
it creates or updates the function, so the function need not wait for it. This is what
`lambda-dlq-send-permission` adds for functions that share a role and each declare their
dead-letter queue just before them: each function waits for the grant on its own queue, and
not for those of the functions after it, which it could not list without moving code.
"#;

const CLASSES: [&str; 3] = ["RolePolicy", "RolePolicyAttachment", "PolicyAttachment"];

/// The actions Lambda checks on a dead-letter target.
const SENDS: [&str; 2] = ["sqs:SendMessage", "sns:Publish"];

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let program = context.program;
    for (index, function) in program.resources().iter().enumerate() {
        if !function.is_lambda_function() {
            continue;
        }
        let Some(ExecutionRole::Declared(role)) = program.execution_role(function) else {
            continue;
        };
        let Some(listed) = depends_on_entries(program, function) else {
            continue;
        };
        // A policy that reads the function (its ARN as a Resource, its name in a log group's ARN)
        // is created after it; listing it would be a dependency cycle, which Pulumi refuses.
        let missing: Vec<usize> = program
            .role_attachments(role)
            .into_iter()
            .filter(|&attachment| {
                !listed.contains(&attachment)
                    && !program.waits_for(attachment, index)
                    && !sends_only_elsewhere(context, role, attachment, function)
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let message = format!(
            "Function {} runs as role {}, whose {} not in its dependsOn: Lambda may check the role before they are attached.",
            program.display_name(index),
            program.display_name(role),
            missing.iter().map(|&p| format!("{} {}", class_name(program, p), program.display_name(p))).collect::<Vec<_>>().join(", ")
                + if missing.len() == 1 { " is" } else { " are" },
        );
        let finding = Finding::new(
            RuleId::LambdaIamDependsOn,
            function.file,
            function.finding_range(),
            message,
        );
        findings.push(finding.with_outcome(fix(program, function, &missing)));
    }
}

/// Whether a RolePolicy only lets the role send to queues and topics of the program other than
/// the function's dead-letter target. Of what such a policy can grant, Lambda checks only the send
/// to the function's own dead-letter target when it creates or updates the function, so the function
/// need not wait for it: functions sharing a role, each with its dead-letter queue declared beside
/// it, each wait for the grant on their own queue, which may come after the functions before it.
fn sends_only_elsewhere(context: &RuleContext, role: usize, policy: usize, function: &ResourceDecl) -> bool {
    let own_target = match context.program.dead_letter(function) {
        DeadLetter::None => None,
        DeadLetter::Resource(reference) => Some(reference.resource),
        DeadLetter::Unknown => return false,
    };
    let policies = context.role_policies(role);
    // A RolePolicy holds one document; one infrafix cannot read is not among them.
    let Some(RoleDocument { document, .. }) = policies.documents.iter().find(|held| held.owner == policy) else {
        return false;
    };
    let sends = |entry: &Entry| {
        entry
            .literal
            .as_deref()
            .is_some_and(|action| SENDS.iter().any(|send| send.eq_ignore_ascii_case(action)))
    };
    let elsewhere = |entry: &Entry| {
        entry.resource.as_ref().is_some_and(|reference| {
            reference.attribute.as_deref() == Some("arn") && Some(reference.resource) != own_target
        })
    };
    !document.statements.is_empty()
        && document.statements.iter().all(|statement| {
            statement.grant.uncertainty.is_none()
                && statement.grant.effect == Effect::Allow
                && !statement.grant.actions.is_empty()
                && statement.grant.actions.iter().all(sends)
                && !statement.grant.resources.is_empty()
                && statement.grant.resources.iter().all(elsewhere)
        })
}

/// The resources the function's `dependsOn` lists; `None` when they cannot be known.
fn depends_on_entries(program: &Program, function: &ResourceDecl) -> Option<Vec<usize>> {
    let Some(options) = function.options() else {
        return Some(Vec::new());
    };
    let options = program.object_literal(options)?;
    let Some(depends_on) = program.property(options, "dependsOn") else {
        return Some(Vec::new());
    };
    let value = depends_on.value;
    let elements: Vec<Located> = match value.node.kind() {
        "array" => crate::frontends::pulumi::named_children(value.node)
            .filter(|element| element.kind() != "comment")
            .map(|node| Located { file: value.file, node })
            .collect(),
        _ => vec![value],
    };
    elements
        .into_iter()
        .map(|element| program.denoted_resource(element).map(|reference| reference.resource))
        .collect()
}

fn fix(program: &Program, function: &ResourceDecl, missing: &[usize]) -> Result<Fix, String> {
    let mut edits = Vec::new();
    let mut references = Vec::new();
    for &policy in missing {
        references.push(program.name_resource_at(policy, function.statement(), &mut edits)?);
    }
    edits.push(depends_on_edit(program, function, &references)?);
    Ok(Fix::safe(edits))
}

fn depends_on_edit(program: &Program, function: &ResourceDecl, references: &[String]) -> Result<Edit, String> {
    let new_entries: Vec<Code> = references
        .iter()
        .map(|reference| Code::verbatim(reference.clone()))
        .collect();
    let Some(options) = function.options() else {
        let args = function.args().ok_or("the function has no arguments object")?;
        let options = Code::object([("dependsOn", Code::Array(new_entries))]);
        let style = program.style(function.file);
        let indent = program.indentation_of(args);
        return Ok(program.insert_items_after(args, &[options.render(style, &indent, 0)]));
    };
    let object = program
        .object_literal(options)
        .filter(|object| *object == options)
        .ok_or("its options are not an object literal")?;
    let Some(depends_on) = program.property(object, "dependsOn") else {
        return Ok(program.add_properties(object, &[("dependsOn", Code::Array(new_entries))]));
    };
    let value = depends_on.value;
    if depends_on.object != object {
        return Err("its dependsOn comes from an object spread into the options".to_owned());
    }
    if value.node.kind() == "array" {
        let last = crate::frontends::pulumi::named_children(value.node)
            .filter(|element| element.kind() != "comment")
            .last();
        return Ok(match last {
            Some(last) => program.insert_items_after(
                Located {
                    file: value.file,
                    node: last,
                },
                references,
            ),
            None => program.replace_node(
                value,
                &Code::Array(new_entries).render(program.style(value.file), "", 0),
            ),
        });
    }
    let mut entries = vec![Code::verbatim(program.text(value))];
    entries.extend(new_entries);
    let indent = program.indentation_of(depends_on.property);
    Ok(program.replace_node(
        value,
        &Code::Array(entries).render(program.style(value.file), &indent, "dependsOn: ".len()),
    ))
}

fn class_name(program: &Program, resource: usize) -> &'static str {
    let class = program.resources()[resource]
        .class
        .path
        .last()
        .map_or("", String::as_str);
    CLASSES.into_iter().find(|known| *known == class).unwrap_or("policy")
}
