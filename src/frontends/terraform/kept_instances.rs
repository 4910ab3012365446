//! A `for` expression over the instances of a resource of the root module, maybe keeping only
//! some of them: `[for k, q in aws_sqs_queue.dlq : q.arn if k != "audit"]` in a policy's
//! `Resource`, `{ for k, f in aws_lambda_function.workers : k => f if var.enable[k] }` as a
//! block's `for_each`. Which instances it keeps is decided only over the keys the resource's
//! `count` or `for_each` writes out (which no `.tfvars` file may change), by conditions that
//! compare the key with values written out: `k == "a"`, `k != "audit"`,
//! `contains(local.skipped, k)` (a list written out), and `!`, `&&`, `||` of those. Any other
//! condition keeps some of the instances, which ones infrafix cannot tell: a grant read from it
//! covers none of them surely.

use super::references::{interpolated, NOT_RESOURCES};
use super::values::{tuple_elements, unwrapped};
use super::{named_children, Located, TerraformProject};
use crate::cloud::ResourceId;
use crate::syntax::kind_of;
use tree_sitter::Node;

/// Which instances of a resource a `for` keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    Every,
    /// Those of these keys (`0` under `count`), each written out; not every instance.
    Keys(Vec<String>),
    /// Some, which ones infrafix cannot tell.
    Undecided,
}

/// A `for` over the instances of a root module resource.
pub struct InstancesKept<'a> {
    pub resource: ResourceId,
    /// What the `for` makes of each instance: the names it reads of it (`["arn"]` in `q.arn`,
    /// `[]` for the instance itself).
    pub read: Vec<&'a str>,
    pub kept: Kept,
}

