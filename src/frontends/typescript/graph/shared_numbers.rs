//! Whether a reservation's number is read by other settings too: held by a `const` or an entry
//! of a const record (`const CONCURRENCY = 500`, `sizes.ingest`) read by
//! `reservedConcurrentExecutions` and by a queue's `visibilityTimeoutSeconds`, or passed in place
//! to a helper that reads the parameter for both. A fix scaling the reservation where the number
//! is written would change those settings as well. Each read is followed to where it goes.

use super::super::calls::declared_parameters;
use super::super::iteration::Step;
use super::super::scope::Declaration;
use super::super::values::{declared_by_export, is_fallback};
use super::super::{named_children, Exported, ImportKind, Located, Program};
use super::element_reads::binds;
use crate::syntax::{kind_of, named_descendants, Fields};
use tree_sitter::Node;

/// How many helpers a number is followed through (`worker` handing its parameter to `make`).
const MAX_HELPERS_FOLLOWED: usize = 4;

impl<'tree> Program<'tree> {
    /// Whether the number written at `literal` is the value of a `const` (at the top level or in
    /// a function), or an entry of a const record (`const sizes = { ingest: 500 }`), that is read
    /// other than as a reservation: by another setting, in arithmetic, whole (a record handed on
    /// or iterated), or in a way this cannot tell (a namespace import of its module). A number
    /// written in place serves its setting alone, unless it is an argument that a function or
    /// class of the project reads for something else too.
    pub(super) fn number_read_besides_reservations(&self, literal: Located<'tree>) -> bool {
        let mut value = outermost_wrapper(literal.node);
        // The keys leading from the const's value to the number, outermost first.
        let mut entry = Vec::new();
        while let Some(pair) = value
            .parent()
            .filter(|parent| kind_of(*parent) == "pair" && parent.field("value") == Some(value))
        {
            let Some(object) = pair.parent().filter(|object| kind_of(*object) == "object") else {
                break;
            };
            let Some(key) = pair.field("key").and_then(|key| self.property_key(literal.with(key))) else {
                // A computed key (`[name]: 500`) cannot be matched to its reads.
                return true;
            };
            entry.insert(0, key);
            value = outermost_wrapper(object);
        }
        let Some(declarator) = value
            .parent()
            .filter(|parent| kind_of(*parent) == "variable_declarator" && parent.field("value") == Some(value))
        else {
            // Written in place, it serves its setting alone, unless it is an argument a function
            // or class of the project reads for something else too (`make("x", 400)` with the
            // parameter also a queue's timeout).
            let value = literal.with(value);
            let in_arguments = value.node.parent().is_some_and(|parent| kind_of(parent) == "arguments");
            let a_functions_own = entry == ["reservedConcurrentExecutions"] && self.function_taking(value).is_some();
            return in_arguments
                && !a_functions_own
                && !self.collection_element(value)
                && !self.argument_read_as_reservation(value, &entry, 0);
        };
        let Some(name) = declarator.field("name").filter(|name| kind_of(*name) == "identifier") else {
            return true;
        };
        let name = self.text(literal.with(name));
        // `typeof sizes` of a record `as const` is the type of its numbers as written: a value
        // typed by it (`const backup: typeof sizes = { … }`) would no longer compile after a fix.
        let literal_types = kind_of(value) == "as_expression"
            && value
                .child(value.child_count().saturating_sub(1))
                .is_some_and(|last| self.text(literal.with(last)) == "const");
        let readers = Readers {
            entry: &entry,
            literal_types,
        };
        let declared_here = |mention: Located<'tree>| matches!(self.declaration_of(mention), Declaration::Variable { declarator: found, .. } if found == declarator);
        if self.read_other_than_reservations(literal.file, name, &readers, declared_here) {
            return true;
        }
        let home = literal.file;
        let declares = |module: usize, exported: &str| module == home && exported == name;
        let is_this_const = |from: usize, imported: &str| matches!(self.exported(from, imported), Some(Exported::Variable { declarator: found, .. }) if found == declarator);
        // Modules that import it (from its own module or through a barrel, under any name; any
        // module of the project importing its name is taken to) read it under their own names.
        (0..self.files().len()).filter(|&file| file != home).any(|file| {
            self.file(file).imports.iter().any(|binding| {
                let Some(from) = self.imported_file(file, &binding.module) else {
                    return false;
                };
                match &binding.kind {
                    ImportKind::Named { imported } => {
                        (imported == name || is_this_const(from, imported))
                            && self.read_other_than_reservations(file, &binding.local, &readers, |mention| {
                                self.local_binding(mention).is_none()
                            })
                    }
                    ImportKind::Namespace => std::iter::once(name.to_owned())
                        .chain(self.names_exporting(from, &declares))
                        .any(|exported| self.text_mentions_member(file, &binding.local, &exported)),
                }
            })
        })
    }

