//! Reading policy documents written as JSON text: string literals, template literals (outputs in
//! `${…}` substitutions) and `pulumi.interpolate` templates.

use super::{DocumentPlace, Keys, OutputAsText, OutputContext, PolicyDocument, Serializer, Statement, StatementPlace};
use crate::cloud::{Effect, Entry, PolicyStatement};
use crate::frontends::typescript::json_text::Json;
use crate::frontends::typescript::{named_children, Located, Program};
use crate::syntax::kind_of;

impl<'tree> Program<'tree> {
    pub(super) fn json_text_document(
        &self,
        literal: Located<'tree>,
        context: OutputContext<'tree>,
    ) -> Option<PolicyDocument<'tree>> {
        let root = self.json_text(literal)?;
        let list = root.member("Statement")?;
        let statements = list
            .elements()
            .into_iter()
            .map(|statement| self.text_statement(literal, statement, !matches!(context, OutputContext::Direct)))
            .collect::<Vec<_>>();
        Some(PolicyDocument {
            malformed: self.placeholder_outputs(&statements, Serializer::Template, literal),
            statements,
            place: DocumentPlace::Text {
                file: literal.file,
                statements: matches!(list, Json::Array { .. }).then(|| list.range()).flatten(),
            },
            keys: Keys::Json,
            context,
            shared: false,
            at: literal,
        })
    }

    /// `as_text`: the template is a plain one, not `pulumi.interpolate`: an output it reads
    /// is written as Pulumi's placeholder text.
    fn text_statement(&self, literal: Located<'tree>, statement: &Json, as_text: bool) -> Statement<'tree> {
        let effect = match statement.member("Effect") {
            Some(Json::Str { value, .. }) if value == "Deny" => Some(Effect::Deny),
            Some(Json::Str { value, .. }) if value == "Allow" => Some(Effect::Allow),
            _ => None,
        };
        let mut uncertainty = effect.is_none().then(|| "an Effect infrafix cannot read".to_owned());
        for (key, reason) in [
            ("NotAction", "a NotAction"),
            ("NotResource", "a NotResource"),
            ("Condition", "a Condition"),
        ] {
            if statement.member(key).is_some() {
                uncertainty.get_or_insert_with(|| reason.to_owned());
            }
        }
        let entries = |key: &str| -> Vec<Entry> {
            statement
                .member(key)
                .map(Json::elements)
                .unwrap_or_default()
                .into_iter()
                .map(|item| self.text_entry(literal, item))
                .collect()
        };
        let (actions, resources) = (entries("Action"), entries("Resource"));
        // Whole or part of a string: the placeholder's line breaks leave no valid JSON either way.
        let outputs_as_text = statement
            .member("Resource")
            .map(Json::elements)
            .unwrap_or_default()
            .into_iter()
            .flat_map(|item| self.substitutions_within(literal, item))
            .filter(|expression| as_text && self.is_output_object(*expression))
            .map(|expression| OutputAsText {
                output: self.text(expression).to_owned(),
                within: None,
            })
            .collect();
        Statement {
            grant: PolicyStatement::new(effect.unwrap_or(Effect::Allow), actions, resources, uncertainty),
            place: StatementPlace::Text {
                file: literal.file,
                actions: statement.member("Action").and_then(Json::range),
                resources: statement.member("Resource").and_then(Json::range),
            },
            outputs_as_text,
        }
    }

    /// The expressions of the `${…}` substitutions a JSON string holds.
    fn substitutions_within(&self, literal: Located<'tree>, string: &Json) -> Vec<Located<'tree>> {
        let Json::Str { range, .. } = string else {
            return Vec::new();
        };
        named_children(literal.node)
            .filter(|child| kind_of(*child) == "template_substitution")
            .filter(|child| range.start <= child.start_byte() && child.end_byte() <= range.end)
            .filter_map(|child| child.named_child(0))
            .map(|node| literal.with(node))
            .collect()
    }

    /// A JSON string entry: a literal, or an output when the string is exactly one substitution.
    fn text_entry(&self, literal: Located<'tree>, item: &Json) -> Entry {
        let Json::Str { value, .. } = item else {
            return Entry {
                literal: None,
                resource: None,
                text: None,
            };
        };
        match self.json_substitution(literal, item) {
            Some(expression) => Entry {
                literal: None,
                resource: self.denoted_resource(expression),
                text: None,
            },
            None if !value.contains("${") => Entry {
                literal: Some(value.clone()),
                resource: None,
                text: None,
            },
            None => Entry {
                literal: None,
                resource: None,
                text: None,
            },
        }
    }
}
