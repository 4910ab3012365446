//! The dense profile: repositories that are nothing but infrastructure. Every file declares 6–12
//! resources that reference resources of other files (named imports, namespace imports of local
//! modules, a barrel `index.ts`), and most files hold a deploy blocker, so every file is parsed,
//! modelled across files and fixed: the case the prefilter cannot help with.
//!
//! Per repository, in `infra/`: `queues.ts`, `iam.ts` (one role per consumer group, with the
//! group's policies), `api.ts` (a REST API over functions of other files), function modules in
//! `functions/`, each consuming its group's queue and calling the module before it, and `index.ts`,
//! the stack's entry, which re-exports every module and declares one more function module.

use std::path::Path;

use super::{Random, Repository, Size};

/// Consumer groups: each has a queue, a dead-letter queue, a role and the role's policies.
const GROUPS: [&str; 4] = ["processor", "notifier", "ingest", "reporter"];

/// What the function modules are about; a module's exports are named after its domain.
const DOMAINS: [&str; 20] = [
    "orders",
    "payments",
    "invoices",
    "shipping",
    "inventory",
    "refunds",
    "notifications",
    "audit",
    "reports",
    "search",
    "pricing",
    "catalog",
    "accounts",
    "sessions",
    "exports",
    "imports",
    "billing",
    "ledger",
    "alerts",
    "webhooks",
];

/// The files of a repository outside `functions/`: queues.ts, iam.ts, api.ts and index.ts.
const FILES_OUTSIDE_FUNCTIONS: usize = 4;

/// Writes `files_per_repository` files per repository; all but four are function modules, and
/// there is at least one, for the API to route to.
pub fn generate(root: &Path, repositories: usize, files_per_repository: usize) -> Size {
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let mut size = Size::default();
    let function_modules = files_per_repository.saturating_sub(FILES_OUTSIDE_FUNCTIONS).max(1);
    for number in 0..repositories {
        let mut repository = Repository::create(root, "stack", number);
        // Half the repositories reserve more concurrency than an account of 1,000 can give.
        let reservation = if number % 2 == 0 { 100 } else { 20 };
        let modules: Vec<FunctionModule> = (0..=function_modules)
            .map(|index| FunctionModule::new(&mut random, index, reservation))
            .collect();
        let (entry, in_folder) = modules.split_last().expect("at least one module");
        repository.source("infra/queues.ts", &queues_module(&mut random, number));
        repository.source("infra/iam.ts", &iam_module(&mut random));
        repository.source("infra/api.ts", &api_module(&mut random, number, in_folder));
        for module in in_folder {
            repository.source(&format!("infra/functions/{}.ts", module.file), &module.render("../"));
        }
        repository.source("infra/index.ts", &index_module(in_folder, entry));
        size += repository.size();
    }
    size
}

/// The name of the module `index` in its repository: its domain, numbered once domains repeat.
fn module_name(index: usize) -> String {
    let domain = DOMAINS[index % DOMAINS.len()];
    match index / DOMAINS.len() {
        0 => domain.to_owned(),
        round => format!("{domain}{round}"),
    }
}

fn queues_module(random: &mut Random, repository: usize) -> String {
    let mut text = String::from("import * as aws from \"@pulumi/aws\";\n\n");
    text.push_str(
        "// Every consumer group reads its own queue; what fails three times goes to the group's dead-letter queue.\n",
    );
    for group in GROUPS {
        let retention = 345_600 * (1 + random.next() % 4);
        text.push_str(&format!(
            r#"
export const {group}Dlq = new aws.sqs.Queue("{group}-dlq", {{
    messageRetentionSeconds: 1209600,
    tags: {{ stack: "stack-{repository}", group: "{group}", purpose: "dead-letter" }},
}});

export const {group}Queue = new aws.sqs.Queue("{group}-queue", {{
    visibilityTimeoutSeconds: 180,
    messageRetentionSeconds: {retention},
    redrivePolicy: {group}Dlq.arn.apply((arn) => JSON.stringify({{ deadLetterTargetArn: arn, maxReceiveCount: 3 }})),
    tags: {{ stack: "stack-{repository}", group: "{group}", purpose: "work" }},
}});
"#
        ));
    }
    text
}

