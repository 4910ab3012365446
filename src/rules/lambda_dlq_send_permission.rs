//! `lambda-dlq-send-permission`: a function's role may not send to its dead-letter queue or topic.

use std::collections::BTreeMap;

use crate::cloud::{
    Answer, CallRole, DeadLetter, Effect, Entry, FixPlan, FunctionRole, GrantDocument, GrantTarget, IamRole, Intent,
    LambdaFunction, MessageTarget, ResourceId, ResourceRef, SendGrant, Site, WrittenArn,
};
use crate::diagnostic::Finding;
use crate::fix::{join_all, join_colliding, Applicability, Fix};
use crate::rules::{listed_names, RuleContext, RuleId};

pub const DOCUMENTATION: &str = r#"A function's role may not send to its dead-letter queue or topic.

## What it does
Finds Lambda functions whose `deadLetterConfig.targetArn` is an SQS queue (or SNS topic) of the
program, or the ARN text of one made elsewhere, while no policy reaching the function's execution
role allows `sqs:SendMessage` (`sns:Publish`) on it; a setting chosen by a condition (`keepFailures ? { targetArn: dlq.arn } :
undefined`) is judged for the side that sets a target. Policies are read the way IAM evaluates them (an explicit Deny wins;
wildcards such as `sqs:*`, `sqs:Send*` and `*` count), in every form the program writes them:
`JSON.stringify` and `pulumi.jsonStringify` object literals, also inside `.apply` callbacks, JSON
text in strings and `pulumi.interpolate`, `aws.iam.getPolicyDocumentOutput` and the promise of
`aws.iam.getPolicyDocument` (`.then(d => d.json)`), the document a helper without parameters
returns (read, never edited), `aws.iam.Policy` resources, the role's own `inlinePolicies`, and
the AWS managed policies infrafix knows (`codemods/aws-managed-policies.toml`: the Lambda execution
roles and the S3, SQS, SNS and other service policies such roles commonly get, read from their
published documents; any other AWS managed policy leaves the role unjudged). A document is
unreadable, and the role not judged, when code changes it after it is written
(`document.Statement.push(…)`, `Object.assign`), when it merges `sourcePolicyDocuments` or
`overridePolicyDocuments`, or when a helper builds it from its parameters. A function made in a
loop, or by a factory called more than once, whose instances name different targets
(`deadLetterConfig: { targetArn: spec.deadLetter.arn }` over specs, `dlq.arn` in a factory given
a queue per call) is judged for every target when its instances share one role:
one finding names those the role may not send to, and its fix grants them all. A target picked
by the loop's key or index (`deadLetterQueues[channel].arn` in `for (const channel of channels)`
or over `Object.keys(…)`, `dlqs[i].arn` in `names.forEach((name, i) => …)` or `for (let i = 0; i <
names.length; i++)`) is the entry each iteration picks. Entries declared one by one are granted
by name, as above; where one declaration makes them all (queues made in a loop or by a `.map`),
the grant is a RolePolicy made in the same iteration, right before the function, naming the
target as the function does, so that each iteration grants its own queue alone (a function that
is an arrow's expression body, `names.map((name, i) => new aws.lambda.Function(…))`, has no place
for it: the finding says so). A key the record does not write out, an array of another length
than the loop, an index the body changes, or a record changed other than by filling it leaves
the function unjudged. When each
instance has a role of its own, made in the same loop or factory, every target is judged against
what the code making the roles grants each of them; a grant written per instance (`Resource:
args.deadLetterArn`) cannot be read for one instance, and leaves the function unjudged. The fix
then is one new RolePolicy after the role naming each target the way its function does
(`Resource: args.deadLetterArn`), so that each role gains its own targets and no other, for every
function of the role at once (fixed apart, the first grant written per instance would leave the
others unjudged). It names a target only through the parameters or loop variables that give it,
not for a function made under a condition (`args.dlq ? new …`, `if (spec.dlq) new …`: the target
may be read only there), and never extends a statement of the roles (written once for all of
them, one instance's target there would reach every role). It is not judged when some policy
attachment of the program names a role infrafix cannot place (a role handed to a method, an
array filled by `push`): that one may grant each role its target.

A function a factory makes from the role each call passes (`makeFn(name, role, dlq)` with `role:
role.arn`), whose calls pass different roles or one infrafix cannot follow (`opts.role ??
defaultRole`), is judged for each call whose role it can follow, against the target that call
passes (`dlq.arn`) or the one every call shares; a call whose target cannot be followed is not
judged. One finding names the calls whose role may not send. A call written in another function that passes that function's
parameters on (`makeService(name, role, dlq)` calling `makeFn(name, role, dlq)`) stands for each
call of that function, and is named by it. Its fix grants the call's role, as
above, never in the file where the factory makes the function: a grant written there (a new
policy before the function) would run for every call, the unfollowed ones too, and the finding
then has no fix and says so. Where the calls lacking the send run as different roles, the fix
makes one grant per role, each planned as a single role's grants are, naming only the targets
of that role's own calls (two calls of a role sending to two queues: that role gains both, the
others neither); where one role's grant has no fix, or two roles' grants would change the same
code, the finding has none, and says why.
A new RolePolicy is not added to the factory's `dependsOn` while a call's role cannot be
followed (`lambda-iam-depends-on` reports it, without a fix).

A target written as ARN text (`"arn:aws:sqs:us-east-1:123456789012:orders-dlq"`, or the same built
from the partition, region and account the program deploys to) names its service by its start
(`arn:aws:sqs:`, `arn:${AWS::Partition}:sns:`), and is judged the way IAM matches a statement's
resource against it: the same text, or the same values read the same way (`${AWS::Region}`,
`${data.aws_caller_identity.current.account_id}`, through locals or `format("…%s…", …)`), or a
wildcard covering it (`arn:aws:sqs:*:*:orders-*`, `*`); a Deny still wins. A queue of the program
is in the partition, region and account its stack deploys to (`${AWS::Region}`, in Terraform what
the root's `aws_partition`, `aws_region` and `aws_caller_identity` data sources report when
declared without arguments), unless it names a `provider` or `region` of its own. Where the text
reads values infrafix cannot know (a region, an account, a variable) and a statement may match
them or not (`arn:aws:sqs:us-east-1:123456789012:orders-dlq` against
`arn:aws:sqs:${var.region}:…`), nothing is reported. A target a variable or a parameter gives
whole (`var.dlq_arn`, `!Ref DeadLetterArn`) is not judged.
The grant names the text as the function writes it (the same string, template,
`local` or `!Sub`), in the places and under the conditions a queue of the program is granted.
In TypeScript (a string, a `const` holding one, a template or `pulumi.interpolate` reading the
region, the account or the stack's config) the grant copies the text where the policy is written,
each name it reads written as that code names the same value: a const of another module imported
from it (never through an import cycle), a const of the same file only where it is set by then.
Where the role's policies cannot name it so, a new policy goes right before the function, which
reads it already. Text reading what may differ there (a variable assigned again, a loop variable
or parameter out of the policy's reach, a call of the project's own code) gets no fix, and the
finding says which name stands in the way; text written out whole is copied as a string.

A document that `JSON.stringify` or a plain template literal (not `pulumi.interpolate`) writes
with a resource's Output in a Resource (`dlq.arn` read inside an `.apply` callback without being
its parameter) holds Pulumi's placeholder text there ("Calling [toJSON] on an [Output<T>] is not
supported"), not the ARN, and IAM refuses the whole policy ("Resource … must be in ARN format"):
it grants nothing. The finding names the Output and has no fix: a grant made elsewhere would leave
the deployment failing on that policy.

ARN text a plain template literal or `+` builds around an Output (`` `${dlq.arn}*` ``,
`"arn:aws:sqs:" + region + ":" + account + ":" + dlq.name`) holds the same placeholder
("Calling [toString] on an [Output<T>] is not supported") in any document, `pulumi.jsonStringify`
and `getPolicyDocumentOutput` too, since the text is made before they read it: it names nothing.
IAM refuses the policy where the text begins with the placeholder, and takes it, naming nothing
there, where it begins `arn:`. Either way the finding names the Output and has no fix; written
with `pulumi.interpolate`, or from a callback's parameter, the text is read for what it names.

An `aws.lambda.CallbackFunction` given `policies` and no `role` runs as a role @pulumi/aws makes
for it with exactly the managed policies `policies` lists (an array of ARNs, or in v7 a record of
names to ARNs; customer policies of the program, `aws.iam.Policy` ARNs, are read too), and is
judged against it. It gets a finding without a fix: the list takes managed policies only, and
the one that would allow the send (AmazonSQSFullAccess, AmazonSNSFullAccess) allows far more than
one queue or topic; a policy naming the role (`fn.roleInstance`) can only be written after the
function, which cannot wait for it, while Lambda checks the permission when it creates the
function. The finding says to give the function a `role` of its own that may send, with that
policy in its `dependsOn`. Code reading `fn.roleInstance` may attach anything: the role is then
not judged. A CallbackFunction given neither (a default set including AmazonSQSFullAccess) is not
judged; one given a `role` is judged as running as it.

