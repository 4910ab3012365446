//! Edits in the program's own syntax: where a property or a statement goes, how a list element,
//! a property or an import specifier comes out, how a statement gets bound to a name. Rules say
//! what to change; these helpers know how TypeScript lays it out, through the file's [`Style`].

use crate::syntax::{kind_of, Fields};
use foldhash::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::{named_children, Located, Program, ResourceBinding};
use crate::fix::Edit;
use crate::source::line_range;
use crate::style::template::{statement, Code};
use crate::style::Style;

/// How many names the fixes of a pass had taken when [`Program::names_taken`] was asked.
pub(super) struct NamesTaken(usize);

/// One name a fix took, as the memo's log of them keeps it.
pub(super) enum TakenName {
    /// A binding in a file.
    Binding(usize, String),
    LogicalName(String),
    /// An import into a file under a name (its binding is logged apart).
    Import(usize, String),
}

impl<'tree> Program<'tree> {
    pub fn style(&self, file: usize) -> &Style {
        &self.name_facts(file).style
    }

    pub fn replace_node(&self, at: Located<'tree>, text: &str) -> Edit {
        Edit::replace(at.file, at.node.byte_range(), text)
    }

    /// The whitespace that starts the line `node` starts on.
    pub fn indentation_of(&self, at: Located<'tree>) -> String {
        let text = self.file(at.file).text;
        let line = line_range(text, at.node.start_byte());
        text[line].chars().take_while(|c| *c == ' ' || *c == '\t').collect()
    }

    /// Inserts properties after `property` of the same object literal: on lines of their own when
    /// the object spans lines, keeping the object's comma habit.
    pub fn insert_properties_after(&self, property: Located<'tree>, entries: &[(&str, Code)]) -> Edit {
        let style = self.style(property.file);
        let indent = self.indentation_of(property);
        let rendered: Vec<String> = entries
            .iter()
            .map(|(name, value)| format!("{name}: {}", value.render(style, &indent, name.len() + 2)))
            .collect();
        self.insert_items_after(property, &rendered)
    }

    /// Inserts rendered items (properties, array elements, arguments) after `item` of the same
    /// list: on lines of their own when the list spans lines, keeping its comma habit.
    pub fn insert_items_after(&self, item: Located<'tree>, rendered: &[String]) -> Edit {
        let text = self.file(item.file).text;
        let style = self.style(item.file);
        let end = item.node.end_byte();
        let after = &text[end..];
        let comma = after.len() - after.trim_start_matches([' ', '\t']).len();
        let has_comma = after[comma..].starts_with(',');
        let starts_its_line = text[line_range(text, item.node.start_byte()).start..item.node.start_byte()]
            .trim()
            .is_empty();
        let list_is_multiline = starts_its_line
            && item
                .node
                .parent()
                .is_some_and(|list| list.start_position().row != list.end_position().row);
        let indent = self.indentation_of(item);
        if !list_is_multiline {
            let joined = rendered.join(", ");
            return match has_comma {
                true => Edit::insert(item.file, end + comma + 1, format!(" {joined},")),
                false => Edit::insert(item.file, end, format!(", {joined}")),
            };
        }
        let separator = format!(",{}{indent}", style.line_ending);
        let joined = rendered.join(&separator);
        if !has_comma {
            return Edit::insert(item.file, end, format!("{separator}{joined}"));
        }
        let after_comma = end + comma + 1;
        let line_end = line_range(text, after_comma).end;
        let rest_of_line = text[after_comma..line_end].trim();
        if rest_of_line.is_empty() || rest_of_line.starts_with("//") {
            Edit::insert(item.file, line_end, format!("{}{indent}{joined},", style.line_ending))
        } else {
            Edit::insert(item.file, after_comma, format!(" {},", rendered.join(", ")))
        }
    }

    pub fn insert_property_after(&self, property: Located<'tree>, name: &str, value: &Code) -> Edit {
        self.insert_properties_after(property, &[(name, value.clone())])
    }

