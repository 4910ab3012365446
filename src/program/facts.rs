//! What the model reads off one file's text, kept with the file while its text does not change:
//! the fixpoint rebuilds the model after every pass, but a file no fix touched gives the same
//! answers, so its tables are read once per run instead of once per pass. Every table is filled
//! the first time a question needs it, and holds names and byte offsets only (no syntax nodes).

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::calls::CallIndex;
use super::edits::NameCounts;
use super::exports::ExportTable;
use crate::style::Style;

#[derive(Default)]
pub struct FileFacts {
    /// Every name the file declares anywhere (see `scope::declared_names`).
    pub(super) declared_names: OnceCell<HashSet<String>>,
    /// Its top-level variables (see `scope::top_level_table`).
    pub(super) top_level: OnceCell<HashMap<String, (usize, bool)>>,
    /// How many identifiers spell each name, and how many variables declare it.
    pub(super) name_counts: OnceCell<NameCounts>,
    /// What it exports.
    pub(super) exports: OnceCell<ExportTable>,
    /// Its calls by callee name.
    pub(super) calls: OnceCell<CallIndex>,
    /// Its layout, for code inserted into it.
    pub(super) style: OnceCell<Style>,
}
