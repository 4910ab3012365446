//! Fix intents: what a rule wants changed, said in the graph's terms. The front end that built the
//! graph turns each plan into edits.

use super::Site;
use crate::fix::Applicability;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Write this number in place of the one written at `at`.
    SetNumber { at: Site, value: i128 },
}

/// The intents that resolve one finding, carried out together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixPlan {
    pub intents: Vec<Intent>,
    pub applicability: Applicability,
}
