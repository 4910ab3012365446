//! The mixed profile: repositories as most are, half infrastructure and half application code
//! (which the prefilter skips unparsed), with few findings.

use std::path::Path;

use super::{Random, Repository, Size};

/// Per repository: 13 infrastructure modules, 12 application modules the prefilter skips, and a
/// `node_modules` and a `.gitignore`d `dist` folder the walk must not enter.
pub fn generate(root: &Path, repositories: usize, files_per_repository: usize) -> Size {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut size = Size::default();
    let functions = files_per_repository.saturating_sub(13).clamp(1, 8);
    let handlers = files_per_repository.saturating_sub(5 + functions);
    for number in 0..repositories {
        let mut repository = Repository::create(root, "service", number);
        repository.source("infra/config.ts", &config_module(&mut random));
        repository.source("infra/iam.ts", &iam_module(&mut random));
        repository.source("infra/queues.ts", QUEUES);
        repository.source("infra/api.ts", &api_module(&mut random));
        let mut index = String::from("import * as pulumi from \"@pulumi/pulumi\";\nimport { workerRole } from \"./iam\";\nimport { jobs } from \"./queues\";\n");
        for function in 0..functions {
            repository.source(
                &format!("infra/functions/fn-{function}.ts"),
                &function_module(&mut random, function),
            );
            index.push_str(&format!("export * from \"./functions/fn-{function}\";\n"));
        }
        index.push_str("\nexport const roleArn = workerRole.arn;\nexport const queueUrl = jobs.url;\nexport const stack = pulumi.getStack();\n");
        repository.source("infra/index.ts", &index);
        for handler in 0..handlers {
            repository.source(
                &format!("src/handlers/handler-{handler}.ts"),
                &handler_module(&mut random, handler),
            );
        }
        // Never read: dependencies and build output.
        repository.other(
            "infra/node_modules/@pulumi/aws/lambda/index.ts",
            &"export const Runtime = { Go1dx: \"go1.x\" };\n".repeat(200),
        );
        repository.other("dist/bundle.ts", &handler_module(&mut random, 99).repeat(20));
        size += repository.size();
    }
    size
}

fn config_module(random: &mut Random) -> String {
    let runtime = if random.chance(30) { "go1.x" } else { "provided.al2023" };
    format!(
        "// Settings shared by the stack's modules.\nexport const GO_RUNTIME = \"{runtime}\";\nexport const MEMORY_MB = {};\nexport const TIMEOUT_SECONDS = 30;\nexport const TAGS = {{ team: \"payments\", costCenter: \"{}\" }};\n",
        128 << (random.next() % 4),
        random.next() % 1000
    )
}

fn iam_module(random: &mut Random) -> String {
    let depends = if random.chance(50) { "export " } else { "" };
    format!(
        r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {{ jobs, jobsDlq }} from "./queues";

export const workerRole = new aws.iam.Role("worker-role", {{
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({{ Service: "lambda.amazonaws.com" }}),
}});

{depends}const workerBasic = new aws.iam.RolePolicyAttachment("worker-basic", {{
    role: workerRole.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
}});

export const workerPolicy = new aws.iam.RolePolicy("worker-policy", {{
    role: workerRole.id,
    policy: pulumi.all([jobs.arn, jobsDlq.arn]).apply(([jobsArn, dlqArn]) =>
        JSON.stringify({{
            Version: "2012-10-17",
            Statement: [
                {{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: jobsArn }},
                {{ Effect: "Allow", Action: "sqs:SendMessage", Resource: dlqArn }},
            ],
        }}),
    ),
}});
"#
    )
}

const QUEUES: &str = r#"import * as aws from "@pulumi/aws";

export const jobsDlq = new aws.sqs.Queue("jobs-dlq", { messageRetentionSeconds: 1209600 });

export const jobs = new aws.sqs.Queue("jobs", {
    visibilityTimeoutSeconds: 180,
    redrivePolicy: jobsDlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 3 })),
});
"#;

fn api_module(random: &mut Random) -> String {
    let throttle = if random.chance(30) {
        "\n    throttleSettings: { burstLimit: 100, rateLimit: 50 },"
    } else {
        ""
    };
    format!(
        r#"import * as aws from "@pulumi/aws";

export const api = new aws.apigateway.RestApi("api", {{ name: "service-api" }});
const deployment = new aws.apigateway.Deployment("deployment", {{ restApi: api.id }});

export const stage = new aws.apigateway.Stage("stage", {{
    restApi: api.id,
    deployment: deployment.id,
    stageName: "prod",{throttle}
}});
"#
    )
}

fn function_module(random: &mut Random, index: usize) -> String {
    let go = random.chance(40);
    let (runtime, handler, import) = match (go, random.chance(50)) {
        (true, true) => ("GO_RUNTIME", "\"main\"", "import { GO_RUNTIME } from \"../config\";\n"),
        (true, false) => ("aws.lambda.Runtime.Go1dx", "\"main\"", ""),
        (false, _) => ("aws.lambda.Runtime.NodeJS22dX", "\"index.handler\"", ""),
    };
    let depends_on = if random.chance(60) {
        ", { dependsOn: [workerPolicy] }"
    } else {
        ""
    };
    let dead_letter = if random.chance(30) {
        "\n    deadLetterConfig: { targetArn: jobsDlq.arn },"
    } else {
        ""
    };
    format!(
        r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
{import}import {{ workerRole, workerPolicy }} from "../iam";
import {{ jobs, jobsDlq }} from "../queues";

// Function {index}: consumes the jobs queue.
export const fn{index} = new aws.lambda.Function("fn-{index}", {{
    runtime: {runtime},
    handler: {handler},
    role: workerRole.arn,
    code: new pulumi.asset.FileArchive("./dist/fn-{index}"),
    memorySize: 256,
    timeout: 30,{dead_letter}
    environment: {{ variables: {{ QUEUE_URL: jobs.url, STAGE: pulumi.getStack() }} }},
}}{depends_on});

new aws.lambda.EventSourceMapping("fn-{index}-source", {{
    eventSourceArn: jobs.arn,
    functionName: fn{index}.name,
    batchSize: 10,
}});
"#
    )
}

/// Application code with no infrastructure in it: what most files of a repository are.
fn handler_module(random: &mut Random, index: usize) -> String {
    let mut text =
        format!("// Handler {index}: validates and stores an order.\nimport {{ createHash }} from \"crypto\";\n\n");
    text.push_str("export interface Order {\n    id: string;\n    amount: number;\n    currency: string;\n    items: { sku: string; quantity: number }[];\n}\n\n");
    for helper in 0..(6 + random.next() % 6) {
        text.push_str(&format!(
            "export function check{helper}(order: Order): string[] {{\n    const problems: string[] = [];\n    if (order.amount <= {limit}) {{\n        problems.push(`amount must be above {limit}, got ${{order.amount}}`);\n    }}\n    for (const item of order.items) {{\n        if (item.quantity > {quantity}) {{\n            problems.push(`too many of ${{item.sku}}`);\n        }}\n    }}\n    return problems;\n}}\n\n",
            limit = random.next() % 100,
            quantity = 1 + random.next() % 50
        ));
    }
    text.push_str("export const handler = async (event: { body: string }) => {\n    const order: Order = JSON.parse(event.body);\n    const digest = createHash(\"sha256\").update(event.body).digest(\"hex\");\n    return { statusCode: 200, body: JSON.stringify({ id: order.id, digest }) };\n};\n");
    text
}