/// A role per group, with the basic execution policy and the group's queue policy; some groups'
/// policies forget `sqs:GetQueueAttributes` (the event source cannot poll) or the send to the
/// dead-letter queue.
fn iam_module(random: &mut Random) -> String {
    let queues: Vec<String> = GROUPS
        .iter()
        .flat_map(|group| [format!("{group}Queue"), format!("{group}Dlq")])
        .collect();
    let mut text = format!(
        "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\nimport {{ {} }} from \"./queues\";\n\n",
        queues.join(", ")
    );
    text.push_str("const lambdaAssumeRolePolicy = JSON.stringify({\n    Version: \"2012-10-17\",\n    Statement: [{ Effect: \"Allow\", Principal: { Service: \"lambda.amazonaws.com\" }, Action: \"sts:AssumeRole\" }],\n});\n");
    for group in GROUPS {
        let receive = if random.chance(70) {
            r#"["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]"#
        } else {
            r#"["sqs:ReceiveMessage", "sqs:DeleteMessage"]"#
        };
        let mut statements = vec![allow(receive, "queueArn")];
        if random.chance(50) {
            statements.push(allow("\"sqs:SendMessage\"", "dlqArn"));
        }
        text.push_str(&format!(
            r#"
export const {group}Role = new aws.iam.Role("{group}-role", {{
    assumeRolePolicy: lambdaAssumeRolePolicy,
    tags: {{ group: "{group}" }},
}});

export const {group}Basic = new aws.iam.RolePolicyAttachment("{group}-basic", {{
    role: {group}Role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
}});
"#
        ));
        text.push_str(&role_policy(
            group,
            &format!("{group}Role"),
            [
                (&format!("{group}Queue.arn"), "queueArn"),
                (&format!("{group}Dlq.arn"), "dlqArn"),
            ],
            &statements,
        ));
    }
    text
}

/// An exported `aws.iam.RolePolicy` named after `owner`, its document written the way most
/// programs write one: `JSON.stringify` inside `pulumi.all([...]).apply` over two outputs.
fn role_policy(owner: &str, role: &str, outputs: [(&str, &str); 2], statements: &[String]) -> String {
    let [(first, first_parameter), (second, second_parameter)] = outputs;
    format!(
        r#"
export const {owner}Policy = new aws.iam.RolePolicy("{owner}-policy", {{
    role: {role}.id,
    policy: pulumi.all([{first}, {second}]).apply(([{first_parameter}, {second_parameter}]) =>
        JSON.stringify({{
            Version: "2012-10-17",
            Statement: [{}
            ],
        }}),
    ),
}});
"#,
        statements.concat()
    )
}

/// One statement of a policy document, on its own line; `action` is TypeScript (a string or an
/// array), `resource` the callback parameter holding the ARN.
fn allow(action: &str, resource: &str) -> String {
    format!("\n                {{ Effect: \"Allow\", Action: {action}, Resource: {resource} }},")
}

/// A runtime as programs write it: a string or an `aws.lambda.Runtime` member, deprecated or not;
/// and the handler that goes with it.
const RUNTIMES: [(&str, &str); 8] = [
    ("\"go1.x\"", "\"main\""),
    ("aws.lambda.Runtime.Go1dx", "\"main\""),
    ("\"nodejs16.x\"", "\"index.handler\""),
    ("aws.lambda.Runtime.NodeJS16dX", "\"index.handler\""),
    ("\"provided.al2023\"", "\"bootstrap\""),
    ("aws.lambda.Runtime.NodeJS22dX", "\"index.handler\""),
    ("aws.lambda.Runtime.NodeJS20dX", "\"index.handler\""),
    ("\"python3.12\"", "\"app.handler\""),
];

/// One function of a module, with the choices that decide its findings.
struct Function {
    runtime: (&'static str, &'static str),
    reserved: Option<u64>,
    dead_letter: bool,
    /// Whether `dependsOn` lists the group's policies (never the other modules' ones).
    depends_on: bool,
}

/// A module of 3–5 functions of one group, each fed by the group's queue, with the module's own
/// dead-letter queue and a policy letting the group's role invoke the previous module's function.
struct FunctionModule {
    index: usize,
    file: String,
    group: &'static str,
    /// `import * as iam from "../iam"` rather than named imports of the role and its policies.
    namespace_iam: bool,
    /// The module whose first function this one calls: the previous one (none for the first, so
    /// that imports never form a cycle).
    upstream: Option<String>,
    grants_dlq_send: bool,
    functions: Vec<Function>,
}

