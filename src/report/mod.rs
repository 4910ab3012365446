//! What a run found and did, and the ways of printing it: unified diff, JSON, text.

mod diff;
mod github;
mod json;
mod patches;
mod render;
mod sarif;
mod summary;
mod text;

pub use diff::{diff_hunks, unified_diff};
pub use github::annotations;
pub use json::findings_json;
pub use patches::write_patches;
pub use render::{render, OutputFormat, RenderOptions};
pub use sarif::sarif_log;
pub use summary::{summarize, summary_json, summary_text, RepositorySummary};
pub use text::{finding_lines, summary_line};

use std::path::PathBuf;

use crate::fix::Applicability;
use crate::rules::RuleId;
use crate::source::LineColumn;
use crate::workspace::display_path;

/// Something the user should know that is not a finding: a skipped file, a parse error, a write
/// that was refused. Errors make the exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    /// The file or folder it is about, as found on disk.
    pub path: Option<PathBuf>,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Notice {
    pub fn error(path: impl Into<Option<PathBuf>>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(path: impl Into<Option<PathBuf>>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.path {
            Some(path) => write!(formatter, "infrafix: {label}: {}: {}", display_path(path), self.message),
            None => write!(formatter, "infrafix: {label}: {}", self.message),
        }
    }
}

/// A finding as reported, with its position resolved against the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedFinding {
    pub rule: RuleId,
    /// Shared by the findings of one file: a run keeps every finding to its end.
    pub path: std::sync::Arc<str>,
    pub start: LineColumn,
    pub end: LineColumn,
    pub message: String,
    /// Its fix, when it has one.
    pub fix: Option<ReportedFix>,
    /// The run resolved it: the written texts (in a dry run, the diff) no longer have it.
    pub fixed: bool,
}

impl ReportedFinding {
    pub fn applicability(&self) -> Option<Applicability> {
        self.fix.as_ref().map(|fix| fix.applicability)
    }

    /// It has a fix that a run with these settings applies.
    pub fn fix_allowed(&self, unsafe_fixes: bool) -> bool {
        match self.applicability() {
            Some(Applicability::Safe) => true,
            Some(Applicability::Unsafe) => unsafe_fixes,
            None => false,
        }
    }
}

/// A fix as reported: its edits, positioned in the texts as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedFix {
    pub applicability: Applicability,
    pub edits: Vec<ReportedEdit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedEdit {
    pub path: String,
    pub start: LineColumn,
    pub end: LineColumn,
    pub replacement: String,
}

/// One file's outcome.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// How the file is shown.
    pub path: String,
    /// Where it is on disk.
    pub file: PathBuf,
    /// What fixes changed in it, if anything.
    pub change: Option<FileChange>,
    pub findings: Vec<ReportedFinding>,
    /// How many findings are still pending on the fixed text.
    pub remaining: usize,
    /// How many of those the run's own edits raised (they are not in the text as read).
    pub remaining_raised: usize,
    /// The rules of findings the run's own edits raised in this file and then fixed.
    pub raised_and_fixed: Vec<RuleId>,
}

#[derive(Debug, Clone)]
pub struct FileChange {
    /// The hunks of the diff from the file as read (with its byte-order mark) to the file as
    /// fixed, when the run prints diffs (`RunOptions::report_diffs`; empty otherwise). Only these
    /// are kept, not the texts, so a run over thousands of files holds little.
    pub hunks: String,
    /// The fixed text, kept only when the run was asked for it (`Mode::Buffer`).
    pub fixed: Option<String>,
}

/// How far a run took the fixes, which decides what its report can say of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixStage {
    /// A check: each finding's fix is offered, none is made.
    Offered,
    /// A dry run: the fixes were made in memory; the diff shows them.
    Made,
    /// The fixed files were written.
    Written,
}

/// Everything a run produced, in a stable order.
#[derive(Debug, Default)]
pub struct RunReport {
    pub files: Vec<FileOutcome>,
    pub notices: Vec<Notice>,
}

impl RunReport {
    pub fn has_errors(&self) -> bool {
        self.notices.iter().any(|notice| notice.severity == Severity::Error)
    }

    pub fn findings(&self) -> impl Iterator<Item = &ReportedFinding> {
        self.files.iter().flat_map(|file| file.findings.iter())
    }

    pub fn remaining(&self) -> usize {
        self.files.iter().map(|file| file.remaining).sum()
    }

    /// The run's counts, every one from what the run resolved and left.
    pub fn counts(&self, unsafe_fixes: bool) -> RunCounts {
        RunCounts {
            findings: self.findings().count(),
            offered: self
                .findings()
                .filter(|finding| finding.fix_allowed(unsafe_fixes))
                .count(),
            fixed: self.findings().filter(|finding| finding.fixed).count(),
            remaining: self.remaining(),
            remaining_raised: self.files.iter().map(|file| file.remaining_raised).sum(),
            raised_and_fixed: self.files.iter().map(|file| file.raised_and_fixed.len()).sum(),
        }
    }
}

/// What a run's closing line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCounts {
    /// Findings in the texts as read.
    pub findings: usize,
    /// Of those, the ones with a fix the run's settings allow (whether or not the run made it).
    pub offered: usize,
    /// Of those, the ones the run resolved.
    pub fixed: usize,
    /// Findings in the fixed texts.
    pub remaining: usize,
    /// Of those, the ones the run's own edits raised.
    pub remaining_raised: usize,
    /// Findings the run's own edits raised and then fixed.
    pub raised_and_fixed: usize,
}
