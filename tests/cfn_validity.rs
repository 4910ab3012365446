//! Fixed templates must be valid for cfn-lint, not only parse: every CloudFormation and SAM
//! template a fixture expects infrafix to leave behind is linted with cfn-lint (pinned in
//! tests/cfn/requirements.txt, installed into tests/cfn/.venv when missing). A template whose
//! findings were all fixed, or that had none, must have no error and no deprecated-runtime warning;
//! one that keeps findings infrafix did not fix may keep what cfn-lint said of its input, and
//! nothing more.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixtures, python_environment, repo_root, text};

/// cfn-lint's rules for a runtime that is deprecated or past its end of life.
const DEPRECATED_RUNTIME_RULES: [&str; 3] = ["E2531", "W2531", "W1030"];

/// A fixed template, the input it came from, and whether every finding on the input was fixed.
struct Checked {
    fixed: PathBuf,
    input: PathBuf,
    all_fixed: bool,
}

fn templates() -> Vec<Checked> {
    let mut found = Vec::new();
    let mut folders = vec![fixtures()];
    while let Some(folder) = folders.pop() {
        if folder.join("input").is_dir() {
            let input = folder.join("input");
            let expected = folder.join("expected");
            let findings = std::fs::read_to_string(folder.join("findings.txt")).unwrap_or_default();
            let all_fixed = !findings.contains("[none]") && (findings.is_empty() || expected.is_dir());
            let mut files = Vec::new();
            collect_templates(&input, &mut files);
            for file in files {
                let relative = file.strip_prefix(&input).expect("below the input").to_path_buf();
                let fixed = match expected.is_dir() {
                    true => expected.join(&relative),
                    false => file.clone(),
                };
                found.push(Checked {
                    fixed,
                    input: file,
                    all_fixed,
                });
            }
            continue;
        }
        for entry in std::fs::read_dir(&folder).expect("readable fixtures") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            }
        }
    }
    found.sort_by(|a, b| a.fixed.cmp(&b.fixed));
    found
}

/// The YAML and JSON templates below a folder: files with AWS resources, outside the folders
/// tools generate.
fn collect_templates(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("readable fixture") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, ".aws-sam" | "cdk.out" | ".serverless" | "node_modules") {
                collect_templates(&path, found);
            }
            continue;
        }
        let is_data = [".yaml", ".yml", ".json"].iter().any(|suffix| name.ends_with(suffix));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let has_resources = text.contains("\nResources:") || text.contains("\"Resources\"");
        if is_data && has_resources && text.contains("AWS::") {
            found.push(path);
        }
    }
}

/// What cfn-lint reports on each file: its rule ids, with their messages.
fn lint(files: &[&Path]) -> BTreeMap<PathBuf, BTreeSet<(String, String)>> {
    let cfn_lint = python_environment(&repo_root().join("tests/cfn")).with_file_name("cfn-lint");
    let output = Command::new(cfn_lint)
        .args(["--format", "parseable", "--"])
        .args(files)
        .output()
        .expect("cfn-lint runs");
    // cfn-lint exits non-zero when it reports anything; only a crash prints nothing to stdout.
    assert!(
        output.status.code().is_some_and(|code| code < 32),
        "cfn-lint failed:\n{}",
        text(&output.stderr)
    );
    let mut reported: BTreeMap<PathBuf, BTreeSet<(String, String)>> = BTreeMap::new();
    for line in text(&output.stdout).lines() {
        // path:line:column:end line:end column:RULE:message
        let fields: Vec<&str> = line.splitn(7, ':').collect();
        if let [path, _, _, _, _, rule, message] = fields.as_slice() {
            reported
                .entry(PathBuf::from(path))
                .or_default()
                .insert((rule.to_string(), message.to_string()));
        }
    }
    reported
}

fn problems(templates: &[Checked]) -> Vec<String> {
    let mut files: Vec<&Path> = templates.iter().map(|checked| checked.fixed.as_path()).collect();
    files.extend(templates.iter().map(|checked| checked.input.as_path()));
    files.sort();
    files.dedup();
    let reported = lint(&files);
    let none = BTreeSet::new();
    let mut problems = Vec::new();
    for checked in templates {
        let after = reported.get(&checked.fixed).unwrap_or(&none);
        let before = reported.get(&checked.input).unwrap_or(&none);
        for (rule, message) in after {
            let is_error = rule.starts_with('E') || DEPRECATED_RUNTIME_RULES.contains(&rule.as_str());
            let new = !before.contains(&(rule.clone(), message.clone()));
            if new || (checked.all_fixed && is_error) {
                problems.push(format!("{}: {rule} {message}", checked.fixed.display()));
            }
        }
    }
    problems
}

#[test]
fn fixed_templates_pass_cfn_lint() {
    let templates = templates();
    assert!(templates.len() >= 10, "only {} templates found", templates.len());
    let problems = problems(&templates);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_a_bad_template() {
    let work = tempfile::tempdir().expect("temp dir");
    let input = work.path().join("input.yaml");
    std::fs::write(
        &input,
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: go1.x\n      Handler: main\n      Role: arn:aws:iam::123456789012:role/fn\n      Code: {S3Bucket: artifacts-bucket, S3Key: fn.zip}\n",
    )
    .expect("write");
    let fixed = work.path().join("fixed.yaml");
    std::fs::write(
        &fixed,
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: provided.al2023\n      Handler: bootstrap\n      Role: arn:aws:iam::123456789012:role/fn\n      Code: {S3Bucket: artifacts-bucket, S3Key: fn.zip}\n      ThrottleSettings: {}\n",
    )
    .expect("write");
    let problems = problems(&[
        Checked {
            fixed: fixed.clone(),
            input: input.clone(),
            all_fixed: true,
        },
        Checked {
            fixed: input.clone(),
            input,
            all_fixed: true,
        },
    ]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems.iter().any(|problem| problem.contains("fixed.yaml: E3002")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|problem| problem.contains("input.yaml: E2531")),
        "{problems:?}"
    );
}
