//! Runs every rule fixture: `fixtures/<rule-id>/<case>/input/` is a project, `expected/` what
//! `infrafix --write` must make of it (no `expected/`: it must stay byte-identical), and
//! `findings.txt` the findings reported on the input (absent: none). An `args` file adds
//! command-line arguments; the nearest `infrafix.toml` above the case is passed with --config
//! unless the input has its own.
//!
//! `INFRAFIX_BLESS=1 cargo test --test fixtures` rewrites `expected/` and `findings.txt` from the
//! tool's output; read every changed line before committing it.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_tree, fixtures, infrafix, read_tree, temp_copy, text};
use infrafix::syntax::{error_count, parse, Dialect};

struct Case {
    dir: PathBuf,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
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

fn with_args<'a>(case: &'a Case, leading: &[&'a str]) -> Vec<&'a str> {
    leading
        .iter()
        .copied()
        .chain(case.args.iter().map(String::as_str))
        .chain(["."])
        .collect()
}

/// `path:line:column rule [applicability] message`, one line per finding.
fn findings_listing(case: &Case) -> String {
    let work = temp_copy(&case.dir.join("input"));
    let output = infrafix(work.path(), &with_args(case, &["--format", "json"]));
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{}: JSON output: {error}\n{}", case.dir.display(), text(&output.stderr)));
    let mut lines = String::new();
    let mut constructs = std::collections::HashSet::new();
    for finding in findings.as_array().expect("an array") {
        // One finding per construct, always: a rule never reports one place twice.
        let construct =
            ["path", "line", "column", "end_line", "end_column", "rule"].map(|key| finding[key].to_string());
        assert!(
            constructs.insert(construct),
            "{}: reported twice: {finding}",
            case.dir.display()
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

fn assert_parses(root: &Path, case: &Case) {
    for (relative, bytes) in read_tree(root) {
        if let Some(dialect) = Dialect::of_path(&relative) {
            let source = text(&bytes);
            let tree = parse(source.trim_start_matches('\u{feff}'), dialect).expect("parses");
            assert_eq!(
                error_count(&tree, source.trim_start_matches('\u{feff}')),
                0,
                "{}: fixed {} has syntax errors",
                case.dir.display(),
                relative.display()
            );
        }
    }
}

#[test]
fn every_fixture_case() {
    let bless = std::env::var_os("INFRAFIX_BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 20, "fixtures not found: only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(failure) = run_case(case, bless) {
            failures.push(format!(
                "{}: {failure}",
                case.dir.strip_prefix(fixtures()).unwrap_or(&case.dir).display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn run_case(case: &Case, bless: bool) -> Result<(), String> {
    let input = case.dir.join("input");
    let expected_dir = case.dir.join("expected");
    let work = temp_copy(&input);
    let output = infrafix(work.path(), &with_args(case, &["--write"]));
    if output.status.code() != Some(0) {
        return Err(format!(
            "--write exited {:?}\n{}",
            output.status.code(),
            text(&output.stderr)
        ));
    }
    let fixed = read_tree(work.path());
    let listing = findings_listing(case);
    if bless {
        let _ = std::fs::remove_dir_all(&expected_dir);
        if fixed != read_tree(&input) {
            copy_tree(work.path(), &expected_dir);
        }
        let findings_file = case.dir.join("findings.txt");
        if listing.is_empty() {
            let _ = std::fs::remove_file(findings_file);
        } else {
            std::fs::write(findings_file, &listing).map_err(|error| error.to_string())?;
        }
    }
    let expected = if expected_dir.is_dir() {
        read_tree(&expected_dir)
    } else {
        read_tree(&input)
    };
    for (path, bytes) in &expected {
        match fixed.get(path) {
            Some(actual) if actual == bytes => {}
            Some(actual) => {
                return Err(format!(
                    "{} differs from expected:\n--- expected\n{}\n--- actual\n{}",
                    path.display(),
                    text(bytes),
                    text(actual)
                ))
            }
            None => return Err(format!("{} is missing after the fix", path.display())),
        }
    }
    if fixed.len() != expected.len() {
        return Err("the fix created or deleted files".to_owned());
    }
    let expected_listing = std::fs::read_to_string(case.dir.join("findings.txt")).unwrap_or_default();
    if listing != expected_listing {
        return Err(format!(
            "findings differ:\n--- expected\n{expected_listing}--- actual\n{listing}"
        ));
    }
    assert_parses(work.path(), case);
    let again = infrafix(work.path(), &with_args(case, &["--write"]));
    if read_tree(work.path()) != fixed || again.status.code() != Some(0) {
        return Err(format!(
            "a second --write changed something or failed\n{}",
            text(&again.stderr)
        ));
    }
    Ok(())
}
