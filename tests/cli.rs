//! The command line as users and CI see it: the contract of DESIGN.md and the safety rules.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{fixtures, infrafix, read_tree, repo_root, temp_copy, text, GO_FUNCTION};

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("Pulumi.yaml"), "name: demo\nruntime: nodejs\n").expect("write");
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    dir
}

fn stderr(output: &std::process::Output) -> String {
    text(&output.stderr)
}

#[test]
fn seed_dry_run_diff_applies_with_git_and_equals_write() {
    let dry = temp_copy(&fixtures().join("seed"));
    let before = read_tree(dry.path());
    let output = infrafix(dry.path(), &["."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read_tree(dry.path()), before, "a dry run changes nothing");
    let diff = text(&output.stdout);
    assert_eq!(
        diff.matches("-        runtime:").count(),
        3,
        "all three functions move:\n{diff}"
    );
    assert_eq!(diff.matches("+        handler: \"bootstrap\",").count(), 3, "{diff}");
    assert!(
        diff.contains("-    throttleSettings: {\n-        burstLimit: 100,\n-        rateLimit: 50,\n-    },\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+    settings: { throttlingBurstLimit: 100, throttlingRateLimit: 50 },\n"),
        "{diff}"
    );

    let applied = temp_copy(&fixtures().join("seed"));
    std::fs::write(applied.path().join("fix.diff"), &output.stdout).expect("write diff");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(applied.path())
            .output()
            .expect("git runs")
    };
    assert!(git(&["init", "-q", "."]).status.success());
    let apply = git(&["apply", "fix.diff"]);
    assert!(apply.status.success(), "git apply: {}", stderr(&apply));
    std::fs::remove_file(applied.path().join("fix.diff")).expect("remove diff");

    let written = temp_copy(&fixtures().join("seed"));
    assert_eq!(
        infrafix(written.path(), &["--check", "."]).status.code(),
        Some(1),
        "--check: fixes pending"
    );
    assert_eq!(infrafix(written.path(), &["--write", "."]).status.code(), Some(0));
    let mut applied_tree = read_tree(applied.path());
    applied_tree.retain(|path, _| !path.starts_with(".git"));
    assert_eq!(
        applied_tree,
        read_tree(written.path()),
        "git apply of the diff gives what --write gives"
    );
    let after_first = read_tree(written.path());
    assert_eq!(infrafix(written.path(), &["--write", "."]).status.code(), Some(0));
    assert_eq!(
        read_tree(written.path()),
        after_first,
        "a second --write changes nothing"
    );
}

#[test]
fn terraform_syntax_error_file_is_reported_and_its_module_left_unfixed() {
    // What the broken file declares could clash with what a fix adds (a resource of the same
    // name), so its module is reported but not changed.
    let broken = b"variable \"runtime\" {\n  default = \"go1.x\"\n\nresource \"aws_lambda_function\" \"g\" {\n";
    let function =
        b"resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  runtime       = \"go1.x\"\n  handler       = \"main\"\n}\n";
    let dir = project(&[("main.tf", function.as_slice()), ("broken.tf", broken.as_slice())]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.tf: syntax error"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("Not fixed: a file of this module has syntax errors; fix it, then run again."),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read(dir.path().join("broken.tf")).expect("read"),
        broken.to_vec()
    );
    assert_eq!(
        std::fs::read(dir.path().join("main.tf")).expect("read"),
        function.to_vec()
    );
}

#[test]
fn a_terraform_block_opening_or_closing_on_an_argument_line_is_refused_like_terraform() {
    // Terraform: "Missing newline after argument". A one-line block is fine.
    let closing_late = b"resource \"aws_lambda_function\" \"d\" {\n  function_name = \"d\"\n  runtime       = \"go1.x\"\n  handler       = \"main\" }\n";
    let one_line = b"variable \"region\" { default = \"eu-west-1\" }\n";
    // Terraform: "Invalid single-argument block definition".
    let opening_early =
        b"resource \"aws_sqs_queue\" \"jobs\" { name = \"jobs\"\n  visibility_timeout_seconds = 60\n}\n";
    let dir = project(&[
        ("main.tf", closing_late.as_slice()),
        ("variables.tf", one_line.as_slice()),
        ("queues.tf", opening_early.as_slice()),
    ]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "main.tf: the block written over several lines puts an argument or block on its opening or closing line 4"
        ),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains(
            "queues.tf: the block written over several lines puts an argument or block on its opening or closing line 1"
        ),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("variables.tf"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(dir.path().join("main.tf")).expect("read"),
        closing_late.to_vec()
    );
}

#[test]
fn a_terraform_name_that_is_not_an_identifier_is_refused_like_terraform() {
    // Terraform: "Invalid resource name". Before, the attachment's label went into the
    // function's depends_on as a reference that does not parse.
    let role_and_function = b"resource \"aws_iam_role\" \"worker\" {\n  name               = \"worker\"\n  assume_role_policy = file(\"trust.json\")\n}\n\nresource \"aws_lambda_function\" \"worker\" {\n  function_name = \"worker\"\n  role          = aws_iam_role.worker.arn\n  runtime       = \"provided.al2023\"\n  handler       = \"bootstrap\"\n  filename      = \"worker.zip\"\n}\n";
    let attachment = b"# SQS polling for the worker\nresource \"aws_iam_role_policy_attachment\" \"2-sqs\" {\n  role       = aws_iam_role.worker.name\n  policy_arn = \"arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole\"\n}\n";
    // Dashes are part of a name.
    let dashed = b"variable \"queue-name\" {\n  default = \"jobs\"\n}\n";
    let dir = project(&[
        ("main.tf", role_and_function.as_slice()),
        ("iam.tf", attachment.as_slice()),
        ("variables.tf", dashed.as_slice()),
    ]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "iam.tf: the resource name `2-sqs` on line 2 is not a name Terraform takes (a name starts with a letter or underscore and holds only letters, digits, underscores and dashes), so Terraform refuses the file; the file was not modified"
        ),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("variables.tf"), "{}", stderr(&output));
    for (file, text) in [
        ("main.tf", role_and_function.as_slice()),
        ("iam.tf", attachment.as_slice()),
    ] {
        assert_eq!(std::fs::read(dir.path().join(file)).expect("read"), text.to_vec());
    }
}

