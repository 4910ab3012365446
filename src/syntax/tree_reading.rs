//! A tree's visible nodes in document order, and a node's children, listed by `tree_reading.c`
//! from the tree's own child arrays (see there for why not by tree-sitter's cursor).

use tree_sitter::{ffi, Node};

/// One node of a listing, as `tree_reading.c` writes it.
#[repr(C)]
struct RawVisit {
    node: ffi::TSNode,
    depth: u32,
    end_byte: u32,
    symbol: u16,
    named: bool,
    has_children: bool,
}

/// One node of a listing, with what a walk asks of every node (each a call into tree-sitter when
/// asked of the node).
#[derive(Clone, Copy)]
pub struct Visit<'tree> {
    pub node: Node<'tree>,
    /// Below the listing's root, which is at 0.
    pub depth: usize,
    /// `Node::kind_id`.
    pub kind_id: u16,
    /// `Node::is_named`.
    pub named: bool,
    /// `Node::child_count() > 0`.
    pub has_children: bool,
    /// `Node::start_byte` and `Node::end_byte`.
    pub start: usize,
    pub end: usize,
}

extern "C" {
    fn infrafix_preorder(
        root: ffi::TSNode,
        opaque_symbol: i32,
        max_depth: u32,
        out: *mut RawVisit,
        capacity: usize,
    ) -> usize;
}

/// Leaves nothing out: kind ids are 16-bit, and syntax errors have the largest.
const NO_KIND: i32 = -1;

/// `root` and every visible node below it, each before its children and siblings in order; what
/// lies inside nodes of kind id `opaque_kind`, if given, is left out.
pub fn preorder<'tree>(root: Node<'tree>, opaque_kind: Option<u16>) -> impl Iterator<Item = Visit<'tree>> {
    // A subtree counts its visible descendants, so one allocation holds the whole listing.
    list(
        root,
        opaque_kind.map_or(NO_KIND, i32::from),
        u32::MAX,
        root.descendant_count(),
    )
}