    /// Adds properties at the end of an object literal; refused when a spread infrafix cannot read
    /// may already set one of them, which the new property would replace.
    pub fn add_properties(&self, object: Located<'tree>, entries: &[(&str, Code)]) -> Result<Edit, String> {
        if let (Some(spread), Some((name, _))) = (self.unread_spread(object), entries.first()) {
            return Err(format!(
                "`{}` may set `{name}`, and infrafix cannot read it: a `{name}` written after it would replace that one",
                self.text(spread)
            ));
        }
        let members: Vec<Node> = named_children(object.node)
            .filter(|member| kind_of(member) != "comment")
            .collect();
        Ok(match members.last() {
            Some(last) => self.insert_properties_after(
                Located {
                    file: object.file,
                    node: *last,
                },
                entries,
            ),
            // An object holding only comments keeps them: the properties go before its `}`.
            None if object.node.start_position().row != object.node.end_position().row => {
                let text = self.file(object.file).text;
                let style = self.style(object.file);
                let outer = self.indentation_of(object);
                let inner = style.indentation(&outer, 1);
                let closing = object.node.end_byte() - 1;
                let closing_line = line_range(text, closing).start;
                let comma = if style.trailing_commas { "," } else { "" };
                let lines: String = entries
                    .iter()
                    .map(|(name, value)| {
                        format!(
                            "{inner}{name}: {}{comma}{}",
                            value.render(style, &inner, name.len() + 2),
                            style.line_ending
                        )
                    })
                    .collect();
                // A `}` after a comment on its own line (`/* … */ }`) takes the lines in front of it.
                match text[closing_line..closing].trim().is_empty() {
                    true => Edit::insert(object.file, closing_line, lines),
                    false => {
                        let after_comment = closing_line + text[closing_line..closing].trim_end().len();
                        Edit::replace(
                            object.file,
                            after_comment..closing,
                            format!("{}{lines}{outer}", style.line_ending),
                        )
                    }
                }
            }
            None => {
                let inline = Code::object(entries.iter().map(|(name, value)| (*name, value.clone())));
                self.replace_node(
                    object,
                    &inline.render(self.style(object.file), &self.indentation_of(object), 0),
                )
            }
        })
    }

    /// Removes a property (or any element) of an object or list with the comma that separates it.
    /// A property on lines of its own goes with those lines, leaving no blank line behind; a
    /// comment of the container beside it stays.
    pub fn remove_property(&self, property: Located<'tree>) -> Edit {
        let text = self.file(property.file).text;
        let Some(container) = property.node.parent() else {
            return Edit::delete(property.file, property.node.byte_range());
        };
        let members: Vec<Node> = named_children(container)
            .filter(|member| kind_of(member) != "comment")
            .collect();
        let index = members.iter().position(|member| *member == property.node);
        let (start, end) = (property.node.start_byte(), property.node.end_byte());
        let after = &text[end..];
        let comma_end = after
            .trim_start_matches([' ', '\t'])
            .strip_prefix(',')
            .map(|rest| text.len() - rest.len());
        let first_line = line_range(text, start);
        let last_line_end = line_range(text, comma_end.unwrap_or(end)).end;
        let alone_on_lines = text[first_line.start..start].trim().is_empty()
            && text[comma_end.unwrap_or(end)..last_line_end].trim().is_empty();
        let previous = index.and_then(|i| i.checked_sub(1)).map(|i| members[i]);
        let range: Range<usize> = match (alone_on_lines, comma_end, previous, index) {
            // The last property without a comma of its own: the previous one's comma goes with it.
            (true, None, Some(previous), _) => previous.end_byte()..last_line_end,
            (true, _, _, _) => {
                let newline = text[last_line_end..]
                    .find('\n')
                    .map_or(last_line_end, |n| last_line_end + n + 1);
                first_line.start..newline
            }
            (false, _, _, Some(i)) if i + 1 < members.len() => start..members[i + 1].start_byte(),
            (false, _, Some(previous), _) => previous.end_byte()..end,
            _ => start..comma_end.unwrap_or(end),
        };
        let comment_in_range = named_children(container).any(|child| {
            kind_of(child) == "comment" && range.start <= child.start_byte() && child.end_byte() <= range.end
        });
        match comment_in_range {
            true => self.remove_member_keeping_comments(property),
            false => Edit::delete(property.file, range),
        }
    }

