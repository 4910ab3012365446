//! Which declaration an identifier refers to, found by walking out through the enclosing scopes.
//! Lexical only: good enough for the consts and parameters infrastructure code uses; anything it
//! cannot place is `Unknown`, and rules then report rather than edit.

use foldhash::{HashMap, HashSet};

use tree_sitter::Node;

use crate::syntax::{kind_of, named_children, node_text, Fields, Visit};

#[derive(Debug, Clone, Copy)]
pub enum Declaration<'tree> {
    /// `const name = value` (or `let`/`var`): the declarator, and whether it is a `const`.
    Variable { declarator: Node<'tree>, constant: bool },
    /// `const { name } = value`, `const [name] = value`: a name a declarator's pattern binds to a
    /// part of its value.
    Destructured { declarator: Node<'tree>, constant: bool },
    /// A parameter of an enclosing function: its value depends on the caller.
    Parameter,
    /// A loop variable: one value per iteration.
    LoopVariable,
    /// Not declared in the file's scopes (an import, a global, or a name infrafix cannot place).
    NotInFile,
}

pub const FUNCTIONS: [&str; 6] = [
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
pub const LOOPS: [&str; 2] = ["for_in_statement", "for_statement"];
/// The leaves that name a value, and so may refer to a binding.
const NAMES: [&str; 3] = [
    "identifier",
    "shorthand_property_identifier",
    "shorthand_property_identifier_pattern",
];

/// What a name used below a file's top level is bound to, kept by byte offsets so that it
/// outlives the syntax tree (see `FileFacts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalBinding {
    /// A variable of an enclosing block: its declarator's byte range.
    Variable { declarator: (usize, usize), constant: bool },
    /// A parameter of the function (or `catch` clause) spanning `binder`.
    Parameter { binder: (usize, usize) },
    /// A variable of the loop statement spanning `binder`.
    LoopVariable { binder: (usize, usize) },
}

/// A file's scopes, read in the walk that reads its other name facts (`facts::read_file`).
/// Walking out from each identifier instead costs a descent from the root per question, which
/// dominated the model on infrastructure-dense files.
#[derive(Debug, Default)]
pub struct FileScopes {
    /// For every name (`NAMES`) that a scope below the top level binds where it is used
    /// (parameters, loop variables, a block's own variables), that binding, by the name's start
    /// byte. A name missing here is declared at the top level or not in the file.
    pub local: HashMap<usize, LocalBinding>,
    /// Every name the file declares anywhere (variables, parameters, functions, classes, loop
    /// variables). A name not in it can only be an import or a global, which spares looking up
    /// every use of `aws`.
    pub declared: HashSet<String>,
    /// Every name the file assigns anew after declaring it (`x = …`, `x += …`, `x++`, `[x] = …`,
    /// `for (x of …)`), in any scope: a `let` or `var` of a name missing here keeps the value its
    /// declaration writes, as a `const` does.
    pub reassigned: HashSet<String>,
}

/// Reads `FileScopes` during the walk of `facts::read_file`, which visits every node once, depth
/// first.
#[derive(Default)]
pub struct ScopeReader<'text> {
    scopes: FileScopes,
    /// The scopes around the node being visited, innermost last, each with the depth of the node
    /// opening it.
    open: Vec<(usize, HashMap<&'text str, LocalBinding>)>,
}

impl<'text> ScopeReader<'text> {
    /// Called for each node in walk order, with its depth below the root.
    pub fn visit(&mut self, visit: &Visit, text: &'text str) {
        let (depth, kind) = (visit.depth, visit.kind);
        // A scope opened by an earlier node at this depth or deeper has ended.
        while self.open.last().is_some_and(|(opened_at, _)| *opened_at >= depth) {
            self.open.pop();
        }
        if !visit.has_children {
            if NAMES.contains(&kind) {
                let name = text.get(visit.start..visit.end).unwrap_or("");
                if let Some(binding) = self.open.iter().rev().find_map(|(_, names)| names.get(name)) {
                    self.scopes.local.insert(visit.start, *binding);
                }
            }
            return;
        }
        for pattern in declaring_patterns(visit.node, kind).into_iter().flatten() {
            collect_identifiers(pattern, text, &mut self.scopes.declared);
        }
        if let Some(target) = assignment_target(visit.node, kind) {
            let names = bound_names(target, text).into_iter().map(str::to_owned);
            self.scopes.reassigned.extend(names);
        }
        let names = scope_names(visit, text);
        if !names.is_empty() {
            self.open.push((depth, names));
        }
    }

    pub fn finish(self) -> FileScopes {
        self.scopes
    }
}

/// The names a node binds for the nodes inside it. Where one node binds a name twice, a parameter
/// wins over a loop variable, and both over a block variable. The file's top level is looked up
/// through `top_level_table`.
fn scope_names<'text>(visit: &Visit, text: &'text str) -> HashMap<&'text str, LocalBinding> {
    let mut names = HashMap::default();
    let (node, kind) = (visit.node, visit.kind);
    let binder = (visit.start, visit.end);
    if FUNCTIONS.contains(&kind) || kind == "catch_clause" {
        // A caught error is bound like a parameter, for the `catch` block only.
        let parameters = node.field("parameters").or_else(|| node.field("parameter"));
        for name in parameters.into_iter().flat_map(|pattern| bound_names(pattern, text)) {
            names.entry(name).or_insert(LocalBinding::Parameter { binder });
        }
    }
    if LOOPS.contains(&kind) {
        let bindings = ["left", "initializer"].iter().filter_map(|field| node.field(field));
        for name in bindings.flat_map(|pattern| bound_names(pattern, text)) {
            names.entry(name).or_insert(LocalBinding::LoopVariable { binder });
        }
    }
    if BLOCKS.contains(&kind) && kind != "program" {
        for (name, declarator, constant) in block_variables(node, text) {
            names.entry(name).or_insert(LocalBinding::Variable {
                declarator: (declarator.start_byte(), declarator.end_byte()),
                constant,
            });
        }
    }
    names
}

