//! Every count a run prints (the closing line, `--format json`, SARIF, the per-repository summary)
//! comes from what the run resolved and what its edits left, never from what fixes were offered.

mod common;

use common::{infrafix, text};
use serde_json::Value;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("Pulumi.yaml"), "name: orders\nruntime: nodejs\n").expect("write");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    dir
}

const QUEUES: &str = r#"import * as aws from "@pulumi/aws";

// Failed order events land here.
export const dlq = new aws.sqs.Queue("orders-dlq", { messageRetentionSeconds: 1209600 });
"#;

const IAM: &str = r#"import * as aws from "@pulumi/aws";

export const role = new aws.iam.Role("orders-role", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});

export const logging = new aws.iam.RolePolicy("orders-logging", {
    role: role.id,
    policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }],
    },
});
"#;

const INDEX: &str = r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logging, role } from "./iam";
import { dlq } from "./queues";

export const orders = new aws.lambda.Function("orders", {
    role: role.arn,
    runtime: "nodejs22.x",
    handler: "index.handler",
    code: new pulumi.asset.FileArchive("./app"),
    deadLetterConfig: { targetArn: dlq.arn },
}, { dependsOn: [logging] });
"#;

fn run_json(dir: &std::path::Path, args: &[&str]) -> (Value, Value, String) {
    let summary = dir.join("summary.json");
    let summary_arg = summary.to_string_lossy().into_owned();
    let mut all = vec!["--format", "json", "--summary-json", &summary_arg];
    all.extend_from_slice(args);
    all.push(".");
    let output = infrafix(dir, &all);
    let findings: Value = serde_json::from_slice(&output.stdout).expect("stdout is the findings array");
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).expect("summary written")).expect("summary is JSON");
    std::fs::remove_file(dir.join("summary.json")).expect("remove");
    (findings, summary, text(&output.stderr))
}

#[test]
fn a_finding_fixed_in_another_file_counts_as_fixed_everywhere() {
    let dir = project(&[("queues.ts", QUEUES), ("iam.ts", IAM), ("index.ts", INDEX)]);
    let output = infrafix(dir.path(), &["--write", "."]);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("1 finding(s): 1 fixed, 0 remaining."), "{stderr}");
    assert!(
        stderr.contains("index.ts:6:1: lambda-dlq-send-permission") && stderr.contains("[fixed]"),
        "{stderr}"
    );
    let iam = std::fs::read_to_string(dir.path().join("iam.ts")).expect("read");
    assert!(iam.contains("Action: \"sqs:SendMessage\", Resource: dlq.arn"), "{iam}");

    let dry = project(&[("queues.ts", QUEUES), ("iam.ts", IAM), ("index.ts", INDEX)]);
    let (findings, summary, _) = run_json(dry.path(), &[]);
    assert_eq!(findings[0]["fixed"], Value::Bool(true), "{findings:#}");
    assert_eq!(summary[0]["fixes"]["lambda-dlq-send-permission"], 1, "{summary:#}");
    let sarif = infrafix(dry.path(), &["--format", "sarif", "."]);
    let log: Value = serde_json::from_slice(&sarif.stdout).expect("SARIF");
    assert_eq!(log["runs"][0]["results"][0]["properties"]["fixed"], Value::Bool(true));
}

#[test]
fn findings_the_fixes_raise_are_counted_as_such() {
    // No policy of the role can take the grant (the role has none), so the fix adds a RolePolicy,
    // which the function's dependsOn then lacks: a finding the fix raised, fixed on the next pass.
    let iam = IAM.split("export const logging").next().expect("the role").to_owned();
    let index = INDEX
        .replace(
            "import { logging, role } from \"./iam\";",
            "import { role } from \"./iam\";",
        )
        .replace(", { dependsOn: [logging] }", "");
    let dir = project(&[("queues.ts", QUEUES), ("iam.ts", &iam), ("index.ts", &index)]);
    let (findings, summary, stderr) = run_json(dir.path(), &[]);
    assert_eq!(findings.as_array().map(Vec::len), Some(1), "{findings:#}");
    assert_eq!(summary[0]["fixes"]["lambda-dlq-send-permission"], 1, "{summary:#}");
    assert_eq!(summary[0]["fixes"]["lambda-iam-depends-on"], 1, "{summary:#}");
    assert!(!stderr.contains("infrafix: "), "no notice: {stderr}");
    let output = infrafix(dir.path(), &["--write", "."]);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("1 finding(s): 1 fixed, 0 remaining. The fixes raised 1 more, fixed as well."),
        "{stderr}"
    );
    assert_eq!(infrafix(dir.path(), &["--check", "."]).status.code(), Some(0));
}

#[test]
fn many_functions_per_role_are_fixed_in_one_run_and_counted_as_written() {
    let work = common::temp_copy(&common::fixtures().join("projects/many-functions-per-role/input"));
    let (before, _, _) = run_json(work.path(), &[]);
    let reported = before.as_array().map_or(0, Vec::len);
    assert!(reported >= 10, "{before:#}");
    let (written, summary, stderr) = run_json(work.path(), &["--write"]);
    assert!(!stderr.contains("infrafix: "), "no notice: {stderr}");
    let fixed = written
        .as_array()
        .into_iter()
        .flatten()
        .filter(|finding| finding["fixed"] == true)
        .count();
    assert_eq!(fixed, reported, "every finding is fixed: {written:#}");
    let fixes: u64 = summary[0]["fixes"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, count)| count.as_u64())
        .sum();
    assert_eq!(
        fixes as usize, fixed,
        "the summary counts what was written: {summary:#}"
    );
    let (after, _, _) = run_json(work.path(), &[]);
    assert_eq!(after, Value::Array(Vec::new()), "nothing is left on the written texts");
}
