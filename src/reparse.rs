//! Re-parsing a file after the fixpoint changed its text. Fixes touch a few lines of a file, so
//! the old tree is told which lines changed and tree-sitter re-parses only around them: in a
//! project where most files get a fix, re-parsing every changed file from scratch on each pass
//! cost as much as reading the project in the first place.

use anyhow::Result;
use similar::{Algorithm, DiffOp, TextDiff};
use tree_sitter::{InputEdit, Point, Tree};

use crate::source::LineIndex;
use crate::syntax::{parse_from, Dialect};

/// The tree of `new_text`, from the tree of `old_text` it replaces.
pub fn reparse(old_tree: &Tree, old_text: &str, new_text: &str, dialect: Dialect) -> Result<Tree> {
    let mut tree = old_tree.clone();
    // Applied from the end of the file backwards, each edit's offsets hold in the old text as given.
    for edit in changed_lines(old_text, new_text).iter().rev() {
        tree.edit(edit);
    }
    parse_from(new_text, dialect, Some(&tree))
}

/// The runs of lines that differ between the two texts, as tree-sitter edits in the old text's
/// offsets, in file order.
fn changed_lines(old_text: &str, new_text: &str) -> Vec<InputEdit> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old_text, new_text);
    let old_lines = LineIndex::new(old_text);
    let new_lines = LineIndex::new(new_text);
    diff.ops()
        .iter()
        .filter(|op| !matches!(op, DiffOp::Equal { .. }))
        .map(|op| {
            let (old_range, new_range) = (op.old_range(), op.new_range());
            let start = old_lines.line_start(old_range.start);
            let old_end = old_lines.line_start(old_range.end);
            let inserted = &new_text[new_lines.line_start(new_range.start)..new_lines.line_start(new_range.end)];
            let start_position = point(&old_lines, start);
            InputEdit {
                start_byte: start,
                old_end_byte: old_end,
                new_end_byte: start + inserted.len(),
                start_position,
                old_end_position: point(&old_lines, old_end),
                new_end_position: point_after(start_position, inserted),
            }
        })
        .collect()
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
    use crate::syntax::parse;

    fn same_tree(old_text: &str, new_text: &str, dialect: Dialect) {
        let old_tree = parse(old_text, dialect).expect("parses");
        let reparsed = reparse(&old_tree, old_text, new_text, dialect).expect("re-parses");
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
    fn templates_reparse_too() {
        let old = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: go1.x\n";
        same_tree(old, &old.replace("go1.x", "provided.al2023"), Dialect::Yaml);
        same_tree(old, &format!("{old}      Handler: bootstrap"), Dialect::Yaml);
    }
}