    /// Removes a member and one comma beside it, and nothing else: the comments around it stay
    /// where they are (`"go1.x", // legacy` leaves `// legacy` on its line).
    fn remove_member_keeping_comments(&self, member: Located<'tree>) -> Edit {
        let text = self.file(member.file).text;
        let node = member.node;
        let beside = |forward: bool| {
            let mut sibling = if forward {
                node.next_sibling()
            } else {
                node.prev_sibling()
            };
            while let Some(found) = sibling.filter(|found| kind_of(found) == "comment") {
                sibling = if forward {
                    found.next_sibling()
                } else {
                    found.prev_sibling()
                };
            }
            sibling.filter(|found| kind_of(found) == ",")
        };
        match (beside(true), beside(false)) {
            // The comma after goes, with the spaces after it when the comments between stay put.
            (Some(comma), _) => {
                let between = text[node.end_byte()..comma.start_byte()].trim_start();
                let rest = &text[comma.end_byte()..];
                let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                let end = match between.is_empty() {
                    true => comma.end_byte() + spaces,
                    false => comma.end_byte(),
                };
                Edit::replace(member.file, node.start_byte()..end, between)
            }
            // The last member: the comma before it goes, and the comments between stay.
            (None, Some(comma)) => {
                let between = text[comma.end_byte()..node.start_byte()].trim_end();
                Edit::replace(member.file, comma.start_byte()..node.end_byte(), between)
            }
            (None, None) => Edit::delete(member.file, node.byte_range()),
        }
    }

    /// Removes an element of an array literal with the comma that separates it from a neighbour;
    /// the list's comments stay.
    pub fn remove_list_element(&self, element: Located<'tree>) -> Edit {
        self.remove_property(element)
    }

    /// Inserts a rendered statement on the lines after `anchor` (a statement), set apart by a blank
    /// line where the anchor is set apart by one.
    /// Inserts a rendered statement on the line right after `anchor`, with no blank line: it
    /// joins a run of statements like it.
    pub fn append_statement(&self, anchor: Located<'tree>, code: &Code) -> Edit {
        let text = self.file(anchor.file).text;
        let style = self.style(anchor.file);
        let rendered = statement(code, None, style, &self.indentation_of(anchor));
        let line_end = line_range(text, anchor.node.end_byte()).end;
        Edit::insert(anchor.file, line_end, format!("{}{rendered}", style.line_ending))
    }

    pub fn insert_statement_after(&self, anchor: Located<'tree>, code: &Code, binding: Option<&str>) -> Edit {
        let text = self.file(anchor.file).text;
        let style = self.style(anchor.file);
        let rendered = statement(code, binding, style, &self.indentation_of(anchor));
        let line_end = line_range(text, anchor.node.end_byte()).end;
        let after = text[line_end..]
            .trim_start_matches('\r')
            .strip_prefix('\n')
            .unwrap_or("");
        let blank_after = after.split('\n').next().is_some_and(|line| line.trim().is_empty()) && !after.is_empty();
        let first_line = line_range(text, anchor.node.start_byte()).start;
        let before = text[..first_line].trim_end_matches(['\r', '\n']);
        let blank_before = text[before.len()..first_line].matches('\n').count() >= 2;
        let separator = if blank_after || blank_before {
            style.line_ending.repeat(2)
        } else {
            style.line_ending.to_owned()
        };
        Edit::insert(anchor.file, line_end, format!("{separator}{rendered}"))
    }

    /// Inserts a rendered statement on the lines before `anchor` (a statement) and the comments
    /// that lead into it, set apart by a blank line.
    pub fn insert_statement_before(&self, anchor: Located<'tree>, code: &Code, binding: Option<&str>) -> Edit {
        let text = self.file(anchor.file).text;
        let style = self.style(anchor.file);
        let mut first = anchor.node;
        while let Some(comment) = first.prev_named_sibling().filter(|sibling| {
            kind_of(sibling) == "comment" && sibling.end_position().row + 1 == first.start_position().row
        }) {
            first = comment;
        }
        let rendered = statement(code, binding, style, &self.indentation_of(anchor));
        let line_start = line_range(text, first.start_byte()).start;
        Edit::insert(
            anchor.file,
            line_start,
            format!("{rendered}{ending}{ending}", ending = style.line_ending),
        )
    }

    /// Binds the value of an expression statement (`new X(…);`) to a new `const`.
    pub fn bind_to_const(&self, statement: Located<'tree>, name: &str) -> Edit {
        Edit::insert(statement.file, statement.node.start_byte(), format!("const {name} = "))
    }

    /// How many identifiers (not property names) in a file spell `name`.
    pub fn mentions(&self, file: usize, name: &str) -> usize {
        self.name_counts(file).mentions.get(name).copied().unwrap_or(0)
    }

    /// How many identifiers of a file spell `name` where a value is read, not a type
    /// (`const services: Service[]` reads no value of `Service`).
    pub(super) fn value_mentions(&self, file: usize, name: &str) -> usize {
        let counts = self.name_counts(file);
        let types = counts.type_mentions.get(name).copied().unwrap_or(0);
        counts.mentions.get(name).copied().unwrap_or(0).saturating_sub(types)
    }

