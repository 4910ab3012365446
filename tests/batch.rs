//! Batch mode over many repositories: `--patch-dir`, the per-repository summary, progress output.

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_tree, infrafix, text, GO_FUNCTION};

fn git(repository: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(repository)
        .output()
        .expect("git runs")
}

/// A git repository holding a Pulumi project with `source` as its index.ts.
fn repository(root: &Path, folder: &str, source: &str) {
    let repository = root.join(folder);
    std::fs::create_dir_all(repository.join("infra")).expect("mkdir");
    std::fs::write(repository.join("infra/Pulumi.yaml"), "name: svc\nruntime: nodejs\n").expect("write");
    std::fs::write(repository.join("infra/index.ts"), source).expect("write");
    assert!(git(&repository, &["init", "-q", "."]).status.success());
}

fn three_repositories() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    repository(
        dir.path(),
        "repos/clean",
        &GO_FUNCTION
            .replace("\"go1.x\"", "\"provided.al2023\"")
            .replace("\"main\"", "\"bootstrap\""),
    );
    repository(dir.path(), "repos/orders", GO_FUNCTION);
    // Same folder name as the one above: its patch needs a name of its own.
    repository(
        dir.path(),
        "repos/team-b/orders",
        &GO_FUNCTION.replace("worker", "billing"),
    );
    dir
}

