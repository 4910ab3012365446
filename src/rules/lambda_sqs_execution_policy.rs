//! `lambda-sqs-execution-policy`: a function fed by an SQS queue whose role may not read the queue.

use std::collections::BTreeMap;

use crate::cloud::{
    Answer, CallRole, FixPlan, FunctionRole, Intent, LambdaFunction, MisnamedTarget, QueueEventSource, Site,
};
use crate::diagnostic::Finding;
use crate::fix::{join_all, Applicability, Fix};
use crate::rules::{listed_names, RuleContext, RuleId};

pub const DOCUMENTATION: &str = r#"A function fed by an SQS queue whose role may not read the queue.

## What it does
Finds `aws.lambda.EventSourceMapping` resources whose `eventSourceArn` is an SQS queue of the
program and whose `functionName` is a function of the program (`fn.name` or `fn.arn`), when the
function's execution role has neither the AWS managed policy `AWSLambdaSQSQueueExecutionRole` nor
an equivalent grant: `sqs:ReceiveMessage`, `sqs:DeleteMessage` and `sqs:GetQueueAttributes` on the
queue (or on `*`), in any policy that reaches the role. A function fed by several queues (several
mappings, or one mapping made per element of a loop for each element's queue, `queue.arn` over
`Object.entries(inbound)`) gets one finding naming the queues its role may not read, since one
attachment serves them all; a mapping made per element is judged per queue when the function's
instances share one role (a role made beside each names each queue through the same code).

@pulumi/aws's subscription mixin makes such a mapping too: `queue.onEvent(name, fn)` and
`new aws.sqs.QueueEventSubscription(name, queue, fn)` hand a function of the program to the
mapping as it is, granting its role nothing, and are judged the same way. Handed a callback
instead (`queue.onEvent(name, async (event) => …)`), it makes a function whose role it grants
`AmazonSQSFullAccess` itself: not a finding.

A document that `JSON.stringify` or a plain template literal (not `pulumi.interpolate`) writes
with a resource's Output in a Resource (`queue.arn` read inside an `.apply` callback without being
its parameter) holds Pulumi's placeholder text there ("Calling [toJSON] on an [Output<T>] is not
supported"), not the ARN, and IAM refuses the whole policy ("Resource … must be in ARN format"):
it grants nothing. The finding names the Output and has no fix: a grant made elsewhere would leave
the deployment failing on that policy.

ARN text a plain template literal or `+` builds around an Output (`` `${queue.arn}*` ``,
`"arn:aws:sqs:" + region + ":" + account + ":" + queue.name`) holds the same placeholder
("Calling [toString] on an [Output<T>] is not supported") in any document, `pulumi.jsonStringify`
and `getPolicyDocumentOutput` too, since the text is made before they read it: it names nothing.
IAM refuses the policy where the text begins with the placeholder, and takes it, naming nothing
there, where it begins `arn:`. Either way the finding names the Output and has no fix; written
with `pulumi.interpolate`, or from a callback's parameter, the text is read for what it names.

An `aws.lambda.CallbackFunction` given `policies` and no `role` runs as a role @pulumi/aws makes
for it, to which it attaches exactly the managed policies `policies` lists (an array of ARNs, or
in v7 a record of names to ARNs), read as any value is: `aws.iam.ManagedPolicy` members, ARN
text, consts and arrays built elsewhere. That role is judged like any other; a list infrafix
cannot read, a policy it does not know, or code reading the role itself (`fn.roleInstance`,
which may attach more) leaves it unjudged. Given neither `role` nor `policies`, the function
gets a default set that includes AmazonSQSFullAccess: not judged. Given a `role`, it runs as that role.

