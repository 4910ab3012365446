use super::{FixStage, ReportedFinding, RunCounts};
use crate::fix::Applicability;

/// One line per finding: `path:line:column: rule message [fix]`, made as they are written.
pub fn finding_lines<'a>(
    findings: impl Iterator<Item = &'a ReportedFinding> + 'a,
    unsafe_fixes: bool,
    fixes: FixStage,
) -> impl Iterator<Item = String> + 'a {
    findings.map(move |finding| {
        let fix = match fixes {
            FixStage::Offered => offered_label(finding, unsafe_fixes),
            FixStage::Made | FixStage::Written => made_label(finding, unsafe_fixes, fixes),
        };
        format!(
            "{}:{}:{}: {} {} {fix}",
            finding.path, finding.start.line, finding.start.column, finding.rule, finding.message
        )
    })
}

/// What a check, which makes no fix, can say of a finding: the fix it offers. Whether the fixes
/// together resolve it (one may overlap another, or resolve a finding that offers none) is the
/// dry run's to say.
fn offered_label(finding: &ReportedFinding, unsafe_fixes: bool) -> &'static str {
    match finding.applicability() {
        Some(Applicability::Safe) => "[fix offered: safe]",
        Some(Applicability::Unsafe) if unsafe_fixes => "[fix offered: unsafe]",
        Some(Applicability::Unsafe) => "[fix offered: unsafe; rerun with --unsafe-fixes to apply it]",
        None => "[no fix of its own]",
    }
}

/// What a run that made the fixes says of a finding: whether they resolved it.
fn made_label(finding: &ReportedFinding, unsafe_fixes: bool, fixes: FixStage) -> &'static str {
    match (finding.applicability(), finding.fixed) {
        (Some(_), true) if fixes == FixStage::Written => "[fixed]",
        (Some(Applicability::Safe), true) => "[fix: safe]",
        (Some(Applicability::Unsafe), true) => "[fix: unsafe]",
        (Some(Applicability::Unsafe), false) if !unsafe_fixes => "[fix: unsafe; rerun with --unsafe-fixes to apply it]",
        // Its fix did not go through: a notice says why (the fixes did not settle, a fix was
        // dropped), or another fix took its place.
        (Some(_), false) => "[fix: not applied]",
        (None, true) => "[resolved by another fix]",
        (None, false) => "[no fix]",
    }
}

/// The closing line: how many findings, how many the run fixed (or would fix), what is left, and
/// what the run's own edits raised.
pub fn summary_line(counts: RunCounts, fixes: FixStage) -> String {
    let RunCounts {
        findings,
        offered,
        fixed,
        remaining,
        remaining_raised,
        raised_and_fixed,
    } = counts;
    if findings == 0 && remaining == 0 && raised_and_fixed == 0 {
        return "No findings.".to_owned();
    }
    // A check makes no fix: nothing is fixed, left or raised by one.
    if fixes == FixStage::Offered {
        return format!(
            "{findings} finding(s): {offered} offer a fix this run's settings allow (--diff shows what the fixes do together, --write applies them)."
        );
    }
    let wrote = fixes == FixStage::Written;
    let mut line = match wrote {
        true => format!("{findings} finding(s): {fixed} fixed, {remaining} remaining"),
        false => format!(
            "{findings} finding(s): {fixed} fixable by this run's settings (apply with --write), {remaining} would remain"
        ),
    };
    if remaining_raised > 0 {
        line.push_str(&format!(" ({remaining_raised} of them raised by the fixes)"));
    }
    line.push('.');
    if raised_and_fixed > 0 {
        line.push_str(&match wrote {
            true => format!(" The fixes raised {raised_and_fixed} more, fixed as well."),
            false => format!(" The fixes would raise {raised_and_fixed} more, fixed as well."),
        });
    }
    line
}