impl<'a> TerraformProject<'a> {
    /// Every instance of a root module resource, read through a splat: `aws_sqs_queue.dlq[*].arn`,
    /// the older `aws_sqs_queue.dlq.*.arn`, or over the map a `for_each` makes,
    /// `values(aws_sqs_queue.dlq)[*].arn`. A splat over a resource made once reads that one
    /// instance (Terraform's Splat Expressions), so it too is every instance. `None` for anything
    /// else.
    pub fn instances_splatted(&self, expression: Located<'a>) -> Option<InstancesKept<'a>> {
        if self.folder_of_file[expression.file] != 0 {
            return None;
        }
        let expression = interpolated(expression);
        let parts: Vec<Node<'a>> = named_children(expression.node).collect();
        let (splat, before) = parts.split_last()?;
        let shape = named_children(*splat).next().filter(|_| kind_of(*splat) == "splat")?;
        let read = named_children(shape)
            .map(|part| self.part_name(expression, part).filter(|_| kind_of(part) == "get_attr"))
            .collect::<Option<Vec<_>>>()?;
        let names: Vec<&str> = match before {
            [call] => {
                let (function, arguments) = self.function_call(expression.with(*call))?;
                let ("values", [instances]) = (function, arguments.as_slice()) else {
                    return None;
                };
                self.traversal(*instances)?
            }
            [root, attributes @ ..] if kind_of(*root) == "variable_expr" => std::iter::once(*root)
                .chain(attributes.iter().copied())
                .map(|part| {
                    self.part_name(expression, part)
                        .filter(|_| part == *root || kind_of(part) == "get_attr")
                })
                .collect::<Option<_>>()?,
            _ => return None,
        };
        let [kind, name] = names[..] else {
            return None;
        };
        if NOT_RESOURCES.contains(&kind) {
            return None;
        }
        Some(InstancesKept {
            resource: self.root_resource_id(&format!("{kind}.{name}"))?,
            read,
            kept: Kept::Every,
        })
    }

    /// The instances of a root module resource made by `count` or `for_each` that a `for`
    /// expression of the root module goes over, and which of them it keeps; `None` for any other
    /// expression, a grouping `for` (`...`), and one whose value is not read from the instance
    /// alone.
    pub fn instances_kept(&self, expression: Located<'a>) -> Option<InstancesKept<'a>> {
        if self.folder_of_file[expression.file] != 0 {
            return None;
        }
        let kept = self.for_expression(expression)?;
        if kept.grouped {
            return None;
        }
        let collection = self
            .origin(kept.collection, &[])
            .filter(|origin| !origin.overridable && origin.depth == 0)?;
        let [kind, name] = self.traversal(collection.written)?[..] else {
            return None;
        };
        if NOT_RESOURCES.contains(&kind) {
            return None;
        }
        let resource = self.root_resource_id(&format!("{kind}.{name}"))?;
        let body = self.root_resources().nth(resource)?.body;
        if !self.is_repeated(body) {
            return None;
        }
        let read = match self.traversal(interpolated(kept.value))?.as_slice() {
            [element, read @ ..] if *element == kept.element => read.to_vec(),
            _ => return None,
        };
        let kept = match kept.condition {
            None => Kept::Every,
            Some(condition) => {
                let counted = self.argument(body, "count").is_some();
                let keys = self.instance_keys(body, &[]);
                let decided: Option<Vec<(String, bool)>> = keys.and_then(|keys| {
                    keys.into_iter()
                        .map(|key| {
                            let keeps = self.keeps(condition, kept.key?, &key, counted)?;
                            Some((key, keeps))
                        })
                        .collect()
                });
                match decided {
                    Some(decided) if decided.iter().all(|(_, keeps)| *keeps) => Kept::Every,
                    Some(decided) => Kept::Keys(
                        decided
                            .into_iter()
                            .filter(|(_, keeps)| *keeps)
                            .map(|(key, _)| key)
                            .collect(),
                    ),
                    None => Kept::Undecided,
                }
            }
        };
        Some(InstancesKept { resource, read, kept })
    }

    /// Whether a `for` condition keeps the instance whose key (named `name` in the `for`) is
    /// `key`, a number under `count`; `None` when infrafix cannot decide it.
    fn keeps(&self, condition: Located<'a>, name: &str, key: &str, counted: bool) -> Option<bool> {
        let written = unwrapped(condition);
        match kind_of(written.node) {
            "bool_lit" => Some(self.text(written) == "true"),
            "function_call" => self.listed(written, name, key, counted),
            "operation" => {
                if let Some(negated) = named_children(written.node).find(|node| kind_of(node) == "unary_operation") {
                    let operand = named_children(negated).collect::<Vec<_>>();
                    let [operand] = operand.as_slice() else {
                        return None;
                    };
                    let operator = self.text(written.with(negated));
                    return match operator.trim_start().starts_with('!') {
                        true => self
                            .keeps(written.with(*operand), name, key, counted)
                            .map(|keeps| !keeps),
                        false => None,
                    };
                }
                let (operator, left, right) = self.binary_parts(written)?;
                let side = |nodes: &[Node<'a>]| match nodes {
                    [only] => Some(written.with(*only)),
                    _ => None,
                };
                let decide = |nodes: &[Node<'a>]| self.keeps(side(nodes)?, name, key, counted);
                match operator {
                    "&&" => both(decide(&left), decide(&right)),
                    "||" => both(decide(&left).map(|keeps| !keeps), decide(&right).map(|keeps| !keeps))
                        .map(|neither| !neither),
                    "==" | "!=" => {
                        let (left, right) = (side(&left)?, side(&right)?);
                        let compared = match (self.is_named(left, name), self.is_named(right, name)) {
                            (true, false) => right,
                            (false, true) => left,
                            _ => return None,
                        };
                        let equal = self.settled_key(compared, counted)? == key;
                        Some(equal == (operator == "=="))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `contains(LIST, name)` with a list of values written out: whether it lists `key`.
    fn listed(&self, call: Located<'a>, name: &str, key: &str, counted: bool) -> Option<bool> {
        let (function, arguments) = self.function_call(call)?;
        let ("contains", [list, element]) = (function, arguments.as_slice()) else {
            return None;
        };
        if !self.is_named(*element, name) {
            return None;
        }
        let list = self
            .origin(*list, &[])
            .filter(|origin| !origin.overridable && origin.depth == 0)?;
        let listed: Option<Vec<String>> = tuple_elements(list.written)?
            .into_iter()
            .map(|entry| self.settled_key(entry, counted))
            .collect();
        Some(listed?.iter().any(|listed| listed == key))
    }

    /// Whether an expression is the bare name `name`.
    fn is_named(&self, expression: Located<'a>, name: &str) -> bool {
        let written = unwrapped(expression);
        kind_of(written.node) == "variable_expr" && self.part_name(written, written.node) == Some(name)
    }

    /// A value compared with a key, written out in the root module where no `.tfvars` file may
    /// change it: a number under `count`, else a string (HCL tells a number from a string).
    fn settled_key(&self, expression: Located<'a>, counted: bool) -> Option<String> {
        let origin = self
            .origin(expression, &[])
            .filter(|origin| !origin.overridable && origin.depth == 0)?;
        match counted {
            true => self.number_literal(origin.written).map(|number| number.to_string()),
            false => self.string_literal(origin.written),
        }
    }
}

/// Both of two conditions, as far as they are known: one known false makes both false.
fn both(left: Option<bool>, right: Option<bool>) -> Option<bool> {
    match (left, right) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{TerraformInput, TerraformProject};
    use super::Kept;
    use crate::syntax::{parse, Dialect};

    /// What `instances_kept` reads of the `Resource` of `aws_iam_policy.p`, the `for` given.
    fn kept(written: &str) -> Option<Kept> {
        let text = format!(
            "locals {{\n  names   = toset([\"orders\", \"billing\", \"audit\"])\n  skipped = [\"audit\"]\n}}\n\n\
             variable \"enable\" {{\n  default = {{}}\n}}\n\n\
             resource \"aws_sqs_queue\" \"dlq\" {{\n  for_each = local.names\n  name     = each.key\n}}\n\n\
             resource \"aws_sqs_queue\" \"numbered\" {{\n  count = 2\n}}\n\n\
             resource \"aws_iam_policy\" \"p\" {{\n  policy = {written}\n}}\n"
        );
        let tree = parse(&text, Dialect::Hcl).expect("parses");
        let path = Path::new("/infra/main.tf");
        let inputs = vec![TerraformInput {
            path,
            text: &text,
            tree: &tree,
        }];
        let project = TerraformProject::build(Path::new("/infra"), inputs);
        let policy = project.root_resources().find(|resource| resource.name == "p")?.body;
        let value = project.argument(policy, "policy")?;
        project.instances_kept(value).map(|kept| kept.kept)
    }

    fn keys(keys: &[&str]) -> Option<Kept> {
        Some(Kept::Keys(keys.iter().map(|key| (*key).to_owned()).collect()))
    }

    #[test]
    fn conditions_over_keys_written_out_are_decided() {
        assert_eq!(kept("[for q in aws_sqs_queue.dlq : q.arn]"), Some(Kept::Every));
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if k != \"audit\"]"),
            keys(&["orders", "billing"])
        );
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if !contains(local.skipped, k)]"),
            keys(&["orders", "billing"])
        );
        // A value compared with the key is read only when written out in place.
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if k != local.skipped[0]]"),
            Some(Kept::Undecided)
        );
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if k != \"legacy\"]"),
            Some(Kept::Every)
        );
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if contains([\"audit\"], k) || k == \"orders\"]"),
            keys(&["orders", "audit"])
        );
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if !(k == \"orders\") && var.enable[k]]"),
            Some(Kept::Undecided)
        );
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if k == \"orders\" && var.enable[k]]"),
            Some(Kept::Undecided)
        );
        assert_eq!(
            kept("[for k, q in aws_sqs_queue.dlq : q.arn if k == \"billing\" && k == \"orders\"]"),
            keys(&[])
        );
        assert_eq!(
            kept("[for i, q in aws_sqs_queue.numbered : q.arn if i != 0]"),
            keys(&["1"])
        );
        // A number is not a string: HCL's `==` tells them apart.
        assert_eq!(
            kept("[for i, q in aws_sqs_queue.numbered : q.arn if i != \"0\"]"),
            Some(Kept::Undecided)
        );
        assert_eq!(
            kept("{ for k, q in aws_sqs_queue.dlq : k => q if q.name != \"audit\" }"),
            Some(Kept::Undecided)
        );
        assert_eq!(kept("[for k, q in aws_sqs_queue.dlq : q.arn...]"), None);
        assert_eq!(kept("[for k, q in local.names : k]"), None);
    }
}
