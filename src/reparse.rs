//! Re-parsing a file after the fixpoint changed its text. Fixes touch a few spans of a file, and
//! the edits that made the new text say which: the old tree is told of them and tree-sitter
//! re-parses only around them. In a project where most files get a fix, re-parsing every changed
//! file from scratch on each pass cost as much as reading the project in the first place.

use anyhow::Result;
use tree_sitter::{InputEdit, Point, Tree};

use crate::fix::TextChange;
use crate::source::LineIndex;
use crate::syntax::{parse_from, Dialect};

/// The tree of `change`'s text, from the tree of `old_text`, the text it was made from.
pub fn reparse(old_tree: &Tree, old_text: &str, change: &TextChange, dialect: Dialect) -> Result<Tree> {
    let old_lines = LineIndex::new(old_text);
    let edits: Vec<InputEdit> = change
        .spans_in_new_text()
        .map(|(span, new)| {
            let start_position = point(&old_lines, span.old.start);
            InputEdit {
                start_byte: span.old.start,
                old_end_byte: span.old.end,
                new_end_byte: span.old.start + span.new_len,
                start_position,
                old_end_position: point(&old_lines, span.old.end),
                new_end_position: point_after(start_position, &change.text[new]),
            }
        })
        .collect();
    let mut tree = old_tree.clone();
    // Applied from the end of the file backwards, each edit's offsets hold in the old text as given.
    for edit in edits.iter().rev() {
        tree.edit(edit);
    }
    parse_from(&change.text, dialect, Some(&tree))
}

fn point(lines: &LineIndex, offset: usize) -> Point {
    let (row, column) = lines.byte_position(offset);
    Point { row, column }
}

/// Where `inserted`, written at `start`, ends.
fn point_after(start: Point, inserted: &str) -> Point {
    match inserted.rfind('\n') {
        Some(last_break) => Point {
            row: start.row + inserted.matches('\n').count(),
            column: inserted.len() - last_break - 1,
        },
        None => Point {
            row: start.row,
            column: start.column + inserted.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;
    use crate::syntax::parse;

    /// The new text as one edit of the old one: the span between their common start and end.
    fn change_between(old_text: &str, new_text: &str) -> TextChange {
        let common_start = old_text
            .bytes()
            .zip(new_text.bytes())
            .take_while(|(old, new)| old == new)
            .count();
        let common_end = old_text
            .bytes()
            .rev()
            .zip(new_text.bytes().rev())
            .take(old_text.len().min(new_text.len()) - common_start)
            .take_while(|(old, new)| old == new)
            .count();
        let edit = Edit::replace(
            0,
            common_start..old_text.len() - common_end,
            &new_text[common_start..new_text.len() - common_end],
        );
        TextChange::splice(old_text, &[edit])
    }

    fn same_tree(old_text: &str, new_text: &str, dialect: Dialect) {
        let old_tree = parse(old_text, dialect).expect("parses");
        let change = change_between(old_text, new_text);
        assert_eq!(change.text, new_text);
        let reparsed = reparse(&old_tree, old_text, &change, dialect).expect("re-parses");
        let fresh = parse(new_text, dialect).expect("parses");
        assert_eq!(
            reparsed.root_node().to_sexp(),
            fresh.root_node().to_sexp(),
            "{new_text}"
        );
        assert_eq!(reparsed.root_node().end_byte(), new_text.len());
    }

    #[test]
    fn a_reparsed_tree_is_the_tree_of_the_new_text() {
        let old = "import * as aws from \"@pulumi/aws\";\n\nconst role = new aws.iam.Role(\"r\", {});\nexport const f = new aws.lambda.Function(\"f\", {\n    runtime: \"go1.x\",\n    role: role.arn,\n});\n";
        let edits = [
            old.replace("go1.x", "provided.al2023"),
            old.replace("    role: role.arn,\n", ""),
            format!("import * as pulumi from \"@pulumi/pulumi\";\n{old}const extra = 1;"),
            old.replace("});\n", "}, { dependsOn: [role] });\n"),
            old.replace('\n', "\r\n"),
            String::new(),
            old.trim_end().to_owned(),
            // A fix that breaks the syntax, and the way back from it.
            old.replace("role: role.arn,", "role: role.arn, (("),
        ];
        for new in &edits {
            same_tree(old, new, Dialect::TypeScript);
            same_tree(new, old, Dialect::TypeScript);
        }
    }

    #[test]
    fn a_change_of_several_spans_and_its_undo_reparse() {
        let old = "import * as aws from \"@pulumi/aws\";\n\nconst role = new aws.iam.Role(\"r\", {});\nexport const f = new aws.lambda.Function(\"f\", {\n    runtime: \"go1.x\",\n    role: role.arn,\n});\n";
        let runtime = old.find("go1.x").expect("in the text");
        let closing = old.rfind("});").expect("in the text");
        let edits = [
            Edit::insert(0, 0, "import * as pulumi from \"@pulumi/pulumi\";\n"),
            Edit::replace(0, runtime..runtime + "go1.x".len(), "provided.al2023"),
            Edit::insert(0, runtime + "go1.x\",\n".len(), "    handler: \"bootstrap\",\n"),
            Edit::replace(0, closing..closing + 2, "}, { dependsOn: [role] })"),
        ];
        let change = TextChange::splice(old, &edits);
        let old_tree = parse(old, Dialect::TypeScript).expect("parses");
        let reparsed = reparse(&old_tree, old, &change, Dialect::TypeScript).expect("re-parses");
        let fresh = parse(&change.text, Dialect::TypeScript).expect("parses");
        assert_eq!(reparsed.root_node().to_sexp(), fresh.root_node().to_sexp());
        let undo = change.undo(old);
        let back = reparse(&reparsed, &change.text, &undo, Dialect::TypeScript).expect("re-parses");
        assert_eq!(back.root_node().to_sexp(), old_tree.root_node().to_sexp());
        assert_eq!(back.root_node().end_byte(), old.len());
    }

    #[test]
    fn templates_reparse_too() {
        let old = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: go1.x\n";
        same_tree(old, &old.replace("go1.x", "provided.al2023"), Dialect::Yaml);
        same_tree(old, &format!("{old}      Handler: bootstrap"), Dialect::Yaml);
    }
}
