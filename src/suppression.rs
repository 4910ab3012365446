//! Suppression comments: `// infrafix-ignore: RULE[, RULE]` (`#` also in HCL) on the line above a
//! statement (a Terraform block or argument) covers every finding inside it;
//! `// infrafix-ignore-file: RULE` covers the whole file.

use std::ops::Range;

use tree_sitter::Node;

use crate::rules::RuleId;
use crate::syntax::{kind_of, node_text, MatchKind, ScanMatch};

const STATEMENT_MARKER: &str = "infrafix-ignore:";
const FILE_MARKER: &str = "infrafix-ignore-file:";

#[derive(Debug, Default, Clone)]
pub struct Suppressions {
    whole_file: Vec<RuleId>,
    statements: Vec<(Range<usize>, Vec<RuleId>)>,
    /// Ids in suppression comments that name no rule, with the comment's offset: worth a warning,
    /// since a misspelt id silently suppresses nothing.
    pub unknown_ids: Vec<(usize, String)>,
}

impl Suppressions {
    pub fn from_scan(matches: &[ScanMatch], text: &str) -> Self {
        let mut suppressions = Self::default();
        for comment in matches
            .iter()
            .filter(|m| m.kind == MatchKind::Suppression)
            .filter_map(|m| m.capture("comment"))
        {
            suppressions.add_comment(comment, text);
        }
        suppressions
    }

    fn add_comment(&mut self, comment: Node, text: &str) {
        let body = node_text(comment, text);
        // `#` starts a comment in HCL, which also takes `//`.
        let Some(body) = body
            .strip_prefix("//")
            .or_else(|| body.strip_prefix('#'))
            .map(str::trim_start)
        else {
            return;
        };
        if let Some(ids) = body.strip_prefix(FILE_MARKER) {
            let rules = self.rule_ids(without_reason(ids).split(','), comment.start_byte());
            self.whole_file.extend(rules);
        } else if let Some(ids) = body.strip_prefix(STATEMENT_MARKER) {
            let rules = self.rule_ids(without_reason(ids).split(','), comment.start_byte());
            if let Some(statement) = statement_below(comment, text) {
                self.statements.push((statement.byte_range(), rules));
            }
        }
    }

    /// Suppresses `ids` on the bytes of `statement`, as a comment above it would: for languages
    /// whose files have no comments (a JSON template's resource `Metadata`).
    /// An unknown id is reported at the statement's start.
    pub fn add_statement(&mut self, statement: Range<usize>, ids: &[String]) {
        let rules = self.rule_ids(ids.iter().map(String::as_str), statement.start);
        self.statements.push((statement, rules));
    }

    fn rule_ids<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>, offset: usize) -> Vec<RuleId> {
        let mut rules = Vec::new();
        for id in ids.into_iter().map(str::trim).filter(|id| !id.is_empty()) {
            match id.parse() {
                Ok(rule) => rules.push(rule),
                Err(_) => self.unknown_ids.push((offset, id.to_owned())),
            }
        }
        rules
    }

    pub fn covers(&self, rule: RuleId, offset: usize) -> bool {
        self.whole_file.contains(&rule)
            || self
                .statements
                .iter()
                .any(|(range, rules)| range.contains(&offset) && rules.contains(&rule))
    }
}

/// The rule ids of a suppression comment, without the reason written after them: after ` -- `
/// (`infrafix-ignore: RULE -- pinned until the SDK moves`), or after a second comment marker
/// (`# infrafix-ignore: RULE  # pinned …`). No rule id holds either.
fn without_reason(ids: &str) -> &str {
    let ends = [ids.find(" --"), ids.find('#'), ids.find("//")];
    ends.into_iter().flatten().min().map_or(ids, |end| &ids[..end])
}

const YAML_BLOCKS: [&str; 5] = [
    "block_mapping",
    "block_node",
    "block_mapping_pair",
    "block_sequence",
    "block_sequence_item",
];

