//! A file's new text, and where it differs from the text it replaces. The spans come from the
//! edits that made the text, so whoever re-parses it is told exactly what changed instead of
//! comparing the two texts line by line again.

use std::ops::Range;

use super::Edit;

/// One replaced span: where it was in the old text, and how long its replacement is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedSpan {
    pub old: Range<usize>,
    pub new_len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    pub text: String,
    /// In the old text's order; none overlaps another.
    pub spans: Vec<ChangedSpan>,
}

impl TextChange {
    /// The text `edits` (sorted, none overlapping another) make of `old`.
    pub fn splice(old: &str, edits: &[Edit]) -> Self {
        let mut text = String::with_capacity(old.len());
        let mut spans = Vec::with_capacity(edits.len());
        let mut position = 0;
        for edit in edits {
            text.push_str(&old[position..edit.range.start]);
            text.push_str(&edit.replacement);
            position = edit.range.end;
            spans.push(ChangedSpan {
                old: edit.range.clone(),
                new_len: edit.replacement.len(),
            });
        }
        text.push_str(&old[position..]);
        Self { text, spans }
    }

    /// Each span with the range its replacement takes in the new text.
    pub fn spans_in_new_text(&self) -> impl Iterator<Item = (&ChangedSpan, Range<usize>)> {
        let (mut removed, mut added) = (0, 0);
        self.spans.iter().map(move |span| {
            // What came before the span grew by `added` and shrank by `removed`, which it held.
            let start = span.old.start - removed + added;
            removed += span.old.len();
            added += span.new_len;
            (span, start..start + span.new_len)
        })
    }

    /// The change that takes this change's text back to `old`, the text it was made from.
    pub fn undo(&self, old: &str) -> Self {
        let spans = self
            .spans_in_new_text()
            .map(|(span, new)| ChangedSpan {
                old: new,
                new_len: span.old.len(),
            })
            .collect();
        Self {
            text: old.to_owned(),
            spans,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn respliced(old: &str, change: &TextChange) -> String {
        let edits: Vec<Edit> = change
            .spans_in_new_text()
            .map(|(span, new)| Edit::replace(0, span.old.clone(), &change.text[new]))
            .collect();
        TextChange::splice(old, &edits).text
    }

    #[test]
    fn spans_say_where_each_replacement_went_and_undo_goes_back() {
        let old = "const a = 1;\nconst b = 2;\nconst c = 3;\n";
        let edits = [
            Edit::insert(0, 0, "// new\n"),
            Edit::replace(0, 10..11, "100"),
            Edit::delete(0, 13..26),
            Edit::replace(0, 36..37, "x"),
            Edit::insert(0, old.len(), "export {};\n"),
        ];
        let change = TextChange::splice(old, &edits);
        assert_eq!(change.text, "// new\nconst a = 100;\nconst c = x;\nexport {};\n");
        assert_eq!(respliced(old, &change), change.text);
        let undo = change.undo(old);
        assert_eq!(undo.text, old);
        assert_eq!(respliced(&change.text, &undo), old);
        assert_eq!(undo.undo(&change.text), change);
    }
}