In Terraform: `dead_letter_config { target_arn }` of the root module's functions, and the role's
grants from `aws_iam_role_policy`, `aws_iam_role_policy_attachment` (AWS managed, also through a
`data "aws_iam_policy"` naming it by ARN or name, or an `aws_iam_policy`),
`aws_iam_policy_attachment`, `inline_policy` blocks and `managed_policy_arns`; documents in
`jsonencode`, `aws_iam_policy_document` data sources and heredoc JSON (read, never edited).
The grant goes into a statement or as a new one (a `statement` block in a data source), else
into a new `aws_iam_role_policy` after the role. A policy or attachment whose `count` or
`for_each` may make no instance (`count = var.enabled ? 1 : 0`, a count a variable's default gives)
grants nothing the rule counts on, and is never extended. An `aws_iam_role_policy` made once per
instance of other resources is read, never extended: made for the instances of a queue
(`for_each = aws_sqs_queue.dlq`, or a `for` over them whose `if` compares the key with values
written out), `Resource = each.value.arn` grants each instance it is made for, and its other
statements count where it surely makes an instance; made over anything else (a `for` whose `if`
reads a variable, a module's output, a `count`), what one instance grants cannot be told: the
finding says infrafix cannot tell whether the role may send, names the policy, and has no fix.
A function made for the instances of a queue a `for` keeps that way sends to each of them. A
queue made by `count` or `for_each` and
picked by a key written out (`aws_sqs_queue.dlq["orders"].arn`, `dlq[0]`) is that one instance,
granted by a grant naming it or the queue as a whole, and written so by the fix; picked by a key
known only at deploy (`dlq[each.key]`), it stands for the queue as a whole. A queue a local module
makes once (read there, or handed out as `module.queues.dlq_arn`) is judged too; the grant names it
by the call's output, and only when that module makes no function and its call has no `depends_on`:
a grant reading a module that makes the function would be created alongside the function (or, with
`depends_on` on the call, make a cycle), so such a queue is reported without a fix. A role a
local module call makes once (`role = module.iam.role_arn`, or the module's own role where its
function's `target_arn` is what the root passes in) is judged by the policies the module writes for
it, read with the call's arguments (`Resource = var.dead_letter_arn`), and those the root attaches
to it through the call's outputs. The grant is a new `aws_iam_role_policy` in the root after the
function, naming the role by the call's output of its name (`module.iam.role_name`); the module is
never edited from its caller, as other callers may share it. Without such an output, or for a
function made by the same module call (it cannot wait for a policy the root attaches), the finding
has no fix.

A call of the public module `terraform-aws-modules/lambda/aws` makes its function and, unless it
turns `create_role` off and names a `lambda_role` (judged as a `role` is), the function's role;
that role may send to the call's `dead_letter_target_arn` only when the call turns on
`attach_dead_letter_policy`, which attaches `sns:Publish` and `sqs:SendMessage` on that ARN
alone. The fix turns it on. What the module's other switches attach is read from the call's
inputs, each written `true`: `attach_policy` (the ARN `policy`), `attach_policies` (the first
`number_of_policies` of `policies`), `attach_policy_json` / `attach_policy_jsons` (the documents
`policy_json` / `policy_jsons` hold), `attach_policy_statements` (a statement per entry of
`policy_statements`) and `attach_async_event_policy` (the send on `destination_on_failure` and
`destination_on_success`); a tracing policy or statements about DynamoDB alone grant no send. A
switch a variable gives, a policy it cannot read (a document a variable gives, a customer policy
by ARN), or a root module policy naming the role through the call's outputs
(`module.NAME.lambda_role_name`) may grant it: the role is then not judged; a statement with a
resource it cannot follow is uncertain only for its own actions. A call whose `create` a variable gives (`create = var.enable_exports`) makes the
function, its role and its mappings together or none of them, as `count = var.enabled ? 1 : 0`
would: it is judged for the function it makes when on.

In CloudFormation: `DeadLetterConfig.TargetArn` of a function whose `Role` is a role of the
template, and the grants of the role's `Policies` and `ManagedPolicyArns` (an AWS managed ARN
written out, or read in the partition through `!Sub` or `!Join`) and of every
`AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy` naming it; a policy
resource under a `Condition` that some function of the role does not share may be missing where
that function is created, so what it grants is unknown (a finding without a fix); so is a
`Policies` entry written as `!If [Cond, policy, !Ref AWS::NoValue]`, which exists only under its
condition. A `ManagedPolicyArns` entry `!If [Cond, arn, arn]`, each arm an AWS managed ARN or
`!Ref AWS::NoValue`, grants what both arms grant; what only one arm grants is unknown likewise,
and a role neither arm lets send is reported and fixed as any other. The grant goes into a statement list of the role's own `Policies` (never one chosen by
an `!If`), or of a policy resource that every function of the role waits for (its `DependsOn`,
directly or through other resources), else into a new `dead-letter-send` policy in the role's
`Policies`, which CloudFormation creates with the role. SAM adds the permission itself for a function's `DeadLetterQueue` when it makes the role (no
`Role`), and the Serverless Framework adds `sns:Publish` on `onError`'s topic to the role it makes
when `onError` is ARN text: neither is a finding. A topic `onError` names by `Ref` or `Fn::GetAtt`
the framework passes on without granting it (its `compile/functions` plugin), so a function running
as the framework's role is judged against `provider.iam.role.statements` (or the older
`provider.iamRoleStatements`), and the grant goes there (a new `provider.iam.role.statements` when
`frameworkVersion` is 3 or later). A role made for one function alone (its own `iam` settings, or
`provider.iam.role.mode: perFunction`, in framework v4; the serverless-iam-roles-per-function
plugin's, for its `iamRoleStatements`) gets the topic from the framework or plugin and is not
judged. A Serverless function running as a role the service declares under
`resources:` (its `role:`, or the provider's) is judged, and the grant goes into that role; its
statements may name the target through a `${self:…}` variable, as `onError` may (a variable known
only at deploy, `${opt:…}`, makes the answer unknown). A role or topic in a file the service
includes (`- ${file(./resources/iam.yml)}` in a `resources:` list, `${file(./roles.yml):Role}`)
is judged the same, and the grant is written in the role's file; a topic another file declares is
not named there, and the finding says so, without a fix.

In an AWS CDK app: a `Function`'s `deadLetterQueue` (or `deadLetterTopic`) gets `sqs:SendMessage`
(`sns:Publish`) from the construct itself, which adds the statement to the function's role
(aws-cdk-lib's `Function` calls `addToRolePolicy` for it): not a finding. The L1 forms bypass it
and are judged as in CloudFormation: a `CfnFunction`'s `deadLetterConfig` (an L1 `CfnQueue` or
`CfnTopic`, or an L2 queue or topic by its `queueArn` / `topicArn`), its `CfnRole`'s `policies`
and `managedPolicyArns`, and the `CfnPolicy`, `CfnRolePolicy` and `CfnManagedPolicy` resources
naming the role. The grant goes into a statement or document of the role's own, else into a new
entry of the `CfnRole`'s `policies` (CloudFormation creates the role with it, so the function
needs no dependency). A role handed to L2 code (`iam.Role.fromRoleArn(this, "R", role.attrArn)`,
whose `grant*` calls write policies of their own) and a role the app does not declare (an imported
one, or an L2 `iam.Role`, which CDK code grants to) are not judged.

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
A role's permissions boundary (`permissions_boundary`, `PermissionsBoundary`,
`permissionsBoundary`) caps what its policies grant: IAM allows the send only where both allow
it. A boundary infrafix reads (a policy of the program, or an AWS managed policy it knows) is
judged with the role: where it does not allow the send, no grant to the role helps, so the
finding has no fix and says to change the boundary. A boundary it cannot read (an ARN passed in,
a policy made elsewhere) may not allow the grant either, so the grant is an unsafe fix; what the
role's own policies allow is taken as allowed all the same.
Otherwise safe: it grants the one action Lambda needs, on the dead-letter target only, in a policy of the
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
(`sqs:*`, `*`) is never extended. The new RolePolicy goes after the role (after the queue, where
the role's file declares the queue below the role), or, where the role's module cannot import the
queue without closing an import cycle, or where the function could not name a policy made there
in its `dependsOn` (a component's method making the function for a role its constructor makes),
before the function; where that too is refused, the finding has no fix. A role that
declares `inlinePolicies` owns its inline policies (Pulumi deletes any other on the next update):
the statement goes into one of them, and where none can take it the finding says so and has no fix.
A statement reached through a `const` that other code reads too (one statement in the policies of
several roles) is only read, never extended. An `aws.iam.RolePoliciesExclusive` for the role
deletes any inline policy its `policyNames` does not list: no new RolePolicy is made for such a
role, and the finding says which resource to change.

The grants of one run for one role are merged: the functions whose grants go to the same place
share one fix, which makes one edit there for all of them, so that ten functions sharing a role are
fixed in one pass. The place gains every target at once: one statement extended with all of them,
one new statement per action (`sqs:SendMessage` on the queues, `sns:Publish` on the topics, never
one statement for both, which would let the role publish to the queues), or one new RolePolicy.
A statement is extended one way only: one that gains an action for one function gains no target
for another (it would grant the new action on the new targets too). Places whose edits meet (two
in one `pulumi.all` document, both handing the callback new outputs; two importing targets into
one file) share one fix too. A new RolePolicy is shared only by functions declared after it, since
each must list it in its `dependsOn`: where queues and functions alternate, each function gets its
own, after its queue; one that goes into a loop body is named after the queue, whose name differs
from one iteration to the next. The grant of a finding suppressed by a comment is never merged into
another's fix.

Not judged, so never changed: a statement with a Condition, NotAction or NotResource that may
grant the permission, or an entry infrafix cannot read (the finding then says why, and has no
fix); a role the program does not declare, or a target it reads whole from config or another
stack (`config.require("dlqArn")`, a variable, a parameter);
a policy infrafix cannot read at all (a customer managed policy given by ARN, an AWS managed
policy its table does not list), which gives no finding.
"#;

/// A function whose role may not send to its dead-letter target yet.
struct Grant {
    /// Index of its finding among those the rule reports.
    finding: usize,
    /// Where the function is created.
    function: Site,
    function_resource: ResourceId,
    /// Index into the graph's roles.
    role: usize,
    dead_letter: GrantTarget,
    action: &'static str,
}

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let graph = context.graph();
    let mut judged = Judged::default();
    // The findings of functions a factory makes, judged call by call: the file making each.
    let mut per_call: BTreeMap<usize, usize> = BTreeMap::new();
    for function in graph.functions() {
        match function.role {
            Some(FunctionRole::Declared(role_index)) => judged.function(context, function, role_index),
            Some(FunctionRole::Unknown) if !function.role_per_call.is_empty() => {
                let finding = judged.reported.len();
                judged.calls(context, function);
                // No call may lack the grant, and then the next function's finding takes this index.
                if judged.reported.len() > finding {
                    per_call.insert(finding, function.at.file);
                }
            }
            _ => {}
        }
    }
    let Judged {
        reported,
        grants,
        own_grants,
    } = judged;
    // A finding whose grant goes to a role with a permissions boundary infrafix does not read,
    // with that boundary.
    let bounded: BTreeMap<usize, &str> = grants
        .iter()
        .map(|grant| (grant.finding, grant.role))
        .chain(
            own_grants
                .iter()
                .flat_map(|(&role, owns)| owns.iter().map(move |(finding, _)| (*finding, role))),
        )
        .filter_map(|(finding, role)| Some((finding, graph.roles().get(role)?.grants.unread_boundary()?)))
        .collect();
    let mut outcomes = plan_grants(context, &reported, &grants, &per_call, own_grants);
    findings.extend(
        reported
            .into_iter()
            .enumerate()
            .map(|(index, finding)| match outcomes.remove(&index) {
                Some(outcome) => finding.with_outcome_within(outcome, bounded.get(&index).copied()),
                None => finding,
            }),
    );
}

/// The fix of each finding with grants to make, or why it has none, by the finding's index;
/// `per_call` holds the findings of functions a factory makes, judged call by call, with the
/// file making each.
fn plan_grants(
    context: &RuleContext,
    reported: &[Finding],
    grants: &[Grant],
    per_call: &BTreeMap<usize, usize>,
    own_grants: BTreeMap<usize, Vec<OwnGrant>>,
) -> BTreeMap<usize, Result<Fix, String>> {
    let graph = context.graph();
    let suppressed = |finding: usize| {
        let finding = &reported[finding];
        context.is_suppressed(RuleId::LambdaDlqSendPermission, finding.file, finding.range.start)
    };
    // The grants of one role are planned together, so that those going to one place make one edit
    // that every finding's fix carries: fixed one by one, they would all insert at the same point
    // and settle one per pass. A suppressed finding's grants are planned apart from other
    // findings', so that no other fix grants them; so are a factory call's finding's, whose fix
    // may be refused below (a joint edit would carry its grants into the other findings' fixes
    // all the same). Apart, a finding's grants are still planned together role by role.
    let mut shared: BTreeMap<usize, Vec<&Grant>> = BTreeMap::new();
    let mut apart: BTreeMap<(usize, usize), Vec<&Grant>> = BTreeMap::new();
    for grant in grants {
        match per_call.contains_key(&grant.finding) || suppressed(grant.finding) {
            true => apart.entry((grant.finding, grant.role)).or_default().push(grant),
            false => shared.entry(grant.role).or_default().push(grant),
        }
    }
    // Each finding's fix for each role it needs a grant of.
    let mut by_role: BTreeMap<(usize, usize), Result<Fix, String>> = BTreeMap::new();
    for together in shared.into_values().chain(apart.into_values()) {
        for (grant, outcome) in join_colliding(plan(context, &together)) {
            // A finding's targets of one role share one fix, or it has none: fixed apart, a part
            // of them would be left for a later pass under a finding that no longer names it.
            let key = (together[grant].finding, together[grant].role);
            let outcome = match (by_role.remove(&key), outcome) {
                (Some(Err(reason)), _) | (Some(Ok(_)), Err(reason)) => Err(reason),
                (Some(Ok(earlier)), Ok(fix)) if earlier != fix => Err(
                    "its targets need grants in different places; grant each by hand, or fix them one at a time"
                        .to_owned(),
                ),
                (_, outcome) => outcome,
            };
            by_role.insert(key, outcome);
        }
    }
    for (role_index, mut members) in own_grants {
        // As above, a suppressed finding's target is granted by no other finding's fix.
        members.retain(|(finding, _)| !suppressed(*finding));
        if let Some(role) = graph.roles().get(role_index) {
            by_role.extend(
                plan_own_targets(context, role, members)
                    .into_iter()
                    .map(|(finding, outcome)| ((finding, role_index), outcome)),
            );
        }
    }
    let mut outcomes: BTreeMap<usize, Vec<Result<Fix, String>>> = BTreeMap::new();
    for ((finding, _), outcome) in by_role {
        outcomes.entry(finding).or_default().push(outcome);
    }
    outcomes
        .into_iter()
        .map(|(finding, of_roles)| {
            let outcome = one_fix_for_every_role(of_roles);
            // A factory's function judged per call: its fix edits roles only, never the file where
            // the factory makes the function.
            let outcome = match (outcome, per_call.get(&finding)) {
                (Ok(fix), Some(&factory_file)) if fix.edits.iter().any(|edit| edit.file == factory_file) => {
                    Err(EDITS_THE_FACTORY.to_owned())
                }
                (outcome, _) => outcome,
            };
            (finding, outcome)
        })
        .collect()
}

/// One fix making a finding's grants to each of its roles (those of a factory's calls running it
/// as different roles), each planned as the grants of one role are; none when a role's grants
/// have none, or when the edits for two roles overlap.
fn one_fix_for_every_role(of_roles: Vec<Result<Fix, String>>) -> Result<Fix, String> {
    let fixes = of_roles.into_iter().collect::<Result<Vec<Fix>, String>>()?;
    join_all(&fixes).ok_or_else(|| GRANTS_OF_ROLES_MEET.to_owned())
}

/// Why a function a factory makes gets no fix where the grants its calls' roles need meet in one
/// place.
const GRANTS_OF_ROLES_MEET: &str = "the calls run it as different roles, whose grants would change the same code; grant each role the send on its call's target by hand";

/// Why a function a factory makes, judged for one call, gets no fix where the grant would go in
/// the factory's file.
const EDITS_THE_FACTORY: &str = "the grant would be written in the file where the factory makes the function, which every call of the factory runs, and may reach the functions and roles of its other calls; grant the call's role the send on its target by hand";

/// The findings of the rule so far, and the grants their fixes must make.
#[derive(Default)]
struct Judged {
    reported: Vec<Finding>,
    grants: Vec<Grant>,
    /// Functions whose instances each have a role of their own, by role.
    own_grants: BTreeMap<usize, Vec<OwnGrant>>,
}

impl Judged {
    /// A function a factory makes, whose calls run it as different roles: each call whose role
    /// is known is judged against the target it passes (or the one every call shares). One
    /// finding names the calls whose role may not send; its fix grants each call's role its
    /// target (roles, never the factory: another call's function is left as it is).
    fn calls(&mut self, context: &RuleContext, function: &LambdaFunction) {
        let graph = context.graph();
        // Each call whose role and target are known, with them.
        let sending: Vec<(&CallRole, usize, &IamRole, DeadLetter)> = function
            .role_per_call
            .iter()
            .filter_map(|call| {
                let role_index = call.role?;
                let dead_letter = match (&function.dead_letter, &call.dead_letter) {
                    (DeadLetter::Resource(_) | DeadLetter::Text(_), _) => function.dead_letter.clone(),
                    (_, Some(target)) => DeadLetter::Resource(target.clone()),
                    _ => return None,
                };
                Some((call, role_index, graph.roles().get(role_index)?, dead_letter))
            })
            .collect();
        let judged: Vec<_> = sending
            .iter()
            .filter_map(|(call, role_index, role, dead_letter)| {
                let lacking = lacking_sends(context, role, dead_letter)?;
                (!lacking.is_empty()).then_some((call, *role_index, role, lacking))
            })
            .collect();
        if judged.is_empty() {
            return;
        }
        let answers = || {
            judged
                .iter()
                .flat_map(|(_, _, _, lacking)| lacking)
                .map(|lacks| &lacks.answer)
        };
        let unknown = answers().find_map(|answer| match answer {
            Answer::Unknown(reason) => Some(reason),
            _ => None,
        });
        let message = judged
            .iter()
            .map(|(call, _, role, lacking)| {
                let name = format!("{}, as the call {} makes it,", function.name, call.call);
                message(&name, role, lacking, unknown.is_some())
            })
            .collect::<Vec<_>>()
            .join(" ");
        let finding = Finding::new(
            RuleId::LambdaDlqSendPermission,
            function.at.file,
            function.at.range.clone(),
            message,
        );
        let refused = judged.iter().find_map(|(_, _, role, lacking)| refusal(role, lacking));
        let malformed = judged.iter().find_map(|(_, _, role, _)| role.grants.malformed());
        let finding = match fixable(finding, refused, unknown, malformed) {
            Ok(finding) => finding,
            Err(unfixed) => {
                self.reported.push(unfixed);
                return;
            }
        };
        for (_, role_index, _, lacking) in &judged {
            self.grant(function, *role_index, lacking);
        }
        self.reported.push(finding);
    }

    /// A function running as the role `role_index` (every instance of it), sending to its
    /// `dead_letter`.
    fn function(&mut self, context: &RuleContext, function: &LambdaFunction, role_index: usize) {
        let Some(role) = context.graph().roles().get(role_index) else {
            return;
        };
        let dead_letter = &function.dead_letter;
        let Some(lacking) = lacking_sends(context, role, dead_letter) else {
            return;
        };
        let unknown = lacking.iter().find_map(|lacks| match &lacks.answer {
            Answer::Unknown(reason) => Some(reason),
            _ => None,
        });
        // Instances naming different targets are usually granted them through the same
        // per-instance code (`Resource: spec.deadLetter.arn`), which no single answer reads: not
        // judged, rather than reported as unknown on a correct program.
        let per_instance = matches!(
            dead_letter,
            DeadLetter::PerInstance(_) | DeadLetter::EachWithItsRole { .. }
        );
        if lacking.is_empty() || (unknown.is_some() && per_instance) {
            return;
        }
        let finding = Finding::new(
            RuleId::LambdaDlqSendPermission,
            function.at.file,
            function.at.range.clone(),
            message(&function.name, role, &lacking, unknown.is_some()),
        );
        let refused = refusal(role, &lacking);
        let finding = match fixable(finding, refused, unknown, role.grants.malformed()) {
            Ok(finding) => finding,
            Err(unfixed) => {
                self.reported.push(unfixed);
                return;
            }
        };
        if let DeadLetter::EachWithItsRole { written, .. } = dead_letter {
            let grant = own_target_grant(context, function, role, &lacking, written);
            self.own_grants
                .entry(role_index)
                .or_default()
                .push((self.reported.len(), grant));
            self.reported.push(finding);
            return;
        }
        self.grant(function, role_index, &lacking);
        self.reported.push(finding);
    }

    /// The grants the finding about to be reported asks of the role `role_index`.
    fn grant(&mut self, function: &LambdaFunction, role_index: usize, lacking: &[Lacking]) {
        for lacks in lacking {
            self.grants.push(Grant {
                finding: self.reported.len(),
                function: function.declared.clone(),
                function_resource: function.resource,
                role: role_index,
                dead_letter: lacks.dead_letter.clone(),
                action: lacks.action,
            });
        }
    }
}

/// The targets among `dead_letter`'s that `role` may not send to, as far as infrafix can tell;
/// `None` when the targets cannot be told.
fn lacking_sends<'graph>(
    context: &'graph RuleContext,
    role: &IamRole,
    dead_letter: &'graph DeadLetter,
) -> Option<Vec<Lacking<'graph>>> {
    let graph = context.graph();
    if let DeadLetter::Text(written) = dead_letter {
        return Some(lacking_on_text(context, role, written).into_iter().collect());
    }
    // A function made in a loop or by a factory may send to several targets: one finding names
    // those its role may not send to.
    let targets = dead_letter.targets()?;
    Some(
        targets
            .iter()
            .filter_map(|dead_letter| {
                let MessageTarget { target, name } = graph.message_target(dead_letter.resource)?;
                let action = send_action(target.service);
                let answer = role.grants.allows(action, &target.named_by(dead_letter));
                let lacks = !matches!(answer, Answer::Allowed | Answer::Unreadable);
                lacks.then(|| Lacking {
                    dead_letter: GrantTarget::Resource(dead_letter.clone()),
                    name: name.clone(),
                    service: target.service,
                    action,
                    answer,
                })
            })
            .collect(),
    )
}