/// Whether a node binds `name` for the code inside it: as a function's (or `catch`'s) parameter,
/// a loop variable, or a variable, function or class its own statements declare (a block).
pub fn binds_name(node: Node, name: &str, text: &str) -> bool {
    let kind = kind_of(node);
    let mut patterns = Vec::new();
    if FUNCTIONS.contains(&kind) || kind == "catch_clause" {
        patterns.extend(node.field("parameters").or_else(|| node.field("parameter")));
    }
    if LOOPS.contains(&kind) {
        patterns.extend(["left", "initializer"].iter().filter_map(|field| node.field(field)));
    }
    if patterns
        .into_iter()
        .any(|pattern| bound_names(pattern, text).contains(&name))
    {
        return true;
    }
    if !BLOCKS.contains(&kind) {
        return false;
    }
    block_function_or_class(node, name, text).is_some()
        || block_variables(node, text).any(|(bound, _, _)| bound == name)
}

/// The function or class declaration named `name` among a block's own statements (exported or
/// not).
pub fn block_function_or_class<'tree>(block: Node<'tree>, name: &str, text: &str) -> Option<Node<'tree>> {
    named_children(block)
        .map(|statement| match kind_of(statement) {
            "export_statement" => statement.field("declaration").unwrap_or(statement),
            _ => statement,
        })
        .filter(|statement| matches!(kind_of(*statement), "function_declaration" | "class_declaration"))
        .find(|statement| {
            statement
                .field("name")
                .is_some_and(|declared| node_text(declared, text) == name)
        })
}

/// The variable or destructuring pattern a node assigns anew (`FileScopes::reassigned`); `None`
/// for an assignment into a member (`x.y = …` changes the object `x` holds, not `x`).
fn assignment_target<'tree>(node: Node<'tree>, kind: &str) -> Option<Node<'tree>> {
    let target = match kind {
        "assignment_expression" | "augmented_assignment_expression" => node.field("left"),
        "update_expression" => node.field("argument"),
        // `for (x of xs)` assigns the variable `x` declared elsewhere; `for (const x of xs)`
        // declares its own.
        "for_in_statement" if node.field("kind").is_none() => node.field("left"),
        _ => None,
    }?;
    matches!(kind_of(target), "identifier" | "object_pattern" | "array_pattern").then_some(target)
}

