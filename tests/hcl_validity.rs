//! Fixed Terraform must be valid for tools other than infrafix: every `.tf` file of every fixture's
//! expected output (or input, where the fix must change nothing) is parsed by python-hcl2, pinned in
//! tests/hcl/requirements.txt and installed into tests/hcl/.venv when missing, and the resources
//! infrafix edits may hold only the arguments and blocks the AWS provider has
//! (tests/hcl/provider-arguments.toml).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixtures, infrafix, python_environment, repo_root, text};

// The benchmark's Terraform corpus, fixed whole: many fixes meeting in the same modules.
#[allow(dead_code)]
#[path = "../benches/corpus/mod.rs"]
mod corpus;

fn hcl_dir() -> PathBuf {
    repo_root().join("tests/hcl")
}

/// Every `.tf` file the fixtures expect infrafix to leave behind, and whether it must hold only the
/// provider's arguments: a fixed output must, and so must a clean input; an input reported with
/// no fix keeps the mistake it is reported for.
fn expected_terraform_files() -> Vec<(PathBuf, bool)> {
    let mut found = Vec::new();
    let mut folders = vec![fixtures()];
    while let Some(folder) = folders.pop() {
        if folder.join("input").is_dir() {
            let expected = folder.join("expected");
            let (root, valid) = match expected.is_dir() {
                true => (expected, true),
                false => (folder.join("input"), !folder.join("findings.txt").exists()),
            };
            let mut files = Vec::new();
            collect_tf(&root, &mut files);
            found.extend(files.into_iter().map(|file| (file, valid)));
            continue;
        }
        for entry in std::fs::read_dir(&folder).expect("readable fixtures") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            }
        }
    }
    found.sort();
    found
}

fn collect_tf(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("readable fixture") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_tf(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "tf") {
            found.push(path);
        }
    }
}

/// The provider's argument and block names by resource type, meta-arguments included.
fn provider_arguments() -> BTreeMap<String, BTreeSet<String>> {
    let table: toml::Table = std::fs::read_to_string(hcl_dir().join("provider-arguments.toml"))
        .expect("provider-arguments.toml")
        .parse()
        .expect("provider-arguments.toml is TOML");
    let names = |value: &toml::Value| -> BTreeSet<String> {
        value
            .as_array()
            .expect("a list of names")
            .iter()
            .map(|name| name.as_str().expect("a name").to_owned())
            .collect()
    };
    let meta = names(&table["meta"]);
    table["resources"]
        .as_table()
        .expect("[resources]")
        .iter()
        .map(|(kind, arguments)| (kind.clone(), names(arguments).union(&meta).cloned().collect()))
        .collect()
}

/// What is wrong with the files: what python-hcl2 rejects, and arguments the provider lacks in
/// those marked to be checked for them. Also how many provider resources were checked.
fn problems(files: &[(PathBuf, bool)]) -> (Vec<String>, usize) {
    let output = Command::new(python_environment(&hcl_dir()))
        .arg(hcl_dir().join("parse.py"))
        .args(files.iter().map(|(file, _)| file))
        .output()
        .expect("python runs parse.py");
    assert!(output.status.success(), "parse.py failed:\n{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("parse.py prints JSON");
    let known = provider_arguments();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, outcome) in report.as_object().expect("an object by path") {
        if let Some(error) = outcome.get("error") {
            problems.push(format!("{path}: python-hcl2 rejects it: {error}"));
            continue;
        }
        let checks_arguments = files
            .iter()
            .any(|(file, valid)| *valid && file.to_string_lossy() == path.as_str());
        if !checks_arguments {
            continue;
        }
        for resource in outcome["resources"].as_array().expect("resources") {
            let kind = resource["type"].as_str().expect("type");
            let Some(allowed) = known.get(kind) else { continue };
            checked += 1;
            for key in resource["keys"].as_array().expect("keys") {
                let key = key.as_str().expect("key");
                if !allowed.contains(key) {
                    problems.push(format!(
                        "{path}: {kind}.{} has `{key}`, which the provider lacks",
                        resource["name"]
                    ));
                }
            }
        }
    }
    (problems, checked)
}

#[test]
fn fixed_terraform_parses_with_python_hcl2_and_uses_provider_arguments() {
    let files = expected_terraform_files();
    assert!(files.len() >= 8, "only {} Terraform fixture files found", files.len());
    let (problems, checked) = problems(&files);
    assert!(checked >= 10, "only {checked} provider resources checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fixed_terraform_benchmark_corpus_parses_and_uses_provider_arguments() {
    let work = tempfile::tempdir().expect("temp dir");
    corpus::terraform::generate(work.path(), 2, 20);
    let before = common::read_tree(work.path());
    let fixed = infrafix(work.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    let changed = common::files_changed_since(&before, work.path());
    assert!(changed >= 10, "only {changed} files were fixed");
    let again = infrafix(work.path(), &["--check", "--unsafe-fixes", "."]);
    assert!(
        !text(&again.stderr).contains("fix offered"),
        "fixes left after --write:\n{}",
        text(&again.stderr)
    );
    let mut files = Vec::new();
    collect_tf(work.path(), &mut files);
    let files: Vec<(PathBuf, bool)> = files.into_iter().map(|file| (file, true)).collect();
    let (problems, checked) = problems(&files);
    assert!(checked >= 50, "only {checked} provider resources checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_bad_terraform() {
    let work = tempfile::tempdir().expect("temp dir");
    let misplaced = work.path().join("misplaced.tf");
    std::fs::write(
        &misplaced,
        "resource \"aws_lambda_function\" \"f\" {\n  runtime = \"provided.al2023\"\n  throttle_settings {\n    burst_limit = 5\n  }\n}\n",
    )
    .expect("write");
    let broken = work.path().join("broken.tf");
    std::fs::write(&broken, "resource \"aws_lambda_function\" \"f\" {\n  runtime = \n").expect("write");
    let (problems, checked) = problems(&[(misplaced, true), (broken, true)]);
    assert_eq!(checked, 1);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("broken.tf: python-hcl2 rejects it"),
        "{problems:?}"
    );
    assert!(problems[1].contains("`throttle_settings`"), "{problems:?}");
}
