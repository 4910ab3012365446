//! Policy documents as Terraform writes them, read into statements the IAM evaluator judges:
//! `jsonencode({ Statement = [...] })`, an `aws_iam_policy_document` data source's `statement`
//! blocks, and JSON text in a heredoc with `${…}` references. A document infrafix cannot read
//! whole (`file(…)`, a variable, merged documents) is `None`: it may allow anything.

use crate::syntax::{kind_of, Fields};
use serde_json::Value;

use super::kept_instances::Kept;
use super::references::{graph_attribute, interpolated};
use super::values::{list_node, object_node, tuple_elements, unwrapped, Scope};
use super::{block_body, block_type, named_children, Located, TerraformProject};
use crate::cloud::{Effect, Entry, PolicyStatement, ResourceRef};

/// How a document is written, which says how a statement goes into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentForm {
    /// `jsonencode({ … })`: the located node is the object given to `jsonencode`.
    Encoded,
    /// `data.aws_iam_policy_document.NAME.json`: the located node is the data block.
    DataSource,
    /// JSON text: read, never edited.
    Text,
}

/// A policy document and where it is written.
pub struct ReadDocument<'a> {
    pub at: Located<'a>,
    pub form: DocumentForm,
    pub statements: Vec<PolicyStatement>,
}

/// Data source arguments that merge other documents into this one.
const MERGED: [&str; 4] = [
    "source_policy_documents",
    "override_policy_documents",
    "source_json",
    "override_json",
];

