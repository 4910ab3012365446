//! Helpers shared by the integration tests: fixture folders, temp copies, running the binary.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub mod cases;

/// A project file whose one function runs on `go1.x`: one safe fix for the runtime rule.
pub const GO_FUNCTION: &str = r#"import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const role = new aws.iam.Role("role", { assumeRolePolicy: "{}" });

export const worker = new aws.lambda.Function("worker", {
    runtime: "go1.x",
    handler: "main",
    role: role.arn,
    code: new pulumi.asset.FileArchive("./bin"),
});
"#;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo_root().join("fixtures")
}

/// Every file below `root`, by path relative to it.
pub fn read_tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(root).expect("below root").to_path_buf();
                files.insert(relative, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    files
}

/// Copies every file below `from` to `to`, with its permissions: an executable `bootstrap` in a
/// fixture is part of what the fixture shows.
pub fn copy_tree(from: &Path, to: &Path) {
    for relative in read_tree(from).into_keys() {
        let target = to.join(&relative);
        std::fs::create_dir_all(target.parent().expect("has a folder")).expect("mkdir");
        std::fs::copy(from.join(relative), target).expect("copy");
    }
}

/// How many files under `root` differ from `before` (a `read_tree` of it), new files included.
pub fn files_changed_since(before: &BTreeMap<PathBuf, Vec<u8>>, root: &Path) -> usize {
    read_tree(root)
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .count()
}

/// A temp folder holding a copy of `project`.
pub fn temp_copy(project: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(project, dir.path());
    dir
}

/// Runs infrafix in `cwd` with `args`.
pub fn infrafix(cwd: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("infrafix")
        .expect("binary built")
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("infrafix runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The Python of the virtual environment `folder/.venv`, created with `folder/requirements.txt`
/// (pinned) the first time a test asks: the independent checkers of fixed output (python-hcl2,
/// cfn-lint) install themselves, so a fresh clone needs only python3.
pub fn python_environment(folder: &Path) -> PathBuf {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let venv = folder.join(".venv");
    let python = venv.join("bin/python");
    if !venv.join("installed").exists() {
        run_setup(std::process::Command::new("python3").arg("-m").arg("venv").arg(&venv));
        run_setup(
            std::process::Command::new(&python)
                .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(folder.join("requirements.txt")),
        );
        std::fs::write(venv.join("installed"), "").expect("mark the environment ready");
    }
    python
}

fn run_setup(command: &mut std::process::Command) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("python3 is required for the checks of fixed output: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}
