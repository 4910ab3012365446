//! What a loop variable or callback parameter stands for: each element of the collection it
//! iterates. `for (const s of services)`, `services.map((s) => …)` and `.forEach`, with their
//! destructurings (`({ runtime }) => …`, `for (const [name, t] of Object.entries(tenants))`), over
//! an array literal (with the arrays it spreads, or `a.concat(b)`), a `const` holding one (also
//! exported by another module of the project), what a helper of the program returns
//! (`loadTenants()`), the entries, values or keys of a `const` object literal, or an empty
//! `const` array filled by `push` before it is read. A collection that is a parameter,
//! configuration, or changed in any other way (`services.push(…)` onto a literal with elements, a
//! push in a function called later) holds elements no literal shows: it is not followed.

use foldhash::HashSet;
use std::rc::Rc;

use tree_sitter::Node;

use super::references::first_parameter_pattern;
use super::scope::{Declaration, FUNCTIONS};
use super::{named_children, ImportKind, Located, Program};
use crate::cloud::ResourceRef;
use crate::syntax::{kind_of, node_text, Fields};

/// How many consts a collection may be followed through; ends cycles such as `const a = b, b = a`.
const MAX_HOPS: usize = 16;

/// How many pushed elements an array may be followed through: past that, the loop pushing them
/// is one infrafix does not unroll (`for (let i = 0; i < 100000; i++)`).
const MAX_PUSHED: u64 = 1000;

/// Array methods that hand each element, in order, to the callback given as their first argument.
const ELEMENT_CALLBACKS: [&str; 3] = ["map", "forEach", "flatMap"];

/// Methods that change an array in place: after one of them, the literal no longer shows the
/// elements.
const MUTATING_METHODS: [&str; 9] = [
    "push",
    "pop",
    "shift",
    "unshift",
    "splice",
    "sort",
    "reverse",
    "fill",
    "copyWithin",
];

/// One element of a collection: a value, or an entry of `Object.entries` (its key and value).
#[derive(Debug, Clone, Copy)]
enum Element<'tree> {
    Value(Located<'tree>),
    Entry { key: Located<'tree>, value: Located<'tree> },
}

/// What one element of a loop's collection gives an expression read from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ElementValue<'tree> {
    pub read: ElementRead<'tree>,
    /// How many times the place writing the element runs per run of the code around the loop:
    /// once for a collection written where the loop is, as often as its call for one a call
    /// passes; `None` when unknown.
    pub runs: Option<u64>,
}

/// What an element holds for the part an expression reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ElementRead<'tree> {
    /// The value written in the element.
    Written(Located<'tree>),
    /// The element surely lacks the part: it reads `undefined`.
    Lacking,
    /// The element, or the whole collection one call passes, is not written out.
    Unknown,
}

/// A collection a loop or callback goes over that its function receives (`args.endpoints` in
/// `for (const e of args.endpoints ?? [])`), and what the function's calls pass for it.
pub(super) struct ReceivedCollection<'tree> {
    pub function: Node<'tree>,
    /// The parameter, or a name a parameter pattern binds (`{ endpoints }`).
    pub parameter: Located<'tree>,
    /// The property read from it for the collection (`endpoints` of `args`), if any.
    pub key: Option<&'tree str>,
    /// Where the loop reads it (`args.endpoints`), inside its collection expression.
    pub read: Located<'tree>,
    pub calls: Vec<PassedCollection<'tree>>,
}

/// What one call of a function passes for the collection the function loops over: `held`, the
/// expression it passes (`None` where it passes nothing and the default, if any, applies), and
/// its elements (`None` when they are not written out).
pub(super) struct PassedCollection<'tree> {
    pub call: Located<'tree>,
    pub held: Option<Located<'tree>>,
    elements: Option<Vec<Element<'tree>>>,
}

/// One step from what a binding receives to the value a name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Property(String),
    Position(usize),
}

/// What a loop or element callback walks through: the collection, and whether it receives the
/// elements (`for … of`, `.map`) or the keys of a record (`for … in`).
pub(super) struct Iterated<'tree> {
    pub collection: Located<'tree>,
    pub keys_only: bool,
}

impl<'tree> Program<'tree> {
    /// For an identifier bound by a loop or an element callback, or a property read from one
    /// (`s.runtime`, `route.handler`, `t["memory"]`), what it stands for in each iteration: the
    /// element, or the value written for that property in the element; an element that surely
    /// lacks the property reads `undefined` and gives nothing. `None` when it is bound otherwise,
    /// or when the value is not written out for every element (it is then unknown).
    pub fn element_sources(&self, at: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        self.element_values(at)?
            .into_iter()
            .filter_map(|element| match element.read {
                ElementRead::Written(value) => Some(Some(value)),
                ElementRead::Lacking => None,
                ElementRead::Unknown => Some(None),
            })
            .collect()
    }

    /// [`Program::element_sources`], one entry per element, also those lacking the value or not
    /// written out, each with how often the place writing it runs. The elements are those of the
    /// collection written out where the loop is, or, for a collection the function around the
    /// loop receives (`for (const e of args.endpoints ?? [])`), those each call of the function
    /// passes (one `Unknown` entry for a call whose collection is not written out). `None` when
    /// `at` reads no loop's element, or the collection is neither written out nor received.
    pub(crate) fn element_values(&self, at: Located<'tree>) -> Option<Vec<ElementValue<'tree>>> {
        self.element_values_of(at, false).map(|(values, _)| values)
    }

    /// [`Program::element_values`], also for a collection written out beside elements infrafix
    /// cannot read (`[...builtIn, ...loadTenants()]`): the values of those written out, and
    /// whether others follow.
    pub(crate) fn element_values_beside_unread(&self, at: Located<'tree>) -> Option<(Vec<ElementValue<'tree>>, bool)> {
        self.element_values_of(at, true)
    }

    fn element_values_of(&self, at: Located<'tree>, beside_unread: bool) -> Option<(Vec<ElementValue<'tree>>, bool)> {
        let (identifier, read) = self.property_chain(self.unwrapped(at))?;
        // `settings[channel].runtime`: that part of the entry each iteration picks.
        if let Some(picked) = self.picked_per_iteration(identifier) {
            let values = picked.into_iter().map(|value| {
                let read = match value.map(|value| self.follow_or_absent(Element::Value(value), &read)) {
                    Some(Some(Some(value))) => ElementRead::Written(value),
                    Some(Some(None)) => ElementRead::Lacking,
                    Some(None) | None => ElementRead::Unknown,
                };
                ElementValue { read, runs: Some(1) }
            });
            return Some((values.collect(), false));
        }
        let (iterated, mut path) = self.element_binding(identifier)?;
        path.extend(read);
        let mut unread = false;
        let written: Vec<(Option<u64>, Option<Vec<Element<'tree>>>)> = match self.iterated_elements(&iterated) {
            Some(elements) => vec![(Some(1), Some(elements))],
            None if iterated.keys_only => return None,
            None => match self.received_collection(iterated.collection) {
                Some(received) => received
                    .calls
                    .into_iter()
                    .map(|passed| (self.times_evaluated(passed.call), passed.elements))
                    .collect(),
                None if beside_unread => {
                    unread = true;
                    vec![(Some(1), Some(self.elements_beside_unread(iterated.collection)?))]
                }
                None => return None,
            },
        };
        let path = &path;
        let values = written.into_iter().flat_map(|(runs, elements)| {
            let reads: Vec<ElementRead<'tree>> = match elements {
                Some(elements) => elements
                    .into_iter()
                    .map(|element| match self.follow_or_absent(element, path) {
                        Some(Some(value)) => ElementRead::Written(value),
                        Some(None) => ElementRead::Lacking,
                        None => ElementRead::Unknown,
                    })
                    .collect(),
                None => vec![ElementRead::Unknown],
            };
            reads.into_iter().map(move |read| ElementValue { read, runs })
        });
        Some((values.collect(), unread))
    }

    /// The resource every element gives an expression (`route.handler` over routes that all name
    /// `fnA`); none when they disagree.
    pub(crate) fn denoted_by_every_element(&self, at: Located<'tree>, hops: usize) -> Option<ResourceRef> {
        super::references::agreed(self.denoted_by_each_element(at, hops))
    }

    /// What each element gives an expression, one answer per element (`route.handler` over
    /// routes naming `fnA` and `fnB`); empty when the expression is read from no collection.
    pub(crate) fn denoted_by_each_element(&self, at: Located<'tree>, hops: usize) -> Vec<Option<ResourceRef>> {
        let mut denoted = Vec::new();
        let from_elements = matches!(
            kind_of(at.node),
            "identifier" | "member_expression" | "subscript_expression"
        );
        if hops > MAX_HOPS || !from_elements {
            return denoted;
        }
        // `dlqs[channel]`: the entry each iteration's key picks, followed as elements are.
        let picked = match self.memo.following_elements.get() {
            true => None,
            false => self.picked_per_iteration(at),
        };
        match picked {
            Some(picked) => {
                self.memo.following_elements.set(true);
                denoted.extend(
                    picked
                        .into_iter()
                        .map(|value| value.and_then(|value| self.denoted(value, hops + 1))),
                );
                self.memo.following_elements.set(false);
            }
            // Followed inside the visit, where a nested collection is not followed again.
            None => {
                self.visit_element_sources(at, |source| denoted.push(self.denoted(source, hops + 1)));
            }
        }
        denoted
    }

