//! How many times a resource declaration runs: once, or once per iteration of the loops around
//! it when their bounds are written out (`for (const x of ["a", "b"])`, `for (let i = 0; i < 3;
//! i++)`, `["a", "b"].map(…)`, a loop over a const array or the entries of a const record, see
//! `iteration`). Anything else that may run it several times (a helper function, a component's
//! constructor, a loop over a parameter or a changed array) makes the count unknown.

use tree_sitter::Node;

use super::{named_children, Located, Program};
use crate::syntax::ancestors;

impl<'tree> Program<'tree> {
    /// How many instances a resource declaration makes; `None` when that cannot be known.
    pub fn instances(&self, resource: usize) -> Option<u64> {
        let declaration = &self.resources()[resource];
        let file = declaration.file;
        let mut count: u64 = 1;
        let mut child = declaration.expression;
        for parent in ancestors(self.root(file), declaration.expression) {
            let here = Located { file, node: parent };
            let repeats = match parent.kind() {
                "for_in_statement" if parent.child_by_field_name("body") == Some(child) => {
                    Some(self.loop_iterations(here)?)
                }
                "for_statement" if parent.child_by_field_name("body") == Some(child) => {
                    Some(counted_loop(self, file, parent)?)
                }
                "arrow_function" | "function_expression" => Some(self.callback_iterations(here)?),
                "function_declaration"
                | "method_definition"
                | "generator_function_declaration"
                | "while_statement"
                | "do_statement" => return None,
                _ => None,
            };
            count = count.checked_mul(repeats.unwrap_or(1))?;
            child = parent;
        }
        Some(count)
    }
}

/// `for (let i = A; i < B; i++)` with literal bounds.
fn counted_loop(program: &Program, file: usize, statement: Node) -> Option<u64> {
    let initializer = statement.child_by_field_name("initializer")?;
    let declarator = named_children(initializer).find(|child| child.kind() == "variable_declarator")?;
    let start = program
        .number_value(Located {
            file,
            node: declarator.child_by_field_name("value")?,
        })?
        .0;
    let condition = statement.child_by_field_name("condition")?;
    let comparison = if condition.kind() == "expression_statement" {
        condition.named_child(0)?
    } else {
        condition
    };
    let operator = program.text(Located {
        file,
        node: comparison.child_by_field_name("operator")?,
    });
    let end = program
        .number_value(Located {
            file,
            node: comparison.child_by_field_name("right")?,
        })?
        .0;
    let increment = program.text(Located {
        file,
        node: statement.child_by_field_name("increment")?,
    });
    if !(increment.ends_with("++") || increment.starts_with("++")) {
        return None;
    }
    let span = match operator {
        "<" => end.checked_sub(start)?,
        "<=" => end.checked_sub(start)?.checked_add(1)?,
        _ => return None,
    };
    u64::try_from(span.max(0)).ok()
}