/// The grant of a function whose instances each have a role and a target of their own: the
/// target as the function names it, for a new policy beside the role, so that each role gains
/// its own target alone. The role's existing statements are not extended: they are written once
/// for every instance, and naming one instance's target there would grant it to all.
fn own_target_grant(
    context: &RuleContext,
    function: &LambdaFunction,
    role: &IamRole,
    lacking: &[Lacking],
    written: &Site,
) -> Result<SendGrant, String> {
    let Some(first) = lacking.first() else {
        return Err("it lacks no grant".to_owned());
    };
    if lacking.iter().any(|lacks| lacks.action != first.action) {
        return Err(
            "its instances send to queues and to topics, which need different grants; grant each by hand".to_owned(),
        );
    }
    if role.owns_inline_policies {
        return Err(inline_policies_owned(context, role, first.action));
    }
    Ok(SendGrant {
        function: function.declared.clone(),
        action: first.action.to_owned(),
        target: first.dead_letter.clone(),
        written: Some(written.clone()),
    })
}

/// The grant a function whose instances each have a role of their own needs, or why it has none,
/// with the index of its finding.
type OwnGrant = (usize, Result<SendGrant, String>);

/// The fixes of the functions of one role made per instance: one policy for all of them, or
/// none. Once a grant written per instance is in place, the role's other needs can no longer be
/// judged, so a part fixed alone would leave the rest unreported.
fn plan_own_targets(
    context: &RuleContext,
    role: &IamRole,
    members: Vec<OwnGrant>,
) -> Vec<(usize, Result<Fix, String>)> {
    let blocked = members.iter().find_map(|(_, grant)| grant.as_ref().err().cloned());
    if let Some(reason) = blocked {
        return members
            .into_iter()
            .map(|(finding, grant)| {
                let reason = match grant {
                    Err(own) => own,
                    Ok(_) => {
                        format!("another function of its role has no fix ({reason}), and they are granted together")
                    }
                };
                (finding, Err(reason))
            })
            .collect();
    }
    let (findings, sends): (Vec<usize>, Vec<SendGrant>) = members
        .into_iter()
        .filter_map(|(finding, grant)| Some((finding, grant.ok()?)))
        .unzip();
    let mut rendered = context.render_new_policies(&role.declared, &sends).into_iter();
    findings
        .into_iter()
        .map(|finding| {
            let outcome = rendered
                .next()
                .unwrap_or_else(|| Err("the front end placed no policy for it".to_owned()));
            (finding, outcome)
        })
        .collect()
}

