//! `lambda-dlq-send-permission`: a function's role may not send to its dead-letter queue or topic.

use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::program::{
    Answer, Effect, Entry, ExecutionRole, OutputValue, PolicyDocument, Program, ResourceDecl, ResourceRef,
    ResourceTarget, RoleDocument,
};
use crate::rules::{RuleContext, RuleId};
use crate::style::template::Code;

pub const DOCUMENTATION: &str = r#"A function's role may not send to its dead-letter queue or topic.

## What it does
Finds Lambda functions whose `deadLetterConfig.targetArn` is an SQS queue (or SNS topic) of the
program while no policy reaching the function's execution role allows `sqs:SendMessage`
(`sns:Publish`) on it. Policies are read the way IAM evaluates them (an explicit Deny wins;
wildcards such as `sqs:*`, `sqs:Send*` and `*` count), in every form the program writes them:
`JSON.stringify` and `pulumi.jsonStringify` object literals, also inside `.apply` callbacks, JSON
text in strings and `pulumi.interpolate`, `aws.iam.getPolicyDocumentOutput`, `aws.iam.Policy`
resources, the role's own `inlinePolicies`, and the AWS managed policies infrafix knows.

## Why is this bad?
Lambda checks the permission when it creates or updates the function, and refuses:

    InvalidParameterValueException: The provided execution role does not have permissions to call
    SendMessage on SQS

## Example
```ts
new aws.iam.RolePolicy("notification-policy", {
    role: role.id,
    policy: pulumi.all([queue.arn]).apply(([queueArn]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: queueArn }],
    })),
});
new aws.lambda.Function("notification", { role: role.arn, deadLetterConfig: { targetArn: dlq.arn }, ... });
```

## Use instead
```ts
new aws.iam.RolePolicy("notification-policy", {
    role: role.id,
    policy: pulumi.all([queue.arn, dlq.arn]).apply(([queueArn, dlqArn]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: queueArn },
            { Effect: "Allow", Action: "sqs:SendMessage", Resource: dlqArn },
        ],
    })),
});
```

## Fix safety
Safe: it grants the one action Lambda needs, on the dead-letter target only, in a policy of the
role's own. In order of preference: it extends a statement that then grants exactly that and
nothing more (one naming only the target gains the action; one allowing only the action gains
the target), else adds a statement to a policy of the role (its inline RolePolicy first), else
inserts an `aws.iam.RolePolicy` after the role (which `lambda-iam-depends-on` then lists in the
function's `dependsOn`). It never extends a statement with other actions and resources: a
statement grants each of its actions on each of its resources, so that would widen it. A
document other resources may read too is never edited (the grant would reach their roles): one
reached through a `const` or a spread of arguments read elsewhere, or an `aws.iam.Policy` that is
exported, named more than once, or attached by an `aws.iam.PolicyAttachment` (which may list other
roles, users and groups); a new RolePolicy is added instead. The ARN goes in the document's own
way: as it is where the document takes outputs, as a new element of `pulumi.all([...])` with a new
callback parameter, or by turning `JSON.stringify` into `pulumi.jsonStringify` (never where the
string is held to a declared type: that would not compile). A statement whose action is a wildcard
(`sqs:*`, `*`) is never extended. The new RolePolicy goes after the role, or, where the role's
module cannot import the queue without closing an import cycle, before the function. A role that
declares `inlinePolicies` owns its inline policies (Pulumi deletes any other on the next update):
the statement goes into one of them, and where none can take it the finding says so and has no fix.

Not judged, so never changed: a statement with a Condition, NotAction or NotResource that may
grant the permission, or an entry infrafix cannot read (the finding then says why, and has no
fix); a role or target that the program does not declare (an ARN from config or another stack);
a policy infrafix cannot read at all (a customer managed policy given by ARN), which gives no
finding.
"#;

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let program = context.program;
    for (index, function) in program.resources().iter().enumerate() {
        if !function.is_lambda_function() {
            continue;
        }
        let Some((target, dead_letter)) = dead_letter_target(program, function) else {
            continue;
        };
        let Some(ExecutionRole::Declared(role)) = program.execution_role(function) else {
            continue;
        };
        let action = if target.service == "sqs" {
            "sqs:SendMessage"
        } else {
            "sns:Publish"
        };
        let policies = context.role_policies(role);
        let message = format!(
            "Function {} sends failed events to {} {}, but its role {} does not allow {action} on it: Lambda refuses the function (\"The provided execution role does not have permissions to call {} on {}\").",
            program.display_name(index),
            if target.service == "sqs" { "dead-letter queue" } else { "dead-letter topic" },
            program.display_name(target.resource),
            program.display_name(role),
            action.split(':').nth(1).unwrap_or(action),
            target.service.to_ascii_uppercase(),
        );
        let finding = Finding::new(
            RuleId::LambdaDlqSendPermission,
            function.file,
            function.finding_range(),
            message,
        );
        let reason_without_fix = match policies.allows(action, &target) {
            Answer::Allowed | Answer::Unreadable => continue,
            Answer::Denied => "a Deny statement forbids it; change that statement by hand".to_owned(),
            Answer::Unknown(reason) => format!("infrafix cannot judge {reason}, which may allow it"),
            Answer::NotAllowed => match fix(program, index, role, &policies.documents, &target, dead_letter, action) {
                Ok(fix) => {
                    findings.push(finding.with_fix(fix));
                    continue;
                }
                Err(reason) => reason,
            },
        };
        findings.push(finding.not_fixed(&reason_without_fix));
    }
}

