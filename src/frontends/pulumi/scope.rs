//! Which declaration an identifier refers to, found by walking out through the enclosing scopes.
//! Lexical only: good enough for the consts and parameters infrastructure code uses; anything it
//! cannot place is `Unknown`, and rules then report rather than edit.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::imports::named_children;
use crate::syntax::{ancestors, node_text};

#[derive(Debug, Clone, Copy)]
pub enum Declaration<'tree> {
    /// `const name = value` (or `let`/`var`): the declarator, and whether it is a `const`.
    Variable { declarator: Node<'tree>, constant: bool },
    /// A parameter of an enclosing function: its value depends on the caller.
    Parameter,
    /// A loop variable: one value per iteration.
    LoopVariable,
    /// Not declared in the file's scopes (an import, a global, or a name infrafix cannot place).
    NotInFile,
}

const FUNCTIONS: [&str; 6] = [
    "function_declaration",
    "function_expression",
    "arrow_function",
    "method_definition",
    "generator_function",
    "generator_function_declaration",
];
/// The nodes whose statements share one scope. A `switch` scopes each clause's statements.
pub const BLOCKS: [&str; 5] = [
    "program",
    "statement_block",
    "class_body",
    "switch_case",
    "switch_default",
];
const LOOPS: [&str; 2] = ["for_in_statement", "for_statement"];

/// The declaration an identifier refers to in the scopes around it, short of the file's top level:
/// `None` means it is not declared below the top level (see `Program::declaration_of`, which
/// looks there through a table).
pub fn declaration_below_top<'tree>(
    root: Node<'tree>,
    identifier: Node<'tree>,
    text: &str,
) -> Option<Declaration<'tree>> {
    let name = node_text(identifier, text);
    for node in ancestors(root, identifier) {
        if node.kind() == "program" {
            continue;
        }
        // A caught error is bound like a parameter, for the `catch` block only.
        let binds_parameters = FUNCTIONS.contains(&node.kind()) || node.kind() == "catch_clause";
        if binds_parameters && declares_parameter(node, name, text) {
            return Some(Declaration::Parameter);
        }
        if LOOPS.contains(&node.kind()) && declares_loop_variable(node, name, text) {
            return Some(Declaration::LoopVariable);
        }
        if BLOCKS.contains(&node.kind()) {
            if let Some(found) = top_level_declaration(node, name, text) {
                return Some(found);
            }
        }
    }
    None
}

/// Every variable a file declares at its top level (including `export const`): the start of its
/// declarator and whether it is a `const`, by name. The first declaration of a name wins, as
/// `top_level_declaration` finds it.
pub fn top_level_table(root: Node, text: &str) -> HashMap<String, (usize, bool)> {
    let mut table = HashMap::new();
    for (name, declarator, constant) in block_variables(root, text) {
        table
            .entry(name.to_owned())
            .or_insert((declarator.start_byte(), constant));
    }
    table
}

/// A variable declared directly in `block` (including `export const`).
pub fn top_level_declaration<'tree>(block: Node<'tree>, name: &str, text: &str) -> Option<Declaration<'tree>> {
    block_variables(block, text)
        .find(|(declared, _, _)| *declared == name)
        .map(|(_, declarator, constant)| Declaration::Variable { declarator, constant })
}

/// The variables a block's own statements declare with a plain name: `(name, declarator, const?)`.
fn block_variables<'tree, 'text>(
    block: Node<'tree>,
    text: &'text str,
) -> impl Iterator<Item = (&'text str, Node<'tree>, bool)> {
    named_children(block).flat_map(move |statement| {
        let declaration = match statement.kind() {
            "export_statement" => statement.child_by_field_name("declaration"),
            _ => Some(statement),
        }
        .filter(|d| matches!(d.kind(), "lexical_declaration" | "variable_declaration"));
        let constant = declaration
            .and_then(|declaration| declaration.child(0))
            .is_some_and(|keyword| node_text(keyword, text) == "const");
        declaration
            .into_iter()
            .flat_map(named_children)
            .filter(|declarator| declarator.kind() == "variable_declarator")
            .filter_map(move |declarator| {
                let name = declarator
                    .child_by_field_name("name")
                    .filter(|name| name.kind() == "identifier")?;
                Some((node_text(name, text), declarator, constant))
            })
    })
}

/// Every name a file declares anywhere (variables, parameters, functions, classes, loop
/// variables), found in one walk. A name not in it can only be an import or a global, which spares
/// walking the scopes for every use of `aws`.
pub fn declared_names(root: Node, text: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(node) = stack.pop() {
        let binding = match node.kind() {
            "variable_declarator" | "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                node.child_by_field_name("name")
            }
            "for_in_statement" => node.child_by_field_name("left"),
            "catch_clause" => node.child_by_field_name("parameter"),
            // Field lookups go by name, so only the kinds that have them are asked (this walk
            // visits every node of the file).
            kind if FUNCTIONS.contains(&kind) => node
                .child_by_field_name("parameters")
                .or_else(|| node.child_by_field_name("parameter")),
            _ => None,
        };
        if let Some(binding) = binding {
            collect_identifiers(binding, text, &mut names);
        }
        stack.extend(node.named_children(&mut cursor));
    }
    names
}

fn collect_identifiers(pattern: Node, text: &str, names: &mut HashSet<String>) {
    let mut stack = vec![pattern];
    let mut cursor = pattern.walk();
    while let Some(node) = stack.pop() {
        if matches!(
            node.kind(),
            "identifier" | "shorthand_property_identifier_pattern" | "type_identifier"
        ) {
            names.insert(node_text(node, text).to_owned());
        }
        stack.extend(node.named_children(&mut cursor));
    }
}

/// The function whose parameter `identifier` is.
pub fn function_declaring_parameter<'tree>(
    root: Node<'tree>,
    identifier: Node<'tree>,
    text: &str,
) -> Option<Node<'tree>> {
    let name = node_text(identifier, text);
    ancestors(root, identifier)
        .into_iter()
        .find(|node| FUNCTIONS.contains(&node.kind()) && declares_parameter(*node, name, text))
}

/// The loop whose variable `identifier` is.
pub fn loop_declaring_variable<'tree>(root: Node<'tree>, identifier: Node<'tree>, text: &str) -> Option<Node<'tree>> {
    let name = node_text(identifier, text);
    ancestors(root, identifier)
        .into_iter()
        .find(|node| LOOPS.contains(&node.kind()) && declares_loop_variable(*node, name, text))
}

fn declares_parameter(function: Node, name: &str, text: &str) -> bool {
    let parameters = function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"));
    parameters.is_some_and(|parameters| binds_name(parameters, name, text))
}

fn declares_loop_variable(loop_statement: Node, name: &str, text: &str) -> bool {
    ["left", "initializer"]
        .iter()
        .filter_map(|field| loop_statement.child_by_field_name(field))
        .any(|binding| binds_name(binding, name, text))
}

/// Whether a pattern (a parameter list, a destructuring, a declaration) binds `name` anywhere in it.
fn binds_name(pattern: Node, name: &str, text: &str) -> bool {
    if matches!(pattern.kind(), "identifier" | "shorthand_property_identifier_pattern")
        && node_text(pattern, text) == name
    {
        return true;
    }
    named_children(pattern)
        .filter(|child| child.kind() != "type_annotation" && child.kind() != "default_value")
        .any(|child| binds_name(child, name, text))
}