    /// How many variables of a file are declared with this name, in any scope.
    pub(super) fn declarations_named(&self, file: usize, name: &str) -> usize {
        self.name_counts(file).declarations.get(name).copied().unwrap_or(0)
    }

    /// The names of a file, counted in the walk that reads its names (`facts::read_file`): fresh
    /// names, shared consts, import clean-up and resource naming all ask, many times per file.
    fn name_counts(&self, file: usize) -> &NameCounts {
        &self.name_facts(file).counts
    }

    /// How many identifiers (not property names) inside a node spell `name`.
    pub fn mentions_within(&self, within: Located<'tree>, name: &str) -> usize {
        let text = self.file(within.file).text;
        let mut count = 0;
        let mut cursor = within.node.walk();
        let mut stack = vec![within.node];
        while let Some(node) = stack.pop() {
            if is_name(kind_of(node)) && text.get(node.byte_range()) == Some(name) {
                count += 1;
            }
            stack.extend(node.named_children(&mut cursor));
        }
        count
    }

    /// The names this pass's fixes have taken so far (bindings per file, logical names, imports).
    pub(super) fn names_taken(&self) -> NamesTaken {
        NamesTaken(self.memo.names_taken_log.borrow().len())
    }

    /// Gives back the names taken since `taken` was read.
    pub(super) fn restore_names_taken(&self, taken: NamesTaken) {
        let mut log = self.memo.names_taken_log.borrow_mut();
        let kept = taken.0.min(log.len());
        for name in log.drain(kept..) {
            match name {
                TakenName::Binding(file, name) => {
                    if let Some(names) = self.memo.handed_out_bindings.borrow_mut().get_mut(&file) {
                        names.remove(&name);
                    }
                }
                TakenName::LogicalName(name) => {
                    self.memo.handed_out_logical_names.borrow_mut().remove(&name);
                }
                TakenName::Import(file, name) => {
                    self.memo.handed_out_imports.borrow_mut().remove(&(file, name));
                }
            }
        }
    }

    /// Records that a fix took a name, for `restore_names_taken`.
    pub(super) fn log_taken(&self, name: TakenName) {
        self.memo.names_taken_log.borrow_mut().push(name);
    }

    /// Takes `name` for an import into `file` of `exported` (a module's file and the name it
    /// exports) under its own name, unless this pass's fixes have taken it for something else:
    /// another value imported under it, or a binding of their own. Two fixes that each import
    /// `account` from a different module into one file would otherwise both bind `account`.
    pub(super) fn take_import_name(&self, file: usize, name: &str, exported: (usize, &str)) -> bool {
        let mut imports = self.memo.handed_out_imports.borrow_mut();
        let key = (file, name.to_owned());
        let mut bindings = self.memo.handed_out_bindings.borrow_mut();
        let taken = bindings.entry(file).or_default();
        let free = match imports.get(&key) {
            Some((module, value)) => (*module, value.as_str()) == exported,
            None => !taken.contains(name),
        };
        if free {
            if taken.insert(name.to_owned()) {
                self.log_taken(TakenName::Binding(file, name.to_owned()));
            }
            if imports.insert(key, (exported.0, exported.1.to_owned())).is_none() {
                self.log_taken(TakenName::Import(file, name.to_owned()));
            }
        }
        free
    }

    /// `base`, or `base2`, `base3`…: the first that names nothing in the file, so a new binding
    /// can shadow or clash with nothing in any scope.
    pub fn fresh_name(&self, file: usize, base: &str) -> String {
        self.fresh_name_besides(file, base, &[])
    }

    /// As [`Self::fresh_name`], and naming nothing that `pending` (a fix's edits, not made yet)
    /// writes into the file either.
    pub(super) fn fresh_name_besides(&self, file: usize, base: &str, pending: &[Edit]) -> String {
        let base = match is_reserved_word(base) {
            true => format!("{base}Value"),
            false => base.to_owned(),
        };
        let mut handed_out = self.memo.handed_out_bindings.borrow_mut();
        let taken = handed_out.entry(file).or_default();
        let name = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(|name| self.mentions(file, name) == 0 && !taken.contains(name) && !writes_name(pending, file, name))
            .unwrap_or(base);
        if taken.insert(name.clone()) {
            self.log_taken(TakenName::Binding(file, name.clone()));
        }
        name
    }