/// The queue or topic a function's failed events go to, when the program declares it.
fn dead_letter_target<'tree>(
    program: &Program<'tree>,
    function: &ResourceDecl<'tree>,
) -> Option<(ResourceTarget, ResourceRef)> {
    let config = program.property(function.args()?, "deadLetterConfig")?;
    let target = program.property(program.object_literal(config.value)?, "targetArn")?;
    let reference = program
        .denoted_resource(target.value)
        .filter(|reference| reference.attribute.as_deref() == Some("arn"))?;
    Some((program.resource_target(reference.resource)?, reference))
}

fn fix(
    program: &Program,
    function: usize,
    role: usize,
    documents: &[RoleDocument],
    target: &ResourceTarget,
    dead_letter: ResourceRef,
    action: &str,
) -> Result<Fix, String> {
    // The target is named where the document is written, which may be a `const` away from the
    // policy resource.
    let output_at = |document: &PolicyDocument| -> Option<(OutputValue, Vec<Edit>)> {
        let mut binding = Vec::new();
        let name = program
            .name_resource_at(target.resource, document.at, &mut binding)
            .ok()?;
        Some((
            OutputValue {
                reference: dead_letter.clone(),
                expression: format!("{name}.arn"),
            },
            binding,
        ))
    };
    // A document another resource reads too is never extended: the new permission would reach
    // that resource's role as well.
    let own_documents = || documents.iter().filter(|candidate| !candidate.document.shared);
    // 1. A statement that grants exactly what is missing once extended, and nothing more: one
    //    that names only the target needs the action; one that allows only the action needs the
    //    target. A statement grants each of its actions on each of its resources, so extending
    //    any other would widen it.
    let names_target = |entry: &Entry| entry.resource.as_ref() == Some(&dead_letter);
    // Exactly the action: a wildcard (`sqs:*`, `*`, `sqs:Send*`) allows more than the send, and
    // would allow it on the target too.
    let allows_action = |entry: &Entry| {
        entry
            .literal
            .as_deref()
            .is_some_and(|granted| granted.eq_ignore_ascii_case(action))
    };
    for RoleDocument { document, .. } in own_documents() {
        for statement in &document.statements {
            if statement.uncertainty.is_some() || statement.effect != Effect::Allow {
                continue;
            }
            let only_target = !statement.resources.is_empty() && statement.resources.iter().all(names_target);
            let only_action = !statement.actions.is_empty() && statement.actions.iter().all(allows_action);
            let edits = match (only_target, only_action) {
                (true, _) => program.add_action(statement, action).map(|edit| vec![edit]),
                (false, true) => output_at(document).and_then(|(value, mut binding)| {
                    binding.extend(program.add_resource(document, statement, &value)?);
                    Some(binding)
                }),
                (false, false) => None,
            };
            if let Some(edits) = edits {
                return Ok(Fix::safe(edits));
            }
        }
    }
    // 2. A new statement in a policy of the role's own, its inline RolePolicy first.
    let mut own: Vec<&RoleDocument> = own_documents().collect();
    own.sort_by_key(|candidate| !program.resources()[candidate.owner].is_aws(&["iam", "RolePolicy"]));
    for RoleDocument { document, .. } in own {
        let Some((value, binding)) = output_at(document) else {
            continue;
        };
        if let Some(edits) = program.add_statement(document, action, &value) {
            return Ok(Fix::safe(binding.into_iter().chain(edits).collect()));
        }
    }
    let role_decl = &program.resources()[role];
    // A role that declares `inlinePolicies` owns its inline policies: Pulumi deletes a separate
    // RolePolicy on the next update, so the grant can only go into one of those documents (step 2).
    if role_decl
        .args()
        .and_then(|args| program.property(args, "inlinePolicies"))
        .is_some()
    {
        return Err(format!(
            "role {} owns its inline policies through `inlinePolicies`, and none of them can take the statement here; add {action} on the queue to one of them",
            program.display_name(role)
        ));
    }
    // 3. A new RolePolicy beside the role, after the target where they share a file so that it
    //    can name both; or, where the role's module cannot import the target (an import cycle),
    //    beside the function, which names both already.
    let target_decl = &program.resources()[target.resource];
    let after_role = if target_decl.file == role_decl.file
        && target_decl.statement.start_byte() > role_decl.statement.start_byte()
    {
        target_decl
    } else {
        role_decl
    };
    let function_decl = &program.resources()[function];
    new_role_policy(
        program,
        role_decl,
        Place::After(after_role),
        role,
        target.resource,
        action,
    )
    .or_else(|first| {
        // Before the function, so that its dependsOn can list the new policy.
        new_role_policy(
            program,
            function_decl,
            Place::Before(function_decl),
            role,
            target.resource,
            action,
        )
        .map_err(|_| first)
    })
    .map(Fix::safe)
}

