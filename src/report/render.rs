//! Turning a run's report into what the command prints: the document on stdout (a diff, JSON,
//! SARIF or GitHub annotations), and what a person reads on stderr.

use std::io::Write;

use super::{
    annotations, finding_lines, findings_json, sarif_log, summary_line, summary_text, unified_diff, FixStage,
    RepositorySummary, RunReport,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    pub format: OutputFormat,
    /// How far the run took the fixes: only a dry run has a diff to show.
    pub fixes: FixStage,
    /// Patches went to files: no diff on stdout either.
    pub patches: bool,
    pub unsafe_fixes: bool,
    /// The per-repository summary to add (batch runs).
    pub repository_summary: Option<&'a [RepositorySummary]>,
}

/// Writes what a run prints: the document to `stdout`, then notices, findings and summaries to
/// `stderr`. The diff and the finding lines are written as they are made, file by file, so that a
/// run over thousands of files never holds them whole (JSON, SARIF and annotations are built as
/// one document first).
pub fn render(
    report: &RunReport,
    options: &RenderOptions,
    stdout: &mut impl Write,
    stderr: &mut impl Write,
) -> std::io::Result<()> {
    // The whole document first, as one block before anything on stderr: where both streams go
    // to one log, the diff is not cut by findings.
    match options.format {
        OutputFormat::Json => writeln!(stdout, "{:#}", findings_json(report.findings()))?,
        OutputFormat::Sarif => writeln!(stdout, "{:#}", sarif_log(report.findings()))?,
        OutputFormat::Github => stdout.write_all(annotations(report.findings()).as_bytes())?,
        OutputFormat::Text => {
            if options.fixes == FixStage::Made && !options.patches {
                for file in &report.files {
                    if let Some(change) = &file.change {
                        stdout.write_all(unified_diff(&file.path, &change.hunks).as_bytes())?;
                    }
                }
            }
        }
    }
    stdout.flush()?;
    for notice in &report.notices {
        writeln!(stderr, "{notice}")?;
    }
    if options.format == OutputFormat::Text {
        for line in finding_lines(report.findings(), options.unsafe_fixes, options.fixes) {
            writeln!(stderr, "{line}")?;
        }
        writeln!(
            stderr,
            "{}",
            summary_line(report.counts(options.unsafe_fixes), options.fixes)
        )?;
    }
    if let Some(summaries) = options.repository_summary {
        stderr.write_all(summary_text(summaries).as_bytes())?;
    }
    stderr.flush()
}
