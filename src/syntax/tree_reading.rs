//! A tree's visible nodes in document order, and a node's children, listed by `tree_reading.c`
//! from the tree's own child arrays (see there for why not by tree-sitter's cursor).

use tree_sitter::{ffi, Node};

use super::kind_names;

/// One node of a listing, as `tree_reading.c` writes it (`InfrafixVisit`).
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

// The layout `tree_reading.c` asserts for its side too.
const _: () = {
    assert!(std::mem::size_of::<RawVisit>() == 48);
    assert!(std::mem::offset_of!(RawVisit, depth) == 32);
    assert!(std::mem::offset_of!(RawVisit, end_byte) == 36);
    assert!(std::mem::offset_of!(RawVisit, symbol) == 40);
    assert!(std::mem::offset_of!(RawVisit, named) == 42);
    assert!(std::mem::offset_of!(RawVisit, has_children) == 43);
};

/// One node of a listing, with what a walk asks of every node (each a call into tree-sitter when
/// asked of the node).
#[derive(Clone, Copy)]
pub struct Visit<'tree> {
    pub node: Node<'tree>,
    /// Below the listing's root, which is at 0.
    pub depth: usize,
    /// `Node::kind_id`.
    pub kind_id: u16,
    /// `Node::kind`.
    pub kind: &'tree str,
    /// `Node::is_named`.
    pub named: bool,
    /// `Node::child_count() > 0`.
    pub has_children: bool,
    /// `Node::start_byte`.
    pub start: usize,
    /// `Node::end_byte`.
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

/// How many visits a walk reads from C at a time, at first and at most: a walk over an expression
/// ends in a few, one over a file reads few enough at a time that its listing is never held whole.
const FIRST_CHUNK: usize = 16;
const LARGEST_CHUNK: usize = 256;

/// `root` and every visible node below it, each before its children and siblings in order; what
/// lies inside nodes of kind id `opaque_kind`, if given, is left out.
pub fn preorder<'tree>(root: Node<'tree>, opaque_kind: Option<u16>) -> Walk<'tree> {
    Walk::new(root, opaque_kind.map_or(NO_KIND, i32::from))
}

/// A node's visible children, in order, each with whether it is named (hidden nodes of the
/// grammar give theirs in their place).
pub fn children(node: Node<'_>) -> impl Iterator<Item = (Node<'_>, bool)> {
    // A node counts its visible children, so one listing, the node's own visit first, holds them.
    let capacity = node.child_count() as usize + 1;
    let mut visits: Vec<RawVisit> = Vec::with_capacity(capacity);
    // SAFETY: `infrafix_list` writes at most `capacity` visits into the spare capacity and returns
    // how many it wrote.
    unsafe {
        let listed = infrafix_list(node.into_raw(), NO_KIND, 1, visits.as_mut_ptr(), capacity);
        visits.set_len(listed.min(capacity));
    }
    visits.into_iter().skip(1).map(|raw| {
        // SAFETY: each node was made by tree-sitter's own `ts_node_new`, from `node`'s tree.
        let child = unsafe { Node::from_raw(raw.node) };
        (child, raw.named)
    })
}

/// The visits of a walk over a tree, read from C a chunk at a time.
pub struct Walk<'tree> {
    walk: *mut RawWalk,
    kinds: &'static [String],
    chunk: Vec<RawVisit>,
    next: usize,
    finished: bool,
    _tree: std::marker::PhantomData<Node<'tree>>,
}

impl<'tree> Walk<'tree> {
    fn new(root: Node<'tree>, opaque_symbol: i32) -> Self {
        let kinds = kind_names(root);
        // SAFETY: the walk reads `root`'s tree, which outlives `'tree` and so the walk.
        let walk = unsafe { infrafix_walk_new(root.into_raw(), opaque_symbol, u32::MAX) };
        Self {
            walk,
            kinds,
            chunk: Vec::new(),
            next: 0,
            finished: false,
            _tree: std::marker::PhantomData,
        }
    }
}

impl<'tree> Iterator for Walk<'tree> {
    type Item = Visit<'tree>;

    // Once per node of every walk: kept inline, where a call per node measured 6% of a file's walk.
    // Only a chunk's end calls further.
    #[inline(always)]
    fn next(&mut self) -> Option<Visit<'tree>> {
        if self.next == self.chunk.len() {
            self.read_chunk()?;
        }
        let raw = *self.chunk.get(self.next)?;
        self.next += 1;
        Some(visit_of(raw, self.kinds))
    }
}

impl Walk<'_> {
    /// Reads the walk's next chunk from C; `None` when the walk is over.
    fn read_chunk(&mut self) -> Option<()> {
        if self.finished {
            return None;
        }
        let wanted = (self.chunk.capacity() * 2).clamp(FIRST_CHUNK, LARGEST_CHUNK);
        self.chunk.clear();
        self.chunk.reserve_exact(wanted);
        self.next = 0;
        // SAFETY: the walk writes at most `wanted` visits into the chunk's spare capacity, which is
        // at least that large, and returns how many it wrote.
        unsafe {
            let listed = infrafix_walk_next(self.walk, self.chunk.as_mut_ptr(), wanted);
            self.chunk.set_len(listed.min(wanted));
        }
        self.finished = self.chunk.len() < wanted;
        Some(())
    }
}

impl Drop for Walk<'_> {
    fn drop(&mut self) {
        // SAFETY: the walk was made by `infrafix_walk_new` and is deleted once, here.
        unsafe { infrafix_walk_delete(self.walk) }
    }
}

