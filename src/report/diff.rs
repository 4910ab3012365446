use std::fmt::Write;

use similar::{capture_diff_slices, group_diff_ops, Algorithm, DiffOp, DiffTag};

/// Lines of unchanged context around each change.
const CONTEXT_LINES: usize = 3;

/// The hunks of a unified diff between two texts (three lines of context), without the header
/// that names the file: a run keeps only these for each changed file, not the texts. The lines
/// are compared as they are; `similar`'s text diff would first hash every line of both texts
/// (past 100 lines, as a dense module is), which cost a dense run more than finding the changes.
pub fn diff_hunks(original: &str, fixed: &str) -> String {
    let old = lines(original);
    let new = lines(fixed);
    let mut hunks = String::new();
    let groups = group_diff_ops(capture_diff_slices(Algorithm::Myers, &old, &new), CONTEXT_LINES);
    for ops in &groups {
        if let (Some(first), Some(last)) = (ops.first(), ops.last()) {
            let _ = writeln!(
                hunks,
                "@@ -{} +{} @@",
                HunkRange(first.old_range().start, last.old_range().end),
                HunkRange(first.new_range().start, last.new_range().end)
            );
            write_hunk(&mut hunks, ops, &old, &new);
        }
    }
    // A run keeps every file's hunks to its end: without the room the string grew into.
    hunks.shrink_to_fit();
    hunks
}

/// A text's lines, each with its line break (`\n`, `\r\n` or a lone `\r`); the last may have none.
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        let end = match bytes[index] {
            b'\r' if bytes.get(index + 1) == Some(&b'\n') => index + 2,
            b'\r' | b'\n' => index + 1,
            _ => {
                index += 1;
                continue;
            }
        };
        lines.push(&text[start..end]);
        start = end;
        index = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A hunk's lines after its header: context, then what it removes and adds.
fn write_hunk(out: &mut String, ops: &[DiffOp], old: &[&str], new: &[&str]) {
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => write_lines(out, ' ', &old[old_range]),
            DiffTag::Delete => write_lines(out, '-', &old[old_range]),
            DiffTag::Insert => write_lines(out, '+', &new[new_range]),
            DiffTag::Replace => {
                write_lines(out, '-', &old[old_range]);
                write_lines(out, '+', &new[new_range]);
            }
        }
    }
}

fn write_lines(out: &mut String, marker: char, lines: &[&str]) {
    for line in lines {
        out.push(marker);
        out.push_str(line);
        if !line.ends_with(['\r', '\n']) {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

/// A hunk's line range as its header writes it: `start,count` from 1, `start` alone for one
/// line, and the line before for none.
struct HunkRange(usize, usize);

impl std::fmt::Display for HunkRange {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let HunkRange(start, end) = *self;
        match end.saturating_sub(start) {
            1 => write!(formatter, "{}", start + 1),
            0 => write!(formatter, "{start},0"),
            count => write!(formatter, "{},{count}", start + 1),
        }
    }
}

/// A git-style unified diff of one file: its header, then its hunks; nothing without hunks (two
/// texts that differ only in bytes their lossy decoding hides). An absolute path (a file outside
/// the working folder) loses its leading `/` after the `a/` and `b/` prefixes, as `git diff
/// --no-index` writes it: `a//tmp/x` is a path `git apply` refuses.
pub fn unified_diff(path: &str, hunks: &str) -> String {
    if hunks.is_empty() {
        return String::new();
    }
    let path = path.strip_prefix('/').unwrap_or(path);
    format!("--- a/{path}\n+++ b/{path}\n{hunks}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_git_headers_and_hunks() {
        let diff = unified_diff("src/index.ts", &diff_hunks("a\nb\nc\n", "a\nB\nc\n"));
        assert!(
            diff.starts_with("--- a/src/index.ts\n+++ b/src/index.ts\n@@ -1,3 +1,3 @@\n"),
            "{diff}"
        );
        assert!(diff.contains("-b\n+B\n"));
    }

    #[test]
    fn an_absolute_path_is_written_as_git_writes_it() {
        let diff = unified_diff("/tmp/app/index.ts", &diff_hunks("a\n", "b\n"));
        assert!(
            diff.starts_with("--- a/tmp/app/index.ts\n+++ b/tmp/app/index.ts\n"),
            "{diff}"
        );
    }

    /// The diff `similar` writes for two texts, which the hunks must equal.
    fn reference_hunks(original: &str, fixed: &str) -> String {
        similar::TextDiff::from_lines(original, fixed)
            .unified_diff()
            .context_radius(3)
            .to_string()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn hunks_are_those_of_similars_text_diff(
            original in proptest::collection::vec(proptest::sample::select(PIECES.to_vec()), 0..60),
            changes in proptest::collection::vec((0usize..60, proptest::option::of(proptest::sample::select(PIECES.to_vec()))), 0..8),
        ) {
            let mut fixed = original.clone();
            for (at, piece) in changes {
                let at = at.min(fixed.len());
                match piece {
                    Some(piece) => fixed.insert(at, piece),
                    None if at < fixed.len() => { fixed.remove(at); }
                    None => {}
                }
            }
            let (original, fixed) = (original.concat(), fixed.concat());
            proptest::prop_assert_eq!(diff_hunks(&original, &fixed), reference_hunks(&original, &fixed));
        }
    }

    /// Lines and line breaks of every kind, and text without one (a last line).
    const PIECES: [&str; 9] = ["a\n", "b\n", "c\n", "a", "é\r\n", "b\r", "\n", "\r\n", "  x: 1,\n"];

    #[test]
    fn long_texts_diff_as_similar_diffs_them() {
        // Over 100 lines, `similar` hashes lines first: the result must not change.
        let original: String = (0..400).map(|n| format!("line {}\n", n % 37)).collect();
        let fixed = original.replacen("line 5\n", "line five\n", 3).replace("line 30\n", "") + "tail";
        assert_eq!(diff_hunks(&original, &fixed), reference_hunks(&original, &fixed));
    }

    #[test]
    fn marks_a_missing_final_newline() {
        let diff = unified_diff("x.ts", &diff_hunks("a", "b"));
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
    }
}