    /// The `const` an unbound resource (a bare `new …;` statement) is bound to when a fix must refer
    /// to it: derived from its logical name, unique in its file, and the same for every fix that
    /// asks, so that fixes applied together agree.
    pub fn binding_name(&self, resource: usize) -> String {
        let names = self.binding_names.get_or_init(|| {
            let mut names = HashMap::default();
            // Per file, every identifier it spells, and the names handed out so far.
            let mut taken: HashMap<usize, HashSet<String>> = HashMap::default();
            let mut unbound: Vec<usize> = (0..self.resources().len())
                .filter(|&index| self.resources()[index].binding == ResourceBinding::Unbound)
                .collect();
            unbound.sort_by_key(|&index| {
                (
                    self.resources()[index].file,
                    self.resources()[index].expression.start_byte(),
                )
            });
            for index in unbound {
                let resource = &self.resources()[index];
                let logical_name = resource.logical_name.map_or("", |node| {
                    self.text(Located {
                        file: resource.file,
                        node,
                    })
                });
                let class = resource.class.path.last().map_or("resource", String::as_str);
                let base = name_from_logical_name(logical_name).unwrap_or_else(|| lower_first(class));
                let taken = taken
                    .entry(resource.file)
                    .or_insert_with(|| self.name_counts(resource.file).mentions.keys().cloned().collect());
                let name = std::iter::once(base.clone())
                    .chain((2..).map(|n| format!("{base}{n}")))
                    .find(|name| !taken.contains(name))
                    .unwrap_or(base);
                taken.insert(name.clone());
                names.insert(index, name);
            }
            names
        });
        names.get(&resource).cloned().unwrap_or_else(|| "resource".to_owned())
    }

    /// Removes one specifier from a `{ … }` import list, or the whole import statement (with its
    /// line) when it was the statement's only binding.
    pub fn remove_import_specifier(&self, specifier: Located<'tree>) -> Edit {
        let list = specifier.node.parent();
        let clause = list.and_then(|list| list.parent());
        let statement = clause.and_then(|clause| clause.parent());
        let siblings = list.map_or(0, |list| {
            named_children(list)
                .filter(|item| kind_of(item) == "import_specifier")
                .count()
        });
        let other_bindings = clause.map_or(0, |clause| {
            named_children(clause)
                .filter(|part| kind_of(part) != "named_imports")
                .count()
        });
        match (siblings, other_bindings, statement) {
            // The statement goes with its own line only: comments above it stay.
            (1, 0, Some(statement)) => {
                let text = self.file(specifier.file).text;
                let line = line_range(text, statement.start_byte());
                let end = line_range(text, statement.end_byte()).end;
                let alone = text[line.start..statement.start_byte()].trim().is_empty()
                    && text[statement.end_byte()..end].trim().is_empty();
                let range = match (alone, text[end..].find('\n')) {
                    (true, Some(newline)) => line.start..end + newline + 1,
                    (true, None) => line.start..end,
                    (false, _) => statement.byte_range(),
                };
                Edit::delete(specifier.file, range)
            }
            _ => self.remove_property(specifier),
        }
    }

