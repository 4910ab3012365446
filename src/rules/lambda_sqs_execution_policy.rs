//! `lambda-sqs-execution-policy`: a function fed by an SQS queue whose role may not read the queue.

use crate::cloud::Answer;
use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::frontends::pulumi::{ExecutionRole, Located, Package, PackageMember, Program, ResourceDecl};
use crate::rules::{RuleContext, RuleId};
use crate::style::template::Code;

pub const DOCUMENTATION: &str = r#"A function fed by an SQS queue whose role may not read the queue.

## What it does
Finds `aws.lambda.EventSourceMapping` resources whose `eventSourceArn` is an SQS queue of the
program and whose `functionName` is a function of the program (`fn.name` or `fn.arn`), when the
function's execution role has neither the AWS managed policy `AWSLambdaSQSQueueExecutionRole` nor
an equivalent grant: `sqs:ReceiveMessage`, `sqs:DeleteMessage` and `sqs:GetQueueAttributes` on the
queue (or on `*`), in any policy that reaches the role.

## Why is this bad?
Lambda polls the queue with the function's role, and refuses to create the mapping without those
permissions:

    InvalidParameterValueException: The provided execution role does not have permissions to call
    ReceiveMessage on SQS

## Example
```ts
const role = new aws.iam.Role("worker-role", { assumeRolePolicy });
new aws.iam.RolePolicyAttachment("worker-basic", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole });
const worker = new aws.lambda.Function("worker", { role: role.arn, ... });
new aws.lambda.EventSourceMapping("worker-source", { eventSourceArn: queue.arn, functionName: worker.name });
```

## Use instead
```ts
const role = new aws.iam.Role("worker-role", { assumeRolePolicy });
new aws.iam.RolePolicyAttachment("worker-basic", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole });
const workerRoleSqsExecution = new aws.iam.RolePolicyAttachment("worker-role-sqs-execution", {
    role: role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole,
});
const worker = new aws.lambda.Function("worker", { role: role.arn, ... }, { dependsOn: [workerRoleSqsExecution] });
```

## Fix safety
Safe: it attaches the policy AWS provides for exactly this. A role that lists its own
`managedPolicyArns` owns that set (Pulumi detaches any other attachment on the next update), so
the policy goes into that list; where the list is not written in the role's own arguments, the
finding says so and has no fix. Otherwise a RolePolicyAttachment goes after the role's
last attachment (or after the role), before the first function that runs as the role, in the
role's file; it is bound to a `const` named after its logical name (derived from the role's) and
carries the role's `provider` and `parent`. `lambda-iam-depends-on` then adds it to the function's
`dependsOn` in the same run. Event sources from Kinesis, DynamoDB or anything but an SQS queue are
not this rule's business. A grant by ARN pattern (`arn:aws:sqs:*:*:orders-*`) counts when the
queue's name matches it: its `name`, its `namePrefix`, or the logical name Pulumi derives it from;
where the name is not known (from config, computed), the finding says so and has no fix, since
the pattern may already cover it. Not judged, so never changed: grants under a Condition, NotAction or
NotResource (the finding says so and has no fix), roles and queues the program does not declare,
and roles with policies infrafix cannot read.
"#;

const ACTIONS: [&str; 3] = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
const MANAGED_POLICY: &str = "AWSLambdaSQSQueueExecutionRole";

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let program = context.program;
    for mapping in program
        .resources()
        .iter()
        .filter(|resource| resource.is_aws(&["lambda", "EventSourceMapping"]))
    {
        let Some((queue, function)) = queue_and_function(program, mapping) else {
            continue;
        };
        let function_decl = &program.resources()[function];
        let Some(ExecutionRole::Declared(role)) = program.execution_role(function_decl) else {
            continue;
        };
        let Some(target) = program.resource_target(queue) else {
            continue;
        };
        let policies = context.role_policies(role);
        let answers: Vec<(&str, Answer)> = ACTIONS
            .iter()
            .map(|action| (*action, policies.allows(action, &target)))
            .collect();
        let missing: Vec<&str> = answers
            .iter()
            .filter(|(_, answer)| *answer != Answer::Allowed)
            .map(|(action, _)| *action)
            .collect();
        if missing.is_empty() || answers.iter().any(|(_, answer)| *answer == Answer::Unreadable) {
            continue;
        }
        let message = format!(
            "Function {} is fed by SQS queue {}, but its role {} has neither {MANAGED_POLICY} nor {} on the queue: Lambda cannot poll it (\"The provided execution role does not have permissions to call ReceiveMessage on SQS\").",
            program.display_name(function),
            program.display_name(queue),
            program.display_name(role),
            missing.join(", "),
        );
        let finding = Finding::new(
            RuleId::LambdaSqsExecutionPolicy,
            function_decl.file,
            function_decl.finding_range(),
            message,
        );
        let not_judged = answers.iter().find_map(|(action, answer)| match answer {
            Answer::Denied => Some(format!("a Deny statement forbids {action}; change it by hand")),
            Answer::Unknown(reason) => Some(format!("infrafix cannot judge {reason}, which may allow {action}")),
            _ => None,
        });
        let outcome = match not_judged {
            Some(reason) => Err(reason),
            None => grant_managed_policy(program, role).map(Fix::safe),
        };
        findings.push(finding.with_outcome(outcome));
    }
}

