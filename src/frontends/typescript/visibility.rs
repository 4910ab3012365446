//! Whether a name a block declares can be written at a place below it: no scope in between binds
//! the name again (a parameter, a loop variable, an inner declaration), and the declaration has
//! run by the time the place runs. A fix that adds a reference checks both: a hidden name means
//! something else there, and a `const` read before its declaration runs throws.

use tree_sitter::Node;

use super::scope;
use super::{Located, Program};
use crate::syntax::kind_of;

/// How many levels of calls of function declarations are followed to see when code runs.
const MAX_CALL_LEVELS: usize = 4;

impl<'tree> Program<'tree> {
    /// Whether the name a reference starts with (`queues` in `queues.dlq`, `attachments` in
    /// `...attachments`; `this` never) is bound again by a scope between `block` and `place`.
    pub(super) fn reference_hidden_at(&self, reference: &str, place: Located<'tree>, block: Node<'tree>) -> bool {
        let unspread = reference.strip_prefix("...").unwrap_or(reference);
        let root = unspread.split('.').next().unwrap_or(unspread);
        root != "this" && self.hidden_at(root, place, block)
    }

    /// Whether the `const` `declarator` declares can be named `name` at `place`: declared before
    /// it, in a block around it, run by the time it runs (see `runs_after`), and not bound again
    /// in between.
    pub(super) fn const_readable_at(&self, declarator: Node<'tree>, name: &str, place: Located<'tree>) -> bool {
        let Some(declaration) = declarator.parent() else {
            return false;
        };
        let statement = declaration
            .parent()
            .filter(|parent| kind_of(*parent) == "export_statement")
            .unwrap_or(declaration);
        let Some(block) = statement.parent() else {
            return false;
        };
        declarator.end_byte() <= place.node.start_byte()
            && !self.hidden_at(name, place, block)
            && self.runs_after(place, statement)
    }

    /// Whether a scope between `block` (exclusive) and `place` binds `name` again.
    pub(super) fn hidden_at(&self, name: &str, place: Located<'tree>, block: Node<'tree>) -> bool {
        let text = self.file(place.file).text;
        self.ancestors(place)
            .into_iter()
            .take_while(|enclosing| *enclosing != block)
            .any(|enclosing| scope::binds_name(enclosing, name, text))
    }

    /// Whether code at `place` (or right after it, where a new statement goes) runs only after
    /// `statement`, a statement of a block around it, has run: written from it on, directly or in
    /// functions that exist only once the code there runs (arrows, function expressions,
    /// methods); a function declaration, which exists from
    /// the start of its block, must be called only by code that runs after it, in this file, or
    /// from other modules that run after this one: not from one this module loads first (an
    /// import cycle), whose code may call it before this module's statements have run.
    pub(super) fn runs_after(&self, place: Located<'tree>, statement: Node<'tree>) -> bool {
        self.runs_after_within(place, statement, MAX_CALL_LEVELS)
    }

    fn runs_after_within(&self, place: Located<'tree>, statement: Node<'tree>, levels: usize) -> bool {
        let Some(block) = statement.parent() else {
            return false;
        };
        let mut in_block = place.node;
        let mut declarations = Vec::new();
        let mut inside = false;
        for enclosing in self.ancestors(place) {
            if enclosing == block {
                inside = true;
                break;
            }
            if kind_of(enclosing) == "function_declaration" {
                declarations.push(enclosing);
            }
            in_block = enclosing;
        }
        if !inside {
            return false;
        }
        if declarations.is_empty() {
            return in_block.start_byte() >= statement.start_byte();
        }
        levels > 0
            && declarations.into_iter().all(|function| {
                let function = place.with(function);
                let Some(calls) = self.call_sites(function) else {
                    return false;
                };
                self.all_calls_seen(function, &calls)
                    && calls.into_iter().all(|call| match call.file == place.file {
                        true => self.runs_after_within(call, statement, levels - 1),
                        false => !self.loads_first(place.file, call.file),
                    })
            })
    }

    /// Whether loading `module` loads `other` before running its own statements: `module`
    /// imports it, directly or through the modules it imports (re-exports and side-effect imports
    /// too).
    fn loads_first(&self, module: usize, other: usize) -> bool {
        let mut seen = vec![false; self.files().len()];
        let mut pending = vec![module];
        while let Some(file) = pending.pop() {
            for specifier in self.module_specifiers(file) {
                let Some(imported) = self.imported_file(file, specifier) else {
                    continue;
                };
                if imported == other {
                    return true;
                }
                if !std::mem::replace(&mut seen[imported], true) {
                    pending.push(imported);
                }
            }
        }
        false
    }
}
