//! `apigw-lambda-invoke-arn`: API Gateway Lambda integrations that do not use the function's
//! invoke ARN, do not call it with POST, or carry needless `credentials`.

use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::frontends::pulumi::{Integration, IntegrationValue, InvokePermission, Package, PackageMember, Program};
use crate::rules::{RuleContext, RuleId};
use crate::style::template::Code;

pub const DOCUMENTATION: &str = r#"An API Gateway Lambda integration that does not use the function's invokeArn.

## What it does
Looks at every Lambda integration of a REST API: the `x-amazon-apigateway-integration` objects of
an `aws.apigateway.RestApi`'s OpenAPI `body` (object literals in `JSON.stringify` or
`pulumi.jsonStringify`, also inside `pulumi.all([...]).apply(...)`, JSON text in
`pulumi.interpolate`, specs built by a helper function) and `aws.apigateway.Integration`
resources. It finds:
- an `aws_proxy` integration whose `uri` is the function's `.arn`: API Gateway needs the invoke ARN;
- a Lambda integration whose `integrationHttpMethod` is not `POST`: Lambda is only invoked with POST;
- `credentials` on an `aws_proxy` integration: with a resource-based permission for
  apigateway.amazonaws.com (an `aws.lambda.Permission`), no role is needed.

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
helper's call argument when the parameter serves only as the uri, else a new element and parameter.
A hand-built `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations` is right
and left alone, and so is an HTTP API (`aws.apigatewayv2`) integration on `fn.arn`, which is right
there. `credentials` go when a Permission lets API Gateway invoke the function from this API: its
principal is apigateway.amazonaws.com, its action allows lambda:InvokeFunction, it names the
function without a `qualifier` (that one is for an alias or version), and its `sourceArn` is absent
or this API's `executionArn` followed by wildcards only (`/*/*`). One for another API or an alias
does not count; when the program surely has none that counts, the fix adds one after the RestApi in
the same change. When a Permission may count (made in a loop or a helper, for a single route, or
written in a way infrafix cannot read), it reports instead of adding a duplicate. `credentials: "arn:aws:iam::*:user/*"` (call with the caller's identity) is deliberate and
left alone. The role the removed `credentials` named stays; the message names it, to remove by hand
if nothing else needs it.
"#;

const CALLER_IDENTITY: &str = "arn:aws:iam::*:user/*";

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let program = context.program;
    for integration in program.integrations() {
        let Some(uri) = &integration.uri else { continue };
        let Some((function, output)) = program.integration_function(uri) else {
            continue;
        };
        let function_name = program.display_name(function);
        if integration.is_proxy() && output.as_deref() == Some("arn") {
            uri_finding(program, uri, &function_name, findings);
        }
        if let Some(method) = &integration.http_method {
            method_finding(program, &integration, method, findings);
        }
        if let (true, Some(credentials)) = (integration.is_proxy(), &integration.credentials) {
            if credentials.literal.as_deref() != Some(CALLER_IDENTITY) {
                credentials_finding(program, &integration, credentials, function, findings);
            }
        }
    }
}

fn uri_finding(program: &Program, uri: &IntegrationValue, function_name: &str, findings: &mut Vec<Finding>) {
    let Some(at) = uri.expression else { return };
    let message = format!(
        "The aws_proxy integration's uri is the ARN of {function_name}; API Gateway needs its invoke ARN (`invokeArn`), or the deployment fails with \"Invalid ARN specified in the request\"."
    );
    let finding = Finding::new(RuleId::ApigwLambdaInvokeArn, at.file, at.node.byte_range(), message);
    findings.push(match program.invoke_arn_edits(at) {
        Some(edits) => finding.with_fix(Fix::safe(edits)),
        None => finding.not_fixed("infrafix cannot tell where else that value serves"),
    });
}