/// The SQS queue and the function an event source mapping connects, when the program declares both.
fn queue_and_function(program: &Program, mapping: &ResourceDecl) -> Option<(usize, usize)> {
    let args = mapping.args()?;
    let source = program.denoted_resource(program.property(args, "eventSourceArn")?.value)?;
    let queue = (source.attribute.as_deref() == Some("arn")
        && program.resources()[source.resource].is_aws(&["sqs", "Queue"]))
    .then_some(source.resource)?;
    let function = program
        .denoted_resource(program.property(args, "functionName")?.value)?
        .resource;
    let declared = &program.resources()[function];
    declared.is_lambda_function().then_some((queue, function))
}

/// Grants the managed policy: in the role's own `managedPolicyArns` where it declares them (the
/// role then owns the set, and Pulumi would detach a separate attachment on the next update),
/// else by a new RolePolicyAttachment.
fn grant_managed_policy(program: &Program, role: usize) -> Result<Vec<Edit>, String> {
    let role_decl = &program.resources()[role];
    let Some(listed) = role_decl
        .args()
        .and_then(|args| program.property(args, "managedPolicyArns"))
    else {
        return attach_managed_policy(program, role);
    };
    let own_list = program
        .own_arguments(role_decl)
        .is_some_and(|own| own.encloses(&listed.value))
        && listed.value.node.kind() == "array";
    if !own_list {
        return Err(format!(
            "role {} owns its managed policies through `managedPolicyArns`, written where infrafix cannot add to it for this role alone; add {MANAGED_POLICY} there",
            program.display_name(role)
        ));
    }
    let arn = managed_policy_arn(program, role_decl.file).render(program.style(role_decl.file), "", 0);
    let last = crate::frontends::pulumi::named_children(listed.value.node)
        .filter(|element| element.kind() != "comment")
        .last();
    Ok(vec![match last {
        Some(last) => program.insert_items_after(
            Located {
                file: listed.value.file,
                node: last,
            },
            &[arn],
        ),
        None => program.replace_node(listed.value, &format!("[{arn}]")),
    }])
}

/// `aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole` as the file spells it, else its ARN.
fn managed_policy_arn(program: &Program, file: usize) -> Code {
    let managed = PackageMember {
        package: Package::Aws,
        path: vec!["iam".to_owned(), "ManagedPolicy".to_owned(), MANAGED_POLICY.to_owned()],
    };
    match program.spelling_of(file, &managed) {
        Some(spelled) => Code::verbatim(spelled),
        None => Code::text(format!("arn:aws:iam::aws:policy/service-role/{MANAGED_POLICY}")),
    }
}