In Terraform: `aws_lambda_event_source_mapping` resources of the root module whose
`event_source_arn` is an `aws_sqs_queue`'s ARN (one made with `for_each = aws_lambda_function.NAME`
names each instance as `each.value`; one made with `for_each` over a `for` keeping elements of a
map or list written out, `{ for k, v in local.consumers : k => v if v.enabled }`, reads
`each.value.queue_arn` and `each.value.function` per element, counting an element only where its
condition is a field written `true`); the fix is a new `aws_iam_role_policy_attachment` after the
role, or the ARN added to the role's own `managed_policy_arns`, in the partition the root's
`data "aws_partition"` reads where it has one made with the role's own `aws` provider
configuration (`arn:${data.aws_partition.current.partition}:…`, which deploys to GovCloud and China
too; without one, the ARN is written out). An `aws_iam_policy_attachment` of the policy, in any
partition it names (`arn:${var.partition}:iam::aws:policy/…`) or through a `data "aws_iam_policy"`
looking it up by name (in a module, a name its call passes: `name = var.policy_name`), detaches it from every role it does
not list, in the whole account, wherever it is declared (the root or a local module it calls): the finding then has no fix, whatever the role (a registry module call's `policies`
attach by `aws_iam_role_policy_attachment` too), nor where a module's role lists its `managed_policy_arns`. Nor beside an `aws_iam_policy_attachment`
whose `policy_arn` infrafix cannot read (a variable without a default, or an element of a `for_each` over a root
variable's default, which a `.tfvars` file may change): it may be that policy. An attachment whose `count` or
`for_each` may make no instance does not count. A mapping made for the instances of a queue that a
`for` keeps by keys written out (`{ for k, q in aws_sqs_queue.jobs : k => q if k != "manual" }`)
feeds each kept instance. An `aws_iam_role_policy` made once per instance of other resources is
read as `lambda-dlq-send-permission` reads it: over the queue's instances (`for_each =
aws_sqs_queue.jobs`, or such a `for`), `Resource = each.value.arn` grants each instance it is made
for; over anything else (a `for` whose `if` reads a variable, a module's output) the finding says
infrafix cannot tell, names the policy, and has no fix. A role a local module call makes once
(`role = module.worker_role.arn`) is judged by what the module attaches to it, read with the call's
arguments, and what the root attaches to it; the new attachment goes after the call in the root,
naming the role by the call's output of its name (`module.worker_role.name`), never into the
module, which other callers may share (without such an output, the finding has no fix).

A call of the public module `terraform-aws-modules/lambda/aws` makes a mapping per entry of its
`event_source_mapping` (`event_source_arn = aws_sqs_queue.NAME.arn`), and grants the role it
makes nothing for them. That role holds what the call's switches attach, read from its inputs as
`lambda-dlq-send-permission` reads them: `attach_policies` (the first `number_of_policies` ARNs of
`policies`, written out in the call), `attach_policy`, `attach_policy_json(s)`,
`attach_policy_statements`, `attach_dead_letter_policy` and `attach_async_event_policy` (which
send, never poll); one it cannot read makes the role unknown, so not judged.
The fix adds the policy through the call: appended to `policies`, with `number_of_policies` raised
by one, where the call attaches every policy it lists; where it sets none of the three, a
paragraph setting them after `event_source_mapping`; where `attach_policies` is off (by default,
or `false`), so that it attaches none of them, the switch is turned on, the policy put first in
`policies` (an entry already naming it is moved first, not listed twice; an entry before it that
infrafix cannot read, such as a root variable whose default a `.tfvars` file may change, may name
it too, and leaves the finding without a fix) and `number_of_policies` set to 1: the policies
listed stay unattached. A new input goes above the comment lines describing
the input it is written before, not between them; so does a new first entry of `policies` above
the comment lines describing the entry it is written before, and an entry moved first takes the
comment lines above it along. Where it
attaches only some of its list, or reads the inputs from elsewhere, the finding has no fix. A call that turns `create_role` off is
judged by its `lambda_role` as a function's `role` is.

In CloudFormation: `AWS::Lambda::EventSourceMapping` resources whose `EventSourceArn` is a queue
of the template (and the `SQS` events of a SAM function with its own `Role`); the fix adds the
policy to the role's `ManagedPolicyArns` (with `${AWS::Partition}` where the template uses it).
An entry of that list written `!If [Cond, arn, arn]` (each arm an AWS managed ARN or `!Ref
AWS::NoValue`) grants what both arms grant; where only one arm lets the role poll, infrafix says it
cannot tell, without a fix; where neither does, the role is reported and fixed as any other.
SAM and the Serverless Framework grant the poller's permissions themselves to the roles they make
for SQS events: not a finding. A mapping written as a resource is no SAM event: SAM grants the
role it makes for a function without a `Role` nothing for it, whether its `FunctionName` names the
function or the alias or version SAM publishes for its `AutoPublishAlias` (`!Ref Fn.Alias`,
`!Ref Fn.Version`, or the alias's logical id, `!Ref FnAliaslive`). That role holds
AWSLambdaBasicExecutionRole, what the function's `Policies` list (AWS managed policies by name or
ARN, policy documents, and SAM's policy templates, `src/aws/sam_policy_templates.rs`:
`SQSPollerPolicy`, `SQSSendMessagePolicy`, `SNSPublishMessagePolicy`, `SNSCrudPolicy` on the queue
or topic they name, the others their own actions on resources that are never queues), AWSLambdaSQSQueueExecutionRole when the
function has an `SQS` event, what connectors from the function grant, and what SAM adds for its
dead-letter queue and destinations (sending, never polling). An entry infrafix cannot read (an
`!If`, a template it does not know, `Role` or `Policies` in `Globals`) leaves the role unjudged,
and so does a policy resource naming `<Function>Role` (nothing waits for it). The fix adds SAM's
`SQSPollerPolicy: {QueueName: !GetAtt Queue.QueueName}` to the function's `Policies` (a new
`Policies` list where it has none), written as the template writes its lists (YAML block or flow,
JSON); a `Policies` written as one entry rather than a list gets the finding without a fix, and
so does a queue or mapping under a `Condition` the function does not share, or a queue made by a
`Fn::ForEach` loop the function is outside. A template that names the queue by another output than
its name (`SQSPollerPolicy: {QueueName: !Ref Queue}`: a queue's `Ref` is its URL, which SAM writes
into the ARN where the name belongs) grants nothing on it: the finding says so, and the fix reads
the name there instead (`QueueName: !GetAtt Queue.QueueName`), which only that entry reads.
A SAM connector between the function and the queue (`Read` and `Write`)
grants them to the function's own role too: not a finding here (see `lambda-iam-depends-on` for
the mapping waiting for it). A Serverless function running as a role the service declares under
`resources:` (its `role:`, or the provider's) gets nothing from the framework: its `sqs` events
are judged against that role, whose statements may name the queue through a `${self:…}` variable
as the event does (a variable known only at deploy, `${opt:…}`, makes the answer unknown).

In an AWS CDK app: an `SqsEventSource` grants the function's role what polling its queue needs
(it calls the queue's `grantConsumeMessages`), as does the app's own `queue.grantConsumeMessages`:
neither is a finding. A `CfnEventSourceMapping` bypasses it and is judged as in CloudFormation,
its function's `CfnRole` gaining `arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole`
in its `managedPolicyArns` (the list is made where the role has none).

The L2 `new lambda.EventSourceMapping(scope, id, { target: fn, eventSourceArn: queue.queueArn })`
and `fn.addEventSourceMapping(id, { eventSourceArn: queue.queueArn })` grant nothing either:
aws-cdk-lib makes the `CfnEventSourceMapping` and stops there. They are judged (also made in a
construct of the app for each function of its props, `props.targetFunctions.forEach(…)`, from
`this.queue`) when the function runs as the role its construct makes (a `lambda.Function`,
`NodejsFunction`, `PythonFunction` or `GoFunction` whose props surely name no `role`), and only when
infrafix sees every grant to it: that role holds AWSLambdaBasicExecutionRole and what the app
grants the function, which is read wherever the app hands it on. `queue.grantConsumeMessages(fn)`,
`queue.grant(fn, "sqs:ReceiveMessage", …)` and `fn.addEventSource(new SqsEventSource(queue))` grant
on that queue, `queue.grantSendMessages(fn)` and `queue.grantPurge(fn)` the actions aws-cdk-lib
lists for them (`sqs:SendMessage` or `sqs:PurgeQueue`, with `sqs:GetQueueAttributes` and
`sqs:GetQueueUrl`), none of which polls; another resource's `grant…` (`table.grantReadData(fn)`)
grants on its own service; `fn.addEnvironment`, `fn.grantInvoke`, `new
apigateway.LambdaIntegration(fn)`, an EventBridge or SNS target and the like grant the role
nothing. The role read as `fn.role` is followed where it is the grantee of such a grant
(`queue.grantSendMessages(fn.role!)`) or gains an AWS managed policy the table of
`codemods/aws-managed-policies.toml` lists, named with its path
(`fn.role?.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/…"))`, or
`fromManagedPolicyArn(scope, id, "arn:aws:iam::aws:policy/…")`). Anything else
(`fn.addToRolePolicy`, a statement added to `fn.role`, a managed policy the table does not list
or whose ARN is not written out, `initialPolicy`, the function or its role handed to CDK or
library code infrafix does not read) may grant the queue: the function is not judged. A function given a `role` runs as an L2 role infrafix does not
read: not judged either.

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
A role's permissions boundary (`permissions_boundary`, `PermissionsBoundary`,
`permissionsBoundary`) caps what its policies grant. One infrafix reads is judged with the role:
where it does not allow the poller's actions, no attachment helps, so the finding has no fix and
says to change the boundary. One it cannot read gets the attachment as an unsafe fix, since it
may not allow the poller's actions and the mapping would fail the same way.
In a CDK app, for a function running as the role its construct makes, there is no role resource
to attach a policy to: the fix writes `queue.grantConsumeMessages(fn);` right after the
mapping's statement, in the same block, naming the queue and the function as the mapping does
(`this.queue.grantConsumeMessages(targetFunction);` inside the construct's loop, so each mapping's
function gains its own queue). It is what `SqsEventSource` does itself, and it is safe: it grants
`sqs:ReceiveMessage`, `sqs:ChangeMessageVisibility`, `sqs:GetQueueUrl`, `sqs:DeleteMessage` and
`sqs:GetQueueAttributes` on that queue alone (plus `kms:Decrypt` on its key when the queue is
encrypted with one, which reading its messages needs), never sending, purging or reconfiguring, nor
any other queue. The CDK adds it to the role's default policy and makes the mapping wait for it.
A mapping that is not a statement of a block (an arrow function's body without braces), whose
`eventSourceArn` is not an L2 queue's `queueArn` read by name, or whose function is not named by
a name, gets the finding without a fix, which says what to write.

For a CallbackFunction's role, whose only attachments are the ones its `policies` makes, the
policy joins that list, written as the list writes its other ARNs (text, or
`aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole`), or, in a record, under a new key
`sqsExecution` (each key names its attachment, so no existing one is renamed or replaced; an
array names each by a hash of its ARN, likewise). It is safe: it grants the polling permissions
below and nothing else, and @pulumi/aws makes the attachment in the function's constructor, as it
makes the others. The function does not wait for its own attachments, and need not: polling is
checked when the mapping is created, which waits for the function, and the provider retries that
creation while the role "does not have permissions" (for up to five minutes, for IAM to catch
up). The list is edited only where it serves the function alone: written in its arguments, or in
a const (of its file, or imported by name into its file alone) that nothing else reads; a list
other functions share would give each of them the policy, so the finding then has no fix.

For the role SAM makes, the `SQSPollerPolicy` entry is safe: SAM writes it into the role as an
inline policy allowing `sqs:ReceiveMessage`, `sqs:DeleteMessage(Batch)`,
`sqs:ChangeMessageVisibility(Batch)` and `sqs:GetQueueAttributes` on that queue alone, made with
the role, which the function (and so the mapping) waits for: no `DependsOn` is needed.

Elsewhere it is safe too: it attaches the policy AWS provides for exactly this, the one the Lambda console attaches
for an SQS trigger. That policy is wider than the mapping needs: it lets the role poll any queue
of the account (receive, delete, read attributes; never send, purge or reconfigure) and write its
logs. infrafix attaches it, as the post-mortem this rule comes from did, because it is what AWS
documents for the case and what reviewers recognise; a role that must stay scoped to its own
queues can be given the three actions on the queue's ARN instead, which counts as the same grant,
and the rule then stays silent. A role that lists its own
`managedPolicyArns` owns that set (Pulumi detaches any other attachment on the next update), so
the policy goes into that list; where the list is not written in the role's own arguments, the
finding says so and has no fix. An `aws.iam.RolePolicyAttachmentsExclusive` for the role (or an
`aws.iam.PolicyAttachment` of the policy, which owns every attachment of it) would detach a new
attachment again: the finding names it and has no fix. Where the function is one instance of a
component or helper whose every instance makes its own role, and the queue feeds only some of
them, a policy beside the role would reach every instance: the finding says so and has no fix.
Otherwise a RolePolicyAttachment goes after the role's
last attachment (or after the role), before the first function that runs as the role, in the
role's file; it is bound to a `const` named after its logical name (derived from the role's) and
carries the role's `provider` and `parent`. `lambda-iam-depends-on` then adds it to the function's
`dependsOn` in the same run. Event sources from Kinesis, DynamoDB or anything but an SQS queue are
not this rule's business. A grant by ARN pattern (`arn:aws:sqs:*:*:orders-*`) counts when the
queue's name matches it: its `name`, its `namePrefix`, or the logical name Pulumi derives it from;
where the name is not known (from config, computed), the finding says so and has no fix, since
the pattern may already cover it. A function a factory makes from the role each call passes (`makeFn(name, role)` with `role:
role.arn`), whose calls pass different roles or one infrafix cannot follow, is judged per
mapping against the role of the call the mapping names (`functionName: ingest.arn`, where
`const ingest = makeFn("ingest", processorRole)`), when infrafix can follow it; a mapping that
names no one call is not judged. A call written in another function that passes that function's
parameters on (`makeService(name, role)` calling `makeFn(name, role)`) stands for each
call of that function, and is named by it. One finding per function names the calls whose role lacks the
policy. The attachment goes to that role as above, never into the factory, so other calls'
functions are left as they are; where calls of several roles lack it, the fix attaches it to
each of those roles, each as above and none to a role whose calls poll already (one fix, since
one finding names them all). A role whose attachment has no fix (a Deny, a list the role does
not write out) leaves the finding without one, and says why; so do two roles whose edits would
change the same code. Not judged, so never changed: grants under a Condition, NotAction or
NotResource (the finding says so and has no fix), roles and queues the program does not declare,
and roles with policies infrafix cannot read.
"#;