/// A Lambda function is only ever invoked with POST, whatever method the route answers.
fn method_finding(
    program: &Program,
    integration: &Integration,
    method: &IntegrationValue,
    findings: &mut Vec<Finding>,
) {
    let is_resource = integration
        .at
        .node
        .parent()
        .is_some_and(|parent| parent.kind() == "arguments");
    let Some(current) = method
        .literal
        .as_deref()
        .filter(|current| is_resource && !current.eq_ignore_ascii_case("POST"))
    else {
        return;
    };
    let Some(at) = method.expression else { return };
    let message = format!(
        "A Lambda integration must call the function with POST, not {current}: Lambda is invoked only with POST."
    );
    let finding = Finding::new(RuleId::ApigwLambdaInvokeArn, at.file, at.node.byte_range(), message);
    findings.push(match program.replace_integration_string(method, "POST") {
        Some(edit) => finding.with_fix(Fix::safe(vec![edit])),
        None => finding,
    });
}

fn credentials_finding(
    program: &Program,
    integration: &Integration,
    credentials: &IntegrationValue,
    function: usize,
    findings: &mut Vec<Finding>,
) {
    let at = credentials.expression.unwrap_or(integration.at);
    let role_note = credentials
        .expression
        .and_then(|expression| program.denoted_resource(expression))
        .filter(|reference| program.resources()[reference.resource].is_aws(&["iam", "Role"]))
        .map(|reference| {
            format!(
                " The role {} stays: remove it by hand if nothing else needs it.",
                program.display_name(reference.resource)
            )
        })
        .unwrap_or_default();
    let base = format!(
        "`credentials` on an aws_proxy integration of {} is needless: an aws.lambda.Permission for apigateway.amazonaws.com lets API Gateway invoke the function.",
        program.display_name(function)
    );
    let finding = |message: String| Finding::new(RuleId::ApigwLambdaInvokeArn, at.file, at.node.byte_range(), message);
    let removal = program.remove_integration_value(credentials);
    findings.push(match program.api_gateway_invoke_permission(function, integration.rest_api) {
        InvokePermission::Granted => finding(format!("{base}{role_note}")).with_fix(Fix::safe(vec![removal])),
        InvokePermission::Missing => match add_permission(program, integration, function) {
            Ok(mut edits) => {
                edits.push(removal);
                finding(format!("{base} The fix adds that Permission.{role_note}")).with_fix(Fix::safe(edits))
            }
            Err(reason) => finding(base).not_fixed(&reason),
        },
        InvokePermission::Unknown => finding(base).not_fixed(
            "a Permission of the program may already grant it (made in a loop or a helper, for a route of its own, or written in a way infrafix cannot read); check, then remove `credentials`",
        ),
    });
}

/// An `aws.lambda.Permission` for apigateway.amazonaws.com, inserted after the RestApi.
fn add_permission(program: &Program, integration: &Integration, function: usize) -> Result<Vec<Edit>, String> {
    let api_index = integration
        .rest_api
        .ok_or("the integration's REST API is not declared in the program")?;
    let api = &program.resources()[api_index];
    let mut edits = Vec::new();
    let function_name = program.name_resource_at(function, api.statement(), &mut edits)?;
    let api_name = program.name_resource_at(api_index, api.statement(), &mut edits)?;
    let interpolate = PackageMember {
        package: Package::Pulumi,
        path: vec!["interpolate".to_owned()],
    };
    let source_arn = match program.spelling_of(api.file, &interpolate) {
        Some(interpolate) => format!("{interpolate}`${{{api_name}.executionArn}}/*/*`"),
        None => format!("{api_name}.executionArn.apply((arn) => `${{arn}}/*/*`)"),
    };
    let args = Code::object([
        ("action", Code::text("lambda:InvokeFunction")),
        ("function", Code::verbatim(format!("{function_name}.name"))),
        ("principal", Code::text("apigateway.amazonaws.com")),
        ("sourceArn", Code::verbatim(source_arn)),
    ]);
    let suffix = format!("invoke-{}", kebab_case(&function_name));
    let new = program.new_resource_beside(api, &["lambda", "Permission"], &suffix, args)?;
    // Nothing refers to the permission: a bare statement, so no unused const.
    edits.push(program.insert_statement_after(api.statement(), &new.code, None));
    Ok(edits)
}

/// `validatorFunction` gives `validator-function` (and `this.fn` gives `fn`).
fn kebab_case(name: &str) -> String {
    let name = name.rsplit('.').next().unwrap_or(name);
    let mut kebab = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !kebab.is_empty() {
            kebab.push('-');
        }
        kebab.push(c.to_ascii_lowercase());
    }
    kebab
}
