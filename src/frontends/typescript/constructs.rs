//! The constructs the model starts from, recognized in the one walk over a file
//! (`facts::read_file`): imports (`import … from "m"`, `import x = require("m")`,
//! `const x = require("m")`, `const x = require("m").x`), `new` expressions, the `super(…)` call of a class extending a
//! construct, dependency calls (`fn.node.addDependency(p)`), and suppression comments.
//!
//! These were tree-sitter queries once; a query cursor walks the whole tree again, which cost as
//! much as parsing the file. Each construct is told by its node and a few fields, so the walk that
//! already visits every node recognizes them as it passes. A match carries the capture names the
//! queries had, and comes in the order the query cursor gave: a construct at its first node.
//! Also recognized: subscription calls (`queue.onEvent("name", handler)`), which make an event
//! source mapping inside @pulumi/aws.

use tree_sitter::Node;

use crate::syntax::{kind_of, named_children, node_text, Fields, MatchKind, ScanMatch};

/// Records the constructs `node` starts (`kind` is its kind, read once by the walk).
pub(super) fn record<'tree>(node: Node<'tree>, kind: &str, text: &str, found: &mut Vec<ScanMatch<'tree>>) {
    match kind {
        "import_statement" => record_import(node, found),
        "variable_declarator" => record_require(node, text, found),
        "new_expression" => record_new(node, found),
        "call_expression" => {
            record_super_call(node, text, found);
            record_dependency_call(node, text, found);
            record_subscription_call(node, text, found);
        }
        "comment" if node_text(node, text).contains("infrafix-ignore") => {
            found.push(ScanMatch {
                kind: MatchKind::Suppression,
                captures: vec![("comment", node)],
            });
        }
        _ => {}
    }
}

fn program_match<'tree>(captures: Vec<(&'static str, Node<'tree>)>) -> ScanMatch<'tree> {
    ScanMatch {
        kind: MatchKind::Construct,
        captures,
    }
}

/// A node's named children of one kind.
fn children_of_kind<'tree>(node: Node<'tree>, kind: &'static str) -> impl Iterator<Item = Node<'tree>> {
    named_children(node).filter(move |child| kind_of(child) == kind)
}

/// Whether a call or `new` has an argument list (a tagged template or a bare `new X` has none).
fn has_argument_list(call: Node) -> bool {
    call.field("arguments")
        .is_some_and(|arguments| kind_of(arguments) == "arguments")
}

/// The text pieces of a string literal: one for a plain string, several around escapes, none for
/// `""`. A query matched each piece, and so do these.
fn string_fragments(string: Node) -> impl Iterator<Item = Node> {
    let is_string = kind_of(string) == "string";
    children_of_kind(string, "string_fragment").filter(move |_| is_string)
}

/// `import … from "m"` and `import x = require("m")`.
fn record_import<'tree>(statement: Node<'tree>, found: &mut Vec<ScanMatch<'tree>>) {
    let required = children_of_kind(statement, "import_require_clause").filter_map(|clause| clause.field("source"));
    for source in statement
        .field("source")
        .into_iter()
        .chain(required)
        .flat_map(string_fragments)
    {
        found.push(program_match(vec![("import", statement), ("import.source", source)]));
    }
}

/// `const aws = require("@pulumi/aws")`: the module named by the call's first argument; and
/// `const role = require("./iam").role`, one name of it (`require.property`).
fn record_require<'tree>(declarator: Node<'tree>, text: &str, found: &mut Vec<ScanMatch<'tree>>) {
    let (Some(binding), Some(value)) = (declarator.field("name"), declarator.field("value")) else {
        return;
    };
    let (call, property) = match kind_of(value) {
        "member_expression" => match (value.field("object"), value.field("property")) {
            (Some(object), Some(property)) if kind_of(property) == "property_identifier" => (object, Some(property)),
            _ => return,
        },
        _ => (value, None),
    };
    if kind_of(call) != "call_expression" {
        return;
    }
    let Some(function) = call.field("function") else {
        return;
    };
    if kind_of(function) != "identifier" || node_text(function, text) != "require" {
        return;
    }
    let Some(first) = call
        .field("arguments")
        .filter(|_| has_argument_list(call))
        .and_then(|arguments| named_children(arguments).next())
    else {
        return;
    };
    for source in string_fragments(first) {
        let mut captures = vec![
            ("require", declarator),
            ("require.binding", binding),
            ("require.function", function),
            ("require.source", source),
        ];
        captures.extend(property.map(|property| ("require.property", property)));
        found.push(program_match(captures));
    }
}

