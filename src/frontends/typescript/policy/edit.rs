//! Editing policy documents in their own form: an action or resources added to a statement,
//! statements added to a document. Resource outputs (ARNs) go in the way the document's context
//! allows: as they are where inputs are accepted, through `pulumi.jsonStringify` in place of
//! `JSON.stringify`, or as new elements of `pulumi.all([...])` and new callback parameters. Several
//! outputs go in with one edit per place, so that the grants of one run apply together.

use crate::syntax::{kind_of, Fields};
use std::ops::Range;

use super::{DocumentPlace, Keys, OutputContext, PolicyDocument, Statement, StatementPlace};
use crate::fix::Edit;
use crate::frontends::typescript::{named_children, Located, OutputValue, Package, PackageMember, Program};
use crate::source::line_range;
use crate::style::template::Code;

/// A statement to add: one action on one or more resource outputs.
#[derive(Debug, Clone)]
pub struct NewStatement<'a> {
    pub action: &'a str,
    pub resources: Vec<OutputValue>,
}

impl NewStatement<'_> {
    /// The statement for a document of its own, which takes the outputs as they are.
    pub fn code(&self) -> Code {
        let names = self.resources.iter().map(|value| value.expression.clone()).collect();
        statement_code(Keys::Json, self.action, names)
    }
}

impl<'tree> Program<'tree> {
    /// Adds an action to a statement's Action list.
    pub fn add_action(&self, statement: &Statement<'tree>, action: &str) -> Option<Edit> {
        match &statement.place {
            StatementPlace::Object { actions, .. } => {
                let actions = (*actions)?;
                let style = self.style(actions.file);
                Some(self.append_to_object_list(actions, &[style.string(action)]))
            }
            StatementPlace::Text { file, actions, .. } => {
                Some(self.append_to_text_list(*file, actions.clone()?, &[format!("\"{action}\"")]))
            }
        }
    }

    /// Adds resource outputs to a statement's Resource list. Several edits: the document's context
    /// may need some too.
    pub fn add_resources(
        &self,
        document: &PolicyDocument<'tree>,
        statement: &Statement<'tree>,
        values: &[OutputValue],
    ) -> Option<Vec<Edit>> {
        // The list is looked up first: the context hands out fresh names only for an edit that is made.
        let list = match &statement.place {
            StatementPlace::Object { resources, .. } => ListPlace::Object((*resources)?),
            StatementPlace::Text { file, resources, .. } => ListPlace::Text(*file, resources.clone()?),
        };
        let (written, mut edits) = self.outputs_in_context(document, values)?;
        edits.push(match list {
            ListPlace::Object(list) => self.append_to_object_list(list, &written),
            ListPlace::Text(file, list) => {
                let items: Vec<String> = written.iter().map(|name| substituted(name)).collect();
                self.append_to_text_list(file, list, &items)
            }
        });
        Some(edits)
    }

    /// Adds statements after the document's last one, each allowing its action on its resource
    /// outputs.
    pub fn add_statements(&self, document: &PolicyDocument<'tree>, statements: &[NewStatement]) -> Option<Vec<Edit>> {
        let list = match &document.place {
            DocumentPlace::Object { statements } => {
                let list = (*statements)?;
                let last = named_children(list.node)
                    .filter(|item| kind_of(item) != "comment")
                    .last()?;
                ListPlace::Object(Located {
                    file: list.file,
                    node: last,
                })
            }
            DocumentPlace::Text { file, statements } => ListPlace::Text(*file, statements.clone()?),
        };
        let values: Vec<OutputValue> = statements
            .iter()
            .flat_map(|statement| statement.resources.iter().cloned())
            .collect();
        let (written, mut edits) = self.outputs_in_context(document, &values)?;
        let mut written = written.into_iter();
        let mut rendered = Vec::with_capacity(statements.len());
        for statement in statements {
            let names: Vec<String> = written.by_ref().take(statement.resources.len()).collect();
            rendered.push(match &list {
                ListPlace::Object(last) => {
                    let code = statement_code(document.keys, statement.action, names);
                    code.render(self.style(last.file), &self.indentation_of(*last), 0)
                }
                ListPlace::Text(file, list) => {
                    // Braces padded as the statements before it pad theirs.
                    let padding = if self.file(*file).text[list.clone()].contains("{ ") {
                        " "
                    } else {
                        ""
                    };
                    let quoted: Vec<String> = names.iter().map(|name| substituted(name)).collect();
                    let resource = match quoted.as_slice() {
                        [single] => single.clone(),
                        _ => format!("[{}]", quoted.join(", ")),
                    };
                    format!(
                        "{{{padding}\"Effect\": \"Allow\", \"Action\": \"{}\", \"Resource\": {resource}{padding}}}",
                        statement.action
                    )
                }
            });
        }
        edits.push(match list {
            ListPlace::Object(last) => self.insert_items_after(last, &rendered),
            ListPlace::Text(file, list) => self.append_to_text_list(file, list, &rendered),
        });
        Some(edits)
    }

