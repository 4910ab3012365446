//! A block made by `for_each` over a `for` expression that keeps elements of a collection as they
//! are, under keys of their own, maybe some of them only
//! (`for_each = { for k, v in local.consumers : k => v if v.enabled }`,
//! `for_each = { for q in var.queues : q.name => q }`): which elements the `for` keeps, and what
//! `each.value.FIELD` stands for in the instance each makes.

use super::values::{object_node, tuple_elements, unwrapped, FieldHops, Origin, Scope};
use super::{named_children, Located, TerraformProject};
use crate::syntax::kind_of;

/// What an argument of a block stands for: one value in every instance, or one per instance its
/// `for_each` over a `for` surely makes (see `kept_element_origins`), `None` where unknown.
pub enum PerInstance<T> {
    Every(T),
    Each(Vec<Option<T>>),
}

impl<T: Clone> PerInstance<T> {
    /// The pairs of two arguments' values in the instances the block surely makes, both known.
    pub fn paired<U: Clone>(self, other: PerInstance<U>) -> Vec<(T, U)> {
        match (self, other) {
            (Self::Every(one), PerInstance::Every(other)) => vec![(one, other)],
            (Self::Every(one), PerInstance::Each(others)) => {
                others.into_iter().flatten().map(|other| (one.clone(), other)).collect()
            }
            (Self::Each(ones), PerInstance::Every(other)) => {
                ones.into_iter().flatten().map(|one| (one, other.clone())).collect()
            }
            (Self::Each(ones), PerInstance::Each(others)) => ones
                .into_iter()
                .zip(others)
                .filter_map(|(one, other)| one.zip(other))
                .collect(),
        }
    }
}

/// The parts of a `for` expression: `{ for … in … : KEY => VALUE if CONDITION }` or
/// `[for … in … : VALUE if CONDITION]`.
pub struct ForExpression<'a> {
    /// The name the element's key (or index) goes by, when the `for` names two (`k` in
    /// `for k, v in …`).
    pub key: Option<&'a str>,
    /// The name the element's value goes by (`v` in `for k, v in …`, `q` in `for q in …`).
    pub element: &'a str,
    pub collection: Located<'a>,
    pub value: Located<'a>,
    pub condition: Option<Located<'a>>,
    /// Grouping (`VALUE...`): each key holds a list of elements.
    pub grouped: bool,
    /// Whether it makes an object (`{ … }`) rather than a list (`[ … ]`).
    pub makes_object: bool,
}

