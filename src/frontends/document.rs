//! A YAML or JSON syntax tree read into one shape: maps, lists, scalars and tagged values
//! (`!Ref Name`), each with the bytes it spans. Read once per file; a CloudFormation template's
//! graph and edits, and the Pulumi stack files a program's configuration comes from, work on
//! this, never on the grammar's node kinds.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::syntax::{kind_of, named_children, named_descendants, node_text, Fields};

/// The YAML merge key (`<<: *base`): the map holds the anchored map's entries too, under its own.
pub const MERGE_KEY: &str = "<<";

/// How many merge keys deep an entry is looked for: an anchored map may merge another.
const MAX_MERGE_DEPTH: usize = 8;

#[derive(Debug, Clone)]
pub struct Value {
    /// The bytes of the value, tag and quotes included.
    pub range: Range<usize>,
    pub kind: ValueKind,
}

#[derive(Debug, Clone)]
pub enum ValueKind {
    Map(Map),
    List(List),
    Scalar(Scalar),
    /// A YAML tag and what it applies to: `!GetAtt Role.Arn` (the short form of an intrinsic).
    Tagged {
        tag: String,
        value: Box<Value>,
    },
    /// What no rule reads: a block scalar (`|`), an alias (but a merge key's), an empty value.
    Other,
}

/// How a map or a list is written, which decides how an entry is added or taken out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// YAML block style: one entry per line, nesting by indentation.
    Block,
    /// YAML flow style (`{A: 1}`, `[a, b]`) or JSON: entries between brackets, separated by commas.
    Flow,
}

