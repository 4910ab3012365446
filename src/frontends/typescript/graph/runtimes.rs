//! The runtimes of a Pulumi program's or CDK app's functions and layers, where each is written, and where the
//! handler a new runtime may need is written.

use super::super::iteration::{ElementRead, Step};
use super::super::{
    cdk, named_children, ConfigOrigin, ImportKind, Located, PackageMember, Program, PropertyValue, ResourceDecl,
    StringOrigin,
};
use crate::aws::runtimes::{Runtime, RuntimeTable};
use crate::cloud::{HandlerPlace, LambdaLayer, ListEntry, RuntimeValue, Site, StackFilter, Written};
use crate::syntax::{kind_of, Fields};

/// How a runtime is written where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in super::super) enum Spelling {
    Literal,
    EnumMember,
    /// `aws.lambda.Go1dxRuntime`
    QualifiedConstant,
    /// `Go1dxRuntime`, imported by name.
    ImportedConstant,
    /// The CDK's `lambda.Runtime.GO_1_X`, or `Runtime.GO_1_X` with `Runtime` imported by name.
    CdkConstant,
}

impl<'tree> Program<'tree> {
    /// The runtimes a function may have: its `runtime`, or, for a function made per element of a
    /// collection that reads the runtime from the element, the runtime written in each element.
    /// `stacks` are the stacks that make the function: what others set is not its runtime.
    pub(super) fn function_runtimes(&self, function: &ResourceDecl<'tree>, stacks: &StackFilter) -> Vec<RuntimeValue> {
        let Some(property) = function.args().and_then(|args| self.property(args, "runtime")) else {
            return self.runtimes_passed_through(function, stacks);
        };
        if let Some(values) = self.runtimes_replacing_default(function, property, stacks) {
            return values;
        }
        // A runtime read from the elements of a collection is written once per element: each is
        // reported and fixed there, however many loops read it.
        let written: Vec<(Located, Option<Option<Located>>)> = match self.element_runtimes(property.value) {
            Some(written) => written,
            // A runtime passed into a helper is reported where each caller passes it: callers
            // may pass runtimes that move to different successors.
            None => match self.runtimes_passed_in(property.value) {
                Some(arguments) => arguments.into_iter().map(|argument| (argument, None)).collect(),
                None => vec![(property.value, None)],
            },
        };
        self.runtime_values(function, property, written, stacks)
    }

    /// For a runtime read from the elements of a collection (`e.runtime`, or `e.runtime ??
    /// DEFAULT`), where each element writes it, with the object it is written in, and the default
    /// for the elements that write none. Elements not written out (a call passing a collection
    /// read from configuration) stay unknown: only the others are judged. `None` when no element
    /// is written out.
    fn element_runtimes(&self, value: Located<'tree>) -> Option<Vec<(Located<'tree>, Option<Option<Located<'tree>>>)>> {
        let (read, default) = self.read_and_default(value);
        let elements = self.element_values(read)?;
        if elements.iter().all(|element| element.read == ElementRead::Unknown) {
            return None;
        }
        let mut written = Vec::new();
        let mut defaulted = false;
        for element in elements {
            match element.read {
                ElementRead::Written(source) => written.push((source, Some(self.object_holding(source)))),
                ElementRead::Lacking | ElementRead::Unknown => defaulted = true,
            }
        }
        written.extend(default.filter(|_| defaulted).map(|default| (default, None)));
        Some(written)
    }

    /// The runtimes of a function whose construct writes its runtime before a spread of its
    /// caller's props (`{ runtime: lambda.Runtime.NODEJS_18_X, ...props }`): the runtime each
    /// call passes replaces the one written, which runs only for the calls that pass none.
    /// `None` when no such spread follows, or its calls cannot all be read.
    fn runtimes_replacing_default(
        &self,
        function: &ResourceDecl<'tree>,
        default: PropertyValue<'tree>,
        stacks: &StackFilter,
    ) -> Option<Vec<RuntimeValue>> {
        let calls = self.calls_replacing_default(function, "runtime")?;
        let mut values = self.runtimes_passed_through(function, stacks);
        let default_runs = calls
            .iter()
            .any(|passed| self.handed_on_property(passed, "runtime").is_none());
        if default_runs {
            values.extend(self.runtime_values(function, default, vec![(default.value, None)], stacks));
        }
        Some(values)
    }

