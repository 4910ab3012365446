//! The CI output formats: SARIF (validated against the official schema) and GitHub annotations.

mod common;

use common::{fixtures, infrafix, repo_root, temp_copy, text};

#[test]
fn sarif_output_follows_the_official_schema_and_carries_fixes() {
    let work = temp_copy(&fixtures().join("seed"));
    let output = infrafix(work.path(), &["--format", "sarif", "--unsafe-fixes", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is only the SARIF log");
    let schema_text =
        std::fs::read_to_string(repo_root().join("tests/sarif/sarif-schema-2.1.0.json")).expect("schema shipped");
    // The schema's `language` pattern has a stray `]` that the validator's check of the schema
    // itself rejects (OASIS later corrected it). infrafix writes no `language`, so the pattern is
    // replaced by its corrected form and everything else is validated as published.
    let broken_pattern = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(
        schema_text.contains(broken_pattern),
        "the shipped schema changed: revisit this test"
    );
    let schema_text = schema_text.replace(broken_pattern, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF log does not follow the schema:\n{}",
        errors.join("\n")
    );
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken), "the validation can fail");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 14);
    let runtime = results
        .iter()
        .find(|r| r["ruleId"] == "lambda-deprecated-runtime")
        .expect("runtime finding");
    let replacement = &runtime["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "CustomAL2023");
    assert_eq!(
        runtime["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "index.ts"
    );
}

#[test]
fn github_format_prints_one_workflow_annotation_per_finding() {
    let work = temp_copy(&fixtures().join("seed"));
    let output = infrafix(work.path(), &["--format", "github", "--check", "."]);
    assert_eq!(output.status.code(), Some(1), "findings pending");
    let annotations = text(&output.stdout);
    let lines: Vec<&str> = annotations.lines().collect();
    assert_eq!(lines.len(), 14, "{annotations}");
    assert!(
        lines
            .iter()
            .all(|line| line.starts_with("::warning file=index.ts,line=")),
        "{annotations}"
    );
    let runtime = lines
        .iter()
        .find(|line| line.contains("title=infrafix lambda-deprecated-runtime::"))
        .expect("runtime annotation");
    assert!(runtime.contains(",col=18,endLine=57,endColumn=42,"), "{runtime}");
    assert!(runtime.ends_with("(infrafix --write fixes it)"), "{runtime}");
}
