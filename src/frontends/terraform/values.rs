//! Following a value from where a resource reads it to where it is written: through `local.NAME`,
//! through `var.NAME` to the argument the module call passes for it or else to the variable's
//! `default`, and into the maps and lists written out that hold it (`map_paths`). Only literals
//! are values here; anything computed (a conditional, a module output, a data source) is unknown.

use std::collections::HashSet;

use super::for_elements::ForExpression;
use super::map_paths::{Place, Reached, REFERENCES_FOLLOWED};
use super::{named_children, Located, ModuleCall, TerraformProject};
use crate::cloud::{Multiplicity, Site};
use crate::syntax::{kind_of, Fields};
use tree_sitter::Node;

/// How many references a value may be followed through: locals may name other locals.
pub const MAX_HOPS: usize = 16;

/// The module calls that lead from the root module to the folder a value is read in, outermost
/// first; empty in the root module.
pub type Scope<'p, 'a> = [&'p ModuleCall<'a>];

/// Where a value is written, and how the resource reaches it.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'tree> {
    /// The literal (or collection) itself.
    pub written: Located<'tree>,
    /// Through a root variable's `default`: a `.tfvars` file or `-var` may give the variable
    /// another value.
    pub overridable: bool,
    /// Written in the resource's own block, for it alone.
    pub in_place: bool,
    /// The outermost module call argument the value came through, if any: where a root module
    /// passes it into the module that reads it.
    pub passed_at: Option<Located<'tree>>,
    /// How many module calls lead to the folder it is written in: 0 in the root module.
    pub depth: usize,
}

impl<'a> TerraformProject<'a> {
    /// Where the value of an expression read in `scope` is written, following references and
    /// the keys read from maps (see `map_paths`); `None` when it may be written in several places.
    pub fn origin(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Origin<'a>> {
        self.reached(expression, scope)?.single()
    }

    /// Every place the value of an expression read in `scope` may be written (see
    /// `Reached::all`): one per entry a key known only at deploy may pick
    /// (`local.runtimes[terraform.workspace]`). `None` when a way cannot be followed.
    pub fn origins(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<Origin<'a>>> {
        self.reached(expression, scope)?.all()
    }

    /// `origins`, each with the entries keys known only at deploy picked on every way to it.
    pub fn places(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<Place<'a>>> {
        self.reached(expression, scope)?.places()
    }

    fn reached(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Reached<'a>> {
        let start = Origin {
            written: expression,
            overridable: false,
            in_place: true,
            passed_at: None,
            depth: scope.len(),
        };
        let mut budget = REFERENCES_FOLLOWED;
        self.follow(expression, scope, start, &[], &mut budget)
    }

    /// `var.NAME` or `local.NAME`, as (`var`, `NAME`).
    fn reference(&self, expression: Located<'a>) -> Option<(&'a str, &'a str)> {
        if kind_of(expression.node) != "expression" {
            return None;
        }
        // Anything else of this shape names a resource (`aws_iam_role.worker`): a value of its own.
        match self.traversal(expression)?.as_slice() {
            [namespace @ ("var" | "local"), name] => Some((namespace, name)),
            _ => None,
        }
    }