    /// How the document can hold the outputs (the names to write, in order), and the edits its
    /// context needs for that.
    fn outputs_in_context(
        &self,
        document: &PolicyDocument<'tree>,
        values: &[OutputValue],
    ) -> Option<(Vec<String>, Vec<Edit>)> {
        let as_written = || values.iter().map(|value| value.expression.clone()).collect();
        match document.context {
            OutputContext::Direct => Some((as_written(), Vec::new())),
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
                Some((as_written(), vec![self.replace_node(callee, &spelled)]))
            }
            OutputContext::AllCallback(callback) => self.pass_to_callback(callback, values),
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
            match kind_of(parent) {
                "parenthesized_expression" => node = parent,
                "as_expression" | "satisfies_expression" => return true,
                "variable_declarator" => return parent.field("type").is_some(),
                _ => return false,
            }
        }
        false
    }

    /// Appends items to an object-literal list value, or turns a single value into a list.
    fn append_to_object_list(&self, list: Located<'tree>, items: &[String]) -> Edit {
        if kind_of(list.node) == "array" {
            return match named_children(list.node)
                .filter(|element| kind_of(element) != "comment")
                .last()
            {
                Some(last) => self.insert_items_after(
                    Located {
                        file: list.file,
                        node: last,
                    },
                    items,
                ),
                None => self.replace_node(list, &format!("[{}]", items.join(", "))),
            };
        }
        self.replace_node(list, &format!("[{}, {}]", self.text(list), items.join(", ")))
    }

    /// Appends items to a JSON text list (`[…]`), or turns a single JSON value into a list.
    fn append_to_text_list(&self, file: usize, list: Range<usize>, items: &[String]) -> Edit {
        let text = self.file(file).text;
        let current = &text[list.clone()];
        if !current.starts_with('[') {
            return Edit::replace(file, list, format!("[{current}, {}]", items.join(", ")));
        }
        let closing = list.end - 1;
        let last_content = text[list.start + 1..closing].trim_end();
        let insert_at = list.start + 1 + last_content.len();
        let written = &text[list.start + 1..insert_at];
        // A list written one item per line gets each new item on a line of its own.
        let (before_first, between) = match (written.trim().is_empty(), written.trim_start().contains('\n')) {
            (true, _) => (String::new(), ", ".to_owned()),
            (false, false) if !written.starts_with(['\n', '\r']) => (", ".to_owned(), ", ".to_owned()),
            (false, _) => {
                let last_line = &text[line_range(text, insert_at).start..insert_at];
                let indentation = &last_line[..last_line.len() - last_line.trim_start().len()];
                let separator = format!(",{}{indentation}", self.style(file).line_ending);
                (separator.clone(), separator)
            }
        };
        Edit::insert(file, insert_at, format!("{before_first}{}", items.join(&between)))
    }
}

/// Where new items go: beside a node of an object literal (a list value, or the last item of a
/// list), or into a JSON text list.
enum ListPlace<'tree> {
    Object(Located<'tree>),
    Text(usize, Range<usize>),
}

/// A JSON string holding an output: `"${dlqArn}"` in a template literal.
fn substituted(name: &str) -> String {
    format!("\"${{{name}}}\"")
}

/// A statement allowing `action` on the resources written as `names`, in the document's keys.
fn statement_code(keys: Keys, action: &str, names: Vec<String>) -> Code {
    let resources: Vec<Code> = names.into_iter().map(Code::verbatim).collect();
    match keys {
        Keys::Json => Code::object([
            ("Effect", Code::text("Allow")),
            ("Action", Code::text(action)),
            (
                "Resource",
                match <[Code; 1]>::try_from(resources) {
                    Ok([single]) => single,
                    Err(several) => Code::Array(several),
                },
            ),
        ]),
        Keys::PolicyDocumentArgs => Code::object([
            ("actions", Code::Array(vec![Code::text(action)])),
            ("resources", Code::Array(resources)),
        ]),
    }
}
