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

/// What the root module's default AWS provider deploys to, as the data sources that report it
/// (`data.aws_region.current.name`) read it. Data sources of the root with no arguments report
/// the provider's own partition, region and account, which are those of every root resource made
/// without a `provider` or `region` of its own; however many such data sources the root declares,
/// each reads the same value. The names cannot be spelled in Terraform, so no expression is
/// taken for them.
pub(super) const PROVIDER_PARTITION: &str = "<the AWS provider's partition>";
pub(super) const PROVIDER_REGION: &str = "<the AWS provider's region>";
pub(super) const PROVIDER_ACCOUNT: &str = "<the AWS provider's account>";

impl<'a> TerraformProject<'a> {
    /// The ARN text an expression of the root module stands for: a string, or a template whose
    /// interpolations are strings (through locals) or values named by what they read. A whole
    /// value a variable gives (`var.dlq_arn`, which a `.tfvars` file may set) is no text known.
    pub(super) fn arn_text(&self, expression: Located<'a>) -> Option<ArnText> {
        let mut budget = TEMPLATES_FOLLOWED;
        self.arn_text_within(expression, &mut budget).map(ArnText::new)
    }

    /// The AWS managed policy an ARN of the root module names: written out, in the partition the
    /// root deploys to (`arn:${data.aws_partition.current.partition}:iam::aws:policy/…`), or as
    /// the ARN a `data "aws_iam_policy"` reads it by (`data.aws_iam_policy.basic.arn`). An AWS
    /// managed policy allows the same in every partition that has it.
    pub(super) fn managed_policy_named(&self, arn: Located<'a>) -> Option<&'static ManagedPolicy> {
        self.managed_policy_of_data_source(arn)
            .or_else(|| self.managed_policy_in_text(arn))
    }

    /// The AWS managed policy a `data "aws_iam_policy"` of the program finds, read through its
    /// `arn`: the one its own `arn` names, or the one its `name` names. By name, the data source
    /// lists every policy the account sees, AWS managed ones among them, under its `path_prefix`
    /// (all of them without one), and fails the plan unless exactly one has that name: what it
    /// finds is the managed policy, when the prefix takes in the managed policy's path.
    fn managed_policy_of_data_source(&self, arn: Located<'a>) -> Option<&'static ManagedPolicy> {
        let origin = self.origin(arn, &[]).filter(|origin| !origin.overridable)?;
        // Every instance of a data source made by `count` or `for_each` is given the same
        // arguments when they are written out, which are the only ones read here.
        let data = self.data_source_read(origin.written, "aws_iam_policy", "arn")?;
        if let Some(arn) = self.argument(data.body, "arn") {
            return self.managed_policy_in_text(arn);
        }
        // Text written in the block itself: a variable, in a module above all, may be anything.
        let written = |argument| {
            self.argument(data.body, argument)
                .map(|value| self.string_literal(unwrapped(value)))
        };
        let name = written("name")??;
        let policy = managed_policies::find(&name).filter(|policy| policy.name == name)?;
        match written("path_prefix") {
            None => Some(policy),
            Some(prefix) => {
                let prefix = prefix?;
                // `arn:aws:iam::aws:policy/service-role/NAME` has the path `/service-role/`.
                let path = policy.arn.split_once(":policy").map_or("/", |(_, rest)| rest);
                let path = path.rfind('/').map_or("/", |end| &path[..=end]);
                path.starts_with(&prefix).then_some(policy)
            }
        }
    }

    /// The AWS managed policy ARN text of the root module names: written out, or in the partition
    /// the root deploys to.
    fn managed_policy_in_text(&self, arn: Located<'a>) -> Option<&'static ManagedPolicy> {
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
        // A `dynamic` block's iterator (`dead_letter_config.value`) means nothing outside it, where
        // a grant would copy it: within one, only values that are text are taken.
        let in_dynamic_block = std::iter::successors(expression.node.parent(), |node| node.parent()).any(|node| {
            kind_of(node) == "block"
                && named_children(node)
                    .next()
                    .is_some_and(|identifier| self.text(expression.with(identifier)) == "dynamic")
        });
        if let Some((function, arguments)) = self.function_call(written) {
            let pieces = (function == "format")
                .then(|| self.formatted_pieces(&arguments, budget))
                .flatten()?;
            let reads_values = pieces.iter().any(|piece| matches!(piece, ArnPiece::Value(_)));
            return (!(in_dynamic_block && reads_values)).then_some(pieces);
        }
        let quoted = named_children(written.node)
            .next()
            .filter(|node| kind_of(written.node) == "template_expr" && kind_of(node) == "quoted_template")?;
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
                let formatted = self
                    .function_call(written)
                    .is_some_and(|(function, _)| function == "format");
                if kind_of(written.node) == "template_expr" || formatted {
                    *budget = budget.checked_sub(1)?;
                    return self.arn_text_within(written, budget);
                }
                origin.written
            }
            _ => expression,
        };
        let shown: String = self.text(read).split_whitespace().collect();
        let value = match self.provider_value(read) {
            Some(identity) => ReadValue::bound(shown, identity.to_owned()),
            None => ReadValue::named(shown),
        };
        Some(vec![ArnPiece::Value(value)])
    }

    /// The pieces of `format("arn:aws:sqs:%s:%s:%s", region, account, name)`: the format text
    /// with each `%s` replaced by the pieces of its argument. Any other verb, a width or flag, an
    /// argument count that does not match, or arguments expanded from a list (`...`) are not
    /// read.
    fn formatted_pieces(&self, arguments: &[Located<'a>], budget: &mut usize) -> Option<Vec<ArnPiece>> {
        let (format, mut values) = arguments.split_first()?;
        if values.iter().any(|value| kind_of(value.node) != "expression") {
            return None;
        }
        let format = self.string_literal(unwrapped(*format))?;
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut characters = format.chars();
        while let Some(character) = characters.next() {
            if character != '%' {
                text.push(character);
                continue;
            }
            match characters.next()? {
                '%' => text.push('%'),
                's' => {
                    let (value, rest) = values.split_first()?;
                    values = rest;
                    pieces.push(ArnPiece::Text(std::mem::take(&mut text)));
                    pieces.extend(self.arn_pieces(*value, budget)?);
                }
                _ => return None,
            }
        }
        pieces.push(ArnPiece::Text(text));
        values.is_empty().then_some(pieces)
    }

    /// Which of the provider's partition, region or account a value reads, where it reads it from
    /// a data source of the root module declared without arguments (`data "aws_region" "current"
    /// {}`): with a `provider`, or asked about another region, it may report another.
    fn provider_value(&self, read: Located<'a>) -> Option<&'static str> {
        let parts = self.traversal(read)?;
        let ["data", kind, name, attribute] = parts.as_slice() else {
            return None;
        };
        let identity = match (*kind, *attribute) {
            ("aws_partition", "partition") => PROVIDER_PARTITION,
            ("aws_region", "name" | "region") => PROVIDER_REGION,
            ("aws_caller_identity", "account_id") => PROVIDER_ACCOUNT,
            _ => return None,
        };
        let data = self
            .folder_of(read)
            .data_sources
            .iter()
            .find(|data| data.kind == *kind && data.name == *name)?;
        let configured = data.body.node != data.block.node
            && named_children(data.body.node).any(|node| matches!(kind_of(node), "attribute" | "block"));
        (!configured).then_some(identity)
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