/// The parts of a node that declare names, for `FileScopes::declared`: a function declaration
/// declares its own name and its parameters.
fn declaring_patterns<'tree>(node: Node<'tree>, kind: &str) -> [Option<Node<'tree>>; 2] {
    let parameters = || node.field("parameters").or_else(|| node.field("parameter"));
    match kind {
        "function_declaration" | "generator_function_declaration" => [node.field("name"), parameters()],
        "variable_declarator" | "class_declaration" => [node.field("name"), None],
        "for_in_statement" => [node.field("left"), None],
        "catch_clause" => [node.field("parameter"), None],
        // Field lookups go by name, so only the kinds that have them are asked (this walk visits
        // every node of the file).
        kind if FUNCTIONS.contains(&kind) => [parameters(), None],
        _ => [None, None],
    }
}

/// A file's top-level variables: each one's declarator's byte range and whether it is a `const`,
/// by name.
pub type TopLevelTable = HashMap<String, ((usize, usize), bool)>;

/// Every variable a file declares at its top level (including `export const`). The first
/// declaration of a name wins, as `top_level_declaration` finds it.
pub fn top_level_table(root: Node, text: &str) -> TopLevelTable {
    let mut table = HashMap::default();
    for (name, declarator, constant) in block_variables(root, text) {
        table
            .entry(name.to_owned())
            .or_insert(((declarator.start_byte(), declarator.end_byte()), constant));
    }
    table
}

/// The variables a block's own statements declare, with a plain name or in a destructuring
/// pattern: `(name, declarator, const?)`.
pub(super) fn block_variables<'tree, 'text>(
    block: Node<'tree>,
    text: &'text str,
) -> impl Iterator<Item = (&'text str, Node<'tree>, bool)> {
    named_children(block).flat_map(move |statement| {
        let declaration = match kind_of(statement) {
            "export_statement" => statement.field("declaration"),
            _ => Some(statement),
        }
        .filter(|d| matches!(kind_of(d), "lexical_declaration" | "variable_declaration"));
        let constant = declaration
            .and_then(|declaration| declaration.child(0))
            .is_some_and(|keyword| node_text(keyword, text) == "const");
        declaration
            .into_iter()
            .flat_map(named_children)
            .filter(|declarator| kind_of(declarator) == "variable_declarator")
            .flat_map(move |declarator| {
                let names = declarator.field("name").map(|pattern| bound_names(pattern, text));
                names
                    .into_iter()
                    .flatten()
                    .map(move |name| (name, declarator, constant))
            })
    })
}

fn collect_identifiers(pattern: Node, text: &str, names: &mut HashSet<String>) {
    let mut stack = vec![pattern];
    let mut cursor = pattern.walk();
    while let Some(node) = stack.pop() {
        if matches!(
            kind_of(node),
            "identifier" | "shorthand_property_identifier_pattern" | "type_identifier"
        ) {
            names.insert(node_text(node, text).to_owned());
        }
        stack.extend(node.named_children(&mut cursor));
    }
}