    /// Whether a file reads the number held by `name` (at `entry` within it, for a record), where
    /// `refers` takes a mention for the binding asked about, anywhere but as a reservation.
    fn read_other_than_reservations(
        &self,
        file: usize,
        name: &str,
        readers: &Readers,
        refers: impl Fn(Located<'tree>) -> bool,
    ) -> bool {
        named_descendants(self.root(file))
            .filter(|node| matches!(kind_of(*node), "identifier" | "shorthand_property_identifier"))
            .map(|node| Located { file, node })
            .filter(|mention| self.text(*mention) == name && refers(*mention))
            .filter(|mention| !self.is_declaration_or_import(*mention))
            .any(|mention| match in_type_query(mention.node) {
                true => readers.literal_types,
                false => !self.reads_only_as_reservations(mention, readers.entry, 0),
            })
    }

    /// Whether a mention of a value holding the number at `entry` within it (the number itself
    /// when `entry` is empty) reads that number only as a reservation, `depth` helpers deep.
    fn reads_only_as_reservations(&self, mention: Located<'tree>, entry: &[String], depth: usize) -> bool {
        // `typeof p` names a type; nothing reads the value there.
        if in_type_query(mention.node) {
            return true;
        }
        match self.entry_read(mention, entry) {
            EntryRead::Number(read) => self.read_as_reservation(read, depth),
            EntryRead::AnotherEntry => true,
            EntryRead::Holding { read, rest } => self.holding_read_only_for_reservations(read, rest, depth),
        }
    }

    /// What a mention of a record reads of the entry at `entry`: the number itself
    /// (`sizes.ingest`, `sizes["ingest"]`), another entry (`sizes.report`), or the record or a
    /// part holding the entry, whole.
    fn entry_read<'entry>(&self, mention: Located<'tree>, entry: &'entry [String]) -> EntryRead<'tree, 'entry> {
        let mut read = mention.node;
        for (depth, key) in entry.iter().enumerate() {
            let access = read.parent().filter(|parent| parent.field("object") == Some(read));
            let accessed = access.and_then(|access| match kind_of(access) {
                "member_expression" => access
                    .field("property")
                    .map(|property| self.text(mention.with(property)).to_owned()),
                "subscript_expression" => access
                    .field("index")
                    .and_then(|index| self.string_value(mention.with(index))),
                _ => None,
            });
            match (access, accessed) {
                (Some(access), Some(accessed)) if accessed == *key => read = access,
                (Some(_), Some(_)) => return EntryRead::AnotherEntry,
                _ => {
                    return EntryRead::Holding {
                        read: mention.with(read),
                        rest: &entry[depth..],
                    }
                }
            }
        }
        EntryRead::Number(mention.with(read))
    }

    /// Whether a value holding the number at `rest` within it (a record, or a part of one) goes
    /// only where that number is read as a reservation: as an element of a collection written in
    /// place, spread into an object that holds it so, handed to a helper or construct of the
    /// project that reads it so, or iterated by a loop that reads each element's number so.
    fn holding_read_only_for_reservations(&self, read: Located<'tree>, rest: &[String], depth: usize) -> bool {
        // `args ?? {}` is `args` where it is given.
        let mut read = read.with(outermost_wrapper(read.node));
        while let Some(fallback) = read
            .node
            .parent()
            .filter(|parent| is_fallback(*parent) && parent.field("left") == Some(read.node))
        {
            read = read.with(outermost_wrapper(fallback));
        }
        let parent = read.node.parent();
        match parent.map(kind_of) {
            Some("array") => {
                parent.is_some_and(|array| self.array_walked_for_reservations(read.with(array), rest, depth))
            }
            // Pushed onto a collection: the model follows pushed elements into the loops over it.
            Some("arguments") if self.collection_element(read) => true,
            Some("spread_element") => self.spread_only_for_reservations(read, rest, depth),
            Some("arguments") => {
                self.argument_read_as_reservation(read, rest, depth)
                    || self.iterated_only_for_reservations(read, rest, depth)
            }
            Some("variable_declarator") => self.declared_only_for_reservations(read, rest, depth),
            _ => false,
        }
    }