#[test]
fn a_yaml_syntax_error_is_placed_where_the_mistake_is() {
    let unclosed = b"AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: [go1.x\n";
    let tabs = b"AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n\tFn:\n\t\tType: AWS::Lambda::Function\n";
    let dir = project(&[("unclosed.yaml", unclosed.as_slice()), ("tabs.yaml", tabs.as_slice())]);
    let output = infrafix(dir.path(), &["."]);
    assert_eq!(output.status.code(), Some(2));
    for expected in [
        "unclosed.yaml: syntax error near line 6:",
        "tabs.yaml: syntax error near line 3:",
    ] {
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
}

#[test]
fn syntax_error_file_is_reported_and_untouched_while_neighbour_is_fixed() {
    let broken =
        b"import * as aws from \"@pulumi/aws\";\nconst f = new aws.lambda.Function(\"x\", { runtime: \"go1.x\", \n";
    let dir = project(&[("index.ts", GO_FUNCTION.as_bytes()), ("broken.ts", broken)]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.ts: syntax error near line 2"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read(dir.path().join("broken.ts")).expect("read"),
        broken.to_vec()
    );
    assert!(!std::fs::read_to_string(dir.path().join("index.ts"))
        .expect("read")
        .contains("go1.x"));
}

#[test]
fn a_broken_tsconfig_is_reported_and_the_project_still_fixed() {
    let dir = project(&[
        ("index.ts", GO_FUNCTION.as_bytes()),
        ("tsconfig.json", b"{ \"compilerOptions\": { \"baseUrl\": "),
    ]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: tsconfig.json: not valid JSON (")
            && stderr(&output).contains("imports through its `paths` and `baseUrl` are read as packages"),
        "{}",
        stderr(&output)
    );
    assert!(!std::fs::read_to_string(dir.path().join("index.ts"))
        .expect("read")
        .contains("go1.x"));
}

#[test]
fn json_output_is_only_the_findings_array() {
    let dir = project(&[("index.ts", GO_FUNCTION.as_bytes())]);
    let output = infrafix(dir.path(), &["--format", "json", "."]);
    assert_eq!(output.status.code(), Some(0));
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let finding = &findings[0];
    assert_eq!(finding["rule"], "lambda-deprecated-runtime");
    assert_eq!(finding["path"], "index.ts");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(7), Some(14)),
        "points at the runtime value"
    );
    assert_eq!(finding["fixable"], true);
    assert_eq!(finding["applicability"], "safe");
}

#[test]
fn unsafe_fix_is_reported_with_a_hint_and_applied_only_when_asked() {
    let node = GO_FUNCTION
        .replace("\"go1.x\"", "\"nodejs16.x\"")
        .replace("\"main\"", "\"index.handler\"");
    // The successor depends on the date: pinned, so that the test does not age.
    let dir = project(&[
        ("index.ts", node.as_bytes()),
        ("infrafix.toml", b"as_of = 2026-11-29\n"),
    ]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("rerun with --unsafe-fixes"),
        "{}",
        stderr(&output)
    );
    assert!(std::fs::read_to_string(dir.path().join("index.ts"))
        .expect("read")
        .contains("nodejs16.x"));
    assert_eq!(
        infrafix(dir.path(), &["--check", "."]).status.code(),
        Some(1),
        "the finding is still pending"
    );
    assert_eq!(
        infrafix(dir.path(), &["--write", "--unsafe-fixes", "."]).status.code(),
        Some(0)
    );
    assert!(std::fs::read_to_string(dir.path().join("index.ts"))
        .expect("read")
        .contains("nodejs24.x"));
}