    /// What each element gives an expression read from a loop or element callback, also over a
    /// collection a function or construct receives (`targetFunction` in
    /// `props.targetFunctions.forEach((targetFunction) => …)`): one answer per element of the
    /// collection each call passes, `None` for an element (or a call's whole collection) that is
    /// not written out. Empty when the expression reads no loop's element.
    pub(crate) fn denoted_by_each_passed_element(&self, at: Located<'tree>) -> Vec<Option<ResourceRef>> {
        self.element_values(at)
            .unwrap_or_default()
            .into_iter()
            .map(|element| match element.read {
                ElementRead::Written(value) => self.denoted_resource(value),
                ElementRead::Lacking | ElementRead::Unknown => None,
            })
            .collect()
    }

    /// For a collection a function receives (`specs`, `args.endpoints`, with a default
    /// `args.endpoints ?? [...]`, or through a const holding one of those), where it is read and
    /// what each call of its function passes for it. `None` when the collection is not read from
    /// a parameter.
    pub(super) fn received_collection(&self, collection: Located<'tree>) -> Option<ReceivedCollection<'tree>> {
        let mut collection = self.unwrapped(collection);
        // `const endpoints = args.endpoints ?? [];` before the loop.
        for _ in 0..MAX_HOPS {
            if !names_a_variable(collection.node) || self.arguments_per_call(collection).is_some() {
                break;
            }
            let value = self.const_value(collection)?;
            if self.changed_in_place(collection, value) {
                return None;
            }
            collection = self.unwrapped(value);
        }
        let (read, fallback) = self.read_and_default(collection);
        let (parameter, key) = self.object_and_key(read)?;
        let function = self.function_receiving(parameter)?;
        // A function no call names may be called by code outside the project with anything.
        let calls = self
            .arguments_per_call(parameter)
            .filter(|calls| !calls.is_empty())?
            .into_iter()
            .map(|passed| {
                let held = match (key, passed.argument) {
                    (Some(key), Some(object)) => match self.property(object, key) {
                        Some(property) => Some(Some(property.value)),
                        None if self.surely_lacks(object, key) => Some(None),
                        None => None,
                    },
                    (Some(_), None) => Some(None),
                    (None, argument) => Some(argument),
                };
                let held = held.map(|held| held.filter(|held| !self.is_undefined(*held)));
                // Passed nothing, the collection is the default, or none: the loop runs no time.
                let elements = held.and_then(|held| match held.or(fallback) {
                    Some(array) => self.elements(array),
                    None => Some(Vec::new()),
                });
                PassedCollection {
                    call: passed.call,
                    held: held.flatten(),
                    elements,
                }
            })
            .collect();
        Some(ReceivedCollection {
            function,
            parameter,
            key,
            read,
            calls,
        })
    }

    /// How many times a loop or callback over a collection a function receives runs, summed over
    /// the function's calls, each counted as often as it runs (see `times_called`): with the
    /// function itself, which the count stands in for. `None` when the collection is not
    /// received, some calls of the function cannot be seen, a call's collection or how often it
    /// runs is unknown, or the function calls itself.
    pub(super) fn passed_iterations(&self, binder: Located<'tree>) -> Option<(Node<'tree>, u64)> {
        let iterated = self.binder_collection(binder).filter(|iterated| !iterated.keys_only)?;
        let received = self.received_collection(iterated.collection)?;
        let function = binder.with(received.function);
        let calls: Vec<Located<'tree>> = received.calls.iter().map(|passed| passed.call).collect();
        if !self.all_calls_seen(function, &calls) {
            return None;
        }
        let key = (function.file, function.node.start_byte());
        if !self.memo.counting_calls.borrow_mut().insert(key) {
            return None;
        }
        let total = received.calls.into_iter().try_fold(0u64, |total, passed| {
            let runs = self.times_call_runs(passed.call)?;
            total.checked_add(runs.checked_mul(passed.elements?.len() as u64)?)
        });
        self.memo.counting_calls.borrow_mut().remove(&key);
        Some((received.function, total?))
    }

    /// Hands each of [`Program::element_sources`] to `visit`; `false` when there are none. An
    /// element whose value is itself another loop's element is not followed: each such level
    /// multiplies the work by the number of elements, and real programs do not nest them.
    pub(crate) fn visit_element_sources(&self, at: Located<'tree>, mut visit: impl FnMut(Located<'tree>)) -> bool {
        if self.memo.following_elements.get() {
            return false;
        }
        let Some(sources) = self.element_sources(at) else {
            return false;
        };
        self.memo.following_elements.set(true);
        sources.into_iter().for_each(&mut visit);
        self.memo.following_elements.set(false);
        true
    }

    /// How many times a `for … of` or `for … in` statement runs its body; `None` when unknown.
    pub(crate) fn loop_iterations(&self, statement: Located<'tree>) -> Option<u64> {
        self.iteration_count(&self.loop_collection(statement)?)
    }

    /// How many times `collection.map(callback)` (or `forEach`, `flatMap`) calls `function`;
    /// `None` for any other function, which may run any number of times.
    pub(crate) fn callback_iterations(&self, function: Located<'tree>) -> Option<u64> {
        self.iteration_count(&self.callback_collection(function)?)
    }

    /// How many elements the collection a loop or element callback goes over writes out; `None`
    /// when they are not all written out.
    pub(super) fn written_element_count(&self, binder: Located<'tree>) -> Option<usize> {
        Some(self.iterated_elements(&self.binder_collection(binder)?)?.len())
    }