/// Why a role that owns its inline policies takes no new one.
fn inline_policies_owned(context: &RuleContext, role: &IamRole, action: &str) -> String {
    format!(
        "role {} owns its inline policies through {}, and none of them can take the statement here; add {action} on the dead-letter target to one of them",
        role.name,
        context.graph().spelling().inline_policies,
    )
}

/// What a finding says: the targets the role may not send to, and whether that is only
/// possible (`unknown`: a statement infrafix cannot read may allow it).
fn message(name: &str, role: &IamRole, lacking: &[Lacking], unknown: bool) -> String {
    let Some(first) = lacking.first() else {
        return String::new();
    };
    let kind = match first.service {
        "sqs" => "dead-letter queue",
        _ => "dead-letter topic",
    };
    let action = first.action;
    let error = format!(
        "\"The provided execution role does not have permissions to call {} on {}\"",
        action.split(':').nth(1).unwrap_or(action),
        first.service.to_ascii_uppercase(),
    );
    let named = match lacking {
        [only] => format!("{kind} {}", only.shown()),
        _ if lacking.iter().all(|other| other.service == first.service) => {
            format!("{kind}s {}", names_of(lacking))
        }
        _ => format!("dead-letter targets {}", names_of(lacking)),
    };
    let (send, on) = match lacking {
        [_] => (action, "it"),
        _ if lacking.iter().all(|other| other.action == action) => (action, "them"),
        _ => ("what each needs (sqs:SendMessage, sns:Publish)", "them"),
    };
    // Where the grants cannot be judged, the finding says so rather than that they lack it.
    match unknown {
        true => format!(
            "Function {name} sends failed events to {named}, and infrafix cannot tell whether its role {} allows {send} on {on}: without it, Lambda refuses the function ({error}).",
            role.name,
        ),
        false => format!(
            "Function {name} sends failed events to {named}, but its role {} does not allow {send} on {on}: Lambda refuses the function ({error}).",
            role.name,
        ),
    }
}