/// The names a pattern (a parameter list, a destructuring, a declaration) binds anywhere in it:
/// not the names its types and default values read (`runtime: lambda.Runtime =
/// lambda.Runtime.GO_1_X` binds `runtime` alone).
pub(super) fn bound_names<'text>(pattern: Node, text: &'text str) -> Vec<&'text str> {
    let mut names = Vec::new();
    let mut pending = vec![pattern];
    while let Some(node) = pending.pop() {
        if matches!(kind_of(node), "identifier" | "shorthand_property_identifier_pattern") {
            names.push(node_text(node, text));
        }
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                // A parameter's `value` is its default; a pair pattern's `value` is what it binds.
                let default = cursor.field_name() == Some("value")
                    && matches!(kind_of(node), "required_parameter" | "optional_parameter");
                let read_not_bound = default
                    || matches!(cursor.field_name(), Some("type" | "right"))
                    || matches!(kind_of(cursor.node()), "type_annotation" | "default_value");
                if cursor.node().is_named() && !read_not_bound {
                    pending.push(cursor.node());
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, Dialect};

    /// The binding recorded for the `occurrence`-th leaf spelled `name` (0 = first).
    fn binding_of(source: &str, name: &str, occurrence: usize) -> Option<LocalBinding> {
        let tree = parse(source, Dialect::TypeScript).expect("fixture parses");
        let scopes = crate::frontends::typescript::facts::read_file(tree.root_node(), source, None)
            .0
            .scopes;
        let start = source.match_indices(name).nth(occurrence).expect("occurrence exists").0;
        scopes.local.get(&start).copied()
    }

    #[test]
    fn defaults_and_types_of_parameters_bind_nothing() {
        // `lambda` in the default is the import, and so is `lambda` in the body; `renamed` is bound.
        let source = "import * as lambda from \"aws-cdk-lib/aws-lambda\";\nfunction make(runtime: lambda.Runtime = lambda.Runtime.GO_1_X, { a: renamed } = {}) {\n  return [lambda, runtime, renamed];\n}\n";
        assert_eq!(binding_of(source, "lambda", 4), None);
        assert!(matches!(
            binding_of(source, "runtime", 1),
            Some(LocalBinding::Parameter { .. })
        ));
        assert!(matches!(
            binding_of(source, "renamed", 1),
            Some(LocalBinding::Parameter { .. })
        ));
    }

    #[test]
    fn a_function_declaration_declares_its_parameters() {
        // A parameter named like an import hides it: `lambda.Runtime` below is not the CDK's.
        let source = "import * as lambda from \"aws-cdk-lib/aws-lambda\";\nfunction build(id: string, lambda: any) {\n  return lambda.Runtime.PYTHON_3_8;\n}\n";
        let tree = parse(source, Dialect::TypeScript).expect("fixture parses");
        let scopes = crate::frontends::typescript::facts::read_file(tree.root_node(), source, None)
            .0
            .scopes;
        assert!(scopes.declared.contains("lambda") && scopes.declared.contains("id"));
        assert!(matches!(
            binding_of(source, "lambda", 3),
            Some(LocalBinding::Parameter { .. })
        ));
    }

    #[test]
    fn names_assigned_anew_are_reassigned_and_members_are_not() {
        let source = "let a = 1;\nlet b = 2;\nlet c = 3;\nlet d = 4;\nlet e = 5;\nlet f = {};\nlet g = [];\nlet h = 6;\na = 7;\nb += 1;\nc++;\n[d, { e }] = pair;\nf.x = 1;\ng.push(1);\nfor (h of list) {}\nfor (const i of list) {}\n";
        let tree = parse(source, Dialect::TypeScript).expect("fixture parses");
        let scopes = crate::frontends::typescript::facts::read_file(tree.root_node(), source, None)
            .0
            .scopes;
        let mut reassigned: Vec<&str> = scopes.reassigned.iter().map(String::as_str).collect();
        reassigned.sort_unstable();
        assert_eq!(reassigned, ["a", "b", "c", "d", "e", "h"]);
    }

    #[test]
    fn the_innermost_scope_binds_a_name() {
        let source = "const runtime = \"go1.x\";\nfunction make(runtime: string) {\n  { const runtime = \"a\"; use(runtime); }\n  return runtime;\n}\nuse(runtime);\n";
        let function_start = source.find("function").expect("has a function");
        let Some(LocalBinding::Parameter { binder }) = binding_of(source, "runtime", 1) else {
            panic!("the parameter binds itself");
        };
        assert_eq!(binder, (function_start, source.len() - "use(runtime);\n".len() - 1));
        assert!(matches!(
            binding_of(source, "runtime", 3),
            Some(LocalBinding::Variable { constant: true, .. })
        ));
        assert!(matches!(
            binding_of(source, "runtime", 4),
            Some(LocalBinding::Parameter { .. })
        ));
        // The top level is left to `top_level_table`.
        assert_eq!(binding_of(source, "runtime", 0), None);
        assert_eq!(binding_of(source, "runtime", 5), None);
    }

    #[test]
    fn loop_and_catch_bindings_end_with_their_statement() {
        let source =
            "for (const tenant of tenants) { make(tenant); }\ntry {} catch (tenant) { log(tenant); }\nmake(tenant);\n";
        assert!(matches!(
            binding_of(source, "tenant", 2),
            Some(LocalBinding::LoopVariable { .. })
        ));
        // `tenants`, a name of its own, is not the loop variable.
        assert_eq!(binding_of(source, "tenant", 1), None);
        assert!(matches!(
            binding_of(source, "tenant", 4),
            Some(LocalBinding::Parameter { .. })
        ));
        assert_eq!(binding_of(source, "tenant", 5), None);
        let tree = parse(source, Dialect::TypeScript).expect("fixture parses");
        let declared = crate::frontends::typescript::facts::read_file(tree.root_node(), source, None)
            .0
            .scopes
            .declared;
        assert!(declared.contains("tenant") && !declared.contains("make"));
    }
}
