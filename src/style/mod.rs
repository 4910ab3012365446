//! The layout conventions of one file, detected once (like ruff's Stylist), so that inserted code
//! looks like the code around it: indentation unit, quotes, semicolons, trailing commas and line
//! endings. Every inserted line goes through a [`Style`]; see [`template`] for rendering code.

pub mod template;

use crate::syntax::Visit;
use tree_sitter::Language;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation: a tab, or some number of spaces.
    pub indent: String,
    pub quote: char,
    pub semicolons: bool,
    /// Whether multi-line lists and objects end with a comma after their last element.
    pub trailing_commas: bool,
    pub line_ending: &'static str,
}

impl Default for Style {
    /// What a file without evidence gets: the layout of `pulumi new` TypeScript templates.
    fn default() -> Self {
        Self {
            indent: "    ".to_owned(),
            quote: '"',
            semicolons: true,
            trailing_commas: true,
            line_ending: "\n",
        }
    }
}

impl Style {
    /// A string literal holding `value` (which must need no escaping: ids, names, paths).
    pub fn string(&self, value: &str) -> String {
        format!("{quote}{value}{quote}", quote = self.quote)
    }

    /// `indent` repeated `levels` times after `base`.
    pub fn indentation(&self, base: &str, levels: usize) -> String {
        format!("{base}{}", self.indent.repeat(levels))
    }

    pub fn statement_end(&self) -> &'static str {
        if self.semicolons {
            ";"
        } else {
            ""
        }
    }
}

/// What the nodes of a file say about its layout, gathered node by node so that a front end
/// walking the tree for other reasons counts them in the same walk.
#[derive(Debug, Default)]
pub struct StyleVotes {
    /// The grammar's ids of the kinds that vote, read from the first node visited: every node
    /// of a file is asked about, and comparing ids spares a name lookup per node.
    kinds: Option<VotingKinds>,
    single_quotes: usize,
    double_quotes: usize,
    with_semicolon: usize,
    without_semicolon: usize,
    with_trailing_comma: usize,
    without_trailing_comma: usize,
    /// The lists the walk is inside, innermost last. The walk visits a list's children right after
    /// the list itself, so their last two decide its vote without a walk of their own.
    open_lists: Vec<OpenList>,
}

/// A list being visited, and the last two of its children seen so far (comments left out).
#[derive(Debug)]
struct OpenList {
    depth: usize,
    last_item: Option<ListChild>,
    closing: Option<ListChild>,
}

#[derive(Debug, Clone, Copy)]
struct ListChild {
    comma: bool,
    named: bool,
    start: usize,
    end: usize,
}

const STATEMENTS: [&str; 6] = [
    "expression_statement",
    "lexical_declaration",
    "variable_declaration",
    "import_statement",
    "return_statement",
    "throw_statement",
];
const LISTS: [&str; 5] = ["object", "array", "arguments", "named_imports", "object_pattern"];
/// Statements that may stand in a `for (…; …)` header instead of on their own.
const DECLARATIONS: [&str; 2] = ["lexical_declaration", "variable_declaration"];

#[derive(Debug, Clone, Copy)]
struct VotingKinds {
    string: u16,
    comment: u16,
    comma: u16,
    statements: [u16; STATEMENTS.len()],
    lists: [u16; LISTS.len()],
    declarations: [u16; DECLARATIONS.len()],
}

impl VotingKinds {
    /// The kinds of `language`, looked up once per thread: finding a kind's id scans the grammar's
    /// every symbol name, which cost more than the votes of a whole file.
    fn of(language: &Language) -> Self {
        thread_local! {
            static KNOWN: std::cell::RefCell<Vec<(Language, VotingKinds)>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        KNOWN.with_borrow_mut(|known| match known.iter().find(|(known, _)| known == language) {
            Some((_, kinds)) => *kinds,
            None => {
                let kinds = Self::look_up(language);
                known.push((language.clone(), kinds));
                kinds
            }
        })
    }

    fn look_up(language: &Language) -> Self {
        let id = |kind: &str| language.id_for_node_kind(kind, true);
        Self {
            string: id("string"),
            comment: id("comment"),
            comma: language.id_for_node_kind(",", false),
            statements: STATEMENTS.map(id),
            lists: LISTS.map(id),
            declarations: DECLARATIONS.map(id),
        }
    }
}

impl StyleVotes {
    /// Counts what the visited node says. Every node of the tree is to be visited once, in the
    /// order `syntax::preorder` lists them (parents first, in document order).
    pub fn visit(&mut self, visit: &Visit, text: &str) {
        let kinds = *self
            .kinds
            .get_or_insert_with(|| VotingKinds::of(&visit.node.language()));
        let depth = visit.depth;
        while let Some(left) = self.open_lists.pop_if(|list| list.depth >= depth) {
            self.vote_on_trailing_comma(&left, text);
        }
        let kind = visit.kind_id;
        if let Some(list) = self.open_lists.last_mut().filter(|list| list.depth + 1 == depth) {
            if kind != kinds.comment {
                list.last_item = list.closing.replace(ListChild {
                    comma: kind == kinds.comma,
                    named: visit.named,
                    start: visit.start,
                    end: visit.end,
                });
            }
        }
        // `string` is also the anonymous keyword of the type `string`.
        if !visit.named {
            return;
        }
        let bytes = text.as_bytes();
        if kind == kinds.string {
            match bytes.get(visit.start) {
                Some(b'\'') => self.single_quotes += 1,
                Some(b'"') => self.double_quotes += 1,
                _ => {}
            }
            return;
        }
        let for_header = || {
            text.get(..visit.start)
                .is_some_and(|before| before.trim_end().ends_with('('))
        };
        if kinds.statements.contains(&kind) && !(kinds.declarations.contains(&kind) && for_header()) {
            // A statement's text ends where its last child does: with the `;`, when it has one.
            match visit.end.checked_sub(1).and_then(|last| bytes.get(last)) {
                Some(b';') => self.with_semicolon += 1,
                _ => self.without_semicolon += 1,
            }
        }
        if kinds.lists.contains(&kind) {
            self.open_lists.push(OpenList {
                depth,
                last_item: None,
                closing: None,
            });
        }
    }