/// `--check` reports the findings and the fix each offers, and no diff; `--check --diff` also
/// prints the dry run's diff. Both exit 1 and change nothing.
#[test]
fn check_reports_findings_and_diff_only_when_asked() {
    let work = temp_copy(&fixtures().join("seed"));
    let before = read_tree(work.path());
    let dry = infrafix(work.path(), &["."]);
    let check = infrafix(work.path(), &["--check", "."]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(check.stdout.is_empty(), "no diff: {}", text(&check.stdout));
    // Each finding's line without its label, which says what the run did with its fix.
    let finding_lines = |output: &std::process::Output| -> Vec<String> {
        stderr(output)
            .lines()
            .filter(|line| line.starts_with("index.ts:"))
            .map(|line| line.rsplit_once(" [").map_or(line, |(finding, _)| finding).to_owned())
            .collect()
    };
    assert_eq!(finding_lines(&check), finding_lines(&dry), "the same findings");
    assert_eq!(finding_lines(&check).len(), 14);
    let labels = stderr(&check);
    assert_eq!(labels.matches("[fix offered: safe]").count(), 11, "{labels}");
    assert_eq!(
        labels
            .matches("[fix offered: unsafe; rerun with --unsafe-fixes to apply it]")
            .count(),
        3,
        "{labels}"
    );
    assert!(
        labels.contains("14 finding(s): 11 offer a fix this run's settings allow"),
        "{labels}"
    );
    let with_diff = infrafix(work.path(), &["--check", "--diff", "."]);
    assert_eq!(with_diff.status.code(), Some(1));
    assert!(!dry.stdout.is_empty());
    assert_eq!(with_diff.stdout, dry.stdout, "the dry run's diff");
    assert_eq!(read_tree(work.path()), before, "nothing written");
    let json = infrafix(work.path(), &["--check", "--format", "json", "."]);
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let findings = findings.as_array().expect("array");
    assert_eq!(findings.len(), 14);
    assert!(
        findings.iter().all(|finding| finding["fixed"] == false),
        "a check fixes nothing"
    );
    assert_eq!(findings.iter().filter(|finding| finding["fixable"] == true).count(), 14);
    let lone = infrafix(work.path(), &["--diff", "."]);
    assert_eq!(lone.status.code(), Some(2), "--diff needs --check");
    let written = infrafix(work.path(), &["--check", "--diff", "--write", "."]);
    assert_eq!(written.status.code(), Some(2), "--write prints no diff");
}

#[test]
fn select_and_ignore_choose_rules() {
    let dir = project(&[("index.ts", GO_FUNCTION.as_bytes())]);
    let ignored = infrafix(dir.path(), &["--check", "--ignore", "lambda-deprecated-runtime", "."]);
    assert_eq!(ignored.status.code(), Some(0), "{}", stderr(&ignored));
    let selected = infrafix(
        dir.path(),
        &[
            "--check",
            "--select",
            "lambda-deprecated-runtime,lambda-iam-depends-on",
            ".",
        ],
    );
    assert_eq!(selected.status.code(), Some(1));
    let unknown = infrafix(dir.path(), &["--select", "lambda-runtime", "."]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("lambda-runtime"));
}

#[test]
fn bad_config_exits_2_naming_the_key_and_the_file() {
    let cases: [(&str, &str); 4] = [
        ("no_such_key = 1\n", "no_such_key"),
        (
            "[rules.lambda-reserved-concurrency-budget]\naccount_limit = \"lots\"\n",
            "account_limit",
        ),
        ("[rules.lambda-runtime]\n", "lambda-runtime"),
        ("as_of = \"someday\"\n", "as_of"),
    ];
    for (config, key) in cases {
        let dir = project(&[
            ("index.ts", GO_FUNCTION.as_bytes()),
            ("infrafix.toml", config.as_bytes()),
        ]);
        let output = infrafix(dir.path(), &["--write", "."]);
        assert_eq!(output.status.code(), Some(2), "{config}");
        let message = stderr(&output);
        assert!(
            message.contains(key) && message.contains("infrafix.toml"),
            "{config}: {message}"
        );
        assert!(
            std::fs::read_to_string(dir.path().join("index.ts"))
                .expect("read")
                .contains("go1.x"),
            "nothing written"
        );
    }
}

#[test]
fn nearest_config_sets_as_of() {
    let node22 = GO_FUNCTION
        .replace("\"go1.x\"", "\"nodejs22.x\"")
        .replace("\"main\"", "\"index.handler\"");
    let dir = project(&[
        ("index.ts", node22.as_bytes()),
        ("infrafix.toml", b"as_of = 2026-11-29\n"),
    ]);
    assert_eq!(
        infrafix(dir.path(), &["--check", "."]).status.code(),
        Some(0),
        "nodejs22.x is supported on 2026-11-29"
    );
    std::fs::write(dir.path().join("infrafix.toml"), "as_of = 2027-05-01\n").expect("write");
    assert_eq!(
        infrafix(dir.path(), &["--check", "."]).status.code(),
        Some(1),
        "and deprecated on 2027-04-30"
    );
}

#[test]
fn read_only_file_is_not_written_even_as_root() {
    let dir = project(&[
        ("index.ts", GO_FUNCTION.as_bytes()),
        ("other.ts", GO_FUNCTION.replace("worker", "other").as_bytes()),
    ]);
    let locked = dir.path().join("index.ts");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("index.ts: has no write permission bits"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&locked).expect("read"), GO_FUNCTION);
    assert!(!std::fs::read_to_string(dir.path().join("other.ts"))
        .expect("read")
        .contains("go1.x"));
}

#[test]
fn skips_non_utf8_binary_and_oversized_files_with_a_notice() {
    let mut huge = GO_FUNCTION.as_bytes().to_vec();
    huge.extend(std::iter::repeat_n(b'\n', 5 * 1024 * 1024));
    let dir = project(&[
        ("latin1.ts", b"const s = \"caf\xe9\"; // go1.x\n"),
        ("binary.ts", b"\x00\x01\x02go1.x"),
        ("huge.ts", &huge),
        ("index.ts", GO_FUNCTION.as_bytes()),
    ]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("latin1.ts: is not valid UTF-8; skipped"), "{message}");
    assert!(message.contains("binary.ts: looks binary"), "{message}");
    assert!(message.contains("huge.ts: larger than"), "{message}");
    assert_eq!(std::fs::read(dir.path().join("huge.ts")).expect("read"), huge);
}