#[derive(Debug, Clone)]
pub struct Map {
    pub layout: Layout,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct List {
    pub layout: Layout,
    pub items: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: Value,
    /// The key and its value.
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Scalar {
    /// The value as YAML or JSON reads it (quotes removed, escapes resolved).
    pub text: String,
    /// The bytes between the quotes (the whole scalar when it is not quoted): what an edit of the
    /// value replaces, keeping the quotes as they are.
    pub content: Range<usize>,
}

impl Value {
    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            ValueKind::Map(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&List> {
        match &self.kind {
            ValueKind::List(list) => Some(list),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            ValueKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The text of a scalar value.
    pub fn text(&self) -> Option<&str> {
        self.as_scalar().map(|scalar| scalar.text.as_str())
    }

    /// The value under `key`, when this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.entry(key).map(|entry| &entry.value)
    }
}

impl Map {
    /// The entry for `key`: the map's own, else one a merge key brings in (`<<: *base`, or
    /// `<<: [*a, *b]`, where the earlier map wins), written where its anchor is.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entry_within(key, MAX_MERGE_DEPTH)
    }

    /// Whether a merge key of the map (or of a map it merges) brings in something `entry` cannot
    /// see into: an alias of no anchor read, a scalar, merges nested too deep.
    pub fn merges_unread(&self) -> bool {
        self.merges_unread_within(MAX_MERGE_DEPTH)
    }

    fn merges_unread_within(&self, depth: usize) -> bool {
        let Some(merged) = self.entries.iter().find(|entry| entry.key == MERGE_KEY) else {
            return false;
        };
        let Some(depth) = depth.checked_sub(1) else {
            return true;
        };
        let unread = |value: &Value| value.as_map().is_none_or(|map| map.merges_unread_within(depth));
        match &merged.value.kind {
            ValueKind::List(list) => list.items.iter().any(unread),
            _ => unread(&merged.value),
        }
    }

    fn entry_within(&self, key: &str, depth: usize) -> Option<&Entry> {
        if let Some(own) = self.entries.iter().find(|entry| entry.key == key) {
            return Some(own);
        }
        let merged = &self.entries.iter().find(|entry| entry.key == MERGE_KEY)?.value;
        let depth = depth.checked_sub(1)?;
        match &merged.kind {
            ValueKind::Map(map) => map.entry_within(key, depth),
            ValueKind::List(list) => list
                .items
                .iter()
                .find_map(|item| item.as_map()?.entry_within(key, depth)),
            _ => None,
        }
    }
}

impl Value {
    /// The value with every range it holds moved `by` bytes on: a value read from another file,
    /// set apart from this file's bytes (see the CloudFormation front end's resource includes).
    pub fn shifted(mut self, by: usize) -> Value {
        self.shift(by);
        self
    }

    fn shift(&mut self, by: usize) {
        let move_range = |range: &mut Range<usize>| *range = range.start + by..range.end + by;
        move_range(&mut self.range);
        match &mut self.kind {
            ValueKind::Map(map) => {
                for entry in &mut map.entries {
                    move_range(&mut entry.key_range);
                    move_range(&mut entry.range);
                    entry.value.shift(by);
                }
            }
            ValueKind::List(list) => list.items.iter_mut().for_each(|item| item.shift(by)),
            ValueKind::Scalar(scalar) => move_range(&mut scalar.content),
            ValueKind::Tagged { value, .. } => value.shift(by),
            ValueKind::Other => {}
        }
    }
}

impl Value {
    /// Where the value's own text ends: YAML counts the comments and blank lines after a block's
    /// last entry into the block, though they stand before what follows it.
    pub fn content_end(&self) -> usize {
        let last = match &self.kind {
            ValueKind::Map(map) => map.entries.last().map(|entry| entry.content_end()),
            ValueKind::List(list) => list.items.last().map(Value::content_end),
            ValueKind::Tagged { value, .. } => Some(value.content_end()),
            _ => None,
        };
        match last {
            Some(end) if self.is_block() => end,
            _ => self.range.end,
        }
    }

    /// How many values this one holds, itself included.
    fn size(&self) -> usize {
        1 + self.children().map(Value::size).sum::<usize>()
    }

    fn is_block(&self) -> bool {
        match &self.kind {
            ValueKind::Map(map) => map.layout == Layout::Block,
            ValueKind::List(list) => list.layout == Layout::Block,
            ValueKind::Tagged { value, .. } => value.is_block(),
            _ => false,
        }
    }
}

impl Entry {
    pub fn content_end(&self) -> usize {
        // A merge key's value is read where its anchor is: the entry ends where it is written.
        if !(self.range.start <= self.value.range.start && self.value.range.end <= self.range.end) {
            return self.range.end;
        }
        self.value.content_end().max(self.key_range.end)
    }
}

impl Value {
    /// The map entry spanning exactly `range` (key and value), below this value: its map and
    /// its index there.
    pub fn find_entry(&self, range: &Range<usize>) -> Option<(&Value, usize)> {
        self.find_member(range, true)
    }

    /// The list item spanning exactly `range`, below this value: its list and its index there.
    pub fn find_item(&self, range: &Range<usize>) -> Option<(&Value, usize)> {
        self.find_member(range, false)
    }

    /// The outermost value spanning exactly `range`.
    pub fn find_value(&self, range: &Range<usize>) -> Option<&Value> {
        if self.range == *range {
            return Some(self);
        }
        self.children()
            .find(|child| child.range.start <= range.start && range.end <= child.range.end)
            .and_then(|child| child.find_value(range))
    }

    fn find_member(&self, range: &Range<usize>, entry: bool) -> Option<(&Value, usize)> {
        if range.start < self.range.start || range.end > self.range.end {
            return None;
        }
        let here = match (&self.kind, entry) {
            (ValueKind::Map(map), true) => map.entries.iter().position(|member| member.range == *range),
            (ValueKind::List(list), false) => list.items.iter().position(|member| member.range == *range),
            _ => None,
        };
        if let Some(index) = here {
            return Some((self, index));
        }
        self.children().find_map(|child| child.find_member(range, entry))
    }

    fn children(&self) -> Box<dyn Iterator<Item = &Value> + '_> {
        match &self.kind {
            ValueKind::Map(map) => Box::new(map.entries.iter().map(|entry| &entry.value)),
            ValueKind::List(list) => Box::new(list.items.iter()),
            ValueKind::Tagged { value, .. } => Box::new(std::iter::once(value.as_ref())),
            _ => Box::new(std::iter::empty()),
        }
    }
}

/// The value a YAML or JSON syntax tree holds: the first document's for YAML. `None` for an empty
/// file.
pub fn read(root: Node, text: &str) -> Option<Value> {
    match kind_of(root) {
        // YAML: stream → document → block_node or flow_node. A stream of several documents is no
        // template: CloudFormation and cfn-lint read exactly one.
        "stream" => {
            let mut documents = named_children(root).filter(|child| kind_of(child) == "document");
            let document = documents.next()?;
            if documents.next().is_some() {
                return None;
            }
            // Directives (`%YAML 1.2`) and comments come before the document's value.
            let body = named_children(document).find(|child| matches!(kind_of(child), "block_node" | "flow_node"))?;
            Some(Reader::new(text).value(body))
        }
        // JSON: document → value.
        _ => {
            let body = named_children(root).find(|child| kind_of(child) != "comment")?;
            Some(Reader::new(text).value(body))
        }
    }
}

/// The YAML nodes that carry an anchor some alias repeats (`&shared` … `*shared`), by name: one
/// written value that stands in several places, so that an edit of it changes all of them.
pub fn aliased_anchors(root: Node, text: &str) -> Vec<(String, Range<usize>)> {
    // JSON has neither; YAML without an `&` has no anchor.
    if kind_of(root) != "stream" || !text.contains('&') {
        return Vec::new();
    }
    let mut anchored = Vec::new();
    let mut aliased = std::collections::HashSet::new();
    for node in named_descendants(root) {
        match kind_of(node) {
            "anchor" => {
                if let Some(holder) = node.parent() {
                    let name = node_text(node, text).trim_start_matches('&').to_owned();
                    anchored.push((name, holder.byte_range()));
                }
            }
            "alias" => {
                aliased.insert(node_text(node, text).trim_start_matches('*').to_owned());
            }
            _ => {}
        }
    }
    anchored.retain(|(name, _)| aliased.contains(name));
    anchored
}

/// Reads one document, keeping the values its anchors name (`&base`) for the merge keys after
/// them (`<<: *base`): a merge key's alias reads as the map it repeats, spanning the anchor's
/// bytes, so that what a rule reads through it is written (and guarded from edits) there. Any
/// other alias stays unknown: edits place text by the bytes a value spans, and an alias's value
/// would span its anchor's.
struct Reader<'text> {
    text: &'text str,
    anchors: HashMap<String, Value>,
    /// Whether the value being read is a merge key's, whose aliases are read.
    in_merge_key: bool,
    /// How many more values aliases may repeat: aliases of aliases grow a document's values
    /// exponentially (the "billion laughs"), and past this they read as unknown.
    repeats_left: usize,
}

/// The values every alias of a document may repeat together.
const MAX_REPEATED_VALUES: usize = 100_000;

impl<'text> Reader<'text> {
    fn new(text: &'text str) -> Self {
        Self {
            text,
            anchors: HashMap::new(),
            in_merge_key: false,
            repeats_left: MAX_REPEATED_VALUES,
        }
    }

