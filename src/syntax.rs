//! tree-sitter parsing, and the one pass over a Terraform or template file that runs the queries in
//! `codemods/` (a TypeScript file's one pass is its front end's walk).

mod tree_reading;

use std::path::Path;
use std::sync::OnceLock;

use anyhow::{anyhow, Context, Result};
use tree_sitter::{Language, Node, Parser, Query, QueryCursor, StreamingIterator, Tree};

pub use tree_reading::{preorder, Visit};

/// The grammar a file is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    TypeScript,
    Tsx,
    /// JavaScript (`.js`, `.mjs`, `.cjs`), parsed with the TypeScript grammar, which reads it; a fix
    /// written into it must hold no TypeScript syntax.
    JavaScript,
    /// Terraform's configuration language (`.tf`).
    Hcl,
    /// CloudFormation and SAM templates written in YAML (`.yaml`, `.yml`).
    Yaml,
    /// CloudFormation and SAM templates written in JSON.
    Json,
}

impl Dialect {
    /// The dialect of a source file infrafix reads, or `None` for any other file (declaration files
    /// describe types only and never hold resources).
    pub fn of_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
            return None;
        }
        match path.extension()?.to_str()? {
            "ts" | "mts" | "cts" => Some(Self::TypeScript),
            "tsx" => Some(Self::Tsx),
            "js" | "mjs" | "cjs" => Some(Self::JavaScript),
            "tf" => Some(Self::Hcl),
            "yaml" | "yml" => Some(Self::Yaml),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    /// Whether the TypeScript front end reads files of this dialect (TypeScript, TSX, JavaScript).
    pub fn is_read_by_typescript_front_end(self) -> bool {
        matches!(self, Self::TypeScript | Self::Tsx | Self::JavaScript)
    }

    fn language(self) -> Language {
        match self {
            Self::TypeScript | Self::JavaScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Self::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Self::Hcl => tree_sitter_hcl::LANGUAGE.into(),
            Self::Yaml => tree_sitter_yaml::LANGUAGE.into(),
            Self::Json => tree_sitter_json::LANGUAGE.into(),
        }
    }

    /// The query files run over a file of this dialect. None over TypeScript: its front end's one
    /// walk finds its constructs and suppression comments (`frontends::typescript::constructs`).
    fn query_files(self) -> &'static [QueryText] {
        match self {
            Self::TypeScript | Self::Tsx | Self::JavaScript => &[],
            Self::Hcl | Self::Yaml | Self::Json => &[SUPPRESSION_QUERY],
        }
    }
}

pub fn parse(text: &str, dialect: Dialect) -> Result<Tree> {
    parse_from(text, dialect, None)
}

/// Parses `text`, reusing what `old` (an earlier tree, edited to match) holds of it.
pub fn parse_from(text: &str, dialect: Dialect, old: Option<&Tree>) -> Result<Tree> {
    let mut parser = Parser::new();
    parser
        .set_language(&dialect.language())
        .with_context(|| format!("loading the {dialect:?} grammar"))?;
    parser
        .parse(text, old)
        .ok_or_else(|| anyhow!("the parser gave up on this file"))
}

/// How many syntax errors (error and missing nodes) a tree holds, with what the grammars take but
/// their tools refuse: in YAML the aliases that name no anchor written before them, in HCL the
/// arguments a block closes on the line of and the names that are not identifiers; the re-parse
/// guard compares these.
pub fn error_count(tree: &Tree, text: &str) -> usize {
    let aliases = undefined_aliases(tree, text).len()
        + hcl_items_missing_their_newline(tree).len()
        + hcl_invalid_names(tree, text).len();
    if !tree.root_node().has_error() {
        return aliases;
    }
    let mut count = 0;
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        // Subtrees without errors are skipped whole.
        if node.has_error() && !node.is_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return count + aliases;
            }
        }
    }
}

