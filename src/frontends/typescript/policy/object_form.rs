//! Reading policy documents written as object literals (and finding the document behind a
//! `policy` value in every form: consts, callbacks, `JSON.stringify`, `pulumi.jsonStringify`,
//! `pulumi.interpolate`, getPolicyDocument calls).

use super::{
    DocumentPlace, Keys, OutputAsText, OutputContext, PolicyDocument, Serializer, Statement, StatementPlace,
    WrittenWithin,
};
use crate::cloud::{ArnPiece, Effect, Entry, PolicyStatement};
use crate::frontends::typescript::output_text::TO_STRING_PLACEHOLDER;
use crate::frontends::typescript::references::first_parameter_pattern;
use crate::frontends::typescript::{named_children, Located, Package, Program, StringOrigin};
use crate::syntax::{kind_of, Fields};

/// How many wrappers (consts, callbacks, calls) a document may be found behind.
const MAX_DEPTH: usize = 12;

impl<'tree> Program<'tree> {
    /// `as_text`: the value is serialized by `JSON.stringify`, which writes an output it meets as
    /// Pulumi's placeholder text, not its value.
    pub(super) fn read_policy(
        &self,
        value: Located<'tree>,
        context: OutputContext<'tree>,
        as_text: bool,
        depth: usize,
    ) -> Option<PolicyDocument<'tree>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let here = |node| Located { file: value.file, node };
        match kind_of(value.node) {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "await_expression" => self.read_policy(here(value.node.named_child(0)?), context, as_text, depth + 1),
            "identifier" => {
                let (initializer, shared) = self.const_value_and_sharing(value)?;
                let document = self.read_policy(initializer, OutputContext::Direct, as_text, depth + 1)?;
                Some(PolicyDocument {
                    shared: document.shared || shared,
                    ..document
                })
            }
            "object" => Some(self.object_document(value, Keys::Json, context, as_text)),
            "string" => self.json_text_document(value, OutputContext::Closed),
            "template_string" => {
                let context = match context {
                    OutputContext::AllCallback { .. } => context,
                    _ => OutputContext::Closed,
                };
                self.json_text_document(value, context)
            }
            // `aws.iam.getPolicyDocumentOutput({...}).json`, or a const holding the call.
            "member_expression" if self.text(here(value.node.field("property")?)) == "json" => {
                self.policy_document_held(here(value.node.field("object")?))
            }
            // What a call returns is serialized, or not, by the call itself.
            "call_expression" => self.read_policy_call(value, context, depth),
            _ => None,
        }
    }

    fn read_policy_call(
        &self,
        call: Located<'tree>,
        context: OutputContext<'tree>,
        depth: usize,
    ) -> Option<PolicyDocument<'tree>> {
        let here = |node| Located { file: call.file, node };
        let function = here(call.node.field("function")?);
        let arguments = call.node.field("arguments")?;
        // `pulumi.interpolate` with a template: a tagged template, whose argument is the template.
        if kind_of(arguments) == "template_string" {
            let member = self.package_member(function)?;
            return member
                .is(Package::Pulumi, &["interpolate"])
                .then(|| self.json_text_document(here(arguments), OutputContext::Direct))?;
        }
        let Some(&first) = self.call_arguments(call).first() else {
            return self.helper_document(call, depth);
        };
        if kind_of(function.node) == "member_expression" {
            let object = here(function.node.field("object")?);
            let property = self.text(here(function.node.field("property")?));
            if property == "apply" && kind_of(first.node) == "arrow_function" {
                return self.read_policy(
                    self.returned_value(first)?,
                    self.callback_context(object, first),
                    false,
                    depth + 1,
                );
            }
            // `aws.iam.getPolicyDocument({...}).then(document => document.json)`.
            if property == "then" && self.returns_json_of_its_parameter(first) {
                return self.policy_document_held(object);
            }
            if property == "stringify" && self.text(object) == "JSON" && self.package_member(object).is_none() {
                let context = match context {
                    OutputContext::Direct => OutputContext::JsonStringify { callee: function },
                    other => other,
                };
                return self.read_policy(first, context, true, depth + 1);
            }
        }
        if let Some(member) = self.package_member(function) {
            return member
                .is(Package::Pulumi, &["jsonStringify"])
                .then(|| self.read_policy(first, OutputContext::Direct, false, depth + 1))?;
        }
        self.helper_document(call, depth)
    }

    /// The document a helper of the program returns (`policy: logsPolicy()`): read, never edited,
    /// since the helper's code serves every call of it. Only a helper that takes no parameters
    /// and does nothing but return it: a document made of a call's arguments would need that
    /// call's values (a default, a call through a barrel, another call passing another queue),
    /// and one changed before it is returned, or chosen between returns, is not what is written.
    fn helper_document(&self, call: Located<'tree>, depth: usize) -> Option<PolicyDocument<'tree>> {
        let helper = self.function_named(call.with(call.node.field("function")?))?;
        let parameters = helper
            .node
            .field("parameters")
            .or_else(|| helper.node.field("parameter"))?;
        if kind_of(parameters) != "formal_parameters" || named_children(parameters).next().is_some() {
            return None;
        }
        let body = helper.node.field("body")?;
        let only_returns =
            kind_of(body) != "statement_block" || named_children(body).map(kind_of).eq(["return_statement"]);
        if !only_returns {
            return None;
        }
        let document = self.read_policy(self.returned_value(helper)?, OutputContext::Closed, false, depth + 1)?;
        Some(PolicyDocument {
            shared: true,
            ..document
        })
    }

    /// Outputs reach the callback of `pulumi.all([...]).apply(([a, b]) => …)` as parameters that
    /// can be extended; any other callback is closed to new outputs.
    fn callback_context(&self, target: Located<'tree>, callback: Located<'tree>) -> OutputContext<'tree> {
        match self.all_callback(target, callback) {
            Some(callback) => OutputContext::AllCallback(callback),
            None => OutputContext::Closed,
        }
    }

    /// The document of a getPolicyDocument call written at `call` (awaited or not) or held in a
    /// const it names.
    fn policy_document_held(&self, mut call: Located<'tree>) -> Option<PolicyDocument<'tree>> {
        while matches!(kind_of(call.node), "parenthesized_expression" | "await_expression") {
            call = call.with(call.node.named_child(0)?);
        }
        let mut shared = false;
        if kind_of(call.node) == "identifier" {
            (call, shared) = self.const_value_and_sharing(call)?;
        }
        let document = self.policy_document_call(call)?;
        Some(PolicyDocument {
            shared: shared || document.shared,
            ..document
        })
    }

    /// Whether a callback gives back the `json` of the value it is called with (`d => d.json`,
    /// `function (d) { return d.json; }`): what a promise of a policy document resolves to.
    fn returns_json_of_its_parameter(&self, callback: Located<'tree>) -> bool {
        if !matches!(kind_of(callback.node), "arrow_function" | "function_expression") {
            return false;
        }
        let Some(parameter) = first_parameter_pattern(callback.node).filter(|node| kind_of(node) == "identifier")
        else {
            return false;
        };
        let Some(returned) = self.returned_value(callback).map(|value| self.unwrapped(value)) else {
            return false;
        };
        kind_of(returned.node) == "member_expression"
            && returned.node.field("object").is_some_and(|object| {
                kind_of(object) == "identifier"
                    && self.text(returned.with(object)) == self.text(callback.with(parameter))
            })
            && returned
                .node
                .field("property")
                .is_some_and(|property| self.text(returned.with(property)) == "json")
    }

    /// `aws.iam.getPolicyDocumentOutput({ statements })` (or `getPolicyDocument`, whose plain
    /// arguments take no outputs).
    fn policy_document_call(&self, call: Located<'tree>) -> Option<PolicyDocument<'tree>> {
        if kind_of(call.node) != "call_expression" {
            return None;
        }
        let member = self.package_member(Located {
            file: call.file,
            node: call.node.field("function")?,
        })?;
        let context = if member.is(Package::Aws, &["iam", "getPolicyDocumentOutput"]) {
            OutputContext::Direct
        } else if member.is(Package::Aws, &["iam", "getPolicyDocument"]) {
            OutputContext::Closed
        } else {
            return None;
        };
        let written = self.unwrapped(call.with(named_children(call.node.field("arguments")?).next()?));
        // Arguments held in a const another reader shares are read, never edited.
        let (arguments, shared) = match kind_of(written.node) {
            "object" => (written, false),
            "identifier" => {
                let (value, shared) = self.const_value_and_sharing(written)?;
                let value = self.unwrapped(value);
                (self.object_literal(value)?, shared || kind_of(value.node) != "object")
            }
            _ => (self.object_literal(written)?, true),
        };
        // Documents merged in add statements of their own, which are not read here.
        let merges = ["sourcePolicyDocuments", "overridePolicyDocuments"]
            .into_iter()
            .any(|merged| self.property(arguments, merged).is_some());
        if merges {
            return None;
        }
        let document = self.object_document(arguments, Keys::PolicyDocumentArgs, context, false);
        Some(PolicyDocument { shared, ..document })
    }

    fn object_document(
        &self,
        document: Located<'tree>,
        keys: Keys,
        context: OutputContext<'tree>,
        as_text: bool,
    ) -> PolicyDocument<'tree> {
        let statement_key = if keys == Keys::Json { "Statement" } else { "statements" };
        let list = self.property(document, statement_key).map(|found| found.value);
        let statements: Vec<Statement<'tree>> = list
            .map(|list| self.list_elements(list))
            .unwrap_or_default()
            .into_iter()
            .map(|statement| self.object_statement(statement, keys, as_text))
            .collect();
        PolicyDocument {
            malformed: self.placeholder_outputs(
                &statements,
                if as_text {
                    Serializer::JsonStringify
                } else {
                    Serializer::ReadsOutputs
                },
                document,
            ),
            statements,
            place: DocumentPlace::Object {
                statements: list.filter(|list| kind_of(list.node) == "array"),
            },
            keys,
            context,
            shared: false,
            at: document,
        }
    }

    /// `as_text`: see [`Program::read_policy`].
    fn object_statement(&self, statement: Located<'tree>, keys: Keys, as_text: bool) -> Statement<'tree> {
        let Some(object) = self.object_literal(statement) else {
            return Statement {
                grant: PolicyStatement {
                    effect: Effect::Allow,
                    actions: Vec::new(),
                    resources: Vec::new(),
                    uncertainty: Some(format!("a statement infrafix cannot read (`{}`)", self.text(statement))),
                },
                place: StatementPlace::Object {
                    actions: None,
                    resources: None,
                },
                outputs_as_text: Vec::new(),
            };
        };
        let [effect_key, action_key, resource_key, not_action, not_resource, condition] = match keys {
            Keys::Json => ["Effect", "Action", "Resource", "NotAction", "NotResource", "Condition"],
            Keys::PolicyDocumentArgs => [
                "effect",
                "actions",
                "resources",
                "notActions",
                "notResources",
                "conditions",
            ],
        };
        let effect_value = self
            .property(object, effect_key)
            .map(|found| self.string_value(found.value));
        let (effect, mut uncertainty) = match (effect_value, keys) {
            (Some(Some(effect)), _) if effect == "Deny" => (Effect::Deny, None),
            (Some(Some(effect)), _) if effect == "Allow" => (Effect::Allow, None),
            (None, Keys::PolicyDocumentArgs) => (Effect::Allow, None),
            _ => (Effect::Allow, Some("an Effect infrafix cannot read".to_owned())),
        };
        for (key, reason) in [
            (not_action, "a NotAction"),
            (not_resource, "a NotResource"),
            (condition, "a Condition"),
        ] {
            if self.property(object, key).is_some() {
                uncertainty.get_or_insert_with(|| reason.to_owned());
            }
        }
        let actions_value = self
            .property(object, action_key)
            .filter(|found| found.object == object)
            .map(|found| found.value);
        let resources_value = self
            .property(object, resource_key)
            .filter(|found| found.object == object)
            .map(|found| found.value);
        let actions: Vec<Entry> = actions_value
            .map(|value| self.list_elements(value))
            .unwrap_or_default()
            .into_iter()
            .map(|element| self.action_entry(element))
            .collect();
        let resource_elements = resources_value
            .map(|value| self.list_elements(value))
            .unwrap_or_default();
        let outputs_as_text = resource_elements
            .iter()
            .flat_map(|element| self.element_outputs_as_text(*element, object, as_text))
            .collect();
        let resources: Vec<Entry> = resource_elements
            .into_iter()
            .map(|element| self.resource_entry(element))
            .collect();
        // A statement reached through a const that other code reads too (one statement in the
        // policies of several roles) is only read: what it gained would reach them all.
        let written = self.unwrapped(statement);
        let own = written.encloses(&object)
            || kind_of(written.node) == "identifier" && self.const_value_read_only_here(written) == Some(object);
        Statement {
            grant: PolicyStatement::new(effect, actions, resources, uncertainty),
            place: StatementPlace::Object {
                actions: actions_value.filter(|_| own),
                resources: resources_value.filter(|_| own),
            },
            outputs_as_text,
        }
    }

    fn action_entry(&self, element: Located<'tree>) -> Entry {
        let origins = self.string_origins(element);
        let literal = match origins.as_slice() {
            [StringOrigin::Literal { value, .. }] => Some(value.clone()),
            _ => None,
        };
        Entry {
            literal,
            resource: None,
            text: None,
        }
    }

    /// The Outputs a Resource element writes as placeholder text: itself, read whole by a
    /// serializer that writes text (`as_text`), or those it writes into ARN text.
    fn element_outputs_as_text(
        &self,
        element: Located<'tree>,
        statement: Located<'tree>,
        as_text: bool,
    ) -> Vec<OutputAsText> {
        // What a `pulumi.all` callback's parameter receives is written in the array handed to
        // `pulumi.all`, outside the statement, and comes in as a value.
        if as_text && statement.encloses(&element) && self.reads_output_itself(element) {
            return vec![OutputAsText {
                output: self.text(element).to_owned(),
                within: None,
            }];
        }
        let outputs = self.outputs_written_as_text(element);
        if outputs.is_empty() {
            return Vec::new();
        }
        let written = self.written_value(element);
        let begins_as_arn = self.text_with_placeholders(element).is_some_and(|text| {
            matches!(text.pieces.first(), Some(ArnPiece::Text(start)) if start.starts_with("arn:"))
                || matches!(text.pieces.first(), Some(ArnPiece::Value(_)))
        });
        let within = WrittenWithin {
            text: self.text(written).to_owned(),
            concatenated: kind_of(written.node) == "binary_expression",
            refused: !begins_as_arn,
        };
        outputs
            .into_iter()
            .map(|output| OutputAsText {
                output: self.text(output).to_owned(),
                within: Some(within.clone()),
            })
            .collect()
    }

    fn resource_entry(&self, element: Located<'tree>) -> Entry {
        // Text holding an Output's placeholder names nothing, whatever else it holds.
        if !self.outputs_written_as_text(element).is_empty() {
            return Entry {
                literal: Some(TO_STRING_PLACEHOLDER.to_owned()),
                resource: None,
                text: None,
            };
        }
        // `${dlq.queueArn}`: a template holding nothing but the ARN is the ARN. Followed a bounded
        // number of times: consts may hold such templates of each other.
        let mut element = element;
        let mut written = self.written_value(element);
        for _ in 0..MAX_DEPTH {
            match self.only_substitution(written) {
                Some(inner) => {
                    element = inner;
                    written = self.written_value(inner);
                }
                None => break,
            }
        }
        if let Some(resource) = self.denoted_resource(element) {
            return Entry {
                literal: None,
                resource: Some(resource),
                text: None,
            };
        }
        if let Some(pattern) = self.deployment_arn_pattern(written) {
            return Entry {
                literal: Some(pattern),
                resource: None,
                text: None,
            };
        }
        // ARN text reading values infrafix cannot know (`${messagingAccount}` from the stack's
        // config): the same text names the same target, other text is matched field by field.
        match self.arn_text(element).filter(|text| text.as_literal().is_none()) {
            Some(text) => Entry {
                literal: None,
                resource: None,
                text: Some(text),
            },
            None => self.action_entry(element),
        }
    }

    /// The expression of a template literal that is one substitution and nothing else, plain or
    /// in `pulumi.interpolate`.
    fn only_substitution(&self, template: Located<'tree>) -> Option<Located<'tree>> {
        let interpolated = (kind_of(template.node) == "call_expression")
            .then(|| template.node.field("function").zip(template.node.field("arguments")))
            .flatten()
            .filter(|(function, _)| {
                self.package_member(template.with(*function))
                    .is_some_and(|member| member.is(Package::Pulumi, &["interpolate"]))
            });
        let template = match interpolated {
            Some((_, arguments)) => template.with(arguments),
            None => template,
        };
        if kind_of(template.node) != "template_string" {
            return None;
        }
        match named_children(template.node).collect::<Vec<_>>().as_slice() {
            [substitution] if kind_of(*substitution) == "template_substitution" => {
                named_children(*substitution).next().map(|inner| template.with(inner))
            }
            _ => None,
        }
    }
}
