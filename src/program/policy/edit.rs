//! Editing policy documents in their own form: an action or a resource added to a statement, a
//! statement added to a document. A resource output (an ARN) goes in the way the document's
//! context allows: as it is where inputs are accepted, through `pulumi.jsonStringify` in place of
//! `JSON.stringify`, or as a new element of `pulumi.all([...])` and a new callback parameter.

use std::ops::Range;

use super::{DocumentPlace, Keys, OutputContext, PolicyDocument, Statement, StatementPlace};
use crate::fix::Edit;
use crate::program::{named_children, Located, Package, PackageMember, Program, ResourceRef};
use crate::source::line_range;
use crate::style::template::Code;

/// A resource output to write into a document: which one, and how the document's file names it.
#[derive(Debug, Clone)]
pub struct OutputValue {
    pub reference: ResourceRef,
    /// `notificationDLQ.arn`
    pub expression: String,
}

impl<'tree> Program<'tree> {
    /// Adds an action to a statement's Action list.
    pub fn add_action(&self, statement: &Statement<'tree>, action: &str) -> Option<Edit> {
        match &statement.place {
            StatementPlace::Object { actions, .. } => {
                let actions = (*actions)?;
                let style = self.style(actions.file);
                Some(self.append_to_object_list(actions, &style.string(action)))
            }
            StatementPlace::Text { file, actions, .. } => {
                Some(self.append_to_text_list(*file, actions.clone()?, &format!("\"{action}\"")))
            }
        }
    }

    /// Adds a resource output to a statement's Resource list. Several edits: the document's
    /// context may need one too.
    pub fn add_resource(
        &self,
        document: &PolicyDocument<'tree>,
        statement: &Statement<'tree>,
        value: &OutputValue,
    ) -> Option<Vec<Edit>> {
        let (written, mut edits) = self.output_in_context(document, value)?;
        edits.push(match &statement.place {
            StatementPlace::Object { resources, .. } => self.append_to_object_list((*resources)?, &written),
            StatementPlace::Text { file, resources, .. } => {
                self.append_to_text_list(*file, resources.clone()?, &format!("\"${{{written}}}\""))
            }
        });
        Some(edits)
    }

    /// Adds a statement allowing `action` on a resource output.
    pub fn add_statement(
        &self,
        document: &PolicyDocument<'tree>,
        action: &str,
        value: &OutputValue,
    ) -> Option<Vec<Edit>> {
        let (written, mut edits) = self.output_in_context(document, value)?;
        match &document.place {
            DocumentPlace::Object { statements } => {
                let list = (*statements)?;
                let code = match document.keys {
                    Keys::Json => Code::object([
                        ("Effect", Code::text("Allow")),
                        ("Action", Code::text(action)),
                        ("Resource", Code::verbatim(written)),
                    ]),
                    Keys::PolicyDocumentArgs => Code::object([
                        ("actions", Code::Array(vec![Code::text(action)])),
                        ("resources", Code::Array(vec![Code::verbatim(written)])),
                    ]),
                };
                let last = named_children(list.node)
                    .filter(|item| item.kind() != "comment")
                    .last()?;
                let last = Located {
                    file: list.file,
                    node: last,
                };
                let rendered = code.render(self.style(list.file), &self.indentation_of(last), 0);
                edits.push(self.insert_items_after(last, &[rendered]));
            }
            DocumentPlace::Text { file, statements } => {
                let list = statements.clone()?;
                // Braces padded as the statements before it pad theirs.
                let padding = if self.file(*file).text[list.clone()].contains("{ ") {
                    " "
                } else {
                    ""
                };
                let statement = format!(
                    "{{{padding}\"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"${{{written}}}\"{padding}}}"
                );
                edits.push(self.append_to_text_list(*file, list, &statement));
            }
        }
        Some(edits)
    }

    /// How the document can hold the output, and the edits its context needs for that.
    fn output_in_context(&self, document: &PolicyDocument<'tree>, value: &OutputValue) -> Option<(String, Vec<Edit>)> {
        match document.context {
            OutputContext::Direct => Some((value.expression.clone(), Vec::new())),
            OutputContext::JsonStringify { callee } => {
                // `pulumi.jsonStringify` gives an Output, not a string: where the string is typed
                // (`const doc: string = …`, `… as string`), the document is left as it is and the
                // grant goes elsewhere (TS2322 otherwise).
                if self.typed_as_written(callee) {
                    return None;
                }
                let json_stringify = PackageMember {
                    package: Package::Pulumi,
                    path: vec!["jsonStringify".to_owned()],
                };
                let spelled = self.spelling_of(callee.file, &json_stringify)?;
                Some((value.expression.clone(), vec![self.replace_node(callee, &spelled)]))
            }
            OutputContext::AllCallback(callback) => {
                self.pass_to_callback(callback, &value.reference, &value.expression)
            }
            OutputContext::Closed => None,
        }
    }

    /// Whether the value of the call whose callee is `callee` is held to a declared type: a typed
    /// variable (`const doc: string = …`) or a type assertion. (The policy reader follows no
    /// helper's return, so a function's return type never constrains a document it edits.)
    fn typed_as_written(&self, callee: Located<'tree>) -> bool {
        let Some(mut node) = callee.node.parent() else {
            return false;
        };
        while let Some(parent) = node.parent() {
            match parent.kind() {
                "parenthesized_expression" => node = parent,
                "as_expression" | "satisfies_expression" => return true,
                "variable_declarator" => return parent.child_by_field_name("type").is_some(),
                _ => return false,
            }
        }
        false
    }

    /// Appends an item to an object-literal list value, or turns a single value into a list.
    fn append_to_object_list(&self, list: Located<'tree>, item: &str) -> Edit {
        if list.node.kind() == "array" {
            return match named_children(list.node)
                .filter(|element| element.kind() != "comment")
                .last()
            {
                Some(last) => self.insert_items_after(
                    Located {
                        file: list.file,
                        node: last,
                    },
                    &[item.to_owned()],
                ),
                None => self.replace_node(list, &format!("[{item}]")),
            };
        }
        self.replace_node(list, &format!("[{}, {item}]", self.text(list)))
    }

    /// Appends an item to a JSON text list (`[…]`), or turns a single JSON value into a list.
    fn append_to_text_list(&self, file: usize, list: Range<usize>, item: &str) -> Edit {
        let text = self.file(file).text;
        let current = &text[list.clone()];
        if !current.starts_with('[') {
            return Edit::replace(file, list, format!("[{current}, {item}]"));
        }
        let closing = list.end - 1;
        let last_content = text[list.start + 1..closing].trim_end();
        let insert_at = list.start + 1 + last_content.len();
        let items = &text[list.start + 1..insert_at];
        // A list written one item per line gets the new item on a line of its own.
        let separator = match (items.trim().is_empty(), items.trim_start().contains('\n')) {
            (true, _) => String::new(),
            (false, false) if !items.starts_with(['\n', '\r']) => ", ".to_owned(),
            (false, _) => {
                let last_line = &text[line_range(text, insert_at).start..insert_at];
                let indentation = &last_line[..last_line.len() - last_line.trim_start().len()];
                format!(",{}{indentation}", self.style(file).line_ending)
            }
        };
        Edit::insert(file, insert_at, format!("{separator}{item}"))
    }
}