    /// The value an alias repeats, while the document may repeat that many more.
    fn repeat(&mut self, name: &str) -> Option<Value> {
        let anchored = self.anchors.get(name)?;
        self.repeats_left = self.repeats_left.checked_sub(anchored.size())?;
        Some(anchored.clone())
    }

    fn value(&mut self, node: Node) -> Value {
        let text = self.text;
        let range = node.byte_range();
        let kind = match kind_of(node) {
            // YAML wraps every value in a node that may also hold its tag.
            "block_node" | "flow_node" => return self.wrapped(node),
            "block_mapping" => ValueKind::Map(self.map(node, Layout::Block)),
            "flow_mapping" | "object" => ValueKind::Map(self.map(node, Layout::Flow)),
            "block_sequence" => ValueKind::List(self.list(node, Layout::Block)),
            "flow_sequence" | "array" => ValueKind::List(self.list(node, Layout::Flow)),
            "plain_scalar" | "number" | "true" | "false" => ValueKind::Scalar(Scalar {
                text: node_text(node, text).to_owned(),
                content: range.clone(),
            }),
            "double_quote_scalar" | "single_quote_scalar" | "string" => quoted_scalar(node, text),
            // An alias of an anchor not read before it (YAML forbids that) is unknown.
            "alias" if self.in_merge_key => {
                let name = node_text(node, text).trim_start_matches('*');
                return self.repeat(name).unwrap_or(Value {
                    range,
                    kind: ValueKind::Other,
                });
            }
            _ => ValueKind::Other,
        };
        Value { range, kind }
    }

    /// A YAML `block_node` or `flow_node`: its tag, anchor and value.
    fn wrapped(&mut self, node: Node) -> Value {
        let text = self.text;
        let children: Vec<Node> = named_children(node)
            .filter(|child| kind_of(child) != "comment")
            .collect();
        let tag = children.iter().find(|child| kind_of(**child) == "tag");
        let anchor = children.iter().find(|child| kind_of(**child) == "anchor");
        let inner = children
            .iter()
            .find(|child| !matches!(kind_of(**child), "tag" | "anchor"))
            .map(|child| self.value(*child));
        let inner = inner.unwrap_or(Value {
            range: node.end_byte()..node.end_byte(),
            kind: ValueKind::Other,
        });
        // YAML's own tags (`!!str`, `!!map`) say what the value already is.
        let tag = tag.filter(|tag| !node_text(**tag, text).starts_with("!!"));
        let value = match tag {
            Some(tag) => Value {
                range: node.byte_range(),
                kind: ValueKind::Tagged {
                    tag: node_text(*tag, text).to_owned(),
                    value: Box::new(inner),
                },
            },
            None => inner,
        };
        if let Some(anchor) = anchor {
            let name = node_text(*anchor, text).trim_start_matches('&').to_owned();
            self.anchors.insert(name, value.clone());
        }
        value
    }

