//! `apigw-lambda-invoke-arn`: API Gateway Lambda integrations that do not use the function's
//! invoke ARN, do not call it with POST, or carry needless `credentials`.

use crate::cloud::{
    ApiDeployment, ApiIntegration, CloudGraph, FixPlan, IntegrationSetting, IntegrationTarget, IntegrationType, Intent,
    InvokePermission, LambdaFunction, Site, Waiter, ARN, QUALIFIED_ARN,
};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix};
use crate::rules::{listed_names, RuleContext, RuleId};

pub const DOCUMENTATION: &str = r#"An API Gateway Lambda integration that does not use the function's invokeArn.

## What it does
Looks at every Lambda integration of a REST API: the `x-amazon-apigateway-integration` objects of
an `aws.apigateway.RestApi`'s OpenAPI `body` (object literals in `JSON.stringify` or
`pulumi.jsonStringify`, also inside `pulumi.all([...]).apply(...)`, JSON text in
`pulumi.interpolate`, specs built by a helper function) and `aws.apigateway.Integration`
resources. It finds:
- an `aws_proxy` integration whose `uri` is the function's `.arn`: API Gateway needs the invoke ARN;
  one whose `uri` is its `.qualifiedArn` (the ARN of a version) needs `.qualifiedInvokeArn`, which
  calls the same version. A non-proxy `AWS` integration (the request mapped by
  `requestTemplates`) calls a function through the same invoke ARN, and is judged the same way;
- a Lambda integration whose `integrationHttpMethod` is not `POST`: Lambda is only invoked with POST;
- `credentials` on an `aws_proxy` integration: with a resource-based permission for
  apigateway.amazonaws.com (an `aws.lambda.Permission`), no role is needed. The `credentials` of a
  non-proxy integration are left alone: the design keeps that rewrite to proxy integrations.

A uri that reads an `aws.lambda.Alias`'s `.arn` is reported too, and becomes the alias's
`.invokeArn`. The `credentials` of an integration calling a version or an alias are left alone:
API Gateway may invoke a version or an alias only through a permission qualified with it, which
infrafix neither counts nor adds.

