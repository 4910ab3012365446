//! The per-repository summary of a run: files scanned, findings and fixes by rule, files skipped.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{FixStage, RunReport, Severity};
use crate::rules::RuleId;
use crate::workspace::{display_path, repository_of};

#[derive(Debug, Default)]
pub struct RepositorySummary {
    /// The repository's folder; `None` for files in no git repository.
    pub root: Option<PathBuf>,
    pub files_scanned: usize,
    pub findings: BTreeMap<RuleId, usize>,
    /// Findings this run resolves (or, in a dry run, would resolve), with those its own edits
    /// raised and then fixed; `None` for a check, which works no fix out.
    pub fixes: Option<BTreeMap<RuleId, usize>>,
    /// Files left out, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Groups a run's outcome by repository, in path order.
pub fn summarize(report: &RunReport, fixes: FixStage) -> Vec<RepositorySummary> {
    let fixes_counted = fixes != FixStage::Offered;
    let mut repositories = RepositoryLookup::default();
    let mut summaries: BTreeMap<Option<PathBuf>, RepositorySummary> = BTreeMap::new();
    for file in &report.files {
        let summary = summary_of(&mut summaries, repositories.of(&file.file), fixes_counted);
        summary.files_scanned += 1;
        for finding in &file.findings {
            *summary.findings.entry(finding.rule).or_default() += 1;
        }
        if let Some(fixed) = &mut summary.fixes {
            let rules = file
                .findings
                .iter()
                .filter(|finding| finding.fixed)
                .map(|finding| &finding.rule);
            for rule in rules.chain(&file.raised_and_fixed) {
                *fixed.entry(*rule).or_default() += 1;
            }
        }
    }
    for notice in &report.notices {
        let Some(path) = &notice.path else { continue };
        let summary = summary_of(&mut summaries, repositories.of(path), fixes_counted);
        let reason = match notice.severity {
            Severity::Error => format!("error: {}", notice.message),
            Severity::Warning => notice.message.clone(),
        };
        summary.skipped.push((display_path(path), reason));
    }
    summaries.into_values().collect()
}

/// The summary of one repository, begun empty when it is first met.
fn summary_of(
    summaries: &mut BTreeMap<Option<PathBuf>, RepositorySummary>,
    root: Option<PathBuf>,
    fixes_counted: bool,
) -> &mut RepositorySummary {
    summaries.entry(root.clone()).or_insert_with(|| RepositorySummary {
        root,
        fixes: fixes_counted.then(BTreeMap::new),
        ..Default::default()
    })
}

/// Repository lookups, remembered per folder: a batch run asks for thousands of files.
#[derive(Default)]
struct RepositoryLookup {
    by_folder: HashMap<PathBuf, Option<PathBuf>>,
}

impl RepositoryLookup {
    fn of(&mut self, path: &Path) -> Option<PathBuf> {
        let folder = if path.is_dir() {
            path
        } else {
            path.parent().unwrap_or(path)
        };
        self.by_folder
            .entry(folder.to_path_buf())
            .or_insert_with(|| repository_of(folder))
            .clone()
    }
}

fn name(root: &Option<PathBuf>) -> String {
    root.as_deref()
        .map_or_else(|| "(outside any git repository)".to_owned(), display_path)
}

fn counts(by_rule: &BTreeMap<RuleId, usize>) -> String {
    if by_rule.is_empty() {
        return "none".to_owned();
    }
    by_rule
        .iter()
        .map(|(rule, count)| format!("{rule} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary as lines for a person.
pub fn summary_text(summaries: &[RepositorySummary]) -> String {
    let mut text = String::new();
    for summary in summaries {
        let repository = name(&summary.root);
        text.push_str(&format!(
            "{repository}: {} file(s) scanned; findings: {}; fixes: {}; skipped: {}\n",
            summary.files_scanned,
            counts(&summary.findings),
            summary
                .fixes
                .as_ref()
                .map_or_else(|| "not worked out (--check; add --diff)".to_owned(), counts),
            summary.skipped.len()
        ));
        for (path, reason) in &summary.skipped {
            text.push_str(&format!("    skipped {path}: {reason}\n"));
        }
    }
    text
}

/// The summary as JSON (`--summary-json`).
pub fn summary_json(summaries: &[RepositorySummary]) -> Value {
    let by_rule = |counts: &BTreeMap<RuleId, usize>| -> Value {
        counts
            .iter()
            .map(|(rule, count)| (rule.as_str().to_owned(), json!(count)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    Value::Array(
        summaries
            .iter()
            .map(|summary| {
                json!({
                    "repository": summary.root.as_deref().map(display_path),
                    "files_scanned": summary.files_scanned,
                    "findings": by_rule(&summary.findings),
                    "fixes": summary.fixes.as_ref().map(by_rule),
                    "skipped": summary.skipped.iter().map(|(path, reason)| json!({"path": path, "reason": reason})).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