/// Inserts a RolePolicyAttachment of the managed policy after the role's last attachment that
/// comes before the first function running as the role (or after the role).
fn attach_managed_policy(program: &Program, role: usize) -> Result<Vec<Edit>, String> {
    let role_decl = &program.resources()[role];
    let first_function = program
        .resources()
        .iter()
        .filter(|resource| {
            resource.file == role_decl.file && program.execution_role(resource) == Some(ExecutionRole::Declared(role))
        })
        .map(|resource| resource.statement.start_byte())
        .min()
        .unwrap_or(usize::MAX);
    let anchor = program
        .role_attachments(role)
        .into_iter()
        .map(|attachment| &program.resources()[attachment])
        .filter(|attachment| {
            attachment.file == role_decl.file
                && attachment.statement.parent() == role_decl.statement.parent()
                && attachment.statement.start_byte() < first_function
        })
        .max_by_key(|attachment| attachment.statement.start_byte())
        .unwrap_or(role_decl);
    let mut edits = Vec::new();
    let role_name = program.name_resource_at(role, anchor.statement(), &mut edits)?;
    let args = Code::object([
        ("role", Code::verbatim(format!("{role_name}.name"))),
        ("policyArn", managed_policy_arn(program, role_decl.file)),
    ]);
    let new = program.new_resource_beside(role_decl, &["iam", "RolePolicyAttachment"], "sqs-execution", args)?;
    edits.push(program.insert_statement_after(anchor.statement(), &new.code, Some(&new.binding)));
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use crate::config::Settings;
    use crate::fix::apply_fixes;
    use crate::frontends::pulumi::test_support::{
        allowed, generated_statements, policy_document, with_program, GeneratedStatement,
    };
    use crate::rules::{check_program, RuleContext, RuleId};
    use crate::suppression::Suppressions;

    const ACTIONS: [&str; 7] = [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:Receive*",
        "sqs:*",
        "sqs:SendMessage",
        "s3:GetObject",
    ];
    const RESOURCES: [&str; 5] = [
        "work.arn",
        "other.arn",
        "\"*\"",
        "\"arn:aws:sqs:*:*:work-*\"",
        "\"arn:aws:sqs:*:*:*\"",
    ];
    const POLLER: [&str; 3] = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
    /// What is asked of the role before and after the fix, on both queues.
    const ASKED: [&str; 6] = [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:SendMessage",
        "sqs:PurgeQueue",
        "sqs:SetQueueAttributes",
    ];
    const QUEUES: [&str; 2] = ["work", "other"];

    /// A role with one policy of generated statements, and a function fed by the `work` queue.
    fn program_text(statements: &[GeneratedStatement], json_text: bool) -> String {
        let document = policy_document(statements, &ACTIONS, |index| RESOURCES[index].to_owned());
        let policy = match json_text {
            true => format!("pulumi.jsonStringify({document})"),
            false => document,
        };
        format!(
            "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
             const work = new aws.sqs.Queue(\"work\", {{ name: \"work-orders\" }});\n\
             const other = new aws.sqs.Queue(\"other\", {{ name: \"payments\" }});\n\
             const role = new aws.iam.Role(\"role\", {{ assumeRolePolicy: \"{{}}\" }});\n\
             const policy = new aws.iam.RolePolicy(\"policy\", {{ role: role.id, policy: {policy} }});\n\
             export const worker = new aws.lambda.Function(\"worker\", {{ role: role.arn, runtime: \"nodejs22.x\", \
             handler: \"index.handler\" }}, {{ dependsOn: [policy] }});\n\
             export const source = new aws.lambda.EventSourceMapping(\"source\", {{ eventSourceArn: work.arn, functionName: worker.name }});\n"
        )
    }

    fn sqs_fix_text(text: &str) -> Option<String> {
        let mut fixed = None;
        with_program(&[("index.ts", text)], |program| {
            let settings = Settings::defaults();
            let suppressions = [Suppressions::default()];
            let context = RuleContext::new(program, &settings, &suppressions);
            let findings = check_program(&context, &[RuleId::LambdaSqsExecutionPolicy]);
            let fixes: Vec<_> = findings.iter().filter_map(|finding| finding.fix.as_ref()).collect();
            fixed = apply_fixes(&[text.to_owned()], &fixes).changed.get(&0).cloned();
        });
        fixed
    }

    #[test]
    fn a_role_that_cannot_poll_gets_a_fix_and_one_that_can_does_not() {
        let fixed = sqs_fix_text(&program_text(&[(true, vec![6], vec![0])], false)).expect("a fix");
        assert!(fixed.contains("AWSLambdaSQSQueueExecutionRole"), "{fixed}");
        assert_eq!(
            sqs_fix_text(&program_text(&[(true, vec![0, 1, 2], vec![0])], true)),
            None
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// The fix never touches a statement or document the role has, and lets the role do
        /// nothing new but what AWSLambdaSQSQueueExecutionRole is for: polling (receive, delete,
        /// read attributes). It never lets the role send, purge or reconfigure a queue, and
        /// after it the role may poll the queue that feeds the function.
        #[test]
        fn the_fix_grants_only_polling(
            statements in generated_statements(ACTIONS.len(), RESOURCES.len()),
            json_text in any::<bool>(),
        ) {
            let text = program_text(&statements, json_text);
            let mut before = BTreeSet::new();
            with_program(&[("index.ts", &text)], |program| before = allowed(program, "role", &ASKED, &QUEUES));
            if let Some(fixed) = sqs_fix_text(&text) {
                let policy_line = text.lines().find(|line| line.contains("new aws.iam.RolePolicy(")).expect("the policy");
                prop_assert!(fixed.contains(policy_line), "an existing policy was edited:\n{fixed}");
                let mut after = BTreeSet::new();
                with_program(&[("index.ts", &fixed)], |program| after = allowed(program, "role", &ASKED, &QUEUES));
                let gained: Vec<_> = after.difference(&before).collect();
                prop_assert!(
                    gained.iter().all(|(action, _)| POLLER.contains(&action.as_str())),
                    "the fix also granted {gained:?}\n--- before\n{text}\n--- after\n{fixed}"
                );
                for action in POLLER {
                    prop_assert!(after.contains(&(action.to_owned(), "work".to_owned())), "cannot poll after the fix:\n{fixed}");
                }
            }
        }
    }
}
