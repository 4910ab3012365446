//! Whether a Node.js handler completes through a callback: Lambda's Node.js 24 runtime runs async
//! handlers only, and a handler that takes a third parameter (`(event, context, callback)`) or
//! ends through `context.done`, `succeed` or `fail` fails on it.

use tree_sitter::{Node, Tree};

use crate::syntax::{kind_of, named_children, named_descendants, node_text, parse, Dialect, Fields};

/// How a module's exported handler completes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerStyle {
    /// Through a callback: how (`takes a third parameter \`callback\``), and the 1-based line.
    Callback { how: String, line: usize },
    /// By returning (a promise or a value): it runs on every Node.js runtime.
    Returns,
}

/// A handler module's source with its syntax tree: parsed once, then asked about each function
/// it exports.
pub struct HandlerModule {
    source: String,
    /// `None` when the TypeScript grammar (which reads JavaScript too) cannot parse it.
    tree: Option<Tree>,
}

impl HandlerModule {
    pub fn parse(source: String) -> Self {
        let tree = parse(&source, Dialect::TypeScript).ok();
        Self { source, tree }
    }

    /// How the function the module exports as `export` completes; `None` when infrafix cannot
    /// find it written as a function in the module (re-exported, built by a call, or not there).
    pub fn style_of(&self, export: &str) -> Option<HandlerStyle> {
        handler_style(self.tree.as_ref()?.root_node(), &self.source, export)
    }
}

fn handler_style(root: Node, source: &str, export: &str) -> Option<HandlerStyle> {
    let function = exported_function(root, source, export)?;
    let parameters = parameters(function);
    let line = function.start_position().row + 1;
    if let Some(third) = parameters.get(2) {
        return Some(HandlerStyle::Callback {
            how: format!("takes a third parameter `{}`", node_text(*third, source)),
            line,
        });
    }
    let context = parameters.get(1).map(|context| node_text(*context, source));
    let ends_through_context = context.and_then(|context| {
        named_descendants(function).find_map(|call| {
            let callee = call.field("function").filter(|_| kind_of(call) == "call_expression")?;
            let object = callee
                .field("object")
                .filter(|_| kind_of(callee) == "member_expression")?;
            let property = node_text(callee.field("property")?, source);
            (node_text(object, source) == context && matches!(property, "done" | "succeed" | "fail"))
                .then(|| (format!("calls `{context}.{property}`"), call.start_position().row + 1))
        })
    });
    Some(match ends_through_context {
        Some((how, line)) => HandlerStyle::Callback { how, line },
        None => HandlerStyle::Returns,
    })
}

/// The function a module exports as `export`: `exports.NAME = …`, `module.exports.NAME = …`,
/// `module.exports = { NAME }`, `export function NAME`, `export const NAME = …`, each either a
/// function written there or a top-level function or const of the module it names.
fn exported_function<'tree>(root: Node<'tree>, source: &str, export: &str) -> Option<Node<'tree>> {
    let exported = named_children(root).find_map(|statement| match kind_of(statement) {
        "expression_statement" => {
            let assignment = named_children(statement).find(|node| kind_of(*node) == "assignment_expression")?;
            let left = node_text(assignment.field("left")?, source);
            let right = assignment.field("right")?;
            if left == format!("exports.{export}") || left == format!("module.exports.{export}") {
                return Some(right);
            }
            (left == "module.exports" && kind_of(right) == "object")
                .then(|| object_member(right, source, export))
                .flatten()
        }
        "export_statement" => {
            let declaration = statement.field("declaration")?;
            declared(declaration, source, export)
        }
        _ => None,
    })?;
    match kind_of(exported) {
        "identifier" | "shorthand_property_identifier" => {
            let name = node_text(exported, source);
            named_children(root).find_map(|statement| declared(statement, source, name))
        }
        _ => as_function(exported),
    }
}