impl FunctionModule {
    fn new(random: &mut Random, index: usize, reservation: u64) -> FunctionModule {
        let functions = (0..3 + random.next() % 3)
            .map(|_| Function {
                runtime: RUNTIMES[(random.next() % RUNTIMES.len() as u64) as usize],
                reserved: random.chance(25).then_some(reservation),
                dead_letter: random.chance(40),
                depends_on: random.chance(50),
            })
            .collect();
        FunctionModule {
            index,
            file: module_name(index),
            group: GROUPS[index % GROUPS.len()],
            namespace_iam: index % 3 == 2,
            upstream: index.checked_sub(1).map(module_name),
            grants_dlq_send: random.chance(50),
            functions,
        }
    }

    /// The name a function is exported as; the API and the next module import it.
    fn function_name(module: &str, number: usize) -> String {
        format!("{module}Function{number}")
    }

    /// The module's text; `parent` is how it reaches `iam.ts` and `queues.ts` ("../" or "./").
    fn render(&self, parent: &str) -> String {
        let FunctionModule { file, group, .. } = self;
        let (iam_import, iam) = if self.namespace_iam {
            (format!("import * as iam from \"{parent}iam\";\n"), "iam.")
        } else {
            (
                format!("import {{ {group}Role, {group}Basic, {group}Policy }} from \"{parent}iam\";\n"),
                "",
            )
        };
        // What the module hands its work on to, and the grant that takes: the upstream function,
        // or for the first module, its group's queue again.
        let (upstream_import, handed_to, action) = match &self.upstream {
            Some(upstream) => {
                let function = Self::function_name(upstream, 0);
                let folder = if parent == "./" { "./functions/" } else { "./" };
                (
                    format!("import {{ {function} }} from \"{folder}{upstream}\";\n"),
                    function,
                    "\"lambda:InvokeFunction\"",
                )
            }
            None => (String::new(), format!("{group}Queue"), "\"sqs:SendMessage\""),
        };
        let mut statements = vec![allow(action, "handedToArn")];
        if self.grants_dlq_send {
            statements.push(allow("\"sqs:SendMessage\"", "dlqArn"));
        }
        let mut text = format!(
            r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
{iam_import}import {{ {group}Queue }} from "{parent}queues";
{upstream_import}
// The {file} functions ({group} group); failures they cannot retry go to {file}Dlq.
export const {file}Dlq = new aws.sqs.Queue("{file}-dlq", {{ messageRetentionSeconds: 1209600 }});
"#
        );
        text.push_str(&role_policy(
            file,
            &format!("{iam}{group}Role"),
            [
                (&format!("{file}Dlq.arn"), "dlqArn"),
                (&format!("{handed_to}.arn"), "handedToArn"),
            ],
            &statements,
        ));
        for (number, function) in self.functions.iter().enumerate() {
            text.push_str(&self.render_function(number, function, iam, &handed_to));
        }
        text
    }

    fn render_function(&self, number: usize, function: &Function, iam: &str, handed_to: &str) -> String {
        let FunctionModule { file, group, .. } = self;
        let name = Self::function_name(file, number);
        let (runtime, handler) = function.runtime;
        let reserved = function
            .reserved
            .map(|reserved| format!("\n        reservedConcurrentExecutions: {reserved},"))
            .unwrap_or_default();
        let dead_letter = if function.dead_letter {
            format!("\n        deadLetterConfig: {{ targetArn: {file}Dlq.arn }},")
        } else {
            String::new()
        };
        let options = if function.depends_on {
            format!("\n    {{ dependsOn: [{iam}{group}Basic, {iam}{group}Policy] }},")
        } else {
            String::new()
        };
        let memory = 128 << (self.index % 4);
        format!(
            r#"
/** {file} worker {number}: takes {group} jobs and hands them on. */
export const {name} = new aws.lambda.Function(
    "{file}-{number}",
    {{
        runtime: {runtime},
        handler: {handler},
        role: {iam}{group}Role.arn,
        code: new pulumi.asset.FileArchive("./dist/{file}-{number}"),
        memorySize: {memory},
        timeout: 30,{reserved}{dead_letter}
        environment: {{ variables: {{ QUEUE_URL: {group}Queue.url, HANDED_TO: {handed_to}.name, STAGE: pulumi.getStack() }} }},
    }},{options}
);

export const {file}Source{number} = new aws.lambda.EventSourceMapping("{file}-{number}-source", {{
    eventSourceArn: {group}Queue.arn,
    functionName: {name}.name,
    batchSize: 10,
}});
"#
        )
    }
}

