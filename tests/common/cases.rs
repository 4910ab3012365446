//! The fixture cases (`fixtures/<rule>/<case>/`) and the findings listing `findings.txt` holds,
//! shared by the tests that run them.

use std::path::{Path, PathBuf};

use super::{fixtures, infrafix, text};

pub struct Case {
    pub dir: PathBuf,
    pub args: Vec<String>,
}

/// Every case under `fixtures/` (but the seed), in a fixed order.
pub fn cases() -> Vec<Case> {
    let mut found = Vec::new();
    let mut folders = vec![fixtures()];
    while let Some(folder) = folders.pop() {
        if folder.join("input").is_dir() {
            found.push(folder);
            continue;
        }
        for entry in std::fs::read_dir(&folder).expect("readable fixtures") {
            let path = entry.expect("entry").path();
            if path.is_dir() && path.file_name().is_some_and(|name| name != "seed") {
                folders.push(path);
            }
        }
    }
    found.sort();
    found
        .into_iter()
        .map(|dir| Case {
            args: case_args(&dir),
            dir,
        })
        .collect()
}

fn case_args(dir: &Path) -> Vec<String> {
    let mut args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .map(|text| text.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if !dir.join("input/infrafix.toml").exists() {
        let config = dir
            .ancestors()
            .map(|folder| folder.join("infrafix.toml"))
            .find(|path| path.is_file());
        if let Some(config) = config {
            args.push("--config".to_owned());
            args.push(config.to_string_lossy().into_owned());
        }
    }
    args
}

impl Case {
    /// `leading`, then the case's own arguments, then the project (the working folder).
    pub fn with_args<'a>(&'a self, leading: &[&'a str]) -> Vec<&'a str> {
        leading
            .iter()
            .copied()
            .chain(self.args.iter().map(String::as_str))
            .chain(["."])
            .collect()
    }

    /// The findings of a run on `project` (the case's input or a copy of it changed), as
    /// `findings.txt` lists them: `path:line:column rule [applicability] message`, one a line.
    pub fn findings_listing(&self, project: &Path) -> String {
        let output = infrafix(project, &self.with_args(&["--format", "json"]));
        let findings: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|error| panic!("{}: JSON output: {error}\n{}", self.dir.display(), text(&output.stderr)));
        let mut lines = String::new();
        let mut constructs = std::collections::HashSet::new();
        for finding in findings.as_array().expect("an array") {
            // One finding per construct, always: a rule never reports one place twice.
            let construct =
                ["path", "line", "column", "end_line", "end_column", "rule"].map(|key| finding[key].to_string());
            assert!(
                constructs.insert(construct),
                "{}: reported twice: {finding}",
                self.dir.display()
            );
            lines.push_str(&format!(
                "{}:{}:{} {} [{}] {}\n",
                finding["path"].as_str().unwrap_or(""),
                finding["line"],
                finding["column"],
                finding["rule"].as_str().unwrap_or(""),
                finding["applicability"].as_str().unwrap_or(""),
                finding["message"].as_str().unwrap_or("")
            ));
        }
        lines
    }
}