    /// Rewrites a `{ … }` import list as one edit: drops `remove` and adds `add` in front. One edit
    /// for the whole list makes two rewrites of the same list conflict, so the second one is
    /// recomputed on the next pass instead of adding the same name twice.
    pub fn rewrite_import_list(&self, list: Located<'tree>, remove: Option<Located<'tree>>, add: Option<&str>) -> Edit {
        let specifiers: Vec<_> = named_children(list.node)
            .filter(|item| kind_of(item) == "import_specifier")
            .collect();
        if let (Some(removed), None, 1) = (remove, add, specifiers.len()) {
            return self.remove_import_specifier(removed);
        }
        let base = list.node.start_byte();
        let list_text = self.text(list);
        let mut pieces: Vec<(Range<usize>, String)> = Vec::new();
        if let Some(removed) = remove {
            let edit = match (add, specifiers.len()) {
                (Some(name), 1) => Edit::replace(list.file, removed.node.byte_range(), name),
                _ => self.remove_property(removed),
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

/// Per file: how many identifiers spell each name, how many of them are types, and how many
/// variables declare it.
#[derive(Debug, Default)]
pub struct NameCounts {
    mentions: HashMap<String, usize>,
    type_mentions: HashMap<String, usize>,
    declarations: HashMap<String, usize>,
}

impl NameCounts {
    /// Counts what `node` names or declares (see `facts::read_file`).
    pub(super) fn record(&mut self, node: Node, kind: &str, text: &str) {
        let spelling = |node: Node| text.get(node.byte_range()).unwrap_or_default();
        if is_name(kind) {
            count_one(&mut self.mentions, spelling(node));
        }
        if kind == "type_identifier" {
            count_one(&mut self.type_mentions, spelling(node));
        }
        let declared = (kind == "variable_declarator").then(|| node.field("name")).flatten();
        if let Some(declared) = declared {
            count_one(&mut self.declarations, spelling(declared));
        }
    }
}

/// Counts one more of `name`, copying it only the first time: a file spells a few names many times.
fn count_one(counts: &mut HashMap<String, usize>, name: &str) {
    match counts.get_mut(name) {
        Some(count) => *count += 1,
        None => {
            counts.insert(name.to_owned(), 1);
        }
    }
}

/// Whether some of `edits` write `name` into `file` as a name (outside string literals): an
/// import the same fix adds binds it there as surely as the file's own text would. The text is
/// scanned, not parsed: an edit may be a fragment (`account, ` added to an import list), and
/// taking a word of a template for a name only makes a name fresher than it needs to be.
pub(super) fn writes_name(edits: &[Edit], file: usize, name: &str) -> bool {
    names_written_into(edits, file).any(|written| written == name)
}

/// The names some of `edits` write into `file` (see [`writes_name`]).
pub(super) fn names_written_into(edits: &[Edit], file: usize) -> impl Iterator<Item = &str> {
    edits
        .iter()
        .filter(move |edit| edit.file == file)
        .flat_map(|edit| names_written(&edit.replacement))
}

/// The words of code that could be names, skipping '…' and "…" strings.
fn names_written(code: &str) -> impl Iterator<Item = &str> {
    let mut quote = None;
    let mut escaped = false;
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in code.char_indices() {
        let part_of_name = c.is_alphanumeric() || c == '_' || c == '$';
        match quote {
            Some(open) => {
                quote = (escaped || c != open).then_some(open);
                escaped = !escaped && c == '\\';
                continue;
            }
            None if part_of_name => {
                start.get_or_insert(at);
                continue;
            }
            None => quote = matches!(c, '\'' | '"').then_some(c),
        }
        if let Some(from) = start.take() {
            words.push(&code[from..at]);
        }
    }
    words.extend(start.map(|from| &code[from..]));
    words
        .into_iter()
        .filter(|word| !word.starts_with(|c: char| c.is_ascii_digit()))
}

fn is_name(kind: &str) -> bool {
    matches!(
        kind,
        "identifier" | "shorthand_property_identifier" | "shorthand_property_identifier_pattern" | "type_identifier"
    )
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// A camelCase variable name from a resource's logical name: `api-stage-${env}` gives `apiStage`.
pub fn name_from_logical_name(logical_name: &str) -> Option<String> {
    let mut literal_parts = String::new();
    let mut depth = 0;
    for c in logical_name.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => literal_parts.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = literal_parts
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let mut name = String::new();
    for word in words {
        let mut chars = word.chars();
        let Some(first) = chars.next() else { continue };
        if name.is_empty() {
            if first.is_ascii_digit() {
                name.push('_');
            }
            name.push(first.to_ascii_lowercase());
        } else {
            name.push(first.to_ascii_uppercase());
        }
        name.push_str(chars.as_str());
    }
    if is_reserved_word(&name) {
        // `const public = …` does not compile in a module (TS1214): say what the name holds.
        name.push_str("Resource");
    }
    (!name.is_empty()).then_some(name)
}

/// Words a TypeScript module cannot bind with `const` (strict-mode reserved words and keywords),
/// and the globals a binding must not shadow.
pub fn is_reserved_word(name: &str) -> bool {
    const RESERVED: [&str; 50] = [
        "arguments",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "eval",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "undefined",
        "NaN",
    ];
    RESERVED.contains(&name) || name == "Infinity"
}

/// Adds an insertion to a fix's edits. A fix may insert several things at one point (imports
/// after the last import, or after one specifier; a Permission for each of an integration's
/// functions after the API): those become one insertion, in the order they come, since two
/// insertions at one point would leave their order to chance.
pub(super) fn push_merged(edits: &mut Vec<Edit>, edit: Edit) {
    let same_point = edits
        .iter_mut()
        .find(|other| other.file == edit.file && other.range.is_empty() && other.range == edit.range);
    match same_point {
        Some(other) if other.holds(&edit) => {}
        Some(other) => other.append_insertion(&edit),
        None => edits.push(edit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{apply_fixes, Fix};
    use crate::frontends::typescript::test_support::with_program;

    #[test]
    fn names_taken_after_a_snapshot_are_given_back_and_those_before_are_kept() {
        let text = "import { account } from \"./config\";\nconst policy = 1;\n";
        with_program(
            &[("index.ts", text), ("other.ts", "export const account = 1;\n")],
            |program| {
                assert_eq!(program.fresh_name(0, "policy"), "policy2");
                let taken = program.names_taken();
                assert_eq!(program.fresh_name(0, "policy"), "policy3");
                assert!(program.take_import_name(0, "region", (1, "region")));
                program.restore_names_taken(taken);
                // `policy2` stays taken; `policy3` and `region` are free again.
                assert_eq!(program.fresh_name(0, "policy"), "policy3");
                assert!(program.take_import_name(0, "region", (1, "other")));
            },
        );
    }

    /// The text after applying the edit that `edit` builds on the first node of `kind` whose
    /// text starts with `starting`.
    fn edited(
        text: &str,
        kind: &str,
        starting: &str,
        edit: impl for<'t> Fn(&Program<'t>, Located<'t>) -> Edit,
    ) -> String {
        let mut result = String::new();
        with_program(&[("index.ts", text)], |program| {
            let root = program.file(0).tree.root_node();
            let mut stack = vec![root];
            let mut target = None;
            while let Some(node) = stack.pop() {
                if kind_of(node) == kind && program.text(Located { file: 0, node }).starts_with(starting) {
                    target = Some(node);
                    break;
                }
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
            let node = target.expect("target node present");
            let fix = Fix::safe(vec![edit(program, Located { file: 0, node })]);
            let batch = apply_fixes(&[text.to_owned()], &[&fix]);
            result = batch
                .changed
                .get(&0)
                .map_or_else(|| text.to_owned(), |change| change.text.clone());
        });
        result
    }

    fn add_limit<'t>(program: &Program<'t>, object: Located<'t>) -> Edit {
        program
            .add_properties(object, &[("limit", Code::verbatim("5"))])
            .expect("no spread hides the limit")
    }

    /// Each case: the source, the kind and start of the node to edit, and the source after.
    fn assert_edits(cases: &[(&str, &str, &str, &str)], edit: impl for<'t> Fn(&Program<'t>, Located<'t>) -> Edit) {
        for (source, kind, starting, after) in cases {
            assert_eq!(edited(source, kind, starting, &edit), *after, "editing {source:?}");
        }
    }

    #[test]
    fn adds_a_property_keeping_the_comma_habit() {
        assert_edits(
            &[
                (
                    "const a = {\n    b: 1,\n};\n",
                    "object",
                    "{",
                    "const a = {\n    b: 1,\n    limit: 5,\n};\n",
                ),
                (
                    "const a = {\n    b: 1\n};\n",
                    "object",
                    "{",
                    "const a = {\n    b: 1,\n    limit: 5\n};\n",
                ),
                (
                    "const a = { b: 1 };\n",
                    "object",
                    "{",
                    "const a = { b: 1, limit: 5 };\n",
                ),
                ("const a = {};\n", "object", "{", "const a = { limit: 5 };\n"),
                (
                    "const a = {\n    // later\n};\n",
                    "object",
                    "{",
                    "const a = {\n    // later\n    limit: 5,\n};\n",
                ),
                (
                    "const a = { /* one\n    two */ };\n",
                    "object",
                    "{",
                    "const a = { /* one\n    two */\n    limit: 5,\n};\n",
                ),
            ],
            add_limit,
        );
    }

    #[test]
    fn removes_a_property_with_its_comma_and_line() {
        assert_edits(
            &[
                (
                    "const a = {\n    b: 1,\n    c: {\n        d: 2,\n    },\n    e: 3,\n};\n",
                    "pair",
                    "c",
                    "const a = {\n    b: 1,\n    e: 3,\n};\n",
                ),
                (
                    "const a = {\n    b: 1,\n    c: 2\n};\n",
                    "pair",
                    "c",
                    "const a = {\n    b: 1\n};\n",
                ),
                ("const a = { b: 1, c: 2 };\n", "pair", "b", "const a = { c: 2 };\n"),
                ("const a = { b: 1, c: 2 };\n", "pair", "c", "const a = { b: 1 };\n"),
            ],
            |program, pair| program.remove_property(pair),
        );
    }

    #[test]
    fn removes_a_list_element_keeping_the_comments_around_it() {
        assert_edits(
            &[
                (
                    "const a = [\n    \"x\", // legacy\n    \"y\",\n];\n",
                    "string",
                    "\"x",
                    "const a = [\n    // legacy\n    \"y\",\n];\n",
                ),
                (
                    "const a = [\n    \"x\",\n    // about y\n    \"y\"\n];\n",
                    "string",
                    "\"y",
                    "const a = [\n    \"x\"\n    // about y\n];\n",
                ),
                (
                    "const a = [\"x\", /* old */ \"y\"];\n",
                    "string",
                    "\"x",
                    "const a = [/* old */ \"y\"];\n",
                ),
                (
                    "const a = [\"x\" /* old */, \"y\"];\n",
                    "string",
                    "\"x",
                    "const a = [/* old */ \"y\"];\n",
                ),
                (
                    "const a = [\"x\", /* new */ \"y\"];\n",
                    "string",
                    "\"y",
                    "const a = [\"x\" /* new */];\n",
                ),
                (
                    "const a = [\n    // the only one\n    \"x\",\n];\n",
                    "string",
                    "\"x",
                    "const a = [\n    // the only one\n];\n",
                ),
                (
                    "const a = [\n    \"x\",\n    \"y\",\n];\n",
                    "string",
                    "\"x",
                    "const a = [\n    \"y\",\n];\n",
                ),
            ],
            |program, element| program.remove_list_element(element),
        );
    }

    #[test]
    fn inserts_a_statement_at_the_anchor_indentation() {
        fn insert<'t>(program: &Program<'t>, statement: Located<'t>) -> Edit {
            program.insert_statement_after(
                statement,
                &Code::New {
                    class: "Queue".to_owned(),
                    arguments: vec![Code::text("q")],
                },
                Some("queue"),
            )
        }
        let text = "class A {\n  constructor() {\n    const b = 1;\n    run(b);\n  }\n}\n";
        assert_eq!(edited(text, "lexical_declaration", "const b", insert), "class A {\n  constructor() {\n    const b = 1;\n    const queue = new Queue(\"q\");\n    run(b);\n  }\n}\n");
        let spaced = "const b = 1;\n\nrun(b);\n";
        assert_eq!(
            edited(spaced, "lexical_declaration", "const b", insert),
            "const b = 1;\n\nconst queue = new Queue(\"q\");\n\nrun(b);\n"
        );
    }

    #[test]
    fn binds_a_bare_statement_to_a_fresh_name() {
        fn bind<'t>(program: &Program<'t>, statement: Located<'t>) -> Edit {
            let name = program.fresh_name(0, "queue");
            program.bind_to_const(statement, &name)
        }
        let text = "const queue = 1;\nnew Queue(\"q\");\n";
        assert_eq!(
            edited(text, "expression_statement", "new Queue", bind),
            "const queue = 1;\nconst queue2 = new Queue(\"q\");\n"
        );
    }

    #[test]
    fn names_an_edit_writes_are_its_words_outside_strings() {
        let import = Edit::insert(0, 0, "\nimport { account as account2 } from \"./account-ids\";");
        let written: Vec<&str> = names_written_into(std::slice::from_ref(&import), 0).collect();
        assert_eq!(written, ["import", "account", "as", "account2", "from"]);
        assert!(writes_name(&[Edit::insert(0, 9, "account, ")], 0, "account"));
        assert!(!writes_name(&[Edit::insert(1, 9, "account, ")], 0, "account"));
        assert!(!writes_name(&[Edit::insert(0, 9, "'it\\'s account'")], 0, "account"));
    }

    #[test]
    fn names_come_from_the_literal_parts() {
        assert_eq!(name_from_logical_name("\"api-stage\"").as_deref(), Some("apiStage"));
        assert_eq!(
            name_from_logical_name("`api-stage-${environmentSuffix}`").as_deref(),
            Some("apiStage")
        );
        assert_eq!(name_from_logical_name("`${name}-role`").as_deref(), Some("role"));
        assert_eq!(name_from_logical_name("name").as_deref(), Some("name"));
        assert_eq!(name_from_logical_name("`${name}`"), None);
        assert_eq!(name_from_logical_name("\"public\"").as_deref(), Some("publicResource"));
        assert_eq!(
            name_from_logical_name("`${env}-private`").as_deref(),
            Some("privateResource")
        );
    }
}