/// `new aws.lambda.Function("name", { … })`: a `new` with an argument list.
fn record_new<'tree>(expression: Node<'tree>, found: &mut Vec<ScanMatch<'tree>>) {
    if let Some(class) = expression
        .field("constructor")
        .filter(|_| has_argument_list(expression))
    {
        found.push(program_match(vec![("resource", expression), ("resource.class", class)]));
    }
}

/// `super(scope, id, props)` as a statement of the constructor of a class that extends something:
/// the construct the class extends is made there.
fn record_super_call<'tree>(call: Node<'tree>, text: &str, found: &mut Vec<ScanMatch<'tree>>) {
    let calls_super = call
        .field("function")
        .is_some_and(|function| kind_of(function) == "super");
    if !calls_super || !has_argument_list(call) {
        return;
    }
    let Some(method) = call
        .parent()
        .filter(|statement| kind_of(statement) == "expression_statement")
        .and_then(|statement| statement.parent())
        .filter(|block| kind_of(block) == "statement_block")
        .and_then(|block| block.parent().filter(|method| method.field("body") == Some(block)))
        .filter(|method| kind_of(method) == "method_definition")
    else {
        return;
    };
    let Some(name) = method
        .field("name")
        .filter(|name| kind_of(name) == "property_identifier" && node_text(*name, text) == "constructor")
    else {
        return;
    };
    let Some(class) = method
        .parent()
        .filter(|body| kind_of(body) == "class_body")
        .and_then(|body| body.parent().filter(|class| class.field("body") == Some(body)))
        .filter(|class| kind_of(class) == "class_declaration")
    else {
        return;
    };
    let clauses =
        children_of_kind(class, "class_heritage").flat_map(|heritage| children_of_kind(heritage, "extends_clause"));
    for clause in clauses {
        // `extends A, B` parses (TypeScript rejects it later), and the query matched each value.
        let mut cursor = clause.walk();
        for base in clause.children_by_field_name("value", &mut cursor) {
            found.push(program_match(vec![
                ("resource.class", base),
                ("resource.method", name),
                ("resource", call),
            ]));
        }
    }
}

/// `fn.addDependency(p)`, `fn.node.addDependency(p, q)`, `fn.addDependsOn(p)`.
fn record_dependency_call<'tree>(call: Node<'tree>, text: &str, found: &mut Vec<ScanMatch<'tree>>) {
    let Some(method) = call
        .field("function")
        .filter(|function| kind_of(function) == "member_expression")
        .and_then(|function| function.field("property"))
        .filter(|property| kind_of(property) == "property_identifier")
    else {
        return;
    };
    if has_argument_list(call) && matches!(node_text(method, text), "addDependency" | "addDependsOn") {
        found.push(program_match(vec![("dependency.method", method), ("dependency", call)]));
    }
}

