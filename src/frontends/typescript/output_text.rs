//! Outputs that plain JavaScript turns into text: a template literal (not `pulumi.interpolate`)
//! or `+` calls an Output's `toString`, which gives Pulumi's placeholder ("Calling [toString] on
//! an [Output<T>] is not supported…"), not the value it will hold. `` `${dlq.arn}/*` `` and
//! `"arn:aws:sqs:us-east-1:123456789012:" + dlq.name` name no resource.

use super::{named_children, Located, Package, Program};
use crate::cloud::{ArnPiece, ArnText};
use crate::syntax::{kind_of, Fields};

/// The first line of what an Output's `toString` gives (@pulumi/pulumi's `OutputImpl`).
pub(crate) const TO_STRING_PLACEHOLDER: &str = "Calling [toString] on an [Output<T>] is not supported.";

/// How many templates and concatenations nested in one another are read.
const MAX_NESTING: usize = 8;

impl<'tree> Program<'tree> {
    /// The Outputs a value writes as placeholder text, in the order written: each one a plain
    /// template literal substitutes or `+` concatenates (also through consts holding the text).
    /// Empty for `pulumi.interpolate`, whose template reads the values, and for a callback's
    /// parameter, which holds a value.
    pub(crate) fn outputs_written_as_text(&self, value: Located<'tree>) -> Vec<Located<'tree>> {
        let mut found = Vec::new();
        self.collect_outputs_as_text(value, &mut found, 0);
        found
    }

    fn collect_outputs_as_text(&self, value: Located<'tree>, found: &mut Vec<Located<'tree>>, depth: usize) {
        if depth > MAX_NESTING {
            return;
        }
        let written = self.written_value(value);
        for part in self.text_parts(written).unwrap_or_default() {
            match self.is_output_object(part) {
                true => found.push(part),
                false => self.collect_outputs_as_text(part, found, depth + 1),
            }
        }
    }

    /// The expressions a plain template substitutes, or the operands of a `+` chain, in order;
    /// `None` for any other expression.
    pub(crate) fn text_parts(&self, written: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        match kind_of(written.node) {
            "template_string" => Some(
                named_children(written.node)
                    .filter(|part| kind_of(*part) == "template_substitution")
                    .filter_map(|substitution| named_children(substitution).next())
                    .map(|inner| written.with(inner))
                    .collect(),
            ),
            "binary_expression" if self.is_concatenation(written) => {
                let mut operands = Vec::new();
                let mut pending = vec![written];
                // Operands are taken left first: `a + b + c` is `(a + b) + c`.
                while let Some(next) = pending.pop() {
                    let next = self.unwrapped(next);
                    match (kind_of(next.node) == "binary_expression" && self.is_concatenation(next))
                        .then(|| next.node.field("left").zip(next.node.field("right")))
                        .flatten()
                    {
                        Some((left, right)) => {
                            pending.push(next.with(right));
                            pending.push(next.with(left));
                        }
                        None => operands.push(next),
                    }
                }
                Some(operands)
            }
            _ => None,
        }
    }

    /// Whether a binary expression is `+`.
    pub(crate) fn is_concatenation(&self, binary: Located<'tree>) -> bool {
        binary
            .node
            .child_by_field_name("operator")
            .is_some_and(|operator| self.text(binary.with(operator)) == "+")
    }

    /// Whether an expression is an Output object itself: an output of a resource of @pulumi/aws
    /// (see [`Program::reads_output_itself`]), or a field of what an @pulumi/aws `…Output` lookup
    /// returns (`aws.getRegionOutput().name`).
    pub(crate) fn is_output_object(&self, at: Located<'tree>) -> bool {
        self.reads_output_itself(at) || self.reads_lookup_output(at)
    }

    fn reads_lookup_output(&self, at: Located<'tree>) -> bool {
        let written = self.written_value(at);
        if kind_of(written.node) != "member_expression" {
            return false;
        }
        let Some(call) = written
            .node
            .field("object")
            .map(|object| self.written_value(written.with(object)))
        else {
            return false;
        };
        kind_of(call.node) == "call_expression"
            && call
                .node
                .field("function")
                .and_then(|function| self.package_member(call.with(function)))
                .is_some_and(|lookup| {
                    lookup.package == Package::Aws && lookup.path.last().is_some_and(|name| name.ends_with("Output"))
                })
    }

    /// The text a plain template or `+` chain writes where it reads Outputs as text: each Output
    /// as the placeholder's first line, other values as read. `None` when the value is neither.
    pub(crate) fn text_with_placeholders(&self, value: Located<'tree>) -> Option<ArnText> {
        let mut pieces = Vec::new();
        self.push_text_pieces(self.written_value(value), &mut pieces, 0)?;
        Some(ArnText::new(pieces))
    }

    fn push_text_pieces(&self, written: Located<'tree>, pieces: &mut Vec<ArnPiece>, depth: usize) -> Option<()> {
        if depth > MAX_NESTING {
            return None;
        }
        let parts = self.text_parts(written)?;
        if kind_of(written.node) == "template_string" {
            // Written text and substitutions alternate; an escape reads otherwise than written.
            for child in named_children(written.node) {
                match kind_of(child) {
                    "string_fragment" => pieces.push(ArnPiece::Text(self.text(written.with(child)).to_owned())),
                    "template_substitution" => {
                        self.push_part(written.with(named_children(child).next()?), pieces, depth)?
                    }
                    _ => return None,
                }
            }
            return Some(());
        }
        for part in parts {
            self.push_part(part, pieces, depth)?;
        }
        Some(())
    }

    /// One substituted or concatenated value: text written out, an Output's placeholder, nested
    /// text, or a value infrafix reads by name.
    fn push_part(&self, part: Located<'tree>, pieces: &mut Vec<ArnPiece>, depth: usize) -> Option<()> {
        if self.is_output_object(part) {
            pieces.push(ArnPiece::Text(TO_STRING_PLACEHOLDER.to_owned()));
            return Some(());
        }
        let written = self.written_value(part);
        if let Some(text) = self.string_value(written) {
            pieces.push(ArnPiece::Text(text));
            return Some(());
        }
        if self.text_parts(written).is_some() {
            return self.push_text_pieces(written, pieces, depth + 1);
        }
        pieces.push(ArnPiece::Value(self.read_value(part)));
        Some(())
    }
}
