//! Edits in the program's own syntax: where a property goes, how a list element or an import
//! specifier comes out. Rules say what to change; these helpers know how TypeScript lays it out.

use super::{named_children, Located, Program};
use crate::fix::Edit;
use crate::source::line_range;
use crate::style::Style;

impl<'tree> Program<'tree> {
    pub fn style(&self, file: usize) -> Style {
        Style::detect(self.file(file).text)
    }

    /// Replaces what a string literal (or substitution-free template) holds, keeping its quotes.
    pub fn replace_string_content(&self, literal: Located<'tree>, value: &str) -> Edit {
        let range = literal.node.byte_range();
        Edit::replace(literal.file, range.start + 1..range.end - 1, value)
    }

    pub fn replace_node(&self, at: Located<'tree>, text: &str) -> Edit {
        Edit::replace(at.file, at.node.byte_range(), text)
    }

    /// Inserts `name: value` as the property after `property` of the same object literal, on its
    /// own line when the object spans lines, keeping the object's comma habit.
    pub fn insert_property_after(&self, property: Located<'tree>, name: &str, value: &str) -> Edit {
        let text = self.file(property.file).text;
        let style = self.style(property.file);
        let end = property.node.end_byte();
        let after = &text[end..];
        let comma = after.len() - after.trim_start_matches([' ', '\t']).len();
        let has_comma = after[comma..].starts_with(',');
        let object_is_multiline = property
            .node
            .parent()
            .is_some_and(|object| object.start_position().row != object.end_position().row);
        let entry = format!("{name}: {value}");
        if !object_is_multiline {
            return match has_comma {
                true => Edit::insert(property.file, end + comma + 1, format!(" {entry},")),
                false => Edit::insert(property.file, end, format!(", {entry}")),
            };
        }
        let line = line_range(text, property.node.start_byte());
        let indent: String = text[line.clone()].chars().take_while(|c| c.is_whitespace()).collect();
        if !has_comma {
            return Edit::insert(property.file, end, format!(",{}{indent}{entry}", style.line_ending));
        }
        let after_comma = end + comma + 1;
        let rest_of_line = &text[after_comma..line_range(text, after_comma).end];
        let only_comment_follows = rest_of_line.trim().is_empty() || rest_of_line.trim_start().starts_with("//");
        if only_comment_follows {
            let line_end = line_range(text, after_comma).end;
            Edit::insert(
                property.file,
                line_end,
                format!("{}{indent}{entry},", style.line_ending),
            )
        } else {
            Edit::insert(property.file, after_comma, format!(" {entry},"))
        }
    }

    /// Removes an element of an array literal with the comma that separates it from a neighbour.
    pub fn remove_list_element(&self, element: Located<'tree>) -> Edit {
        let Some(list) = element.node.parent() else {
            return Edit::delete(element.file, element.node.byte_range());
        };
        let items: Vec<_> = named_children(list).filter(|item| item.kind() != "comment").collect();
        let position = items.iter().position(|item| *item == element.node);
        let range = match position {
            Some(index) if index + 1 < items.len() => element.node.start_byte()..items[index + 1].start_byte(),
            Some(index) if index > 0 => items[index - 1].end_byte()..element.node.end_byte(),
            _ => element.node.byte_range(),
        };
        Edit::delete(element.file, range)
    }

    /// Removes one specifier from a `{ … }` import list, or the whole import statement (with its
    /// line) when it was the statement's only binding.
    pub fn remove_import_specifier(&self, specifier: Located<'tree>) -> Edit {
        let text = self.file(specifier.file).text;
        let list = specifier.node.parent();
        let clause = list.and_then(|list| list.parent());
        let statement = clause.and_then(|clause| clause.parent());
        let siblings = list.map_or(0, |list| {
            named_children(list)
                .filter(|item| item.kind() == "import_specifier")
                .count()
        });
        let other_bindings = clause.map_or(0, |clause| {
            named_children(clause)
                .filter(|part| part.kind() != "named_imports")
                .count()
        });
        if let (1, 0, Some(statement)) = (siblings, other_bindings, statement) {
            let line = line_range(text, statement.start_byte());
            let whole_lines = text[line.start..statement.start_byte()].trim().is_empty();
            let end = text[statement.end_byte()..]
                .find('\n')
                .map_or(text.len(), |newline| statement.end_byte() + newline + 1);
            if whole_lines && text[statement.end_byte()..end].trim().is_empty() {
                return Edit::delete(specifier.file, line.start..end);
            }
            return Edit::delete(specifier.file, statement.byte_range());
        }
        self.remove_list_element(specifier)
    }
}

impl<'tree> Program<'tree> {
    /// Rewrites a `{ … }` import list as one edit: drops `remove` and adds `add` in front. One edit
    /// for the whole list makes two rewrites of the same list conflict, so the second one is
    /// recomputed on the next pass instead of adding the same name twice.
    pub fn rewrite_import_list(&self, list: Located<'tree>, remove: Option<Located<'tree>>, add: Option<&str>) -> Edit {
        let specifiers: Vec<_> = named_children(list.node)
            .filter(|item| item.kind() == "import_specifier")
            .collect();
        if let (Some(removed), None, 1) = (remove, add, specifiers.len()) {
            return self.remove_import_specifier(removed);
        }
        let base = list.node.start_byte();
        let list_text = self.text(list);
        let mut pieces: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        if let Some(removed) = remove {
            let edit = match (add, specifiers.len()) {
                (Some(name), 1) => Edit::replace(list.file, removed.node.byte_range(), name),
                _ => self.remove_list_element(removed),
            };
            pieces.push((edit.range.start - base..edit.range.end - base, edit.replacement));
        }
        let replaced_in_place = remove.is_some() && specifiers.len() == 1;
        if let (Some(name), false) = (add, replaced_in_place) {
            let first_kept = specifiers
                .iter()
                .find(|specifier| Some(**specifier) != remove.map(|removed| removed.node));
            if let Some(first) = first_kept {
                let at = first.start_byte() - base;
                pieces.push((at..at, format!("{name}, ")));
            }
        }
        pieces.sort_by_key(|(range, _)| (range.start, range.end));
        let mut rewritten = String::with_capacity(list_text.len() + 16);
        let mut position = 0;
        for (range, replacement) in pieces {
            rewritten.push_str(&list_text[position..range.start]);
            rewritten.push_str(&replacement);
            position = range.end;
        }
        rewritten.push_str(&list_text[position..]);
        Edit::replace(list.file, list.node.byte_range(), rewritten)
    }
}