/// `queue.onEvent("name", handler, …)`: @pulumi/aws's mixin that subscribes a handler to a
/// resource's events (for a queue, through an event source mapping it makes itself).
fn record_subscription_call<'tree>(call: Node<'tree>, text: &str, found: &mut Vec<ScanMatch<'tree>>) {
    let names_on_event = call
        .field("function")
        .filter(|function| kind_of(*function) == "member_expression")
        .and_then(|function| function.field("property"))
        .is_some_and(|property| node_text(property, text) == "onEvent");
    let takes_a_handler = call
        .field("arguments")
        .filter(|_| has_argument_list(call))
        .is_some_and(|arguments| named_children(arguments).nth(1).is_some());
    if names_on_event && takes_a_handler {
        found.push(program_match(vec![("subscription", call)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, Dialect};

    fn constructs(source: &str) -> Vec<Vec<(&'static str, String)>> {
        let tree = parse(source, Dialect::TypeScript).expect("parses");
        let mut found = Vec::new();
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            record(node, kind_of(node), source, &mut found);
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return found
                        .iter()
                        .map(|found| {
                            found
                                .captures
                                .iter()
                                .map(|(name, node)| (*name, node_text(*node, source).to_owned()))
                                .collect()
                        })
                        .collect();
                }
            }
        }
    }

    #[test]
    fn imports_and_requires_name_their_module_once_per_text_piece() {
        let found = constructs(
            r#"import * as aws from "@pulumi/aws";
import lambda = require("aws-cdk-lib/aws-lambda");
import "./side-effect";
const { iam } = require("@pulumi/aws"), other = require(name), empty = require("");
import odd from "a\u0062c";
"#,
        );
        let sources: Vec<&str> = found
            .iter()
            .flat_map(|captures| captures.iter())
            .filter(|(name, _)| name.ends_with(".source"))
            .map(|(_, text)| text.as_str())
            .collect();
        assert_eq!(
            sources,
            [
                "@pulumi/aws",
                "aws-cdk-lib/aws-lambda",
                "./side-effect",
                "@pulumi/aws",
                "a",
                "c"
            ]
        );
    }

    #[test]
    fn new_expressions_need_an_argument_list() {
        let found = constructs("const q = new aws.sqs.Queue(\"q\", { x: new Thing() }); const d = new Date;");
        let classes: Vec<&str> = found
            .iter()
            .flat_map(|captures| captures.iter())
            .filter(|(name, _)| *name == "resource.class")
            .map(|(_, text)| text.as_str())
            .collect();
        assert_eq!(classes, ["aws.sqs.Queue", "Thing"]);
    }

    #[test]
    fn only_a_constructor_statement_super_call_makes_the_extended_construct() {
        let found = constructs(
            r#"class Traced extends lambda.Function {
  constructor(scope: Construct, id: string) {
    super(scope, id, { handler: "index.handler" });
  }
  other() { super.other(); }
}
class Plain { constructor() { if (x) { super(); } } }
class Mixed extends Traced, lambda.Function { constructor(s, i) { super(s, i, {}); } }
"#,
        );
        let made: Vec<&str> = found
            .iter()
            .filter_map(|captures| captures.iter().find(|(name, _)| *name == "resource.class"))
            .map(|(_, text)| text.as_str())
            .collect();
        assert_eq!(made, ["lambda.Function", "Traced", "lambda.Function"]);
    }

    #[test]
    fn stored_constructs_restore_the_same_nodes() {
        let text = "import * as aws from \"@pulumi/aws\";\nconst f = new aws.lambda.Function(\"f\", { runtime: \"go1.x\" });\n";
        let tree = parse(text, Dialect::TypeScript).expect("parses");
        let found = super::super::FileFacts::default().read(&tree, text);
        assert_eq!(found.len(), 2);
        let restored = crate::syntax::StoredScan::of(&found).restore(&tree);
        for (original, again) in found.iter().zip(&restored) {
            assert_eq!(original.captures, again.captures);
        }
    }

    #[test]
    fn subscription_calls_name_a_handler() {
        let found = constructs(
            "queue.onEvent(\"jobs\", worker, { batchSize: 5 });\nthis.queue.onEvent(\"x\", fn);\ntg.onEvent(\"themeChanged\");\nonEvent(\"a\", b);\n",
        );
        let calls: Vec<&str> = found
            .iter()
            .filter_map(|captures| captures.iter().find(|(name, _)| *name == "subscription"))
            .map(|(_, text)| text.as_str())
            .collect();
        assert_eq!(
            calls,
            [
                "queue.onEvent(\"jobs\", worker, { batchSize: 5 })",
                "this.queue.onEvent(\"x\", fn)"
            ]
        );
    }

    #[test]
    fn dependency_calls_and_suppression_comments() {
        let found = constructs(
            "fn.node.addDependency(policy); // infrafix-ignore: lambda-iam-depends-on\nfn.addDependsOn(p); fn.addDependencies(p); // plain\n",
        );
        let names: Vec<Vec<&str>> = found
            .iter()
            .map(|captures| captures.iter().map(|(name, _)| *name).collect())
            .collect();
        assert_eq!(
            names,
            [
                vec!["dependency.method", "dependency"],
                vec!["comment"],
                vec!["dependency.method", "dependency"]
            ]
        );
    }
}