#[test]
fn pulumi_programs_in_other_languages_are_named_as_not_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, content: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    };
    write("billing/Pulumi.yaml", "name: billing\nruntime: nodejs\n");
    write("billing/index.js", "const aws = require(\"@pulumi/aws\");\n");
    // Only what tsc wrote from sources not in the repository: nothing of the program to read.
    write("built/Pulumi.yaml", "name: built\nruntime: nodejs\n");
    write("built/package.json", "{ \"main\": \"bin/index.js\" }\n");
    write(
        "built/tsconfig.json",
        "{ \"compilerOptions\": { \"outDir\": \"bin\" } }\n",
    );
    write("built/bin/index.js", "const aws = require(\"@pulumi/aws\");\n");
    write(
        "reports/Pulumi.yaml",
        "name: reports\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n",
    );
    write("reports/__main__.py", "import pulumi_aws as aws\n");
    write("orders/Pulumi.yaml", "name: orders\nruntime: nodejs\n");
    write("orders/index.ts", GO_FUNCTION);
    let output = infrafix(dir.path(), &["--check", "."]);
    let message = stderr(&output);
    assert!(
        message.contains("reports/Pulumi.yaml: a Pulumi program in Python: infrafix reads Pulumi programs written in TypeScript or JavaScript only, so this one was not checked"),
        "{message}"
    );
    assert!(
        message.contains("built/Pulumi.yaml: a Pulumi Node.js project with no TypeScript source"),
        "{message}"
    );
    // The TypeScript and JavaScript programs are read, and judged.
    assert!(!message.contains("orders/Pulumi.yaml"), "{message}");
    assert!(!message.contains("billing/Pulumi.yaml"), "{message}");
    assert_eq!(output.status.code(), Some(1), "{message}");
}

/// Serverless services not written in YAML and CDK apps not written in TypeScript are named as
/// not checked, on stderr and in the summary, so that their "No findings." is not a verdict; the
/// exit code stays that of what was read.
#[test]
fn serverless_services_and_cdk_apps_in_other_languages_are_named_as_not_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, content: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    };
    let service = "import type { AWS } from '@serverless/typescript';\n\nconst serverlessConfiguration: AWS = {\n  service: 'orders',\n  provider: { name: 'aws', runtime: 'nodejs14.x' },\n  functions: { hello: { handler: 'handler.hello' } },\n};\n\nmodule.exports = serverlessConfiguration;\n";
    write("orders/serverless.ts", service);
    write(
        "orders/handler.ts",
        "export const hello = async () => ({ statusCode: 200 });\n",
    );
    write(
        "legacy/serverless.js",
        &service
            .replace(": AWS", "")
            .replace("import type { AWS } from '@serverless/typescript';\n", ""),
    );
    // A YAML service is the one the framework takes: the TypeScript beside it is not deployed.
    write("billing/serverless.yml", "service: billing\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  send:\n    handler: send.handler\n");
    write("billing/serverless.ts", service);
    write("worker-js/cdk.json", "{ \"app\": \"node bin/worker.js\" }\n");
    write(
        "worker-js/package.json",
        "{ \"dependencies\": { \"aws-cdk-lib\": \"2.150.0\" } }\n",
    );
    write(
        "worker-js/bin/worker.js",
        "const cdk = require('aws-cdk-lib');\nnew cdk.App();\n",
    );
    write(
        "worker-py/cdk.json",
        "{\n  \"app\": \"python3 app.py\",\n  \"context\": {}\n}\n",
    );
    write(
        "worker-py/app.py",
        "import aws_cdk as cdk\n\napp = cdk.App()\napp.synth()\n",
    );
    // JavaScript compiled from the app's own TypeScript: the TypeScript is read.
    write("reports/cdk.json", "{ \"app\": \"node dist/bin/reports.js\" }\n");
    write(
        "reports/package.json",
        "{ \"dependencies\": { \"aws-cdk-lib\": \"2.150.0\" } }\n",
    );
    write(
        "reports/bin/reports.ts",
        "import * as cdk from 'aws-cdk-lib';\nnew cdk.App();\n",
    );
    let summary = dir.path().join("summary.json");
    let output = infrafix(
        dir.path(),
        &["--check", "--summary-json", summary.to_str().expect("utf-8 path"), "."],
    );
    let message = stderr(&output);
    for expected in [
        "orders/serverless.ts: a Serverless service written in TypeScript: infrafix reads services from serverless.yml and serverless.yaml only, so this one was not checked",
        "legacy/serverless.js: a Serverless service written in JavaScript",
        "worker-js/cdk.json: a CDK app in JavaScript (`node bin/worker.js`): infrafix reads CDK apps written in TypeScript only, so this one was not checked",
        "worker-py/cdk.json: a CDK app in Python (`python3 app.py`)",
    ] {
        assert!(message.contains(expected), "{expected}\n{message}");
    }
    assert!(!message.contains("billing/serverless.ts"), "{message}");
    assert!(!message.contains("reports/cdk.json"), "{message}");
    assert_eq!(output.status.code(), Some(0), "{message}");
    let summary = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        summary.contains("worker-py/cdk.json") && summary.contains("orders/serverless.ts"),
        "{summary}"
    );
}

#[test]
fn symlinks_are_never_followed_or_written_through() {
    let outside = tempfile::tempdir().expect("temp dir");
    let target = outside.path().join("shared.ts");
    std::fs::write(&target, GO_FUNCTION).expect("write");
    let dir = project(&[("index.ts", GO_FUNCTION.as_bytes())]);
    std::os::unix::fs::symlink(&target, dir.path().join("link.ts")).expect("symlink");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked-folder")).expect("symlink");
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        GO_FUNCTION,
        "the file outside is untouched"
    );
    assert!(stderr(&output).contains("link.ts: is a symlink"));
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    for index in 0..12 {
        let project = dir.path().join(format!("service-{index:02}"));
        std::fs::create_dir_all(&project).expect("mkdir");
        std::fs::write(project.join("Pulumi.yaml"), "name: s\nruntime: nodejs\n").expect("write");
        std::fs::write(
            project.join("index.ts"),
            GO_FUNCTION.replace("worker", &format!("worker{index}")),
        )
        .expect("write");
        std::fs::write(project.join("broken.ts"), "const = ;\n").expect("write");
    }
    let one = infrafix(dir.path(), &["-j", "1", "--format", "json", "."]);
    let eight = infrafix(dir.path(), &["-j", "8", "--format", "json", "."]);
    assert_eq!(one.stdout, eight.stdout);
    assert_eq!(one.stderr, eight.stderr);
    assert_eq!(
        infrafix(dir.path(), &["-j", "1", "."]).stdout,
        infrafix(dir.path(), &["-j", "8", "."]).stdout
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = infrafix(dir.path(), &["no-such-folder"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no-such-folder"));
}

#[test]
fn explicit_file_path_is_checked_and_shown_as_given() {
    let dir = project(&[("src/index.ts", GO_FUNCTION.as_bytes())]);
    let output = infrafix(dir.path(), &["src/index.ts"]);
    let diff = text(&output.stdout);
    assert!(diff.starts_with("--- a/src/index.ts\n+++ b/src/index.ts\n"), "{diff}");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/index.ts")).expect("read"),
        GO_FUNCTION,
        "a dry run writes nothing"
    );
}

#[test]
fn list_rules_shows_every_rule_with_applicability_and_summary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = infrafix(dir.path(), &["--list-rules"]);
    assert_eq!(output.status.code(), Some(0));
    let listing = text(&output.stdout);
    assert_eq!(listing.lines().count(), 7, "{listing}");
    assert!(
        listing.contains(
            "apigw-stage-throttle-settings        safe            `throttleSettings` on an API Gateway Stage"
        ),
        "{listing}"
    );
}

