//! Following a value from where a resource reads it to where it is written: through `local.NAME`
//! and through `var.NAME` to the variable's `default`. Only literals are values here; anything
//! computed (a function call, a conditional, a module output, a data source) is unknown.

use std::collections::HashSet;

use super::{named_children, Located, TerraformModule};
use crate::cloud::Multiplicity;

/// How many references a value may be followed through: locals may name other locals.
const MAX_HOPS: usize = 16;

/// Where a value is written, and how the resource reaches it.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'tree> {
    /// The literal (or collection) itself.
    pub written: Located<'tree>,
    /// Through a variable's `default`: a caller of the module, a `.tfvars` file or `-var` may give
    /// the variable another value.
    pub overridable: bool,
    /// Written in the resource's own block, for it alone.
    pub in_place: bool,
}

impl<'a> TerraformModule<'a> {
    /// Where the value of an expression is written, following references.
    pub fn origin(&self, expression: Located<'a>) -> Option<Origin<'a>> {
        let mut current = expression;
        let mut overridable = false;
        let mut in_place = true;
        for _ in 0..MAX_HOPS {
            let Some((namespace, name)) = self.reference(current) else {
                return Some(Origin {
                    written: unwrapped(current),
                    overridable,
                    in_place,
                });
            };
            in_place = false;
            current = match namespace {
                "var" => {
                    overridable = true;
                    *self.variable_defaults.get(name)?
                }
                "local" => *self.locals.get(name)?,
                _ => return None,
            };
        }
        None
    }

    /// `var.NAME` or `local.NAME`, as (`var`, `NAME`).
    fn reference(&self, expression: Located<'a>) -> Option<(&'a str, &'a str)> {
        if expression.node.kind() != "expression" {
            return None;
        }
        let parts: Vec<_> = named_children(expression.node).collect();
        let [root, attribute] = parts.as_slice() else {
            return None;
        };
        if root.kind() != "variable_expr" || attribute.kind() != "get_attr" {
            return None;
        }
        let identifier = |node| named_children(node).find(|child| child.kind() == "identifier");
        Some((
            self.text(expression.with(identifier(*root)?)),
            self.text(expression.with(identifier(*attribute)?)),
        ))
    }

    /// The string an expression stands for, when it is one literal, and where it is written.
    pub fn string_value(&self, expression: Located<'a>) -> Option<(String, Origin<'a>)> {
        let origin = self.origin(expression)?;
        Some((self.string_literal(origin.written)?, origin))
    }

    /// The content of a string literal without interpolation or escapes.
    pub fn string_literal(&self, literal: Located<'a>) -> Option<String> {
        if literal.node.kind() != "string_lit" {
            return None;
        }
        let parts: Vec<_> = named_children(literal.node).collect();
        let content = match parts.as_slice() {
            [start, end] if start.kind() == "quoted_template_start" && end.kind() == "quoted_template_end" => "",
            [start, content, end]
                if start.kind() == "quoted_template_start"
                    && content.kind() == "template_literal"
                    && end.kind() == "quoted_template_end" =>
            {
                self.text(literal.with(*content))
            }
            _ => return None,
        };
        (!content.contains('\\')).then(|| content.to_owned())
    }

    /// The whole number an expression stands for, and where it is written.
    pub fn number_value(&self, expression: Located<'a>) -> Option<(i64, Origin<'a>)> {
        let origin = self.origin(expression)?;
        if origin.written.node.kind() != "numeric_lit" {
            return None;
        }
        Some((self.text(origin.written).parse().ok()?, origin))
    }

    /// The elements of a list (a tuple) an expression stands for, and where the list is written.
    pub fn list_elements(&self, expression: Located<'a>) -> Option<(Vec<Located<'a>>, Origin<'a>)> {
        let origin = self.origin(expression)?;
        Some((tuple_elements(origin.written)?, origin))
    }

    /// How many instances `count` or `for_each` makes of a resource (one without them).
    pub fn instances(&self, body: Located<'a>) -> Multiplicity {
        if let Some(count) = self.argument(body, "count") {
            return self
                .number_value(count)
                .and_then(|(count, _)| u64::try_from(count).ok())
                .into();
        }
        let Some(for_each) = self.argument(body, "for_each") else {
            return Multiplicity::Exactly(1);
        };
        self.origin(for_each)
            .and_then(|origin| self.collection_size(origin.written))
            .into()
    }

    /// How many keys a `for_each` collection has: a map's entries, or the distinct strings of a
    /// set written as `toset([…])`.
    fn collection_size(&self, collection: Located<'a>) -> Option<u64> {
        let collection = match collection.node.kind() {
            "function_call" => {
                let name = named_children(collection.node).find(|node| node.kind() == "identifier")?;
                if self.text(collection.with(name)) != "toset" {
                    return None;
                }
                let arguments = named_children(collection.node).find(|node| node.kind() == "function_arguments")?;
                let list = named_children(arguments).collect::<Vec<_>>();
                let [list] = list.as_slice() else { return None };
                self.origin(collection.with(*list))?.written
            }
            _ => collection,
        };
        if let Some(elements) = tuple_elements(collection) {
            let strings: Option<HashSet<String>> = elements
                .into_iter()
                .map(|element| self.string_literal(unwrapped(element)))
                .collect();
            return strings.map(|strings| strings.len() as u64);
        }
        let object = named_children(collection.node).find(|node| node.kind() == "object")?;
        Some(
            named_children(object)
                .filter(|node| node.kind() == "object_elem")
                .count() as u64,
        )
    }
}

/// The elements of a tuple (`[a, b]`), each an `expression`.
fn tuple_elements(collection: Located) -> Option<Vec<Located>> {
    if collection.node.kind() != "collection_value" {
        return None;
    }
    let tuple = named_children(collection.node).find(|node| node.kind() == "tuple")?;
    Some(
        named_children(tuple)
            .filter(|node| node.kind() == "expression")
            .map(|node| collection.with(node))
            .collect(),
    )
}

/// The literal or collection an `expression` node wraps (`"go1.x"` in `runtime = "go1.x"`).
pub fn unwrapped(expression: Located) -> Located {
    let mut current = expression;
    while matches!(current.node.kind(), "expression" | "literal_value") {
        let children: Vec<_> = named_children(current.node).collect();
        let [only] = children.as_slice() else { break };
        current = current.with(*only);
    }
    current
}

#[cfg(test)]
mod tests {
    use super::super::{TerraformInput, TerraformModule};
    use crate::cloud::Multiplicity;
    use crate::syntax::{parse, Dialect};

