//! `--format sarif`: a SARIF 2.1.0 log, with each fix as SARIF `fixes` (replacements in the files
//! as read), for code-scanning dashboards.

use serde_json::{json, Value};

use super::{ReportedEdit, ReportedFinding};
use crate::fix::Applicability;
use crate::rules::RuleId;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn sarif_log<'a>(findings: impl Iterator<Item = &'a ReportedFinding>) -> Value {
    let rules: Vec<Value> = RuleId::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.as_str(),
                "shortDescription": { "text": rule.summary() },
                "fullDescription": { "text": rule.summary() },
                "help": { "text": rule.documentation(), "markdown": rule.documentation() },
                "defaultConfiguration": { "level": "error" },
                "properties": { "fix": rule.fix_applicability() },
            })
        })
        .collect();
    let results: Vec<Value> = findings.map(result).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "infrafix",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            // Columns count characters, as in every other output of infrafix.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn result(finding: &ReportedFinding) -> Value {
    let rule_index = RuleId::ALL.iter().position(|rule| *rule == finding.rule).unwrap_or(0);
    let mut result = json!({
        "ruleId": finding.rule.as_str(),
        "ruleIndex": rule_index,
        "level": "error",
        "message": { "text": finding.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": &*finding.path },
            "region": region(finding.start, finding.end),
        } }],
        // Whether this run resolved it (with --write) or would (in a dry run).
        "properties": { "fixed": finding.fixed },
    });
    if let Some(fix) = &finding.fix {
        let description = match fix.applicability {
            Applicability::Safe => "safe fix (infrafix --write)",
            Applicability::Unsafe => "unsafe fix (infrafix --write --unsafe-fixes)",
        };
        result["fixes"] =
            json!([{ "description": { "text": description }, "artifactChanges": artifact_changes(&fix.edits) }]);
    }
    result
}

/// One change per file, its replacements in order.
fn artifact_changes(edits: &[ReportedEdit]) -> Vec<Value> {
    let mut paths: Vec<&str> = edits.iter().map(|edit| edit.path.as_str()).collect();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| {
            let replacements: Vec<Value> = edits
                .iter()
                .filter(|edit| edit.path == path)
                .map(|edit| json!({ "deletedRegion": region(edit.start, edit.end), "insertedContent": { "text": edit.replacement } }))
                .collect();
            json!({ "artifactLocation": { "uri": path }, "replacements": replacements })
        })
        .collect()
}

fn region(start: crate::source::LineColumn, end: crate::source::LineColumn) -> Value {
    json!({ "startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column })
}