    /// Whether an array holding a record (`[prod, staging]`) is only walked by loops or element
    /// callbacks that read each element's number at `rest` as a reservation: where the array is
    /// written, or, for a const's value, at every read of that const (pushes read nothing).
    fn array_walked_for_reservations(&self, array: Located<'tree>, rest: &[String], depth: usize) -> bool {
        if depth >= MAX_HELPERS_FOLLOWED {
            return false;
        }
        let part: Vec<Step> = rest.iter().map(|key| Step::Property(key.clone())).collect();
        let walked_so = |collection: Located<'tree>| {
            self.iterating_binder(collection).is_some_and(|binder| {
                !self.element_read_other_than_reservations(collection.with(binder), &part, depth + 1)
            })
        };
        let array = array.with(outermost_wrapper(array.node));
        if walked_so(array) {
            return true;
        }
        let Some(declarator) = self.local_const_holding(array) else {
            return false;
        };
        let Some(name) = declarator.field("name").filter(|name| kind_of(*name) == "identifier") else {
            return false;
        };
        self.mentions_of(array.with(declarator), self.text(array.with(name)))
            .all(|mention| in_type_query(mention.node) || self.pushes_onto(mention) || walked_so(mention))
    }

    /// Whether a const declared as `read` (`const n = CONCURRENCY`, or `const { ingest } = sizes`
    /// in a helper) reads the number at `rest` within it, under each name it binds for it, only as
    /// a reservation.
    fn declared_only_for_reservations(&self, read: Located<'tree>, rest: &[String], depth: usize) -> bool {
        let Some(declarator) = self.local_const_holding(read) else {
            return false;
        };
        let Some(names) = declarator
            .field("name")
            .and_then(|pattern| self.names_holding(read.with(pattern), rest))
        else {
            return false;
        };
        depth < MAX_HELPERS_FOLLOWED
            && names.into_iter().all(|(name, rest)| {
                self.mentions_of(read.with(declarator), name)
                    .all(|mention| self.reads_only_as_reservations(mention, rest, depth + 1))
            })
    }

    /// The declarator of the const whose value `value` is, when only its own module reads it: an
    /// exported const is read wherever its module is imported, and is a stack output where the
    /// program's own module exports it.
    fn local_const_holding(&self, value: Located<'tree>) -> Option<Node<'tree>> {
        let declarator = value
            .node
            .parent()
            .filter(|declarator| kind_of(*declarator) == "variable_declarator")
            .filter(|declarator| declarator.field("value") == Some(value.node))?;
        let exported_by_name = declarator
            .field("name")
            .filter(|name| kind_of(*name) == "identifier")
            .is_some_and(|name| {
                !self
                    .names_exported_for(value.file, self.text(value.with(name)))
                    .is_empty()
            });
        (!declared_by_export(declarator) && !exported_by_name).then_some(declarator)
    }

    /// The reads of a name a declarator binds (by name or by a pattern), in its module.
    fn mentions_of<'a>(
        &'a self,
        declarator: Located<'tree>,
        name: &'a str,
    ) -> impl Iterator<Item = Located<'tree>> + 'a {
        named_descendants(self.root(declarator.file))
            .filter(|node| matches!(kind_of(*node), "identifier" | "shorthand_property_identifier"))
            .filter(|node| !binds(*node))
            .map(move |node| declarator.with(node))
            .filter(move |mention| self.text(*mention) == name)
            .filter(move |mention| match self.declaration_of(*mention) {
                Declaration::Variable { declarator: found, .. }
                | Declaration::Destructured { declarator: found, .. } => found == declarator.node,
                _ => false,
            })
    }

    /// Whether a record spread into an object (`{ ...defaults, role }`) has its number read there
    /// only as a reservation: the object writes that entry itself after the spread (so the
    /// record's is not read), is a Lambda function's arguments holding it as
    /// `reservedConcurrentExecutions`, or goes on only where it is read so.
    fn spread_only_for_reservations(&self, spread: Located<'tree>, rest: &[String], depth: usize) -> bool {
        let Some(spread_element) = spread.node.parent() else {
            return false;
        };
        let Some(object) = spread_element.parent().filter(|object| kind_of(*object) == "object") else {
            return false;
        };
        let Some(first) = rest.first() else {
            return false;
        };
        let overridden = named_children(object)
            .skip_while(|member| *member != spread_element)
            .filter(|member| kind_of(*member) == "pair")
            .filter_map(|pair| pair.field("key"))
            .any(|key| self.property_key(spread.with(key)).as_deref() == Some(first.as_str()));
        let object = spread.with(object);
        overridden
            || (rest == ["reservedConcurrentExecutions"] && self.function_taking(object).is_some())
            || (depth < MAX_HELPERS_FOLLOWED && self.holding_read_only_for_reservations(object, rest, depth + 1))
    }

    /// Whether a read of a record holding a number at `rest` within it only iterates it for
    /// reservations: `Object.entries(sizes)` or `Object.values(sizes)` walked by a loop or element
    /// callback that reads each element's number only as a reservation (`Object.keys` reads no
    /// number).
    fn iterated_only_for_reservations(&self, read: Located<'tree>, rest: &[String], depth: usize) -> bool {
        let Some(call) = call_given(read.node) else {
            return false;
        };
        let call = read.with(call);
        let Some((method, _)) = self
            .object_method_call(call)
            .filter(|(_, argument)| argument.node == read.node)
        else {
            return false;
        };
        let to_value = match method {
            "entries" => vec![Step::Position(1)],
            "values" => Vec::new(),
            "keys" => return true,
            _ => return false,
        };
        let Some(binder) = self.iterating_binder(call) else {
            return false;
        };
        let part: Vec<Step> = to_value
            .into_iter()
            .chain(rest.iter().skip(1).map(|key| Step::Property(key.clone())))
            .collect();
        depth < MAX_HELPERS_FOLLOWED && !self.element_read_other_than_reservations(call.with(binder), &part, depth + 1)
    }

    /// Whether a loop or element callback reads its elements' `part` anywhere but as a
    /// reservation, or reads a part holding it whole; a rest pattern gathers parts no name shows.
    fn element_read_other_than_reservations(&self, binder: Located<'tree>, part: &[Step], depth: usize) -> bool {
        let Some(reads) = self.element_reads(binder) else {
            return true;
        };
        reads.into_iter().any(|(read, path)| match path == part {
            true => !self.read_as_reservation(read, depth),
            false => part.starts_with(&path),
        })
    }

    fn is_declaration_or_import(&self, mention: Located<'tree>) -> bool {
        mention.node.parent().is_some_and(|parent| match kind_of(parent) {
            "variable_declarator" => parent.field("name") == Some(mention.node),
            "import_specifier" | "export_specifier" | "namespace_import" | "import_clause" => true,
            _ => false,
        })
    }

    /// Whether a read hands its number to a reservation: as the value of
    /// `reservedConcurrentExecutions`; as the argument of a helper of the project whose parameter
    /// is read only so (followed `depth` helpers deep); or as a member of an options object given
    /// in place to a helper or construct of the project, whose reservation the model follows from
    /// there.
    fn read_as_reservation(&self, mention: Located<'tree>, depth: usize) -> bool {
        if kind_of(mention.node) == "shorthand_property_identifier" {
            return self.text(mention) == "reservedConcurrentExecutions"
                || self.given_to_project_code(mention.with(mention.node.parent().unwrap_or(mention.node)));
        }
        // A side of `?:`, or of a default (`props.reserved ?? 60`), counts as the whole.
        let mut read = mention.node;
        while let Some(parent) = read.parent().filter(|parent| {
            let passes_on = match kind_of(*parent) {
                "parenthesized_expression" | "as_expression" | "non_null_expression" => true,
                "ternary_expression" => parent.field("condition") != Some(read),
                "binary_expression" => is_fallback(*parent),
                _ => false,
            };
            passes_on
        }) {
            read = parent;
        }
        let Some(parent) = read.parent() else {
            return false;
        };
        match kind_of(parent) {
            "pair" if parent.field("value") == Some(read) => {
                let key = parent
                    .field("key")
                    .map(|key| self.text(mention.with(key)).trim_matches(['"', '\'']));
                key == Some("reservedConcurrentExecutions")
                    || parent.parent().is_some_and(|object| {
                        self.given_to_project_code(mention.with(object))
                            || self.collection_element(mention.with(object))
                    })
            }
            "arguments" => self.argument_read_as_reservation(mention.with(read), &[], depth),
            "variable_declarator" => self.declared_only_for_reservations(mention.with(read), &[], depth),
            _ => false,
        }
    }

    /// Whether an argument holding the number at `rest` within it (the number itself when `rest`
    /// is empty) lands in a parameter that its function reads only as a reservation
    /// (`worker("a", CONCURRENCY)` with `reservedConcurrentExecutions: reserved` in `worker`;
    /// `make(sizes)` reading `sizes.ingest` so, or destructuring `{ ingest }`). A construct's
    /// constructor is trusted as the model follows it; anything else (a built-in, `String(n)`, a
    /// package's function) reads it for itself.
    fn argument_read_as_reservation(&self, argument: Located<'tree>, rest: &[String], depth: usize) -> bool {
        let Some(call) = call_given(argument.node) else {
            return false;
        };
        let function = if kind_of(call) == "new_expression" {
            // A class of the project is read by its constructor; one without a constructor of its
            // own hands its arguments to the construct it extends, which the model follows.
            match self.constructor_of(argument.with(call)) {
                Some(constructor) => constructor,
                None => return self.given_to_project_code(argument),
            }
        } else if call.field("function").is_some_and(|callee| kind_of(callee) == "super") {
            // A Pulumi component hands its inputs to `super(type, name, args, opts)`, which
            // records them as the component's state and deploys nothing from them.
            return self
                .package_base_class(argument.with(call))
                .is_some_and(|base| self.text(base).ends_with("ComponentResource"));
        } else {
            let Some(function) = call
                .field("function")
                .and_then(|callee| self.function_named(argument.with(callee)))
            else {
                return false;
            };
            function
        };
        let position = self
            .call_arguments(argument.with(call))
            .iter()
            .position(|passed| passed.node == argument.node);
        let parameter = position.and_then(|position| declared_parameters(function.node).nth(position));
        // A parameter property (`constructor(private sizes: Sizes)`) is read as `this.sizes`
        // anywhere in the class.
        if parameter.is_some_and(|parameter| {
            named_children(parameter).any(|child| matches!(kind_of(child), "accessibility_modifier" | "readonly"))
        }) {
            return false;
        }
        let parameter = parameter.and_then(|parameter| parameter.field("pattern").or(Some(parameter)));
        let Some(names) = parameter.and_then(|pattern| self.names_holding(function.with(pattern), rest)) else {
            return false;
        };
        // Any mention of a name counts, an inner binding of it too: that only makes it kept.
        depth < MAX_HELPERS_FOLLOWED
            && names.into_iter().all(|(name, rest)| {
                self.mentions_in_body(function, name, |_| true)
                    .into_iter()
                    .all(|mention| self.reads_only_as_reservations(mention, rest, depth + 1))
            })
    }

    /// The names a parameter binds that hold the number at `rest` within what it receives, each
    /// with where within it: the parameter's own name, or the names an object pattern binds
    /// for the entry (`{ ingest }`, `{ ingest = 100 }`, `{ ingest: n }`). `None` when a pattern
    /// this does not follow (nested, or a rest) may bind it.
    fn names_holding<'entry>(
        &self,
        pattern: Located<'tree>,
        rest: &'entry [String],
    ) -> Option<Vec<(&'tree str, &'entry [String])>> {
        match kind_of(pattern.node) {
            "identifier" => Some(vec![(self.text(pattern), rest)]),
            "object_pattern" => {
                let (first, within) = rest.split_first()?;
                let mut names = Vec::new();
                for member in named_children(pattern.node).filter(|member| kind_of(*member) != "comment") {
                    let (key, name) = match kind_of(member) {
                        "shorthand_property_identifier_pattern" => (self.text(pattern.with(member)).to_owned(), member),
                        "object_assignment_pattern" => {
                            let name = member.field("left")?;
                            (self.text(pattern.with(name)).to_owned(), name)
                        }
                        "pair_pattern" => {
                            let value = member.field("value")?;
                            let name = match kind_of(value) {
                                "assignment_pattern" => value.field("left")?,
                                _ => value,
                            };
                            (self.property_key(pattern.with(member.field("key")?))?, name)
                        }
                        _ => return None,
                    };
                    if key == *first {
                        if kind_of(name) != "identifier" && kind_of(name) != "shorthand_property_identifier_pattern" {
                            return None;
                        }
                        names.push((self.text(pattern.with(name)), within));
                    }
                }
                Some(names)
            }
            _ => None,
        }
    }

    /// The constructor a `new` of one of the project's classes runs, when the class declares one.
    fn constructor_of(&self, construction: Located<'tree>) -> Option<Located<'tree>> {
        let class = construction
            .node
            .field("constructor")
            .filter(|class| kind_of(*class) == "identifier")?;
        let class = self.class_named(construction.with(class))?;
        let body = class.node.field("body")?;
        named_children(body)
            .filter(|member| kind_of(*member) == "method_definition")
            .find(|method| {
                method
                    .field("name")
                    .is_some_and(|name| self.text(class.with(name)) == "constructor")
            })
            .map(|constructor| class.with(constructor))
    }

    /// Whether an expression is an argument of a function the project declares, or of a `new`
    /// that is not a package's (`new aws.sqs.Queue("q", { … })` reads its settings for itself).
    fn given_to_project_code(&self, argument: Located<'tree>) -> bool {
        let Some(call) = call_given(argument.node) else {
            return false;
        };
        if let Some(callee) = call.field("function") {
            return self.function_named(argument.with(callee)).is_some();
        }
        call.field("constructor")
            .is_some_and(|class| self.package_member(argument.with(class)).is_none())
    }

    /// Whether an object literal, or a const holding one, is an element of a collection written
    /// in place (`[{ … }]`, `tenants.push({ … })`, `tenants.push(api)`): a function made per
    /// element reads its reservation from there.
    fn collection_element(&self, object: Located<'tree>) -> bool {
        let Some(holder) = object.node.parent() else {
            return false;
        };
        match kind_of(holder) {
            "array" => true,
            "arguments" => holder
                .parent()
                .and_then(|call| call.field("function"))
                .filter(|callee| kind_of(*callee) == "member_expression")
                .and_then(|callee| callee.field("property"))
                .is_some_and(|method| matches!(self.text(object.with(method)), "push" | "unshift")),
            _ => false,
        }
    }

    /// Whether a file reads `namespace.name` (`settings.CONCURRENCY`); any such read may be
    /// other than a reservation.
    fn text_mentions_member(&self, file: usize, namespace: &str, name: &str) -> bool {
        self.file(file).text.contains(&format!("{namespace}.{name}"))
    }
}