    /// What the element at `position` of the collection a loop or element callback goes over
    /// holds at `path` (the steps `element_path` gives); `None` when the elements are not all
    /// written out.
    pub(super) fn element_read(
        &self,
        binder: Located<'tree>,
        position: usize,
        path: &[Step],
    ) -> Option<ElementRead<'tree>> {
        let element = *self
            .iterated_elements(&self.binder_collection(binder)?)?
            .get(position)?;
        Some(match self.follow_or_absent(element, path) {
            Some(Some(value)) => ElementRead::Written(value),
            Some(None) => ElementRead::Lacking,
            None => ElementRead::Unknown,
        })
    }

    fn binder_collection(&self, binder: Located<'tree>) -> Option<Iterated<'tree>> {
        self.loop_collection(binder)
            .or_else(|| self.callback_collection(binder))
    }

    /// How many elements infrafix reads of the collection a loop or element callback goes over
    /// when it spreads in others it cannot read (`[...builtIn, ...loadTenants()]`): it runs at
    /// least that often. `None` for any other binder.
    pub(super) fn read_iterations(&self, binder: Located<'tree>) -> Option<u64> {
        let iterated = self.binder_collection(binder).filter(|iterated| !iterated.keys_only)?;
        Some(self.elements_beside_unread(iterated.collection)?.len() as u64)
    }

    /// How many elements a loop or a callback runs over: those the code writes out, or as many
    /// as the list each stack's configuration sets.
    fn iteration_count(&self, iterated: &Iterated<'tree>) -> Option<u64> {
        if let Some(elements) = self.iterated_elements(iterated) {
            return Some(elements.len() as u64);
        }
        (!iterated.keys_only)
            .then(|| self.configured_list_length(iterated.collection))
            .flatten()
    }

    /// The object literal a property value is written in.
    pub fn object_holding(&self, value: Located<'tree>) -> Option<Located<'tree>> {
        let mut node = value.node.parent()?;
        if kind_of(node) == "pair" && node.field("value") == Some(value.node) {
            node = node.parent()?;
        }
        (kind_of(node) == "object").then_some(Located { file: value.file, node })
    }

    /// For a name a `const` destructures (`rt` in `const { runtime: rt } = s`), the value it
    /// destructures and the steps from there to the name's part (`s`, `["runtime"]`).
    pub(super) fn destructured_from(
        &self,
        identifier: Located<'tree>,
        only_const: bool,
    ) -> Option<(Located<'tree>, Vec<Step>)> {
        self.destructured_in(identifier, self.declaration_of(identifier), only_const)
    }

    /// `destructured_from`, for an identifier whose `declaration` is known.
    pub(super) fn destructured_in(
        &self,
        identifier: Located<'tree>,
        declaration: Declaration<'tree>,
        only_const: bool,
    ) -> Option<(Located<'tree>, Vec<Step>)> {
        let Declaration::Destructured { declarator, constant } = declaration else {
            return None;
        };
        (!self.imported_name(identifier, declaration) && (constant || !only_const)).then_some(())?;
        let path = self.path_to(identifier.with(declarator.field("name")?), self.text(identifier))?;
        Some((identifier.with(declarator.field("value")?), path))
    }

    /// The value written at `path` in `value` (`["runtime"]` in `{ runtime: "go1.x" }`, through
    /// consts holding object and array literals).
    pub(super) fn value_at(&self, value: Located<'tree>, path: &[Step]) -> Option<Located<'tree>> {
        self.follow(Element::Value(value), path)
    }

    /// `s.a.b` as the identifier `s` and the properties read from it, `["a", "b"]`; a name a
    /// `const` destructures from `s` (`const { a } = s`) reads those properties too.
    fn property_chain(&self, at: Located<'tree>) -> Option<(Located<'tree>, Vec<Step>)> {
        let mut read = Vec::new();
        let mut current = at;
        let mut destructurings = 0;
        loop {
            let node = current.node;
            let (object, step) = match kind_of(node) {
                "identifier" | "shorthand_property_identifier" => {
                    let Some((value, path)) = self.destructured_from(current, true) else {
                        break;
                    };
                    destructurings += 1;
                    if destructurings > MAX_HOPS {
                        return None;
                    }
                    read.extend(path.into_iter().rev());
                    current = self.unwrapped(value);
                    continue;
                }
                "member_expression" => {
                    let property = node.field("property")?;
                    let name = self.text(current.with(property));
                    (node.field("object")?, Step::Property(name.to_owned()))
                }
                "subscript_expression" => {
                    let index = current.with(node.field("index")?);
                    let step = match kind_of(index.node) {
                        "number" => Step::Position(self.text(index).parse().ok()?),
                        _ => match self.string_value(index) {
                            Some(key) => Step::Property(key),
                            // `settings[channel]`: the chain starts at what each iteration picks.
                            None => break,
                        },
                    };
                    (node.field("object")?, step)
                }
                _ => return None,
            };
            read.push(step);
            current = self.unwrapped(current.with(object));
        }
        read.reverse();
        Some((current, read))
    }

    /// What an identifier's binding receives, and the steps from it to the identifier's value:
    /// `t` in `for (const [name, t] of Object.entries(tenants))` is position 1 of each entry.
    fn element_binding(&self, identifier: Located<'tree>) -> Option<(Iterated<'tree>, Vec<Step>)> {
        let (_, iterated, path) = self.element_binder(identifier)?;
        Some((iterated, path))
    }

    /// For an expression that reads a part of a loop's or element callback's element (`s.build.handler`,
    /// `handler` destructured from it, in the binding or by a `const` in the body), that loop
    /// statement or callback and the steps from the element to the part read.
    pub(super) fn element_path(&self, at: Located<'tree>) -> Option<(Located<'tree>, Vec<Step>)> {
        let (identifier, read) = self.property_chain(self.unwrapped(at))?;
        let (binder, _, mut path) = self.element_binder(identifier)?;
        path.extend(read);
        Some((binder, path))
    }

    /// The loop statement (with a `const` variable: a `let` one may be reassigned in the body) or
    /// the callback binding an identifier to its element or a part of it, and the steps from the
    /// element to that part; with what it goes over.
    fn element_binder(&self, identifier: Located<'tree>) -> Option<(Located<'tree>, Iterated<'tree>, Vec<Step>)> {
        let text = self.file(identifier.file).text;
        let binder = match self.declaration_of(identifier) {
            Declaration::LoopVariable => {
                let statement = self.loop_declaring_variable(identifier)?;
                let constant = statement
                    .field("kind")
                    .is_some_and(|kind| node_text(kind, text) == "const");
                constant.then(|| identifier.with(statement))?
            }
            Declaration::Parameter => identifier.with(self.function_declaring_parameter(identifier)?),
            _ => return None,
        };
        let iterated = self.binder_collection(binder)?;
        let path = self.path_to(
            binder.with(self.binding_pattern(binder)?),
            node_text(identifier.node, text),
        )?;
        Some((binder, iterated, path))
    }

    /// The pattern a loop statement or element callback binds each element to.
    pub(super) fn binding_pattern(&self, binder: Located<'tree>) -> Option<Node<'tree>> {
        match kind_of(binder.node) {
            "for_in_statement" => binder.node.field("left"),
            _ => first_parameter_pattern(binder.node),
        }
    }

    /// The const a loop or element callback goes over, when it names one (`services` in `for
    /// (const s of services)`, `services.map(…)`, `Object.entries(services).map(…)`).
    pub(super) fn iterated_const(&self, binder: Located<'tree>) -> Option<Located<'tree>> {
        let iterated = self.binder_collection(binder)?;
        let mut collection = self.unwrapped(iterated.collection);
        if kind_of(collection.node) == "call_expression" {
            let argument = named_children(collection.node.field("arguments")?).find(|a| kind_of(a) != "comment")?;
            collection = self.unwrapped(collection.with(argument));
        }
        (kind_of(collection.node) == "identifier").then_some(collection)
    }

    pub(super) fn loop_collection(&self, statement: Located<'tree>) -> Option<Iterated<'tree>> {
        let node = statement.node;
        if kind_of(node) != "for_in_statement" {
            return None;
        }
        let operator = self.text(statement.with(node.field("operator")?));
        Some(Iterated {
            collection: statement.with(node.field("right")?),
            keys_only: operator == "in",
        })
    }

    pub(super) fn callback_collection(&self, function: Located<'tree>) -> Option<Iterated<'tree>> {
        let (receiver, method) = self.method_receiving(function)?;
        let first_argument = function.node.prev_named_sibling().is_none();
        (ELEMENT_CALLBACKS.contains(&method) && first_argument).then_some(Iterated {
            collection: function.with(receiver),
            keys_only: false,
        })
    }

    /// `for (let i = A; i < B; i++)` (also `<=`, `++i`) with bounds written out: a number, or the
    /// `length` of an array whose elements are (`i < names.length`).
    pub(super) fn counted_loop(&self, statement: Located<'tree>) -> Option<CountedLoop<'tree>> {
        let node = statement.node;
        let initializer = node.field("initializer")?;
        let declarator = named_children(initializer).find(|child| kind_of(child) == "variable_declarator")?;
        let start = self.number_value(statement.with(declarator.field("value")?))?.0;
        let condition = node.field("condition")?;
        let comparison = match kind_of(condition) {
            "expression_statement" => condition.named_child(0)?,
            _ => condition,
        };
        let bound = statement.with(comparison.field("right")?);
        let end = match self.number_value(bound) {
            Some((end, _)) => end,
            None => i64::try_from(self.array_length(bound)?).ok()?,
        };
        let increment = node.field("increment")?;
        let increment_text = self.text(statement.with(increment));
        if !(increment_text.ends_with("++") || increment_text.starts_with("++")) {
            return None;
        }
        let span = match self.text(statement.with(comparison.field("operator")?)) {
            "<" => end.checked_sub(start)?,
            "<=" => end.checked_sub(start)?.checked_add(1)?,
            _ => return None,
        };
        // The variable counts only where the comparison and the increment both read it.
        let name = declarator.field("name").map(|name| self.text(statement.with(name)));
        let compared = comparison.field("left").map(|left| self.text(statement.with(left)));
        let incremented = increment
            .field("argument")
            .map(|argument| self.text(statement.with(argument)));
        Some(CountedLoop {
            variable: name.filter(|name| compared == Some(name) && incremented == Some(name)),
            start,
            iterations: u64::try_from(span.max(0)).ok()?,
        })
    }

    /// `names.length` for an array whose elements are written out.
    fn array_length(&self, read: Located<'tree>) -> Option<usize> {
        let read = self.unwrapped(read);
        if kind_of(read.node) != "member_expression" || self.text(read.with(read.node.field("property")?)) != "length" {
            return None;
        }
        Some(self.array_values(read.with(read.node.field("object")?))?.len())
    }

    /// For `record[key]` or `array[index]` read in a loop or element callback whose key or index
    /// changes from one iteration to the next (`deadLetterQueues[channel]` in `for (const channel
    /// of channels)` or `Object.keys(…).map((channel) => …)`, `dlqs[i]` in `names.forEach((name,
    /// i) => …)` or `for (let i = 0; i < names.length; i++)`), the value each iteration picks:
    /// `None` for one whose key is not written out or not in the record. `None` when the key or
    /// index is no loop's, or the collection cannot be read whole: an array of another length
    /// than the loop runs, a record with entries infrafix cannot read, or changed other than by
    /// filling an empty one with one value (see `filled_record_value`).
    pub(crate) fn picked_per_iteration(&self, lookup: Located<'tree>) -> Option<Vec<Option<Located<'tree>>>> {
        let lookup = self.picking_lookup(self.unwrapped(lookup))?;
        let collection = lookup.with(lookup.node.field("object")?);
        let index = self.unwrapped(lookup.with(lookup.node.field("index")?));
        if let Some(iterations) = self.positions_per_iteration(index) {
            let values = self.array_values(collection)?;
            return (values.len() as u64 == iterations).then(|| values.into_iter().map(Some).collect());
        }
        let keys: Vec<Option<String>> = self
            .element_values(index)?
            .into_iter()
            .map(|element| match element.read {
                ElementRead::Written(key) => self.key_text(key),
                ElementRead::Lacking | ElementRead::Unknown => None,
            })
            .collect();
        if let Some(entries) = self.record_values(collection) {
            let pick = |key: &str| entries.iter().find(|(name, _)| name == key).map(|(_, value)| *value);
            return Some(keys.iter().map(|key| pick(key.as_deref()?)).collect());
        }
        let filled = self.filled_record_value(collection)?;
        Some(keys.into_iter().map(|key| key.map(|_| filled)).collect())
    }

    /// The `record[key]` a value is: itself, or the lookup a `const` holds (`const s =
    /// settings[channel]` in the loop's body, declared anew each iteration, so that `s` is what
    /// that iteration picks). A variable assigned again may hold something else, and an entry
    /// changed through the const (`s.reserved = 50`) no longer holds what the record writes.
    fn picking_lookup(&self, value: Located<'tree>) -> Option<Located<'tree>> {
        if kind_of(value.node) == "subscript_expression" {
            return Some(value);
        }
        if kind_of(value.node) != "identifier" {
            return None;
        }
        let Declaration::Variable {
            declarator,
            constant: true,
        } = self.declaration_of(value)
        else {
            return None;
        };
        let held = self.unwrapped(value.with(declarator.field("value")?));
        // Asked last: what a file changes in place is read by a walk of the whole file.
        let changed = || self.changed_names(value.file).contains(self.text(value));
        (kind_of(held.node) == "subscript_expression" && !changed()).then_some(held)
    }

    /// Whether a value reads an output of what each iteration picks by its key or index
    /// (`deadLetterQueues[channel].arn`, see `picked_per_iteration`).
    pub(crate) fn reads_output_picked_per_iteration(&self, value: Located<'tree>) -> bool {
        let value = self.unwrapped(value);
        kind_of(value.node) == "member_expression"
            && value
                .node
                .field("object")
                .is_some_and(|object| self.picked_per_iteration(value.with(object)).is_some())
    }

    /// The text of a key an element holds: a string, or a record's key as `Object.keys` gives it.
    pub(super) fn key_text(&self, key: Located<'tree>) -> Option<String> {
        let key = self.unwrapped(key);
        match kind_of(key.node) {
            "shorthand_property_identifier" => Some(self.text(key).to_owned()),
            "identifier" => self.string_value(self.const_value(key)?),
            _ => self.key_name(key).or_else(|| self.string_value(key)),
        }
    }

    /// How many positions an index goes through, from 0 one at a time: the second parameter of an
    /// element callback over a collection written out (`(name, i) => …` given to `.map` or
    /// `.forEach`), or the variable of `for (let i = 0; i < names.length; i++)`; and nothing
    /// assigns it in between. `None` for anything else.
    fn positions_per_iteration(&self, index: Located<'tree>) -> Option<u64> {
        if kind_of(index.node) != "identifier" {
            return None;
        }
        let name = self.text(index);
        let (binder, iterations) = match self.declaration_of(index) {
            Declaration::Parameter => {
                let callback = index.with(self.function_declaring_parameter(index)?);
                let iterated = self.callback_collection(callback)?;
                let second = named_children(callback.node.field("parameters")?)
                    .filter(|parameter| kind_of(*parameter) != "comment")
                    .nth(1)?;
                let pattern = second.field("pattern").unwrap_or(second);
                (self.text(callback.with(pattern)) == name).then_some(())?;
                (callback, self.iterated_elements(&iterated)?.len() as u64)
            }
            Declaration::LoopVariable => {
                let statement = index.with(self.loop_declaring_variable(index)?);
                let counted = self.counted_loop(statement)?;
                (counted.variable == Some(name) && counted.start == 0).then_some(())?;
                (statement, counted.iterations)
            }
            _ => return None,
        };
        let body = binder.node.field("body")?;
        (!assigns_name(body, name, self.file(index.file).text)).then_some(iterations)
    }

    /// The one value code puts into a record that starts empty, under whatever key (`const dlqs:
    /// Record<string, aws.sqs.Queue> = {}`, then `dlqs[channel] = new aws.sqs.Queue(…)` in a loop):
    /// each key read holds what it made in the iteration that wrote the key. `None` when code
    /// assigns more than one expression, or changes the record otherwise (`delete`, a member's
    /// member), or a module importing it changes it at all.
    fn filled_record_value(&self, record: Located<'tree>) -> Option<Located<'tree>> {
        let record = self.unwrapped(record);
        if !names_a_variable(record.node) {
            return None;
        }
        let initializer = self.const_value(record)?;
        let object = self.unwrapped(initializer);
        if kind_of(object.node) != "object" || named_children(object.node).any(|member| kind_of(member) != "comment") {
            return None;
        }
        if self.changed_where_imported(initializer) {
            return None;
        }
        let assigned = self.assigned_members(record, initializer)?;
        let (first, others) = assigned.split_first()?;
        others.iter().all(|other| other == first).then_some(*first)
    }

    /// The steps from what a binding pattern receives to the name `name` it binds; `None` when it
    /// binds it with a default or a rest (its value is then not only the element's).
    pub(super) fn path_to(&self, pattern: Located<'tree>, name: &str) -> Option<Vec<Step>> {
        let node = pattern.node;
        match kind_of(node) {
            "identifier" => (self.text(pattern) == name).then(Vec::new),
            "object_pattern" => named_children(node).find_map(|member| match kind_of(member) {
                "shorthand_property_identifier_pattern" if self.text(pattern.with(member)) == name => {
                    Some(vec![Step::Property(name.to_owned())])
                }
                "pair_pattern" => {
                    let key = self.key_name(pattern.with(member.field("key")?))?;
                    let rest = self.path_to(pattern.with(member.field("value")?), name)?;
                    Some(std::iter::once(Step::Property(key)).chain(rest).collect())
                }
                _ => None,
            }),
            "array_pattern" => {
                let mut position = 0;
                let mut cursor = node.walk();
                let children: Vec<Node> = node.children(&mut cursor).collect();
                children.into_iter().find_map(|child| {
                    if kind_of(child) == "," {
                        position += 1;
                        return None;
                    }
                    if !child.is_named() || kind_of(child) == "comment" {
                        return None;
                    }
                    let rest = self.path_to(pattern.with(child), name)?;
                    Some(std::iter::once(Step::Position(position)).chain(rest).collect())
                })
            }
            _ => None,
        }
    }

    fn key_name(&self, key: Located<'tree>) -> Option<String> {
        match kind_of(key.node) {
            "property_identifier" | "number" => Some(self.text(key).to_owned()),
            "string" => self.string_value(key),
            _ => None,
        }
    }

    fn iterated_elements(&self, iterated: &Iterated<'tree>) -> Option<Vec<Element<'tree>>> {
        if iterated.keys_only {
            let record = self.unchanged_literal(iterated.collection, "object")?;
            return Some(
                self.record_entries(record)?
                    .into_iter()
                    .map(|entry| match entry {
                        Element::Entry { key, .. } => Element::Value(key),
                        value => value,
                    })
                    .collect(),
            );
        }
        self.elements(iterated.collection)
    }

    /// The elements of a collection the code writes out: an array literal (`...xs` standing for
    /// the elements of `xs`), `a.concat(b)`, a `.map` result, an array filled by `push`, or
    /// `Object.entries(r)`, `Object.values(r)` and `Object.keys(r)` for an unchanged const object
    /// literal `r`; through unchanged consts and what a helper of the program returns
    /// (`const tenants = loadTenants()`). `None` when they are not all written out.
    fn elements(&self, collection: Located<'tree>) -> Option<Vec<Element<'tree>>> {
        match self.elements_within(collection, 0)? {
            (elements, false) => Some(elements),
            (_, true) => None,
        }
    }

    /// The elements written out in a collection that also holds others infrafix cannot read
    /// (`[...builtIn, ...loadTenants()]`, `[{ name: "internal" }, ...fromFile]`,
    /// `known.concat(fromFile())`). `None` for a collection that is no such thing, or one whose
    /// elements are all read (see `elements`).
    fn elements_beside_unread(&self, collection: Located<'tree>) -> Option<Vec<Element<'tree>>> {
        match self.elements_within(collection, 0)? {
            (elements, true) => Some(elements),
            (_, false) => None,
        }
    }

    /// The elements of a collection that infrafix reads, and whether it holds others besides,
    /// `depth` collections deep (a spread's, a concatenated array's, a mapped one's): ends cycles
    /// such as `const a = [...b], b = [...a]`.
    fn elements_within(&self, collection: Located<'tree>, depth: usize) -> Option<(Vec<Element<'tree>>, bool)> {
        if depth > MAX_HOPS {
            return None;
        }
        let collection = self.collection_written(collection)?;
        if let Some(mapped) = self.mapped_elements(collection, depth) {
            return Some((mapped, false));
        }
        if let Some(concatenated) = self.concatenated_elements(collection, depth) {
            return Some(concatenated);
        }
        if kind_of(collection.node) == "call_expression" {
            return self
                .object_method_elements(collection)
                .map(|elements| (elements, false));
        }
        if let Some(pushed) = self.pushed_elements(collection) {
            return Some((pushed, false));
        }
        let array = self.unchanged_literal(collection, "array")?;
        let mut elements = Vec::new();
        let mut unread = false;
        for item in named_children(array.node).filter(|item| kind_of(item) != "comment") {
            if kind_of(item) != "spread_element" {
                elements.push(Element::Value(array.with(item)));
                continue;
            }
            match self.elements_within(array.with(item.named_child(0)?), depth + 1) {
                Some((spread, spread_unread)) => {
                    elements.extend(spread);
                    unread |= spread_unread;
                }
                None => unread = true,
            }
        }
        Some((elements, unread))
    }

    /// Where a collection is written: through consts that name another const (`const dependsOn =
    /// attachments`) or hold a call (`const tenants = loadTenants()`, `known.concat(…)`), and
    /// through calls of the program's helpers to what they return (`loadTenants()` for
    /// `function loadTenants() { return [...]; }`). `None` when code changes one of those consts
    /// in place.
    fn collection_written(&self, collection: Located<'tree>) -> Option<Located<'tree>> {
        let mut collection = self.unwrapped(collection);
        for _ in 0..MAX_HOPS {
            if !names_a_variable(collection.node) {
                match self.helper_result(collection) {
                    Some(returned) => collection = self.unwrapped(returned),
                    None => break,
                }
                continue;
            }
            let Some(value) = self.const_value(collection) else {
                break;
            };
            let next = self.unwrapped(value);
            if !names_a_variable(next.node) && kind_of(next.node) != "call_expression" {
                break;
            }
            if self.changed_in_place(collection, value) {
                return None;
            }
            collection = next;
        }
        Some(collection)
    }

    /// What a call of one of the program's functions returns, when that is one expression the
    /// call hands back as it is: not through a promise (`async`) or a generator, which a loop
    /// would not go over the same way.
    fn helper_result(&self, call: Located<'tree>) -> Option<Located<'tree>> {
        if kind_of(call.node) != "call_expression" {
            return None;
        }
        let helper = self.function_named(call.with(call.node.field("function")?))?;
        let mut cursor = helper.node.walk();
        let asynchronous = helper
            .node
            .children(&mut cursor)
            .any(|child| matches!(kind_of(child), "async" | "*"));
        if asynchronous || kind_of(helper.node).starts_with("generator") {
            return None;
        }
        self.returned_value(helper)
    }

    /// `a.concat(b, …)` over an array `a` whose elements infrafix reads: those, then each
    /// argument's (an array's elements, an object as one element), and whether an argument it
    /// cannot read (`known.concat(fromFile())`) adds others. `None` for any other expression.
    fn concatenated_elements(&self, call: Located<'tree>, depth: usize) -> Option<(Vec<Element<'tree>>, bool)> {
        let (receiver, "concat") = self.method_call(call)? else {
            return None;
        };
        let (mut elements, mut unread) = self.elements_within(receiver, depth + 1)?;
        for argument in named_children(call.node.field("arguments")?).filter(|argument| kind_of(argument) != "comment")
        {
            let argument = call.with(argument);
            match self.elements_within(argument, depth + 1) {
                Some((more, more_unread)) => {
                    elements.extend(more);
                    unread |= more_unread;
                }
                None if self.unchanged_literal(argument, "object").is_some() => {
                    elements.push(Element::Value(argument));
                }
                // An array read at run time, a value that may or may not be one, or a spread
                // of arguments: any number of elements.
                None => unread = true,
            }
        }
        Some((elements, unread))
    }

    /// The values of an array, in order: a literal (where `...xs` stands for the elements of
    /// `xs`), a `.map` result or an array filled by `push`, through consts no code changes
    /// otherwise. `None` when they are not all written out.
    pub(super) fn array_values(&self, array: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        self.elements(array)?
            .into_iter()
            .map(|element| match element {
                Element::Value(value) => Some(value),
                Element::Entry { .. } => None,
            })
            .collect()
    }

    /// The const that holds every instance of a resource made by a `.map` callback
    /// (`attachments` in `const attachments = arns.map((arn) => new aws.iam.RolePolicyAttachment(…))`):
    /// the callback returns the resource, and the map runs once per instance, so that no
    /// instance is left out of the array or made elsewhere.
    pub(super) fn const_holding_every_instance(&self, resource: usize) -> Option<Located<'tree>> {
        let declaration = &self.resources()[resource];
        let expression = Located {
            file: declaration.file,
            node: declaration.expression,
        };
        let callback = expression.with(
            self.ancestors(expression)
                .into_iter()
                .find(|enclosing| FUNCTIONS.contains(&kind_of(*enclosing)))?,
        );
        if self.returned_value(callback).map(|returned| self.unwrapped(returned)) != Some(expression) {
            return None;
        }
        let call = callback.with(self.parent(callback.with(self.parent(callback)?))?);
        let declarator = self
            .parent(call)
            .filter(|declarator| kind_of(*declarator) == "variable_declarator")
            .filter(|declarator| declarator.field("value") == Some(call.node))?;
        let name = call.with(declarator.field("name").filter(|name| kind_of(*name) == "identifier")?);
        let values = self.array_values(name)?;
        let every_value_is_this_one = values.iter().all(|value| self.unwrapped(*value) == expression);
        (every_value_is_this_one && Some(values.len() as u64) == self.instances(resource)).then_some(name)
    }

    /// The elements of `kinds.map((kind) => new aws.lambda.Function(…))` (or of a const holding
    /// it, which no code changes in place): one per element of `kinds`, each what the callback
    /// returns. A callback with more than one `return` may return different things: not followed.
    fn mapped_elements(&self, collection: Located<'tree>, depth: usize) -> Option<Vec<Element<'tree>>> {
        let mut call = collection;
        if names_a_variable(call.node) {
            let value = self.const_value(call)?;
            if self.changed_in_place(call, value) {
                return None;
            }
            call = self.unwrapped(value);
        }
        let (mapped, "map") = self.method_call(call)? else {
            return None;
        };
        let callback = named_children(call.node.field("arguments")?).find(|argument| kind_of(argument) != "comment")?;
        if !matches!(kind_of(callback), "arrow_function" | "function_expression") {
            return None;
        }
        let body = callback.field("body")?;
        let returns = crate::syntax::named_descendants(body)
            .filter(|node| kind_of(*node) == "return_statement")
            .count();
        if kind_of(body) == "statement_block" && returns != 1 {
            return None;
        }
        let returned = self.returned_value(call.with(callback))?;
        let (elements, false) = self.elements_within(mapped, depth + 1)? else {
            return None;
        };
        Some(vec![Element::Value(returned); elements.len()])
    }

    /// The elements of a const array that starts empty and is filled by `push` before it is read
    /// (see `Program::pushes_before`): each pushed value, once for every time its push runs per
    /// time the array is made. Grouped by push, not in the order they are pushed.
    fn pushed_elements(&self, collection: Located<'tree>) -> Option<Vec<Element<'tree>>> {
        if !names_a_variable(collection.node) {
            return None;
        }
        let initializer = self.const_value(collection)?;
        let array = self.unwrapped(initializer);
        if kind_of(array.node) != "array" || named_children(array.node).any(|item| kind_of(item) != "comment") {
            return None;
        }
        let pushes = self.pushes_before(collection, initializer)?;
        let arrays_made = self.times_run_unconditionally(initializer)?;
        let mut elements = Vec::new();
        for push in pushes {
            let runs = self.times_run_unconditionally(push)?;
            let per_array = runs.checked_div(arrays_made).filter(|_| runs % arrays_made == 0)?;
            let values: Vec<Node> = named_children(push.node.field("arguments")?)
                .filter(|value| kind_of(value) != "comment")
                .collect();
            if values.iter().any(|value| kind_of(*value) == "spread_element")
                || per_array.saturating_mul(values.len() as u64) > MAX_PUSHED
            {
                return None;
            }
            for _ in 0..per_array {
                elements.extend(values.iter().map(|value| Element::Value(push.with(*value))));
            }
        }
        (elements.len() as u64 <= MAX_PUSHED).then_some(elements)
    }

    fn object_method_elements(&self, call: Located<'tree>) -> Option<Vec<Element<'tree>>> {
        let (method, argument) = self.object_method_call(call)?;
        let entries = self.record_entries(self.unchanged_literal(argument, "object")?)?;
        let pick = |entry: Element<'tree>| match (method, entry) {
            ("entries", entry) => Some(entry),
            ("values", Element::Entry { value, .. }) => Some(Element::Value(value)),
            ("keys", Element::Entry { key, .. }) => Some(Element::Value(key)),
            _ => None,
        };
        entries.into_iter().map(pick).collect()
    }

    /// `Object.values(r)` as `("values", r)`: a method of the global `Object` (not a name the
    /// file declares or imports) and its first argument.
    pub(super) fn object_method_call(&self, call: Located<'tree>) -> Option<(&'tree str, Located<'tree>)> {
        let (receiver, method) = self.method_call(call)?;
        if !self.names_global(receiver, "Object") {
            return None;
        }
        let argument = named_children(call.node.field("arguments")?).find(|a| kind_of(a) != "comment")?;
        Some((method, call.with(argument)))
    }

    /// The key and value of each property of an object literal; `None` when a spread, a computed
    /// key or a method makes them not all written out.
    fn record_entries(&self, record: Located<'tree>) -> Option<Vec<Element<'tree>>> {
        named_children(record.node)
            .filter(|member| kind_of(member) != "comment")
            .map(|member| match kind_of(member) {
                "pair" => {
                    let key = record.with(member.field("key")?);
                    self.key_name(key)?;
                    Some(Element::Entry {
                        key,
                        value: record.with(member.field("value")?),
                    })
                }
                "shorthand_property_identifier" => Some(Element::Entry {
                    key: record.with(member),
                    value: record.with(member),
                }),
                _ => None,
            })
            .collect()
    }

    /// The key and value of each entry of an object literal a chain of unchanged consts holds;
    /// `None` when a spread, a computed key or a method makes them not all written out.
    pub(super) fn record_values(&self, record: Located<'tree>) -> Option<Vec<(String, Located<'tree>)>> {
        let record = self.unchanged_literal(record, "object")?;
        self.record_entries(record)?
            .into_iter()
            .map(|entry| match entry {
                Element::Entry { key, value } => Some((self.key_name(key)?, value)),
                Element::Value(_) => None,
            })
            .collect()
    }

    /// For `record[key]` whose key is computed (`runtimes[pulumi.getStack()]`), the values of the
    /// record's entries, any of which the key may pick.
    pub(super) fn entries_a_computed_key_picks(&self, lookup: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        if kind_of(lookup.node) != "subscript_expression" {
            return None;
        }
        let key = self.unwrapped(lookup.with(lookup.node.field("index")?));
        if matches!(kind_of(key.node), "string" | "number" | "template_string") {
            return None;
        }
        let entries = self.record_values(lookup.with(lookup.node.field("object")?))?;
        Some(entries.into_iter().map(|(_, value)| value).collect())
    }

    /// The literal of `kind` an expression is, or a chain of consts and helpers' calls holds
    /// (`const tenants = loadTenants()`, see `helper_result`), when no code changes any of those
    /// consts in place.
    pub(super) fn unchanged_literal(&self, at: Located<'tree>, kind: &str) -> Option<Located<'tree>> {
        let mut current = self.unwrapped(at);
        for _ in 0..MAX_HOPS {
            if kind_of(current.node) == kind {
                return Some(current);
            }
            if !names_a_variable(current.node) {
                current = self.unwrapped(self.helper_result(current)?);
                continue;
            }
            let value = self.const_value(current)?;
            if self.changed_in_place(current, value) {
                return None;
            }
            current = self.unwrapped(value);
        }
        None
    }

    /// Whether some code changes the const `identifier` names in place: in the file reading it,
    /// the file declaring it (its initializer is `value`), or any file importing it by name.
    pub(super) fn changed_in_place(&self, identifier: Located<'tree>, value: Located<'tree>) -> bool {
        if self.changed_names(identifier.file).contains(self.text(identifier)) {
            return true;
        }
        let Some(declared) = value.node.parent().and_then(|declarator| declarator.field("name")) else {
            return true;
        };
        let declared = self.text(value.with(declared));
        if self.changed_names(value.file).contains(declared) {
            return true;
        }
        self.changed_where_imported(value)
    }

    /// Whether a module importing the const whose initializer is `value` changes it in place,
    /// under the name it imports it by.
    fn changed_where_imported(&self, value: Located<'tree>) -> bool {
        let Some(declared) = value.node.parent().and_then(|declarator| declarator.field("name")) else {
            return true;
        };
        let declared = self.text(value.with(declared));
        (0..self.files().len()).any(|file| {
            self.file(file).imports.iter().any(|binding| {
                binding.kind
                    == ImportKind::Named {
                        imported: declared.to_owned(),
                    }
                    && self.imported_file(file, &binding.module) == Some(value.file)
                    && self.changed_names(file).contains(&binding.local)
            })
        })
    }

    /// The names a file changes in place (`xs.push(…)`, `xs[0] = …`, `r.key = …`, `delete r.key`,
    /// `Object.assign(r, …)`), found in one walk of the file the first time it is asked.
    fn changed_names(&self, file: usize) -> Rc<HashSet<String>> {
        if let Some(known) = self.memo.changed_names.borrow().get(&file) {
            return Rc::clone(known);
        }
        let text = self.file(file).text;
        let root = self.root(file);
        let mut names = HashSet::default();
        let mut cursor = root.walk();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if let Some(changed) = changed_target(node, text) {
                if let Some(name) = root_identifier(changed) {
                    names.insert(node_text(name, text).to_owned());
                }
            }
            stack.extend(node.named_children(&mut cursor));
        }
        let names = Rc::new(names);
        self.memo.changed_names.borrow_mut().insert(file, Rc::clone(&names));
        names
    }

    fn follow(&self, element: Element<'tree>, path: &[Step]) -> Option<Located<'tree>> {
        self.follow_or_absent(element, path).flatten()
    }

    /// [`Program::follow`], with `Some(None)` for an element whose object literal surely lacks
    /// a property on the way (it reads `undefined` there).
    fn follow_or_absent(&self, element: Element<'tree>, path: &[Step]) -> Option<Option<Located<'tree>>> {
        let mut current = element;
        for step in path {
            current = match (current, step) {
                (Element::Entry { key, .. }, Step::Position(0)) => Element::Value(key),
                (Element::Entry { value, .. }, Step::Position(1)) => Element::Value(value),
                (Element::Value(at), Step::Property(name)) => match self.property(at, name) {
                    Some(found) => Element::Value(found.value),
                    None if self.surely_lacks(at, name) => return Some(None),
                    None => return None,
                },
                (Element::Value(at), Step::Position(position)) => Element::Value(self.array_item(at, *position)?),
                _ => return None,
            };
        }
        match current {
            Element::Value(at) => Some(Some(at)),
            Element::Entry { .. } => None,
        }
    }

    fn array_item(&self, at: Located<'tree>, position: usize) -> Option<Located<'tree>> {
        let array = self.unchanged_literal(at, "array")?;
        let items: Vec<Node> = named_children(array.node)
            .filter(|item| kind_of(item) != "comment")
            .take(position + 1)
            .collect();
        if items.iter().any(|item| kind_of(item) == "spread_element") {
            return None;
        }
        items.get(position).map(|item| array.with(*item))
    }
}

/// `for (let i = A; i < B; i++)` with bounds written out.
pub(super) struct CountedLoop<'tree> {
    /// The variable counting, where the comparison and the increment read the one it declares.
    pub variable: Option<&'tree str>,
    pub start: i64,
    /// How many times its body runs.
    pub iterations: u64,
}

/// Whether code in `body` assigns the name `name` (`i = …`, `i += …`, `i++`), in any scope.
fn assigns_name(body: Node, name: &str, text: &str) -> bool {
    crate::syntax::named_descendants(body).any(|node| {
        let target = match kind_of(node) {
            "assignment_expression" | "augmented_assignment_expression" => node.field("left"),
            "update_expression" => node.field("argument"),
            _ => None,
        };
        target.is_some_and(|target| kind_of(target) == "identifier" && node_text(target, text) == name)
    })
}

/// Whether a node names a variable: `xs`, or the shorthand property `{ xs }`.
fn names_a_variable(node: Node) -> bool {
    matches!(kind_of(node), "identifier" | "shorthand_property_identifier")
}

/// The expression a node changes in place, if it is such a change.
fn changed_target<'tree>(node: Node<'tree>, text: &str) -> Option<Node<'tree>> {
    match kind_of(node) {
        "assignment_expression" | "augmented_assignment_expression" => node
            .field("left")
            .filter(|left| matches!(kind_of(left), "member_expression" | "subscript_expression")),
        "unary_expression" => {
            let operator = node.field("operator")?;
            (node_text(operator, text) == "delete").then_some(node.field("argument")?)
        }
        "call_expression" => {
            let function = node.field("function")?;
            if kind_of(function) != "member_expression" {
                return None;
            }
            let method = node_text(function.field("property")?, text);
            let object = function.field("object")?;
            if MUTATING_METHODS.contains(&method) {
                return Some(object);
            }
            // `Object.assign(target, …)` writes into its first argument.
            (node_text(object, text) == "Object" && method == "assign")
                .then(|| named_children(node.field("arguments")?).next())
                .flatten()
        }
        _ => None,
    }
}

/// `xs` in `xs[0].runtime`.
fn root_identifier(mut node: Node) -> Option<Node> {
    loop {
        match kind_of(node) {
            "identifier" => return Some(node),
            "member_expression" | "subscript_expression" => node = node.field("object")?,
            "parenthesized_expression" | "as_expression" | "non_null_expression" | "satisfies_expression" => {
                node = node.named_child(0)?
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::{Located, Program, StringOrigin};

    /// The runtime values the first function's `runtime` stands for, as written.
    fn runtime_sources(program: &Program) -> Option<Vec<String>> {
        let resource = &program.resources()[0];
        let value = program.property(resource.args()?, "runtime")?.value;
        let sources = program.element_sources(value)?;
        Some(sources.iter().map(|source| program.text(*source).to_owned()).collect())
    }

    fn literal_origins(program: &Program) -> Vec<String> {
        let resource = &program.resources()[0];
        let args = resource.args().expect("args");
        let value = program.property(args, "runtime").expect("runtime").value;
        program
            .string_origins(value)
            .into_iter()
            .filter_map(|origin| match origin {
                StringOrigin::Literal { value, .. } => Some(value),
                StringOrigin::PackageMember { .. } => None,
            })
            .collect()
    }

    /// Each of `loops`, after `declarations`, makes one function per element, on that element's runtime.
    fn assert_each_loop_reads(declarations: &str, loops: &[&str], runtimes: &[&str]) {
        for call in loops {
            let index = format!("import * as aws from \"@pulumi/aws\";\n{declarations}{call}\n");
            with_program(&[("index.ts", &index)], |program| {
                assert_eq!(literal_origins(program), runtimes, "{call}");
                assert_eq!(program.instances(0), Some(runtimes.len() as u64), "{call}");
            });
        }
    }

    const SERVICES: &str = "export const services = [\n    { name: \"a\", runtime: \"go1.x\", handler: \"main\" },\n    // the web service\n    { name: \"b\", runtime: \"nodejs16.x\", handler: \"index.handler\" },\n];\n";

    #[test]
    fn loop_over_an_imported_const_array_reads_each_element() {
        let index = "import * as aws from \"@pulumi/aws\";\nimport { services } from \"./services\";\nfor (const s of services) {\n    new aws.lambda.Function(s.name, { runtime: s.runtime, handler: s.handler });\n}\n";
        with_program(&[("index.ts", index), ("services.ts", SERVICES)], |program| {
            assert_eq!(
                runtime_sources(program),
                Some(vec!["\"go1.x\"".to_owned(), "\"nodejs16.x\"".to_owned()])
            );
            assert_eq!(literal_origins(program), vec!["go1.x", "nodejs16.x"]);
            assert_eq!(program.instances(0), Some(2));
        });
    }

    #[test]
    fn map_and_for_each_callbacks_with_destructured_parameters() {
        let loops = [
            "services.map(({ name, runtime: rt }) => new aws.lambda.Function(name, { runtime: rt }));",
            "services.forEach((s: { runtime: string }) => { new aws.lambda.Function(\"f\", { runtime: s.runtime }); });",
            "for (const { runtime } of services) { new aws.lambda.Function(\"f\", { runtime }); }",
        ];
        assert_each_loop_reads(SERVICES, &loops, &["go1.x", "nodejs16.x"]);
    }

    #[test]
    fn collections_a_helper_returns_or_concatenates_give_their_elements() {
        let helpers = "function load() {\n    const list = [{ runtime: \"go1.x\" }];\n    return list;\n}\nconst more = () => [{ runtime: \"nodejs16.x\" }];\n";
        let loops = [
            "const services = load().concat(more());\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "[...load(), ...more()].map((s) => new aws.lambda.Function(\"f\", { runtime: s.runtime }));",
            "load().concat({ runtime: \"nodejs16.x\" }).forEach((s) => new aws.lambda.Function(\"f\", { runtime: s.runtime }));",
            "const all = [...load(), { runtime: \"nodejs16.x\" }];\nfor (const s of all) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
        ];
        assert_each_loop_reads(helpers, &loops, &["go1.x", "nodejs16.x"]);
        // A promise, a generator, a helper reading a file, a const cycle: not written out.
        let unknown = [
            "async function load() { return [{ runtime: \"go1.x\" }]; }\nfor (const s of await load()) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "function* load() { yield { runtime: \"go1.x\" }; return [{ runtime: \"go1.x\" }]; }\nfor (const s of load()) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const load = () => JSON.parse(\"[]\");\nload().forEach((s: any) => new aws.lambda.Function(\"f\", { runtime: s.runtime }));",
            "const a: any[] = [...b], b: any[] = [...a];\nfor (const s of a) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
        ];
        for text in unknown {
            let index = format!("import * as aws from \"@pulumi/aws\";\n{text}\n");
            with_program(&[("index.ts", &index)], |program| {
                assert_eq!(runtime_sources(program), None, "{text}");
                assert_eq!(program.instances(0), None, "{text}");
            });
        }
        // `known.concat(fromFile())`: at least the known elements.
        let partly = "import * as aws from \"@pulumi/aws\";\nconst fromFile = () => JSON.parse(\"[]\");\nconst known = [{ name: \"a\" }, { name: \"b\" }];\nfor (const t of known.concat(fromFile())) { new aws.lambda.Function(t.name, {}); }\n";
        with_program(&[("index.ts", partly)], |program| {
            assert_eq!((program.instances(0), program.instances_at_least(0)), (None, Some(2)));
        });
    }

    #[test]
    fn record_entries_values_and_keys() {
        let tenants = "const tenants = {\n    acme: { runtime: \"go1.x\" },\n    \"globex\": { runtime: \"python3.8\" },\n    initech: { runtime: \"nodejs22.x\" },\n};\n";
        let loops = [
            "Object.entries(tenants).map(([name, t]) => new aws.lambda.Function(name, { runtime: t.runtime }));",
            "Object.values(tenants).forEach((t) => new aws.lambda.Function(\"f\", { runtime: t[\"runtime\"] }));",
            "for (const [name, { runtime }] of Object.entries(tenants)) { new aws.lambda.Function(name, { runtime }); }",
        ];
        assert_each_loop_reads(tenants, &loops, &["go1.x", "python3.8", "nodejs22.x"]);
        let keys = format!("import * as aws from \"@pulumi/aws\";\n{tenants}for (const name in tenants) {{ new aws.lambda.Function(name, {{}}); }}\n");
        with_program(&[("index.ts", &keys)], |program| {
            assert_eq!(program.instances(0), Some(3))
        });
    }

    #[test]
    fn a_loop_key_or_index_picks_one_entry_per_iteration() {
        let queues = "const names = [\"a\", \"b\"];\nconst byName = { a: new aws.sqs.Queue(\"a\"), b: new aws.sqs.Queue(\"b\") };\nconst filled: Record<string, aws.sqs.Queue> = {};\nfor (const n of names) { filled[n] = new aws.sqs.Queue(n); }\nconst mapped = names.map((n) => new aws.sqs.Queue(n));\n";
        let function = |target: &str| {
            format!("new aws.lambda.Function(n, {{ deadLetterConfig: {{ targetArn: {target}.arn }} }});")
        };
        let by_name = function("byName[n as keyof typeof byName]");
        let cases = [
            (
                format!("for (const n of names) {{ {by_name} }}"),
                vec![Some(0), Some(1)],
            ),
            (
                format!("for (const n of Object.keys(byName)) {{ {by_name} }}"),
                vec![Some(0), Some(1)],
            ),
            (
                format!("names.forEach((n) => {{ {} }});", function("filled[n]")),
                vec![Some(2), Some(2)],
            ),
            (
                format!("names.forEach((n, i) => {{ {} }});", function("mapped[i]")),
                vec![Some(3), Some(3)],
            ),
            (
                format!(
                    "for (let i = 0; i < names.length; i++) {{ const n = names[i]; {} }}",
                    function("mapped[i]")
                ),
                vec![Some(3), Some(3)],
            ),
            // A key the record does not write out.
            (
                format!("for (const n of [\"a\", \"c\"]) {{ {by_name} }}"),
                vec![Some(0), None],
            ),
            // An array of another length, an index the body changes.
            (
                format!("[\"x\"].forEach((n, i) => {{ {} }});", function("mapped[i]")),
                vec![],
            ),
            (
                format!(
                    "for (let i = 0; i < names.length; i++) {{ const n = names[i++]; {} }}",
                    function("mapped[i]")
                ),
                vec![],
            ),
        ];
        for (code, expected) in cases {
            let index = format!("import * as aws from \"@pulumi/aws\";\n{queues}{code}\n");
            with_program(&[("index.ts", &index)], |program| {
                let function = program
                    .resources()
                    .iter()
                    .find(|resource| resource.is_lambda_function())
                    .expect("a function");
                let target = program.dead_letter_target(function).expect("a target");
                let picked: Vec<Option<usize>> = program
                    .denoted_per_instance(target)
                    .into_iter()
                    .map(|reference| reference.map(|reference| reference.resource))
                    .collect();
                assert_eq!(picked, expected, "{code}");
            });
        }
    }

    #[test]
    fn an_array_filled_by_push_before_it_is_read_holds_what_was_pushed() {
        let pushed_one_by_one = "const services: { runtime: string }[] = [];\nservices.push({ runtime: \"go1.x\" });\n// two more\nservices.push({ runtime: \"nodejs16.x\" }, { runtime: \"python3.8\" });\n";
        let loops = [
            "for (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "services.forEach(({ runtime }) => new aws.lambda.Function(\"f\", { runtime }));",
        ];
        assert_each_loop_reads(pushed_one_by_one, &loops, &["go1.x", "nodejs16.x", "python3.8"]);
        // Once per iteration of the loop around the push, in a factory called twice.
        let factory = "function make() {\n    const services = [];\n    for (const name of [\"a\", \"b\", \"c\"]) {\n        services.push({ name, runtime: \"go1.x\" });\n    }\n    services.map((s) => new aws.lambda.Function(s.name, { runtime: s.runtime }));\n}\nmake();\nmake();\n";
        let index = format!("import * as aws from \"@pulumi/aws\";\n{factory}");
        with_program(&[("index.ts", &index)], |program| {
            assert_eq!(literal_origins(program), vec!["go1.x"; 3]);
            assert_eq!(program.instances(0), Some(6));
        });
    }

    #[test]
    fn names_a_const_destructures_hold_the_part_they_name() {
        let cases = [
            (
                "const cfg = { runtime: \"go1.x\" };\nconst { runtime } = cfg;",
                vec!["go1.x"],
            ),
            (
                "const cfg = { build: { rt: \"go1.x\" } };\nconst { build: { rt: runtime } } = cfg;",
                vec!["go1.x"],
            ),
            (
                "const all = [\"nodejs16.x\", \"go1.x\"];\nconst [, runtime] = all;",
                vec!["go1.x"],
            ),
            (
                "for (const s of [{ b: { runtime: \"python3.8\" } }]) {\n    const { runtime } = s.b;",
                vec!["python3.8"],
            ),
            // A default may be what the name holds.
            (
                "const cfg = { runtime: \"go1.x\" };\nconst { runtime = \"python3.12\" } = cfg;",
                vec![],
            ),
        ];
        for (declarations, runtimes) in cases {
            let close = if declarations.starts_with("for") { "}" } else { "" };
            let index = format!("import * as aws from \"@pulumi/aws\";\n{declarations}\nnew aws.lambda.Function(\"f\", {{ runtime }});\n{close}");
            with_program(&[("index.ts", &index)], |program| {
                assert_eq!(literal_origins(program), runtimes, "{declarations}")
            });
        }
    }

    /// The texts of the values `array_values` gives the `dependsOn` of the first resource.
    fn depends_on_values(source: &str) -> Option<Vec<String>> {
        let index = format!("import * as aws from \"@pulumi/aws\";\n{source}");
        let mut texts = None;
        with_program(&[("index.ts", &index)], |program| {
            let function = program
                .resources()
                .iter()
                .find(|resource| resource.is_aws(&["lambda", "Function"]))
                .expect("a function");
            let depends_on = program.property(function.options().expect("options"), "dependsOn");
            texts = program
                .array_values(depends_on.expect("dependsOn").value)
                .map(|values| values.iter().map(|value| program.text(*value).to_owned()).collect());
        });
        texts
    }

    #[test]
    fn array_values_expand_spreads_map_results_and_pushes() {
        let a = "const a = new aws.sqs.Queue(\"a\");\nconst b = new aws.sqs.Queue(\"b\");\n";
        let mapped = format!("{a}const made = [1, 2].map((i) => new aws.sqs.Queue(`q${{i}}`));\n");
        let made = "new aws.sqs.Queue(`q${i}`)";
        let cases: [(String, Option<Vec<&str>>); 6] = [
            (format!("{a}new aws.lambda.Function(\"f\", {{}}, {{ dependsOn: [a, /* b */ b] }});"), Some(vec!["a", "b"])),
            (format!("{mapped}new aws.lambda.Function(\"f\", {{}}, {{ dependsOn: [...made, a] }});"), Some(vec![made, made, "a"])),
            (format!("{mapped}const dependsOn = made;\nnew aws.lambda.Function(\"f\", {{}}, {{ dependsOn }});"), Some(vec![made, made])),
            (format!("{a}const deps = [];\nfor (const q of [a, b]) {{ deps.push(q); }}\nnew aws.lambda.Function(\"f\", {{}}, {{ dependsOn: deps }});"), Some(vec!["q", "q"])),
            // Changed in place, or pushed onto after the read: what it holds is not written out.
            (format!("{a}const deps = [a];\ndeps.push(b);\nnew aws.lambda.Function(\"f\", {{}}, {{ dependsOn: [...deps] }});"), None),
            (format!("{a}const deps = [];\nnew aws.lambda.Function(\"f\", {{}}, {{ dependsOn: deps }});\ndeps.push(a);"), None),
        ];
        for (source, expected) in cases {
            let expected = expected.map(|texts| texts.into_iter().map(str::to_owned).collect::<Vec<_>>());
            assert_eq!(depends_on_values(&source), expected, "{source}");
        }
    }

    #[test]
    fn unknown_collections_are_not_followed() {
        for source in [
            // A parameter: its elements depend on the caller.
            "function make(services: { runtime: string }[]) { for (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); } }",
            // Changed in place: the literal does not show every element.
            "const services = [{ runtime: \"go1.x\" }];\nservices.push({ runtime: \"python3.12\" });\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [{ runtime: \"go1.x\" }];\nservices[0].runtime = \"python3.12\";\nservices.map((s) => new aws.lambda.Function(\"f\", { runtime: s.runtime }));",
            // Filled by push, but not only before the read, or not only by push.
            "const services = [];\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }\nservices.push({ runtime: \"go1.x\" });",
            "const services = [];\nfunction add(s) { services.push(s); }\nadd({ runtime: \"go1.x\" });\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [];\nif (config) { services.push({ runtime: \"go1.x\" }); }\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [];\nservices.push({ runtime: \"go1.x\" });\nregister(services);\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "export const services = [];\nservices.push({ runtime: \"go1.x\" });\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [];\nservices.push(...[{ runtime: \"go1.x\" }]);\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [];\nservices.push({ runtime: \"go1.x\" });\nservices.pop();\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            // Handed on in an object, skipped by `continue` or `break`, pushed after an `await`, or
            // above a `return` of the code that reads it.
            "const services = [];\nservices.push({ runtime: \"go1.x\" });\nregister2({ services });\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [];\nfor (const r of [\"go1.x\", \"java8\"]) { if (r === \"java8\") continue; services.push({ runtime: \"go1.x\" }); }\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [];\nfor (const r of [\"go1.x\", \"java8\"]) { services.push({ runtime: \"go1.x\" }); break; }\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const services = [];\n[\"a\"].forEach(async (name) => { await config; services.push({ runtime: \"go1.x\" }); });\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "function make(early: boolean) {\n  const services = [];\n  services.push({ runtime: \"go1.x\" });\n  if (early) { return; }\n  for (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }\n}\nmake(true);",
            // Configuration, a computed key, a `let` loop variable, the index parameter.
            "const services = config.requireObject<{ runtime: string }[]>(\"services\");\nfor (const s of services) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "const k = \"x\";\nconst tenants = { [k]: { runtime: \"go1.x\" } };\nfor (const t of Object.values(tenants)) { new aws.lambda.Function(\"f\", { runtime: t.runtime }); }",
            "for (let s of [{ runtime: \"go1.x\" }]) { new aws.lambda.Function(\"f\", { runtime: s.runtime }); }",
            "[\"go1.x\"].map((name, runtime) => new aws.lambda.Function(name, { runtime }));",
        ] {
            let index = format!("import * as aws from \"@pulumi/aws\";\nconst config = {{ requireObject<T>(key: string): T {{ throw key; }} }};\nfunction register(items: unknown[]) {{ items.push({{ runtime: \"python3.12\" }}); }}\nfunction register2(held: {{ services: unknown[] }}) {{ register(held.services); }}\n{source}\n");
            with_program(&[("index.ts", &index)], |program| {
                assert_eq!(runtime_sources(program), None, "{source}");
                assert!(literal_origins(program).is_empty(), "{source}");
            });
        }
    }

    #[test]
    fn elements_that_are_other_loops_elements_are_not_followed() {
        // Followed, each level would multiply the work by ten: 10^7 paths for this file.
        let mut text = "import * as aws from \"@pulumi/aws\";\nconst x0 = \"go1.x\";\n".to_owned();
        for level in 1..=7 {
            let items = vec![format!("x{}", level - 1); 10].join(", ");
            text.push_str(&format!("for (const x{level} of [{items}])\n"));
        }
        text.push_str("new aws.lambda.Function(\"f\", { runtime: x7 });\n");
        with_program(&[("index.ts", &text)], |program| {
            assert!(literal_origins(program).is_empty());
            assert_eq!(program.instances(0), Some(10_000_000));
        });
    }

    #[test]
    fn an_element_property_denotes_a_resource_when_every_element_agrees() {
        let text = "import * as aws from \"@pulumi/aws\";\nconst fnA = new aws.lambda.Function(\"a\", {});\nconst fnB = new aws.lambda.Function(\"b\", {});\nconst same = [{ path: \"/a\", handler: fnA }, { path: \"/b\", handler: fnA }];\nconst mixed = [{ path: \"/a\", handler: fnA }, { path: \"/b\", handler: fnB }];\nfor (const route of same) { new aws.apigateway.Integration(route.path, { uri: route.handler.arn }); }\nfor (const route of mixed) { new aws.apigateway.Integration(route.path, { uri: route.handler.arn }); }\n";
        with_program(&[("index.ts", text)], |program| {
            let uri = |resource: usize| {
                let args = program.resources()[resource].args().expect("args");
                program.property(args, "uri").expect("uri").value
            };
            let agreed = program.denoted_resource(uri(2)).expect("every route names fnA");
            assert_eq!((agreed.resource, agreed.attribute.as_deref()), (0, Some("arn")));
            assert_eq!(program.denoted_resource(uri(3)), None);
            let handlers: Vec<&str> = program
                .element_sources(Located {
                    file: 0,
                    node: uri(3).node.child_by_field_name("object").expect("route.handler"),
                })
                .expect("each route's handler")
                .into_iter()
                .map(|source| program.text(source))
                .collect();
            assert_eq!(handlers, vec!["fnA", "fnB"]);
        });
    }
}