/// A dead-letter target a function's role may not send to, as far as infrafix can tell.
struct Lacking<'graph> {
    dead_letter: GrantTarget,
    /// How messages name it: the queue's or topic's name, or its ARN text in backticks.
    name: String,
    service: &'graph str,
    action: &'static str,
    answer: Answer,
}

impl Lacking<'_> {
    /// The target as a message names it: by its name, and by the key of the one instance the
    /// function sends to where the target is made several times (`aws_sqs_queue.dlq["refunds"]`).
    fn shown(&self) -> String {
        match &self.dead_letter {
            GrantTarget::Resource(ResourceRef {
                instance: Some(key), ..
            }) => format!("{} (its instance `{key}`)", self.name),
            _ => self.name.clone(),
        }
    }
}

/// What a role must be allowed to send to a queue or topic of this service.
fn send_action(service: &str) -> &'static str {
    match service {
        "sqs" => "sqs:SendMessage",
        _ => "sns:Publish",
    }
}

/// The target ARN text names, when the role may not send to it. What cannot be told is not
/// reported: the text reads values (a region, an account, a variable) that the role's grants
/// may match or not, and a program whose queue is made elsewhere usually grants it the same way.
fn lacking_on_text<'graph>(
    context: &'graph RuleContext,
    role: &IamRole,
    written: &'graph WrittenArn,
) -> Option<Lacking<'graph>> {
    let service = written.text.service()?;
    let action = send_action(service);
    let graph = context.graph();
    let answer = role.grants.allows_on_text(action, &written.text, |resource| {
        graph.message_target(resource).map(|target| &target.target)
    });
    matches!(answer, Answer::NotAllowed | Answer::Denied | Answer::OutsideBoundary).then(|| Lacking {
        dead_letter: GrantTarget::Text(written.clone()),
        name: format!("`{}`", written.text),
        service,
        action,
        answer,
    })
}

/// Whether a statement's resource entry names exactly `target`, and nothing more.
fn names_only(entry: &Entry, target: &GrantTarget) -> bool {
    match target {
        GrantTarget::Resource(reference) => entry.resource.as_ref() == Some(reference),
        GrantTarget::Text(written) => match (&entry.text, &entry.literal) {
            (Some(text), _) => *text == written.text,
            (None, Some(literal)) => written.text.as_literal().as_deref() == Some(literal.as_str()),
            (None, None) => false,
        },
    }
}

/// The targets' names for a message.
fn names_of(lacking: &[Lacking]) -> String {
    let names: Vec<String> = lacking.iter().map(Lacking::shown).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    listed_names(&names)
}

/// The fix of each grant, or why it has none, by the grant's index.
type Outcomes = BTreeMap<usize, Result<Fix, String>>;

/// The fixes of grants of one role: grants that go to the same place share one fix, whose edits
/// serve them all.
fn plan(context: &RuleContext, grants: &[&Grant]) -> Outcomes {
    let mut outcomes = Outcomes::new();
    let Some(role) = grants.first().and_then(|grant| context.graph().roles().get(grant.role)) else {
        return outcomes;
    };
    let unplaced = |outcomes: &Outcomes| -> Vec<usize> {
        (0..grants.len())
            .filter(|grant| !outcomes.contains_key(grant))
            .collect()
    };
    // A document another resource reads too is never extended: the new permission would reach
    // that resource's role as well. Nor is one held by a policy that reads a function of these
    // grants: it is created after the function, which Lambda checks without it.
    let after_a_function = |document: &GrantDocument| {
        role.attachments.iter().any(|attachment| {
            (attachment.resource == document.owner || attachment.attached_policy == Some(document.owner))
                && grants
                    .iter()
                    .any(|grant| attachment.after_functions.contains(&grant.function_resource))
        })
    };
    let own: Vec<&GrantDocument> = role
        .grants
        .documents
        .iter()
        .filter(|document| !document.shared && !after_a_function(document))
        .collect();
    // 1. A statement that grants exactly what is missing once extended, and nothing more: one
    //    that names only the target needs the action; one that allows only the action needs the
    //    targets. A statement grants each of its actions on each of its resources, so extending
    //    any other would widen it.
    for document in &own {
        for (index, statement) in document.statements.iter().enumerate() {
            if statement.uncertainty.is_some() || statement.effect != Effect::Allow {
                continue;
            }
            let naming_only: Vec<usize> = unplaced(&outcomes)
                .into_iter()
                .filter(|&grant| {
                    !statement.resources.is_empty()
                        && statement
                            .resources
                            .iter()
                            .all(|entry| names_only(entry, &grants[grant].dead_letter))
                })
                .collect();
            if let Some(&first) = naming_only.first() {
                let action = Intent::AddStatementAction {
                    role: role.declared.clone(),
                    document: document.at.clone(),
                    statement: index,
                    action: grants[first].action.to_owned(),
                };
                if let Ok(fix) = context.render(&safe(vec![action])) {
                    settle(&mut outcomes, &naming_only, fix);
                    // Extended both ways, the statement would grant its new action on its new
                    // targets too: one that gains an action gains no target.
                    continue;
                }
            }
            // Exactly the action: a wildcard (`sqs:*`, `*`, `sqs:Send*`) allows more than the
            // send, and would allow it on the targets too.
            let allowing_only: Vec<usize> = unplaced(&outcomes)
                .into_iter()
                .filter(|&grant| {
                    !statement.actions.is_empty()
                        && statement.actions.iter().all(|entry| {
                            entry
                                .literal
                                .as_deref()
                                .is_some_and(|granted| granted.eq_ignore_ascii_case(grants[grant].action))
                        })
                })
                .collect();
            let extended = served_by(context, &allowing_only, |members| {
                let mut targets: Vec<GrantTarget> = Vec::new();
                for &member in members {
                    if !targets.contains(&grants[member].dead_letter) {
                        targets.push(grants[member].dead_letter.clone());
                    }
                }
                safe(vec![Intent::AddStatementTargets {
                    role: role.declared.clone(),
                    document: document.at.clone(),
                    statement: index,
                    targets,
                }])
            });
            if let Some((members, fix)) = extended {
                settle(&mut outcomes, &members, fix);
            }
        }
    }
    // 2. New statements in a policy of the role's own, its inline RolePolicy first.
    let mut own = own;
    own.sort_by_key(|document| !document.inline_role_policy);
    for document in own {
        let added = served_by(context, &unplaced(&outcomes), |members| {
            let sends = members
                .iter()
                .map(|&member| (grants[member].action.to_owned(), grants[member].dead_letter.clone()))
                .collect();
            safe(vec![Intent::AddStatements {
                role: role.declared.clone(),
                document: document.at.clone(),
                grants: sends,
            }])
        });
        if let Some((members, fix)) = added {
            settle(&mut outcomes, &members, fix);
        }
    }
    let rest = unplaced(&outcomes);
    if rest.is_empty() {
        return outcomes;
    }
    // A role that declares its inline policies owns them: a separate one is deleted on the next
    // update, so the grant can only go into one of those documents (step 2).
    if role.owns_inline_policies {
        outcomes.extend(
            rest.into_iter()
                .map(|grant| (grant, Err(inline_policies_owned(context, role, grants[grant].action)))),
        );
        return outcomes;
    }
    // 3. New policies of the role, placed by the front end where the functions can wait for them.
    let sends: Vec<SendGrant> = rest
        .iter()
        .map(|&grant| SendGrant {
            function: grants[grant].function.clone(),
            action: grants[grant].action.to_owned(),
            target: grants[grant].dead_letter.clone(),
            written: None,
        })
        .collect();
    let mut rendered = context.render_new_policies(&role.declared, &sends).into_iter();
    for grant in rest {
        let outcome = rendered
            .next()
            .unwrap_or_else(|| Err("the front end placed no policy for it".to_owned()));
        outcomes.insert(grant, outcome);
    }
    outcomes
}

fn safe(intents: Vec<Intent>) -> FixPlan {
    FixPlan {
        intents,
        applicability: Applicability::Safe,
    }
}

/// The grants of `members` one place can serve, and the fix that serves them: all of them, or
/// those it can serve alone (a target the document cannot name, say, stays for another place).
fn served_by(
    context: &RuleContext,
    members: &[usize],
    plan_for: impl Fn(&[usize]) -> FixPlan,
) -> Option<(Vec<usize>, Fix)> {
    if members.is_empty() {
        return None;
    }
    if let Ok(fix) = context.render(&plan_for(members)) {
        return Some((members.to_vec(), fix));
    }
    let servable: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&member| context.can_render(&plan_for(&[member])))
        .collect();
    if servable.is_empty() || servable.len() == members.len() {
        return None;
    }
    let fix = context.render(&plan_for(&servable)).ok()?;
    Some((servable, fix))
}

/// The grants of `members` are served by one fix.
fn settle(outcomes: &mut Outcomes, members: &[usize], fix: Fix) {
    outcomes.extend(members.iter().map(|&member| (member, Ok(fix.clone()))));
}