impl<'a> TerraformProject<'a> {
    /// The parts of a `for` expression, `None` for anything else.
    pub fn for_expression(&self, expression: Located<'a>) -> Option<ForExpression<'a>> {
        let for_expression = unwrapped(expression);
        let shape = named_children(for_expression.node)
            .next()
            .filter(|_| kind_of(for_expression.node) == "for_expr")?;
        let makes_object = match kind_of(shape) {
            "for_object_expr" => true,
            "for_tuple_expr" => false,
            _ => return None,
        };
        let intro = named_children(shape).find(|part| kind_of(part) == "for_intro")?;
        // With one name it is the element's value; with two, the first is its key.
        let names: Vec<_> = named_children(intro)
            .filter(|part| kind_of(part) == "identifier")
            .map(|name| self.text(expression.with(name)))
            .collect();
        let (key, element) = match names.as_slice() {
            [element] => (None, *element),
            [key, element] => (Some(*key), *element),
            _ => return None,
        };
        let collection = named_children(intro).find(|part| kind_of(part) == "expression")?;
        let written: Vec<_> = named_children(shape)
            .filter(|part| kind_of(part) == "expression")
            .collect();
        // An object's `for` writes its key before its value.
        let value = match (makes_object, written.as_slice()) {
            (true, [_, value]) | (false, [value]) => *value,
            _ => return None,
        };
        let condition = named_children(shape)
            .find(|part| kind_of(part) == "for_cond")
            .and_then(|condition| named_children(condition).find(|part| kind_of(part) == "expression"));
        Some(ForExpression {
            key,
            element,
            collection: expression.with(collection),
            value: expression.with(value),
            condition: condition.map(|condition| expression.with(condition)),
            grouped: named_children(shape).any(|part| kind_of(part) == "ellipsis"),
            makes_object,
        })
    }

    /// The parts of a `for` expression making an object, `None` for anything else.
    pub fn for_object(&self, expression: Located<'a>) -> Option<ForExpression<'a>> {
        self.for_expression(expression).filter(|kept| kept.makes_object)
    }

    /// Where `each.value.FIELD…`, read at `read` in the block whose body is `body` (read in
    /// `scope`), is written in each instance its `for_each` surely makes (`None` where a field
    /// cannot be followed), when that `for_each` is
    /// a `for` keeping elements of a map or list written out (through locals, variables' defaults
    /// and module arguments) as they are. An element the `for` keeps only on a condition is
    /// counted where the condition reads a field of the element written out as `true`; an element
    /// whose condition is `false`, or one infrafix cannot tell, is left out: which instances there
    /// are is never guessed.
    /// `None` when `read` reads no element, or the `for_each` is no such `for`.
    pub fn kept_element_origins(
        &self,
        read: Located<'a>,
        body: Located<'a>,
        scope: &Scope<'_, 'a>,
    ) -> Option<Vec<Option<Origin<'a>>>> {
        let read = self.traversal(read)?;
        let ["each", "value", fields @ ..] = read.as_slice() else {
            return None;
        };
        let for_each = self.argument(body, "for_each")?;
        let for_each = self.origin(for_each, scope)?;
        let kept = self.for_object(for_each.written)?;
        if kept.grouped || self.traversal(kept.value)?.as_slice() != [kept.element] {
            return None;
        }
        let collection = self.origin(kept.collection, &scope[..for_each.depth])?;
        let elements = match (tuple_elements(collection.written), object_node(collection.written)) {
            (Some(elements), _) => elements,
            (None, Some(object)) => self.object_fields(object).into_iter().map(|(_, value)| value).collect(),
            (None, None) => return None,
        };
        let scope = &scope[..collection.depth];
        // Elements a root variable's default holds are whatever a `.tfvars` file sets.
        let field = |element, fields: &[&str]| {
            let start = FieldHops {
                depth: scope.len(),
                overridable: false,
            };
            let mut origin = self.element_field(element, fields, scope, start, &mut false)?;
            origin.overridable |= for_each.overridable || collection.overridable;
            Some(origin)
        };
        let condition = kept.condition.map(|condition| self.traversal(condition));
        let origins = elements
            .into_iter()
            .filter(|&element| match &condition {
                None => true,
                Some(read) => read
                    .as_deref()
                    .and_then(|read| self.field_read(read, kept.element))
                    .and_then(|fields| field(element, fields))
                    .is_some_and(|origin| self.settled_true(origin)),
            })
            .map(|element| field(element, fields))
            .collect();
        Some(origins)
    }

    /// What an argument `read` of the block whose body is `body` (read in `scope`) names, as
    /// `named` reads it: read as written, or else per element `each.value.FIELD` stands for (see
    /// `kept_element_origins`), where a `.tfvars` file may not change it.
    pub fn per_instance<T>(
        &self,
        read: Located<'a>,
        body: Located<'a>,
        scope: &Scope<'_, 'a>,
        named: impl Fn(Located<'a>, &Scope<'_, 'a>) -> Option<T>,
    ) -> Option<PerInstance<T>> {
        if let Some(found) = named(read, scope) {
            return Some(PerInstance::Every(found));
        }
        let origins = self.kept_element_origins(read, body, scope)?;
        let each = origins
            .into_iter()
            .map(|origin| {
                let origin = origin.filter(|origin| !origin.overridable)?;
                named(origin.written, &scope[..origin.depth])
            })
            .collect();
        Some(PerInstance::Each(each))
    }

    /// The fields a `for` condition reads of its element (`enabled` in `v.enabled`, where the
    /// element is named `name`); `None` for any other condition.
    fn field_read<'r>(&self, read: &'r [&'a str], name: &str) -> Option<&'r [&'a str]> {
        match read {
            [element, fields @ ..] if *element == name && !fields.is_empty() => Some(fields),
            _ => None,
        }
    }

    /// Whether a value is `true` written out, which a `.tfvars` file may not change.
    fn settled_true(&self, origin: Origin<'a>) -> bool {
        let written = unwrapped(origin.written);
        !origin.overridable && kind_of(written.node) == "bool_lit" && self.text(written) == "true"
    }
}