/// What a read of a record does with one of its entries.
enum EntryRead<'tree, 'entry> {
    /// Reads the number (`sizes.ingest`).
    Number(Located<'tree>),
    /// Reads another entry (`sizes.report`).
    AnotherEntry,
    /// Reads the record, or a part of it, that holds the number at `rest` (`sizes`, with `rest`
    /// `["ingest"]`).
    Holding {
        read: Located<'tree>,
        rest: &'entry [String],
    },
}

/// The outermost of the parentheses and type assertions around an expression
/// (`({ … } as const)`), which the declaration or property holds.
fn outermost_wrapper(mut node: Node<'_>) -> Node<'_> {
    while let Some(parent) = node.parent().filter(|parent| {
        matches!(
            kind_of(*parent),
            "parenthesized_expression" | "as_expression" | "satisfies_expression"
        )
    }) {
        node = parent;
    }
    node
}

/// How a number's readers are judged: where in its const the number is, and whether the const's
/// type is its literal values (`as const`).
struct Readers<'entry> {
    entry: &'entry [String],
    literal_types: bool,
}

/// Whether a mention is the name in `typeof name`.
fn in_type_query(mention: Node) -> bool {
    mention.parent().is_some_and(|parent| kind_of(parent) == "type_query")
}

/// The call or `new` an expression is an argument of.
fn call_given(argument: Node<'_>) -> Option<Node<'_>> {
    argument
        .parent()
        .filter(|arguments| kind_of(*arguments) == "arguments")
        .and_then(|arguments| arguments.parent())
}