#[test]
fn patch_dir_writes_one_git_apply_able_patch_per_repository_with_fixes() {
    let batch = three_repositories();
    let output = infrafix(batch.path(), &["--patch-dir", "patches", "repos"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty(), "patches go to files, not stdout");
    let mut patches: Vec<String> = std::fs::read_dir(batch.path().join("patches"))
        .expect("patch folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    patches.sort();
    assert_eq!(patches, vec!["orders-2.patch", "orders.patch"]);

    let written = tempfile::tempdir().expect("temp dir");
    copy_tree(&batch.path().join("repos"), written.path());
    assert_eq!(infrafix(written.path(), &["--write", "."]).status.code(), Some(0));

    for (patch, repository) in [
        ("orders.patch", "repos/orders"),
        ("orders-2.patch", "repos/team-b/orders"),
    ] {
        let patch = batch.path().join("patches").join(patch);
        let repository = batch.path().join(repository);
        let patch_text = std::fs::read_to_string(&patch).expect("patch");
        let belongs_to = format!(
            "# infrafix: patch for {}\n",
            repository.strip_prefix(batch.path()).expect("inside").display()
        );
        assert!(patch_text.starts_with(&belongs_to), "{patch_text}");
        assert!(
            patch_text.contains("\n--- a/infra/index.ts\n+++ b/infra/index.ts\n"),
            "paths relative to the repository: {patch_text}"
        );
        let check = git(&repository, &["apply", "--check", &patch.to_string_lossy()]);
        assert!(check.status.success(), "git apply --check: {}", text(&check.stderr));
        assert!(git(&repository, &["apply", &patch.to_string_lossy()]).status.success());
    }
    for file in [
        "orders/infra/index.ts",
        "team-b/orders/infra/index.ts",
        "clean/infra/index.ts",
    ] {
        let applied = std::fs::read(batch.path().join("repos").join(file)).expect("read");
        let by_write = std::fs::read(written.path().join(file)).expect("read");
        assert_eq!(applied, by_write, "{file}: the patch gives what --write gives");
    }
}

#[test]
fn summary_per_repository_on_stderr_and_as_json() {
    let batch = three_repositories();
    std::fs::write(
        batch.path().join("repos/orders/infra/broken.ts"),
        "import * as aws from \"@pulumi/aws\";\nconst = ;\n",
    )
    .expect("write");
    let output = infrafix(batch.path(), &["--summary-json", "summary.json", "repos"]);
    assert_eq!(output.status.code(), Some(2), "the broken file is an error");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("repos/clean: 1 file(s) scanned; findings: none; fixes: none; skipped: 0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("repos/orders: 1 file(s) scanned; findings: lambda-deprecated-runtime 1; fixes: lambda-deprecated-runtime 1; skipped: 1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped repos/orders/infra/broken.ts: error: syntax error"),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.path().join("summary.json")).expect("summary written"))
            .expect("JSON");
    let repositories: Vec<&str> = summary
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["repository"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(repositories, vec!["repos/clean", "repos/orders", "repos/team-b/orders"]);
    assert_eq!(summary[1]["findings"]["lambda-deprecated-runtime"], 1);
    assert_eq!(summary[1]["skipped"][0]["path"], "repos/orders/infra/broken.ts");
}

/// A check works out no fix, so its summary counts findings and says that fixes were not
/// counted, rather than that there are none.
#[test]
fn a_check_summary_does_not_claim_there_are_no_fixes() {
    let batch = three_repositories();
    let output = infrafix(batch.path(), &["--check", "--summary-json", "summary.json", "repos"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("repos/orders: 1 file(s) scanned; findings: lambda-deprecated-runtime 1; fixes: not worked out (--check; add --diff); skipped: 0"),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.path().join("summary.json")).expect("summary written"))
            .expect("JSON");
    assert_eq!(summary[1]["findings"]["lambda-deprecated-runtime"], 1, "{summary:#}");
    assert!(summary[1]["fixes"].is_null(), "{summary:#}");
    let with_diff = infrafix(batch.path(), &["--check", "--diff", "repos"]);
    assert!(
        text(&with_diff.stderr).contains("fixes: lambda-deprecated-runtime 1;"),
        "{}",
        text(&with_diff.stderr)
    );
}

#[test]
fn no_progress_bar_in_pipes() {
    let dir = tempfile::tempdir().expect("temp dir");
    for index in 0..30 {
        repository(dir.path(), &format!("repos/service-{index:02}"), GO_FUNCTION);
    }
    let output = infrafix(dir.path(), &["--check", "repos"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        !stderr.contains('\r') && !stderr.contains("projects"),
        "no bar when stderr is a pipe: {stderr}"
    );
}

#[test]
fn mixed_language_repositories_are_fixed_once_and_nothing_else_is_touched() {
    let batch = three_repositories();
    let repository = batch.path().join("repos/orders");
    let terraform = "resource \"aws_lambda_function\" \"legacy\" {\n  function_name = \"legacy\"\n  runtime       = \"go1.x\"\n  handler       = \"main\"\n}\n";
    let untouched = [
        ("deploy/terraform/terraform.tfvars", "runtime = \"go1.x\"\n"),
        ("deploy/terraform/.terraform/modules/x/main.tf", terraform),
        ("app/handler.ts", "export const runtime = \"go1.x\";\n"),
        ("README.md", "Runs on `go1.x`.\n"),
    ];
    for (file, content) in untouched.iter().chain([&("deploy/terraform/main.tf", terraform)]) {
        let path = repository.join(file);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    let output = infrafix(batch.path(), &["--patch-dir", "patches", "repos"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let patch = std::fs::read_to_string(batch.path().join("patches/orders.patch")).expect("patch");
    assert!(patch.contains("+++ b/deploy/terraform/main.tf"), "{patch}");
    assert!(patch.contains("+++ b/infra/index.ts"), "{patch}");

    assert_eq!(infrafix(batch.path(), &["--write", "repos"]).status.code(), Some(0));
    let fixed = std::fs::read_to_string(repository.join("deploy/terraform/main.tf")).expect("read");
    assert!(
        fixed.contains("runtime       = \"provided.al2023\"\n  handler       = \"bootstrap\""),
        "{fixed}"
    );
    for (file, content) in untouched {
        assert_eq!(
            std::fs::read_to_string(repository.join(file)).expect("read"),
            content,
            "{file}"
        );
    }
    let second = infrafix(batch.path(), &["--write", "--check", "repos"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert_eq!(
        std::fs::read_to_string(repository.join("deploy/terraform/main.tf")).expect("read"),
        fixed
    );
}

/// Repositories in every language infrafix reads, beside files it must never touch: a run fixes
/// the infrastructure, a second run changes nothing, and the other files stay byte for byte.
#[test]
fn templates_and_services_in_a_batch_are_fixed_once_and_nothing_else_is_touched() {
    let fixtures = common::fixtures();
    let dir = tempfile::tempdir().expect("temp dir");
    let repos = dir.path().join("repos");
    for (case, repository) in [
        ("lambda-deprecated-runtime/terraform-literal-go/input", "terraform"),
        ("lambda-deprecated-runtime/sam-globals-and-build-method/input", "sam"),
        (
            "lambda-deprecated-runtime/serverless-provider-runtime-and-variables/input",
            "serverless",
        ),
        (
            "lambda-deprecated-runtime/cloudformation-json-handler-and-layer/input",
            "cloudformation",
        ),
        (
            "lambda-deprecated-runtime/cloudformation-files-that-are-not-templates/input",
            "not-infrastructure",
        ),
    ] {
        copy_tree(&fixtures.join(case), &repos.join(repository));
    }
    repository(dir.path(), "repos/pulumi", GO_FUNCTION);
    let untouched = [
        "not-infrastructure/buildspec.yml",
        "not-infrastructure/openapi.json",
        "not-infrastructure/package.json",
        "not-infrastructure/.aws-sam/build/template.yaml",
        "pulumi/infra/Pulumi.yaml",
        "sam/functions/.keep",
    ];
    std::fs::create_dir_all(repos.join("sam/functions")).expect("mkdir");
    std::fs::write(repos.join("sam/functions/.keep"), "").expect("write");
    let before: Vec<Vec<u8>> = untouched
        .iter()
        .map(|file| std::fs::read(repos.join(file)).expect("read"))
        .collect();
    let first = infrafix(dir.path(), &["--write", "--unsafe-fixes", "repos"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let fixed = common::read_tree(&repos);
    for (repository, file, fixed_runtime) in [
        ("terraform", "main.tf", "\"provided.al2023\""),
        ("sam", "template.yaml", "Runtime: provided.al2023"),
        ("serverless", "serverless.yml", "goRuntime: provided.al2023"),
        (
            "cloudformation",
            "stack.template.json",
            "\"Runtime\": \"provided.al2023\"",
        ),
        ("pulumi", "infra/index.ts", "\"provided.al2023\""),
    ] {
        let text = std::fs::read_to_string(repos.join(repository).join(file)).expect("read");
        assert!(text.contains(fixed_runtime), "{repository} not fixed:\n{text}");
    }
    let second = infrafix(dir.path(), &["--write", "--unsafe-fixes", "repos"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert_eq!(common::read_tree(&repos), fixed, "a second run changes nothing");
    for (file, bytes) in untouched.iter().zip(before) {
        assert_eq!(std::fs::read(repos.join(file)).expect("read"), bytes, "{file} changed");
    }
}
