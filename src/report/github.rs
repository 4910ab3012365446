//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use super::ReportedFinding;

/// `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` lines.
pub fn annotations<'a>(findings: impl Iterator<Item = &'a ReportedFinding>) -> String {
    findings
        .map(|finding| {
            let fix = match finding.applicability() {
                Some(applicability) => format!(
                    " (infrafix --write{} fixes it)",
                    if applicability == crate::fix::Applicability::Unsafe {
                        " --unsafe-fixes"
                    } else {
                        ""
                    }
                ),
                None => String::new(),
            };
            format!(
                "::warning file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&finding.path),
                finding.start.line,
                finding.start.column,
                finding.end.line,
                finding.end.column,
                escape_property(&format!("infrafix {}", finding.rule)),
                escape_data(&format!("{}{fix}", finding.message)),
            )
        })
        .collect()
}

/// The message part may not hold line breaks or `%`, which GitHub reads as escapes.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Properties also may not hold `:` or `,`, which separate them.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_github_reads_as_syntax() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
