//! Values that flow into parameters: for a parameter of a helper function or of a component's
//! constructor, the arguments its call sites pass (`makeService("audit", "go1.x")`,
//! `new GoService("audit", { runtime: "go1.x" })`), in its own module and in the modules that
//! import it by name. Each file's calls are indexed by callee name in one walk, read when first
//! asked; finding the call sites of a function is then a look-up.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::{named_children, scope, ImportKind, Located, Program};
use crate::syntax::node_text;

/// A file's calls and `new` expressions whose callee is a plain name, by that name. Kept as byte
/// ranges, not nodes, so that the model stays free to hand out nodes of any shorter lifetime.
#[derive(Debug, Default)]
pub struct CallIndex {
    by_callee: HashMap<String, Vec<Range<usize>>>,
}

pub(super) fn index_calls(root: Node, text: &str) -> CallIndex {
    let mut index = CallIndex::default();
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(node) = stack.pop() {
        let callee = match node.kind() {
            "call_expression" => node.child_by_field_name("function"),
            "new_expression" => node.child_by_field_name("constructor"),
            _ => None,
        };
        if let Some(callee) = callee.filter(|callee| callee.kind() == "identifier") {
            index
                .by_callee
                .entry(node_text(callee, text).to_owned())
                .or_default()
                .push(node.byte_range());
        }
        stack.extend(node.named_children(&mut cursor));
    }
    index
}

impl<'tree> Program<'tree> {
    /// For a parameter (`runtime` in `function make(name, runtime)`, `args` in a component's
    /// `constructor(name, args)`), the expression each call site passes for it. `None` when it is
    /// not a parameter of a named function or class, or nothing calls it: its value is unknown.
    pub fn parameter_sources(&self, parameter: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        if !matches!(parameter.node.kind(), "identifier" | "shorthand_property_identifier") {
            return None;
        }
        let text = self.file(parameter.file).text;
        let function = scope::function_declaring_parameter(self.root(parameter.file), parameter.node, text)?;
        let position = parameter_position(function, self.text(parameter), text)?;
        let (callee, exported_as) = callee_name(function, text)?;
        let mut sources = Vec::new();
        for file in 0..self.files().len() {
            let local = if file == parameter.file {
                Some(callee.clone())
            } else {
                exported_as
                    .as_ref()
                    .and_then(|exported| self.local_import_name(file, parameter.file, exported))
            };
            let Some(local) = local else { continue };
            let calls = self.call_index(file).by_callee.get(&local).cloned().unwrap_or_default();
            for call in calls.into_iter().filter_map(|range| self.call_at(file, range)) {
                let arguments = call.child_by_field_name("arguments");
                if let Some(argument) = arguments.and_then(|arguments| {
                    named_children(arguments)
                        .filter(|argument| argument.kind() != "comment")
                        .nth(position)
                }) {
                    sources.push(Located { file, node: argument });
                }
            }
        }
        (!sources.is_empty()).then_some(sources)
    }

    /// The local name under which `file` imports the export `exported` of module `module`.
    fn local_import_name(&self, file: usize, module: usize, exported: &str) -> Option<String> {
        self.file(file).imports.iter().find_map(|binding| {
            let ImportKind::Named { imported } = &binding.kind else {
                return None;
            };
            (imported == exported && self.imported_file(file, &binding.module) == Some(module))
                .then(|| binding.local.clone())
        })
    }

    /// The call or `new` expression spanning `range`.
    fn call_at(&self, file: usize, range: Range<usize>) -> Option<Node<'tree>> {
        let mut node = self.root(file).descendant_for_byte_range(range.start, range.end)?;
        while node.byte_range() == range {
            if matches!(node.kind(), "call_expression" | "new_expression") {
                return Some(node);
            }
            node = node.parent()?;
        }
        None
    }

    fn call_index(&self, file: usize) -> &CallIndex {
        let source = self.file(file);
        source
            .facts
            .calls
            .get_or_init(|| index_calls(source.tree.root_node(), source.text))
    }
}

/// How callers name a function or a component class: its name, and the name it is exported
/// under when it is (`export function`, `export const f = () => …`, `export class`).
fn callee_name(function: Node, text: &str) -> Option<(String, Option<String>)> {
    let (named, declaration) = match function.kind() {
        "function_declaration" => (function.child_by_field_name("name")?, function),
        "method_definition" => {
            let is_constructor = function
                .child_by_field_name("name")
                .is_some_and(|name| node_text(name, text) == "constructor");
            let class = function
                .parent()
                .and_then(|body| body.parent())
                .filter(|class| is_constructor && class.kind() == "class_declaration")?;
            (class.child_by_field_name("name")?, class)
        }
        _ => {
            let declarator = function
                .parent()
                .filter(|parent| parent.kind() == "variable_declarator")?;
            let declaration = declarator.parent()?;
            (declarator.child_by_field_name("name")?, declaration)
        }
    };
    let name = node_text(named, text).to_owned();
    let exported = declaration
        .parent()
        .is_some_and(|parent| parent.kind() == "export_statement")
        .then(|| name.clone());
    Some((name, exported))
}

/// Where a parameter stands in its function's parameter list.
pub(super) fn parameter_position(function: Node, name: &str, text: &str) -> Option<usize> {
    let parameters = function.child_by_field_name("parameters")?;
    named_children(parameters)
        .filter(|parameter| parameter.kind() != "comment")
        .position(|parameter| {
            let pattern = parameter.child_by_field_name("pattern").unwrap_or(parameter);
            text.get(pattern.byte_range()) == Some(name)
        })
}
