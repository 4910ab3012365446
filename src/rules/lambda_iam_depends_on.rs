//! `lambda-iam-depends-on`: policies of a function's role missing from the function's `dependsOn`.

use crate::cloud::{
    CloudGraph, Coverage, DeadLetter, Effect, Entry, FixPlan, FunctionRole, IamRole, Intent, LambdaFunction,
    ResourceId, RoleAttachment,
};
use crate::diagnostic::Finding;
use crate::fix::Applicability;
use crate::rules::{listed_names, RuleContext, RuleId};

pub const DOCUMENTATION: &str = r#"Policies of a function's role missing from the function's dependsOn.

## What it does
Finds Lambda functions whose execution role gets policy from an `aws.iam.RolePolicy`,
`aws.iam.RolePolicyAttachment` or `aws.iam.PolicyAttachment` that is not in the function's
`dependsOn` and does not itself read the function (see Fix safety). The role is followed however
the program names it: `role.arn`, a const, a role exported by another module, `this.role` in a
component, or an `.apply` callback. A function a factory makes from the role each call passes
(`makeFn(name, role)` with `role: role.arn`) is judged for every call whose role infrafix can
follow, even where another call passes one it cannot (`opts.role ?? defaultRole`): the finding
names the calls and their roles. A call written in another function that passes that function's
parameters on (`makeService(name, role)` calling `makeFn(name, role)`) stands for each
call of that function, and is named by it.

In Terraform: the role policies and attachments of the root module's roles missing from a
function's `depends_on`, appended to the list or added as a new `depends_on` at the end of the
block; a policy that reads the function, directly or through a local, data source or resource it
reads (a log group named after the function), is never listed, nor is one whose `count` or
`for_each` may make no instance (nothing to wait for). A function a local module makes waits
through the `depends_on` of the module block calling it, which Terraform takes from 0.13 on: when
the root module's `required_version` admits an older release, the finding says so and is not fixed.

In CloudFormation: the `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy`
resources naming the function's role, missing from its `DependsOn` and from what it references
(CloudFormation waits for every resource a `Ref`, `GetAtt` or `Sub` names); a policy in the
role's own `Policies` is created with the role and needs nothing. `DependsOn` is added after
`Type`, or extended (a name becomes a list). A SAM connector from the function to its dead-letter
target or to the queue of its SQS event is such a policy too: SAM makes nothing wait for it, and
takes the connector's id in `DependsOn` (`<function><connector>` for one the function embeds).

In an AWS CDK app: a `Function` depends on its role and everything inside it (the CDK adds that
dependency), which holds the role's inline policies, managed policies and `DefaultPolicy` (what
`addToRolePolicy`, `addToPolicy` and the constructs' grants write): not a finding. A
`CfnFunction` waits for its `CfnRole` through `role.attrArn`, and so for the role's own
`policies`, but not for a `CfnPolicy`, `CfnRolePolicy` or `CfnManagedPolicy` naming the role: the
fix adds `fn.node.addDependency(policy)` after the function and the policies (or joins the
`fn.addDependency(…)` calls already there), and those calls count as dependencies. An L2
`iam.Policy` naming an L2 function's role is not judged yet.

## Why is this bad?
Nothing orders the policies before the function: the function only references the role. Pulumi
may create the function while the policies are still being attached, and Lambda checks the role
when it creates the function:

    InvalidParameterValueException: The provided execution role does not have permissions to call
    SendMessage on SQS

