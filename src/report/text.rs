use super::ReportedFinding;
use crate::fix::Applicability;

/// One line per finding: `path:line:column: rule message [fix]`.
pub fn finding_lines<'a>(findings: impl Iterator<Item = &'a ReportedFinding>, unsafe_fixes: bool) -> Vec<String> {
    findings
        .map(|finding| {
            let fix = match finding.applicability() {
                Some(Applicability::Safe) => "[fix: safe]",
                Some(Applicability::Unsafe) if unsafe_fixes => "[fix: unsafe]",
                Some(Applicability::Unsafe) => "[fix: unsafe; rerun with --unsafe-fixes to apply it]",
                None => "[no fix]",
            };
            format!(
                "{}:{}:{}: {} {} {fix}",
                finding.path, finding.start.line, finding.start.column, finding.rule, finding.message
            )
        })
        .collect()
}

/// The closing line: how many findings, how many the run fixed (or would fix), what is left.
pub fn summary_line(findings: usize, remaining: usize, wrote: bool) -> String {
    let fixed = findings.saturating_sub(remaining);
    match (findings, wrote) {
        (0, _) => "No findings.".to_owned(),
        (_, true) => format!("{findings} finding(s): {fixed} fixed, {remaining} remaining."),
        (_, false) => format!("{findings} finding(s): {fixed} fixable by this run's settings (apply with --write), {remaining} would remain."),
    }
}
