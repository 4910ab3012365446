//! Reading policy documents written as JSON text: string literals, template literals (outputs in
//! `${…}` substitutions) and `pulumi.interpolate` templates.

use std::ops::Range;

use super::{DocumentPlace, Effect, Entry, Keys, OutputContext, PolicyDocument, Statement, StatementPlace};
use crate::program::{named_children, Located, Program};

/// A JSON value of the text, with byte ranges in the file.
#[derive(Debug)]
enum Json {
    Object {
        range: Range<usize>,
        members: Vec<(String, Json)>,
    },
    Array {
        range: Range<usize>,
        items: Vec<Json>,
    },
    Str {
        range: Range<usize>,
        value: String,
    },
    /// Numbers, booleans, null, and a substitution standing as a whole value.
    Other,
}

impl Json {
    fn member(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object { members, .. } => members.iter().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    fn range(&self) -> Option<Range<usize>> {
        match self {
            Json::Object { range, .. } | Json::Array { range, .. } | Json::Str { range, .. } => Some(range.clone()),
            _ => None,
        }
    }

    fn elements(&self) -> Vec<&Json> {
        match self {
            Json::Array { items, .. } => items.iter().collect(),
            other => vec![other],
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    position: usize,
    end: usize,
    /// The `${…}` substitutions of a template, as byte ranges: opaque to the JSON grammar.
    substitutions: &'a [Range<usize>],
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.position < self.end && self.text.as_bytes()[self.position].is_ascii_whitespace() {
            self.position += 1;
        }
    }

    fn substitution_here(&self) -> Option<Range<usize>> {
        self.substitutions
            .iter()
            .find(|range| range.start == self.position)
            .cloned()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.position < self.end && self.text.as_bytes()[self.position] == byte).then(|| self.position += 1)
    }

    fn value(&mut self) -> Option<Json> {
        self.skip_space();
        if let Some(substitution) = self.substitution_here() {
            self.position = substitution.end;
            return Some(Json::Other);
        }
        match *self.text.as_bytes().get(self.position)? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string(),
            _ => {
                let rest = &self.text[self.position..self.end];
                let length = rest
                    .find(|c: char| c == ',' || c == '}' || c == ']' || c.is_whitespace())
                    .unwrap_or(rest.len());
                (length > 0).then(|| self.position += length)?;
                Some(Json::Other)
            }
        }
    }

    fn object(&mut self) -> Option<Json> {
        let start = self.position;
        self.eat(b'{')?;
        let mut members = Vec::new();
        if self.eat(b'}').is_some() {
            return Some(Json::Object {
                range: start..self.position,
                members,
            });
        }
        loop {
            self.skip_space();
            let Json::Str { value: key, .. } = self.string()? else {
                return None;
            };
            self.eat(b':')?;
            members.push((key, self.value()?));
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(Json::Object {
                    range: start..self.position,
                    members,
                });
            }
        }
    }

    fn array(&mut self) -> Option<Json> {
        let start = self.position;
        self.eat(b'[')?;
        let mut items = Vec::new();
        if self.eat(b']').is_none() {
            loop {
                items.push(self.value()?);
                if self.eat(b',').is_none() {
                    self.eat(b']')?;
                    break;
                }
            }
        }
        Some(Json::Array {
            range: start..self.position,
            items,
        })
    }

    fn string(&mut self) -> Option<Json> {
        let start = self.position;
        self.eat(b'"')?;
        let mut value = String::new();
        while self.position < self.end {
            if let Some(substitution) = self.substitution_here() {
                value.push_str(&self.text[substitution.clone()]);
                self.position = substitution.end;
                continue;
            }
            let c = self.text[self.position..].chars().next()?;
            self.position += c.len_utf8();
            match c {
                '"' => {
                    return Some(Json::Str {
                        range: start..self.position,
                        value,
                    })
                }
                '\\' => {
                    let escaped = self.text[self.position..].chars().next()?;
                    self.position += escaped.len_utf8();
                    value.push(escaped);
                }
                _ => value.push(c),
            }
        }
        None
    }
}

impl<'tree> Program<'tree> {
    pub(super) fn json_text_document(
        &self,
        literal: Located<'tree>,
        context: OutputContext<'tree>,
    ) -> Option<PolicyDocument<'tree>> {
        let text = self.file(literal.file).text;
        let range = literal.node.byte_range();
        let content = (range.start + 1)..(range.end - 1);
        // A double-quoted string holding JSON escapes its quotes: its text is not the JSON itself.
        if literal.node.kind() == "string" && text[content.clone()].contains('\\') {
            return None;
        }
        let substitutions: Vec<Range<usize>> = named_children(literal.node)
            .filter(|child| child.kind() == "template_substitution")
            .map(|child| child.byte_range())
            .collect();
        let mut parser = Parser {
            text,
            position: content.start,
            end: content.end,
            substitutions: &substitutions,
        };
        let root = parser.value()?;
        parser.skip_space();
        if parser.position != content.end {
            return None;
        }
        let list = root.member("Statement")?;
        let statements = list
            .elements()
            .into_iter()
            .map(|statement| self.text_statement(literal, statement))
            .collect();
        Some(PolicyDocument {
            statements,
            place: DocumentPlace::Text {
                file: literal.file,
                statements: matches!(list, Json::Array { .. }).then(|| list.range()).flatten(),
            },
            keys: Keys::Json,
            context,
        })
    }

    fn text_statement(&self, literal: Located<'tree>, statement: &Json) -> Statement<'tree> {
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
        if actions
            .iter()
            .chain(&resources)
            .any(|entry| entry.literal.is_none() && entry.resource.is_none())
        {
            uncertainty.get_or_insert_with(|| "an Action or Resource infrafix cannot read".to_owned());
        }
        Statement {
            effect: effect.unwrap_or(Effect::Allow),
            actions,
            resources,
            uncertainty,
            place: StatementPlace::Text {
                file: literal.file,
                actions: statement.member("Action").and_then(Json::range),
                resources: statement.member("Resource").and_then(Json::range),
            },
        }
    }

    /// A JSON string entry: a literal, or an output when the string is exactly one substitution.
    fn text_entry(&self, literal: Located<'tree>, item: &Json) -> Entry {
        let Json::Str { range, value } = item else {
            return Entry {
                literal: None,
                resource: None,
            };
        };
        let inner = (range.start + 1)..(range.end - 1);
        let substitution = named_children(literal.node)
            .find(|child| child.kind() == "template_substitution" && child.byte_range() == inner);
        match substitution {
            Some(substitution) => {
                let resource = substitution.named_child(0).and_then(|expression| {
                    self.denoted_resource(Located {
                        file: literal.file,
                        node: expression,
                    })
                });
                Entry {
                    literal: None,
                    resource,
                }
            }
            None if !value.contains("${") => Entry {
                literal: Some(value.clone()),
                resource: None,
            },
            None => Entry {
                literal: None,
                resource: None,
            },
        }
    }
}