const ACTIONS: [&str; 3] = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
const MANAGED_POLICY: &str = "AWSLambdaSQSQueueExecutionRole";

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let graph = context.graph();
    // A function fed by several queues (several mappings, or one made per element for its own
    // queue) gets one finding, which names them all: one attachment serves every queue.
    let mut by_function: BTreeMap<usize, Vec<&QueueEventSource>> = BTreeMap::new();
    for source in graph.queue_event_sources() {
        by_function.entry(source.function).or_default().push(source);
    }
    for (function, sources) in by_function {
        let Some(function) = graph.functions().get(function) else {
            continue;
        };
        match function.role {
            Some(FunctionRole::Declared(role) | FunctionRole::MadeByFramework(role)) => {
                let made_by_framework = matches!(function.role, Some(FunctionRole::MadeByFramework(_)));
                let boundary = graph.roles().get(role).and_then(|role| role.grants.unread_boundary());
                findings.extend(
                    judge(context, function, &function.name, role, made_by_framework, sources)
                        .map(|(finding, outcome)| finding.with_outcome_within(outcome, boundary)),
                );
            }
            Some(FunctionRole::Unknown) => judge_each_call(context, function, sources, findings),
            None => {}
        }
    }
}

/// A function a factory makes, whose calls run it as different roles: each mapping naming the
/// function one call makes (`functionName: ingest.arn`, `const ingest = makeFn(…)`) is judged
/// against that call's role, when infrafix can follow it. A mapping naming no one call is not
/// judged. The grant goes to the call's role, never into the factory.
fn judge_each_call(
    context: &RuleContext,
    function: &LambdaFunction,
    sources: Vec<&QueueEventSource>,
    findings: &mut Vec<Finding>,
) {
    // The mappings of the calls passing each role, with those calls.
    let mut by_role: BTreeMap<usize, (Vec<&str>, Vec<&QueueEventSource>)> = BTreeMap::new();
    for source in sources {
        let Some(CallRole {
            call, role: Some(role), ..
        }) = source.call.and_then(|call| function.role_per_call.get(call))
        else {
            continue;
        };
        let (calls, sources) = by_role.entry(*role).or_default();
        if !calls.contains(&call.as_str()) {
            calls.push(call);
        }
        sources.push(source);
    }
    let judged: Vec<(Finding, Result<Fix, String>)> = by_role
        .into_iter()
        .filter_map(|(role, (calls, sources))| {
            let (call, makes) = match calls.len() {
                1 => ("call", "makes"),
                _ => ("calls", "make"),
            };
            let name = format!("{}, as the {call} {} {makes} it,", function.name, listed_names(&calls));
            judge(context, function, &name, role, false, sources)
        })
        .collect();
    // One finding per function: where calls of several roles lack the policy, it names them all,
    // and its fix attaches the policy to each of those roles.
    let mut judged = judged.into_iter();
    let Some((mut finding, first_outcome)) = judged.next() else {
        return;
    };
    let mut outcomes = vec![first_outcome];
    for (other, outcome) in judged {
        finding.message = format!("{} {}", finding.message, other.message);
        outcomes.push(outcome);
    }
    let outcome = outcomes
        .into_iter()
        .collect::<Result<Vec<Fix>, String>>()
        .and_then(|fixes| {
            join_all(&fixes).ok_or_else(|| {
                format!("the calls run it as different roles, whose attachments would change the same code; attach {MANAGED_POLICY} to each by hand")
            })
        });
    findings.push(finding.with_outcome(outcome));
}

