use serde_json::{json, Value};

use super::ReportedFinding;

/// The findings as one JSON array (the `--format json` contract).
pub fn findings_json<'a>(findings: impl Iterator<Item = &'a ReportedFinding>) -> Value {
    Value::Array(
        findings
            .map(|finding| {
                json!({
                    "rule": finding.rule.as_str(),
                    "path": &*finding.path,
                    "line": finding.start.line,
                    "column": finding.start.column,
                    "end_line": finding.end.line,
                    "end_column": finding.end.column,
                    "message": finding.message,
                    "fixable": finding.fix.is_some(),
                    "applicability": finding.applicability().map_or("none", |fix| fix.as_str()),
                    "fixed": finding.fixed,
                })
            })
            .collect(),
    )
}
