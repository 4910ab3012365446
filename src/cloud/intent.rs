//! Fix intents: what a rule wants changed, said in the graph's terms. The front end that built the
//! graph turns each plan into edits.

use super::Site;
use crate::fix::Applicability;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Write this number in place of the one written at `at`.
    SetNumber { at: Site, value: i128 },
    /// Write this text as the content of the string written at `at`.
    SetString { at: Site, value: String },
    /// Name the runtime `successor` (an id) where each of `sites` names a deprecated one: the
    /// places one value is written (a const and its uses through an imported name), changed together.
    ReplaceRuntime { sites: Vec<Site>, successor: String },
    /// Take `entry` out of its list; `written` is where the runtime it names is written.
    RemoveListEntry { entry: Site, written: Site },
    /// Give a function the handler `handler`, written beside its runtime setting at `beside`.
    AddHandler { beside: Site, handler: String },
}

/// The intents that resolve one finding, carried out together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixPlan {
    pub intents: Vec<Intent>,
    pub applicability: Applicability,
}
