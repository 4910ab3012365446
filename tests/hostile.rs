//! Hostile and unusual inputs: each has an expected outcome, and nothing is modified that should
//! not be. (Non-UTF-8, binary and oversized files, symlinks out of the tree and read-only files are
//! covered in cli.rs; a file changed between read and write in src/write.rs.)

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{infrafix, text};

const HEAD: &str = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n";

fn project(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("Pulumi.yaml"), "name: hostile\nruntime: nodejs\n").expect("write");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    dir
}

fn go_function(name: &str) -> String {
    format!(
        "const {name}Role = new aws.iam.Role(\"{name}-role\", {{ assumeRolePolicy: \"{{}}\" }});\nexport const {name} = new aws.lambda.Function(\"{name}\", {{\n    runtime: \"go1.x\",\n    handler: \"main\",\n    role: {name}Role.arn,\n    code: new pulumi.asset.FileArchive(\"./bin\"),\n}});\n"
    )
}

#[test]
fn mixed_line_endings_are_kept_line_by_line() {
    let source =
        format!("{HEAD}{}", go_function("worker")).replace("role: workerRole.arn,\n", "role: workerRole.arn,\r\n");
    let dir = project(&[("index.ts", source.clone().into_bytes())]);
    assert_eq!(infrafix(dir.path(), &["--write", "."]).status.code(), Some(0));
    let fixed = std::fs::read_to_string(dir.path().join("index.ts")).expect("read");
    assert_eq!(
        fixed,
        source
            .replace("\"go1.x\"", "\"provided.al2023\"")
            .replace("\"main\"", "\"bootstrap\"")
    );
}