/// Where an HCL block written over several lines closes on the line its last argument or nested
/// block ends (`handler = "app.handler" }`), or opens on the line its first one starts: Terraform
/// refuses both ("Missing newline after argument", "Invalid single-argument block definition")
/// though the grammar takes them. None in other languages.
pub fn hcl_items_missing_their_newline(tree: &Tree) -> Vec<usize> {
    let mut found = Vec::new();
    let root = tree.root_node();
    if kind_of(root) != "config_file" {
        return found;
    }
    // Only bodies and blocks are gone into: expressions hold no blocks.
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        let children: Vec<Node> = tree_reading::children(node).map(|(child, _)| child).collect();
        let child_of_kind = |kind: &str| children.iter().copied().find(|child| kind_of(child) == kind);
        let body = child_of_kind("body");
        pending.extend(children.iter().filter(|child| kind_of(*child) == "block"));
        if kind_of(node) != "block" {
            pending.extend(body);
            continue;
        }
        let items: Vec<Node> = body
            .map(|body| named_children(body).filter(|item| kind_of(item) != "comment").collect())
            .unwrap_or_default();
        pending.extend(items.iter().filter(|item| kind_of(*item) == "block"));
        let start = child_of_kind("block_start");
        let end = child_of_kind("block_end").filter(|end| !end.is_missing());
        if let (Some(start), Some(end), Some(first), Some(last)) = (start, end, items.first(), items.last()) {
            let (opening_row, closing_row) = (start.start_position().row, end.start_position().row);
            // Over several lines, the first item starts on a line of its own, and the block
            // closes on one ("Invalid single-argument block definition" otherwise).
            if opening_row < closing_row && last.end_position().row == closing_row {
                found.push(last.end_byte());
            } else if opening_row < closing_row && first.start_position().row == opening_row {
                found.push(first.start_byte());
            }
        }
    }
    found.sort_unstable();
    found
}

/// The names Terraform refuses though the grammar takes them: a resource or data source's type
/// or name, or a module call's, variable's or output's name, that is not an identifier
/// (`resource "aws_iam_role_policy" "1-sqs"`, "Invalid resource name"). Each as where its label
/// starts and what the label names. None in other languages.
pub fn hcl_invalid_names<'text>(tree: &Tree, text: &'text str) -> Vec<InvalidName<'text>> {
    let mut found = Vec::new();
    let root = tree.root_node();
    if root.kind() != "config_file" {
        return found;
    }
    let mut cursor = root.walk();
    let blocks = root
        .named_children(&mut cursor)
        .filter(|body| body.kind() == "body")
        .flat_map(|body| named_children(body).filter(|item| item.kind() == "block"));
    for block in blocks {
        let mut parts = named_children(block);
        let Some(keyword) = parts.next() else { continue };
        let (block, named): (&'static str, &[&'static str]) = match node_text(keyword, text) {
            "resource" => ("resource", &["type", "name"]),
            "data" => ("data source", &["type", "name"]),
            "module" => ("module", &["name"]),
            "variable" => ("variable", &["name"]),
            "output" => ("output", &["name"]),
            _ => continue,
        };
        let labels = parts.take_while(|part| matches!(part.kind(), "string_lit" | "identifier"));
        for (label, &part) in labels.zip(named) {
            let written = node_text(label, text);
            let name = written
                .strip_prefix('"')
                .and_then(|inner| inner.strip_suffix('"'))
                .unwrap_or(written);
            if !is_hcl_identifier(name) {
                found.push(InvalidName {
                    at: label.start_byte(),
                    block,
                    part,
                    name,
                });
            }
        }
    }
    found
}

/// A block label Terraform refuses as a name, and where it is written.
pub struct InvalidName<'text> {
    pub at: usize,
    /// What the block declares: "resource", "data source", "module", "variable" or "output".
    pub block: &'static str,
    /// Which of its labels: "type" or "name".
    pub part: &'static str,
    pub name: &'text str,
}

/// HCL's identifier: a letter or underscore, then letters, digits, underscores and dashes.
fn is_hcl_identifier(name: &str) -> bool {
    let mut characters = name.chars();
    characters
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && characters.all(|character| character.is_alphanumeric() || matches!(character, '_' | '-'))
}

