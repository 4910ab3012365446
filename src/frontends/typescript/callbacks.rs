//! `pulumi.all([a, b]).apply(([x, y]) => …)`: the outputs a callback receives, and how to hand it
//! more (new elements of the array and new parameters of the same positions).

use crate::syntax::{kind_of, Fields};
use tree_sitter::Node;

use super::{named_children, Located, Package, Program};
use crate::cloud::GrantTarget;
use crate::fix::Edit;

/// How many consts holding one another an output read is followed through.
const MAX_CONSTS_FOLLOWED: usize = 8;

/// A value to hand to code: what it names (a resource's output, ARN text), and how the code's
/// file names it.
#[derive(Debug, Clone)]
pub struct OutputValue {
    pub reference: GrantTarget,
    /// `notificationDLQ.arn`, `pulumi.interpolate\`arn:aws:sns:${region}:…\``
    pub expression: String,
}

/// The values handed to `pulumi.all` and the callback's array pattern, position by position.
#[derive(Debug, Clone, Copy)]
pub struct AllCallback<'tree> {
    pub values: Located<'tree>,
    pub parameters: Located<'tree>,
}

impl<'tree> Program<'tree> {
    /// The `pulumi.all([...])` a callback is applied to, when it is one with an array pattern.
    pub(crate) fn all_callback(&self, target: Located<'tree>, callback: Located<'tree>) -> Option<AllCallback<'tree>> {
        if kind_of(target.node) != "call_expression" {
            return None;
        }
        let function = self.package_member(Located {
            file: target.file,
            node: target.node.field("function")?,
        })?;
        function.is(Package::Pulumi, &["all"]).then_some(())?;
        let values = named_children(target.node.field("arguments")?)
            .next()
            .filter(|values| kind_of(values) == "array")?;
        let parameters = named_children(callback.node.field("parameters")?)
            .next()
            .and_then(|first| first.field("pattern").or(Some(first)))
            .filter(|pattern| kind_of(pattern) == "array_pattern")?;
        Some(AllCallback {
            values: Located {
                file: target.file,
                node: values,
            },
            parameters: Located {
                file: callback.file,
                node: parameters,
            },
        })
    }

    /// The names under which the callback receives resource outputs, in the order given: the
    /// parameter it already has for one, or a new one, with the edits that add the new outputs
    /// and parameters (one insertion in each list, so that a fix handing it several stays
    /// applicable in one pass). `None` when the values and parameters do not line up one to one.
    pub(crate) fn pass_to_callback(
        &self,
        callback: AllCallback<'tree>,
        values: &[OutputValue],
    ) -> Option<(Vec<String>, Vec<Edit>)> {
        let items: Vec<_> = named_children(callback.values.node)
            .filter(|item| kind_of(item) != "comment")
            .collect();
        let names: Vec<_> = named_children(callback.parameters.node)
            .filter(|item| kind_of(item) != "comment")
            .collect();
        if items.len() != names.len() || names.iter().any(|name| kind_of(name) != "identifier") {
            return None;
        }
        let (last_item, last_name) = (items.last()?, names.last()?);
        // `([a, b]: [string, string]) =>`: the tuple type gains the new elements too (an ARN is
        // a string), or tsc rejects the callback (TS2769).
        let tuple_type = self.annotated_tuple(callback.parameters);
        if tuple_type
            .as_ref()
            .is_some_and(|elements| elements.len() != names.len())
        {
            return None;
        }
        let mut received = Vec::with_capacity(values.len());
        let mut added: Vec<(&OutputValue, String)> = Vec::new();
        for value in values {
            // ARN text is handed in anew: the array holds no resource it could be.
            let captured = value.reference.resource().and_then(|wanted| {
                items.iter().position(|item| {
                    self.denoted_resource(Located {
                        file: callback.values.file,
                        node: *item,
                    })
                    .as_ref()
                        == Some(wanted)
                })
            });
            let name = match captured {
                Some(position) => self
                    .text(Located {
                        file: callback.parameters.file,
                        node: names[position],
                    })
                    .to_owned(),
                None => match added.iter().find(|(new, _)| new.reference == value.reference) {
                    Some((_, parameter)) => parameter.clone(),
                    None => {
                        let parameter = self.fresh_name(callback.parameters.file, &parameter_base(&value.expression));
                        added.push((value, parameter.clone()));
                        parameter
                    }
                },
            };
            received.push(name);
        }
        if added.is_empty() {
            return Some((received, Vec::new()));
        }
        let (expressions, parameters): (Vec<String>, Vec<String>) = added
            .into_iter()
            .map(|(value, parameter)| (value.expression.clone(), parameter))
            .unzip();
        let mut edits = vec![
            self.insert_items_after(
                Located {
                    file: callback.values.file,
                    node: *last_item,
                },
                &expressions,
            ),
            self.insert_items_after(
                Located {
                    file: callback.parameters.file,
                    node: *last_name,
                },
                &parameters,
            ),
        ];
        if let Some(last_type) = tuple_type.and_then(|elements| elements.last().copied()) {
            edits.push(self.insert_items_after(
                Located {
                    file: callback.parameters.file,
                    node: last_type,
                },
                &vec!["string".to_owned(); parameters.len()],
            ));
        }
        Some((received, edits))
    }

    /// Whether `at` reads an output of a resource of @pulumi/aws itself, the `Output` object
    /// (`dlq.arn`, or a const holding it), rather than a value a function receives (a callback's
    /// parameter holding its value, or a parameter that may hold anything). Serialized by plain
    /// JavaScript (`JSON.stringify`, a template literal), an Output writes Pulumi's placeholder
    /// text ("Calling [toJSON] on an [Output<T>] is not supported"), not its value.
    pub(crate) fn reads_output_itself(&self, at: Located<'tree>) -> bool {
        let mut current = self.unwrapped(at);
        for _ in 0..MAX_CONSTS_FOLLOWED {
            if kind_of(current.node) != "identifier" {
                break;
            }
            if self.function_declaring_parameter(current).is_some() {
                return false;
            }
            match self.const_value(current) {
                Some(value) => current = self.unwrapped(value),
                None => return false,
            }
        }
        if kind_of(current.node) != "member_expression" {
            return false;
        }
        let mut root = current.node;
        while let Some(object) = (kind_of(root) == "member_expression")
            .then(|| root.field("object"))
            .flatten()
        {
            root = object;
        }
        if kind_of(root) == "identifier" && self.function_declaring_parameter(current.with(root)).is_some() {
            return false;
        }
        self.denoted_resource(current).is_some_and(|reference| {
            reference.attribute.is_some() && self.resources()[reference.resource].class.package == Package::Aws
        })
    }

    /// The method call a function is handed to: `(receiver, method)` for
    /// `receiver.method(…, function)` (`x.arn.apply(a => …)`, `["a", "b"].map(name => …)`).
    pub(crate) fn method_receiving(&self, function: Located<'tree>) -> Option<(Node<'tree>, &'tree str)> {
        let arguments = self.parent(function).filter(|parent| kind_of(parent) == "arguments")?;
        let call = self
            .parent(function.with(arguments))
            .filter(|call| kind_of(call) == "call_expression")?;
        let (receiver, method) = self.method_call(function.with(call))?;
        Some((receiver.node, method))
    }

    /// The element types of a tuple type annotating an array pattern (`[string, string]` in
    /// `([a, b]: [string, string]) =>`); `None` when the pattern has no such annotation.
    fn annotated_tuple(&self, pattern: Located<'tree>) -> Option<Vec<Node<'tree>>> {
        let parameter = pattern
            .node
            .parent()
            .filter(|parent| kind_of(parent) == "required_parameter")?;
        let annotation = parameter.field("type")?;
        let tuple = named_children(annotation).find(|child| kind_of(child) == "tuple_type")?;
        Some(
            named_children(tuple)
                .filter(|element| kind_of(element) != "comment")
                .collect(),
        )
    }
}

/// The name a callback receives an output under: `notificationDLQ.arn` as `notificationDLQArn`,
/// and `queues.ordersDlq.arn` (through a namespace or an object) as `ordersDlqArn`.
fn parameter_base(expression: &str) -> String {
    let parts: Vec<&str> = expression.split('.').collect();
    parts[parts.len().saturating_sub(2)..]
        .iter()
        .enumerate()
        .map(|(i, part)| if i == 0 { (*part).to_owned() } else { capitalize(part) })
        .collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