    const VARIABLES: &str = "variable \"runtime\" {\n  default = local.fallback\n}\n\nvariable \"tenants\" {\n  default = [\"a\", \"b\", \"a\"]\n}\n\nlocals {\n  fallback = \"go1.x\"\n  chosen   = var.runtime\n  loop     = local.loop\n}\n";

    /// Runs `check` on the module made of `main` and `VARIABLES`, and on its resource `name`'s body.
    fn with_module(main: &str, check: impl FnOnce(&TerraformModule, super::Located)) {
        let trees = [parse(main, Dialect::Hcl), parse(VARIABLES, Dialect::Hcl)].map(|tree| tree.expect("parses"));
        let module = TerraformModule::build(vec![
            TerraformInput {
                text: main,
                tree: &trees[0],
            },
            TerraformInput {
                text: VARIABLES,
                tree: &trees[1],
            },
        ]);
        let body = module.resources()[0].body;
        check(&module, body);
    }

    #[test]
    fn values_are_followed_through_locals_and_variable_defaults() {
        let main = "resource \"aws_lambda_function\" \"f\" {\n  runtime = local.chosen\n  handler = \"main\"\n  timeout = \"${var.runtime}-x\"\n  layers  = local.loop\n}\n";
        with_module(main, |module, body| {
            let runtime = module.argument(body, "runtime").expect("runtime");
            let (value, origin) = module.string_value(runtime).expect("followed");
            assert_eq!(value, "go1.x");
            assert_eq!(origin.written.file, 1);
            assert!(origin.overridable && !origin.in_place);
            let handler = module.argument(body, "handler").expect("handler");
            let (_, origin) = module.string_value(handler).expect("literal");
            assert!(origin.in_place && !origin.overridable);
            // An interpolation is computed, and a local naming itself has no value.
            assert!(module
                .string_value(module.argument(body, "timeout").expect("timeout"))
                .is_none());
            assert!(module
                .origin(module.argument(body, "layers").expect("layers"))
                .is_none());
        });
    }

    #[test]
    fn count_and_for_each_make_instances() {
        let counted = "resource \"aws_lambda_function\" \"f\" {\n  count = 4\n}\n";
        with_module(counted, |module, body| {
            assert_eq!(module.instances(body), Multiplicity::Exactly(4))
        });
        let set = "resource \"aws_lambda_function\" \"f\" {\n  for_each = toset(var.tenants)\n}\n";
        with_module(set, |module, body| {
            assert_eq!(module.instances(body), Multiplicity::Exactly(2))
        });
        let map = "resource \"aws_lambda_function\" \"f\" {\n  for_each = { a = 1, b = 2, c = 3 }\n}\n";
        with_module(map, |module, body| {
            assert_eq!(module.instances(body), Multiplicity::Exactly(3))
        });
        let computed = "resource \"aws_lambda_function\" \"f\" {\n  count = var.enabled ? 1 : 0\n}\n";
        with_module(computed, |module, body| {
            assert_eq!(module.instances(body), Multiplicity::Unknown)
        });
        let single = "resource \"aws_lambda_function\" \"f\" {\n  runtime = \"go1.x\"\n}\n";
        with_module(single, |module, body| {
            assert_eq!(module.instances(body), Multiplicity::Exactly(1))
        });
    }
}