#[test]
fn oversized_files_are_skipped_unless_the_limit_is_raised() {
    let mut huge = format!("{HEAD}{}", go_function("worker")).into_bytes();
    huge.extend(std::iter::repeat_n(b' ', 50 * 1024 * 1024));
    let dir = project(&[("huge.ts", huge.clone())]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text(&output.stderr).contains("huge.ts: larger than 4194304 bytes (max_file_size); skipped"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(
        std::fs::read(dir.path().join("huge.ts")).expect("read"),
        huge,
        "untouched"
    );
    std::fs::write(dir.path().join("infrafix.toml"), "max_file_size = 100_000_000\n").expect("write");
    assert_eq!(
        infrafix(dir.path(), &["--check", "."]).status.code(),
        Some(1),
        "read once allowed"
    );
}

#[test]
fn a_symlink_loop_ends_the_walk_without_harm() {
    let dir = project(&[("index.ts", format!("{HEAD}{}", go_function("worker")).into_bytes())]);
    std::os::unix::fs::symlink(".", dir.path().join("loop")).expect("symlink");
    let output = infrafix(dir.path(), &["--check", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
}

#[test]
fn a_file_without_read_permission_is_reported_and_the_others_fixed() {
    let closed = format!("{HEAD}{}", go_function("closed"));
    let dir = project(&[
        ("closed.ts", closed.clone().into_bytes()),
        ("open.ts", format!("{HEAD}{}", go_function("open")).into_bytes()),
    ]);
    std::fs::set_permissions(dir.path().join("closed.ts"), std::fs::Permissions::from_mode(0o200)).expect("chmod");
    let output = infrafix(dir.path(), &["--write", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("closed.ts: has no read permission bits; not read"),
        "{}",
        text(&output.stderr)
    );
    assert!(!std::fs::read_to_string(dir.path().join("open.ts"))
        .expect("read")
        .contains("go1.x"));
    std::fs::set_permissions(dir.path().join("closed.ts"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("closed.ts")).expect("read"),
        closed
    );
}

#[test]
fn deeply_nested_code_is_skipped_not_a_crash() {
    let depth = 50_000;
    let parens = format!(
        "{HEAD}const role = new aws.iam.Role(\"r\", {{ assumeRolePolicy: \"{{}}\" }});\nexport const f = new aws.lambda.Function(\"f\", {{ role: role.arn, runtime: {}\"go1.x\"{} }});\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let coalescing = format!(
        "{HEAD}declare const a: string | undefined;\nconst role = new aws.iam.Role(\"r\", {{ assumeRolePolicy: \"{{}}\" }});\nexport const g = new aws.lambda.Function(\"g\", {{ role: role.arn, runtime: {}\"go1.x\" }});\n",
        "a ?? ".repeat(depth)
    );
    // Deep JSON inside a template: shallow as TypeScript, deep for the policy reader.
    let json = format!(
        "{HEAD}const dlq = new aws.sqs.Queue(\"dlq\");\nconst role = new aws.iam.Role(\"r\", {{ assumeRolePolicy: \"{{}}\" }});\nconst policy = new aws.iam.RolePolicy(\"p\", {{ role: role.id, policy: pulumi.interpolate`{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": {}\"*\"{}}}]}}` }});\nexport const h = new aws.lambda.Function(\"h\", {{ runtime: \"provided.al2023\", handler: \"bootstrap\", role: role.arn, code: new pulumi.asset.FileArchive(\"./bin\"), deadLetterConfig: {{ targetArn: dlq.arn }} }}, {{ dependsOn: [policy] }});\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let dir = project(&[
        ("parens.ts", parens.clone().into_bytes()),
        ("coalescing.ts", coalescing.clone().into_bytes()),
        ("json.ts", json.clone().into_bytes()),
    ]);
    let output = infrafix(dir.path(), &["--write", "."]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "no crash: {:?} {}",
        output.status,
        text(&output.stderr)
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("parens.ts: nests deeper than 400 levels; skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("coalescing.ts: nests deeper than 400 levels; skipped"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("parens.ts")).expect("read"),
        parens
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("json.ts")).expect("read"),
        json,
        "unreadable policy: nothing judged"
    );
}

#[test]
fn empty_files_and_comment_only_files_come_out_as_they_went_in() {
    let comments = b"// import * as aws from \"@pulumi/aws\";\n/* runtime: \"go1.x\" */\n".to_vec();
    let dir = project(&[("empty.ts", Vec::new()), ("comments.ts", comments.clone())]);
    let output = infrafix(dir.path(), &["--write", "--check", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(std::fs::read(dir.path().join("empty.ts")).expect("read").is_empty());
    assert_eq!(std::fs::read(dir.path().join("comments.ts")).expect("read"), comments);
}

#[test]
fn terraform_files_get_the_same_guards() {
    let function = "resource \"aws_lambda_function\" \"f\" {\r\n  function_name = \"f\"\r\n  runtime       = \"go1.x\"\r\n  handler       = \"main\"\r\n}\r\n";
    let with_bom = format!("\u{feff}{function}");
    let depth = 50_000;
    let deep = format!(
        "resource \"aws_lambda_function\" \"g\" {{\n  runtime = {}\"go1.x\"{}\n}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let read_only = function.replace("\"f\"", "\"r\"");
    let dir = tempfile::tempdir().expect("temp dir");
    // A module with a file left unread is not fixed: the deep file is a module of its own.
    std::fs::create_dir(dir.path().join("deep")).expect("mkdir");
    for (name, content) in [
        ("bom.tf", with_bom.as_str()),
        ("deep/deep.tf", deep.as_str()),
        ("read_only.tf", read_only.as_str()),
        ("empty.tf", ""),
    ] {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    let locked = dir.path().join("read_only.tf");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let output = infrafix(dir.path(), &["--write", "."]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("deep.tf: nests deeper than 400 levels; skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("read_only.tf: has no write permission bits"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("deep/deep.tf")).expect("read"),
        deep
    );
    assert_eq!(std::fs::read_to_string(&locked).expect("read"), read_only);
    assert!(std::fs::read(dir.path().join("empty.tf")).expect("read").is_empty());
    // The byte-order mark and the CRLF line endings stay.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bom.tf")).expect("read"),
        with_bom
            .replace("\"go1.x\"", "\"provided.al2023\"")
            .replace("\"main\"", "\"bootstrap\"")
    );
}

#[test]
fn templates_get_the_same_guards() {
    let function = "AWSTemplateFormatVersion: \"2010-09-09\"\r\nResources:\r\n  Fn:\r\n    Type: AWS::Lambda::Function\r\n    Properties:\r\n      Runtime: go1.x # built by make\r\n      Handler: main\r\n      Role: arn:aws:iam::123456789012:role/fn\r\n      Code: {S3Bucket: artifacts-bucket, S3Key: fn.zip}\r\n";
    let with_bom = format!("\u{feff}{function}");
    let depth = 50_000;
    let deep_yaml = format!(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {}go1.x{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let deep_json = format!(
        "{{\"Resources\": {{\"Fn\": {{\"Type\": \"AWS::Lambda::Function\", \"Properties\": {{\"Runtime\": {}\"go1.x\"{}}}}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let read_only = function.replace("Fn:", "Locked:");
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in [
        ("bom.yaml", with_bom.as_bytes()),
        ("deep.yaml", deep_yaml.as_bytes()),
        ("deep.json", deep_json.as_bytes()),
        ("read_only.yaml", read_only.as_bytes()),
        ("empty.yaml", b"".as_slice()),
        (
            "latin1.yaml",
            b"Resources:\n  Fn:\n    Type: AWS::Lambda::Function # caf\xe9\n".as_slice(),
        ),
    ] {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    let locked = dir.path().join("read_only.yaml");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let output = infrafix(dir.path(), &["--write", "."]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for expected in [
        "deep.yaml: nests deeper than 400 levels; skipped",
        "deep.json: nests deeper than 400 levels; skipped",
        "read_only.yaml: has no write permission bits",
        "latin1.yaml: is not valid UTF-8; skipped",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("deep.yaml")).expect("read"),
        deep_yaml
    );
    assert_eq!(std::fs::read_to_string(&locked).expect("read"), read_only);
    assert!(std::fs::read(dir.path().join("empty.yaml")).expect("read").is_empty());
    // The byte-order mark, the CRLF line endings and the comment stay.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bom.yaml")).expect("read"),
        with_bom
            .replace("go1.x", "provided.al2023")
            .replace("main", "bootstrap")
    );
}

/// A role whose properties are an empty map has nowhere to take a grant: the finding says so, and
/// nothing panics or is written.
#[test]
fn a_role_with_no_properties_is_reported_not_fixed() {
    let template = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: {}\n  Dlq:\n    Type: AWS::SQS::Queue\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.13\n      Handler: app.handler\n      Role: !GetAtt Role.Arn\n      Code: {S3Bucket: artifacts-bucket, S3Key: fn.zip}\n      DeadLetterConfig:\n        TargetArn: !GetAtt Dlq.Arn\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("template.yaml");
    std::fs::write(&path, template).expect("write");
    let output = infrafix(dir.path(), &["--write", "."]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("lambda-dlq-send-permission") && stderr.contains("the role's properties are empty"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), template);
}

/// A YAML alias that names no anchor before it is an error to every YAML reader, though the
/// grammar takes it: the template is reported and never modified.
#[test]
fn a_template_with_an_undefined_alias_is_reported_and_left_alone() {
    let template = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: go1.x\n      Handler: main\n      Role: *missingRole\n      Code: {S3Bucket: artifacts-bucket, S3Key: fn.zip}\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("template.yaml");
    std::fs::write(&path, template).expect("write");
    let output = infrafix(dir.path(), &["--write", "."]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the YAML alias on line 7 names no anchor before it"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), template);
}
