//! The batch benchmark: infrafix against the floor of any tree-sitter tool, parsing each file once.
//!
//! `cargo bench --bench batch` generates a synthetic corpus of Pulumi repositories (deterministic),
//! then runs, alternating, three times each: the parse-only floor (the same walk, a tree-sitter
//! parse of every file, the same thread count), `infrafix --check`, and `infrafix --patch-dir`.
//! It prints files/s, MB/s, each run's ratio to the floor and peak RSS, at 1× and 4× the corpus.
//! `INFRAFIX_BENCH_REPOS` (default 200) and `INFRAFIX_BENCH_FILES` (default 25) set the 1× size;
//! `INFRAFIX_BENCH_JOBS` the threads (default: all cores). `-- --generate DIR` only writes the 1×
//! corpus, for profiling.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

const ROUNDS: usize = 3;

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    if let Some(position) = arguments.iter().position(|argument| argument == "--floor") {
        let folder = PathBuf::from(&arguments[position + 1]);
        let jobs: usize = arguments[position + 2].parse().expect("thread count");
        parse_only(&folder, jobs);
        return;
    }
    let repositories = environment_number("INFRAFIX_BENCH_REPOS", 200);
    let files = environment_number("INFRAFIX_BENCH_FILES", 25);
    // For profiling: `cargo bench --bench batch -- --generate DIR` only writes the 1× corpus.
    if let Some(position) = arguments.iter().position(|argument| argument == "--generate") {
        let (count, bytes) = generate(Path::new(&arguments[position + 1]), repositories, files);
        println!("{count} files, {bytes} bytes");
        return;
    }
    let jobs = environment_number(
        "INFRAFIX_BENCH_JOBS",
        std::thread::available_parallelism().map_or(2, |n| n.get()),
    );
    println!(
        "machine: {} cores; {jobs} threads; {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        machine()
    );
    let mut previous: Option<(usize, Duration)> = None;
    for scale in [1, 4] {
        let corpus = tempfile::tempdir().expect("temp dir");
        let (count, bytes) = generate(corpus.path(), repositories * scale, files);
        println!(
            "\ncorpus {scale}×: {} repositories × {files} files = {count} files, {:.1} MB",
            repositories * scale,
            bytes as f64 / 1e6
        );
        let results = measure(corpus.path(), jobs);
        let floor = results[0].1;
        println!(
            "{:<22} {:>9} {:>10} {:>8} {:>9} {:>11}",
            "run", "seconds", "files/s", "MB/s", "× floor", "peak RSS"
        );
        for (name, time, rss) in &results {
            let seconds = time.as_secs_f64();
            println!(
                "{name:<22} {seconds:>9.3} {:>10.0} {:>8.1} {:>9.2} {:>8.1} MB",
                count as f64 / seconds,
                bytes as f64 / 1e6 / seconds,
                seconds / floor.as_secs_f64(),
                *rss as f64 / 1024.0
            );
        }
        let check = results[1].1;
        if let Some((previous_count, previous_check)) = previous {
            println!(
                "growth: {:.2}× the files cost {:.2}× the time of --check",
                count as f64 / previous_count as f64,
                check.as_secs_f64() / previous_check.as_secs_f64()
            );
        }
        previous = Some((count, check));
    }
}

fn environment_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .map(|line| line.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown processor".to_owned());
    format!("{cpu}, {}", std::env::consts::ARCH)
}

/// Median wall time and peak RSS (KiB) of each run, the floor first, rounds alternating.
fn measure(corpus: &Path, jobs: usize) -> Vec<(&'static str, Duration, i64)> {
    let infrafix = env!("CARGO_BIN_EXE_infrafix");
    let floor = std::env::current_exe().expect("own path");
    let patches = corpus.join("patches");
    let jobs_text = jobs.to_string();
    let corpus_text = corpus.join("repos").to_string_lossy().into_owned();
    let runs: Vec<(&'static str, Vec<String>, PathBuf)> = vec![
        (
            "parse-only floor",
            vec!["--floor".into(), corpus_text.clone(), jobs_text.clone()],
            floor,
        ),
        (
            "infrafix --check",
            vec!["--check".into(), "-j".into(), jobs_text.clone(), corpus_text.clone()],
            infrafix.into(),
        ),
        (
            "infrafix --patch-dir",
            vec![
                "--patch-dir".into(),
                patches.to_string_lossy().into_owned(),
                "-j".into(),
                jobs_text,
                corpus_text,
            ],
            infrafix.into(),
        ),
    ];
    let mut samples: Vec<Vec<(Duration, i64)>> = vec![Vec::new(); runs.len()];
    for _ in 0..ROUNDS {
        for (index, (_, arguments, program)) in runs.iter().enumerate() {
            samples[index].push(timed(program, arguments));
        }
    }
    runs.iter()
        .zip(samples)
        .map(|((name, _, _), mut samples)| {
            samples.sort();
            let rss = samples.iter().map(|(_, rss)| *rss).max().unwrap_or(0);
            (*name, samples[samples.len() / 2].0, rss)
        })
        .collect()
}

