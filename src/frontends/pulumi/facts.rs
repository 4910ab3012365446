//! What the model reads off one file's text, kept with the file while its text does not change:
//! the fixpoint rebuilds the model after every pass, but a file no fix touched gives the same
//! answers, so its tables are read once per run instead of once per pass. Every table is filled
//! the first time a question needs it, and holds names and byte offsets only (no syntax nodes).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::calls::CallIndex;
use super::edits::NameCounts;
use super::exports::ExportTable;
use super::scope::FileScopes;
use crate::style::Style;

#[derive(Default)]
pub struct FileFacts {
    /// Its top-level variables (see `scope::top_level_table`).
    pub(super) top_level: OnceCell<HashMap<String, (usize, bool)>>,
    /// Its scopes: what each name is bound to, and every name it declares.
    pub(super) scopes: OnceCell<FileScopes>,
    /// How many identifiers spell each name, and how many variables declare it.
    pub(super) name_counts: OnceCell<NameCounts>,
    /// What it exports.
    pub(super) exports: OnceCell<ExportTable>,
    /// Its calls by callee name.
    pub(super) calls: OnceCell<CallIndex>,
    /// Its layout, for code inserted into it.
    pub(super) style: OnceCell<Style>,
    /// The members of each object literal asked about, by the object's start: rules ask one
    /// arguments object for many properties, and the same ones on every pass.
    pub(super) object_members: RefCell<HashMap<usize, Rc<[ObjectMember]>>>,
}

/// One member of an object literal: what it sets, and where it stands among the object's named
/// children.
#[derive(Debug)]
pub(super) struct ObjectMember {
    pub(super) index: usize,
    pub(super) kind: MemberKind,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum MemberKind {
    /// `key: value` or `"key": value`.
    Pair(String),
    /// `{ key }`.
    Shorthand(String),
    /// `...spread`.
    Spread,
    /// A method, a computed key, a comment: sets nothing infrafix can name.
    Other,
}