/// Where the YAML aliases (`*name`) are that no anchor (`&name`) before them defines, in document
/// order; none in other languages.
pub fn undefined_aliases(tree: &Tree, text: &str) -> Vec<usize> {
    let mut undefined = Vec::new();
    if tree.root_node().kind() != "stream" || !text.contains('*') {
        return undefined;
    }
    let mut anchors = std::collections::HashSet::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        match node.kind() {
            "anchor" => {
                anchors.insert(node_text(node, text).trim_start_matches('&'));
            }
            "alias" if !anchors.contains(node_text(node, text).trim_start_matches('*')) => {
                undefined.push(node.start_byte())
            }
            _ => {}
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return undefined;
            }
        }
    }
}

/// Hand-written code never nests anywhere near this deep; a file that does is generated or hostile,
/// and the model's walks over its tree (which follow its nesting) are not risked on it.
pub const MAX_NESTING: usize = 400;

/// Whether the tree nests deeper than [`MAX_NESTING`] (found without recursion).
pub fn nests_too_deep(tree: &Tree) -> bool {
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        if depth > MAX_NESTING {
            return true;
        }
        // A subtree cannot nest deeper than it has nodes, and tree-sitter keeps that count: the
        // walk only goes down where a subtree is large enough to matter.
        let could_nest_too_deep = depth + cursor.node().descendant_count() > MAX_NESTING;
        if could_nest_too_deep && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// What infrafix looks up about a grammar on every node it reads, read once per run: tree-sitter's
/// own look-ups measure a C string on every `Node::kind`, and compare a field's name with every
/// field name of the grammar on every `Node::child_by_field_name`.
struct GrammarTable {
    language: Language,
    /// Kind names by kind id.
    kinds: Vec<String>,
    /// Field ids by name: asked on every field read, where a binary search's string comparisons
    /// cost a quarter of the read.
    fields: foldhash::HashMap<String, u16>,
}

impl GrammarTable {
    fn of(language: Language) -> Self {
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        let fields = (1..=language.field_count())
            .filter_map(|id| {
                let id = u16::try_from(id).ok()?;
                Some((language.field_name_for_id(id)?.to_owned(), id))
            })
            .collect();
        Self {
            language,
            kinds,
            fields,
        }
    }

    /// The table of the grammar `node` was parsed with.
    fn of_node(node: Node) -> Option<&'static Self> {
        static TABLES: OnceLock<Vec<GrammarTable>> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            [
                Dialect::TypeScript,
                Dialect::Tsx,
                Dialect::Hcl,
                Dialect::Yaml,
                Dialect::Json,
            ]
            .into_iter()
            .map(|dialect| Self::of(dialect.language()))
            .collect()
        });
        let language = node.language();
        tables.iter().find(|table| table.language == *language)
    }
}

/// A node's kind (`Node::kind`, from its grammar's table).
pub fn kind_of<'tree>(node: impl std::borrow::Borrow<Node<'tree>>) -> &'tree str {
    let node = *node.borrow();
    GrammarTable::of_node(node)
        .and_then(|table| table.kinds.get(usize::from(node.kind_id())))
        .map_or_else(|| node.kind(), String::as_str)
}

/// The kind names of the grammar `node` was parsed with, by kind id (empty for a grammar
/// infrafix does not know).
fn kind_names(node: Node) -> &'static [String] {
    GrammarTable::of_node(node).map_or(&[], |table| table.kinds.as_slice())
}

/// `Node::child_by_field_name`, with the field's id from the grammar's table.
pub trait Fields<'tree> {
    fn field(&self, name: &str) -> Option<Node<'tree>>;
}

impl<'tree> Fields<'tree> for Node<'tree> {
    fn field(&self, name: &str) -> Option<Node<'tree>> {
        let Some(table) = GrammarTable::of_node(*self) else {
            return self.child_by_field_name(name);
        };
        self.child_by_field_id(*table.fields.get(name)?)
    }
}

/// The source of a node, or "" where a range does not fall on the text (never for trees of `text`).
pub fn node_text<'a>(node: Node, text: &'a str) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