(or ReceiveMessage, or CreateNetworkInterface, depending on what the function needs). The provider
retries for a while, so the deployment is slow at best and fails at worst. A policy Lambda does
not check when it creates the function (the basic execution role's logging, say) still matters:
a mapping or a schedule may run the function before it is attached, and those first invocations
fail or lose their logs.

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
are not an object literal, and a function a factory makes when one of the factory's calls
passes a role infrafix cannot follow: the `dependsOn` is written in the factory, for every call,
and that call's function is left as it is. Where every call's role is known, the factory's
`dependsOn` lists the missing policies of all of them (waiting for another call's policies only
orders creation). A role infrafix cannot see (an ARN from config or another stack) gives
no finding, nor does a `dependsOn` listing something infrafix cannot name; a resource of a package
it does not read (a `@pulumi/command` build step) is named, as none of the role's policies, unless
a policy of the program is its child (waiting for a component waits for its children).

A policy that reads the function itself is not reported, and the fix never lists it: one that
allows `lambda:InvokeFunction` on the function's own ARN, names its log group, or reads any value
made from the function's outputs (a const, `pulumi.all`, `.apply`, `pulumi.interpolate`, or
another resource that reads them, such as a Permission or an EventSourceMapping). Pulumi creates
such a policy after the function, so listing it in the function's `dependsOn` is a dependency
cycle, and Pulumi refuses the program; moving the policy up does not help. The role's other
policies are still reported and listed. If such a policy also grants what Lambda checks when it
creates the function (reading its SQS queue, its VPC's network interfaces), move those statements
into a policy of their own, which the function can then depend on.

A policy whose every statement is a Deny (a guardrail: never delete a queue, never touch IAM) is
not reported, and the fix never lists it: it can only take permissions away, so Lambda cannot
refuse the function, nor a first invocation fail, for want of it. A policy with any Allow, or one
whose document infrafix cannot read, is waited for like any other.

A RolePolicy that only lets the role send to queues and topics other than the function's
dead-letter target is not reported, and the fix never lists it: every statement allows only
`sqs:SendMessage` or `sns:Publish`, on the `.arn` of resources the program declares, or, for a
function whose target is ARN text (`arn:aws:sqs:${region}:${account}:payroll-dlq`), on targets
that surely are not that text's whatever its values hold (`…:${account}:billing-dlq`, another
service, a pattern whose fixed text disagrees). Of what such a policy grants, Lambda checks only
the send to the function's own dead-letter target when it creates or updates the function, so
the function need not wait for it. This is what `lambda-dlq-send-permission` adds for functions
that share a role and each declare their dead-letter queue just before them, or write it as ARN
text in their own module: each function waits for the grant on its own queue, and not for those
of the functions after it, or in a module that imports its own, which it could not list without
moving code or an import cycle.
"#;

/// The actions Lambda checks on a dead-letter target.
const SENDS: [&str; 2] = ["sqs:SendMessage", "sns:Publish"];

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let graph = context.graph();
    for function in graph.functions() {
        let Some(listed) = &function.depends_on else {
            continue;
        };
        match function.role {
            Some(FunctionRole::Declared(role)) => {
                let Some(role) = graph.roles().get(role) else {
                    continue;
                };
                let missing = missing_attachments(graph, role, function, listed);
                if missing.is_empty() {
                    continue;
                }
                let message = format!(
                    "Function {} runs as role {}, whose {}.",
                    function.name,
                    role.name,
                    not_listed(&missing, graph.spelling().depends_on),
                );
                findings.push(finding_with_fix(context, function, message, &missing, None));
            }
            Some(FunctionRole::Unknown) if !function.role_per_call.is_empty() => {
                check_each_call(context, function, listed, findings);
            }
            _ => {}
        }
    }
}

/// A function a factory makes, whose calls run it as different roles (or as one infrafix cannot
/// follow): each known role is judged for the calls passing it. A `dependsOn` can only be written
/// where the function is made, for every call at once: it is added when every call's role is
/// known (listing a policy of another call's role only orders creation), and never where a
/// call's role cannot be followed, whose function is left as it is.
fn check_each_call(
    context: &RuleContext,
    function: &LambdaFunction,
    listed: &[ResourceId],
    findings: &mut Vec<Finding>,
) {
    let graph = context.graph();
    let mut roles: Vec<usize> = function.role_per_call.iter().filter_map(|call| call.role).collect();
    roles.sort_unstable();
    roles.dedup();
    let mut judged = Vec::new();
    let mut missing: Vec<&RoleAttachment> = Vec::new();
    for role_index in roles {
        let Some(role) = graph.roles().get(role_index) else {
            continue;
        };
        let lacking = missing_attachments(graph, role, function, listed);
        if lacking.is_empty() {
            continue;
        }
        let calls: Vec<&str> = function
            .role_per_call
            .iter()
            .filter(|call| call.role == Some(role_index))
            .map(|call| call.call.as_str())
            .collect();
        let call = match calls.len() {
            1 => "call",
            _ => "calls",
        };
        judged.push(format!(
            "as role {} in the {call} {}, whose {}",
            role.name,
            listed_names(&calls),
            not_listed(&lacking, graph.spelling().depends_on)
        ));
        for attachment in lacking {
            if !missing.iter().any(|known| known.resource == attachment.resource) {
                missing.push(attachment);
            }
        }
    }
    if judged.is_empty() {
        return;
    }
    let message = format!("Function {} runs {}.", function.name, judged.join("; and "));
    let unfollowed: Vec<&str> = function
        .role_per_call
        .iter()
        .filter(|call| call.role.is_none())
        .map(|call| call.call.as_str())
        .collect();
    let unfixable = match unfollowed.as_slice() {
        [] => None,
        [only] => Some(format!(
            "the role of the call {only} cannot be followed, and a {} written where the function is made would change that call's function too",
            graph.spelling().depends_on
        )),
        calls => Some(format!(
            "the roles of the calls {} cannot be followed, and a {} written where the function is made would change their functions too",
            listed_names(calls),
            graph.spelling().depends_on
        )),
    };
    findings.push(finding_with_fix(context, function, message, &missing, unfixable));
}

