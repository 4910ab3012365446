//! Entries of a list written one per line with comments among them (`# logs` above the ARN it
//! describes): an entry owns the comments on the lines right above it (`#`, `//` or `/* … */`,
//! see `first_comment_above`; one a blank line sets apart heads what follows, and stays), so a
//! new first entry goes above the first entry's comments, and an entry moved first takes its
//! comments along.

use super::super::values::{list_items, list_node};
use super::super::{Located, TerraformProject};
use crate::fix::Edit;
use crate::source::line_range;

/// The lines an entry of a list owns.
struct EntryLines {
    /// Where the first comment line right above the entry starts (its own line where none).
    start: usize,
    /// Where the entry's expression ends.
    entry_end: usize,
    /// Past the line break ending the entry's line.
    end: usize,
    /// Whether a comma follows the entry on its line.
    has_comma: bool,
}

impl<'a> TerraformProject<'a> {
    /// The edits that put `entry` first in a list written one entry per line that holds comments:
    /// on a line of its own above the first entry and the comment lines describing it. `None`
    /// for a list not written so.
    pub(super) fn prepend_above_comments(&self, value: Located<'a>, entry: &str) -> Option<Vec<Edit>> {
        let (list, first) = self.commented_list(value)?;
        let indent = self.line_indent(first)?;
        let lines = self.entry_lines(list, first)?;
        let newline = self.newline(list.file);
        Some(vec![Edit::insert(
            list.file,
            lines.start,
            format!("{indent}{entry},{newline}"),
        )])
    }

    /// The edits that move the entry `moved` of such a list first, with the comment lines above
    /// it and a comment ending its line; a comma is written after it where it had none (it was
    /// last). `None` for a list not written one entry per line with comments.
    pub(super) fn move_first_with_comments(&self, value: Located<'a>, moved: Located<'a>) -> Option<Vec<Edit>> {
        let (list, first) = self.commented_list(value)?;
        let lines = self.entry_lines(list, moved)?;
        let target = self.entry_lines(list, first)?;
        let text = self.file_text(list.file);
        let mut block = text.get(lines.start..lines.entry_end)?.to_owned();
        if !lines.has_comma {
            block.push(',');
        }
        block.push_str(text.get(lines.entry_end..lines.end)?);
        // The last line of a file may end without a line break; the list's `]` follows it here.
        if !block.ends_with('\n') {
            return None;
        }
        // Moved from the end of the list, it takes along the blank line that set it apart,
        // which would be left before the closing bracket.
        let last = text
            .get(lines.end..list.node.end_byte())
            .is_some_and(|rest| rest.trim() == "]");
        let blank_above = lines
            .start
            .checked_sub(1)
            .map(|end_of_above| line_range(text, end_of_above))
            .filter(|above| last && text.get(above.clone()).is_some_and(|line| line.trim().is_empty()));
        let removed = blank_above.map_or(lines.start, |above| above.start)..lines.end;
        Some(vec![
            Edit::replace(list.file, removed, ""),
            Edit::insert(list.file, target.start, block),
        ])
    }

    /// The `tuple` of a list written over several lines holding comments, and its first entry.
    fn commented_list(&self, value: Located<'a>) -> Option<(Located<'a>, Located<'a>)> {
        let list = list_node(value)?;
        if list.node.start_position().row == list.node.end_position().row
            || !super::super::has_comment_inside(list.node)
        {
            return None;
        }
        let first = *list_items(list).first()?;
        Some((list, first))
    }

    /// The lines `entry` owns in `list`: it starts its line, nothing but a comma and a comment
    /// follows it there, and the comment lines right above it (down from the list's bracket line
    /// or the line of the entry before) describe it.
    fn entry_lines(&self, list: Located<'a>, entry: Located<'a>) -> Option<EntryLines> {
        self.line_indent(entry)?;
        let text = self.file_text(list.file);
        let entry_end = entry.node.end_byte();
        let line = line_range(text, entry_end);
        let rest = text.get(entry_end..line.end)?.trim_start();
        let has_comma = rest.starts_with(',');
        let after_comma = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        if !(after_comma.is_empty() || is_line_comment(after_comma)) {
            return None;
        }
        let end = text
            .get(line.end..)?
            .find('\n')
            .map_or(text.len(), |at| line.end + at + 1);
        let first_line = self.first_comment_above(entry).map_or(entry.node, |comment| comment);
        let start = line_range(text, first_line.start_byte()).start;
        Some(EntryLines {
            start,
            entry_end,
            end,
            has_comma,
        })
    }
}

/// Whether a line's text (past its indentation) is a comment running to its end.
fn is_line_comment(text: &str) -> bool {
    text.starts_with('#') || text.starts_with("//")
}