/// A node's named children, in order. All of them are listed before the first is given: the
/// nodes infrafix asks for their children (objects, argument lists, statement blocks) are small.
pub fn named_children<'tree>(node: Node<'tree>) -> impl Iterator<Item = Node<'tree>> {
    tree_reading::children(node).filter_map(|(child, named)| named.then_some(child))
}

/// The named nodes at and below `node`, in document order (`node` itself when it is named).
pub fn named_descendants<'tree>(node: Node<'tree>) -> impl Iterator<Item = Node<'tree>> {
    preorder(node, None).filter(|visit| visit.named).map(|visit| visit.node)
}

/// What a match is for: a construct the program model starts from, or a suppression comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Construct,
    Suppression,
}

type QueryText = (MatchKind, &'static str, &'static str);

/// What every suppression comment holds (`codemods/suppression.scm` matches on it).
const SUPPRESSION_MARKER: &str = "infrafix-ignore";

const SUPPRESSION_QUERY: QueryText = (
    MatchKind::Suppression,
    "codemods/suppression.scm",
    include_str!("../codemods/suppression.scm"),
);

/// All query files compiled into one query, so that a file is visited once for all of them.
struct CombinedQuery {
    query: Query,
    /// What each pattern's matches are for (the query file it comes from), by pattern index.
    kind_of_pattern: Vec<MatchKind>,
}

impl CombinedQuery {
    fn compile(dialect: Dialect) -> Result<Self> {
        let mut source = String::new();
        let mut starts = Vec::new();
        for &(kind, name, text) in dialect.query_files() {
            starts.push((source.len(), kind, name));
            source.push_str(text);
            source.push('\n');
        }
        let file_at = |offset: usize| starts.iter().rev().find(|(start, _, _)| *start <= offset).copied();
        let query = Query::new(&dialect.language(), &source).map_err(|error| {
            let name = file_at(error.offset).map_or("codemods", |(_, _, name)| name);
            anyhow!("compiling {name}: {error}")
        })?;
        let kind_of_pattern = (0..query.pattern_count())
            .map(|pattern| {
                file_at(query.start_byte_for_pattern(pattern)).map_or(MatchKind::Construct, |(_, kind, _)| kind)
            })
            .collect();
        Ok(Self { query, kind_of_pattern })
    }
}

fn combined_query(dialect: Dialect) -> Result<&'static CombinedQuery> {
    static HCL: OnceLock<Result<CombinedQuery, String>> = OnceLock::new();
    static YAML: OnceLock<Result<CombinedQuery, String>> = OnceLock::new();
    static JSON: OnceLock<Result<CombinedQuery, String>> = OnceLock::new();
    let cell = match dialect {
        Dialect::TypeScript | Dialect::Tsx | Dialect::JavaScript => {
            return Err(anyhow!("{dialect:?} files are read by their front end, not by queries"))
        }
        Dialect::Hcl => &HCL,
        Dialect::Yaml => &YAML,
        Dialect::Json => &JSON,
    };
    cell.get_or_init(|| CombinedQuery::compile(dialect).map_err(|error| format!("{error:#}")))
        .as_ref()
        .map_err(|message| anyhow!("{message}"))
}

/// One construct or suppression comment found in a file's one pass, with its captures by name.
#[derive(Debug, Clone)]
pub struct ScanMatch<'tree> {
    pub kind: MatchKind,
    pub captures: Vec<(&'static str, Node<'tree>)>,
}

impl<'tree> ScanMatch<'tree> {
    pub fn capture(&self, name: &str) -> Option<Node<'tree>> {
        self.captures
            .iter()
            .find(|(capture, _)| *capture == name)
            .map(|(_, node)| *node)
    }
}