/// Why no grant to `role` would let it send where it lacks, when none would: a Deny statement
/// forbids it, or the role's permissions boundary does not allow it.
fn refusal(role: &IamRole, lacking: &[Lacking]) -> Option<String> {
    lacking.iter().find_map(|lacks| match lacks.answer {
        Answer::Denied => Some("a Deny statement forbids it; change that statement by hand".to_owned()),
        Answer::OutsideBoundary => role.grants.boundary.as_ref().map(|boundary| {
            format!(
                "the role's permissions boundary ({}) does not allow it; change the boundary by hand",
                boundary.written
            )
        }),
        _ => None,
    })
}

/// `finding` as it stands when a fix may be offered, or `Err` with it unfixed: no grant to the
/// role would help (`refused`, why), infrafix cannot judge a statement that may allow it, or IAM
/// refuses a policy of the role (`malformed`, why): that policy may be the one meant to grant it,
/// and a grant made elsewhere would leave the deployment failing on it.
fn fixable(
    finding: Finding,
    refused: Option<String>,
    unknown: Option<&String>,
    malformed: Option<&str>,
) -> Result<Finding, Finding> {
    if let Some(why) = refused {
        return Err(finding.not_fixed(&why));
    }
    if let Some(why) = malformed {
        return Err(finding.not_fixed(why));
    }
    match unknown {
        Some(reason) => Err(finding.not_fixed(&format!("infrafix cannot judge {reason}, which may allow it"))),
        None => Ok(finding),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use crate::cloud::FrontEnd;
    use crate::config::Settings;
    use crate::fix::apply_fixes;
    use crate::frontends::terraform::test_support::{allowed as terraform_allowed, with_module};
    use crate::frontends::typescript::test_support::{
        self, generated_statements, policy_document, with_program, GeneratedStatement,
    };
    use crate::frontends::typescript::Program;
    use crate::frontends::typescript::TypeScriptFrontEnd;
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

    /// A role, its policy of generated statements in one of four forms, and one function per
    /// dead-letter target given, each waiting for the policy.
    fn program_text(statements: &[GeneratedStatement], form: usize, dead_letters: &[&str]) -> String {
        // In a `pulumi.all` callback, the work queue's ARN is a parameter.
        let resource = |index: usize| match (form, RESOURCES[index]) {
            (3, "work.arn") => "workArn",
            (_, written) => written,
        };
        let document = policy_document(statements, &ACTIONS, |index| resource(index).to_owned());
        let policy = match form {
            0 => format!("pulumi.jsonStringify({document})"),
            1 => format!("JSON.stringify({document})"),
            2 => document,
            _ => format!("pulumi.all([work.arn]).apply(([workArn]) => JSON.stringify({document}))"),
        };
        let functions: String = dead_letters
            .iter()
            .enumerate()
            .map(|(index, dead_letter)| {
                format!(
                    "export const fn{index} = new aws.lambda.Function(\"fn{index}\", {{ role: role.arn, runtime: \"nodejs22.x\", \
                     handler: \"index.handler\", deadLetterConfig: {{ targetArn: {dead_letter}.arn }} }}, {{ dependsOn: [policy] }});\n"
                )
            })
            .collect();
        format!(
            "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
             const work = new aws.sqs.Queue(\"work\");\nconst dlq = new aws.sqs.Queue(\"dlq\");\n\
             const other = new aws.sqs.Queue(\"other\");\nconst topic = new aws.sns.Topic(\"topic\");\n\
             const role = new aws.iam.Role(\"role\", {{ assumeRolePolicy: \"{{}}\" }});\n\
             const policy = new aws.iam.RolePolicy(\"policy\", {{ role: role.id, policy: {policy} }});\n{functions}"
        )
    }

    fn allowed(program: &Program) -> BTreeSet<(String, String)> {
        test_support::allowed(program, "role", &ASKED, &TARGETS)
    }

    /// What one pass of the rule's fixes makes of a project: the fixed texts, where the findings
    /// that have a fix start (file, offset), and how many fixes had to wait for another pass.
    struct Pass {
        fixed: Vec<String>,
        fixable: BTreeSet<(usize, usize)>,
        deferred: usize,
    }

    fn dlq_pass(files: &[(&str, &str)]) -> Pass {
        let mut pass = None;
        with_program(files, |program| {
            pass = Some(fix_pass(&TypeScriptFrontEnd::new(program), files))
        });
        pass.expect("checked")
    }

    /// One pass of the rule's fixes over the files a front end was built from.
    fn fix_pass(front_end: &dyn FrontEnd, files: &[(&str, &str)]) -> Pass {
        let texts: Vec<String> = files.iter().map(|(_, text)| (*text).to_owned()).collect();
        let settings = Settings::defaults();
        let suppressions = vec![Suppressions::default(); files.len()];
        let context = RuleContext::new(front_end, &settings, &suppressions);
        let findings = check_program(&context, &[RuleId::LambdaDlqSendPermission]);
        let fixes: Vec<_> = findings.iter().filter_map(|finding| finding.fix.as_ref()).collect();
        let batch = apply_fixes(&texts, &fixes);
        let fixable = findings
            .iter()
            .filter(|finding| finding.fix.is_some())
            .map(|finding| (finding.file, finding.range.start))
            .collect();
        let fixed = (0..texts.len())
            .map(|file| {
                batch
                    .changed
                    .get(&file)
                    .map_or(&texts[file], |change| &change.text)
                    .clone()
            })
            .collect();
        Pass {
            fixed,
            fixable,
            deferred: batch.deferred.len(),
        }
    }

    fn dlq_findings(files: &[(&str, &str)]) -> usize {
        let mut count = 0;
        with_program(files, |program| {
            let settings = Settings::defaults();
            let suppressions = vec![Suppressions::default(); files.len()];
            let front_end = TypeScriptFrontEnd::new(program);
            let context = RuleContext::new(&front_end, &settings, &suppressions);
            count = check_program(&context, &[RuleId::LambdaDlqSendPermission]).len();
        });
        count
    }

    const HEADER: &str = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
        const role = new aws.iam.Role(\"role\", { assumeRolePolicy: \"{}\" });\nconst work = new aws.sqs.Queue(\"work\");\n";

    /// Ten dead-letter targets (the first `queues` of them queues, the others topics), then
    /// `policy`, then ten functions.
    fn ten_functions(policy: &str, queues: usize) -> String {
        let mut text = HEADER.to_owned();
        for index in 0..10 {
            let class = if index < queues { "sqs.Queue" } else { "sns.Topic" };
            text.push_str(&format!("const dlq{index} = new aws.{class}(\"dlq-{index}\");\n"));
        }
        text.push_str(policy);
        for index in 0..10 {
            text.push_str(&format!(
                "export const fn{index} = new aws.lambda.Function(\"fn-{index}\", {{ role: role.arn, runtime: \"nodejs22.x\", \
                 handler: \"index.handler\", deadLetterConfig: {{ targetArn: dlq{index}.arn }} }});\n"
            ));
        }
        text
    }

    #[test]
    fn the_grants_of_one_role_apply_in_one_pass() {
        let logs = "{ Effect: \"Allow\", Action: \"logs:CreateLogGroup\", Resource: \"*\" }";
        let role_policy =
            |policy: &str| format!("new aws.iam.RolePolicy(\"p\", {{ role: role.id, policy: {policy} }});\n");
        // Each policy, and how many of the ten targets are queues (the others are topics).
        let layouts = [
            (role_policy(&format!("pulumi.jsonStringify({{ Version: \"2012-10-17\", Statement: [{logs}] }})")), 10),
            (role_policy(&format!("JSON.stringify({{ Version: \"2012-10-17\", Statement: [{logs}] }})")), 6),
            // The statement allowing only the send gains the queues, a new one the topics: both
            // hand the callback new outputs.
            (
                role_policy(
                    "pulumi.all([work.arn]).apply(([workArn]: [string]) => JSON.stringify({ Version: \"2012-10-17\", Statement: [\
                     { Effect: \"Allow\", Action: \"sqs:ReceiveMessage\", Resource: workArn }, \
                     { Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: \"arn:aws:sqs:*:*:audit\" }] }))",
                ),
                4,
            ),
            (
                "const doc = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: [\"sns:Publish\"], resources: [\"arn:aws:sns:*:*:alerts\"] }] });\n"
                    .to_owned()
                    + &role_policy("doc.json"),
                5,
            ),
            (role_policy("pulumi.interpolate`{\"Version\": \"2012-10-17\", \"Statement\": []}`"), 3),
            (String::new(), 7),
        ];
        for (policy, queues) in layouts {
            let text = ten_functions(&policy, queues);
            let pass = dlq_pass(&[("index.ts", &text)]);
            assert_eq!(pass.fixable.len(), 10, "every function has a fix:\n{text}");
            assert_eq!(pass.deferred, 0, "a fix waits for another pass:\n{}", pass.fixed[0]);
            assert_eq!(dlq_findings(&[("index.ts", &pass.fixed[0])]), 0, "{}", pass.fixed[0]);
        }
    }

    #[test]
    fn targets_of_another_module_are_imported_in_one_edit() {
        let queues: String = (0..4)
            .map(|index| format!("export const dlq{index} = new aws.sqs.Queue(\"dlq-{index}\");\n"))
            .chain(["export const failures = new aws.sns.Topic(\"failures\");\n".to_owned()])
            .collect();
        let iam = "import * as aws from \"@pulumi/aws\";\nimport { dlq0 } from \"./queues\";\n\
            export const role = new aws.iam.Role(\"role\", { assumeRolePolicy: \"{}\" });\n\
            const doc = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: [\"sqs:SendMessage\"], resources: [dlq0.arn] }] });\n\
            export const policy = new aws.iam.RolePolicy(\"p\", { role: role.id, policy: doc.json });\n";
        let functions: String = ["dlq1", "dlq2", "dlq3", "failures"]
            .iter()
            .map(|target| {
                format!(
                    "new aws.lambda.Function(\"{target}-fn\", {{ role: role.arn, deadLetterConfig: {{ targetArn: {target}.arn }} }}, {{ dependsOn: [policy] }});\n"
                )
            })
            .collect();
        let index = format!(
            "import * as aws from \"@pulumi/aws\";\nimport {{ role, policy }} from \"./iam\";\nimport {{ dlq1, dlq2, dlq3, failures }} from \"./queues\";\n{functions}"
        );
        let queues = format!("import * as aws from \"@pulumi/aws\";\n{queues}");
        let files = [
            ("index.ts", index.as_str()),
            ("iam.ts", iam),
            ("queues.ts", queues.as_str()),
        ];
        let pass = dlq_pass(&files);
        assert_eq!(pass.fixable.len(), 4);
        assert_eq!(pass.deferred, 0, "{}", pass.fixed[1]);
        assert!(
            pass.fixed[1].contains("import { dlq0, dlq1, dlq2, dlq3, failures } from \"./queues\";"),
            "{}",
            pass.fixed[1]
        );
    }

    /// A factory called with two roles, each lacking the send on its call's queue: `iam` declares
    /// the roles, `lambda.ts` the factory, after `lambda_extra`. One pass of the rule's fixes,
    /// and how many findings it has.
    fn two_role_factory(iam: &str, lambda_extra: &str) -> (Pass, usize) {
        let queues = "import * as aws from \"@pulumi/aws\";\n\
            export const ordersDlq = new aws.sqs.Queue(\"orders-dlq\");\n\
            export const billingDlq = new aws.sqs.Queue(\"billing-dlq\");\n";
        let lambda = format!(
            "import * as aws from \"@pulumi/aws\";\n{lambda_extra}\
             export function makeWorker(name: string, role: aws.iam.Role, dlq: aws.sqs.Queue) {{\n\
             \x20   return new aws.lambda.Function(name, {{ role: role.arn, deadLetterConfig: {{ targetArn: dlq.arn }} }});\n}}\n"
        );
        let index = "import { ordersRole, billingRole } from \"./iam\";\n\
            import { makeWorker } from \"./lambda\";\n\
            import { billingDlq, ordersDlq } from \"./queues\";\n\
            makeWorker(\"orders\", ordersRole, ordersDlq);\n\
            makeWorker(\"billing\", billingRole, billingDlq);\n";
        let files = [
            ("index.ts", index),
            ("iam.ts", iam),
            ("lambda.ts", &lambda),
            ("queues.ts", queues),
        ];
        (dlq_pass(&files), dlq_findings(&files))
    }

    const TWO_ROLES: &str = "import * as aws from \"@pulumi/aws\";\n\
        export const ordersRole = new aws.iam.Role(\"orders-role\", { assumeRolePolicy: \"{}\" });\n\
        export const billingRole = new aws.iam.Role(\"billing-role\", { assumeRolePolicy: \"{}\" });\n";

    #[test]
    fn calls_of_two_roles_grant_each_role_its_own_queue() {
        let (pass, findings) = two_role_factory(TWO_ROLES, "");
        assert_eq!((findings, pass.fixable.len()), (1, 1));
        let iam = &pass.fixed[1];
        let granted = |role: &str, queue: &str| {
            let policy = iam.find(&format!("role: {role}.id")).expect("a policy for the role");
            let end = iam[policy..].find("});").map_or(iam.len(), |end| policy + end);
            iam[policy..end].contains(&format!("{queue}.arn"))
        };
        assert!(
            granted("ordersRole", "ordersDlq") && !granted("ordersRole", "billingDlq"),
            "{iam}"
        );
        assert!(
            granted("billingRole", "billingDlq") && !granted("billingRole", "ordersDlq"),
            "{iam}"
        );
        assert!(
            !pass.fixed[2].contains("Policy"),
            "the factory is not edited: {}",
            pass.fixed[2]
        );
    }

    #[test]
    fn calls_of_two_roles_keep_the_refusals_of_one() {
        // A Deny on one role: no fix for either.
        let deny = format!(
            "{TWO_ROLES}new aws.iam.RolePolicy(\"deny\", {{ role: billingRole.id, policy: JSON.stringify({{ Version: \"2012-10-17\", Statement: [{{ Effect: \"Deny\", Action: \"sqs:*\", Resource: \"*\" }}] }}) }});\n"
        );
        let (pass, findings) = two_role_factory(&deny, "");
        assert_eq!((findings, pass.fixable.len()), (1, 0));
        // One role made in the factory's file, whose grant would be written there.
        let split = "import * as aws from \"@pulumi/aws\";\nexport { billingRole } from \"./lambda\";\n\
            export const ordersRole = new aws.iam.Role(\"orders-role\", { assumeRolePolicy: \"{}\" });\n";
        let in_factory_file =
            "export const billingRole = new aws.iam.Role(\"billing-role\", { assumeRolePolicy: \"{}\" });\n";
        let (pass, findings) = two_role_factory(split, in_factory_file);
        assert_eq!((findings, pass.fixable.len()), (1, 0));
    }

    #[test]
    fn functions_declared_before_a_queue_do_not_share_its_policy() {
        let mut text = HEADER.to_owned();
        for index in 0..3 {
            text.push_str(&format!(
                "const dlq{index} = new aws.sqs.Queue(\"dlq-{index}\");\n\
                 export const fn{index} = new aws.lambda.Function(\"fn-{index}\", {{ role: role.arn, deadLetterConfig: {{ targetArn: dlq{index}.arn }} }});\n"
            ));
        }
        let pass = dlq_pass(&[("index.ts", &text)]);
        assert_eq!(pass.deferred, 0);
        let policies = pass.fixed[0].matches("new aws.iam.RolePolicy(").count();
        assert_eq!(policies, 3, "one policy per function, before it:\n{}", pass.fixed[0]);
        for index in 0..3 {
            let policy = pass.fixed[0]
                .find(&format!("Resource: dlq{index}.arn"))
                .expect("granted");
            let function = pass.fixed[0].find(&format!("\"fn-{index}\"")).expect("function");
            assert!(policy < function, "{}", pass.fixed[0]);
        }
    }

    #[test]
    fn a_statement_gains_an_action_or_targets_never_both() {
        // Allows only the send, and names only the topic: the topic's function needs the action,
        // the work queue's needs the target; both at once would let the role publish to the queue.
        let send_to_topic = (true, vec![0], vec![3]);
        let text = program_text(&[send_to_topic], 0, &["work", "topic"]);
        let pass = dlq_pass(&[("index.ts", &text)]);
        let mut before = BTreeSet::new();
        with_program(&[("index.ts", &text)], |program| before = allowed(program));
        let mut after = BTreeSet::new();
        with_program(&[("index.ts", &pass.fixed[0])], |program| after = allowed(program));
        let gained: BTreeSet<_> = after.difference(&before).cloned().collect();
        let sends = BTreeSet::from([
            ("sns:Publish".to_owned(), "topic".to_owned()),
            ("sqs:SendMessage".to_owned(), "work".to_owned()),
        ]);
        assert_eq!(gained, sends, "{}", pass.fixed[0]);
    }

    /// A Terraform root module: the queues and topic, a role whose policy holds the generated
    /// statements in one of four forms (`jsonencode` in place or through a local, a policy
    /// document data source, heredoc JSON), and one function per dead-letter target given.
    fn module_text(statements: &[GeneratedStatement], form: usize, dead_letters: &[&str]) -> String {
        let address = |index: usize| match RESOURCES[index] {
            "topic.arn" => "aws_sns_topic.topic.arn".to_owned(),
            literal if literal.starts_with('"') => literal.to_owned(),
            queue => format!("aws_sqs_queue.{queue}"),
        };
        let effect = |allow: bool| if allow { "Allow" } else { "Deny" };
        let list = |items: Vec<String>| items.join(", ");
        let actions = |indices: &[usize]| list(indices.iter().map(|&i| format!("\"{}\"", ACTIONS[i])).collect());
        let resources = |indices: &[usize]| list(indices.iter().map(|&i| address(i)).collect());
        let encoded = |indent: &str| -> String {
            statements
                .iter()
                .map(|(allow, action_indices, resource_indices)| {
                    format!(
                        "{indent}{{\n{indent}  Effect   = \"{}\"\n{indent}  Action   = [{}]\n{indent}  Resource = [{}]\n{indent}}},\n",
                        effect(*allow),
                        actions(action_indices),
                        resources(resource_indices),
                    )
                })
                .collect()
        };
        let document = |indent: &str| {
            format!("jsonencode({{\n{indent}  Version = \"2012-10-17\"\n{indent}  Statement = [\n{}{indent}  ]\n{indent}}})", encoded(&format!("{indent}    ")))
        };
        let (policy, extra) = match form {
            0 => (document("  "), String::new()),
            1 => (
                "local.policy".to_owned(),
                format!("locals {{\n  policy = {}\n}}\n", document("  ")),
            ),
            2 => {
                let blocks: String = statements
                    .iter()
                    .map(|(allow, action_indices, resource_indices)| {
                        format!(
                            "  statement {{\n    effect    = \"{}\"\n    actions   = [{}]\n    resources = [{}]\n  }}\n",
                            effect(*allow),
                            actions(action_indices),
                            resources(resource_indices),
                        )
                    })
                    .collect();
                (
                    "data.aws_iam_policy_document.policy.json".to_owned(),
                    format!("data \"aws_iam_policy_document\" \"policy\" {{\n{blocks}}}\n"),
                )
            }
            _ => {
                let json: Vec<String> = statements
                    .iter()
                    .map(|(allow, action_indices, resource_indices)| {
                        let json_resources = list(
                            resource_indices
                                .iter()
                                .map(|&i| match address(i) {
                                    literal if literal.starts_with('"') => literal,
                                    reference => format!("\"${{{reference}}}\""),
                                })
                                .collect(),
                        );
                        format!(
                            "    {{ \"Effect\": \"{}\", \"Action\": [{}], \"Resource\": [{json_resources}] }}",
                            effect(*allow),
                            actions(action_indices),
                        )
                    })
                    .collect();
                (
                    format!(
                        "<<EOT\n{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\nEOT",
                        json.join(",\n")
                    ),
                    String::new(),
                )
            }
        };
        let functions: String = dead_letters
            .iter()
            .enumerate()
            .map(|(index, dead_letter)| {
                let target = if *dead_letter == "topic" { "aws_sns_topic.topic".to_owned() } else { format!("aws_sqs_queue.{dead_letter}") };
                format!(
                    "resource \"aws_lambda_function\" \"fn{index}\" {{\n  role    = aws_iam_role.role.arn\n  runtime = \"nodejs22.x\"\n  handler = \"index.handler\"\n\n  dead_letter_config {{\n    target_arn = {target}.arn\n  }}\n\n  depends_on = [aws_iam_role_policy.policy]\n}}\n\n"
                )
            })
            .collect();
        format!(
            "resource \"aws_sqs_queue\" \"work\" {{\n  name = \"work\"\n}}\n\nresource \"aws_sqs_queue\" \"dlq\" {{\n  name = \"dlq\"\n}}\n\n\
             resource \"aws_sqs_queue\" \"other\" {{\n  name = \"other\"\n}}\n\nresource \"aws_sns_topic\" \"topic\" {{\n  name = \"topic\"\n}}\n\n\
             resource \"aws_iam_role\" \"role\" {{\n  assume_role_policy = \"{{}}\"\n}}\n\n{extra}\n\
             resource \"aws_iam_role_policy\" \"policy\" {{\n  role   = aws_iam_role.role.id\n  policy = {policy}\n}}\n\n{functions}"
        )
    }

    const TERRAFORM_TARGETS: [&str; 4] = [
        "aws_sqs_queue.work",
        "aws_sqs_queue.dlq",
        "aws_sqs_queue.other",
        "aws_sns_topic.topic",
    ];

    fn module_allowed(text: &str) -> BTreeSet<(String, String)> {
        let mut pairs = BTreeSet::new();
        with_module(&[("main.tf", text)], |front_end| {
            pairs = terraform_allowed(front_end, "role", &ASKED, &TERRAFORM_TARGETS)
                .into_iter()
                .map(|(action, target)| (action, target.rsplit('.').next().unwrap_or_default().to_owned()))
                .collect();
        });
        pairs
    }

    /// The property test below would pass if no form were ever fixed: each form of document
    /// takes the send here, in one pass.
    #[test]
    fn every_terraform_document_form_takes_the_send() {
        let receive_from_work = (true, vec![4], vec![0]);
        for form in 0..4 {
            let text = module_text(std::slice::from_ref(&receive_from_work), form, &["dlq"]);
            let mut pass = None;
            with_module(&[("main.tf", &text)], |front_end| {
                pass = Some(fix_pass(front_end, &[("main.tf", &text)]))
            });
            let pass = pass.expect("checked");
            assert_eq!(pass.fixable.len(), 1, "form {form} has no fix:\n{text}");
            let send = ("sqs:SendMessage".to_owned(), "dlq".to_owned());
            assert!(
                module_allowed(&pass.fixed[0]).contains(&send),
                "form {form}:\n{}",
                pass.fixed[0]
            );
        }
    }

    /// The send each function whose finding has a fix asks for, on its dead-letter target.
    fn expected_sends(dead_letters: &[&str], fixable: impl Fn(usize) -> bool) -> BTreeSet<(String, String)> {
        dead_letters
            .iter()
            .enumerate()
            .filter(|(function, _)| fixable(*function))
            .map(|(_, &target)| {
                let action = if target == "topic" {
                    "sns:Publish"
                } else {
                    "sqs:SendMessage"
                };
                (action.to_owned(), target.to_owned())
            })
            .collect()
    }

    /// What is wrong with what the fixes granted: anything beyond the sends, or a send missing.
    fn grant_problem(
        before: &BTreeSet<(String, String)>,
        after: &BTreeSet<(String, String)>,
        sends: &BTreeSet<(String, String)>,
    ) -> Option<String> {
        let gained: Vec<_> = after.difference(before).filter(|pair| !sends.contains(*pair)).collect();
        if !gained.is_empty() {
            return Some(format!("the fixes also granted {gained:?}"));
        }
        (!sends.is_subset(after)).then(|| format!("the fixes did not grant all of {sends:?}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// No DLQ fix lets the role do anything on any resource it could not before, but the one
        /// action Lambda needs on each dead-letter target whose finding has a fix; the fixes of
        /// several functions sharing the role all apply in one pass.
        #[test]
        fn the_fix_grants_only_the_send_on_the_target(
            statements in generated_statements(ACTIONS.len(), RESOURCES.len()),
            form in 0..4usize,
            dead_letters in prop::collection::vec(0..TARGETS.len(), 1..5),
        ) {
            let dead_letters: Vec<&str> = dead_letters.iter().map(|&index| TARGETS[index]).collect();
            let text = program_text(&statements, form, &dead_letters);
            let mut before = BTreeSet::new();
            with_program(&[("index.ts", &text)], |program| before = allowed(program));
            let pass = dlq_pass(&[("index.ts", &text)]);
            prop_assert_eq!(pass.deferred, 0, "a fix waits for another pass:\n{}", pass.fixed[0]);
            let fixable = |function: usize| {
                text.find(&format!("export const fn{function} ")).is_some_and(|at| pass.fixable.contains(&(0, at)))
            };
            let sends = expected_sends(&dead_letters, fixable);
            let mut after = BTreeSet::new();
            with_program(&[("index.ts", &pass.fixed[0])], |program| after = allowed(program));
            let problem = grant_problem(&before, &after, &sends);
            prop_assert!(problem.is_none(), "{problem:?}\n--- before\n{text}\n--- after\n{}", pass.fixed[0]);
        }

        /// The same on Terraform: whatever the policy's form, the fixes grant the sends and
        /// nothing else, in one pass, and what they write parses.
        #[test]
        fn terraform_fixes_grant_only_the_send_on_the_target(
            statements in generated_statements(ACTIONS.len(), RESOURCES.len()),
            form in 0..4usize,
            dead_letters in prop::collection::vec(0..TARGETS.len(), 1..5),
        ) {
            let dead_letters: Vec<&str> = dead_letters.iter().map(|&index| TARGETS[index]).collect();
            let text = module_text(&statements, form, &dead_letters);
            let before = module_allowed(&text);
            let mut pass = None;
            with_module(&[("main.tf", &text)], |front_end| pass = Some(fix_pass(front_end, &[("main.tf", &text)])));
            let pass = pass.expect("checked");
            prop_assert_eq!(pass.deferred, 0, "a fix waits for another pass:\n{}", pass.fixed[0]);
            let fixed = &pass.fixed[0];
            let tree = crate::syntax::parse(fixed, crate::syntax::Dialect::Hcl).expect("parses");
            prop_assert!(!tree.root_node().has_error(), "the fix does not parse:\n{fixed}");
            let fixable = |function: usize| {
                text.find(&format!("resource \"aws_lambda_function\" \"fn{function}\""))
                    .is_some_and(|at| pass.fixable.contains(&(0, at)))
            };
            let sends = expected_sends(&dead_letters, fixable);
            let after = module_allowed(fixed);
            let problem = grant_problem(&before, &after, &sends);
            prop_assert!(problem.is_none(), "{problem:?}\n--- before\n{text}\n--- after\n{fixed}");
        }
    }
}