    /// For a runtime a helper receives as a parameter, what each call passes, and the
    /// parameter's default where a call leaves it out.
    fn runtimes_passed_in(&self, value: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        let parameter = self.unwrapped(value);
        let per_call = self.arguments_per_call(parameter)?;
        let default = per_call
            .iter()
            .any(|passed| passed.argument.is_none())
            .then(|| self.parameter_default(parameter))
            .flatten();
        let mut passed: Vec<Located<'tree>> = Vec::new();
        // Calls that leave it out share the declared default: it is one place.
        for argument in per_call.into_iter().filter_map(|passed| passed.argument).chain(default) {
            if !passed.contains(&argument) {
                passed.push(argument);
            }
        }
        (!passed.is_empty()).then_some(passed)
    }

    /// The runtimes of a function whose arguments are its caller's (`new lambda.Function(this,
    /// "Fn", props)` in a construct, or `{ ...props, memorySize: 512 }`): the `runtime` each call
    /// passes, each with its call's object as the element that may also hold its handler. An
    /// object the call does not write in place (a const) may serve other resources too: its
    /// handler is not this function's to change.
    fn runtimes_passed_through(&self, function: &ResourceDecl<'tree>, stacks: &StackFilter) -> Vec<RuntimeValue> {
        let Some(args) = function.args() else {
            return Vec::new();
        };
        self.passed_through_objects(args)
            .into_iter()
            .filter_map(|passed| {
                // A handler the construct takes out of the props is not the one the function runs.
                let own = (passed.call.encloses(&passed.object)
                    && self.handed_on_property(&passed, "handler").is_some())
                .then_some(passed.object);
                Some((self.handed_on_property(&passed, "runtime")?, own))
            })
            .flat_map(|(property, own)| {
                self.runtime_values(function, property, vec![(property.value, Some(own))], stacks)
            })
            .collect()
    }

    /// Where a function's runtime is written, each with the element it is written for, as
    /// `RuntimeValue`s.
    fn runtime_values(
        &self,
        function: &ResourceDecl<'tree>,
        property: PropertyValue<'tree>,
        written: Vec<(Located<'tree>, Option<Option<Located<'tree>>>)>,
        stacks: &StackFilter,
    ) -> Vec<RuntimeValue> {
        let mut values = Vec::new();
        for (pointer, element) in written {
            let handler = function
                .takes_handler()
                .then(|| self.handler_place(function, property, element));
            let (origins, config_reads) = self.string_and_config_origins(pointer);
            let read_at: Option<Site> = element.map(|_| property.value.into());
            // A value that may be one of several runtimes (`props.runtime ?? DEFAULT`, both arms
            // of a `?:`) is reported where each is written: each moves on its own.
            let several = origins.len() > 1;
            for origin in origins {
                if let Some(value) = self.runtime_value(origin, pointer, handler.clone()) {
                    values.push(RuntimeValue {
                        read_at: read_at.clone(),
                        at: if several {
                            value.written.clone()
                        } else {
                            value.at.clone()
                        },
                        ..value
                    });
                }
            }
            // A suppression where the function reads the setting covers what each stack sets.
            let read_at = read_at.or_else(|| Some(pointer.into()));
            values.extend(self.configured_runtimes(&config_reads, read_at, handler, stacks));
        }
        values
    }

