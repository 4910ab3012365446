//! ARN text the root module writes out (`"arn:aws:sqs:us-east-1:123456789012:orders-dlq"`, or
//! the same built from `${data.aws_region.current.name}` and the account), for a dead-letter
//! target the module does not declare and for the policies that may name it.

use super::values::unwrapped;
use super::{named_children, Located, TerraformProject};
use crate::aws::managed_policies::{self, ManagedPolicy};
use crate::cloud::{ArnPiece, ArnText, ReadValue};
use crate::syntax::kind_of;

/// How many locals holding templates (`arn_prefix = "arn:${data.aws_partition.current.partition}"`)
/// one ARN text is read through, in all: locals that read each other (which Terraform refuses) or
/// templates each reading another several times would otherwise be followed without end.
const TEMPLATES_FOLLOWED: usize = 16;

impl<'a> TerraformProject<'a> {
    /// The ARN text an expression of the root module stands for: a string, or a template whose
    /// interpolations are strings (through locals) or values named by what they read. A whole
    /// value a variable gives (`var.dlq_arn`, which a `.tfvars` file may set) is no text known.
    pub(super) fn arn_text(&self, expression: Located<'a>) -> Option<ArnText> {
        let mut budget = TEMPLATES_FOLLOWED;
        self.arn_text_within(expression, &mut budget).map(ArnText::new)
    }

    /// The AWS managed policy an ARN of the root module names: written out, or in the partition
    /// the root deploys to (`arn:${data.aws_partition.current.partition}:iam::aws:policy/…`). An
    /// AWS managed policy allows the same in every partition that has it.
    pub(super) fn managed_policy_named(&self, arn: Located<'a>) -> Option<&'static ManagedPolicy> {
        let text = self.arn_text(arn)?;
        let written = match text.pieces.as_slice() {
            [ArnPiece::Text(start), ArnPiece::Value(partition), ArnPiece::Text(rest)]
                if start == "arn:" && reads_the_partition(&partition.shown) =>
            {
                format!("arn:aws{rest}")
            }
            _ => text.as_literal()?,
        };
        known_policy(&written)
    }

    /// The AWS managed policy an ARN of the root module may name in whichever partition it reads
    /// (`arn:${var.partition}:iam::aws:policy/…`, or another partition written out): a managed
    /// policy has one name in every partition, so whatever the partition comes to, the ARN names
    /// that policy or nothing. For telling what may own a policy's attachments, not what a role is
    /// granted (the partition may name none).
    pub(super) fn managed_policy_in_any_partition(&self, arn: Located<'a>) -> Option<&'static ManagedPolicy> {
        let text = self.arn_text(arn)?;
        let rest = match text.pieces.as_slice() {
            [ArnPiece::Text(start), ArnPiece::Value(_), ArnPiece::Text(rest)] if start == "arn:" => rest.clone(),
            [ArnPiece::Text(whole)] => {
                let (partition, rest) = whole.strip_prefix("arn:")?.split_once(':')?;
                if partition.is_empty() {
                    return None;
                }
                format!(":{rest}")
            }
            _ => return None,
        };
        known_policy(&format!("arn:aws{rest}"))
    }

    fn arn_text_within(&self, expression: Located<'a>, budget: &mut usize) -> Option<Vec<ArnPiece>> {
        let origin = self.origin(expression, &[])?;
        if origin.overridable || origin.depth != 0 {
            return None;
        }
        let written = unwrapped(origin.written);
        if let Some(text) = self.string_literal(written) {
            return Some(vec![ArnPiece::Text(text)]);
        }
        let quoted = named_children(written.node)
            .next()
            .filter(|node| kind_of(written.node) == "template_expr" && kind_of(node) == "quoted_template")?;
        // A `dynamic` block's iterator (`dead_letter_config.value`) means nothing outside it, where
        // a grant would copy it: within one, only values that are text are taken.
        let in_dynamic_block = std::iter::successors(expression.node.parent(), |node| node.parent()).any(|node| {
            kind_of(node) == "block"
                && named_children(node)
                    .next()
                    .is_some_and(|identifier| self.text(expression.with(identifier)) == "dynamic")
        });
        let mut pieces = Vec::new();
        for part in named_children(quoted) {
            match kind_of(part) {
                "template_literal" => {
                    let text = self.text(written.with(part));
                    // An escape reads otherwise than it is written.
                    if text.contains('\\') {
                        return None;
                    }
                    pieces.push(ArnPiece::Text(text.to_owned()));
                }
                "template_interpolation" => {
                    let inner = named_children(part).find(|node| kind_of(node) == "expression")?;
                    for piece in self.arn_pieces(written.with(inner), budget)? {
                        match piece {
                            ArnPiece::Value(_) if in_dynamic_block => return None,
                            piece => pieces.push(piece),
                        }
                    }
                }
                "quoted_template_start" | "quoted_template_end" => {}
                // A directive (`%{ if … }`) chooses the text.
                _ => return None,
            }
        }
        Some(pieces)
    }

    /// One interpolation of ARN text: the string it comes to, the pieces of a template a local
    /// holds, or the value it reads, named by the expression that computes it
    /// (`data.aws_caller_identity.current.account_id`, reached through locals), so that two ways
    /// of reading one value compare equal. A variable may be anything; it is named by itself. A
    /// value of the block's instance (`each.key`, `count.index`) is none: the text names another
    /// target in each instance, and a grant copying it into a policy block that is not made per
    /// instance would not plan.
    fn arn_pieces(&self, expression: Located<'a>, budget: &mut usize) -> Option<Vec<ArnPiece>> {
        let per_instance = self
            .text(expression)
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .any(|word| word.starts_with("each.") || word.starts_with("count."));
        if per_instance {
            return None;
        }
        let read = match self.origin(expression, &[]) {
            Some(origin) if !origin.overridable && origin.depth == 0 => {
                let written = unwrapped(origin.written);
                if let Some(text) = self.string_literal(written) {
                    return Some(vec![ArnPiece::Text(text)]);
                }
                if kind_of(written.node) == "template_expr" {
                    *budget = budget.checked_sub(1)?;
                    return self.arn_text_within(written, budget);
                }
                origin.written
            }
            _ => expression,
        };
        Some(vec![ArnPiece::Value(ReadValue::named(
            self.text(read).split_whitespace().collect(),
        ))])
    }
}

/// The AWS managed policy whose ARN (in the commercial partition) is `arn`, written in full.
fn known_policy(arn: &str) -> Option<&'static ManagedPolicy> {
    managed_policies::find(arn).filter(|policy| policy.arn == arn)
}

/// Whether a value read into ARN text is the partition an `aws_partition` data source gives.
fn reads_the_partition(value: &str) -> bool {
    let mut parts = value.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("data"), Some("aws_partition"), Some(_), Some("partition"), None)
    )
}
