//! Turning a run's report into what the command prints: the document on stdout (a diff, JSON,
//! SARIF or GitHub annotations), and what a person reads on stderr.

use super::{
    annotations, finding_lines, findings_json, sarif_log, summary_line, summary_text, unified_diff, RepositorySummary,
    RunReport,
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
    /// Files were written: no diff to show.
    pub wrote: bool,
    /// Patches went to files: no diff on stdout either.
    pub patches: bool,
    pub unsafe_fixes: bool,
    /// The per-repository summary to add (batch runs).
    pub repository_summary: Option<&'a [RepositorySummary]>,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

pub fn render(report: &RunReport, options: &RenderOptions) -> Rendered {
    let mut rendered = Rendered::default();
    for notice in &report.notices {
        rendered.stderr.push_str(&format!("{notice}\n"));
    }
    match options.format {
        OutputFormat::Json => rendered.stdout = format!("{:#}\n", findings_json(report.findings())),
        OutputFormat::Sarif => rendered.stdout = format!("{:#}\n", sarif_log(report.findings())),
        OutputFormat::Github => rendered.stdout = annotations(report.findings()),
        OutputFormat::Text => {
            if !options.wrote && !options.patches {
                for file in &report.files {
                    if let Some(change) = &file.change {
                        rendered
                            .stdout
                            .push_str(&unified_diff(&file.path, &change.original, &change.fixed));
                    }
                }
            }
            for line in finding_lines(report.findings(), options.unsafe_fixes, options.wrote) {
                rendered.stderr.push_str(&format!("{line}\n"));
            }
            rendered
                .stderr
                .push_str(&format!("{}\n", summary_line(report.counts(), options.wrote)));
        }
    }
    if let Some(summaries) = options.repository_summary {
        rendered.stderr.push_str(&summary_text(summaries));
    }
    rendered
}