    fn map(&mut self, node: Node, layout: Layout) -> Map {
        let text = self.text;
        let entries = named_children(node)
            .filter(|child| matches!(kind_of(child), "block_mapping_pair" | "flow_pair" | "pair"))
            .filter_map(|pair| {
                let key = pair.field("key")?;
                let key_value = self.value(key);
                let key_text = match &key_value.kind {
                    ValueKind::Scalar(scalar) => scalar.text.clone(),
                    _ => node_text(key, text).to_owned(),
                };
                let value = match pair.field("value") {
                    Some(value) => {
                        let outer = std::mem::replace(&mut self.in_merge_key, key_text == MERGE_KEY);
                        let value = self.value(value);
                        self.in_merge_key = outer;
                        value
                    }
                    None => Value {
                        range: pair.end_byte()..pair.end_byte(),
                        kind: ValueKind::Other,
                    },
                };
                Some(Entry {
                    key: key_text,
                    key_range: key.byte_range(),
                    value,
                    range: pair.byte_range(),
                })
            })
            .collect();
        Map { layout, entries }
    }

    fn list(&mut self, node: Node, layout: Layout) -> List {
        let items = named_children(node)
            .filter(|child| kind_of(child) != "comment")
            .map(|child| match kind_of(child) {
                // `- value`: the item's value, without the dash.
                "block_sequence_item" => match named_children(child).find(|inner| kind_of(inner) != "comment") {
                    Some(inner) => self.value(inner),
                    None => Value {
                        range: child.end_byte()..child.end_byte(),
                        kind: ValueKind::Other,
                    },
                },
                _ => self.value(child),
            })
            .collect();
        List { layout, items }
    }
}

fn quoted_scalar(node: Node, text: &str) -> ValueKind {
    let written = node_text(node, text);
    if written.len() < 2 {
        return ValueKind::Other;
    }
    let content = node.start_byte() + 1..node.end_byte() - 1;
    let inner = &written[1..written.len() - 1];
    let decoded = match written.starts_with('\'') {
        true => inner.replace("''", "'"),
        false => unescape(inner),
    };
    ValueKind::Scalar(Scalar { text: decoded, content })
}

/// The common escapes of YAML double-quoted scalars and JSON strings; others stay as written,
/// which only matters for values no rule compares (runtime ids and names have none).
fn unescape(inner: &str) -> String {
    let mut decoded = String::with_capacity(inner.len());
    let mut characters = inner.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            decoded.push(character);
            continue;
        }
        match characters.next() {
            Some('n') => decoded.push('\n'),
            Some('t') => decoded.push('\t'),
            Some(other @ ('"' | '\\' | '/')) => decoded.push(other),
            Some(other) => {
                decoded.push('\\');
                decoded.push(other);
            }
            None => decoded.push('\\'),
        }
    }
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, Dialect};

    fn read_text(text: &str, dialect: Dialect) -> Value {
        let tree = parse(text, dialect).expect("parses");
        read(tree.root_node(), text).expect("has a value")
    }

    #[test]
    fn a_stream_of_several_documents_is_no_template() {
        let template = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n";
        for (text, single) in [
            (format!("---\n{template}"), true),
            (format!("# a comment\n---\n{template}...\n"), true),
            (format!("{template}---\nother: document\n"), false),
            (format!("---\n{template}---\n{template}"), false),
        ] {
            let tree = parse(&text, Dialect::Yaml).expect("parses");
            assert_eq!(read(tree.root_node(), &text).is_some(), single, "{text}");
        }
    }

    #[test]
    fn yaml_and_json_read_into_the_same_shape() {
        let yaml = "Resources:\n  Fn:\n    Properties:\n      Runtime: 'go1.x'\n      Role: !GetAtt Role.Arn\n      Layers: [a, \"b\"]\n";
        let json = r#"{"Resources": {"Fn": {"Properties": {"Runtime": "go1.x", "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Layers": ["a", "b"]}}}}"#;
        for (text, dialect) in [(yaml, Dialect::Yaml), (json, Dialect::Json)] {
            let root = read_text(text, dialect);
            let properties = root
                .get("Resources")
                .and_then(|resources| resources.get("Fn"))
                .and_then(|function| function.get("Properties"))
                .expect("properties");
            let runtime = properties.get("Runtime").and_then(Value::as_scalar).expect("runtime");
            assert_eq!(runtime.text, "go1.x");
            assert_eq!(&text[runtime.content.clone()], "go1.x");
            let layers = properties.get("Layers").and_then(Value::as_list).expect("layers");
            assert_eq!(layers.layout, Layout::Flow);
            assert_eq!(layers.items.len(), 2);
        }
        let root = read_text(yaml, Dialect::Yaml);
        let role = root
            .get("Resources")
            .and_then(|resources| resources.get("Fn"))
            .and_then(|function| function.get("Properties"))
            .and_then(|properties| properties.get("Role"))
            .expect("role");
        let ValueKind::Tagged { tag, value } = &role.kind else {
            panic!("a tagged value: {role:?}")
        };
        assert_eq!((tag.as_str(), value.text()), ("!GetAtt", Some("Role.Arn")));
    }
}