/// The finding on a function fed by `sources`, running as the role `role` (one its framework
/// makes, when `made_by_framework`), if that role may not poll them, with its fix or why it has
/// none; `name` is how the finding names the function.
fn judge(
    context: &RuleContext,
    function: &LambdaFunction,
    name: &str,
    role: usize,
    made_by_framework: bool,
    sources: Vec<&QueueEventSource>,
) -> Option<(Finding, Result<Fix, String>)> {
    let graph = context.graph();
    let role = graph.roles().get(role)?;
    // A role the framework makes is named by what makes it ("the role its construct makes").
    let role_named = match made_by_framework {
        true => role.name.clone(),
        false => format!("its role {}", role.name),
    };
    let judged: Vec<(&QueueEventSource, Vec<(&str, Answer)>)> = sources
        .into_iter()
        .map(|source| {
            let answers = ACTIONS
                .iter()
                .map(|action| (*action, role.grants.allows(action, &source.queue)))
                .collect();
            (source, answers)
        })
        .filter(|(_, answers): &(_, Vec<(&str, Answer)>)| {
            answers.iter().any(|(_, answer)| *answer != Answer::Allowed)
                && answers.iter().all(|(_, answer)| *answer != Answer::Unreadable)
        })
        .collect();
    if judged.is_empty() {
        return None;
    }
    let missing: Vec<&str> = ACTIONS
        .iter()
        .copied()
        .filter(|action| {
            judged.iter().any(|(_, answers)| {
                answers
                    .iter()
                    .any(|(asked, answer)| asked == action && *answer != Answer::Allowed)
            })
        })
        .collect();
    let queues: Vec<&str> = first_mapping_of_each_queue(&judged)
        .map(|source| source.queue_name.as_str())
        .collect();
    let (fed_by, on) = match queues.as_slice() {
        [only] => (format!("SQS queue {only}"), "the queue"),
        _ => (format!("SQS queues {}", listed_names(&queues)), "the queues"),
    };
    // Where every answer short of Allowed is a statement infrafix cannot read, the role may
    // well poll: the finding says it cannot tell, not that the permission is missing.
    let only_unknown = judged
        .iter()
        .flat_map(|(_, answers)| answers)
        .all(|(_, answer)| matches!(answer, Answer::Allowed | Answer::Unknown(_)));
    // Lambda's error names the first of the actions it checks that the role lacks.
    let first_missing = missing
        .first()
        .map_or("ReceiveMessage", |action| action.trim_start_matches("sqs:"));
    let error = format!("\"The provided execution role does not have permissions to call {first_missing} on SQS\"");
    let outside_boundary = role.grants.boundary.as_ref().filter(|_| {
        judged
            .iter()
            .flat_map(|(_, answers)| answers)
            .any(|(_, answer)| *answer == Answer::OutsideBoundary)
    });
    // Grants meant for a queue that name it through the wrong output (a SAM policy template
    // given the queue's URL for its name): the message says so, and the fix names it right.
    let mut misnamed: Vec<&MisnamedTarget> = Vec::new();
    for (source, _) in &judged {
        for wrong in role
            .grants
            .misnamed
            .iter()
            .filter(|wrong| wrong.resource == source.queue.resource)
        {
            if !misnamed.contains(&wrong) {
                misnamed.push(wrong);
            }
        }
    }
    let message = match (only_unknown, outside_boundary) {
        (_, Some(boundary)) => format!(
            "Function {name} is fed by {fed_by}, but {role_named} may not do {} on {on}: its permissions boundary {} does not allow them, so Lambda cannot poll it ({error}).",
            missing.join(", "),
            boundary.written,
        ),
        (true, None) => format!(
            "Function {name} is fed by {fed_by}, and infrafix cannot tell whether {role_named} allows {} on {on}: without them (or {MANAGED_POLICY}), Lambda cannot poll it ({error}).",
            missing.join(", "),
        ),
        (false, None) => format!(
            "Function {name} is fed by {fed_by}, but {role_named} has neither {MANAGED_POLICY} nor {} on {on}: Lambda cannot poll it ({error}).",
            missing.join(", "),
        ),
    };
    let message = std::iter::once(message)
        .chain(misnamed.iter().map(|wrong| wrong.why.clone()))
        .collect::<Vec<_>>()
        .join(" ");
    let finding = Finding::new(
        RuleId::LambdaSqsExecutionPolicy,
        function.at.file,
        function.at.range.clone(),
        message,
    );
    let not_judged = judged
        .iter()
        .flat_map(|(_, answers)| answers)
        .find_map(|(action, answer)| match answer {
            Answer::Denied => Some(format!("a Deny statement forbids {action}; change it by hand")),
            Answer::OutsideBoundary => Some(format!(
                "no grant to the role gets {action} through its permissions boundary; change the boundary by hand"
            )),
            Answer::Unknown(reason) => Some(format!("infrafix cannot judge {reason}, which may allow {action}")),
            _ => None,
        });
    // Queues read per instance are usually granted through the same per-instance code
    // (`Resource: queue.arn` in the loop), which no single answer reads: not judged, rather
    // than reported as unknown on a correct program.
    let unknown = judged
        .iter()
        .any(|(_, answers)| answers.iter().any(|(_, answer)| matches!(answer, Answer::Unknown(_))));
    if unknown && judged.iter().any(|(source, _)| source.per_instance) {
        return None;
    }
    // A queue a misnamed grant means to name is granted by naming it right; the others as below.
    let renamed = misnamed
        .iter()
        .map(|wrong| Intent::ReadTargetName { at: wrong.at.clone() });
    let ungranted: Vec<(&QueueEventSource, Vec<(&str, Answer)>)> = judged
        .iter()
        .filter(|(source, _)| !misnamed.iter().any(|wrong| wrong.resource == source.queue.resource))
        .cloned()
        .collect();
    let feeds_every_instance = ungranted.iter().all(|(source, _)| source.feeds_every_instance);
    // A policy IAM refuses may be the one meant to grant it; a grant made elsewhere would leave
    // the deployment failing on it.
    let intents = match not_judged.or_else(|| role.grants.malformed().map(str::to_owned)) {
        Some(reason) => Err(reason),
        None if ungranted.is_empty() => Ok(Vec::new()),
        None if made_by_framework => grants_beside_mappings(&ungranted),
        None if !feeds_every_instance => Err(format!(
            "{} is made once per call or construction that makes {}, and the queue feeds only some of them: a policy written beside the role would reach every one; attach {MANAGED_POLICY} to this instance's role by hand",
            role.name, function.name
        )),
        None => Ok(vec![Intent::AttachManagedPolicy {
            role: role.declared.clone(),
            policy: MANAGED_POLICY.to_owned(),
            purpose: "sqs-execution".to_owned(),
        }]),
    };
    let outcome = intents.and_then(|intents| {
        context.render(&FixPlan {
            intents: renamed.chain(intents).collect(),
            applicability: Applicability::Safe,
        })
    });
    Some((finding, outcome))
}