/// The policies of `role` that `function` does not wait for and must. A policy that reads the
/// function (its ARN as a Resource, its name in a log group's ARN) is created after it; listing
/// it would be a dependency cycle, which Pulumi refuses.
fn missing_attachments<'g>(
    graph: &CloudGraph,
    role: &'g IamRole,
    function: &LambdaFunction,
    listed: &[ResourceId],
) -> Vec<&'g RoleAttachment> {
    role.attachments
        .iter()
        .filter(|attachment| {
            !listed.contains(&attachment.resource)
                && !attachment.after_functions.contains(&function.resource)
                && !sends_only_elsewhere(graph, role, attachment, function)
                && !only_denies(role, attachment)
        })
        .collect()
}

/// Whether every statement of what `attachment` gives the role is a Deny. Such a policy can only
/// take permissions away, so Lambda cannot refuse the function, nor a first invocation fail, for
/// want of it. A policy whose document infrafix cannot read is not among the role's documents,
/// and is waited for like any other.
fn only_denies(role: &IamRole, attachment: &RoleAttachment) -> bool {
    let mut statements = role
        .grants
        .documents
        .iter()
        .filter(|document| document.owner == attachment.resource || Some(document.owner) == attachment.attached_policy)
        .flat_map(|document| &document.statements)
        .peekable();
    statements.peek().is_some() && statements.all(|statement| statement.effect == Effect::Deny)
}

/// The policies named, not in the function's dependencies, for the end of a finding's message.
fn not_listed(missing: &[&RoleAttachment], depends_on: &str) -> String {
    let (are, they) = match missing.len() {
        1 => ("is", "it is"),
        _ => ("are", "they are"),
    };
    format!(
        "{} {are} not in its {depends_on}: Lambda may check the role, or run the function, before {they} attached",
        missing
            .iter()
            .map(|attachment| format!("{} {}", attachment.kind, attachment.name))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The finding on a function, with the fix adding `missing` to its dependencies, or, when
/// `unfixable` says why none may be made, without one.
fn finding_with_fix(
    context: &RuleContext,
    function: &LambdaFunction,
    message: String,
    missing: &[&RoleAttachment],
    unfixable: Option<String>,
) -> Finding {
    let finding = Finding::new(
        RuleId::LambdaIamDependsOn,
        function.at.file,
        function.at.range.clone(),
        message,
    );
    if let Some(reason) = unfixable {
        return finding.not_fixed(&reason);
    }
    let plan = FixPlan {
        intents: vec![Intent::AddDependencies {
            function: function.declared.clone(),
            on: missing.iter().map(|attachment| attachment.declared.clone()).collect(),
        }],
        applicability: Applicability::Safe,
    };
    finding.with_outcome(context.render(&plan))
}

/// Whether a role policy only lets the role send to queues and topics other than the function's
/// dead-letter target: of the program, or, for a target written as ARN text, any the policy names
/// that surely is not that text's. Of what such a policy can grant, Lambda checks only the send
/// to the function's own dead-letter target when it creates or updates the function, so the
/// function need not wait for it: functions sharing a role, each with its dead-letter queue
/// declared beside it (or written in its own module), each wait for the grant on their own queue,
/// which may come after the functions before it (or in a module that imports theirs).
fn sends_only_elsewhere(
    graph: &CloudGraph,
    role: &IamRole,
    policy: &RoleAttachment,
    function: &LambdaFunction,
) -> bool {
    let elsewhere: Box<dyn Fn(&Entry) -> bool> = match &function.dead_letter {
        DeadLetter::Text(written) => Box::new(move |entry: &Entry| {
            let targets = |resource| graph.message_target(resource).map(|target| &target.target);
            written.text.covered_by(entry, targets) == Coverage::Misses
        }),
        dead_letter => {
            let Some(own_targets) = dead_letter.targets() else {
                return false;
            };
            Box::new(move |entry: &Entry| {
                entry.resource.as_ref().is_some_and(|reference| {
                    reference.is_arn() && own_targets.iter().all(|own| own.resource != reference.resource)
                })
            })
        }
    };
    // A role policy holds one document; one infrafix cannot read is not among them.
    let Some(document) = role
        .grants
        .documents
        .iter()
        .find(|document| document.owner == policy.resource)
    else {
        return false;
    };
    let sends = |entry: &Entry| {
        entry
            .literal
            .as_deref()
            .is_some_and(|action| SENDS.iter().any(|send| send.eq_ignore_ascii_case(action)))
    };
    !document.statements.is_empty()
        && document.statements.iter().all(|statement| {
            statement.uncertainty.is_none()
                && statement.effect == Effect::Allow
                && !statement.actions.is_empty()
                && statement.actions.iter().all(sends)
                && !statement.resources.is_empty()
                && statement.resources.iter().all(&elsewhere)
        })
}
