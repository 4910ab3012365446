//! What a rule reports: a finding at a place in a file, with the fix that resolves it when one exists.

use std::ops::Range;

use crate::fix::Fix;
use crate::rules::RuleId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    /// Index of the file in its project.
    pub file: usize,
    /// Byte range the finding points at.
    pub range: Range<usize>,
    /// What is wrong; when there is no fix, also why not.
    pub message: String,
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(rule: RuleId, file: usize, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            rule,
            file,
            range,
            message: message.into(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Says why there is no fix, in the one wording every rule uses; the finding keeps no fix.
    pub fn not_fixed(mut self, reason: &str) -> Self {
        self.message.push_str(&format!(" Not fixed: {reason}."));
        self.fix = None;
        self
    }

    /// The fix of a grant to a role with a permissions boundary, `boundary` as the program writes
    /// it, or the reason there is none: the boundary, which infrafix does not read, may not allow
    /// what the grant adds, so the fix is unsafe and says why.
    pub fn with_outcome_within(self, outcome: Result<Fix, String>, boundary: Option<&str>) -> Self {
        match (outcome, boundary) {
            (Ok(fix), Some(boundary)) => {
                let mut finding = self.with_fix(Fix::unsafe_edits(fix.edits));
                finding.message.push_str(&format!(
                    " The fix is unsafe: the role's permissions boundary ({boundary}) may not allow what it grants, and infrafix does not read it."
                ));
                finding
            }
            (outcome, _) => self.with_outcome(outcome),
        }
    }

    /// The fix, or the reason there is none.
    pub fn with_outcome(self, outcome: Result<Fix, String>) -> Self {
        match outcome {
            Ok(fix) => self.with_fix(fix),
            Err(reason) => self.not_fixed(&reason),
        }
    }
}