    /// The string an expression stands for, when it is one literal, and where it is written.
    pub fn string_value(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<(String, Origin<'a>)> {
        let origin = self.origin(expression, scope)?;
        Some((self.string_literal(origin.written)?, origin))
    }

    /// The content of a string literal without interpolation or escapes.
    pub fn string_literal(&self, literal: Located<'a>) -> Option<String> {
        if kind_of(literal.node) != "string_lit" {
            return None;
        }
        let parts: Vec<_> = named_children(literal.node).collect();
        let content = match parts.as_slice() {
            [start, end] if kind_of(start) == "quoted_template_start" && kind_of(end) == "quoted_template_end" => "",
            [start, content, end]
                if kind_of(start) == "quoted_template_start"
                    && kind_of(content) == "template_literal"
                    && kind_of(end) == "quoted_template_end" =>
            {
                self.text(literal.with(*content))
            }
            _ => return None,
        };
        (!content.contains('\\')).then(|| content.to_owned())
    }

    /// The whole number an expression stands for, and where it is written.
    pub fn number_value(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<(i64, Origin<'a>)> {
        let origin = self.origin(expression, scope)?;
        Some((self.number_literal(origin.written)?, origin))
    }

    /// The whole number a literal is.
    pub fn number_literal(&self, literal: Located<'a>) -> Option<i64> {
        let negative = kind_of(literal.node) == "operation"
            && named_children(literal.node).any(|part| kind_of(part) == "unary_operation");
        let text = self.text(literal);
        match kind_of(literal.node) {
            "numeric_lit" => text.parse().ok(),
            // `-1`, which leaves a function's concurrency unreserved.
            _ if negative && text.starts_with('-') => text.replace(char::is_whitespace, "").parse().ok(),
            _ => None,
        }
    }

    /// The elements of a list (a tuple) an expression stands for, and where the list is written.
    pub fn list_elements(
        &self,
        expression: Located<'a>,
        scope: &Scope<'_, 'a>,
    ) -> Option<(Vec<Located<'a>>, Origin<'a>)> {
        let origin = self.origin(expression, scope)?;
        Some((tuple_elements(origin.written)?, origin))
    }

    /// How many instances `count` or `for_each` makes of a resource or module call (one without
    /// them).
    pub fn instances(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Multiplicity {
        if let Some(count) = self.argument(body, "count") {
            return self.count(count, scope).into();
        }
        let Some(for_each) = self.argument(body, "for_each") else {
            return Multiplicity::Exactly(1);
        };
        self.origin(for_each, scope)
            .and_then(|origin| self.collection(origin, scope))
            .map(|collection| collection.values.len() as u64)
            .into()
    }

    /// Whether a resource or module call surely makes at least one instance: no `count` or
    /// `for_each`, a `count` written as a number from 1 up, or a `for_each` over a collection
    /// written out with elements. A `count = var.enabled ? 1 : 0`, a number a variable's default
    /// gives (which a `.tfvars` file may change) or a collection that may be empty may make none.
    pub fn surely_exists(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> bool {
        if let Some(count) = self.argument(body, "count") {
            let Some(origin) = self.origin(count, scope).filter(|origin| !origin.overridable) else {
                return false;
            };
            let number = match kind_of(origin.written.node) {
                "function_call" => self
                    .length(origin.written, &scope[..origin.depth])
                    .filter(|(_, overridable)| !overridable)
                    .map(|(length, _)| length),
                _ => self
                    .number_literal(origin.written)
                    .and_then(|number| u64::try_from(number).ok()),
            };
            return number.is_some_and(|number| number >= 1);
        }
        let Some(for_each) = self.argument(body, "for_each") else {
            return true;
        };
        let Some(origin) = self.origin(for_each, scope).filter(|origin| !origin.overridable) else {
            return false;
        };
        if let Some(collection) = self.collection(origin, scope) {
            return !collection.values.is_empty() && !collection.overridable;
        }
        // A list written out, holding values infrafix cannot read (`toset([basic_arn,
        // var.extra_arn])`), makes an instance per distinct value: at least one.
        self.for_each_list(body, scope)
            .is_some_and(|elements| !elements.is_empty())
    }

    /// The elements of a block's `for_each` written out as a list (`toset([…])`), whatever they
    /// hold: each instance's `each.value` is one of them. `None` for anything else, or a list a
    /// `.tfvars` file may change.
    pub fn for_each_list(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<Located<'a>>> {
        let for_each = self.argument(body, "for_each")?;
        let origin = self.origin(for_each, scope).filter(|origin| !origin.overridable)?;
        // Terraform refuses a list itself (a tuple) as `for_each`.
        let (function, arguments) = self.function_call(origin.written)?;
        let ("toset", [list]) = (function, arguments.as_slice()) else {
            return None;
        };
        let list = self
            .origin(*list, &scope[..origin.depth])
            .filter(|list| !list.overridable)?;
        tuple_elements(list.written)
    }

    /// Whether a resource surely makes no instance with the values `scope` passes in: a `count`
    /// of 0, or a choice whose condition infrafix can settle (`var.policy == null ? 0 : 1` where
    /// the call passes no `policy`, `length(var.statements) > 0 ? 1 : 0` where it passes none);
    /// a `for_each` over a collection written out empty.
    pub fn surely_absent(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> bool {
        if let Some(count) = self.argument(body, "count") {
            return self.surely_zero(count, scope);
        }
        self.argument(body, "for_each")
            .and_then(|for_each| self.origin(for_each, scope))
            .filter(|origin| !origin.overridable)
            .and_then(|origin| self.collection(origin, scope))
            .is_some_and(|collection| collection.values.is_empty() && !collection.overridable)
    }

    /// The index of each instance a block's `count` or `for_each` makes, as its address writes it
    /// (`[0]`, `["billing"]`), in the order `element_origins` reads their elements; `None` when
    /// the block is not repeated, or its instances are not settled (see `instance_keys`).
    pub fn instance_indexes(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<String>> {
        let keys = self.instance_keys(body, scope)?;
        let counted = self.argument(body, "count").is_some();
        Some(
            keys.into_iter()
                .map(|key| match counted {
                    true => format!("[{key}]"),
                    false => format!("[\"{key}\"]"),
                })
                .collect(),
        )
    }

    /// The key of each instance a block's `count` or `for_each` makes, as written (`0`,
    /// `billing`); `None` when the block is not repeated, or its instances are not settled: a
    /// `count` or a collection a `.tfvars` file may change, a key infrafix cannot read.
    pub fn instance_keys(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<String>> {
        if let Some(count) = self.argument(body, "count") {
            let number = self.settled_number(count, scope)?;
            return Some((0..number).map(|index| index.to_string()).collect());
        }
        let for_each = self.argument(body, "for_each")?;
        let origin = self.origin(for_each, scope).filter(|origin| !origin.overridable)?;
        // The keys a `for` makes are not written beside its elements.
        let collection = self
            .collection(origin, scope)
            .filter(|collection| !collection.overridable && !collection.reshaped)?;
        collection
            .values
            .iter()
            .map(|value| match collection.are_keys {
                true => self.string_literal(unwrapped(*value)),
                false => self.entry_key(*value),
            })
            .collect()
    }

    /// The key of the map entry whose value is written at `value`: a name or a string written out.
    fn entry_key(&self, value: Located<'a>) -> Option<String> {
        let entry = value.node.parent().filter(|entry| kind_of(*entry) == "object_elem")?;
        let key = unwrapped(value.with(entry.field("key")?));
        match kind_of(key.node) {
            "variable_expr" => Some(self.text(key).to_owned()),
            _ => self.string_literal(key),
        }
    }

    fn surely_zero(&self, count: Located<'a>, scope: &Scope<'_, 'a>) -> bool {
        let Some(origin) = self.origin(count, scope).filter(|origin| !origin.overridable) else {
            return false;
        };
        let scope = &scope[..origin.depth];
        if let Some(number) = self.settled_number(origin.written, scope) {
            return number == 0;
        }
        if kind_of(origin.written.node) != "conditional" {
            return false;
        }
        let parts: Vec<_> = named_children(origin.written.node).collect();
        let [condition, when_true, when_false] = parts.as_slice() else {
            return false;
        };
        let with = |node| origin.written.with(node);
        match self.settled_condition(with(*condition), scope) {
            Some(true) => self.surely_zero(with(*when_true), scope),
            Some(false) => self.surely_zero(with(*when_false), scope),
            None => self.surely_zero(with(*when_true), scope) && self.surely_zero(with(*when_false), scope),
        }
    }

    /// A whole number written out, or the `length(…)` of a collection written out, that no
    /// `.tfvars` file may change.
    fn settled_number(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<i64> {
        let origin = self.origin(expression, scope).filter(|origin| !origin.overridable)?;
        if let Some(number) = self.number_literal(origin.written) {
            return Some(number);
        }
        let (length, overridable) = self.length(origin.written, &scope[..origin.depth])?;
        (!overridable).then(|| i64::try_from(length).ok()).flatten()
    }

    /// The value of a condition that compares a module variable with `null` or a settled number
    /// with another, or is a `bool` written out; `None` for any other.
    fn settled_condition(&self, condition: Located<'a>, scope: &Scope<'_, 'a>) -> Option<bool> {
        let origin = self.origin(condition, scope).filter(|origin| !origin.overridable)?;
        let scope = &scope[..origin.depth];
        let written = unwrapped(origin.written);
        match kind_of(written.node) {
            "bool_lit" => return Some(self.text(written) == "true"),
            "operation" => {}
            _ => return None,
        }
        let (operator, left, right) = self.binary_parts(written)?;
        let (left, right) = (left.as_slice(), right.as_slice());
        let is_null =
            |side: &[Node<'a>]| matches!(side, [only] if kind_of(unwrapped(written.with(*only)).node) == "null_lit");
        let compared = match (is_null(left), is_null(right)) {
            (false, true) => Some(left),
            (true, false) => Some(right),
            _ => None,
        };
        if let Some(compared) = compared {
            // Only a variable the call leaves at its `null` default settles it: anything else
            // may be null or not at plan time.
            let null = self.left_null(written, compared, scope);
            return match operator {
                "==" => null.then_some(true),
                "!=" => null.then_some(false),
                _ => None,
            };
        }
        let number = |side: &[Node<'a>]| match side {
            [only] => self.settled_number(written.with(*only), scope),
            _ => None,
        };
        let (left, right) = (number(left)?, number(right)?);
        match operator {
            "==" => Some(left == right),
            "!=" => Some(left != right),
            ">" => Some(left > right),
            ">=" => Some(left >= right),
            "<" => Some(left < right),
            "<=" => Some(left <= right),
            _ => None,
        }
    }

    /// The operator of a binary `operation` and the nodes of each operand: an operand may be
    /// several nodes (`var.policy` is a variable and an attribute), so the operator is the one gap
    /// between named nodes that holds text.
    pub(super) fn binary_parts(&self, operation: Located<'a>) -> Option<(&'a str, Vec<Node<'a>>, Vec<Node<'a>>)> {
        let binary = named_children(operation.node).find(|node| kind_of(node) == "binary_operation")?;
        let parts: Vec<_> = named_children(binary).collect();
        let source = self.file_text(operation.file);
        let gap = |index: usize| {
            source
                .get(parts[index].end_byte()..parts[index + 1].start_byte())
                .map(str::trim)
        };
        let split = (0..parts.len().checked_sub(1)?).find(|&index| gap(index).is_some_and(|gap| !gap.is_empty()))?;
        let operator = gap(split)?;
        let (left, right) = parts.split_at(split + 1);
        Some((operator, left.to_vec(), right.to_vec()))
    }

    /// Whether `operand` (the nodes of `var.NAME`, read in a module) is a variable the module
    /// call leaves at its `null` default.
    fn left_null(&self, within: Located<'a>, operand: &[Node<'a>], scope: &Scope<'_, 'a>) -> bool {
        let ([variable, attribute], Some(call)) = (operand, scope.last()) else {
            return false;
        };
        let named = |part: Node<'a>| self.part_name(within, part);
        if kind_of(*variable) != "variable_expr" || named(*variable) != Some("var") || kind_of(*attribute) != "get_attr"
        {
            return false;
        }
        let Some(name) = named(*attribute) else {
            return false;
        };
        if self.argument(call.body, name).is_some() {
            return false;
        }
        self.folder_of(within)
            .variable_defaults
            .get(name)
            .is_some_and(|default| kind_of(unwrapped(*default).node) == "null_lit")
    }

    /// The number a `count` stands for; for a choice between two numbers (`var.enabled ? 1 : 0`),
    /// the larger, as a budget must assume.
    fn count(&self, count: Located<'a>, scope: &Scope<'_, 'a>) -> Option<u64> {
        if let Some((number, _)) = self.number_value(count, scope) {
            return u64::try_from(number).ok();
        }
        let origin = self.origin(count, scope)?;
        if kind_of(origin.written.node) == "function_call" {
            return self
                .length(origin.written, &scope[..origin.depth])
                .map(|(length, _)| length);
        }
        if kind_of(origin.written.node) != "conditional" {
            return None;
        }
        let branches: Vec<_> = named_children(origin.written.node).skip(1).collect();
        let [when_true, when_false] = branches.as_slice() else {
            return None;
        };
        let scope = &scope[..origin.depth];
        let larger = self
            .count(origin.written.with(*when_true), scope)?
            .max(self.count(origin.written.with(*when_false), scope)?);
        Some(larger)
    }

    /// `length(X)` of a list or map written out: how many elements it has, and whether a root
    /// variable's default writes it (a `.tfvars` file may give another).
    fn length(&self, call: Located<'a>, scope: &Scope<'_, 'a>) -> Option<(u64, bool)> {
        let (function, arguments) = self.function_call(call)?;
        let ("length", [argument]) = (function, arguments.as_slice()) else {
            return None;
        };
        let origin = self.origin(*argument, scope)?;
        if let Some(elements) = tuple_elements(origin.written) {
            return Some((u64::try_from(elements.len()).ok()?, origin.overridable));
        }
        let entries = self.collection(origin, scope)?;
        Some((u64::try_from(entries.values.len()).ok()?, entries.overridable))
    }

    /// The elements of a `for_each` collection as written, one per instance it makes: a map's
    /// entry values, the distinct strings of a set written as `toset([…])` or `toset(values(…))`
    /// of a map written out, or the elements a `for` keeps as they are under keys of their own
    /// (`{ for arn in local.policies : basename(arn) => arn }`).
    fn collection(&self, for_each: Origin<'a>, scope: &Scope<'_, 'a>) -> Option<Collection<'a>> {
        let mut collection = Collection {
            values: Vec::new(),
            are_keys: false,
            reshaped: false,
            overridable: for_each.overridable,
            depth: for_each.depth,
        };
        let mut written = for_each.written;
        let mut set = None;
        if let Some((function, arguments)) = self.function_call(written) {
            let ("toset", [list]) = (function, arguments.as_slice()) else {
                return None;
            };
            let list = self.origin(*list, &scope[..for_each.depth])?;
            collection.overridable |= list.overridable;
            collection.depth = list.depth;
            written = list.written;
            set = match self
                .function_call(written)
                .as_ref()
                .map(|(name, arguments)| (*name, arguments.as_slice()))
            {
                Some(("values", [map])) => {
                    let map = self.origin(*map, &scope[..collection.depth])?;
                    collection.overridable |= map.overridable;
                    collection.depth = map.depth;
                    let fields = self.object_fields(object_node(map.written)?);
                    Some(fields.into_iter().map(|(_, value)| value).collect())
                }
                Some(_) => return None,
                None => tuple_elements(written),
            };
        } else if let Some(elements) = tuple_elements(written) {
            set = Some(elements);
        }
        if let Some(elements) = set {
            let mut seen = HashSet::new();
            for element in elements {
                if seen.insert(self.string_literal(unwrapped(element))?) {
                    collection.values.push(element);
                }
            }
            collection.are_keys = true;
            return Some(collection);
        }
        if let Some(kept) = self.for_object(written) {
            return self.kept_as_they_are(kept, collection, scope);
        }
        let object = object_node(written)?;
        collection.values = named_children(object.node)
            .filter(|node| kind_of(node) == "object_elem")
            .filter_map(|element| element.field("val"))
            .map(|value| object.with(value))
            .collect();
        Some(collection)
    }

    /// The elements a `for` making the `for_each` map keeps, each as it is and all of them (no
    /// `if`, no grouping), from a list or map written out; `None` for any other `for`, whose
    /// instances infrafix does not guess.
    fn kept_as_they_are(
        &self,
        kept: ForExpression<'a>,
        mut collection: Collection<'a>,
        scope: &Scope<'_, 'a>,
    ) -> Option<Collection<'a>> {
        if kept.grouped || kept.condition.is_some() || self.traversal(kept.value)?.as_slice() != [kept.element] {
            return None;
        }
        // A variable's default a deployment may replace is no list written out.
        let source = self
            .origin(kept.collection, &scope[..collection.depth])
            .filter(|source| !source.overridable)?;
        collection.values = match (tuple_elements(source.written), object_node(source.written)) {
            (Some(elements), _) => elements,
            (None, Some(object)) => self.object_fields(object).into_iter().map(|(_, value)| value).collect(),
            (None, None) => return None,
        };
        collection.overridable |= source.overridable;
        collection.depth = source.depth;
        collection.reshaped = true;
        Some(collection)
    }

    /// What a value read in a block stands for per instance: read from `each.value` in the block
    /// itself (`element_origins`), or passed so by the call of a module made per element
    /// (`runtime = each.value.runtime` in a `module` block with `for_each`, read in the module as
    /// `var.runtime`).
    pub fn per_element(&self, read: Located<'a>, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Elements<'a>> {
        if let Some(elements) = self.element_origins(read, body, scope) {
            return Some(elements);
        }
        self.passed_per_element(read, scope).map(|(_, elements)| elements)
    }

    /// What a value read in a module stands for per instance of the call passing it from
    /// `each.value` (`policy_arn = each.value.policy` in a `module` block with `for_each`, read
    /// in the module as `var.policy_arn`), and how deep in `scope` that call is.
    pub fn passed_per_element(&self, read: Located<'a>, scope: &Scope<'_, 'a>) -> Option<(usize, Elements<'a>)> {
        let origin = self.origin(read, scope)?;
        let passed = origin.passed_at?;
        // The value stops at the call's argument only when that argument is not a literal.
        if unwrapped(passed) != origin.written {
            return None;
        }
        let call = scope.get(origin.depth)?;
        let elements = self.element_origins(passed, call.body, &scope[..origin.depth])?;
        Some((origin.depth, elements))
    }

    /// Where `each.value`, or a field of it (`each.value.runtime`), or over a set `each.key`, read
    /// at `expression` in the block whose body is `body`, is written for each instance the block's
    /// `for_each` makes.
    /// `None` when the expression reads no element, or the collection is not written out.
    pub fn element_origins(
        &self,
        expression: Located<'a>,
        body: Located<'a>,
        scope: &Scope<'_, 'a>,
    ) -> Option<Elements<'a>> {
        if kind_of(expression.node) != "expression" {
            return None;
        }
        // Over a set, `each.key` is the element too.
        let (fields, reads_the_key) = match self.traversal(expression)?.as_slice() {
            ["each", "value", fields @ ..] => (fields.to_vec(), false),
            ["each", "key"] => (Vec::new(), true),
            _ => return None,
        };
        let for_each = self.argument(body, "for_each")?;
        let for_each_origin = self.origin(for_each, scope)?;
        let collection = self.collection(for_each_origin, scope)?;
        if reads_the_key && !collection.are_keys {
            return None;
        }
        // Whether a hop inside an element went through a name (`{ orders = local.orders }`), which
        // other readers may use too.
        let mut through_a_name = false;
        let start = FieldHops {
            depth: collection.depth,
            overridable: collection.overridable,
        };
        let origins: Vec<_> = collection
            .values
            .into_iter()
            .map(|element| self.element_field(element, &fields, scope, start, &mut through_a_name))
            .collect();
        let kept = if collection.are_keys {
            Some(KEPT_AS_KEY)
        } else if collection.reshaped
            || through_a_name
            || !self.named_by_for_each_alone(for_each, for_each_origin, scope)
        {
            Some(KEPT_READ_BY_NAME)
        } else {
            None
        };
        Some(Elements {
            kept,
            collection: for_each_origin.written.site(),
            origins,
        })
    }

    /// Where the field path `fields` of an element written at `element` is written. Each hop (a
    /// field, a reference) is followed from the module it lands in, starting `start.depth` deep in
    /// `scope`; `through_a_name` is set when a hop goes through a name rather than a value written
    /// in place.
    pub(super) fn element_field(
        &self,
        element: Located<'a>,
        fields: &[&str],
        scope: &Scope<'_, 'a>,
        start: FieldHops,
        through_a_name: &mut bool,
    ) -> Option<Origin<'a>> {
        let (mut value, mut depth, mut overridable) = (element, start.depth, start.overridable);
        for field in fields {
            let origin = self.origin(value, &scope[..depth])?;
            (depth, overridable) = (origin.depth, overridable || origin.overridable);
            *through_a_name |= !origin.in_place;
            let object = object_node(origin.written)?;
            value = self
                .object_fields(object)
                .into_iter()
                .find(|(name, _)| name == field)
                .map(|(_, value)| value)?;
        }
        let mut origin = self.origin(value, &scope[..depth])?;
        *through_a_name |= !origin.in_place;
        origin.overridable |= overridable;
        Some(origin)
    }

    /// Whether the collection a `for_each` goes over is read by `for_each` arguments alone: written
    /// in place, or in the declaration of the one `local` (or root variable) the `for_each` names,
    /// which its module names nowhere else. A collection reached through more names (a module's
    /// variable, a local naming another) may be read through any of them, and a reading such as
    /// `local.services.orders.runtime` would change with a fix made for the instances.
    fn named_by_for_each_alone(&self, for_each: Located<'a>, collection: Origin<'a>, scope: &Scope<'_, 'a>) -> bool {
        let Some((namespace, name)) = self.reference(for_each) else {
            return self.traversal(for_each).is_none();
        };
        let folder_index = self.folder_of_file[for_each.file];
        let folder = &self.folders[folder_index];
        let declared = match namespace {
            "local" => folder.locals.get(name),
            // A module's variable is whatever its call passes.
            _ if scope.is_empty() => folder.variable_defaults.get(name),
            _ => None,
        };
        if declared.map(|declared| unwrapped(*declared)) != Some(collection.written) {
            return false;
        }
        let key = format!("{namespace}.{name}");
        let bodies = folder
            .resources
            .iter()
            .chain(&folder.data_sources)
            .map(|block| block.body);
        let calls = folder
            .module_blocks
            .values()
            .filter_map(|block| super::block_body(*block));
        let read_by_for_each = bodies
            .chain(calls)
            .filter_map(|body| self.argument(body, "for_each"))
            .filter(|value| self.reference(*value) == Some((namespace, name)))
            .count();
        let mentions: usize = (0..self.files.len())
            .filter(|&file| self.folder_of_file[file] == folder_index)
            .map(|file| {
                let whole = Located {
                    file,
                    node: self.files[file].tree.root_node(),
                };
                self.mentions_under(whole)
                    .iter()
                    .filter(|mention| mention.key == key)
                    .count()
            })
            .sum();
        mentions <= read_by_for_each
    }
}

/// The elements of a `for_each` collection, as written.
struct Collection<'a> {
    values: Vec<Located<'a>>,
    /// A set: each element is its instance's key too.
    are_keys: bool,
    /// Kept by a `for` under keys it makes: neither are the keys written beside the elements, nor
    /// is the list or map they are written in read by the `for_each` alone.
    reshaped: bool,
    /// Written in a root variable's `default`, or reached through one.
    overridable: bool,
    /// How many module calls lead to the folder the elements are written in.
    depth: usize,
}

/// Where following an element's fields starts: how deep in the scope the collection is written,
/// and whether a `.tfvars` file may already change it.
#[derive(Clone, Copy)]
pub struct FieldHops {
    pub depth: usize,
    pub overridable: bool,
}

/// What `each.value` (or a field of it) stands for, per instance.
pub struct Elements<'a> {
    /// Where each element's value is written, in order; `None` where it cannot be read.
    pub origins: Vec<Option<Origin<'a>>>,
    /// Why a fix may not change the values where they are written, when it may not: they are the
    /// instances' keys, or something but the instances may read them.
    pub kept: Option<&'static str>,
    /// Where the collection is written: values of one collection belong to the same instances.
    pub collection: Site,
}

const KEPT_AS_KEY: &str = "the value is also its instance's key (an element of a set in `for_each`), so changing it would replace the function rather than update it; change it by hand, with a `moved` block";

const KEPT_READ_BY_NAME: &str = "it is written where other names reach it too (the collection is read by name elsewhere, as in `local.services.orders.runtime`, or passed through a module's variable or another local), so a change could reach other readers; change it by hand";

/// The elements of a list written as a tuple (`[a, b]`), each an `expression`.
pub fn tuple_elements(value: Located) -> Option<Vec<Located>> {
    list_node(value).map(list_items)
}

/// The `tuple` of a list written as one (`[…]`).
pub fn list_node(value: Located) -> Option<Located> {
    collection_part(value, "tuple")
}

/// The `object` of a map written as one (`{ … }`).
pub fn object_node(value: Located) -> Option<Located> {
    collection_part(value, "object")
}

/// The `tuple` or `object` node a collection value holds.
fn collection_part<'tree>(value: Located<'tree>, kind: &str) -> Option<Located<'tree>> {
    let value = unwrapped(value);
    if kind_of(value.node) != "collection_value" {
        return None;
    }
    named_children(value.node)
        .find(|node| kind_of(node) == kind)
        .map(|part| value.with(part))
}

/// The elements of a `tuple` node.
pub fn list_items(tuple: Located) -> Vec<Located> {
    named_children(tuple.node)
        .filter(|node| kind_of(node) == "expression")
        .map(|node| tuple.with(node))
        .collect()
}

/// The literal or collection an `expression` node wraps (`"go1.x"` in `runtime = "go1.x"`).
pub fn unwrapped(expression: Located) -> Located {
    let mut current = expression;
    while matches!(kind_of(current.node), "expression" | "literal_value") {
        // Most wrap one node and nothing else, which tree-sitter tells without listing them.
        let only = match current.node.named_child_count() {
            1 => current.node.named_child(0).filter(|child| kind_of(child) != "comment"),
            _ => {
                let children: Vec<_> = named_children(current.node).collect();
                match children.as_slice() {
                    [only] => Some(*only),
                    _ => None,
                }
            }
        };
        let Some(only) = only else { break };
        current = current.with(only);
    }
    current
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::map_paths::DeployKey;
    use super::super::{TerraformInput, TerraformProject};
    use crate::cloud::Multiplicity;
    use crate::syntax::{parse, Dialect};

    const VARIABLES: &str = "variable \"runtime\" {\n  default = local.fallback\n}\n\nvariable \"tenants\" {\n  default = [\"a\", \"b\", \"a\"]\n}\n\nlocals {\n  fallback = \"go1.x\"\n  chosen   = var.runtime\n  loop     = local.loop\n}\n";

    /// Runs `check` on the root module made of `main` and `VARIABLES` (with a local module in
    /// `modules/fn` made of `called`), given the first resource's body.
    fn with_project(main: &str, called: &str, check: impl for<'a> FnOnce(&TerraformProject<'a>, super::Located<'a>)) {
        let texts = [main, VARIABLES, called];
        let paths = ["/infra/main.tf", "/infra/variables.tf", "/infra/modules/fn/main.tf"].map(Path::new);
        let trees = texts.map(|text| parse(text, Dialect::Hcl).expect("parses"));
        let inputs = (0..3)
            .map(|index| TerraformInput {
                path: paths[index],
                text: texts[index],
                tree: &trees[index],
            })
            .collect();
        let project = TerraformProject::build(Path::new("/infra"), inputs);
        let body = project.folders[0].resources[0].body;
        check(&project, body);
    }

    #[test]
    fn values_are_followed_through_locals_and_variable_defaults() {
        let main = "resource \"aws_lambda_function\" \"f\" {\n  runtime = local.chosen\n  handler = \"main\"\n  timeout = \"${var.runtime}-x\"\n  layers  = local.loop\n}\n";
        with_project(main, "", |project, body| {
            let runtime = project.argument(body, "runtime").expect("runtime");
            let (value, origin) = project.string_value(runtime, &[]).expect("followed");
            assert_eq!(value, "go1.x");
            assert_eq!(origin.written.file, 1);
            assert!(origin.overridable && !origin.in_place);
            let handler = project.argument(body, "handler").expect("handler");
            let (_, origin) = project.string_value(handler, &[]).expect("literal");
            assert!(origin.in_place && !origin.overridable);
            // An interpolation is computed, and a local naming itself has no value.
            let timeout = project.argument(body, "timeout").expect("timeout");
            assert!(project.string_value(timeout, &[]).is_none());
            let layers = project.argument(body, "layers").expect("layers");
            assert!(project.origin(layers, &[]).is_none());
        });
    }

    #[test]
    fn values_are_followed_into_maps_merges_and_lookups() {
        let main = r#"resource "aws_lambda_function" "f" {
  a = local.base.runtime
  b = local.merged["runtime"]
  c = local.overridden.runtime
  d = local.stages[terraform.workspace].runtime
  e = local.same[terraform.workspace].runtime
  f = lookup(local.base, "missing", "ruby2.7")
  g = lookup(var.by_team, "search", "nodejs14.x")
  h = local.list[1]
  i = local.base.missing
}

variable "by_team" {
  default = { billing = "ruby2.7" }
}

locals {
  base       = { runtime = "go1.x", memory = 128 }
  merged     = merge(local.base, { memory = 256 })
  overridden = merge(local.base, { runtime = "provided.al2023" })
  stages     = { prod = { runtime = "nodejs20.x" }, dev = { runtime = "nodejs16.x" } }
  same       = { prod = local.base, dev = local.base }
  list       = ["python3.8", "python3.12"]
}
"#;
        with_project(main, "", |project, body| {
            let read = |name: &str| {
                let value = project.argument(body, name).expect("argument");
                project
                    .string_value(value, &[])
                    .map(|(value, origin)| (value, origin.overridable))
            };
            let known = |value: &str| Some((value.to_owned(), false));
            assert_eq!(read("a"), known("go1.x"));
            // The later map lacks the key, so the earlier one gives it; or has it, and wins.
            assert_eq!(read("b"), known("go1.x"));
            assert_eq!(read("c"), known("provided.al2023"));
            // A key computed at deploy: one value only where every entry gives the same.
            assert_eq!(read("d"), None);
            assert_eq!(read("e"), known("go1.x"));
            assert_eq!(read("f"), known("ruby2.7"));
            // A variable's default map may be replaced by one holding the key.
            assert_eq!(read("g"), Some(("nodejs14.x".to_owned(), true)));
            assert_eq!(read("h"), known("python3.12"));
            assert_eq!(read("i"), None);
            // Every entry such a key may pick, each once; none where a map lacks the key.
            let origins = |name: &str| {
                let value = project.argument(body, name).expect("argument");
                project.origins(value, &[]).map(|origins| {
                    origins
                        .iter()
                        .map(|origin| project.text(origin.written))
                        .collect::<Vec<_>>()
                })
            };
            assert_eq!(origins("d"), Some(vec!["\"nodejs20.x\"", "\"nodejs16.x\""]));
            assert_eq!(origins("e"), Some(vec!["\"go1.x\""]));
            assert_eq!(origins("i"), None);
        });
    }

    #[test]
    fn each_way_into_a_map_remembers_the_entries_keys_known_at_deploy_picked() {
        let main = r#"resource "aws_lambda_function" "f" {
  a = local.settings.handler
  b = local.handlers[var.environment]
  c = local.merged.handler
  d = local.api[lower(terraform.workspace)].handler
  e = local.api["prod"].handler
}

variable "environment" {
  default = "staging"
}

locals {
  api      = { staging = { handler = "main" }, prod = { handler = "api" } }
  env      = terraform.workspace
  settings = local.api[local.env]
  handlers = { staging = "main", prod = local.shared }
  shared   = "api"
  defaults = { handler = "bootstrap" }
  merged   = merge(local.defaults, local.api[terraform.workspace])
}
"#;
        with_project(main, "", |project, body| {
            let places = |name: &str| {
                let value = project.argument(body, name).expect("argument");
                project.places(value, &[]).map(|places| {
                    places
                        .into_iter()
                        .map(|place| (project.text(place.origin.written).to_owned(), place.ways))
                        .collect::<Vec<_>>()
                })
            };
            let picked = |key: Option<DeployKey>, name: &str| vec![(key, name.to_owned())];
            let workspace = || Some(DeployKey::Workspace);
            let environment = || Some(DeployKey::RootVariable("environment".to_owned()));
            // Through a local holding `terraform.workspace`, the key is the workspace still.
            assert_eq!(
                places("a"),
                Some(vec![
                    ("\"main\"".to_owned(), vec![picked(workspace(), "staging")]),
                    ("\"api\"".to_owned(), vec![picked(workspace(), "prod")]),
                ])
            );
            assert_eq!(
                places("b"),
                Some(vec![
                    ("\"main\"".to_owned(), vec![picked(environment(), "staging")]),
                    ("\"api\"".to_owned(), vec![picked(environment(), "prod")]),
                ])
            );
            // The later map holds the key in every entry: the earlier one gives nothing.
            assert_eq!(
                places("c"),
                Some(vec![
                    ("\"main\"".to_owned(), vec![picked(workspace(), "staging")]),
                    ("\"api\"".to_owned(), vec![picked(workspace(), "prod")]),
                ])
            );
            // A key computed from the workspace picks entries, but pairs with no other key.
            assert_eq!(
                places("d"),
                Some(vec![
                    ("\"main\"".to_owned(), vec![picked(None, "staging")]),
                    ("\"api\"".to_owned(), vec![picked(None, "prod")]),
                ])
            );
            assert_eq!(places("e"), Some(vec![("\"api\"".to_owned(), vec![Vec::new()])]));
        });
    }

    #[test]
    fn a_resource_read_through_one_of_its_instances_is_the_resource() {
        let main = "resource \"aws_lambda_function\" \"f\" {\n  a = aws_sqs_queue.q[count.index].arn\n  b = aws_sqs_queue.q[\"x\"]\n  c = aws_sqs_queue.q.arn\n  d = aws_sqs_queue.q[*].arn\n  e = aws_sqs_queue.q.tags[0]\n  f = var.queues[0]\n  g = module.m[0].arn\n}\n\nresource \"aws_sqs_queue\" \"q\" {\n  count = 2\n}\n";
        with_project(main, "", |project, body| {
            let read = |name: &str| {
                let value = project.argument(body, name).expect("argument");
                let reference = project.root_resource_ref(value);
                let picked = project.instance_index(value);
                (
                    reference.map(|reference| (reference.resource, reference.attribute)),
                    picked,
                )
            };
            assert_eq!(read("a"), (Some((1, Some("arn".to_owned()))), Some("count.index")));
            assert_eq!(read("b"), (Some((1, None)), Some("\"x\"")));
            assert_eq!(read("c"), (Some((1, Some("arn".to_owned()))), None));
            for unread in ["d", "e", "f", "g"] {
                assert_eq!(read(unread), (None, None), "{unread}");
            }
        });
    }

    #[test]
    fn each_value_over_a_resources_instances_is_the_resource() {
        let iterations = [
            ("whole", "aws_sqs_queue.q"),
            ("kept", "{ for key, queue in aws_sqs_queue.q : key => queue }"),
            (
                "kept_one_name",
                "{ for queue in aws_sqs_queue.q : queue.name => queue }",
            ),
            (
                "filtered",
                "{ for key, queue in aws_sqs_queue.q : key => queue if key != \"x\" }",
            ),
            (
                "grouped",
                "{ for key, queue in aws_sqs_queue.q : queue.name => queue... }",
            ),
            ("mapped", "{ for key, queue in aws_sqs_queue.q : key => queue.arn }"),
            ("counted", "aws_sqs_queue.c"),
            ("written", "{ a = \"x\" }"),
        ];
        let mut main = String::from("resource \"aws_sqs_queue\" \"q\" {\n  for_each = toset([\"x\", \"y\"])\n}\n\nresource \"aws_sqs_queue\" \"c\" {\n  count = 2\n}\n");
        for (name, for_each) in iterations {
            main.push_str(&format!(
                "\nresource \"aws_sns_topic\" \"{name}\" {{\n  for_each = {for_each}\n  a = each.value.arn\n  b = \"${{each.value}}\"\n}}\n"
            ));
        }
        with_project(&main, "", |project, _| {
            let argument_of = |name: &str, argument: &str| {
                let topic = project.folders[0]
                    .resources
                    .iter()
                    .find(|resource| resource.name == name)
                    .expect("topic");
                project.argument(topic.body, argument).expect("argument")
            };
            let read = |name: &str, argument: &str| {
                project
                    .root_resource_ref(argument_of(name, argument))
                    .map(|reference| (reference.resource, reference.attribute))
            };
            // A `for` keeping some instances only makes the block for those, each an instance.
            for iterated in ["whole", "kept", "kept_one_name", "filtered"] {
                assert_eq!(read(iterated, "a"), Some((0, Some("arn".to_owned()))), "{iterated}");
                assert_eq!(read(iterated, "b"), Some((0, None)), "{iterated}");
            }
            for other in ["grouped", "mapped", "counted", "written"] {
                assert_eq!(read(other, "a"), None, "{other}");
            }
            // A grant read there covers only the kept instances, not the resource.
            let reads_some = |name: &str| project.reads_some_instances(argument_of(name, "a"));
            assert!(reads_some("filtered"));
            assert!(!reads_some("whole") && !reads_some("kept"));
        });
    }

    #[test]
    fn module_arguments_stand_for_the_variables_of_the_module_called() {
        let main = "resource \"aws_lambda_function\" \"root\" {\n  runtime = \"go1.x\"\n}\n\nmodule \"a\" {\n  source  = \"./modules/fn\"\n  runtime = \"nodejs16.x\"\n  count   = 3\n}\n\nmodule \"b\" {\n  source = \"./modules/fn\"\n}\n\nmodule \"registry\" {\n  source = \"terraform-aws-modules/lambda/aws\"\n}\n";
        let called = "variable \"runtime\" {\n  default = \"python3.8\"\n}\n\nresource \"aws_lambda_function\" \"this\" {\n  runtime = var.runtime\n}\n";
        with_project(main, called, |project, _| {
            let instances = project.resource_instances();
            let addresses: Vec<String> = instances.iter().map(|instance| instance.address()).collect();
            assert_eq!(
                addresses,
                [
                    "aws_lambda_function.root",
                    "module.a.aws_lambda_function.this",
                    "module.b.aws_lambda_function.this",
                    // The registry module's function, read from its call, after every other.
                    "module.registry.aws_lambda_function.this[0]"
                ]
            );
            let value = |index: usize| {
                let instance = &instances[index];
                let runtime = project.argument(instance.resource.body, "runtime").expect("runtime");
                let (value, origin) = project.string_value(runtime, instance.scope()).expect("followed");
                (value, origin.passed_at.is_some(), origin.overridable)
            };
            assert_eq!(value(1), ("nodejs16.x".to_owned(), true, false));
            // Not passed: the called module's own default, which no variable file overrides.
            assert_eq!(value(2), ("python3.8".to_owned(), false, false));
            assert_eq!(project.copies(instances[1].scope()), Multiplicity::Exactly(3));
            assert_eq!(project.copies(instances[2].scope()), Multiplicity::Exactly(1));
            // Its call passes no runtime, and the module's own default is not read.
            assert!(project.argument(instances[3].resource.body, "runtime").is_none());
        });
    }

    #[test]
    fn a_negative_number_is_a_number() {
        let main = "resource \"aws_lambda_function\" \"f\" {\n  reserved_concurrent_executions = -1\n}\n";
        with_project(main, "", |project, body| {
            let reserved = project.argument(body, "reserved_concurrent_executions").expect("set");
            assert_eq!(project.number_value(reserved, &[]).map(|(number, _)| number), Some(-1));
        });
    }

    #[test]
    fn each_value_is_read_per_element_of_the_collection() {
        // The repetition, what the function reads, and what each element writes there.
        type Case<'c> = (&'c str, &'c str, Option<Vec<Option<&'c str>>>);
        let cases: [Case; 5] = [
            (
                "for_each = { a = { runtime = \"go1.x\" }, b = { handler = \"main\" }, c = { runtime = local.fallback } }",
                "each.value.runtime",
                Some(vec![Some("\"go1.x\""), None, Some("\"go1.x\"")]),
            ),
            (
                "for_each = toset([\"go1.x\", \"nodejs16.x\", \"go1.x\"])",
                "each.value",
                Some(vec![Some("\"go1.x\""), Some("\"nodejs16.x\"")]),
            ),
            ("for_each = { for name in var.tenants : name => name }", "each.value", None),
            ("for_each = { a = \"go1.x\" }", "each.key", None),
            ("count = 2", "each.value", None),
        ];
        for (repetition, read, expected) in cases {
            let main = format!("resource \"aws_lambda_function\" \"f\" {{\n  {repetition}\n  runtime = {read}\n}}\n");
            with_project(&main, "", |project, body| {
                let runtime = project.argument(body, "runtime").expect("runtime");
                let written = project.element_origins(runtime, body, &[]).map(|elements| {
                    elements
                        .origins
                        .into_iter()
                        .map(|origin| origin.map(|origin| project.text(origin.written)))
                        .collect::<Vec<_>>()
                });
                assert_eq!(written, expected, "{repetition} / {read}");
            });
        }
    }

    #[test]
    fn count_and_for_each_make_instances() {
        let cases = [
            ("count = 4", Multiplicity::Exactly(4)),
            ("for_each = toset(var.tenants)", Multiplicity::Exactly(2)),
            ("for_each = { a = 1, b = 2, c = 3 }", Multiplicity::Exactly(3)),
            ("count = var.enabled ? 1 : 0", Multiplicity::Exactly(1)),
            ("count = var.enabled ? var.tenants : 0", Multiplicity::Unknown),
            ("runtime = \"go1.x\"", Multiplicity::Exactly(1)),
        ];
        for (argument, expected) in cases {
            let main = format!("resource \"aws_lambda_function\" \"f\" {{\n  {argument}\n}}\n");
            with_project(&main, "", |project, body| {
                assert_eq!(project.instances(body, &[]), expected, "{argument}")
            });
        }
    }
}