/// A REST API over the first functions of the first modules: an OpenAPI body (some integrations
/// with the function's `arn` instead of its `invokeArn`), an Integration resource, and a stage
/// whose arguments carry `throttleSettings`. They are a variable because written inline, tsc
/// rejects them (TS2353), and the corpus must type-check; infrafix finds them either way.
fn api_module(random: &mut Random, repository: usize, modules: &[FunctionModule]) -> String {
    let routed: Vec<&FunctionModule> = modules.iter().take(3).collect();
    let first = routed[0];
    // The first module is reached through a namespace import, the others through named ones.
    let reference = |module: &FunctionModule| {
        let function = FunctionModule::function_name(&module.file, 0);
        if module.index == first.index {
            format!("{}.{function}", first.file)
        } else {
            function
        }
    };
    let mut imports = format!("import * as {0} from \"./functions/{0}\";\n", first.file);
    for module in &routed[1..] {
        imports.push_str(&format!(
            "import {{ {} }} from \"./functions/{}\";\n",
            FunctionModule::function_name(&module.file, 0),
            module.file
        ));
    }
    let outputs: Vec<String> = routed
        .iter()
        .map(|module| {
            let attribute = if random.chance(50) { "arn" } else { "invokeArn" };
            format!("{}.{attribute}", reference(module))
        })
        .collect();
    let parameters: Vec<String> = routed.iter().map(|module| format!("{}Uri", module.file)).collect();
    let paths: String = routed
        .iter()
        .map(|module| {
            format!(
                r#"
                "/{0}": {{
                    post: {{
                        "x-amazon-apigateway-integration": {{ type: "aws_proxy", httpMethod: "POST", uri: {0}Uri }},
                    }},
                }},"#,
                module.file
            )
        })
        .collect();
    let integrated = reference(routed[routed.len() - 1]);
    let integration_uri = if random.chance(50) { "arn" } else { "invokeArn" };
    let throttle = 50 * (1 + random.next() % 4);
    format!(
        r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
{imports}
export const restApi = new aws.apigateway.RestApi("api", {{
    name: "stack-{repository}-api",
    body: pulumi.all([{outputs}]).apply(([{parameters}]) =>
        JSON.stringify({{
            openapi: "3.0.1",
            info: {{ title: "stack-{repository}-api", version: "1.0" }},
            paths: {{{paths}
            }},
        }}),
    ),
}});

export const statusResource = new aws.apigateway.Resource("status", {{
    restApi: restApi.id,
    parentId: restApi.rootResourceId,
    pathPart: "status",
}});

export const statusMethod = new aws.apigateway.Method("status-get", {{
    restApi: restApi.id,
    resourceId: statusResource.id,
    httpMethod: "GET",
    authorization: "NONE",
}});

export const statusIntegration = new aws.apigateway.Integration("status-integration", {{
    restApi: restApi.id,
    resourceId: statusResource.id,
    httpMethod: statusMethod.httpMethod,
    integrationHttpMethod: "POST",
    type: "AWS_PROXY",
    uri: {integrated}.{integration_uri},
}});

export const statusPermission = new aws.lambda.Permission("status-invoke", {{
    action: "lambda:InvokeFunction",
    function: {integrated}.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${{restApi.executionArn}}/*/*`,
}});

export const apiDeployment = new aws.apigateway.Deployment(
    "api-deployment",
    {{ restApi: restApi.id, triggers: {{ redeployment: restApi.body.apply((body) => body ?? "") }} }},
    {{ dependsOn: [statusIntegration] }},
);

const apiStageArgs = {{
    restApi: restApi.id,
    deployment: apiDeployment.id,
    stageName: "prod",
    throttleSettings: {{ burstLimit: {burst}, rateLimit: {throttle} }},
}};

export const apiStage = new aws.apigateway.Stage("api-stage", apiStageArgs);

export const apiUrl = apiStage.invokeUrl;
"#,
        outputs = outputs.join(", "),
        parameters = parameters.join(", "),
        burst = throttle * 2,
    )
}

/// The stack's entry: re-exports every module, the way a barrel does, and declares its own
/// function module.
fn index_module(in_folder: &[FunctionModule], entry: &FunctionModule) -> String {
    let mut text = entry.render("./");
    text.push_str("\n// The stack's outputs: everything every module exports.\nexport * from \"./queues\";\nexport * from \"./iam\";\nexport * from \"./api\";\n");
    for module in in_folder {
        text.push_str(&format!("export * from \"./functions/{}\";\n", module.file));
    }
    text
}