/// A node's visible children, in order (hidden nodes of the grammar give theirs in their place).
pub fn children(node: Node<'_>) -> impl Iterator<Item = Visit<'_>> {
    list(node, NO_KIND, 1, node.child_count() as usize + 1).skip(1)
}

/// `root` and every visible node below it (see `preorder`), nothing left out.
pub fn descendants(root: Node<'_>) -> impl Iterator<Item = Visit<'_>> {
    list(root, NO_KIND, u32::MAX, root.descendant_count())
}

fn list<'tree>(
    root: Node<'tree>,
    opaque_kind: i32,
    max_depth: u32,
    capacity: usize,
) -> impl Iterator<Item = Visit<'tree>> {
    let mut visits: Vec<RawVisit> = Vec::with_capacity(capacity);
    // SAFETY: `tree_reading.c` writes at most `capacity` visits into the spare capacity and returns how
    // many it wrote.
    unsafe {
        let listed = infrafix_preorder(root.into_raw(), opaque_kind, max_depth, visits.as_mut_ptr(), capacity);
        visits.set_len(listed.min(capacity));
    }
    visits.into_iter().map(|visit| {
        let start = visit.node.context[0] as usize;
        // SAFETY: each node was made by tree-sitter's own `ts_node_new`, from `root`'s tree, which
        // outlives `'tree`.
        let node: Node<'tree> = unsafe { Node::from_raw(visit.node) };
        Visit {
            node,
            depth: visit.depth as usize,
            kind_id: visit.symbol,
            named: visit.named,
            has_children: visit.has_children,
            start,
            end: visit.end_byte as usize,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{children, descendants, preorder, NO_KIND};
    use crate::syntax::{parse, Dialect};
    use tree_sitter::{Node, Tree};

    /// What tells two listings of nodes apart: a node's identity, kind, place and depth.
    type Signature = (usize, u16, usize, usize, (usize, usize), usize, bool);

    fn signature(node: Node, depth: usize) -> Signature {
        let start = node.start_position();
        (
            node.id(),
            node.kind_id(),
            node.start_byte(),
            node.end_byte(),
            (start.row, start.column),
            depth,
            node.is_named(),
        )
    }

    /// Every visible node, as tree-sitter's own cursor walks them.
    fn cursor_walk(tree: &Tree) -> Vec<Signature> {
        let mut cursor = tree.walk();
        let mut depth = 0;
        let mut walked = Vec::new();
        loop {
            walked.push(signature(cursor.node(), depth));
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return walked;
                }
                depth -= 1;
            }
        }
    }

    fn assert_agrees_with_the_cursor(text: &str, dialect: Dialect, name: &str) {
        let Ok(tree) = parse(text, dialect) else {
            return;
        };
        let listed: Vec<_> = super::list(tree.root_node(), NO_KIND, u32::MAX, tree.root_node().descendant_count())
            .inspect(|visit| {
                let node = visit.node;
                let read = (visit.kind_id, visit.named, visit.has_children, visit.start, visit.end);
                let asked = (
                    node.kind_id(),
                    node.is_named(),
                    node.child_count() > 0,
                    node.start_byte(),
                    node.end_byte(),
                );
                assert_eq!(read, asked, "{name}: a {}", node.kind());
            })
            .map(|visit| signature(visit.node, visit.depth))
            .collect();
        assert_eq!(listed, cursor_walk(&tree), "{name}");
        let mut cursor = tree.walk();
        for node in descendants(tree.root_node()).map(|visit| visit.node) {
            let expected: Vec<usize> = node.children(&mut cursor).map(|child| child.id()).collect();
            let found: Vec<usize> = children(node).map(|child| child.node.id()).collect();
            assert_eq!(found, expected, "{name}: the children of a {}", node.kind());
        }
    }

    #[test]
    fn every_fixture_file_is_listed_as_the_cursor_walks_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut pending = vec![root];
        let mut files = 0;
        while let Some(directory) = pending.pop() {
            for entry in std::fs::read_dir(&directory).expect("fixtures are readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    pending.push(path);
                } else if let Some(dialect) = Dialect::of_path(&path) {
                    let text = std::fs::read_to_string(&path).expect("fixture text");
                    assert_agrees_with_the_cursor(&text, dialect, &path.display().to_string());
                    files += 1;
                }
            }
        }
        assert!(files > 1000, "the fixtures hold {files} source files");
    }

    #[test]
    fn hidden_nodes_aliases_comments_and_syntax_errors_are_listed_as_the_cursor_walks_them() {
        let samples = [
            // Comments are extras; `type` aliases, template strings and JSX nest hidden nodes.
            (
                "const a = `x${y}` /* c */;\ntype T = \"a\" | typeof b;\n// end\n",
                Dialect::TypeScript,
            ),
            ("const e = <div a={1}>{x}</div>;\n", Dialect::Tsx),
            (
                "new aws.lambda.Function(\"f\", { runtime: , handler: 'h' ;\n",
                Dialect::TypeScript,
            ),
            (
                "resource \"a\" \"b\" {\n  x = [for k, v in var.m : v if k != \"\"] # c\n}\n",
                Dialect::Hcl,
            ),
            ("A: !Sub '${B}'\nC:\n  - !Ref D\n  - {E: [1, 2]}\n", Dialect::Yaml),
            ("{\"a\": [1, {\"b\": null}]}\n", Dialect::Json),
        ];
        for (text, dialect) in samples {
            assert_agrees_with_the_cursor(text, dialect, text);
        }
    }

    #[test]
    fn an_opaque_kind_keeps_its_node_and_leaves_out_what_is_inside() {
        let text = "const a = \"x\";\n";
        let tree = parse(text, Dialect::TypeScript).expect("parses");
        let string = tree.language().id_for_node_kind("string", true);
        let kinds: Vec<&str> = preorder(tree.root_node(), Some(string))
            .map(|visit| visit.node.kind())
            .collect();
        assert!(kinds.contains(&"string"), "{kinds:?}");
        assert!(!kinds.contains(&"string_fragment"), "{kinds:?}");
    }
}