/// A visit as Rust reads it; `kinds` are the kind names of the tree's grammar.
#[inline(always)]
fn visit_of<'tree>(raw: RawVisit, kinds: &'static [String]) -> Visit<'tree> {
    let start = raw.node.context[0] as usize;
    // SAFETY: each node was made by tree-sitter's own `ts_node_new`, from a tree that outlives
    // `'tree`.
    let node: Node<'tree> = unsafe { Node::from_raw(raw.node) };
    let kind = kinds
        .get(usize::from(raw.symbol))
        .map_or_else(|| node.kind(), String::as_str);
    Visit {
        node,
        depth: raw.depth as usize,
        kind_id: raw.symbol,
        kind,
        named: raw.named,
        has_children: raw.has_children,
        start,
        end: raw.end_byte as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::{children, preorder};
    use crate::syntax::{parse, Dialect};
    use tree_sitter::Node;

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

    /// `root` and every visible node below it as tree-sitter's own cursor walks them, not going
    /// into nodes of kind `opaque`.
    fn cursor_walk(root: Node, opaque: Option<u16>) -> Vec<Signature> {
        let mut cursor = root.walk();
        let mut depth = 0;
        let mut walked = Vec::new();
        loop {
            let node = cursor.node();
            walked.push(signature(node, depth));
            if Some(node.kind_id()) != opaque && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if depth == 0 {
                    return walked;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                cursor.goto_parent();
                depth -= 1;
            }
        }
    }

    /// The listing of `root`, each visit's fields held to what tree-sitter answers for its node.
    fn listing(root: Node, opaque: Option<u16>, name: &str) -> Vec<Signature> {
        preorder(root, opaque)
            .inspect(|visit| {
                let node = visit.node;
                let read = (
                    visit.kind_id,
                    visit.kind,
                    visit.named,
                    visit.has_children,
                    visit.start,
                    visit.end,
                );
                let asked = (
                    node.kind_id(),
                    node.kind(),
                    node.is_named(),
                    node.child_count() > 0,
                    node.start_byte(),
                    node.end_byte(),
                );
                assert_eq!(read, asked, "{name}: a {}", node.kind());
            })
            .map(|visit| signature(visit.node, visit.depth))
            .collect()
    }

    /// The whole tree, the tree without what strings hold, the children of every node, and, for a
    /// small file, the walk from every node, each as the cursor has it.
    fn assert_agrees_with_the_cursor(text: &str, dialect: Dialect, name: &str) {
        let Ok(tree) = parse(text, dialect) else {
            return;
        };
        let root = tree.root_node();
        assert_eq!(listing(root, None, name), cursor_walk(root, None), "{name}");
        let string = tree.language().id_for_node_kind("string", true);
        assert_eq!(
            listing(root, Some(string), name),
            cursor_walk(root, Some(string)),
            "{name}"
        );
        let mut cursor = tree.walk();
        for node in preorder(root, None).map(|visit| visit.node) {
            let expected: Vec<usize> = node.children(&mut cursor).map(|child| child.id()).collect();
            let found: Vec<usize> = children(node).map(|(child, _)| child.id()).collect();
            let named: Vec<bool> = children(node).map(|(_, named)| named).collect();
            let asked: Vec<bool> = node.children(&mut cursor).map(|child| child.is_named()).collect();
            assert_eq!(named, asked, "{name}: which children of a {} are named", node.kind());
            assert_eq!(found, expected, "{name}: the children of a {}", node.kind());
            if text.len() < 6_000 {
                assert_eq!(
                    listing(node, None, name),
                    cursor_walk(node, None),
                    "{name}: from a {}",
                    node.kind()
                );
            }
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
            ("const e = <><A.B c=\"d\" {...e}>t &amp; u{/* c */}</A.B></>;\n", Dialect::Tsx),
            (
                "let x: string = <T,>(a: T) => a as unknown as string satisfies string;\nabstract class A<T extends keyof B> { declare readonly [k: string]: any; #p?: number; }\n",
                Dialect::TypeScript,
            ),
            (
                "enum E { A = 1, B }\nimport x = require('y');\nexport = x;\nlabel: for (const [a, , ...b] of c) { continue label; }\n",
                Dialect::TypeScript,
            ),
            // Syntax errors, missing tokens, and nothing at all.
            (
                "new aws.lambda.Function(\"f\", { runtime: , handler: 'h' ;\n",
                Dialect::TypeScript,
            ),
            ("const a = (1;\nf(a b\n", Dialect::TypeScript),
            ("}}} ))) ]]]", Dialect::TypeScript),
            ("", Dialect::TypeScript),
            (
                "resource \"a\" \"b\" {\n  x = [for k, v in var.m : v if k != \"\"] # c\n}\n",
                Dialect::Hcl,
            ),
            (
                "locals {\n  a = <<EOT\nhi ${var.x} %{ if true }y%{ endif }\nEOT\n  b = a.b[0].*.c\n}\n",
                Dialect::Hcl,
            ),
            ("@@@", Dialect::Hcl),
            ("", Dialect::Hcl),
            ("A: !Sub '${B}'\nC:\n  - !Ref D\n  - {E: [1, 2]}\n", Dialect::Yaml),
            ("a: [1, {b: *x}] # c\n--- &x\n- !Tag |\n  text\n", Dialect::Yaml),
            ("", Dialect::Yaml),
            ("{\"a\": [1, {\"b\": null}]}\n", Dialect::Json),
            ("{", Dialect::Json),
            ("1", Dialect::Json),
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
            .map(|visit| visit.kind)
            .collect();
        assert!(kinds.contains(&"string"), "{kinds:?}");
        assert!(!kinds.contains(&"string_fragment"), "{kinds:?}");
    }
}