/// The sources of `judged`, leaving out any that maps a queue an earlier one already maps (two
/// mappings of one queue to one function, with different batch sizes or filters).
fn first_mapping_of_each_queue<'a>(
    judged: &'a [(&'a QueueEventSource, Vec<(&str, Answer)>)],
) -> impl Iterator<Item = &'a QueueEventSource> {
    judged.iter().enumerate().filter_map(|(index, (source, _))| {
        let mapped_before = judged[..index].iter().any(|(earlier, _)| earlier.queue == source.queue);
        (!mapped_before).then_some(*source)
    })
}

/// For a role the function's framework makes, which the program does not declare: the grant the
/// framework itself makes for an event source it wires (the CDK's `SqsEventSource` calls the
/// queue's `grantConsumeMessages`), written after each mapping.
fn grants_beside_mappings(judged: &[(&QueueEventSource, Vec<(&str, Answer)>)]) -> Result<Vec<Intent>, String> {
    // One grant per queue: a second mapping of the same queue to the function needs nothing more.
    let mut mappings: Vec<Site> = first_mapping_of_each_queue(judged)
        .map(|source| source.mapping.clone())
        .collect::<Option<_>>()
        .ok_or("the role is made by the framework, and infrafix cannot tell where to grant to it")?;
    mappings.sort();
    mappings.dedup();
    Ok(mappings
        .into_iter()
        .map(|mapping| Intent::GrantQueuePolling { mapping })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use crate::config::Settings;
    use crate::fix::apply_fixes;
    use crate::frontends::typescript::test_support::{
        allowed, generated_statements, policy_document, with_program, GeneratedStatement,
    };
    use crate::frontends::typescript::TypeScriptFrontEnd;
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
            let front_end = TypeScriptFrontEnd::new(program);
            let context = RuleContext::new(&front_end, &settings, &suppressions);
            let findings = check_program(&context, &[RuleId::LambdaSqsExecutionPolicy]);
            let fixes: Vec<_> = findings.iter().filter_map(|finding| finding.fix.as_ref()).collect();
            fixed = apply_fixes(&[text.to_owned()], &fixes)
                .changed
                .remove(&0)
                .map(|change| change.text);
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

    #[test]
    fn a_cdk_mapping_that_grants_nothing_gains_the_grant_written_as_the_mapping_names_them() {
        let text = "import * as cdk from \"aws-cdk-lib\";\nimport * as lambda from \"aws-cdk-lib/aws-lambda\";\n\
                    import * as sqs from \"aws-cdk-lib/aws-sqs\";\n\
                    class Jobs extends cdk.Stack {\n    queue?: sqs.Queue;\n    build() {\n\
                    \x20       this.queue = new sqs.Queue(this, \"Q\");\n\
                    \x20       const worker = new lambda.Function(this, \"W\", { runtime: lambda.Runtime.NODEJS_22_X, handler: \"index.handler\", code: lambda.Code.fromAsset(\"src\") });\n\
                    \x20       worker.addEventSourceMapping(\"Jobs\", { eventSourceArn: this.queue!.queueArn });\n    }\n}\n";
        let fixed = sqs_fix_text(text).expect("a fix");
        assert!(
            fixed.contains(
                "eventSourceArn: this.queue!.queueArn });\n        this.queue!.grantConsumeMessages(worker);\n"
            ),
            "{fixed}"
        );
        assert_eq!(sqs_fix_text(&fixed), None);
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