/// The value of `name` in an object literal: `{ name: … }`, or `{ name }` for the binding of
/// that name (returned as the identifier, to be looked up).
fn object_member<'tree>(object: Node<'tree>, source: &str, name: &str) -> Option<Node<'tree>> {
    named_children(object).find_map(|member| match kind_of(member) {
        "pair" if node_text(member.field("key")?, source) == name => member.field("value"),
        "shorthand_property_identifier" if node_text(member, source) == name => Some(member),
        "method_definition" if node_text(member.field("name")?, source) == name => Some(member),
        _ => None,
    })
}

/// The function a top-level declaration gives `name`: `function name(…)`, or `const name = …`
/// holding a function.
fn declared<'tree>(declaration: Node<'tree>, source: &str, name: &str) -> Option<Node<'tree>> {
    match kind_of(declaration) {
        "function_declaration" | "generator_function_declaration" => {
            (node_text(declaration.field("name")?, source) == name).then_some(declaration)
        }
        "lexical_declaration" | "variable_declaration" => named_children(declaration)
            .filter(|declarator| kind_of(*declarator) == "variable_declarator")
            .find(|declarator| {
                declarator
                    .field("name")
                    .is_some_and(|bound| node_text(bound, source) == name)
            })
            .and_then(|declarator| as_function(declarator.field("value")?)),
        _ => None,
    }
}

fn as_function(node: Node) -> Option<Node> {
    match kind_of(node) {
        "function_expression" | "function" | "arrow_function" | "method_definition" | "function_declaration" => {
            Some(node)
        }
        "parenthesized_expression" => as_function(named_children(node).next()?),
        _ => None,
    }
}

/// A function's parameters, in order (an arrow function's lone unparenthesized one too).
fn parameters(function: Node) -> Vec<Node> {
    if let Some(single) = function.field("parameter") {
        return vec![single];
    }
    function
        .field("parameters")
        .map(|list| {
            named_children(list)
                .filter(|node| kind_of(*node) != "comment")
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(source: &str) -> Option<HandlerStyle> {
        HandlerModule::parse(source.to_owned()).style_of("handler")
    }

    fn is_callback(source: &str) -> bool {
        matches!(style(source), Some(HandlerStyle::Callback { .. }))
    }

    #[test]
    fn a_third_parameter_or_a_context_completion_is_a_callback() {
        assert!(is_callback(
            "exports.handler = function (event, context, callback) { callback(null, 1); };"
        ));
        assert!(is_callback("module.exports.handler = (e, ctx, cb) => cb(null);"));
        assert!(is_callback(
            "function handler(e, c, done) {}\nmodule.exports = { handler };"
        ));
        assert!(is_callback(
            "exports.handler = (event, context) => { context.succeed('ok'); };"
        ));
        assert!(is_callback(
            "export const handler = (event: any, context: Context, callback: Callback) => {};"
        ));
        assert_eq!(
            style("\nexports.handler = function (event, context, callback) {};"),
            Some(HandlerStyle::Callback {
                how: "takes a third parameter `callback`".to_owned(),
                line: 2
            })
        );
    }

    #[test]
    fn one_parse_answers_for_each_export() {
        let module = HandlerModule::parse(
            "exports.create = async (event) => 1;\nexports.remove = (event, context, done) => done();".to_owned(),
        );
        assert_eq!(module.style_of("create"), Some(HandlerStyle::Returns));
        assert!(matches!(
            module.style_of("remove"),
            Some(HandlerStyle::Callback { line: 2, .. })
        ));
        assert_eq!(module.style_of("update"), None);
    }

    #[test]
    fn an_async_or_returning_handler_is_not_and_an_unfound_one_is_unknown() {
        assert_eq!(
            style("export async function handler(event) { return 1; }"),
            Some(HandlerStyle::Returns)
        );
        assert_eq!(
            style("exports.handler = async (event, context) => context.awsRequestId;"),
            Some(HandlerStyle::Returns)
        );
        assert_eq!(style("exports.handler = wrap(app);"), None);
        assert_eq!(style("exports.other = async () => 1;"), None);
    }
}