#[test]
fn explain_prints_the_rule_documentation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = infrafix(dir.path(), &["--explain", "lambda-deprecated-runtime"]);
    assert_eq!(output.status.code(), Some(0));
    let documentation = text(&output.stdout);
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
    ] {
        assert!(documentation.contains(section), "missing {section}");
    }
    assert!(
        documentation.contains("is no longer supported for\n    creating or updating AWS Lambda functions"),
        "quotes the deploy error"
    );
    assert_eq!(
        infrafix(dir.path(), &["--explain", "no-such-rule"]).status.code(),
        Some(2)
    );
}

#[test]
fn stdin_filename_prints_the_fixed_source() {
    let dir = project(&[]);
    let run = |input: &[u8], args: &[&str]| {
        assert_cmd::Command::cargo_bin("infrafix")
            .expect("binary")
            .current_dir(dir.path())
            .args(args)
            .write_stdin(input.to_vec())
            .output()
            .expect("runs")
    };
    let output = run(GO_FUNCTION.as_bytes(), &["--stdin-filename", "src/index.ts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fixed = text(&output.stdout);
    assert!(
        fixed.contains("runtime: \"provided.al2023\",\n    handler: \"bootstrap\","),
        "{fixed}"
    );
    assert!(stderr(&output).contains("src/index.ts:7:14: lambda-deprecated-runtime"));
    assert!(!dir.path().join("src/index.ts").exists(), "nothing is written");

    let broken = b"import * as aws from \"@pulumi/aws\";\nconst = ;\n";
    let output = run(broken, &["--stdin-filename", "broken.ts"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        output.stdout,
        broken.to_vec(),
        "an unfixable buffer comes back as it was"
    );
    assert_eq!(
        run(GO_FUNCTION.as_bytes(), &["--stdin-filename", "a.ts", "--write"])
            .status
            .code(),
        Some(2)
    );
}

/// An editor's buffer is judged with the project it lies in on disk: a go1.x function whose
/// Makefile builds `bin/main` is not moved by the safe fixes there either.
#[test]
fn stdin_filename_judges_the_package_with_the_project_on_disk() {
    let dir = project(&[("Makefile", b"build:\n\tGOOS=linux go build -o bin/main ./cmd/worker\n")]);
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("infrafix")
            .expect("binary")
            .current_dir(dir.path())
            .args(args)
            .write_stdin(GO_FUNCTION.as_bytes().to_vec())
            .output()
            .expect("runs")
    };
    let output = run(&["--stdin-filename", "index.ts"]);
    assert_eq!(text(&output.stdout), GO_FUNCTION, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Makefile:2 builds `bin/main`"),
        "{}",
        stderr(&output)
    );
    let output = run(&["--stdin-filename", "index.ts", "--unsafe-fixes"]);
    assert!(
        text(&output.stdout).contains("handler: \"bootstrap\""),
        "{}",
        stderr(&output)
    );
}

#[test]
fn files_outside_the_given_paths_inform_the_model_but_are_never_changed() {
    let shared = b"export const GO_RUNTIME = \"go1.x\";\n";
    let index = GO_FUNCTION.replace("\"go1.x\"", "GO_RUNTIME").replace(
        "import * as pulumi from \"@pulumi/pulumi\";\n",
        "import * as pulumi from \"@pulumi/pulumi\";\nimport { GO_RUNTIME } from \"../shared/runtime\";\n",
    );
    let dir = project(&[("shared/runtime.ts", shared), ("app/index.ts", index.as_bytes())]);
    let output = infrafix(&dir.path().join("app"), &["--write", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("index.ts:8:14: lambda-deprecated-runtime"),
        "the const in the other file is followed: {message}"
    );
    assert!(
        message.contains("shared/runtime.ts, outside the paths given"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("shared/runtime.ts")).expect("read"),
        shared.to_vec()
    );
    assert_eq!(infrafix(dir.path(), &["--write", "."]).status.code(), Some(0));
    assert!(std::fs::read_to_string(dir.path().join("shared/runtime.ts"))
        .expect("read")
        .contains("provided.al2023"));
}

/// Fixes a copy of `project` with `--write --unsafe-fixes`, checks that nothing is pending after
/// it, that every text of `expected` is in the fixed files and none of `gone`, and that a second
/// run changes nothing.
fn seed_fixed_end_to_end(project: &std::path::Path, expected: &[&str], gone: &[&str]) {
    let work = temp_copy(project);
    let original = read_tree(work.path());
    let output = infrafix(work.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let check = infrafix(work.path(), &["--check", "."]);
    assert_eq!(check.status.code(), Some(0), "nothing pending: {}", stderr(&check));
    let fixed = read_tree(work.path());
    assert_eq!(
        fixed.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>(),
        "no file created or deleted"
    );
    let all: String = fixed.values().map(|content| text(content)).collect();
    for text in expected {
        assert!(all.contains(text), "missing {text}");
    }
    for text in gone {
        assert!(!all.contains(text), "still there: {text}");
    }
    infrafix(work.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(read_tree(work.path()), fixed, "a second run changes nothing");
}

#[test]
fn seed_is_fixed_end_to_end() {
    seed_fixed_end_to_end(
        &fixtures().join("seed"),
        &[
            "reservedConcurrentExecutions: 66,",
            "policyArn: aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole,",
            // The send is a statement of its own: the receive statement is not widened to the DLQ.
            "Action: \"sqs:SendMessage\",\n                    Resource: notificationDLQArn,",
            "body: pulumi.all([validatorFunction.invokeArn, apiGatewayRole.arn])",
            "principal: \"apigateway.amazonaws.com\",",
            "new aws.apigateway.MethodSettings(",
        ],
        &["credentials:", "go1.x", "Go1dx"],
    );
}

/// The seed program written as a Terraform root module over several files: every failure class is
/// fixed by one run, and nothing is pending after it.
#[test]
fn terraform_seed_is_fixed_end_to_end() {
    seed_fixed_end_to_end(
        &fixtures().join("projects/terraform-seed/input"),
        &[
            "runtime                        = \"provided.al2023\"",
            "reserved_concurrent_executions = 66",
            "\"arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole\"",
            "Resource = aws_sqs_queue.notification_dlq.arn",
            "uri        = aws_lambda_function.validator.invoke_arn",
            "resource \"aws_lambda_permission\"",
            "resource \"aws_api_gateway_method_settings\"",
            "aws_iam_role_policy_attachment.notification_sqs_execution]",
        ],
        &["go1.x", "credentials"],
    );
}

/// The seed program written as one CloudFormation template, the same way.
#[test]
fn cloudformation_seed_is_fixed_end_to_end() {
    seed_fixed_end_to_end(
        &fixtures().join("projects/cloudformation-seed/input"),
        &[
            "Runtime: provided.al2023",
            "Handler: bootstrap",
            "ReservedConcurrentExecutions: 66",
            "AWSLambdaSQSQueueExecutionRole",
            "Resource: !GetAtt NotificationDlq.Arn",
            "/functions/${ValidatorFunction.Arn}/invocations",
            "Type: AWS::Lambda::Permission",
            "ThrottlingBurstLimit: 50",
        ],
        &["go1.x", "Credentials", "ThrottleSettings"],
    );
}

/// Fixing a template changes the lines the fixes are about and nothing else: every other line,
/// comments, quoting, flow maps and blank lines included, comes out in place.
#[test]
fn a_commented_template_keeps_everything_the_fixes_do_not_touch() {
    let input = std::fs::read_to_string(repo_root().join("tests/templates/commented.yaml")).expect("read");
    let dir = project(&[("template.yaml", input.as_bytes())]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fixed = std::fs::read_to_string(dir.path().join("template.yaml")).expect("read");
    let diff = similar::TextDiff::from_lines(&input, &fixed);
    let removed: Vec<&str> = diff
        .iter_all_changes()
        .filter(|change| change.tag() == similar::ChangeTag::Delete)
        .map(|change| change.value())
        .collect();
    assert_eq!(
        removed,
        [
            "      Runtime: go1.x      # TODO(PAY-88): move off go1.x\n",
            "      Handler: main\n",
            "      ThrottleSettings:\n",
            "        BurstLimit: 20   # per second\n",
            "        RateLimit: 10\n",
        ],
        "{fixed}"
    );
    for expected in [
        "      Runtime: provided.al2023      # TODO(PAY-88): move off go1.x\n",
        "      Handler: bootstrap\n",
        "    DependsOn: SettlementAudit\n",
        "      # Limits agreed with the acquirer (PAY-12).\n      MethodSettings:\n",
        "          ThrottlingBurstLimit: 20   # per second\n",
    ] {
        assert!(fixed.contains(expected), "missing {expected:?} in\n{fixed}");
    }
}

/// A JSON template suppresses in its resources' `Metadata`; a misspelt id there is warned about
/// as in a comment, and the ids it spells right still suppress.
#[test]
fn json_metadata_suppressions_are_checked_like_comments() {
    let template = br#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Metadata": {"infrafix": {"ignore": ["lambda-deprecated-runtme", "lambda-deprecated-runtime"]}}, "Properties": {"Runtime": "python3.8", "Handler": "a.h", "Role": "arn:aws:iam::123456789012:role/r", "Code": {"S3Bucket": "artifacts-bucket", "S3Key": "fn.zip"}}}}}"#;
    let dir = project(&[("template.json", template.as_slice())]);
    let output = infrafix(dir.path(), &["--check", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("suppression names unknown rule id `lambda-deprecated-runtme`"),
        "{}",
        stderr(&output)
    );
}

/// A misspelt id in a suppression comment is warned about once the fixes are made, in the file a
/// fix changed and in one it left alone (whose scan the run keeps from its first pass).
#[test]
fn misspelt_suppression_ids_are_warned_about_in_changed_and_unchanged_files() {
    let changed = format!(
        "// infrafix-ignore-file: lambda-reserved-concurency-budget\nimport {{ region }} from \"./settings\";\n{GO_FUNCTION}export const home = region;\n"
    );
    let unchanged = "// infrafix-ignore-file: apigw-stage-throttle-setings\nexport const region = \"eu-west-1\";\n";
    let dir = project(&[("index.ts", changed.as_bytes()), ("settings.ts", unchanged.as_bytes())]);
    let output = infrafix(dir.path(), &["."]);
    let notices = stderr(&output);
    for misspelt in ["lambda-reserved-concurency-budget", "apigw-stage-throttle-setings"] {
        assert!(
            notices.contains(&format!("line 1: suppression names unknown rule id `{misspelt}`")),
            "{notices}"
        );
    }
    assert!(
        text(&output.stdout).contains("+    runtime: \"provided.al2023\""),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn unreadable_account_settings_exit_2_naming_the_file() {
    let dir = project(&[
        ("index.ts", GO_FUNCTION.as_bytes()),
        (
            "infrafix.toml",
            b"[rules.lambda-reserved-concurrency-budget]\naccount_settings = \"missing.json\"\n",
        ),
    ]);
    let output = infrafix(dir.path(), &["."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing.json") && stderr(&output).contains("account_settings"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn files_without_infrastructure_are_read_but_not_parsed() {
    let app = b"// application code, mid-edit\nexport const handler = (event =>\n";
    let dir = project(&[("index.ts", GO_FUNCTION.as_bytes()), ("src/handler.ts", app)]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "a broken file no rule can need is no error: {}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read(dir.path().join("src/handler.ts")).expect("read"),
        app.to_vec()
    );
}

/// The entries of the first `compatibleRuntimes: [ … ]` in a program, unquoted.
fn compatible_runtimes(program: &str) -> Vec<String> {
    let start = program
        .find("compatibleRuntimes: [")
        .expect("a compatibleRuntimes list")
        + "compatibleRuntimes: [".len();
    let end = start + program[start..].find(']').expect("the list closes");
    program[start..end]
        .split(',')
        .map(|entry| entry.trim().trim_matches('"').to_owned())
        .filter(|entry| !entry.is_empty())
        .collect()
}

#[test]
fn layer_list_moving_two_node_versions_to_one_successor_names_it_once() {
    let layer = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\nexport const layer = new aws.lambda.LayerVersion(\"node\", {\n    layerName: \"node\",\n    code: new pulumi.asset.FileArchive(\"./layer\"),\n    compatibleRuntimes: [\"nodejs18.x\", \"nodejs20.x\", \"nodejs22.x\"],\n});\n";
    // On this date nodejs18.x and nodejs20.x are deprecated, and both move to nodejs24.x.
    let dir = project(&[
        ("index.ts", layer.as_bytes()),
        ("infrafix.toml", b"as_of = 2026-11-29\n"),
    ]);
    let output = infrafix(dir.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fixed = std::fs::read_to_string(dir.path().join("index.ts")).expect("read");
    let mut runtimes = compatible_runtimes(&fixed);
    assert_eq!(runtimes, ["nodejs24.x", "nodejs22.x"], "{fixed}");
    runtimes.sort();
    runtimes.dedup();
    assert_eq!(runtimes.len(), 2, "no runtime is listed twice:\n{fixed}");
    let again = infrafix(dir.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("index.ts")).expect("read"),
        fixed,
        "a second run changes nothing"
    );
}

/// More functions sharing a role than the fixpoint has passes, each with a dead-letter queue of
/// its own: declared together before the functions, or each beside its function.
fn functions_sharing_a_role(count: usize, interleaved: bool) -> String {
    let mut text = String::from(
        "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\n\
         const role = new aws.iam.Role(\"shared-role\", {\n    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: \"lambda.amazonaws.com\" }),\n});\n",
    );
    let queue = |index: usize| format!("const dlq{index} = new aws.sqs.Queue(\"dlq-{index}\");\n");
    let function = |index: usize| {
        format!(
            "export const fn{index} = new aws.lambda.Function(\"fn-{index}\", {{\n    role: role.arn,\n    runtime: \"nodejs22.x\",\n    \
             handler: \"index.handler\",\n    code: new pulumi.asset.FileArchive(\"./dist\"),\n    deadLetterConfig: {{ targetArn: dlq{index}.arn }},\n}}, {{ dependsOn: [policy] }});\n"
        )
    };
    if !interleaved {
        text.extend((0..count).map(queue));
    }
    text.push_str(
        "const policy = new aws.iam.RolePolicy(\"shared-policy\", {\n    role: role.id,\n    policy: JSON.stringify({\n        \
         Version: \"2012-10-17\",\n        Statement: [{ Effect: \"Allow\", Action: \"logs:CreateLogGroup\", Resource: \"*\" }],\n    }),\n});\n",
    );
    for index in 0..count {
        if interleaved {
            text.push_str(&queue(index));
        }
        text.push_str(&function(index));
    }
    text
}

#[test]
fn grants_for_many_functions_sharing_a_role_settle() {
    let count = infrafix::fix::MAX_PASSES + 2;
    for interleaved in [false, true] {
        let source = functions_sharing_a_role(count, interleaved);
        let dir = project(&[("index.ts", source.as_bytes())]);
        let output = infrafix(dir.path(), &["--write", "."]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(!stderr(&output).contains("did not settle"), "{}", stderr(&output));
        let check = infrafix(dir.path(), &["--check", "."]);
        let fixed = text(&std::fs::read(dir.path().join("index.ts")).expect("fixed"));
        assert_eq!(
            check.status.code(),
            Some(0),
            "nothing left: {}\n{fixed}",
            stderr(&check)
        );
        let new_policies = fixed.matches("new aws.iam.RolePolicy(").count() - 1;
        // Together: one statement in the policy the functions wait for. Interleaved: the policy
        // comes before the queues, so each function gets a policy of its own, before it.
        assert_eq!(new_policies, if interleaved { count } else { 0 }, "{fixed}");
    }
}

/// A Serverless service and the file it declares functions in deploy together: the file's
/// functions are fixed there whether the folder or only `serverless.yml` is named, and the file
/// is scanned once, as the service's.
#[test]
fn a_serverless_services_included_functions_are_fixed_in_their_file_and_scanned_once() {
    let service = b"service: billing\n\nprovider:\n  name: aws\n  runtime: nodejs22.x\n\nfunctions:\n  - ${file(./functions/invoices.yml)}\n";
    let invoices = b"# Invoice jobs\nsendInvoices:\n  handler: invoices/send.handler\n  runtime: python3.8\n";
    for named in [".", "serverless.yml"] {
        let dir = project(&[
            ("serverless.yml", service.as_slice()),
            ("functions/invoices.yml", invoices.as_slice()),
        ]);
        let summary = dir.path().join("summary.json");
        let summary_arg = summary.to_str().expect("utf-8 path");
        let output = infrafix(
            dir.path(),
            &["--write", "--unsafe-fixes", "--summary-json", summary_arg, named],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let fixed = std::fs::read_to_string(dir.path().join("functions/invoices.yml")).expect("read");
        assert_eq!(
            fixed, "# Invoice jobs\nsendInvoices:\n  handler: invoices/send.handler\n  runtime: python3.14\n",
            "named {named}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("serverless.yml")).expect("read"),
            service.to_vec()
        );
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&summary).expect("summary")).expect("json");
        let scanned: u64 = summary
            .as_array()
            .expect("repositories")
            .iter()
            .map(|repository| repository["files_scanned"].as_u64().expect("count"))
            .sum();
        assert_eq!(scanned, 2, "named {named}: {summary}");
    }
}

/// A functions file two services include is reported on once, and the patch of the folder
/// applies with git; an editor's buffer of the service whose provider runtime serves one of its
/// functions hears of that runtime and gets it fixed.
#[test]
fn a_functions_file_two_services_include_is_fixed_once_and_judged_from_the_buffer() {
    let case = fixtures().join("lambda-deprecated-runtime/serverless-functions-file-shared-by-two-services/input");
    let copy = temp_copy(&case);
    let patches = tempfile::tempdir().expect("temp dir");
    let patch_dir = patches.path().to_str().expect("utf-8 path");
    let output = infrafix(copy.path(), &["--unsafe-fixes", "--patch-dir", patch_dir, "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output)
            .matches("probes.yml:4:12: lambda-deprecated-runtime")
            .count(),
        1,
        "{}",
        stderr(&output)
    );
    let patch = std::fs::read_dir(patches.path())
        .expect("patch dir")
        .map(|entry| entry.expect("entry").path())
        .find(|path| path.extension().is_some_and(|extension| extension == "patch"))
        .expect("one patch");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(copy.path())
            .output()
            .expect("git runs")
    };
    assert!(git(&["init", "-q", "."]).status.success());
    let apply = git(&["apply", "--check", patch.to_str().expect("utf-8 path")]);
    assert!(apply.status.success(), "git apply: {}", stderr(&apply));

    let service = "services/internal-api/serverless.yml";
    let buffer = std::fs::read(case.join(service)).expect("service");
    let output = assert_cmd::Command::cargo_bin("infrafix")
        .expect("binary")
        .current_dir(&case)
        .args(["--unsafe-fixes", "--stdin-filename", service])
        .write_stdin(buffer)
        .output()
        .expect("runs");
    assert!(
        stderr(&output)
            .contains("internal-api/serverless.yml:11:5: lambda-deprecated-runtime Lambda runtime `nodejs18.x`"),
        "{}",
        stderr(&output)
    );
    assert!(
        text(&output.stdout).contains("  runtime: nodejs24.x\n"),
        "{}",
        text(&output.stdout)
    );
}

/// Resources a `Fn::ForEach` loop makes from a collection known only when the stack deploys
/// are named as not checked, so that "No findings." is not a verdict on them; those of a loop
/// over a list written out are judged.
#[test]
fn foreach_loops_whose_collection_is_not_known_are_named_as_not_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let template = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::LanguageExtensions\nParameters:\n  Tenants:\n    Type: CommaDelimitedList\nResources:\n  # One worker per tenant, named at deploy time.\n  'Fn::ForEach::Tenants':\n    - Tenant\n    - !Ref Tenants\n    - '${Tenant}Worker':\n        Type: AWS::Lambda::Function\n        Properties:\n          Runtime: python3.8\n          Handler: index.handler\n          Role: arn:aws:iam::123456789012:role/worker\n          Code:\n            ZipFile: 'def handler(event, context): pass'\n";
    std::fs::write(dir.path().join("template.yaml"), template).expect("write");
    let output = infrafix(dir.path(), &["--check", "."]);
    let message = stderr(&output);
    assert!(
        message.contains("template.yaml: `Fn::ForEach::Tenants` (line 8) was not read, since its collection is the parameter `Tenants`, which has no `Default` (its elements are given when the stack deploys); the resources it makes were not checked"),
        "{message}"
    );
    assert_eq!(output.status.code(), Some(0), "{message}");
    let known = template.replace("    - !Ref Tenants\n", "    - [acme, globex]\n");
    std::fs::write(dir.path().join("template.yaml"), known).expect("write");
    let output = infrafix(dir.path(), &["--check", "."]);
    let message = stderr(&output);
    assert!(!message.contains("was not read"), "{message}");
    assert!(
        format!("{}{message}", text(&output.stdout)).contains("lambda-deprecated-runtime"),
        "{message}"
    );
    assert_eq!(output.status.code(), Some(1), "{message}");
}