/// Where a new statement goes, relative to a resource's statement.
enum Place<'a, 'tree> {
    After(&'a ResourceDecl<'tree>),
    Before(&'a ResourceDecl<'tree>),
}

/// A new RolePolicy granting `action` on the dead-letter target, named after `neighbour`.
fn new_role_policy(
    program: &Program,
    neighbour: &ResourceDecl,
    place: Place,
    role: usize,
    dead_letter: usize,
    action: &str,
) -> Result<Vec<Edit>, String> {
    let anchor = match place {
        Place::After(anchor) | Place::Before(anchor) => anchor,
    };
    let mut edits = Vec::new();
    let role_name = program.name_resource_at(role, anchor.statement(), &mut edits)?;
    let target_name = program.name_resource_at(dead_letter, anchor.statement(), &mut edits)?;
    let statement = Code::object([
        ("Effect", Code::text("Allow")),
        ("Action", Code::text(action)),
        ("Resource", Code::verbatim(format!("{target_name}.arn"))),
    ]);
    let document = Code::object([
        ("Version", Code::text("2012-10-17")),
        ("Statement", Code::Array(vec![statement])),
    ]);
    let args = Code::object([
        ("role", Code::verbatim(format!("{role_name}.id"))),
        ("policy", document),
    ]);
    let suffix = if action.starts_with("sqs:") {
        "dlq-send"
    } else {
        "dlq-publish"
    };
    let new = program.new_resource_beside(neighbour, &["iam", "RolePolicy"], suffix, args)?;
    edits.push(match place {
        Place::After(_) => program.insert_statement_after(anchor.statement(), &new.code, Some(&new.binding)),
        Place::Before(_) => program.insert_statement_before(anchor.statement(), &new.code, Some(&new.binding)),
    });
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use crate::config::Settings;
    use crate::fix::apply_fixes;
    use crate::program::test_support::with_program;
    use crate::program::{Answer, Program};
    use crate::rules::{check_program, RuleContext, RuleId};
    use crate::suppression::Suppressions;

    const ACTIONS: [&str; 8] = [
        "sqs:SendMessage",
        "sqs:*",
        "*",
        "sqs:Send*",
        "sqs:ReceiveMessage",
        "sns:Publish",
        "sns:*",
        "s3:GetObject",
    ];
    const RESOURCES: [&str; 7] = [
        "work.arn",
        "dlq.arn",
        "other.arn",
        "topic.arn",
        "\"*\"",
        "\"arn:aws:sqs:*:*:*\"",
        "\"arn:aws:sqs:*:*:dlq-*\"",
    ];
    /// What is asked of the role before and after the fix: every action on every resource.
    const ASKED: [&str; 6] = [
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:PurgeQueue",
        "sns:Publish",
        "sns:DeleteTopic",
    ];
    const TARGETS: [&str; 4] = ["work", "dlq", "other", "topic"];

    /// One statement: Allow or Deny, and indices into ACTIONS and RESOURCES.
    type GeneratedStatement = (bool, Vec<usize>, Vec<usize>);

    fn program_text(statements: &[GeneratedStatement], form: usize, dead_letter: &str) -> String {
        let rendered: Vec<String> = statements
            .iter()
            .map(|(allow, actions, resources)| {
                let list = |items: Vec<String>| format!("[{}]", items.join(", "));
                let actions = list(actions.iter().map(|&i| format!("\"{}\"", ACTIONS[i])).collect());
                let resources = list(resources.iter().map(|&i| RESOURCES[i].to_owned()).collect());
                let effect = if *allow { "Allow" } else { "Deny" };
                format!("{{ Effect: \"{effect}\", Action: {actions}, Resource: {resources} }}")
            })
            .collect();
        let document = format!("{{ Version: \"2012-10-17\", Statement: [{}] }}", rendered.join(", "));
        let policy = match form {
            0 => format!("pulumi.jsonStringify({document})"),
            1 => format!("JSON.stringify({document})"),
            _ => document,
        };
        format!(
            "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
             const work = new aws.sqs.Queue(\"work\");\nconst dlq = new aws.sqs.Queue(\"dlq\");\n\
             const other = new aws.sqs.Queue(\"other\");\nconst topic = new aws.sns.Topic(\"topic\");\n\
             const role = new aws.iam.Role(\"role\", {{ assumeRolePolicy: \"{{}}\" }});\n\
             const policy = new aws.iam.RolePolicy(\"policy\", {{ role: role.id, policy: {policy} }});\n\
             export const fn = new aws.lambda.Function(\"fn\", {{ role: role.arn, runtime: \"nodejs22.x\", \
             handler: \"index.handler\", deadLetterConfig: {{ targetArn: {dead_letter}.arn }} }}, {{ dependsOn: [policy] }});\n"
        )
    }

    /// Every (action, resource) the role is surely allowed.
    fn allowed(program: &Program) -> BTreeSet<(String, String)> {
        // Every resource of the program is bound to a const of its logical name.
        let named = |name: &str| {
            (0..program.resources().len()).find(|&index| program.display_name(index) == format!("`{name}`"))
        };
        let role = named("role").expect("the role");
        let policies = program.role_policies(role);
        let mut pairs = BTreeSet::new();
        for target in TARGETS {
            let Some(resource_target) = named(target).and_then(|index| program.resource_target(index)) else {
                continue;
            };
            for action in ASKED {
                if policies.allows(action, &resource_target) == Answer::Allowed {
                    pairs.insert((action.to_owned(), target.to_owned()));
                }
            }
        }
        pairs
    }

    fn dlq_fix_text(text: &str) -> Option<String> {
        let mut fixed = None;
        with_program(&[("index.ts", text)], |program| {
            let settings = Settings::defaults();
            let suppressions = [Suppressions::default()];
            let context = RuleContext::new(program, &settings, &suppressions);
            let findings = check_program(&context, &[RuleId::LambdaDlqSendPermission]);
            let fixes: Vec<_> = findings.iter().filter_map(|finding| finding.fix.as_ref()).collect();
            let batch = apply_fixes(&[text.to_owned()], &fixes);
            fixed = batch.changed.get(&0).cloned();
        });
        fixed
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// No DLQ fix lets the role do anything on any resource it could not before, but the one
        /// action Lambda needs on the one dead-letter target.
        #[test]
        fn the_fix_grants_only_the_send_on_the_target(
            statements in prop::collection::vec(
                (any::<bool>(), prop::collection::vec(0..ACTIONS.len(), 1..3), prop::collection::vec(0..RESOURCES.len(), 1..3)),
                1..4,
            ),
            form in 0..3usize,
            to_topic in any::<bool>(),
        ) {
            let (dead_letter, needed) = if to_topic { ("topic", "sns:Publish") } else { ("dlq", "sqs:SendMessage") };
            let text = program_text(&statements, form, dead_letter);
            let mut before = BTreeSet::new();
            with_program(&[("index.ts", &text)], |program| before = allowed(program));
            if let Some(fixed) = dlq_fix_text(&text) {
                let mut after = BTreeSet::new();
                with_program(&[("index.ts", &fixed)], |program| after = allowed(program));
                let gained: Vec<_> = after.difference(&before).collect();
                let only_the_send = (needed.to_owned(), dead_letter.to_owned());
                prop_assert!(
                    gained.iter().all(|pair| **pair == only_the_send),
                    "the fix also granted {gained:?}\n--- before\n{text}\n--- after\n{fixed}"
                );
                prop_assert!(after.contains(&only_the_send), "the fix did not grant the send:\n{fixed}");
            }
        }
    }
}
