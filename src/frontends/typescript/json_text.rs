//! JSON written as text in the program: string literals, template literals and
//! `pulumi.interpolate` templates, whose `${…}` substitutions stand for values the program computes.
//! Policy documents and OpenAPI bodies are both written this way.

use crate::syntax::kind_of;
use std::ops::Range;

use super::{named_children, Located, Program};

/// A JSON value of the text, with byte ranges in the file.
#[derive(Debug)]
pub enum Json {
    Object {
        range: Range<usize>,
        members: Vec<JsonMember>,
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
    Other {
        range: Range<usize>,
    },
}

/// `"key": value` in an object.
#[derive(Debug)]
pub struct JsonMember {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: Json,
}

impl Json {
    pub fn member(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object { members, .. } => members
                .iter()
                .find(|member| member.key == key)
                .map(|member| &member.value),
            _ => None,
        }
    }

    pub fn range(&self) -> Option<Range<usize>> {
        match self {
            Json::Object { range, .. }
            | Json::Array { range, .. }
            | Json::Str { range, .. }
            | Json::Other { range } => Some(range.clone()),
        }
    }

    pub fn elements(&self) -> Vec<&Json> {
        match self {
            Json::Array { items, .. } => items.iter().collect(),
            other => vec![other],
        }
    }
}

/// JSON in a template nests no deeper than this, or it is not read (the parser recurses).
const MAX_JSON_NESTING: usize = 128;

struct Parser<'a> {
    depth: usize,
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
        if self.depth > MAX_JSON_NESTING {
            return None;
        }
        self.depth += 1;
        let value = self.value_at_depth();
        self.depth -= 1;
        value
    }

    fn value_at_depth(&mut self) -> Option<Json> {
        self.skip_space();
        if let Some(substitution) = self.substitution_here() {
            self.position = substitution.end;
            return Some(Json::Other { range: substitution });
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
                Some(Json::Other {
                    range: self.position - length..self.position,
                })
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
            let Json::Str {
                value: key,
                range: key_range,
            } = self.string()?
            else {
                return None;
            };
            self.eat(b':')?;
            members.push(JsonMember {
                key,
                key_range,
                value: self.value()?,
            });
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
    /// The JSON a string or template literal holds, or `None` when it holds none (or JSON escaped
    /// inside a double-quoted string, whose text is not the JSON itself).
    pub(crate) fn json_text(&self, literal: Located<'tree>) -> Option<Json> {
        let text = self.file(literal.file).text;
        let range = literal.node.byte_range();
        let content = (range.start + 1)..(range.end - 1);
        if kind_of(literal.node) == "string" && text[content.clone()].contains('\\') {
            return None;
        }
        let substitutions: Vec<Range<usize>> = named_children(literal.node)
            .filter(|child| kind_of(child) == "template_substitution")
            .map(|child| child.byte_range())
            .collect();
        let mut parser = Parser {
            depth: 0,
            text,
            position: content.start,
            end: content.end,
            substitutions: &substitutions,
        };
        let root = parser.value()?;
        parser.skip_space();
        (parser.position == content.end).then_some(root)
    }

    /// The `${…}` substitution that makes up a whole JSON string, when one does.
    pub(crate) fn json_substitution(&self, literal: Located<'tree>, string: &Json) -> Option<Located<'tree>> {
        let Json::Str { range, .. } = string else { return None };
        let inner = (range.start + 1)..(range.end - 1);
        let substitution = named_children(literal.node)
            .find(|child| kind_of(child) == "template_substitution" && child.byte_range() == inner)?;
        Some(Located {
            file: literal.file,
            node: substitution.named_child(0)?,
        })
    }
}