In Terraform: `aws_api_gateway_integration` resources (`type`, `uri`, `integration_http_method`,
`credentials`) and the integration objects of an `aws_api_gateway_rest_api`'s `body =
jsonencode({ … })`; `.arn` becomes `.invoke_arn` (`.qualified_arn`, `.qualified_invoke_arn`), also
for an existing function read from the data source that looks it up (`data.aws_lambda_function.NAME.arn`), and
the new permission is an `aws_lambda_permission` after the REST API with
`source_arn = "${aws_api_gateway_rest_api.NAME.execution_arn}/*/*"`. A block made with `for_each =
aws_lambda_function.NAME` (or a `for` that keeps each instance as it is, `{ for k, f in
aws_lambda_function.NAME : k => f }`) reads each instance as `each.value`: `uri = each.value.arn`
becomes `each.value.invoke_arn`, a permission made so for `each.value.function_name` lets API
Gateway invoke every instance, and the permission the fix adds for such a function is made so too.
A function a local module makes is read through the module's outputs (`uri =
module.orders.invoke_arn`): `module.orders.function_arn` becomes the output holding the invoke ARN
when the module has one; when it has none the finding says so and the module is left as it is
(every caller of the module shares it, and may read that output as an ARN).

In CloudFormation and SAM: the `Integration` of an `AWS::ApiGateway::Method` (`Type: AWS_PROXY`,
`Uri`, `IntegrationHttpMethod`, `Credentials`) and the `x-amazon-apigateway-integration` objects of
an OpenAPI `Body` (SAM: `DefinitionBody`) written in the template; `Uri: !GetAtt Fn.Arn` becomes `!Sub
arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations`,
and the new permission is an `AWS::Lambda::Permission` after the REST API with `SourceArn: !Sub
arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*`. In SAM, `uri: !Ref
Fn.Alias` (the alias `AutoPublishAlias` makes) is the alias's ARN, reported the same way: it becomes
the alias's invocation path, `!Sub ["…/functions/${AliasArn}/invocations", {AliasArn: !Ref
Fn.Alias}]`, which, like `${Fn.Alias}` written in the string, calls the alias.

In an AWS CDK app: a `LambdaIntegration` (and `LambdaRestApi`) writes the aws_proxy integration
with the function's invoke ARN and adds the `lambda:InvokeFunction` permission for API Gateway
itself, with no credentials: not a finding. The forms that bypass it are judged as in
CloudFormation: the `integration` of a `CfnMethod`, the generic L2 `Integration` a method is given
(`new apigateway.Integration({ type: apigateway.IntegrationType.AWS_PROXY, uri: fn.functionArn })`),
and the integration objects of a `CfnRestApi`'s `body` or a `SpecRestApi`'s `ApiDefinition.fromInline(…)`. The CDK's functions have no invoke
ARN, so `fn.attrArn` (or an L2 `fn.functionArn`) becomes
`` `arn:${fn.stack.partition}:apigateway:${fn.stack.region}:lambda:path/2015-03-31/functions/${fn.attrArn}/invocations` ``
(every construct has `stack`, so nothing is imported), and the new permission is a
`lambda.CfnPermission` after the API with `sourceArn` `` `arn:${api.stack.partition}:execute-api:${api.stack.region}:${api.stack.account}:${api.ref}/*` ``.
A `CfnPermission` counts as in Pulumi, its `sourceArn` written around the API's id or made by
`api.arnForExecuteApi()`; an app that calls `fn.addPermission` or `fn.grantInvoke` grants in a
way no resource declares, so `credentials` are then reported without a fix.

## Why is this bad?
With the function's ARN as `uri` the deployment fails:

    BadRequestException: Invalid ARN specified in the request

and a role in `credentials` is one more thing to keep right, which the Permission makes needless.

## Example
```ts
body: pulumi.all([fn.arn, role.arn]).apply(([functionArn, roleArn]) => JSON.stringify({
    paths: { "/orders": { post: { "x-amazon-apigateway-integration": {
        type: "aws_proxy", httpMethod: "POST", uri: functionArn, credentials: roleArn,
    } } } },
})),
```

## Use instead
```ts
body: pulumi.all([fn.invokeArn, role.arn]).apply(([functionArn, roleArn]) => JSON.stringify({
    paths: { "/orders": { post: { "x-amazon-apigateway-integration": {
        type: "aws_proxy", httpMethod: "POST", uri: functionArn,
    } } } },
})),
// after the RestApi
new aws.lambda.Permission("api-invoke-fn", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
});
```

## Fix safety
Safe. `fn.arn` becomes `fn.invokeArn` where the uri takes it: the `pulumi.all` element or the
helper's call argument when the parameter serves only as the uri, else a new element and parameter;
`fn.qualifiedArn` becomes `fn.qualifiedInvokeArn` the same way, so the version called stays the same.
A hand-built `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations` is right
and left alone, and so is an HTTP API (`aws.apigatewayv2`) integration on `fn.arn`, which is right
there. `credentials` go when a Permission lets API Gateway invoke the function from this API: its
principal is apigateway.amazonaws.com, its action allows lambda:InvokeFunction, it names the
function without a `qualifier` (that one is for an alias or version), and its `sourceArn` is absent
or this API's `executionArn` followed by wildcards only (`/*/*`). One for another API or an alias
does not count; when the program surely has none that counts, the fix adds one after the RestApi in
the same change, and what puts the integration live waits for it (`dependsOn`), so the deploy drops
`credentials` only once the Permission lets API Gateway invoke the function: no call fails in
between. That is the `aws.apigateway.Integration` itself; for one written in the RestApi's `body`,
which reaches callers only through a Deployment of the API, it is the program's one
`aws.apigateway.Deployment` of that API (the RestApi itself cannot wait for a Permission naming
it). Where the program makes no Deployment of the API, several, or one infrafix cannot read, nothing
can be made to wait, so that fix is unsafe: it says so. When a Permission may count (made in a loop or a helper, under a condition the
function is not under, for a single route, or written in a way infrafix cannot read), it reports
instead of adding a duplicate or removing `credentials`. An integration written once in a loop
(`uri: route.handler.arn` over routes naming different functions) is judged for every function its elements name: the uri becomes `route.handler.invokeArn`
when each reads the plain ARN, and `credentials` go only when each function has a Permission that
counts or surely has none (the fix adds one for each that lacks it); an element that names no
function leaves the integration unjudged. `.invokeArn` is written only where the value's declared
type has it: a value the program types with a type of its own that lists only `arn` (`handler:
Handler`, an interface kept narrow for stubs) is reported with that reason, since `.invokeArn` would
not compile there; so is one whose type infrafix cannot read. `credentials:
"arn:aws:iam::*:user/*"` (call with the caller's identity) is deliberate and left alone. The role the removed `credentials` named stays; the message names it, to remove by hand
if nothing else needs it.
"#;

const CALLER_IDENTITY: &str = "arn:aws:iam::*:user/*";

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let graph = context.graph();
    for integration in graph.integrations() {
        let Some(uri) = &integration.uri else { continue };
        let Some(functions) = integration
            .targets
            .iter()
            .map(|target| graph.functions().get(target.function))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        // The functions' names for messages, and the attribute the uri reads of each.
        let (names, attributes): (Vec<&str>, Vec<Option<&str>>) = match &integration.existing_target {
            _ if !functions.is_empty() => (
                functions.iter().map(|function| function.name.as_str()).collect(),
                integration
                    .targets
                    .iter()
                    .map(|target| target.attribute.as_deref())
                    .collect(),
            ),
            Some(existing) => (vec![existing.name.as_str()], vec![Some(existing.attribute.as_str())]),
            None => continue,
        };
        let reads = |attribute: &str| attributes.iter().all(|read| *read == Some(attribute));
        // The function's ARN, or a version's, where the matching invoke ARN belongs.
        let called = match (reads(ARN), reads(QUALIFIED_ARN)) {
            (true, _) => Some(Called::Function),
            (_, true) => Some(Called::Version),
            _ => None,
        };
        if let (true, Some(called)) = (integration.kind.calls_through_apigateway_arn(), called) {
            uri_finding(context, uri, integration, called, &names, findings);
        }
        // An HTTP or MOCK integration whose uri happens to name a function does not invoke it.
        if let (Some(method), false) = (&integration.http_method, integration.kind == IntegrationType::Other) {
            method_finding(context, integration, method, findings);
        }
        let qualified = integration.targets.iter().any(IntegrationTarget::is_qualified);
        // Whether API Gateway may invoke a function the program only looks up is not known.
        if let (IntegrationType::AwsProxy, false, Some(credentials), false) = (
            integration.kind,
            qualified,
            &integration.credentials,
            functions.is_empty(),
        ) {
            if credentials.literal.as_deref() != Some(CALLER_IDENTITY) {
                credentials_finding(context, integration, credentials, &functions, findings);
            }
        }
    }
}

/// The functions' names for a message.
fn names_of(functions: &[&LambdaFunction]) -> String {
    let names: Vec<&str> = functions.iter().map(|function| function.name.as_str()).collect();
    listed_names(&names)
}

fn safe_fix(context: &RuleContext, intents: Vec<Intent>) -> Result<Fix, String> {
    context.render(&FixPlan {
        intents,
        applicability: Applicability::Safe,
    })
}

/// What an integration's uri reads the ARN of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Called {
    /// The function (or its alias): the uri must be its invoke ARN.
    Function,
    /// A version of the function, by its qualified ARN: the uri must be the qualified invoke ARN,
    /// so the integration keeps calling that version.
    Version,
}

fn uri_finding(
    context: &RuleContext,
    uri: &IntegrationSetting,
    integration: &ApiIntegration,
    called: Called,
    names: &[&str],
    findings: &mut Vec<Finding>,
) {
    let Some(at) = &uri.expression else { return };
    let whose = match names {
        [_] => "its",
        _ => "each one's",
    };
    let names = listed_names(names);
    let spelling = context.graph().spelling();
    let (what, needed, written) = match (called, integration.targets.as_slice()) {
        (Called::Version, _) => (
            format!("the qualified ARN of {}", names),
            "qualified invoke ARN",
            spelling.qualified_invoke_arn,
        ),
        (Called::Function, [IntegrationTarget { alias: Some(alias), .. }]) => (
            format!("the ARN of alias {alias} of {}", names),
            "invoke ARN",
            spelling.invoke_arn,
        ),
        (Called::Function, _) => (format!("the ARN of {}", names), "invoke ARN", spelling.invoke_arn),
    };
    let kind = match integration.kind {
        IntegrationType::Aws => "non-proxy AWS",
        _ => "aws_proxy",
    };
    let message = format!(
        "The {kind} integration's uri is {what}; API Gateway needs {whose} {needed} (`{written}`), or the deployment fails with \"Invalid ARN specified in the request\".",
    );
    let finding = Finding::new(RuleId::ApigwLambdaInvokeArn, at.file, at.range.clone(), message);
    let intent = Intent::UseInvokeArn {
        uri: at.clone(),
        qualified: called == Called::Version,
    };
    findings.push(finding.with_outcome(safe_fix(context, vec![intent])));
}

fn method_finding(
    context: &RuleContext,
    integration: &ApiIntegration,
    method: &IntegrationSetting,
    findings: &mut Vec<Finding>,
) {
    let Some(current) = method
        .literal
        .as_deref()
        .filter(|current| integration.is_resource && !current.eq_ignore_ascii_case("POST"))
    else {
        return;
    };
    let Some(at) = &method.expression else { return };
    let message = format!(
        "A Lambda integration must call the function with POST, not {current}: Lambda is invoked only with POST."
    );
    let finding = Finding::new(RuleId::ApigwLambdaInvokeArn, at.file, at.range.clone(), message);
    let fix = method
        .string
        .clone()
        .ok_or_else(|| "the method is not a string written in the integration".to_owned())
        .and_then(|string| {
            let set = Intent::SetString {
                at: string,
                value: "POST".to_owned(),
            };
            safe_fix(context, vec![set])
        });
    findings.push(finding.with_outcome(fix));
}

fn credentials_finding(
    context: &RuleContext,
    integration: &ApiIntegration,
    credentials: &IntegrationSetting,
    functions: &[&LambdaFunction],
    findings: &mut Vec<Finding>,
) {
    let at = credentials.expression.as_ref().unwrap_or(&integration.at);
    let role_note = integration
        .credentials_role
        .as_ref()
        .map(|role| format!(" The role {role} stays: remove it by hand if nothing else needs it."))
        .unwrap_or_default();
    let function_word = match functions {
        [_] => "the function",
        _ => "each function",
    };
    let base = format!(
        "`credentials` on an aws_proxy integration of {} is needless: an {} for apigateway.amazonaws.com lets API Gateway invoke {function_word}.",
        names_of(functions),
        context.graph().spelling().invoke_permission,
    );
    let finding = |message: String| Finding::new(RuleId::ApigwLambdaInvokeArn, at.file, at.range.clone(), message);
    let drop = Intent::DropCredentials {
        setting: credentials.written.clone(),
    };
    let permissions: Vec<Option<InvokePermission>> = integration
        .targets
        .iter()
        .map(|target| target.invoke_permission)
        .collect();
    let unknown = permissions
        .iter()
        .any(|permission| matches!(permission, Some(InvokePermission::Unknown) | None));
    if unknown {
        findings.push(finding(base).not_fixed(
            "a Permission of the program may already grant it (made in a loop or a helper, under a condition the function is not under, for a route of its own, or written in a way infrafix cannot read); check, then remove `credentials`",
        ));
        return;
    }
    let missing: Vec<(&LambdaFunction, &IntegrationTarget)> = functions
        .iter()
        .zip(&integration.targets)
        .filter(|(_, target)| target.invoke_permission == Some(InvokePermission::Missing))
        .map(|(function, target)| (*function, target))
        .collect();
    let missing_functions: Vec<&LambdaFunction> = missing.iter().map(|(function, _)| *function).collect();
    if missing.is_empty() {
        findings.push(finding(format!("{base}{role_note}")).with_outcome(safe_fix(context, vec![drop])));
        return;
    }
    let added = match functions {
        [_] => "that Permission".to_owned(),
        _ => match missing.as_slice() {
            [_] => format!("the one {} lacks", names_of(&missing_functions)),
            _ => format!("the ones {} lack", names_of(&missing_functions)),
        },
    };
    let Some(rest_api) = &integration.rest_api else {
        findings.push(finding(base).not_fixed("the integration's REST API is not declared in the program"));
        return;
    };
    let mut intents: Vec<Intent> = missing
        .iter()
        .map(|(function, target)| Intent::AddInvokePermission {
            function: function.declared.clone(),
            rest_api: rest_api.clone(),
            instance: target.instance.clone(),
        })
        .collect();
    intents.push(drop);
    // With what puts the integration live waiting for the new permissions, no call fails during
    // the deploy; without, the fix is unsafe, and says why.
    let awaited = waiter(context.graph(), integration, &credentials.written, rest_api).and_then(|waiter| {
        let mut awaiting = intents.clone();
        awaiting.push(Intent::AwaitAddedPermissions { waiter: waiter.clone() });
        let fix = safe_fix(context, awaiting)?;
        Ok((fix, waiter))
    });
    let (fix, ordering) = match awaited {
        Ok((fix, Waiter::Deployment(_))) => (
            Ok(fix),
            format!(
                " The REST API's Deployment waits for {}, so the definition without `credentials` goes live only once API Gateway may invoke {function_word} without them.",
                match missing.as_slice() {
                    [_] => "it",
                    _ => "them",
                }
            ),
        ),
        Ok((fix, Waiter::HolderOf(_))) => (Ok(fix), String::new()),
        Err(reason) => (
            context.render(&FixPlan {
                intents,
                applicability: Applicability::Unsafe,
            }),
            format!(
                " The fix is unsafe: {reason}; a deploy may then put the integration live before the permission exists, and invocations fail until it does."
            ),
        ),
    };
    findings.push(match fix {
        Ok(fix) => finding(format!("{base} The fix adds {added}.{ordering}{role_note}")).with_fix(fix),
        Err(reason) => finding(base).not_fixed(&reason),
    });
}

/// What must wait for the permissions a fix adds before the integration, without `credentials`
/// (written at `setting`), goes live, or why nothing can: the resource holding an integration of
/// its own; for one written in the definition of the REST API created at `rest_api`, which
/// reaches callers through a deployment of the API, the program's one deployment of it.
fn waiter(graph: &CloudGraph, integration: &ApiIntegration, setting: &Site, rest_api: &Site) -> Result<Waiter, String> {
    if integration.is_resource {
        return Ok(Waiter::HolderOf(setting.clone()));
    }
    let deployments: Vec<&ApiDeployment> = graph
        .deployments()
        .iter()
        .filter(|deployment| deployment.rest_api.as_ref().is_none_or(|api| api == rest_api))
        .collect();
    let live = "the integration is written in the REST API's definition, which goes live with a Deployment of the API";
    match deployments.as_slice() {
        [] => Err(format!(
            "{live}, and the program declares none (the API is deployed elsewhere) that could wait for the permission"
        )),
        [deployment] => match (&deployment.rest_api, &deployment.cannot_wait) {
            (_, Some(why)) => Err(format!("{live}, and {why}")),
            (None, None) => Err(format!(
                "{live}, and infrafix cannot tell which API the program's Deployment deploys"
            )),
            (Some(_), None) => Ok(Waiter::Deployment(deployment.declared.clone())),
        },
        _ => Err(format!(
            "{live}, and several of the program's Deployments may deploy it (make each wait for the permission by hand)"
        )),
    }
}