/// Runs every query of the dialect over the tree once; an error for TypeScript, which its front end
/// walks instead.
pub fn scan<'tree>(tree: &'tree Tree, text: &str, dialect: Dialect) -> Result<Vec<ScanMatch<'tree>>> {
    let combined = combined_query(dialect)?;
    // The queries look for suppression comments only, which name their marker: most files have
    // none, and finding that out from the text costs a hundredth of running the queries.
    let suppressions_only = combined
        .kind_of_pattern
        .iter()
        .all(|kind| *kind == MatchKind::Suppression);
    if suppressions_only && memchr::memmem::find(text.as_bytes(), SUPPRESSION_MARKER.as_bytes()).is_none() {
        return Ok(Vec::new());
    }
    let names = combined.query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&combined.query, tree.root_node(), text.as_bytes());
    let mut found = Vec::new();
    while let Some(query_match) = matches.next() {
        found.push(ScanMatch {
            kind: combined.kind_of_pattern[query_match.pattern_index],
            captures: query_match
                .captures()
                .iter()
                .map(|capture| (names[capture.index as usize], capture.node))
                .collect(),
        });
    }
    Ok(found)
}

/// A scan's matches as byte ranges and node kinds: free of the tree's lifetime, so that the scan of
/// a file that a fixpoint pass did not change is kept for the next pass instead of run again.
#[derive(Debug, Clone)]
pub struct StoredScan {
    matches: Vec<(MatchKind, Vec<StoredCapture>)>,
}

#[derive(Debug, Clone)]
struct StoredCapture {
    name: &'static str,
    range: std::ops::Range<usize>,
    kind: u16,
}

impl StoredScan {
    pub fn of(matches: &[ScanMatch]) -> Self {
        let matches = matches
            .iter()
            .map(|found| {
                let captures = found
                    .captures
                    .iter()
                    .map(|(name, node)| StoredCapture {
                        name,
                        range: node.byte_range(),
                        kind: node.kind_id(),
                    })
                    .collect();
                (found.kind, captures)
            })
            .collect();
        Self { matches }
    }

    /// The matches again, as nodes of `tree` (the tree the scan was made on).
    pub fn restore<'tree>(&self, tree: &'tree Tree) -> Vec<ScanMatch<'tree>> {
        self.restore_where(tree, |_| true)
    }

    /// The matches of one kind again (see `restore`): finding each node searches the tree.
    pub fn restore_kind<'tree>(&self, tree: &'tree Tree, wanted: MatchKind) -> Vec<ScanMatch<'tree>> {
        self.restore_where(tree, |kind| kind == wanted)
    }

    fn restore_where<'tree>(&self, tree: &'tree Tree, keep: impl Fn(MatchKind) -> bool) -> Vec<ScanMatch<'tree>> {
        let root = tree.root_node();
        self.matches
            .iter()
            .filter(|(kind, _)| keep(*kind))
            .map(|(kind, captures)| ScanMatch {
                kind: *kind,
                captures: captures
                    .iter()
                    .filter_map(|capture| Some((capture.name, find_node(root, capture)?)))
                    .collect(),
            })
            .collect()
    }
}

