use similar::TextDiff;

/// The hunks of a unified diff between two texts (three lines of context), without the header
/// that names the file: a run keeps only these for each changed file, not the texts.
pub fn diff_hunks(original: &str, fixed: &str) -> String {
    TextDiff::from_lines(original, fixed)
        .unified_diff()
        .context_radius(3)
        .to_string()
}

/// A git-style unified diff of one file: its header, then its hunks; nothing without hunks (two
/// texts that differ only in bytes their lossy decoding hides).
pub fn unified_diff(path: &str, hunks: &str) -> String {
    if hunks.is_empty() {
        return String::new();
    }
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
    fn marks_a_missing_final_newline() {
        let diff = unified_diff("x.ts", &diff_hunks("a", "b"));
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
    }
}
