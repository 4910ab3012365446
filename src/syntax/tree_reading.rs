//! A tree's visible nodes in document order, and a node's children, listed by `tree_reading.c`
//! from the tree's own child arrays (see there for why not by tree-sitter's cursor).

use tree_sitter::{ffi, Node};

/// One node of a listing, as `tree_reading.c` writes it.
#[derive(Clone, Copy)]
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

/// A listing under way in `tree_reading.c` (its state is C's own).
#[repr(C)]
struct RawWalk {
    _private: [u8; 0],
}

extern "C" {
    fn infrafix_walk_new(root: ffi::TSNode, opaque_symbol: i32, max_depth: u32) -> *mut RawWalk;
    fn infrafix_walk_next(walk: *mut RawWalk, out: *mut RawVisit, capacity: usize) -> usize;
    fn infrafix_walk_delete(walk: *mut RawWalk);
    fn infrafix_list(
        root: ffi::TSNode,
        opaque_symbol: i32,
        max_depth: u32,
        out: *mut RawVisit,
        capacity: usize,
    ) -> usize;
}

/// Leaves nothing out: kind ids are 16-bit, and syntax errors have the largest.
const NO_KIND: i32 = -1;

/// How many visits a walk reads from C at a time: enough that a call costs little per node, few
/// enough that a file's listing is never held whole.
const WALK_CHUNK: usize = 256;

/// `root` and every visible node below it, each before its children and siblings in order; what
/// lies inside nodes of kind id `opaque_kind`, if given, is left out.
pub fn preorder<'tree>(root: Node<'tree>, opaque_kind: Option<u16>) -> Walk<'tree> {
    Walk::new(root, opaque_kind.map_or(NO_KIND, i32::from))
}

/// `root` and every visible node below it (see `preorder`), nothing left out.
pub fn descendants(root: Node<'_>) -> Walk<'_> {
    Walk::new(root, NO_KIND)
}

/// A node's visible children, in order (hidden nodes of the grammar give theirs in their place).
pub fn children(node: Node<'_>) -> impl Iterator<Item = Visit<'_>> {
    // A node counts its visible children, so one listing, the node's own visit first, holds them.
    let capacity = node.child_count() as usize + 1;
    let mut visits: Vec<RawVisit> = Vec::with_capacity(capacity);
    // SAFETY: `infrafix_list` writes at most `capacity` visits into the spare capacity and returns
    // how many it wrote.
    unsafe {
        let listed = infrafix_list(node.into_raw(), NO_KIND, 1, visits.as_mut_ptr(), capacity);
        visits.set_len(listed.min(capacity));
    }
    visits.into_iter().skip(1).map(visit_of)
}

/// The visits of a walk over a tree, read from C a chunk at a time.
pub struct Walk<'tree> {
    walk: *mut RawWalk,
    chunk: Vec<RawVisit>,
    next: usize,
    finished: bool,
    _tree: std::marker::PhantomData<Node<'tree>>,
}

impl<'tree> Walk<'tree> {
    fn new(root: Node<'tree>, opaque_symbol: i32) -> Self {
        // SAFETY: the walk reads `root`'s tree, which outlives `'tree` and so the walk.
        let walk = unsafe { infrafix_walk_new(root.into_raw(), opaque_symbol, u32::MAX) };
        Self {
            walk,
            chunk: Vec::with_capacity(WALK_CHUNK),
            next: 0,
            finished: false,
            _tree: std::marker::PhantomData,
        }
    }
}

impl<'tree> Iterator for Walk<'tree> {
    type Item = Visit<'tree>;

    fn next(&mut self) -> Option<Visit<'tree>> {
        if self.next == self.chunk.len() {
            if self.finished {
                return None;
            }
            self.chunk.clear();
            self.next = 0;
            // SAFETY: the walk writes at most `WALK_CHUNK` visits into the chunk's spare capacity,
            // which is that large, and returns how many it wrote.
            unsafe {
                let listed = infrafix_walk_next(self.walk, self.chunk.as_mut_ptr(), WALK_CHUNK);
                self.chunk.set_len(listed.min(WALK_CHUNK));
            }
            self.finished = self.chunk.len() < WALK_CHUNK;
        }
        let raw = self.chunk.get(self.next)?;
        self.next += 1;
        Some(visit_of(*raw))
    }
}

impl Drop for Walk<'_> {
    fn drop(&mut self) {
        // SAFETY: the walk was made by `infrafix_walk_new` and is deleted once, here.
        unsafe { infrafix_walk_delete(self.walk) }
    }
}

fn visit_of<'tree>(raw: RawVisit) -> Visit<'tree> {
    let start = raw.node.context[0] as usize;
    // SAFETY: each node was made by tree-sitter's own `ts_node_new`, from a tree that outlives
    // `'tree`.
    let node: Node<'tree> = unsafe { Node::from_raw(raw.node) };
    Visit {
        node,
        depth: raw.depth as usize,
        kind_id: raw.symbol,
        named: raw.named,
        has_children: raw.has_children,
        start,
        end: raw.end_byte as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::{children, descendants, preorder};
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
        let listed: Vec<_> = descendants(tree.root_node())
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
