//! Whether the type tsc gives an expression has a given member, read from the program's own
//! annotations. An edit that reads a new property (`route.handler.arn` becoming
//! `route.handler.invokeArn`) type-checks only when the value's declared type has it: a
//! resource's inferred type does, an interface of the program listing only `arn` does not.
//!
//! The reading follows the value the way tsc types it: a variable's annotation when it has one,
//! else its initializer; a loop variable or element callback parameter through the collection it
//! walks; a parameter through its annotation; a helper's call through its return type, else what
//! it returns; a class instance's field through the field's declaration. Anything else is
//! `Unsure`, and the edit is not made.

use tree_sitter::Node;

use super::iteration::Step;
use super::scope::Declaration;
use super::{named_children, package_module, Exported, ImportKind, Located, Package, PackageMember, Program};
use crate::syntax::{kind_of, Fields};

/// How many values and types one question may pass through; ends cycles such as
/// `type A = B; type B = A`.
const MAX_HOPS: usize = 24;

/// What a question found about the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberTyping {
    /// The type has it (or is `any`).
    Declared,
    /// The type, written by the program as the text given, lacks it.
    Missing(String),
    /// infrafix cannot tell.
    Unsure,
}

impl MemberTyping {
    /// The answer for a value that is one of several (a union, the elements of an array): every
    /// one must have the member.
    fn all(answers: impl IntoIterator<Item = MemberTyping>) -> MemberTyping {
        let mut combined = MemberTyping::Declared;
        for answer in answers {
            match answer {
                MemberTyping::Missing(_) => return answer,
                MemberTyping::Unsure => combined = MemberTyping::Unsure,
                MemberTyping::Declared => {}
            }
        }
        combined
    }

    /// The answer for a value of several types at once (an intersection, the declarations of an
    /// interface that merge): one that has the member is enough.
    fn any(answers: impl IntoIterator<Item = MemberTyping>) -> MemberTyping {
        let mut combined: Option<MemberTyping> = None;
        for answer in answers {
            combined = Some(match (combined, answer) {
                (_, MemberTyping::Declared) | (Some(MemberTyping::Declared), _) => MemberTyping::Declared,
                (Some(MemberTyping::Unsure), _) | (_, MemberTyping::Unsure) => MemberTyping::Unsure,
                (Some(missing), _) => missing,
                (None, missing) => missing,
            });
        }
        combined.unwrap_or(MemberTyping::Unsure)
    }
}

/// What a type name refers to.
enum TypeBinding<'tree> {
    /// A class of a package.
    Package(PackageMember),
    /// The program's declarations of it (several for an interface declared more than once).
    Declared(Vec<Located<'tree>>),
    /// A type parameter, or a name infrafix cannot place.
    Unknown,
}

/// One read from a value towards the object whose type is asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Read {
    Property(String),
    Position(usize),
    /// Any element of an array, or any value of a record.
    Element,
}

impl From<Step> for Read {
    fn from(step: Step) -> Read {
        match step {
            Step::Property(name) => Read::Property(name),
            Step::Position(position) => Read::Position(position),
        }
    }
}

/// The @pulumi/aws classes whose instances have an invoke ARN and every other output of a Lambda
/// function (`CallbackFunction` extends `Function`).
const FUNCTION_CLASSES: [&[&str]; 2] = [&["lambda", "Function"], &["lambda", "CallbackFunction"]];
const ALIAS_CLASS: [&str; 2] = ["lambda", "Alias"];

impl<'tree> Program<'tree> {
    /// Whether tsc lets code read `member` from `object`, going by the types the program writes.
    pub(super) fn member_typing(&self, object: Located<'tree>, member: &str) -> MemberTyping {
        self.value_typing(object, Vec::new(), member, 0)
    }

