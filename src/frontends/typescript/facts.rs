//! What the model reads off one file's text, kept with the file while its text does not change:
//! the fixpoint rebuilds the model after every pass, but a file no fix touched gives the same
//! answers, so its tables are read once per run instead of once per pass. Every table is filled
//! the first time a question needs it, and holds names and byte offsets only (no syntax nodes).

use foldhash::HashMap;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use tree_sitter::{Node, Tree};

use super::calls::CallIndex;
use super::edits::NameCounts;
use super::exports::{DeclarationTable, ExportTable};
use super::scope::{FileScopes, ScopeReader, TopLevelTable};
use crate::style::{Style, StyleVotes};
use crate::syntax::{preorder, ScanMatch};

#[derive(Default)]
pub struct FileFacts {
    /// Its top-level variables (see `scope::top_level_table`).
    pub(super) top_level: OnceCell<TopLevelTable>,
    /// Its names, calls and layout (see `read_file`).
    pub(super) names: OnceCell<NameFacts>,
    /// What it exports.
    pub(super) exports: OnceCell<ExportTable>,
    /// Its top-level functions and classes (see `exports::read_declarations`).
    pub(super) declarations: OnceCell<DeclarationTable>,
    /// Whether it is an ES module (see `cross_module::is_es_module`).
    pub(super) es_module: OnceCell<bool>,
    /// Where a new import statement goes (see `cross_module::new_import_point`).
    pub(super) import_point: OnceCell<Option<usize>>,
    /// The members of each object literal asked about, by the object's start: rules ask one
    /// arguments object for many properties, and the same ones on every pass.
    pub(super) object_members: RefCell<HashMap<usize, Rc<[ObjectMember]>>>,
    /// The layout the file was written in, once read: a file a fix changed keeps it, since the
    /// code fixes insert follows it already and would only vote for itself.
    written_style: Option<Style>,
    /// The project file each module specifier it imports names. Only the file's path and the
    /// project's files decide that, so a file a fix changed keeps them.
    pub(super) resolved_modules: RefCell<HashMap<String, Option<usize>>>,
}

impl FileFacts {
    /// The one walk over a file's tree: keeps its name tables and returns the constructs the model
    /// starts from. Tables already read (the file did not change) are kept.
    pub fn read<'tree>(&self, tree: &'tree Tree, text: &str) -> Vec<ScanMatch<'tree>> {
        let (names, constructs) = read_file(tree.root_node(), text, self.written_style.as_ref());
        if self.names.get().is_none() {
            let _ = self.names.set(names);
        }
        constructs
    }

    /// The facts of the file's next text, after a fix changed it: all to be read again but its
    /// layout and where its imports lead.
    pub fn for_changed_text(&self) -> Self {
        let written_style = self
            .names
            .get()
            .map(|names| &names.style)
            .or(self.written_style.as_ref());
        Self {
            written_style: written_style.cloned(),
            resolved_modules: self.resolved_modules.clone(),
            ..Self::default()
        }
    }

    pub(super) fn written_style(&self) -> Option<&Style> {
        self.written_style.as_ref()
    }
}

/// What a file says about its names: what binds each one, how often each is spelled and declared,
/// and which calls name each function; and its layout, for code inserted into it.
pub(super) struct NameFacts {
    pub(super) scopes: FileScopes,
    pub(super) counts: NameCounts,
    pub(super) calls: CallIndex,
    pub(super) style: Style,
}

/// Reads a file's `NameFacts` and the constructs the model starts from (see `constructs`) in one
/// walk over every node of its tree: one walk per table, or a query pass, cost about as much as
/// parsing the file again each.
/// The layout is voted on only when `written_style` does not give it.
pub(super) fn read_file<'tree>(
    root: Node<'tree>,
    text: &str,
    written_style: Option<&Style>,
) -> (NameFacts, Vec<ScanMatch<'tree>>) {
    let mut constructs = Vec::new();
    let mut scopes = ScopeReader::default();
    let mut counts = NameCounts::default();
    let mut calls = CallIndex::default();
    let mut style = StyleVotes::default();
    // A string's quotes and text hold nothing any table reads: stepping over them was a tenth
    // of the walk in infrastructure code, which is mostly names, ARNs and actions.
    let string = root.language().id_for_node_kind("string", true);
    for visit in preorder(root, Some(string)) {
        let kind = visit.kind;
        scopes.visit(&visit, text);
        if written_style.is_none() {
            style.visit(&visit, text);
        }
        if visit.named {
            counts.record(visit.node, kind, text);
            calls.record(visit.node, kind, text);
            super::constructs::record(visit.node, kind, text, &mut constructs);
        }
    }
    let names = NameFacts {
        scopes: scopes.finish(),
        counts,
        calls,
        style: written_style.cloned().unwrap_or_else(|| style.style(text)),
    };
    (names, constructs)
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
    /// A method, a computed key: sets something infrafix cannot name.
    Other,
    /// A comment among the members: sets nothing.
    Comment,
}

#[cfg(test)]
mod tests {
    use super::FileFacts;
    use crate::syntax::{parse, Dialect};

    fn quote_after_reading(facts: &FileFacts, text: &str) -> Option<char> {
        let tree = parse(text, Dialect::TypeScript).expect("parses");
        facts.read(&tree, text);
        facts.names.get().map(|names| names.style.quote)
    }

    #[test]
    fn a_changed_file_keeps_the_layout_it_was_written_in() {
        let facts = FileFacts::default();
        assert_eq!(
            quote_after_reading(&facts, "const a = 'x';\nconst b = 'y';\n"),
            Some('\'')
        );
        // A fix added more double-quoted strings than the file had single-quoted ones.
        let changed = facts.for_changed_text();
        let fixed = "const a = 'x';\nconst b = 'y';\nconst c = \"p\";\nconst d = \"q\";\nconst e = \"r\";\n";
        assert_eq!(quote_after_reading(&changed, fixed), Some('\''));
        // A file read for the first time votes.
        assert_eq!(quote_after_reading(&FileFacts::default(), fixed), Some('"'));
    }
}
