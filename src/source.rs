//! The text of one source file as infrafix holds it: without its byte-order mark (edits and parsing
//! see plain text), with the mark restored whenever the text goes back to disk or into a diff.

use std::ops::Range;
use std::path::PathBuf;

const BOM: &str = "\u{feff}";

/// One file of a project, read from disk (or stdin) and decoded as UTF-8.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where the file lives; writes go here.
    pub path: PathBuf,
    /// How the file is named in diffs and reports (relative to the working directory when possible).
    pub display: String,
    /// The text without a leading byte-order mark.
    pub text: String,
    pub has_bom: bool,
    /// The exact bytes read, so a write can tell whether the file changed on disk meanwhile.
    pub original_bytes: Vec<u8>,
}

impl SourceFile {
    pub fn from_utf8(path: PathBuf, display: String, bytes: Vec<u8>) -> Result<Self, std::str::Utf8Error> {
        let decoded = std::str::from_utf8(&bytes)?;
        let (text, has_bom) = match decoded.strip_prefix(BOM) {
            Some(rest) => (rest.to_owned(), true),
            None => (decoded.to_owned(), false),
        };
        Ok(Self {
            path,
            display,
            text,
            has_bom,
            original_bytes: bytes,
        })
    }

    /// The bytes to write for `text` (this file's text after fixes), with the mark put back.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() + BOM.len());
        if self.has_bom {
            bytes.extend_from_slice(BOM.as_bytes());
        }
        bytes.extend_from_slice(text.as_bytes());
        bytes
    }
}

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Where each line of a text starts: positions of many offsets in one text without counting its
/// lines again for each (a file with thousands of findings is reported in linear time).
pub struct LineIndex<'text> {
    text: &'text str,
    /// The byte offset of each line's first byte; the first line starts at 0.
    starts: Vec<usize>,
}

impl<'text> LineIndex<'text> {
    pub fn new(text: &'text str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(newline, _)| newline + 1))
            .collect();
        Self { text, starts }
    }

    /// The position of byte `offset` of the text.
    pub fn position(&self, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        LineColumn {
            line: line + 1,
            column: self.text[self.starts[line]..offset].chars().count() + 1,
        }
    }
}

impl LineIndex<'_> {
    /// Where line `line` (0-based) starts; past the last line, the text's end.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// The 0-based line of byte `offset` and its byte column, as tree-sitter counts positions.
    pub fn byte_position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        (line, offset - self.starts[line])
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How a text ends its lines, as its first line does: `"\r\n"` or `"\n"`. Inserted lines end
/// the same way.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(newline) if text[..newline].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// The byte range of the line holding `offset`, without its line ending.
pub fn line_range(text: &str, offset: usize) -> Range<usize> {
    let start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |newline| offset + newline);
    let end = if text[..end].ends_with('\r') { end - 1 } else { end };
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_and_restored() {
        let file = SourceFile::from_utf8("a.ts".into(), "a.ts".into(), b"\xEF\xBB\xBFconst a = 1;\r\n".to_vec())
            .expect("valid UTF-8");
        assert!(file.has_bom);
        assert_eq!(file.text, "const a = 1;\r\n");
        assert_eq!(
            file.encode("const b = 2;\r\n"),
            b"\xEF\xBB\xBFconst b = 2;\r\n".to_vec()
        );
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "a\nbé c\n";
        assert_eq!(LineIndex::new(text).position(0), LineColumn { line: 1, column: 1 });
        let c = text.find('c').expect("c is in the text");
        assert_eq!(LineIndex::new(text).position(c), LineColumn { line: 2, column: 4 });
        // A line's first byte, the middle of a character, and past the end.
        let lines = LineIndex::new(text);
        assert_eq!(lines.position(2), LineColumn { line: 2, column: 1 });
        let inside_e = text.find('é').expect("é is in the text") + 1;
        assert_eq!(lines.position(inside_e), LineColumn { line: 2, column: 2 });
        assert_eq!(lines.position(text.len() + 5), LineColumn { line: 3, column: 1 });
    }

    #[test]
    fn line_range_excludes_crlf() {
        let text = "one\r\ntwo\r\n";
        assert_eq!(&text[line_range(text, 6)], "two");
    }
}