/// Runs a program to its end; its wall time and peak resident set (KiB, from wait4).
// The child is reaped by wait4, which also reports its peak memory; `Child::wait` would not.
#[allow(clippy::zombie_processes)]
fn timed(program: &Path, arguments: &[String]) -> (Duration, i64) {
    let start = Instant::now();
    let child = Command::new(program)
        .args(arguments)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's, not yet reaped; status and usage point to live locals.
    let reaped = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(reaped > 0, "wait4 failed");
    (start.elapsed(), usage.ru_maxrss)
}

/// The floor: the walk infrafix does, and one tree-sitter parse of every file, on `jobs` threads.
fn parse_only(folder: &Path, jobs: usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("threads");
    let workspace = infrafix::workspace::discover(&[folder.to_path_buf()]).expect("walks");
    let parsed: usize = pool.install(|| {
        workspace
            .projects
            .par_iter()
            .map(|project| {
                project
                    .files
                    .iter()
                    .filter_map(|path| {
                        let text = std::fs::read_to_string(path).ok()?;
                        let dialect = infrafix::syntax::Dialect::of_path(path)?;
                        infrafix::syntax::parse(&text, dialect)
                            .ok()
                            .map(|tree| tree.root_node().child_count())
                    })
                    .count()
            })
            .sum()
    });
    assert!(parsed > 0);
}

/// A small deterministic random source (xorshift), so every run sees the same corpus.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Writes the corpus; returns how many files infrafix should read, and their bytes.
fn generate(root: &Path, repositories: usize, files_per_repository: usize) -> (usize, u64) {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut count = 0;
    let mut bytes = 0;
    let functions = files_per_repository.saturating_sub(13).clamp(1, 8);
    let handlers = files_per_repository.saturating_sub(5 + functions);
    for repository in 0..repositories {
        let folder = root.join("repos").join(format!("service-{repository:04}"));
        let mut write = |path: &str, text: String, counted: bool| {
            let path = folder.join(path);
            std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
            if counted {
                count += 1;
                bytes += text.len() as u64;
            }
            std::fs::write(path, text).expect("write");
        };
        std::fs::create_dir_all(folder.join(".git")).expect("mkdir");
        write(".gitignore", "dist/\nnode_modules/\n".into(), false);
        write(
            "infra/Pulumi.yaml",
            format!("name: service-{repository}\nruntime: nodejs\n"),
            false,
        );
        write(
            "infra/package.json",
            "{\"dependencies\": {\"@pulumi/aws\": \"^7\", \"@pulumi/pulumi\": \"^3\"}}\n".into(),
            false,
        );
        write("infra/config.ts", config_module(&mut random), true);
        write("infra/iam.ts", iam_module(&mut random), true);
        write("infra/queues.ts", QUEUES.into(), true);
        write("infra/api.ts", api_module(&mut random), true);
        let mut index = String::from("import * as pulumi from \"@pulumi/pulumi\";\nimport { workerRole } from \"./iam\";\nimport { jobs } from \"./queues\";\n");
        for function in 0..functions {
            write(
                &format!("infra/functions/fn-{function}.ts"),
                function_module(&mut random, function),
                true,
            );
            index.push_str(&format!("export * from \"./functions/fn-{function}\";\n"));
        }
        index.push_str("\nexport const roleArn = workerRole.arn;\nexport const queueUrl = jobs.url;\nexport const stack = pulumi.getStack();\n");
        write("infra/index.ts", index, true);
        for handler in 0..handlers {
            write(
                &format!("src/handlers/handler-{handler}.ts"),
                handler_module(&mut random, handler),
                true,
            );
        }
        // Never read: dependencies and build output.
        write(
            "infra/node_modules/@pulumi/aws/lambda/index.ts",
            "export const Runtime = { Go1dx: \"go1.x\" };\n".repeat(200),
            false,
        );
        write("dist/bundle.ts", handler_module(&mut random, 99).repeat(20), false);
    }
    (count, bytes)
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