    /// The style the votes make, defaults where nothing voted.
    pub fn style(mut self, text: &str) -> Style {
        while let Some(left) = self.open_lists.pop() {
            self.vote_on_trailing_comma(&left, text);
        }
        let defaults = Style::default();
        Style {
            indent: indent_unit(text).unwrap_or(defaults.indent),
            quote: if self.single_quotes > self.double_quotes {
                '\''
            } else {
                '"'
            },
            semicolons: self.with_semicolon >= self.without_semicolon,
            trailing_commas: if self.with_trailing_comma + self.without_trailing_comma == 0 {
                defaults.trailing_commas
            } else {
                self.with_trailing_comma >= self.without_trailing_comma
            },
            line_ending: crate::source::line_ending(text),
        }
    }

    /// Only a list whose closing bracket sits on its own line, after an item, says whether the author
    /// writes trailing commas: `f("a", {\n…\n})` hugs its last argument and has no place for one, and a
    /// comment before the bracket says nothing.
    fn vote_on_trailing_comma(&mut self, list: &OpenList, text: &str) {
        let (Some(item), Some(closing)) = (list.last_item, list.closing) else {
            return;
        };
        let on_an_earlier_line = text
            .get(item.end..closing.start)
            .is_some_and(|between| between.contains('\n'));
        match item {
            _ if !on_an_earlier_line => {}
            ListChild { comma: true, .. } => self.with_trailing_comma += 1,
            ListChild { named: true, .. } => self.without_trailing_comma += 1,
            _ => {}
        }
    }
}

/// The most common step between the indentation of a line and the deeper line after it.
fn indent_unit(text: &str) -> Option<String> {
    let mut tabs = 0;
    let mut steps = [0usize; 9];
    let mut previous = 0;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        if line.starts_with('\t') {
            tabs += 1;
            continue;
        }
        let width = line.len() - line.trim_start_matches(' ').len();
        if width > previous && width - previous <= 8 {
            steps[width - previous] += 1;
        }
        previous = width;
    }
    let (step, count) = steps
        .iter()
        .enumerate()
        .skip(1)
        .max_by_key(|(step, count)| (**count, usize::MAX - step))?;
    if tabs > *count {
        return Some("\t".to_owned());
    }
    (*count > 0).then(|| " ".repeat(step))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, preorder, Dialect};

    /// The layout of a whole file, its every node visited once.
    fn detect(text: &str) -> Style {
        let tree = parse(text, Dialect::TypeScript).expect("parses");
        let mut votes = StyleVotes::default();
        for visit in preorder(tree.root_node(), None) {
            votes.visit(&visit, text);
        }
        votes.style(text)
    }

    #[test]
    fn detects_prettier_defaults() {
        let style = detect(
            "import * as aws from \"@pulumi/aws\";\n\nconst a = {\n    b: 1,\n    c: [\n        1,\n    ],\n};\n",
        );
        assert_eq!(style, Style::default());
    }

    #[test]
    fn detects_two_spaces_single_quotes_no_semicolons_no_trailing_commas() {
        let style = detect("import * as aws from '@pulumi/aws'\n\nconst a = {\n  b: 'x',\n  c: {\n    d: 1\n  }\n}\n");
        assert_eq!(style.indent, "  ");
        assert_eq!(style.quote, '\'');
        assert!(!style.semicolons);
        assert!(!style.trailing_commas);
    }

    #[test]
    fn hugged_arguments_and_comment_only_objects_do_not_vote_on_trailing_commas() {
        let style =
            detect("new Role(\"a\", {\n    b: 1,\n}, {\n    // later\n});\nnew Role(\"c\", {\n    d: 2,\n});\n");
        assert!(style.trailing_commas);
    }

    #[test]
    fn detects_tabs_and_crlf() {
        let style = detect("const a = {\r\n\tb: 1,\r\n\tc: {\r\n\t\td: 2,\r\n\t},\r\n};\r\n");
        assert_eq!(style.indent, "\t");
        assert_eq!(style.line_ending, "\r\n");
    }
}