/// The node with the capture's range and kind: the smallest node covering the range, or one of
/// its ancestors spanning the same bytes.
fn find_node<'tree>(root: Node<'tree>, capture: &StoredCapture) -> Option<Node<'tree>> {
    let mut node = root.descendant_for_byte_range(capture.range.start, capture.range.end)?;
    while node.kind_id() != capture.kind || node.byte_range() != capture.range {
        node = node.parent().filter(|parent| parent.byte_range() == capture.range)?;
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suppression_query_matches_only_comments_holding_the_marker_scan_looks_for() {
        // `scan` skips the query over a text without the marker: the query must not match more.
        let (_, _, query) = SUPPRESSION_QUERY;
        assert!(
            query.contains(&format!("(#match? @comment \"{SUPPRESSION_MARKER}\")")),
            "{query}"
        );
        let text = "# INFRAFIX-IGNORE: lambda-deprecated-runtime\nlocals {}\n";
        let tree = parse(text, Dialect::Hcl).expect("parses");
        assert!(scan(&tree, text, Dialect::Hcl).expect("scans").is_empty());
        let text = "# infrafix-ignore: lambda-deprecated-runtime\nlocals {}\n";
        let tree = parse(text, Dialect::Hcl).expect("parses");
        assert_eq!(scan(&tree, text, Dialect::Hcl).expect("scans").len(), 1);
    }

    #[test]
    fn yaml_aliases_count_as_errors_when_no_anchor_before_them_defines_them() {
        let count = |text: &str| error_count(&parse(text, Dialect::Yaml).expect("parses"), text);
        assert_eq!(count("a: &x 1\nb: *x\nc: \"*\"\n"), 0);
        assert_eq!(count("b: *x\na: &x 1\n"), 1);
        assert_eq!(count("a: 1\nb: *gone\nc: *gone\n"), 2);
    }

    #[test]
    fn kinds_and_fields_from_the_table_are_the_grammars_own() {
        let text = "import * as aws from \"@pulumi/aws\";\nconst f = new aws.lambda.Function(\"f\", { runtime: `go${1}.x` });\n";
        for dialect in [Dialect::TypeScript, Dialect::Tsx] {
            let tree = parse(text, dialect).expect("parses");
            let mut cursor = tree.walk();
            loop {
                let node = cursor.node();
                assert_eq!(kind_of(node), node.kind());
                for name in [
                    "name",
                    "value",
                    "body",
                    "arguments",
                    "function",
                    "object",
                    "property",
                    "nope",
                ] {
                    assert_eq!(node.field(name), node.child_by_field_name(name));
                }
                if cursor.goto_first_child() {
                    continue;
                }
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break;
                    }
                }
                if cursor.node() == tree.root_node() {
                    break;
                }
            }
        }
    }

    #[test]
    fn counts_syntax_errors() {
        let clean = parse("const a = { b: 1 };\n", Dialect::TypeScript).expect("parses");
        assert_eq!(error_count(&clean, ""), 0);
        let broken = parse("const a = { b: 1 ;\n", Dialect::TypeScript).expect("parses");
        assert!(error_count(&broken, "") > 0);
    }

    #[test]
    fn a_scan_finds_suppression_comments_and_leaves_typescript_to_its_front_end() {
        let text = "# infrafix-ignore: lambda-deprecated-runtime\nresource \"aws_sqs_queue\" \"q\" {}\n# plain\n";
        let tree = parse(text, Dialect::Hcl).expect("parses");
        let matches = scan(&tree, text, Dialect::Hcl).expect("queries compile");
        assert_eq!(matches.len(), 1);
        assert!(matches[0].kind == MatchKind::Suppression && matches[0].capture("comment").is_some());
        let script = parse("// infrafix-ignore: x\n", Dialect::TypeScript).expect("parses");
        assert!(scan(&script, "// infrafix-ignore: x\n", Dialect::TypeScript).is_err());
    }

    #[test]
    fn stored_scans_restore_the_same_nodes() {
        let text = "# infrafix-ignore: lambda-deprecated-runtime\nresource \"aws_sqs_queue\" \"q\" {\n  # infrafix-ignore-file: apigw-lambda-invoke-arn\n}\n";
        let tree = parse(text, Dialect::Hcl).expect("parses");
        let matches = scan(&tree, text, Dialect::Hcl).expect("queries compile");
        assert_eq!(matches.len(), 2);
        let restored = StoredScan::of(&matches).restore(&tree);
        assert_eq!(restored.len(), matches.len());
        for (original, again) in matches.iter().zip(&restored) {
            assert_eq!(original.captures, again.captures);
        }
    }

    #[test]
    fn finds_excessive_nesting_without_recursion() {
        let shallow = parse("const a = ((1));\n", Dialect::TypeScript).expect("parses");
        assert!(!nests_too_deep(&shallow));
        let deep_text = format!("const a = {}1{};\n", "(".repeat(20_000), ")".repeat(20_000));
        let deep = parse(&deep_text, Dialect::TypeScript).expect("parses");
        assert!(nests_too_deep(&deep));
    }

    #[test]
    fn declaration_files_are_not_sources() {
        assert_eq!(Dialect::of_path(Path::new("types.d.ts")), None);
        assert_eq!(Dialect::of_path(Path::new("index.ts")), Some(Dialect::TypeScript));
        assert_eq!(Dialect::of_path(Path::new("view.tsx")), Some(Dialect::Tsx));
    }
}