impl<'a> TerraformProject<'a> {
    /// The document a `policy` argument read in `scope` holds; `None` when it cannot be read.
    pub fn policy_document(&self, value: Located<'a>, scope: &Scope<'_, 'a>) -> Option<ReadDocument<'a>> {
        let origin = self.origin(value, scope)?;
        if origin.overridable {
            return None;
        }
        let written = origin.written;
        let scope = &scope[..origin.depth];
        if let Some(data) = self.data_source_read(written, "aws_iam_policy_document", "json") {
            return self.data_source_document(data.block, scope);
        }
        match kind_of(written.node) {
            "function_call" => {
                let object = self.encoded_object(written)?;
                Some(ReadDocument {
                    at: object,
                    form: DocumentForm::Encoded,
                    statements: self.encoded_statements(object, scope)?,
                })
            }
            "template_expr" => Some(ReadDocument {
                at: written,
                form: DocumentForm::Text,
                statements: self.text_statements(written, scope)?,
            }),
            _ => None,
        }
    }

    /// The object `jsonencode({ … })` encodes.
    pub(super) fn encoded_object(&self, call: Located<'a>) -> Option<Located<'a>> {
        let name = named_children(call.node).find(|node| kind_of(node) == "identifier")?;
        if self.text(call.with(name)) != "jsonencode" {
            return None;
        }
        let arguments = named_children(call.node).find(|node| kind_of(node) == "function_arguments")?;
        let argument: Vec<_> = named_children(arguments).collect();
        let [argument] = argument.as_slice() else { return None };
        object_node(call.with(*argument))
    }

    /// The fields of an object, by key (`Effect` and `"Effect"` alike), in order. A key written
    /// twice is the later one's: HCL lets an object constructor repeat a key and keeps the last
    /// value, so an edit of the earlier one would change nothing.
    pub fn object_fields(&self, object: Located<'a>) -> Vec<(String, Located<'a>)> {
        later_of_each_key(self.written_fields(object).into_iter().flatten().collect())
    }

    /// [`TerraformProject::object_fields`], or `None` when the object writes a key infrafix cannot
    /// read (`(local.key) = …`), which may be any of the keys asked for.
    pub fn all_object_fields(&self, object: Located<'a>) -> Option<Vec<(String, Located<'a>)>> {
        let written: Option<Vec<(String, Located<'a>)>> = self.written_fields(object).into_iter().collect();
        Some(later_of_each_key(written?))
    }

    /// Each field an object writes, in order; `None` for one whose key infrafix cannot read.
    fn written_fields(&self, object: Located<'a>) -> Vec<Option<(String, Located<'a>)>> {
        named_children(object.node)
            .filter(|node| kind_of(node) == "object_elem")
            .map(|element| {
                let key = object.with(element.field("key")?);
                let value = object.with(element.field("val")?);
                let key = unwrapped(key);
                let name = match kind_of(key.node) {
                    "variable_expr" => self.text(key).to_owned(),
                    _ => self.string_literal(key)?,
                };
                Some((name, value))
            })
            .collect()
    }

    /// The statements of an encoded document, each an object of `Statement` (a list of them, or one).
    fn encoded_statements(&self, document: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<PolicyStatement>> {
        let (_, statements) = self
            .object_fields(document)
            .into_iter()
            .find(|(key, _)| key == "Statement")?;
        let origin = self.origin(statements, scope)?;
        let (statements, scope) = (origin.written, &scope[..origin.depth]);
        let elements = match tuple_elements(interpolated(statements)) {
            Some(elements) => elements,
            None => vec![statements],
        };
        elements
            .into_iter()
            .map(|statement| {
                let object = object_node(statement)?;
                Some(self.encoded_statement(object, scope))
            })
            .collect()
    }

    fn encoded_statement(&self, object: Located<'a>, scope: &Scope<'_, 'a>) -> PolicyStatement {
        let mut effect = None;
        let (mut actions, mut resources) = (ReadEntries::default(), ReadEntries::default());
        let mut uncertainty = None;
        for (key, value) in self.object_fields(object) {
            match key.as_str() {
                "Effect" => effect = self.string_value(value, scope).map(|(effect, _)| effect),
                "Action" => actions = self.entries(value, scope),
                "Resource" => resources = self.entries(value, scope),
                "NotAction" | "NotResource" | "Condition" => {
                    uncertainty = Some(format!("a statement with {key}"));
                }
                _ => {}
            }
        }
        statement(effect.as_deref(), actions, resources, uncertainty)
    }

    /// The entries of an `Action` or `Resource` value: a list of them, or one, or a `for` over a
    /// resource's instances (see `kept_entries`).
    pub(super) fn entries(&self, value: Located<'a>, scope: &Scope<'_, 'a>) -> ReadEntries {
        self.nested_entries(value, scope, 0)
    }

    /// The entries of a value `nesting` list functions or lists deep in the `Action` or
    /// `Resource` value (see `joined_lists`).
    fn nested_entries(&self, value: Located<'a>, scope: &Scope<'_, 'a>, nesting: usize) -> ReadEntries {
        let origin = self.origin(value, scope).filter(|_| nesting <= NESTING_FOLLOWED);
        let Some(origin) = origin else {
            return ReadEntries::of(vec![unreadable_entry()]);
        };
        let scope = &scope[..origin.depth];
        let written = interpolated(origin.written);
        let mut read = ReadEntries::default();
        let mut add = |entries: ReadEntries| {
            read.entries.extend(entries.entries);
            read.uncertainty = read.uncertainty.take().or(entries.uncertainty);
        };
        if let Some(lists) = self.joined_lists(written) {
            for list in lists {
                add(self.nested_entries(list, scope, nesting + 1));
            }
            return read;
        }
        for element in tuple_elements(written).unwrap_or_else(|| vec![origin.written]) {
            // A list in a list is one `flatten` merges (`flatten([[a.arn], [b.arn]])`).
            if element != origin.written
                && (list_node(element).is_some() || self.joined_lists(unwrapped(element)).is_some())
            {
                add(self.nested_entries(element, scope, nesting + 1));
                continue;
            }
            let kept = || {
                self.kept_entries(element)
                    .or_else(|| self.kept_element_entries(element))
            };
            match scope.is_empty().then(kept).flatten() {
                Some(kept) => add(kept),
                None => add(ReadEntries::of(vec![self.entry(element, scope)])),
            }
        }
        read
    }

    /// Whether a value is a list made by a list function or a splat (`concat(…)`,
    /// `aws_sqs_queue.dlq[*].arn`), which an entry cannot be written beside in a list.
    pub(super) fn makes_a_list(&self, value: Located<'a>) -> bool {
        let value = interpolated(value);
        self.joined_lists(unwrapped(value)).is_some()
            || named_children(value.node)
                .last()
                .is_some_and(|part| kind_of(part) == "splat")
    }

    /// The lists a call of a list function joins, where every entry it gives is an entry of one
    /// of them: `concat(a, b)`, `flatten(…)`, and `distinct`, `compact`, `tolist`, `toset` of
    /// one list, which only drop, merge or reorder entries (Terraform's collection and type
    /// conversion functions). `None` for anything else.
    fn joined_lists(&self, call: Located<'a>) -> Option<Vec<Located<'a>>> {
        let (function, arguments) = self.function_call(call)?;
        match (function, arguments.as_slice()) {
            ("concat", _) => Some(arguments),
            ("flatten" | "distinct" | "compact" | "tolist" | "toset", [_]) => Some(arguments),
            _ => None,
        }
    }

    /// The entries a `for` over the instances of a root module resource makes (see
    /// `instances_kept`), reading an attribute of each: the resource as a whole where it keeps
    /// every instance, each instance it keeps by its key; where infrafix cannot tell which it
    /// keeps, the resource as a whole, with the uncertainty that makes the statement cover none
    /// of its instances surely. `None` for any other expression.
    fn kept_entries(&self, element: Located<'a>) -> Option<ReadEntries> {
        let kept = self
            .instances_kept(element)
            .or_else(|| self.instances_splatted(element))?;
        let [attribute] = kept.read[..] else {
            return Some(ReadEntries::of(vec![unreadable_entry()]));
        };
        let kind = &self.root_resources().nth(kept.resource)?.kind;
        let reference = |instance: Option<String>| {
            reference_entry(ResourceRef {
                resource: kept.resource,
                attribute: Some(graph_attribute(kind, attribute)),
                instance,
            })
        };
        Some(match kept.kept {
            Kept::Every => ReadEntries::of(vec![reference(None)]),
            Kept::Keys(keys) => ReadEntries::of(keys.into_iter().map(|key| reference(Some(key))).collect()),
            Kept::Undecided => {
                let resource = self.root_resources().nth(kept.resource)?;
                ReadEntries {
                    entries: vec![reference(None)],
                    uncertainty: Some(format!(
                        "a `for` over `{}.{}` that keeps only the instances its condition picks",
                        resource.kind, resource.name
                    )),
                }
            }
        })
    }

    /// The entries `each.value.NAME` makes in a block made for some instances of a root module
    /// resource, each kept one by its key (see `kept_instance_refs`).
    fn kept_element_entries(&self, element: Located<'a>) -> Option<ReadEntries> {
        let references = self.kept_instance_refs(element)?;
        Some(ReadEntries::of(references.into_iter().map(reference_entry).collect()))
    }

    /// One entry read in `scope`: a literal, or a resource's attribute. In a called module, a
    /// resource the root passes in or the module instance makes once (see `arn_ref`).
    fn entry(&self, element: Located<'a>, scope: &Scope<'_, 'a>) -> Entry {
        // A policy made per kept instance grants those alone, not the resource the element is of.
        if scope.is_empty() && self.reads_some_instances(element) {
            return unreadable_entry();
        }
        if let Some((literal, _)) = self.string_value(element, scope) {
            return Entry {
                literal: Some(literal),
                resource: None,
                text: None,
            };
        }
        let resource = match scope.is_empty() {
            true => self.root_or_output_ref(element),
            false => self.arn_ref(element, scope),
        };
        // ARN text that reads values names what the same text, read the same way, names.
        let text = match (&resource, scope.is_empty()) {
            (None, true) => self.arn_text(element),
            _ => None,
        };
        Entry {
            literal: None,
            resource,
            text,
        }
    }

    /// The statements of an `aws_iam_policy_document` data block.
    fn data_source_document(&self, block: Located<'a>, scope: &Scope<'_, 'a>) -> Option<ReadDocument<'a>> {
        let body = block_body(block)?;
        if MERGED.iter().any(|merged| self.argument(body, merged).is_some()) {
            return None;
        }
        let mut statements = Vec::new();
        for nested in named_children(body.node).filter(|node| kind_of(node) == "block") {
            match block_type(nested, self.file_text(block.file)) {
                Some("statement") => statements.push(self.data_source_statement(block_body(block.with(nested)), scope)),
                // `dynamic "statement"` makes statements from a collection.
                _ => return None,
            }
        }
        Some(ReadDocument {
            at: block,
            form: DocumentForm::DataSource,
            statements,
        })
    }

    fn data_source_statement(&self, body: Option<Located<'a>>, scope: &Scope<'_, 'a>) -> PolicyStatement {
        let Some(body) = body else {
            return statement(Some("Allow"), ReadEntries::default(), ReadEntries::default(), None);
        };
        let effect = match self.argument(body, "effect") {
            Some(effect) => self.string_value(effect, scope).map(|(effect, _)| effect),
            // The data source's default.
            None => Some("Allow".to_owned()),
        };
        let list = |key| {
            self.argument(body, key)
                .map(|value| self.entries(value, scope))
                .unwrap_or_default()
        };
        let uncertainty = ["not_actions", "not_resources"]
            .into_iter()
            .find(|key| self.argument(body, key).is_some())
            .map(|key| format!("a statement with {key}"))
            .or_else(|| {
                self.nested_block(body, "condition")
                    .map(|_| "a statement with a condition".to_owned())
            });
        statement(effect.as_deref(), list("actions"), list("resources"), uncertainty)
    }

    /// The statements of JSON text, where each `${…}` stands for what it references.
    fn text_statements(&self, template: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<PolicyStatement>> {
        let content = named_children(template.node).next()?;
        let mut json = String::new();
        let mut interpolations = Vec::new();
        for part in named_children(content) {
            match kind_of(part) {
                "template_literal" => json.push_str(self.text(template.with(part))),
                "template_interpolation" => {
                    let inner = named_children(part).find(|node| kind_of(node) == "expression")?;
                    json.push_str(&placeholder(interpolations.len()));
                    interpolations.push(template.with(inner));
                }
                "quoted_template_start" | "quoted_template_end" | "heredoc_start" | "heredoc_identifier" => {}
                // Template directives (`%{ if … }`) choose the text.
                _ => return None,
            }
        }
        if kind_of(content) == "quoted_template" && json.contains('\\') {
            return None;
        }
        let document: Value = serde_json::from_str(&json).ok()?;
        let statements = match document.get("Statement")? {
            Value::Array(statements) => statements.iter().collect(),
            single => vec![single],
        };
        statements
            .into_iter()
            .map(|statement| self.text_statement(statement, &interpolations, scope))
            .collect()
    }

    fn text_statement(
        &self,
        value: &Value,
        interpolations: &[Located<'a>],
        scope: &Scope<'_, 'a>,
    ) -> Option<PolicyStatement> {
        let object = value.as_object()?;
        let entries = |key: &str| -> ReadEntries {
            let values = match object.get(key) {
                Some(Value::Array(values)) => values.iter().collect(),
                Some(single) => vec![single],
                None => Vec::new(),
            };
            ReadEntries::of(
                values
                    .into_iter()
                    .map(|value| self.text_entry(value, interpolations, scope))
                    .collect(),
            )
        };
        let uncertainty = ["NotAction", "NotResource", "Condition"]
            .into_iter()
            .find(|key| object.contains_key(*key))
            .map(|key| format!("a statement with {key}"));
        Some(statement(
            object.get("Effect").and_then(Value::as_str),
            entries("Action"),
            entries("Resource"),
            uncertainty,
        ))
    }

    fn text_entry(&self, value: &Value, interpolations: &[Located<'a>], scope: &Scope<'_, 'a>) -> Entry {
        let Some(text) = value.as_str() else {
            return unreadable_entry();
        };
        if let Some(interpolation) = (0..interpolations.len()).find(|&index| text == placeholder(index)) {
            return self.entry(interpolations[interpolation], scope);
        }
        if text.contains(PLACEHOLDER_MARK) {
            return unreadable_entry();
        }
        Entry {
            literal: Some(text.to_owned()),
            resource: None,
            text: None,
        }
    }
}

/// What stands for an interpolation in JSON text while it is parsed.
const PLACEHOLDER_MARK: &str = "__infrafix_interpolation_";

/// How many list functions and lists in lists deep an `Action` or `Resource` value is read.
const NESTING_FOLLOWED: usize = 8;

fn placeholder(index: usize) -> String {
    format!("{PLACEHOLDER_MARK}{index}__")
}

/// An output of a resource (`arn`), as an entry.
fn reference_entry(reference: ResourceRef) -> Entry {
    Entry {
        literal: None,
        resource: Some(reference),
        text: None,
    }
}

fn unreadable_entry() -> Entry {
    Entry {
        literal: None,
        resource: None,
        text: None,
    }
}

/// The entries of an `Action` or `Resource` value, and why infrafix cannot tell what they name
/// when it cannot tell (see `kept_entries`).
#[derive(Default)]
pub(super) struct ReadEntries {
    pub entries: Vec<Entry>,
    pub uncertainty: Option<String>,
}

impl ReadEntries {
    fn of(entries: Vec<Entry>) -> Self {
        Self {
            entries,
            uncertainty: None,
        }
    }
}

/// A statement read with its effect as written; a statement without a readable one is uncertain,
/// as one is whose entries infrafix cannot tell.
pub(super) fn statement(
    effect: Option<&str>,
    actions: ReadEntries,
    resources: ReadEntries,
    uncertainty: Option<String>,
) -> PolicyStatement {
    let uncertainty = uncertainty.or(actions.uncertainty).or(resources.uncertainty);
    let (actions, resources) = (actions.entries, resources.entries);
    let (effect, uncertainty) = match effect {
        Some("Allow") => (Effect::Allow, uncertainty),
        Some("Deny") => (Effect::Deny, uncertainty),
        _ => (
            Effect::Allow,
            Some("a statement whose Effect cannot be read".to_owned()),
        ),
    };
    PolicyStatement::new(effect, actions, resources, uncertainty)
}

/// The fields as HCL keeps them: of a key written more than once, the last.
fn later_of_each_key<T>(written: Vec<(String, T)>) -> Vec<(String, T)> {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<(String, T)> = written
        .into_iter()
        .rev()
        .filter(|(key, _)| seen.insert(key.clone()))
        .collect();
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_module;
    use crate::cloud::{Answer, CloudGraph};

    /// The answer the role gets for sending to the dead-letter queue, with this policy.
    fn send_answer(policy: &str, extra: &str) -> Answer {
        let text = format!(
            "resource \"aws_sqs_queue\" \"dlq\" {{\n  name = \"orders-dlq\"\n}}\n\n\
             resource \"aws_iam_role\" \"role\" {{\n  assume_role_policy = \"{{}}\"\n}}\n\n{extra}\n\
             resource \"aws_iam_role_policy\" \"policy\" {{\n  role   = aws_iam_role.role.id\n  policy = {policy}\n}}\n"
        );
        let mut answer = None;
        with_module(&[("main.tf", &text)], |front_end| {
            let graph = CloudGraph::new(front_end);
            let dlq = &graph.message_targets()[0].target;
            answer = Some(graph.roles()[0].grants.allows("sqs:SendMessage", dlq));
        });
        answer.expect("judged")
    }

    #[test]
    fn what_cannot_be_judged_is_unknown_or_unreadable() {
        let encoded = |statement: &str| format!("jsonencode({{\n    Statement = [{{ {statement} }}]\n  }})");
        let unknown = |answer: Answer| matches!(answer, Answer::Unknown(_));
        assert_eq!(
            send_answer(
                &encoded("Effect = \"Allow\", Action = \"sqs:*\", Resource = aws_sqs_queue.dlq.arn"),
                ""
            ),
            Answer::Allowed
        );
        assert!(unknown(send_answer(
            &encoded("Effect = \"Allow\", NotAction = \"s3:*\", Resource = \"*\""),
            ""
        )));
        assert!(unknown(send_answer(
            &encoded("Effect = \"Allow\", Action = \"sqs:SendMessage\", Resource = \"*\", Condition = {}"),
            ""
        )));
        // A pattern the queue's fixed name does not match grants nothing; one it matches does.
        assert_eq!(
            send_answer(
                &encoded("Effect = \"Allow\", Action = \"sqs:SendMessage\", Resource = \"arn:aws:sqs:*:*:billing-*\""),
                ""
            ),
            Answer::NotAllowed
        );
        assert_eq!(
            send_answer(
                &encoded("Effect = \"Allow\", Action = \"sqs:SendMessage\", Resource = \"arn:aws:sqs:*:*:orders-*\""),
                ""
            ),
            Answer::Allowed
        );
        assert_eq!(send_answer("file(\"policy.json\")", ""), Answer::Unreadable);
        assert_eq!(
            send_answer("var.policy", "variable \"policy\" {}\n"),
            Answer::Unreadable
        );
        let merged = "data \"aws_iam_policy_document\" \"p\" {\n  source_policy_documents = [local.base]\n}\n";
        assert_eq!(
            send_answer("data.aws_iam_policy_document.p.json", merged),
            Answer::Unreadable
        );
        let conditioned = "data \"aws_iam_policy_document\" \"p\" {\n  statement {\n    actions   = [\"sqs:SendMessage\"]\n    resources = [\"*\"]\n\n    condition {\n      test     = \"StringEquals\"\n      variable = \"aws:SourceAccount\"\n      values   = [\"123456789012\"]\n    }\n  }\n}\n";
        assert!(unknown(send_answer("data.aws_iam_policy_document.p.json", conditioned)));
        let heredoc = "<<EOF\n{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"sqs:*\", \"Resource\": \"${aws_sqs_queue.dlq.arn}\"}]}\nEOF";
        assert_eq!(send_answer(heredoc, ""), Answer::Denied);
        let directive = "<<EOF\n%{ if true }{\"Statement\": []}%{ endif }\nEOF";
        assert_eq!(send_answer(directive, ""), Answer::Unreadable);
    }

    #[test]
    fn the_providers_region_and_account_as_data_sources_report_them_are_the_queues() {
        let data_sources = "data \"aws_region\" \"current\" {}\n\
                            data \"aws_caller_identity\" \"current\" {}\n\
                            data \"aws_partition\" \"here\" {}\n\
                            data \"aws_region\" \"west\" {\n  region = \"us-west-2\"\n}\n";
        let answer = |written: &str| {
            let policy = format!(
                "jsonencode({{\n    Statement = [{{ Effect = \"Allow\", Action = \"sqs:SendMessage\", Resource = {written} }}]\n  }})"
            );
            send_answer(&policy, data_sources)
        };
        let unknown = |written: &str| matches!(answer(written), Answer::Unknown(_));
        let template = "\"arn:${data.aws_partition.here.partition}:sqs:${data.aws_region.current.name}:\
                        ${data.aws_caller_identity.current.account_id}:${aws_sqs_queue.dlq.name}\"";
        assert_eq!(answer(template), Answer::Allowed);
        assert_eq!(
            answer("\"arn:aws:sqs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:orders-dlq\""),
            Answer::Allowed
        );
        let formatted = "format(\"arn:aws:sqs:%s:%s:%s\", data.aws_region.current.name, \
                         data.aws_caller_identity.current.account_id, aws_sqs_queue.dlq.name)";
        assert_eq!(answer(formatted), Answer::Allowed);
        assert_eq!(
            answer(
                "\"${format(\"arn:aws:sqs:*:%s:orders-%s\", data.aws_caller_identity.current.account_id, \"dlq\")}\""
            ),
            Answer::Allowed
        );
        // Another name, written out, is another queue.
        assert_eq!(
            answer("format(\"arn:aws:sqs:%s:*:billing-dlq\", data.aws_region.current.name)"),
            Answer::NotAllowed
        );
        // A data source asked about another region reports that one; a format infrafix does not
        // read (another verb, a missing argument) may name anything.
        assert!(unknown(
            "\"arn:aws:sqs:${data.aws_region.west.name}:*:${aws_sqs_queue.dlq.name}\""
        ));
        assert!(unknown(
            "format(\"arn:aws:sqs:%v:*:orders-dlq\", data.aws_region.current.name)"
        ));
        assert!(unknown("format(\"arn:aws:sqs:%s:*:%s\", data.aws_region.current.name)"));
    }

    #[test]
    fn a_queue_placed_by_a_provider_of_its_own_is_not_known_to_be_in_the_providers_region() {
        let text = "data \"aws_region\" \"current\" {}\n\n\
                    resource \"aws_sqs_queue\" \"dlq\" {\n  provider = aws.west\n  name     = \"orders-dlq\"\n}\n\n\
                    resource \"aws_iam_role\" \"role\" {\n  assume_role_policy = \"{}\"\n}\n\n\
                    resource \"aws_iam_role_policy\" \"policy\" {\n  role   = aws_iam_role.role.id\n  policy = jsonencode({\n\
                    Statement = [{ Effect = \"Allow\", Action = \"sqs:SendMessage\", \
                    Resource = \"arn:aws:sqs:${data.aws_region.current.name}:*:${aws_sqs_queue.dlq.name}\" }]\n  })\n}\n";
        let mut answer = None;
        with_module(&[("main.tf", text)], |front_end| {
            let graph = CloudGraph::new(front_end);
            let dlq = &graph.message_targets()[0].target;
            answer = Some(graph.roles()[0].grants.allows("sqs:SendMessage", dlq));
        });
        assert!(matches!(answer, Some(Answer::Unknown(_))));
    }

    #[test]
    fn a_policy_made_per_instance_of_other_resources_grants_what_infrafix_can_pair() {
        // The answer for sending to instance `a` of the queue, with one policy repeated so.
        let answer = |for_each: &str, resource: &str| {
            let text = format!(
                "resource \"aws_sqs_queue\" \"dlq\" {{\n  for_each = toset([\"a\", \"b\"])\n  name = \"${{each.key}}-dlq\"\n}}\n\n\
                 resource \"aws_iam_role\" \"role\" {{\n  assume_role_policy = \"{{}}\"\n}}\n\n\
                 variable \"on\" {{\n  default = {{ a = true, b = true }}\n}}\n\n\
                 resource \"aws_iam_role_policy\" \"policy\" {{\n  for_each = {for_each}\n  role = aws_iam_role.role.id\n  \
                 policy = jsonencode({{\n    Statement = [{{ Effect = \"Allow\", Action = \"sqs:SendMessage\", Resource = {resource} }}]\n  }})\n}}\n"
            );
            let mut answer = None;
            with_module(&[("main.tf", &text)], |front_end| {
                let graph = CloudGraph::new(front_end);
                let mut instance = graph.message_targets()[0].target.clone();
                instance.instance = Some("a".to_owned());
                answer = Some(graph.roles()[0].grants.allows("sqs:SendMessage", &instance));
            });
            answer.expect("judged")
        };
        let every = "aws_sqs_queue.dlq";
        assert_eq!(answer(every, "each.value.arn"), Answer::Allowed);
        assert_eq!(
            answer("{ for k, q in aws_sqs_queue.dlq : k => q }", "each.value.arn"),
            Answer::Allowed
        );
        // A `for` whose keys infrafix decides grants the kept instances alone.
        let kept = |key: &str| format!("{{ for k, q in aws_sqs_queue.dlq : k => q if k == \"{key}\" }}");
        assert_eq!(answer(&kept("a"), "each.value.arn"), Answer::Allowed);
        assert_eq!(answer(&kept("b"), "each.value.arn"), Answer::NotAllowed);
        // One it cannot decide may grant it or not; the answer names the policy.
        let undecided = "{ for k, q in aws_sqs_queue.dlq : k => q if var.on[k] }";
        assert!(matches!(
            answer(undecided, "each.value.arn"),
            Answer::Unknown(reason) if reason.contains("`aws_iam_role_policy.policy`")
        ));
        assert!(matches!(
            answer("toset([for q in aws_sqs_queue.dlq : q.name])", "\"*\""),
            Answer::Unknown(_)
        ));
    }

    #[test]
    fn arn_text_reading_the_queues_own_name_or_arn_covers_it() {
        let resource = |written: &str| {
            format!("jsonencode({{\n    Statement = [{{ Effect = \"Allow\", Action = \"sqs:SendMessage\", Resource = {written} }}]\n  }})")
        };
        let answer = |written: &str| send_answer(&resource(written), "");
        assert_eq!(answer("\"arn:aws:sqs:*:*:${aws_sqs_queue.dlq.name}\""), Answer::Allowed);
        assert_eq!(answer("\"${aws_sqs_queue.dlq.arn}*\""), Answer::Allowed);
        assert_eq!(answer("[\"${aws_sqs_queue.dlq.arn}*\"]"), Answer::Allowed);
        // The region it is made in is not known: one written out may be it or not.
        assert!(matches!(
            answer("\"arn:aws:sqs:eu-west-1:*:${aws_sqs_queue.dlq.name}\""),
            Answer::Unknown(_)
        ));
        // Another queue's name, or text after its ARN, names another queue or may.
        assert!(matches!(
            answer("\"arn:aws:sqs:*:*:${aws_sqs_queue.other.name}\""),
            Answer::Unknown(_)
        ));
        assert!(matches!(
            answer("\"${aws_sqs_queue.dlq.arn}-old*\""),
            Answer::Unknown(_)
        ));
    }
}