    /// The runtimes the stack files set for the configuration a runtime is read from
    /// (`config.require("runtime")`), reported where the code reads it: one value per read and
    /// runtime, naming every file that sets that runtime there.
    fn configured_runtimes(
        &self,
        reads: &[ConfigOrigin<'tree>],
        read_at: Option<Site>,
        handler: Option<HandlerPlace>,
        stacks: &StackFilter,
    ) -> Vec<RuntimeValue> {
        let table = RuntimeTable::bundled();
        let mut values: Vec<RuntimeValue> = Vec::new();
        for ConfigOrigin { read, ruled_out } in reads {
            let site = Site::from(*read);
            // Stacks that take one value from Pulumi.yaml name it once.
            for (stack, configured) in self.configured_values(*read) {
                if !stacks.includes(stack.as_deref()) || ruled_out.contains(&configured.text) {
                    continue;
                }
                let Some(runtime) = table.by_id(&configured.text) else {
                    continue;
                };
                let setting = configured.set_in;
                match values
                    .iter_mut()
                    .find(|value| value.written == site && value.id == runtime.id)
                {
                    Some(value) if value.set_in.contains(&setting) => {}
                    Some(value) => value.set_in.push(setting),
                    None => values.push(RuntimeValue {
                        id: runtime.id.clone(),
                        at: site.clone(),
                        written: site.clone(),
                        shared: site.clone(),
                        read_at: read_at.clone(),
                        handler: handler.clone(),
                        overridable: false,
                        kept: None,
                        set_in: vec![setting],
                    }),
                }
            }
        }
        values
    }

    /// A layer and the entries of its `compatibleRuntimes`, when written as an array (in place
    /// or in a const).
    pub(super) fn lambda_layer(&self, layer: &ResourceDecl<'tree>) -> LambdaLayer {
        // The list may be a const, also of another module (`compatibleRuntimes: LAYER_RUNTIMES`).
        let list = layer
            .args()
            .and_then(|args| self.property(args, "compatibleRuntimes"))
            .map(|list| self.written_value(list.value))
            .filter(|list| kind_of(list.node) == "array");
        let compatible_runtimes = list
            .into_iter()
            .flat_map(|list| named_children(list.node).map(move |node| list.with(node)))
            .filter(|entry| kind_of(entry.node) != "comment")
            .map(|entry| ListEntry {
                at: entry.into(),
                sole_id: self.sole_string_origin(entry).and_then(|origin| origin.known_value()),
                text: short_text(self.text(entry)),
                runtimes: self.entry_runtimes(entry),
            })
            .collect();
        LambdaLayer { compatible_runtimes }
    }

    /// The runtimes a layer's list entry may name: written in the code, or set by the stack
    /// files for the configuration it reads.
    fn entry_runtimes(&self, entry: Located<'tree>) -> Vec<RuntimeValue> {
        let (origins, config_reads) = self.string_and_config_origins(entry);
        let written = origins
            .into_iter()
            .filter_map(|origin| self.runtime_value(origin, entry, None));
        written
            .chain(self.configured_runtimes(&config_reads, None, None, &StackFilter::default()))
            .collect()
    }

    fn runtime_value(
        &self,
        origin: StringOrigin<'tree>,
        pointer: Located<'tree>,
        handler: Option<HandlerPlace>,
    ) -> Option<RuntimeValue> {
        let (at, spelling, runtime) = self.classify_runtime(origin)?;
        // Uses of one imported name change together, with the import.
        let shared = match (spelling, self.import_of(at)) {
            (Spelling::ImportedConstant, Some(binding)) => Site {
                file: at.file,
                range: binding.specifier.byte_range(),
            },
            _ => at.into(),
        };
        Some(RuntimeValue {
            id: runtime.id.clone(),
            at: pointer.into(),
            written: at.into(),
            shared,
            read_at: None,
            handler,
            overridable: self.stack_may_override(at),
            kept: None,
            set_in: Vec::new(),
        })
    }

    /// The runtime a value names, and how it is spelt; `None` for values that are not runtime ids.
    pub(in super::super) fn classify_runtime(
        &self,
        origin: StringOrigin<'tree>,
    ) -> Option<(Located<'tree>, Spelling, &'static Runtime)> {
        let table = RuntimeTable::bundled();
        match origin {
            StringOrigin::Literal { at, value } => Some((at, Spelling::Literal, table.by_id(&value)?)),
            StringOrigin::PackageMember { at, member } => {
                if let Some(constant) = cdk::runtime_constant(&member) {
                    return Some((at, Spelling::CdkConstant, table.by_cdk_constant(constant)?));
                }
                let path: Vec<&str> = member.path.iter().map(String::as_str).collect();
                match path.as_slice() {
                    ["lambda", "Runtime", name] => Some((at, Spelling::EnumMember, table.by_enum_member(name)?)),
                    ["lambda", name] => {
                        let runtime = table.by_constant(name)?;
                        let imported = kind_of(at.node) == "identifier"
                            && self
                                .import_of(at)
                                .is_some_and(|binding| matches!(binding.kind, ImportKind::Named { .. }));
                        let spelling = if imported {
                            Spelling::ImportedConstant
                        } else {
                            Spelling::QualifiedConstant
                        };
                        Some((at, spelling, runtime))
                    }
                    _ => None,
                }
            }
        }
    }

    /// Where the handler of a function is written, as seen from one place its runtime is written:
    /// the function's own arguments, or the element of the collection it is made from.
    fn handler_place(
        &self,
        function: &ResourceDecl<'tree>,
        runtime: PropertyValue<'tree>,
        element: Option<Option<Located<'tree>>>,
    ) -> HandlerPlace {
        let Some(args) = function.args() else {
            return HandlerPlace::OutOfReach;
        };
        // The strings the handler may come from, each marked by whether it is this function's own.
        let written = |own: &dyn Fn(Located<'tree>) -> bool| {
            // Arguments passed through from a caller hold the handler in the caller's object.
            let existing = element
                .flatten()
                .and_then(|element| self.handler_in_element(args, element, runtime))
                .or_else(|| Some(self.property(args, "handler")?.value))
                .or_else(|| Some(self.property(element.flatten()?, "handler")?.value))?;
            let literals = self.literal_origins(existing)?;
            Some(HandlerPlace::Written(
                literals
                    .into_iter()
                    .map(|(at, value)| (Written { value, at: at.into() }, own(at)))
                    .collect(),
            ))
        };
        if let Some(element) = element {
            // The loop's own arguments serve every element: only what the element writes is its own.
            let in_element = |at: Located<'tree>| element.is_some_and(|element| element.encloses(&at));
            let place = written(&in_element).unwrap_or(HandlerPlace::OutOfReach);
            // A handler spread in (`{ ...rest, runtime }`) comes with parts of the element whose
            // other reads are not followed.
            let spreads = || {
                self.object_literal(args)
                    .is_some_and(|object| named_children(object.node).any(|part| kind_of(part) == "spread_element"))
            };
            let read_elsewhere = element
                .is_some_and(|object| self.held_and_read_elsewhere(self.whole_element(object, runtime)))
                || match self.property(args, "handler") {
                    Some(handler) => {
                        Some(handler.object) != self.object_literal(args)
                            || self.element_handler_read_elsewhere(handler.value, runtime.value)
                    }
                    // A loop's element, that is: a caller's props spread in are the caller's.
                    None => spreads() && self.element_path(runtime.value).is_some(),
                };
            return match place {
                HandlerPlace::Written(literals) if read_elsewhere => {
                    let own: Vec<&Written<String>> = literals
                        .iter()
                        .filter(|(_, own)| *own)
                        .map(|(written, _)| written)
                        .collect();
                    match own.as_slice() {
                        [written] => HandlerPlace::ReadElsewhere {
                            value: written.value.clone(),
                        },
                        _ => HandlerPlace::Written(literals.into_iter().map(|(written, _)| (written, false)).collect()),
                    }
                }
                place => place,
            };
        }
        if self.property(args, "handler").is_none() {
            // Added beside the runtime, the handler serves exactly the functions it serves.
            return HandlerPlace::Missing {
                beside: runtime.property.into(),
            };
        }
        // A handler beside the runtime in one object literal (a spread defaults object) serves
        // exactly the functions that runtime serves.
        let own = |at: Located<'tree>| {
            runtime.object.encloses(&at) || self.own_arguments(function).is_some_and(|own| own.encloses(&at))
        };
        written(&own).unwrap_or(HandlerPlace::OutOfReach)
    }

