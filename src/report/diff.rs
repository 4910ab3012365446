use similar::TextDiff;

/// A unified diff of one file with `a/` and `b/` headers, as `git apply` takes it.
pub fn unified_diff(path: &str, original: &str, fixed: &str) -> String {
    TextDiff::from_lines(original, fixed)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_git_headers_and_hunks() {
        let diff = unified_diff("src/index.ts", "a\nb\nc\n", "a\nB\nc\n");
        assert!(
            diff.starts_with("--- a/src/index.ts\n+++ b/src/index.ts\n@@ -1,3 +1,3 @@\n"),
            "{diff}"
        );
        assert!(diff.contains("-b\n+B\n"));
    }

    #[test]
    fn marks_a_missing_final_newline() {
        let diff = unified_diff("x.ts", "a", "b");
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
    }
}
