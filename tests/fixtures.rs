//! Runs every rule fixture: `fixtures/<rule-id>/<case>/input/` is a project, `expected/` what
//! `infrafix --write` must make of it (no `expected/`: it must stay byte-identical), and
//! `findings.txt` the findings reported on the input (absent: none). An `args` file adds
//! command-line arguments; the nearest `infrafix.toml` above the case is passed with --config
//! unless the input has its own.
//!
//! `INFRAFIX_BLESS=1 cargo test --test fixtures` rewrites `expected/` and `findings.txt` from the
//! tool's output; read every changed line before committing it.

mod common;

use std::path::Path;

use common::cases::{cases, Case};
use common::{copy_tree, fixtures, infrafix, read_tree, temp_copy, text};
use infrafix::syntax::{error_count, parse, Dialect};

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
    let output = infrafix(work.path(), &case.with_args(&["--write"]));
    if output.status.code() != Some(0) {
        return Err(format!(
            "--write exited {:?}\n{}",
            output.status.code(),
            text(&output.stderr)
        ));
    }
    let fixed = read_tree(work.path());
    let listing = case.findings_listing(temp_copy(&input).path());
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
    let again = infrafix(work.path(), &case.with_args(&["--write"]));
    if read_tree(work.path()) != fixed || again.status.code() != Some(0) {
        return Err(format!(
            "a second --write changed something or failed\n{}",
            text(&again.stderr)
        ));
    }
    Ok(())
}