/// The statement (or object property) that follows a comment standing alone on its line; a comment
/// that ends a line of code says nothing about the next statement.
fn statement_below<'tree>(comment: Node<'tree>, text: &str) -> Option<Node<'tree>> {
    let line_start = text[..comment.start_byte()]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    if !text[line_start..comment.start_byte()].trim().is_empty() {
        return None;
    }
    let mut next = comment.next_named_sibling();
    // YAML puts a comment between two entries at the end of the deepest block before it: the entry
    // below is the next one after the blocks it closes.
    let mut inside = comment;
    while next.is_none() {
        match inside.parent() {
            Some(parent) if YAML_BLOCKS.contains(&kind_of(parent)) => {
                next = parent.next_named_sibling();
                inside = parent;
            }
            _ => break,
        }
    }
    loop {
        match next {
            Some(node) if kind_of(node) == "comment" => next = node.next_named_sibling(),
            // In HCL, comments before a file's first block stand before the file's `body`, which
            // holds that block; in YAML, comments before a map's first entry stand before the map.
            Some(node) if matches!(kind_of(node), "body" | "document" | "block_node" | "block_mapping") => {
                next = node.named_child(0)
            }
            _ => return next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::typescript::FileFacts;
    use crate::syntax::{parse, scan, Dialect};

    fn suppressions(text: &str) -> Suppressions {
        suppressions_in(text, Dialect::TypeScript)
    }

    fn suppressions_in(text: &str, dialect: Dialect) -> Suppressions {
        let tree = parse(text, dialect).expect("parses");
        let matches = match dialect {
            dialect if dialect.is_read_by_typescript_front_end() => FileFacts::default().read(&tree, text),
            _ => scan(&tree, text, dialect).expect("queries compile"),
        };
        Suppressions::from_scan(&matches, text)
    }

    #[test]
    fn a_reason_after_the_rule_ids_is_no_rule_id() {
        let text = "# infrafix-ignore: lambda-deprecated-runtime -- pinned until the vendor SDK moves\nlegacy:\n  runtime: nodejs16.x\n# infrafix-ignore: lambda-reserved-concurrency-budget, lambda-deprecated-runtime  # agreed with the platform team\nbatch:\n  runtime: python3.8\n";
        let found = suppressions_in(text, Dialect::Yaml);
        let at = |needle: &str| text.find(needle).expect("present");
        assert!(found.unknown_ids.is_empty(), "{:?}", found.unknown_ids);
        assert!(found.covers(RuleId::LambdaDeprecatedRuntime, at("nodejs16.x")));
        assert!(found.covers(RuleId::LambdaDeprecatedRuntime, at("python3.8")));
        assert!(found.covers(RuleId::LambdaReservedConcurrencyBudget, at("python3.8")));
        let typescript = "// infrafix-ignore: lambda-deprecated-runtime // the vendor SDK pins Node 16\nexport const runtime = \"nodejs16.x\";\n";
        assert!(suppressions(typescript).unknown_ids.is_empty());
    }

    #[test]
    fn hcl_comments_cover_the_next_block_or_argument() {
        let text = "# infrafix-ignore: lambda-deprecated-runtime\nresource \"aws_lambda_function\" \"a\" {\n  runtime = \"go1.x\"\n}\n\nresource \"aws_lambda_function\" \"b\" {\n  // infrafix-ignore: lambda-deprecated-runtime\n  runtime = \"python3.8\"\n  handler = \"go1.x\"\n}\n\nresource \"aws_lambda_function\" \"c\" {\n  runtime = \"nodejs16.x\"\n}\n";
        let found = suppressions_in(text, Dialect::Hcl);
        let at = |needle: &str| text.find(needle).expect("present");
        assert!(found.covers(RuleId::LambdaDeprecatedRuntime, at("\"go1.x\"")));
        assert!(found.covers(RuleId::LambdaDeprecatedRuntime, at("python3.8")));
        assert!(!found.covers(RuleId::LambdaDeprecatedRuntime, at("handler")));
        assert!(!found.covers(RuleId::LambdaDeprecatedRuntime, at("nodejs16.x")));
    }

    #[test]
    fn covers_the_whole_next_statement_only() {
        let text = "// infrafix-ignore: lambda-deprecated-runtime\nconst f = new Fn(\"f\", {\n  runtime: \"go1.x\",\n});\nconst g = 1;\n";
        let found = suppressions(text);
        let inside = text.find("go1.x").expect("present");
        let after = text.find("const g").expect("present");
        assert!(found.covers(RuleId::LambdaDeprecatedRuntime, inside));
        assert!(!found.covers(RuleId::LambdaIamDependsOn, inside));
        assert!(!found.covers(RuleId::LambdaDeprecatedRuntime, after));
    }

    #[test]
    fn trailing_comment_suppresses_nothing_below() {
        let text = "const a = 1; // infrafix-ignore: lambda-deprecated-runtime\nconst b = \"go1.x\";\n";
        let found = suppressions(text);
        assert!(!found.covers(RuleId::LambdaDeprecatedRuntime, text.find("go1.x").expect("present")));
    }

    #[test]
    fn file_comment_and_unknown_ids() {
        let text = "// infrafix-ignore-file: lambda-deprecated-runtime, no-such-rule\nconst b = \"go1.x\";\n";
        let found = suppressions(text);
        assert!(found.covers(RuleId::LambdaDeprecatedRuntime, text.len() - 3));
        assert_eq!(found.unknown_ids.len(), 1);
        assert_eq!(found.unknown_ids[0].1, "no-such-rule");
    }
}