    /// The answer for the value reached from `at` by `reads`.
    fn value_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        if hops > MAX_HOPS {
            return MemberTyping::Unsure;
        }
        let hops = hops + 1;
        let node = at.node;
        match kind_of(node) {
            "parenthesized_expression" | "non_null_expression" | "satisfies_expression" => match node.named_child(0) {
                Some(inner) => self.value_typing(at.with(inner), reads, member, hops),
                None => MemberTyping::Unsure,
            },
            // `x as T` has the type T; `x as const` the type of x.
            "as_expression" => match (node.named_child(0), node.named_child(1)) {
                (Some(_), Some(written)) if self.text(at.with(written)) != "const" => {
                    self.type_typing(at.with(written), reads, member, hops)
                }
                (Some(inner), _) => self.value_typing(at.with(inner), reads, member, hops),
                _ => MemberTyping::Unsure,
            },
            "identifier" | "shorthand_property_identifier" => self.identifier_typing(at, reads, member, hops),
            "member_expression" => {
                let (Some(object), Some(property)) = (node.field("object"), node.field("property")) else {
                    return MemberTyping::Unsure;
                };
                let name = self.text(at.with(property)).to_owned();
                if let Some(module) = self.namespace_module(at.with(object)) {
                    return match self.exported(module, &name) {
                        Some(Exported::Variable { file, declarator, .. }) => {
                            self.declarator_typing(Located { file, node: declarator }, reads, member, hops)
                        }
                        _ => MemberTyping::Unsure,
                    };
                }
                self.value_typing(at.with(object), prepended(Read::Property(name), reads), member, hops)
            }
            "subscript_expression" => {
                let (Some(object), Some(index)) = (node.field("object"), node.field("index")) else {
                    return MemberTyping::Unsure;
                };
                let read = match kind_of(index) {
                    "number" => self.text(at.with(index)).parse().map_or(Read::Element, Read::Position),
                    _ => self.string_value(at.with(index)).map_or(Read::Element, Read::Property),
                };
                self.value_typing(at.with(object), prepended(read, reads), member, hops)
            }
            "this" => match self.enclosing_class(at) {
                Some(class) => self.class_typing(class, reads, member, hops),
                None => MemberTyping::Unsure,
            },
            "object" => self.object_literal_typing(at, reads, member, hops),
            "array" => self.array_literal_typing(at, reads, member, hops),
            "ternary_expression" => {
                MemberTyping::all(["consequence", "alternative"].map(|branch| match node.field(branch) {
                    Some(value) => self.value_typing(at.with(value), reads.clone(), member, hops),
                    None => MemberTyping::Unsure,
                }))
            }
            "new_expression" => self.instance_typing(at, reads, member, hops),
            "call_expression" => self.call_typing(at, reads, member, hops),
            _ => MemberTyping::Unsure,
        }
    }

    fn identifier_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        match self.declaration_of(at) {
            Declaration::LoopVariable => self.loop_variable_typing(at, reads, member, hops),
            Declaration::Parameter => self.parameter_typing(at, reads, member, hops),
            Declaration::Variable { .. } | Declaration::NotInFile => match self.declared_variable(at) {
                Some((declarator, _)) => self.declarator_typing(declarator, reads, member, hops),
                None => MemberTyping::Unsure,
            },
            Declaration::Destructured { .. } => MemberTyping::Unsure,
        }
    }

    /// A variable: its annotation when it has one, else its initializer's type.
    fn declarator_typing(
        &self,
        declarator: Located<'tree>,
        reads: Vec<Read>,
        member: &str,
        hops: usize,
    ) -> MemberTyping {
        if let Some(annotation) = declarator.node.field("type") {
            return self.type_typing(declarator.with(annotation), reads, member, hops);
        }
        match declarator.node.field("value") {
            Some(value) => self.value_typing(declarator.with(value), reads, member, hops),
            None => MemberTyping::Unsure,
        }
    }

    /// `route` in `for (const route of routes)`: an element of the collection.
    fn loop_variable_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let Some(statement) = self.loop_declaring_variable(at) else {
            return MemberTyping::Unsure;
        };
        let statement = at.with(statement);
        let (Some(iterated), Some(pattern)) = (self.loop_collection(statement), statement.node.field("left")) else {
            return MemberTyping::Unsure;
        };
        match self.path_to(statement.with(pattern), self.text(at)) {
            Some(path) if !iterated.keys_only => self.element_typing(iterated.collection, path, reads, member, hops),
            _ => MemberTyping::Unsure,
        }
    }

    /// A parameter: its annotation; else, for an element callback's, an element of the
    /// collection; else, for a `pulumi.all` callback's, the value handed to it. An unannotated
    /// parameter of a function the program declares is `any`.
    fn parameter_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let Some(function) = self.function_declaring_parameter(at) else {
            return MemberTyping::Unsure;
        };
        let name = self.text(at);
        let single = |pattern: Node<'tree>| Some((self.path_to(at.with(pattern), name)?, None));
        let declared = function.field("parameter").and_then(single).or_else(|| {
            named_children(function.field("parameters")?).find_map(|parameter| {
                let path = self.path_to(at.with(parameter.field("pattern")?), name)?;
                Some((path, parameter.field("type")))
            })
        });
        let Some((path, annotation)) = declared else {
            return MemberTyping::Unsure;
        };
        let reads = path.into_iter().map(Read::from).chain(reads).collect();
        if let Some(annotation) = annotation {
            return self.type_typing(at.with(annotation), reads, member, hops);
        }
        if let Some(iterated) = self.callback_collection(at.with(function)) {
            return self.element_typing(iterated.collection, Vec::new(), reads, member, hops);
        }
        if let Some(source) = self.callback_parameter_source(at) {
            return self.value_typing(source, Vec::new(), member, hops);
        }
        let declared_by_the_program = kind_of(function) == "function_declaration"
            || function
                .parent()
                .is_some_and(|parent| kind_of(parent) == "variable_declarator" && parent.field("type").is_none());
        if declared_by_the_program {
            MemberTyping::Declared
        } else {
            MemberTyping::Unsure
        }
    }

    /// An element of `collection`, read by the loop's destructuring `path` and then `reads`.
    /// `Object.entries(r)` gives `[key, value]` pairs and `Object.values(r)` the values of `r`.
    fn element_typing(
        &self,
        collection: Located<'tree>,
        path: Vec<Step>,
        reads: Vec<Read>,
        member: &str,
        hops: usize,
    ) -> MemberTyping {
        let mut path: Vec<Read> = path.into_iter().map(Read::from).collect();
        // Not unwrapped: `fns as Handler[]` gives the elements the asserted type.
        let object_method = self.object_method_call(collection);
        let target = match object_method {
            Some(("values", record)) => record,
            Some(("entries", record)) => {
                if path.first() != Some(&Read::Position(1)) {
                    return MemberTyping::Unsure;
                }
                path.remove(0);
                record
            }
            Some(_) => return MemberTyping::Unsure,
            None => collection,
        };
        let reads = std::iter::once(Read::Element).chain(path).chain(reads).collect();
        self.value_typing(target, reads, member, hops)
    }

    fn object_literal_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let mut reads = reads.into_iter();
        match reads.next() {
            Some(Read::Property(name)) => match self.property(at, &name) {
                Some(found) => self.value_typing(found.value, reads.collect(), member, hops),
                None => MemberTyping::Unsure,
            },
            // A value of a record (`Object.values(r)`, `Object.entries(r)`): every one.
            Some(Read::Element) => {
                let rest: Vec<Read> = reads.collect();
                MemberTyping::all(
                    named_children(at.node)
                        .filter(|entry| kind_of(entry) != "comment")
                        .map(|entry| match kind_of(entry) {
                            "pair" => match entry.field("value") {
                                Some(value) => self.value_typing(at.with(value), rest.clone(), member, hops),
                                None => MemberTyping::Unsure,
                            },
                            "shorthand_property_identifier" => {
                                self.value_typing(at.with(entry), rest.clone(), member, hops)
                            }
                            _ => MemberTyping::Unsure,
                        }),
                )
            }
            Some(Read::Position(_)) | None => MemberTyping::Unsure,
        }
    }

    fn array_literal_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let items: Vec<Node> = named_children(at.node)
            .filter(|item| kind_of(item) != "comment")
            .collect();
        if items.iter().any(|item| kind_of(item) == "spread_element") {
            return MemberTyping::Unsure;
        }
        let (first, rest) = match reads.split_first() {
            Some((first, rest)) => (first, rest.to_vec()),
            None => return MemberTyping::Unsure,
        };
        match first {
            // tsc types an array literal's element as the union of its items' types.
            Read::Element => MemberTyping::all(
                items
                    .iter()
                    .map(|item| self.value_typing(at.with(*item), rest.clone(), member, hops)),
            ),
            Read::Position(position) => match items.get(*position) {
                Some(item) => self.value_typing(at.with(*item), rest, member, hops),
                None => MemberTyping::Unsure,
            },
            Read::Property(_) => MemberTyping::Unsure,
        }
    }

    /// `new aws.lambda.Function(…)` has every function output, `new aws.lambda.Alias(…)` an
    /// alias's; an instance of a class of the program has the fields it declares.
    fn instance_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        if reads.is_empty() {
            let has_member = self.resource_at(at).is_some_and(|resource| {
                let declared = &self.resources()[resource];
                (declared.is_lambda_function() && function_has(member))
                    || (declared.class.is(Package::Aws, &ALIAS_CLASS) && alias_has(member))
            });
            return if has_member {
                MemberTyping::Declared
            } else {
                MemberTyping::Unsure
            };
        }
        let class = at
            .node
            .field("constructor")
            .filter(|constructor| kind_of(constructor) == "identifier")
            .and_then(|constructor| self.class_named(at.with(constructor)));
        match class {
            Some(class) => self.class_typing(class, reads, member, hops),
            None => MemberTyping::Unsure,
        }
    }

    /// A call of a helper of the program: its return type when written, else what it returns.
    fn call_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let Some(helper) = at
            .node
            .field("function")
            .and_then(|callee| self.function_named(at.with(callee)))
        else {
            return MemberTyping::Unsure;
        };
        if let Some(written) = helper.node.field("return_type") {
            return self.type_typing(helper.with(written), reads, member, hops);
        }
        match self.returned_value(helper) {
            Some(returned) => self.value_typing(returned, reads, member, hops),
            None => MemberTyping::Unsure,
        }
    }

    /// A field of a class of the program: its annotation, its initializer, or what the
    /// constructor assigns to it.
    fn class_typing(&self, class: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let mut reads = reads.into_iter();
        let Some(Read::Property(name)) = reads.next() else {
            return MemberTyping::Unsure;
        };
        let reads: Vec<Read> = reads.collect();
        let declared = class.node.field("body").and_then(|body| {
            named_children(body).find(|field| {
                kind_of(field) == "public_field_definition"
                    && field.field("name").is_some_and(|n| self.text(class.with(n)) == name)
            })
        });
        if let Some(field) = declared {
            if let Some(annotation) = field.field("type") {
                return self.type_typing(class.with(annotation), reads, member, hops);
            }
            if let Some(value) = field.field("value") {
                return self.value_typing(class.with(value), reads, member, hops);
            }
        }
        match self.assigned_field(class, &name) {
            Some(value) => self.value_typing(value, reads, member, hops),
            None => MemberTyping::Unsure,
        }
    }

    fn enclosing_class(&self, at: Located<'tree>) -> Option<Located<'tree>> {
        self.ancestors(at)
            .into_iter()
            .find(|node| matches!(kind_of(node), "class_declaration" | "class"))
            .map(|class| at.with(class))
    }

    /// The answer for a type the program writes, after `reads`.
    fn type_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        if hops > MAX_HOPS {
            return MemberTyping::Unsure;
        }
        let hops = hops + 1;
        let node = at.node;
        let inner = |index: usize| named_children(node).nth(index).map(|child| at.with(child));
        match kind_of(node) {
            "type_annotation" | "parenthesized_type" | "readonly_type" => match inner(0) {
                Some(inner) => self.type_typing(inner, reads, member, hops),
                None => MemberTyping::Unsure,
            },
            // A value that may be absent is read with `?.` or after a check: the member
            // question is the other members'.
            "union_type" => MemberTyping::all(
                named_children(node)
                    .filter(|alternative| !matches!(self.text(at.with(*alternative)), "undefined" | "null"))
                    .map(|alternative| self.type_typing(at.with(alternative), reads.clone(), member, hops)),
            ),
            "predefined_type" => match self.text(at) {
                "any" => MemberTyping::Declared,
                written => MemberTyping::Missing(written.to_owned()),
            },
            "nested_type_identifier" => match self.package_type(at) {
                Some(class) => self.package_class_typing(&class, &reads, member),
                None => MemberTyping::Unsure,
            },
            "intersection_type" => MemberTyping::any(
                named_children(node).map(|part| self.type_typing(at.with(part), reads.clone(), member, hops)),
            ),
            // `typeof ordersFn`: the value's own type.
            "type_query" => match inner(0) {
                Some(value) => self.value_typing(value, reads, member, hops),
                None => MemberTyping::Unsure,
            },
            "array_type" => match reads.split_first() {
                Some((Read::Element | Read::Position(_), rest)) => match inner(0) {
                    Some(element) => self.type_typing(element, rest.to_vec(), member, hops),
                    None => MemberTyping::Unsure,
                },
                _ => MemberTyping::Unsure,
            },
            "tuple_type" => match reads.split_first() {
                Some((Read::Position(position), rest)) => match inner(*position) {
                    Some(element) => self.type_typing(element, rest.to_vec(), member, hops),
                    None => MemberTyping::Unsure,
                },
                _ => MemberTyping::Unsure,
            },
            "generic_type" => self.generic_typing(at, reads, member, hops),
            "object_type" | "interface_body" => self.members_typing(at, reads, member, hops),
            "type_identifier" => self.named_type_typing(at, reads, member, hops),
            _ => MemberTyping::Unsure,
        }
    }

    /// `Array<T>`, `ReadonlyArray<T>` and `Record<K, T>`, read by element.
    fn generic_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let name = at.node.field("name").map(|name| self.text(at.with(name)));
        let arguments: Vec<Node> = at
            .node
            .field("type_arguments")
            .map(|arguments| named_children(arguments).collect())
            .unwrap_or_default();
        let element = match (name, arguments.as_slice()) {
            (Some("Array" | "ReadonlyArray"), [element]) => *element,
            (Some("Record"), [_, value]) => *value,
            // They change whether members are optional or writable, not their types.
            (Some("Readonly" | "Required"), [inner]) => {
                return self.type_typing(at.with(*inner), reads, member, hops);
            }
            // `aws.lambda.CallbackFunction<E, R>`.
            _ => {
                return match at.node.field("name").and_then(|name| self.package_type(at.with(name))) {
                    Some(class) => self.package_class_typing(&class, &reads, member),
                    None => MemberTyping::Unsure,
                };
            }
        };
        match reads.split_first() {
            Some((Read::Element | Read::Position(_), rest)) => {
                self.type_typing(at.with(element), rest.to_vec(), member, hops)
            }
            Some((Read::Property(_), rest)) if name == Some("Record") => {
                self.type_typing(at.with(element), rest.to_vec(), member, hops)
            }
            _ => MemberTyping::Unsure,
        }
    }

    /// An object type or an interface's body: the member itself at the end of the reads, else
    /// the property read.
    fn members_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        let signature_named = |name: &str| {
            named_children(at.node).find(|signature| {
                matches!(kind_of(signature), "property_signature" | "method_signature")
                    && signature.field("name").is_some_and(|n| self.text(at.with(n)) == name)
            })
        };
        let indexed = named_children(at.node).find(|signature| kind_of(signature) == "index_signature");
        let mut reads = reads.into_iter();
        match reads.next() {
            // An optional member, or one of another type than the function's, may not take its
            // place where the value is used.
            None => match signature_named(member) {
                Some(signature) if self.required_output(at.with(signature)) => MemberTyping::Declared,
                Some(_) => MemberTyping::Unsure,
                None if indexed.is_some() => MemberTyping::Unsure,
                None => MemberTyping::Missing(self.type_name(at)),
            },
            Some(Read::Property(name)) => {
                let declared = signature_named(&name)
                    .or(indexed)
                    .and_then(|signature| signature.field("type"));
                match declared {
                    Some(annotation) => self.type_typing(at.with(annotation), reads.collect(), member, hops),
                    None => MemberTyping::Unsure,
                }
            }
            Some(_) => match indexed.and_then(|signature| signature.field("type")) {
                Some(annotation) => self.type_typing(at.with(annotation), reads.collect(), member, hops),
                None => MemberTyping::Unsure,
            },
        }
    }

    /// A type the program names: a class of @pulumi/aws, a type parameter (unsure), or interfaces,
    /// type aliases and classes of the program. Interfaces of one name in one scope merge: the
    /// member may be declared in any of them.
    fn named_type_typing(&self, at: Located<'tree>, reads: Vec<Read>, member: &str, hops: usize) -> MemberTyping {
        match self.type_binding(at) {
            TypeBinding::Package(class) => self.package_class_typing(&class, &reads, member),
            TypeBinding::Declared(declarations) => {
                let answers: Vec<MemberTyping> = declarations
                    .into_iter()
                    .map(|declaration| self.declaration_typing(declaration, reads.clone(), member, hops))
                    .collect();
                MemberTyping::any(answers)
            }
            TypeBinding::Unknown => MemberTyping::Unsure,
        }
    }

    /// One declaration of a named type.
    fn declaration_typing(
        &self,
        declaration: Located<'tree>,
        reads: Vec<Read>,
        member: &str,
        hops: usize,
    ) -> MemberTyping {
        match kind_of(declaration.node) {
            "type_alias_declaration" => match declaration.node.field("value") {
                Some(value) => self.type_typing(declaration.with(value), reads, member, hops),
                None => MemberTyping::Unsure,
            },
            "class_declaration" if !reads.is_empty() => self.class_typing(declaration, reads, member, hops),
            "interface_declaration" => {
                let Some(body) = declaration.node.field("body") else {
                    return MemberTyping::Unsure;
                };
                let own = self.type_typing(declaration.with(body), reads.clone(), member, hops);
                let extended: Vec<Node> = named_children(declaration.node)
                    .filter(|child| kind_of(child) == "extends_type_clause")
                    .flat_map(named_children)
                    .collect();
                if !matches!(own, MemberTyping::Missing(_)) || extended.is_empty() {
                    return own;
                }
                // Not in the body: an extended type may declare it.
                let inherited: Vec<MemberTyping> = extended
                    .iter()
                    .map(|parent| self.type_typing(declaration.with(*parent), reads.clone(), member, hops))
                    .collect();
                match MemberTyping::any(inherited) {
                    MemberTyping::Missing(_) => own,
                    answer => answer,
                }
            }
            _ => MemberTyping::Unsure,
        }
    }

    /// A class of a package, `aws.lambda.Function` however it is imported: it has the function's
    /// outputs; nothing else is read.
    fn package_class_typing(&self, class: &PackageMember, reads: &[Read], member: &str) -> MemberTyping {
        let a_function = FUNCTION_CLASSES.iter().any(|path| class.is(Package::Aws, path));
        let an_alias = class.is(Package::Aws, &ALIAS_CLASS);
        if reads.is_empty() && ((a_function && function_has(member)) || (an_alias && alias_has(member))) {
            MemberTyping::Declared
        } else {
            MemberTyping::Unsure
        }
    }

    /// What a type name refers to where it is written, as tsc looks it up: a type parameter of
    /// an enclosing function, class or type; the interfaces, type aliases and classes of the
    /// nearest enclosing block that declares the name; else an import (of a package, or of a
    /// project module, through its re-exports).
    fn type_binding(&self, name: Located<'tree>) -> TypeBinding<'tree> {
        let wanted = self.text(name);
        for scope in self.ancestors(name) {
            let is_parameter = scope.field("type_parameters").is_some_and(|parameters| {
                named_children(parameters)
                    .filter_map(|parameter| parameter.field("name"))
                    .any(|parameter| self.text(name.with(parameter)) == wanted)
            });
            if is_parameter {
                return TypeBinding::Unknown;
            }
            if matches!(kind_of(scope), "program" | "statement_block") {
                let declared = self.types_declared_in(name.with(scope), wanted);
                if !declared.is_empty() {
                    return TypeBinding::Declared(declared);
                }
            }
        }
        if let Some(class) = self.package_type(name) {
            return TypeBinding::Package(class);
        }
        let file = self.file(name.file);
        let imported = file
            .imports
            .iter()
            .find(|binding| binding.local == wanted)
            .and_then(|binding| {
                let ImportKind::Named { imported } = &binding.kind else {
                    return None;
                };
                let exporter = self.imported_file(name.file, &binding.module)?;
                let declares = |module: usize, name: &str| {
                    let root = self.file(module).tree.root_node();
                    !self
                        .types_declared_in(
                            Located {
                                file: module,
                                node: root,
                            },
                            name,
                        )
                        .is_empty()
                };
                let (module, local) = self.declaring_module(exporter, imported, &declares)?;
                let root = self.file(module).tree.root_node();
                Some(self.types_declared_in(
                    Located {
                        file: module,
                        node: root,
                    },
                    &local,
                ))
            });
        match imported {
            Some(declared) if !declared.is_empty() => TypeBinding::Declared(declared),
            _ => TypeBinding::Unknown,
        }
    }

    /// The interfaces, type aliases and classes named `name` that a block's own statements declare.
    fn types_declared_in(&self, block: Located<'tree>, name: &str) -> Vec<Located<'tree>> {
        named_children(block.node)
            .map(|statement| match kind_of(statement) {
                "export_statement" => statement.field("declaration").unwrap_or(statement),
                _ => statement,
            })
            .filter(|statement| {
                matches!(
                    kind_of(statement),
                    "interface_declaration" | "type_alias_declaration" | "class_declaration"
                ) && statement
                    .field("name")
                    .is_some_and(|declared| self.text(block.with(declared)) == name)
            })
            .map(|statement| block.with(statement))
            .collect()
    }

    /// The package member a type written `aws.lambda.Function`, `lambda.Function` or
    /// `LambdaFunction` names, by the import of its first name.
    fn package_type(&self, at: Located<'tree>) -> Option<PackageMember> {
        let written: String = self.text(at).chars().filter(|c| !c.is_whitespace()).collect();
        let mut names = written.split('.');
        let first = names.next()?;
        let mut root = at.node;
        while let Some(leftmost) = root.named_child(0) {
            root = leftmost;
        }
        if self.text(at.with(root)) != first {
            return None;
        }
        let binding = self.import_of(at.with(root))?;
        let (package, mut path) = package_module(&binding.module)?;
        if let ImportKind::Named { imported } = &binding.kind {
            path.push(imported.clone());
        }
        path.extend(names.map(str::to_owned));
        Some(PackageMember { package, path })
    }

    /// Whether a property signature declares a required `pulumi.Output<string>`, as a function's
    /// outputs are.
    fn required_output(&self, signature: Located<'tree>) -> bool {
        let optional = (0..signature.node.child_count())
            .filter_map(|index| signature.node.child(index))
            .any(|child| kind_of(child) == "?");
        let written: String = signature
            .node
            .field("type")
            .map(|annotation| self.text(signature.with(annotation)))
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        !optional
            && kind_of(signature.node) == "property_signature"
            && written.ends_with("Output<string>")
            && !written.contains('|')
    }

    /// How a type is named in a message: its name, or its text when written in place.
    fn type_name(&self, at: Located<'tree>) -> String {
        let declared = at
            .node
            .parent()
            .filter(|parent| matches!(kind_of(parent), "interface_declaration" | "type_alias_declaration"))
            .and_then(|declaration| declaration.field("name"));
        match declared {
            Some(name) => self.text(at.with(name)).to_owned(),
            None => self.text(at).to_owned(),
        }
    }
}

/// Whether an `aws.lambda.Function` has the output `member` (of those fixes read).
fn function_has(member: &str) -> bool {
    matches!(
        member,
        "arn" | "invokeArn" | "name" | "qualifiedArn" | "qualifiedInvokeArn"
    )
}

/// Whether an `aws.lambda.Alias` has the output `member` (of those fixes read).
fn alias_has(member: &str) -> bool {
    matches!(member, "arn" | "invokeArn" | "name")
}

/// `reads` with `read` first.
fn prepended(read: Read, reads: Vec<Read>) -> Vec<Read> {
    std::iter::once(read).chain(reads).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::typescript::test_support::with_program;

    const FUNCTIONS: &str = "import * as aws from \"@pulumi/aws\";\n\
        import * as pulumi from \"@pulumi/pulumi\";\n\
        const fnA = new aws.lambda.Function(\"a\", {});\n\
        const fnB = new aws.lambda.Function(\"b\", {});\n\
        interface Handler { arn: pulumi.Output<string>; name: pulumi.Output<string> }\n";

    /// What the program declares for the object of the last `<object>.arn` in the first file.
    fn typing_of(files: &[(&str, &str)], object: &str) -> MemberTyping {
        let mut answer = MemberTyping::Unsure;
        with_program(files, |program| {
            let text = program.file(0).text;
            let start = text
                .rfind(&format!("{object}.arn"))
                .expect("the read is in the program");
            let node = program
                .root(0)
                .descendant_for_byte_range(start, start + object.len())
                .expect("a node");
            answer = program.member_typing(Located { file: 0, node }, "invokeArn");
        });
        answer
    }

    /// Each case is a program (after `FUNCTIONS`), the object read, and the answer expected.
    fn check(cases: &[(&str, &str, MemberTyping)]) {
        for (program, object, expected) in cases {
            let found = typing_of(&[("index.ts", &format!("{FUNCTIONS}{program}"))], object);
            assert_eq!(&found, expected, "{object} in:\n{program}");
        }
    }

    fn missing(name: &str) -> MemberTyping {
        MemberTyping::Missing(name.to_owned())
    }

    #[test]
    fn values_typed_as_functions_or_left_to_inference_have_the_invoke_arn() {
        use MemberTyping::Declared;
        check(&[
            (
                "const routes = [{ handler: fnA }, { handler: fnB }];\nfor (const route of routes) { route.handler.arn; }\n",
                "route.handler",
                Declared,
            ),
            (
                "interface Route { handler: aws.lambda.Function }\nconst routes: Route[] = [{ handler: fnA }];\nroutes.map((route) => route.handler.arn);\n",
                "route.handler",
                Declared,
            ),
            ("function f(h: aws.lambda.Function | undefined) { return h!.arn; }\n", "h!", Declared),
            ("function f(h: any) { return h.arn; }\n", "h", Declared),
            ("function g(h) { return h.arn; }\n", "h", Declared),
            (
                "class Service {\n  public readonly fn: aws.lambda.Function;\n  constructor() {\n    this.fn = fnA;\n    this.fn.arn;\n  }\n}\n",
                "this.fn",
                Declared,
            ),
            ("function make() { return { fn: fnA }; }\nconst made = make();\nmade.fn.arn;\n", "made.fn", Declared),
            (
                "interface Named extends aws.lambda.Function { label: string }\nfunction f(h: Named) { return h.arn; }\n",
                "h",
                Declared,
            ),
            (
                "type Tagged = aws.lambda.Function & { team?: string };\nfunction f(t: Tagged) { return t.arn; }\n",
                "t",
                Declared,
            ),
            (
                "interface Route { handler: aws.lambda.Function }\nfunction f(r: Readonly<Route>) { return r.handler.arn; }\n",
                "r.handler",
                Declared,
            ),
            ("function f(d: aws.lambda.CallbackFunction<any, any>) { return d.arn; }\n", "d", Declared),
            ("function f(e: typeof fnA) { return e.arn; }\n", "e", Declared),
            (
                "interface Merged { arn: pulumi.Output<string> }\ninterface Merged { invokeArn: pulumi.Output<string> }\nfunction f(m: Merged) { return m.arn; }\n",
                "m",
                Declared,
            ),
            (
                "import { Function as LambdaFunction } from \"@pulumi/aws/lambda\";\nfunction f(h: LambdaFunction) { return h.arn; }\n",
                "h",
                Declared,
            ),
        ]);
        let types = "import * as aws from \"@pulumi/aws\";\nexport interface Route { handler: aws.lambda.Function }\n";
        let index = format!(
            "{FUNCTIONS}import {{ Route }} from \"./lib\";\nfunction f(r: Route) {{ return r.handler.arn; }}\n"
        );
        let project = [
            ("index.ts", index.as_str()),
            ("lib/index.ts", "export * from \"./types\";\n"),
            ("lib/types.ts", types),
        ];
        assert_eq!(typing_of(&project, "r.handler"), Declared);
    }

    #[test]
    fn a_type_of_the_program_without_the_member_is_named() {
        check(&[
            ("function f(h: Handler) { return h.arn; }\n", "h", missing("Handler")),
            (
                "const byName: Record<string, Handler> = { a: fnA };\nfor (const [key, h] of Object.entries(byName)) { h.arn; }\n",
                "h",
                missing("Handler"),
            ),
            (
                "interface Made { fn: Handler }\nfunction make(): Made { return { fn: fnA }; }\nmake().fn.arn;\n",
                "make().fn",
                missing("Handler"),
            ),
            (
                "interface Named extends Handler { label: string }\nconst n: Named = { ...fnA, label: \"a\" };\nn.arn;\n",
                "n",
                missing("Named"),
            ),
            (
                "const routes: { handler: { arn: pulumi.Output<string> } }[] = [{ handler: fnA }];\nroutes.forEach((route) => route.handler.arn);\n",
                "route.handler",
                missing("{ arn: pulumi.Output<string> }"),
            ),
            ("type Narrow = { arn: pulumi.Output<string> };\nfunction f(h: Narrow) { return h.arn; }\n", "h", missing("Narrow")),
            ("(fnA as Handler).arn;\n", "(fnA as Handler)", missing("Handler")),
            (
                "const fns: aws.lambda.Function[] = [fnA];\nfor (const h of fns as Handler[]) { h.arn; }\n",
                "h",
                missing("Handler"),
            ),
            (
                "interface Handler2 { arn: pulumi.Output<string>; invokeArn: pulumi.Output<string> }\nfunction stub() {\n  interface Handler2 { arn: pulumi.Output<string> }\n  const h: Handler2 = fnA;\n  return h.arn;\n}\n",
                "h",
                missing("Handler2"),
            ),
        ]);
        let types =
            "import * as pulumi from \"@pulumi/pulumi\";\nexport interface Narrow { arn: pulumi.Output<string> }\n";
        let index =
            format!("{FUNCTIONS}import {{ Narrow }} from \"./types\";\nfunction f(h: Narrow) {{ return h.arn; }}\n");
        assert_eq!(
            typing_of(&[("index.ts", &index), ("types.ts", types)], "h"),
            missing("Narrow")
        );
    }

    #[test]
    fn types_it_cannot_read_leave_it_unsure() {
        use MemberTyping::Unsure;
        check(&[
            (
                "interface Loose { arn: pulumi.Output<string>; invokeArn?: pulumi.Output<string> }\nfunction f(h: Loose) { return h.arn; }\n",
                "h",
                Unsure,
            ),
            ("function f(h: Pick<aws.lambda.Function, \"arn\">) { return h.arn; }\n", "h", Unsure),
            ("import { Remote } from \"@acme/types\";\nfunction f(h: Remote) { return h.arn; }\n", "h", Unsure),
            ("const handlers: ((h: Handler) => void)[] = [(h) => h.arn];\n", "h", Unsure),
            (
                "type Handler2 = aws.lambda.Function;\nfunction f<Handler2 extends { arn: pulumi.Output<string> }>(h: Handler2) { return h.arn; }\n",
                "h",
                Unsure,
            ),
        ]);
        // A local module's `Function` is not @pulumi/aws's.
        let stubs =
            "import * as pulumi from \"@pulumi/pulumi\";\nexport interface Function { arn: pulumi.Output<string> }\n";
        let index = format!(
            "{FUNCTIONS}import * as lambda from \"./stubs\";\nfunction f(h: lambda.Function) {{ return h.arn; }}\n"
        );
        assert_eq!(typing_of(&[("index.ts", &index), ("stubs.ts", stubs)], "h"), Unsure);
    }
}