    /// The handler a function made per element reads from the element (`e.handler`, or `e.handler
    /// ?? "index.handler"` for an element that writes one), as the element holding the runtime
    /// written in `object` writes it: for this element, the handler is that one alone.
    fn handler_in_element(
        &self,
        args: Located<'tree>,
        object: Located<'tree>,
        runtime: PropertyValue<'tree>,
    ) -> Option<Located<'tree>> {
        let (read, _) = self.read_and_default(self.property(args, "handler")?.value);
        let (_, path) = self.element_path(read)?;
        self.value_at(self.whole_element(object, runtime), &path)
    }

    /// The element a loop reads a function's runtime from, given the object literal the runtime
    /// is written in: `{ name, build: { runtime } }` for `build` when the loop reads
    /// `s.build.runtime`. A const holding the element may be read elsewhere (another collection).
    fn whole_element(&self, object: Located<'tree>, runtime: PropertyValue<'tree>) -> Located<'tree> {
        let levels = self.element_path(runtime.value).map_or(0, |(_, path)| {
            let properties = path.iter().filter(|step| matches!(step, Step::Property(_))).count();
            properties.saturating_sub(1)
        });
        let mut element = object;
        for _ in 0..levels {
            let Some(outer) = self
                .parent(element)
                .filter(|pair| kind_of(*pair) == "pair" && pair.field("value") == Some(element.node))
                .and_then(|pair| self.parent(element.with(pair)))
            else {
                break;
            };
            element = element.with(outer);
        }
        element
    }

    /// Whether an object literal is the value of a const that code reads besides where it serves
    /// as an element (`const api = {…}; services.push(api);` and `api.handler` elsewhere): a change
    /// to it reaches that reader too.
    pub(super) fn held_and_read_elsewhere(&self, object: Located<'tree>) -> bool {
        let mut value = object.node;
        let mut holder = value.parent();
        while let Some(wrapper) = holder.filter(|node| {
            matches!(
                kind_of(*node),
                "as_expression" | "satisfies_expression" | "parenthesized_expression" | "non_null_expression"
            )
        }) {
            value = wrapper;
            holder = wrapper.parent();
        }
        let Some(declarator) = holder.filter(|node| kind_of(*node) == "variable_declarator") else {
            return false;
        };
        let Some(name) = declarator
            .field("name")
            .filter(|_| declarator.field("value") == Some(value))
        else {
            return false;
        };
        let exported = super::super::values::declared_by_export(declarator);
        kind_of(name) != "identifier" || exported || self.mentions(object.file, self.text(object.with(name))) > 2
    }

    /// The string literals a value may come from, with their content; `None` when it has no known
    /// origin.
    fn literal_origins(&self, value: Located<'tree>) -> Option<Vec<(Located<'tree>, String)>> {
        let origins = self.string_origins(value);
        if origins.is_empty() {
            return None;
        }
        let mut literals: Vec<(Located<'tree>, String)> = Vec::new();
        for origin in origins {
            // An element pushed in a loop is one string however many times it is read.
            if let StringOrigin::Literal { at, value } = origin {
                if !literals.iter().any(|(seen, _)| *seen == at) {
                    literals.push((at, value));
                }
            }
        }
        Some(literals)
    }
}

/// The runtime id a package member stands for (a Pulumi enum member or constant, a CDK
/// constant), as the bundled table gives it.
pub(in super::super) fn runtime_id_of_member(member: &PackageMember) -> Option<String> {
    let table = RuntimeTable::bundled();
    if let Some(constant) = cdk::runtime_constant(member) {
        return table.by_cdk_constant(constant).map(|runtime| runtime.id.clone());
    }
    let path: Vec<&str> = member.path.iter().map(String::as_str).collect();
    let runtime = match path.as_slice() {
        ["lambda", "Runtime", name] => table.by_enum_member(name),
        ["lambda", name] => table.by_constant(name),
        _ => None,
    };
    runtime.map(|runtime| runtime.id.clone())
}

/// An expression as a message quotes it: its first line, at most 40 characters.
fn short_text(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None if line.len() < text.len() => format!("{line}…"),
        None => line.to_owned(),
    }
}
