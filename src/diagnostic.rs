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
}
