//! Values that flow into parameters: for a parameter of a helper function or of a component's
//! constructor, the arguments its call sites pass (`makeService("audit", "go1.x")`,
//! `new GoService("audit", { runtime: "go1.x" })`), in its own module and in the modules that
//! import it by name. Each file's calls are indexed by callee name in the walk that reads its
//! names (`facts::read_file`); finding the call sites of a function is then a look-up.

use foldhash::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::scope::{self, Declaration};
use super::{named_children, ImportKind, Located, Program, PropertyValue, ResourceDecl};
use crate::syntax::{kind_of, node_text, Fields};

/// A file's calls and `new` expressions whose callee is a plain name, or a name read from another
/// (`roles.lambdaRole`, a function of a module imported as a namespace), by how the callee is
/// spelled. Kept as byte ranges, not nodes, so that the model stays free to hand out nodes of any
/// shorter lifetime.
#[derive(Debug, Default)]
pub struct CallIndex {
    by_callee: HashMap<String, Vec<Range<usize>>>,
}

impl CallIndex {
    /// Records `node` if it is a call or `new` expression of a plain name or of a member of one
    /// (see `facts::read_file`).
    pub(super) fn record(&mut self, node: Node, kind: &str, text: &str) {
        let callee = match kind {
            "call_expression" => node.field("function"),
            "new_expression" => node.field("constructor"),
            _ => None,
        };
        let Some(callee) = callee else {
            return;
        };
        let spelled = match kind_of(callee) {
            "identifier" => node_text(callee, text).to_owned(),
            "member_expression" => match (callee.field("object"), callee.field("property")) {
                (Some(object), Some(property)) if kind_of(object) == "identifier" => {
                    format!("{}.{}", node_text(object, text), node_text(property, text))
                }
                _ => return,
            },
            _ => return,
        };
        self.by_callee.entry(spelled).or_default().push(node.byte_range());
    }
}

impl<'tree> Program<'tree> {
    /// For a parameter (`runtime` in `function make(name, runtime)`, `args` in a component's
    /// `constructor(name, args)`), the expression each call site passes for it. `None` when it is
    /// not a parameter of a named function or class, or nothing calls it: its value is unknown.
    pub fn parameter_sources(&self, parameter: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        let sources: Vec<Located<'tree>> = self
            .arguments_per_call(parameter)?
            .into_iter()
            .filter_map(|passed| passed.argument)
            .collect();
        (!sources.is_empty()).then_some(sources)
    }

    /// For a parameter, each call of its function with what it passes for it, in call order.
    pub(super) fn arguments_per_call(&self, parameter: Located<'tree>) -> Option<Vec<CallArgument<'tree>>> {
        if !matches!(kind_of(parameter.node), "identifier" | "shorthand_property_identifier") {
            return None;
        }
        let ParameterRead {
            function,
            position,
            keys,
            ..
        } = self.parameter_read(parameter, 0)?;
        // A plain parameter holds what the call passes; a name read from it (`function
        // make({ name, runtime = "go1.x" }: Options)`, `const { runtime } = options`) holds what
        // that object sets for its key.
        let key = (!keys.is_empty()).then_some(keys);
        let declared_default = declared_parameters(function)
            .nth(position)
            .and_then(|declared| declared.field("value"))
            .map(|default| parameter.with(default));
        self.call_sites(parameter.with(function))?
            .into_iter()
            .map(|call| {
                let arguments = self.call_arguments(call);
                // A spread at or before the place hides which value lands there.
                if arguments
                    .iter()
                    .take(position + 1)
                    .any(|argument| kind_of(argument.node) == "spread_element")
                {
                    return None;
                }
                // Passed nothing (or `undefined`), the parameter takes its declared default.
                let held = arguments
                    .get(position)
                    .copied()
                    .filter(|argument| !self.is_undefined(*argument))
                    .or(declared_default);
                let argument = match (&key, held) {
                    (Some(keys), Some(object)) => {
                        let (key, outer) = keys.split_last()?;
                        // `{ build: { runtime } }`: each outer level must be written out.
                        let object = outer
                            .iter()
                            .try_fold(object, |object, key| Some(self.property(object, key)?.value))?;
                        match self.property(object, key) {
                            Some(property) if self.is_undefined(property.value) => None,
                            Some(property) => Some(property.value),
                            None if self.surely_lacks(object, key) => None,
                            None => return None,
                        }
                    }
                    (Some(_), None) => None,
                    (None, held) => held,
                };
                Some(CallArgument { call, argument })
            })
            .collect()
    }

    /// The arguments of a call or `new` expression, in order, comments left out.
    pub(super) fn call_arguments(&self, call: Located<'tree>) -> Vec<Located<'tree>> {
        call.node
            .field("arguments")
            .map(|arguments| {
                named_children(arguments)
                    .filter(|argument| kind_of(argument) != "comment")
                    .map(|argument| call.with(argument))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The default a parameter, named where it is used, declares (`runtime =
    /// lambda.Runtime.GO_1_X`).
    pub(super) fn parameter_default(&self, parameter: Located<'tree>) -> Option<Located<'tree>> {
        let read = self.parameter_read(parameter, 0)?;
        if !read.keys.is_empty() {
            return read.default;
        }
        let declared = declared_parameters(read.function).nth(read.position)?;
        declared.field("value").map(|value| parameter.with(value))
    }

    /// Which parameter a name reads, and what it reads from it: the parameter itself, a name its
    /// object pattern binds, or a name a `const` in the function destructures from it (`const {
    /// runtime = "go1.x" } = args`, also from a property of it, from another such name, or from a
    /// `const` holding it, `const options = args ?? {}`). A level
    /// that has a default of its own is not followed (see `bound_in_pattern`), nor a parameter the
    /// function assigns or changes (see `parameter_changed`).
    /// The function whose parameter (or a name destructured from one) `name` is.
    pub(super) fn function_receiving(&self, name: Located<'tree>) -> Option<Node<'tree>> {
        Some(self.parameter_read(name, 0)?.function)
    }

    fn parameter_read(&self, name: Located<'tree>, depth: usize) -> Option<ParameterRead<'tree>> {
        let text = self.file(name.file).text;
        let spelled = self.text(name);
        if let Some(function) = self.function_declaring_parameter(name) {
            if self.parameter_changed(name.with(function), spelled) {
                return None;
            }
            return Some(match parameter_position(function, spelled, text) {
                Some(position) => ParameterRead {
                    function,
                    position,
                    keys: Vec::new(),
                    default: None,
                },
                None => {
                    let found = destructured(function, spelled, text)?;
                    ParameterRead {
                        function,
                        position: found.position,
                        keys: found.keys,
                        default: found.default.map(|default| name.with(default)),
                    }
                }
            });
        }
        if depth >= MAX_DESTRUCTURINGS {
            return None;
        }
        let declaration = self.declaration_of(name);
        let (declarator, pattern_keys, default) = match declaration {
            // `const options = args ?? {}`: the same object.
            Declaration::Variable {
                declarator,
                constant: true,
            } => (declarator, Vec::new(), None),
            Declaration::Destructured {
                declarator,
                constant: true,
            } if !self.imported_name(name, declaration) => {
                let pattern = declarator
                    .field("name")
                    .filter(|pattern| kind_of(*pattern) == "object_pattern")?;
                let (keys, default) = bound_in_pattern(pattern, spelled, text)?;
                (declarator, keys, default)
            }
            _ => return None,
        };
        let (source, source_keys) = self.properties_read(name.with(declarator.field("value")?))?;
        let outer = self.parameter_read(source, depth + 1)?;
        if outer.default.is_some() {
            return None;
        }
        Some(ParameterRead {
            function: outer.function,
            position: outer.position,
            keys: outer.keys.into_iter().chain(source_keys).chain(pattern_keys).collect(),
            default: default.map(|default| name.with(default)),
        })
    }

    /// `args.build` as the name `args` and the properties read from it, outermost first. `args ??
    /// {}` (or `||`) reads what `args` does: an empty object lacks every key, as a missing
    /// argument does.
    fn properties_read(&self, at: Located<'tree>) -> Option<(Located<'tree>, Vec<&'tree str>)> {
        let mut keys = Vec::new();
        let mut current = self.unwrapped(self.empty_fallback_of(at).unwrap_or(at));
        while kind_of(current.node) == "member_expression" {
            let property = current.node.field("property")?;
            if kind_of(property) != "property_identifier" {
                return None;
            }
            keys.push(self.text(current.with(property)));
            current = self.unwrapped(current.with(current.node.field("object")?));
        }
        keys.reverse();
        (kind_of(current.node) == "identifier").then_some((current, keys))
    }

    /// The calls whose props replace what a construct writes for `key` before spreading them
    /// (`{ runtime: lambda.Runtime.NODEJS_18_X, ...props }`): what is written is then only a
    /// default. `None` when no spread of the caller's props follows it, or the calls cannot all be
    /// read.
    pub(super) fn calls_replacing_default(
        &self,
        function: &ResourceDecl<'tree>,
        key: &str,
    ) -> Option<Vec<PassedProps<'tree>>> {
        let args = function.args()?;
        if !self.replaceable_by_later_spread(args, key) {
            return None;
        }
        let calls = self.passed_through_objects(args);
        (!calls.is_empty()).then_some(calls)
    }

    /// Each call, with the object it passes, where a helper or construct hands its own arguments
    /// on to a resource, whole (`new lambda.Function(this, "Fn", props)`) or spread
    /// (`{ ...props, memorySize: 512 }`), also as the rest of a const's pattern (`const { envName,
    /// ...rest } = props`, which hands on all but `envName`). Empty unless every call passes an
    /// object literal, in place or through a const (a call passing something else would go
    /// uncounted), and for more than one spread parameter.
    pub(super) fn passed_through_objects(&self, args: Located<'tree>) -> Vec<PassedProps<'tree>> {
        let args = self.unwrapped(args);
        let handed_on = match kind_of(args.node) {
            "identifier" => Some(args),
            "object" => match self.spread_names(args, 0).as_slice() {
                [parameter] => Some(*parameter),
                _ => None,
            },
            _ => None,
        };
        let Some(handed_on) = handed_on else {
            return Vec::new();
        };
        let (parameter, withheld) = match self.rest_of(handed_on) {
            Some((source, withheld)) if kind_of(source.node) == "identifier" => (source, withheld),
            Some(_) => return Vec::new(),
            None => (handed_on, Vec::new()),
        };
        self.arguments_per_call(parameter)
            .and_then(|calls| {
                calls
                    .into_iter()
                    .map(|passed| {
                        Some(PassedProps {
                            call: passed.call,
                            object: self.object_literal(passed.argument?)?,
                            withheld: withheld.clone(),
                        })
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .unwrap_or_default()
    }

    /// The names an object literal spreads that hold no object literal infrafix can read (`props`
    /// in `{ ...DEFAULTS, ...props }`), also in the const objects it spreads (`const merged = {
    /// ...DEFAULTS, ...props }`): a const's own object literal is the construct's, not its caller's.
    fn spread_names(&self, object: Located<'tree>, hops: usize) -> Vec<Located<'tree>> {
        let mut names = Vec::new();
        for spread in named_children(object.node).filter(|member| kind_of(member) == "spread_element") {
            let Some(value) = spread.named_child(0).filter(|value| kind_of(*value) == "identifier") else {
                continue;
            };
            let value = object.with(value);
            match self.object_literal(value) {
                Some(inner) if hops < MAX_DESTRUCTURINGS => names.extend(self.spread_names(inner, hops + 1)),
                Some(_) => {}
                None => names.push(value),
            }
        }
        names
    }

    /// For a name a const's object pattern binds to the rest of its value (`rest` in `const {
    /// envName, functionName, ...rest } = props`), that value and the keys the pattern takes out
    /// before it. `None` for any other name, or a pattern with a key infrafix cannot name.
    fn rest_of(&self, name: Located<'tree>) -> Option<(Located<'tree>, Vec<String>)> {
        let Declaration::Destructured {
            declarator,
            constant: true,
        } = self.declaration_of(name)
        else {
            return None;
        };
        let pattern = declarator
            .field("name")
            .filter(|pattern| kind_of(*pattern) == "object_pattern")?;
        let mut withheld = Vec::new();
        let mut binds_rest = false;
        for member in named_children(pattern) {
            let key = match kind_of(member) {
                "rest_pattern" => {
                    binds_rest = member
                        .named_child(0)
                        .is_some_and(|bound| self.text(name.with(bound)) == self.text(name));
                    continue;
                }
                "comment" => continue,
                "shorthand_property_identifier_pattern" => self.text(name.with(member)).to_owned(),
                "object_assignment_pattern" => self.text(name.with(member.field("left")?)).to_owned(),
                "pair_pattern" => self.property_key(name.with(member.field("key")?))?,
                _ => return None,
            };
            withheld.push(key);
        }
        binds_rest.then_some((self.unwrapped(name.with(declarator.field("value")?)), withheld))
    }

    /// The property `key` of the object a call passes for a construct's props, as the construct
    /// hands it on: `None` where the construct withholds the key.
    pub(super) fn handed_on_property(&self, passed: &PassedProps<'tree>, key: &str) -> Option<PropertyValue<'tree>> {
        if passed.withheld.iter().any(|withheld| withheld == key) {
            return None;
        }
        self.property(passed.object, key)
    }

    /// The calls and `new` expressions of the project that reach a named function (declared, or
    /// an arrow or function expression a const holds), a class's constructor or static method
    /// (`TenantApi.getInstance(…)`), or a private method (see `private_methods`); `None` when
    /// callers cannot name it.
    pub(super) fn call_sites(&self, function: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        let Some(callee) = self.callee(function) else {
            return self.private_method_calls(function);
        };
        let mut sites = Vec::new();
        for file in 0..self.files().len() {
            let spellings: Vec<String> = if file == function.file {
                vec![callee.name.clone()]
            } else {
                callee
                    .exported_as
                    .as_ref()
                    .map(|exported| self.spellings_in(file, function.file, exported))
                    .unwrap_or_default()
            };
            let spellings = spellings.into_iter().map(|spelled| match &callee.static_method {
                Some(method) => format!("{spelled}.{method}"),
                None => spelled,
            });
            for spelled in spellings {
                let calls = self
                    .call_index(file)
                    .by_callee
                    .get(&spelled)
                    .cloned()
                    .unwrap_or_default();
                sites.extend(
                    calls
                        .into_iter()
                        .filter_map(|range| self.call_at(file, range))
                        .map(|call| Located { file, node: call })
                        .filter(|call| self.calls_this(*call, &callee, function.file)),
                );
            }
        }
        Some(sites)
    }

    /// How callers reach a function or a class, with the name an export list of a top-level one
    /// gives it (`class GoService {…}` then `export { GoService }`). Exported under two names,
    /// it keeps the first: its calls are then not all seen, since the second name's are not
    /// looked for.
    fn callee(&self, function: Located<'tree>) -> Option<Callee<'tree>> {
        let mut callee = callee_of(function.node, self.file(function.file).text)?;
        if callee.scope != self.root(function.file) {
            return Some(callee);
        }
        // `export class GoService` is in the table too, as its one name.
        let names = self.names_exported_for(function.file, &callee.name);
        if callee.exported_as.is_none() {
            callee.exported_as = names.first().cloned();
            // Under two names, the lists' mentions stay uncounted: calls are then not all seen.
            callee.listed_for_export = usize::from(names.len() == 1);
        }
        Some(callee)
    }

    /// How `file` spells a call of the export `exported` of `module`: by the local name of an
    /// import of it (from its module, or from a barrel passing it on), and through each namespace
    /// import of a module exporting it (`roles.lambdaRole`).
    fn spellings_in(&self, file: usize, module: usize, exported: &str) -> Vec<String> {
        let imports = self.callee_imports(file, module, exported);
        let through_namespaces = imports
            .namespaces
            .into_iter()
            .flat_map(|(namespace, names)| names.into_iter().map(move |name| format!("{namespace}.{name}")));
        imports.named.into_iter().chain(through_namespaces).collect()
    }

    /// How `file` imports the export `exported` of `home` (see `CalleeImports`).
    fn callee_imports(&self, file: usize, home: usize, exported: &str) -> CalleeImports {
        let declares = |module: usize, name: &str| module == home && name == exported;
        let mut imports = CalleeImports::default();
        for binding in &self.file(file).imports {
            let Some(module) = self.imported_file(file, &binding.module) else {
                continue;
            };
            match &binding.kind {
                ImportKind::Named { imported } => {
                    if self.declaring_module(module, imported, &declares).is_some() {
                        imports.named.push(binding.local.clone());
                    }
                }
                ImportKind::Namespace => {
                    let names = self.names_exporting(module, &declares);
                    if !names.is_empty() {
                        imports.namespaces.push((binding.local.clone(), names));
                    }
                }
            }
        }
        imports
    }

    /// Whether `sites` are all the calls the project makes of a function: every mention of its
    /// name outside types is its declaration, one import of it by name, or the callee of one of
    /// them. A mention anywhere else (a subclass, the function passed as a value) may stand for
    /// calls not seen, as may a module that exports it reached other than by an import or a
    /// re-export (`require`, `export * as`). A type (`Service[]`) calls nothing.
    pub(super) fn all_calls_seen(&self, function: Located<'tree>, sites: &[Located<'tree>]) -> bool {
        let home = function.file;
        let Some(callee) = self.callee(function) else {
            // A private method's calls are found only when they are all known.
            return self.private_method_calls(function).is_some();
        };
        // A static method is also called as `this.method(…)` in the class's other static
        // methods, and its class's name is read for much else: its calls are not counted.
        if callee.static_method.is_some() {
            return false;
        }
        (0..self.files().len()).all(|file| {
            let calls_here = sites.iter().filter(|site| site.file == file).count();
            let through_a_namespace = sites
                .iter()
                .filter(|site| site.file == file && self.called_through_a_namespace(**site))
                .count();
            let named_calls = calls_here - through_a_namespace;
            if file == home {
                // A class's own name is a type: its declaration is the one mention types may hold.
                let declared_as_type = usize::from(callee.named_as_a_type);
                return self.value_mentions(file, &callee.name) + declared_as_type
                    == named_calls + 1 + callee.listed_for_export;
            }
            let Some(exported) = &callee.exported_as else {
                return true;
            };
            let imports = self.callee_imports(file, home, exported);
            let named_mentions: usize = imports.named.iter().map(|name| self.value_mentions(file, name)).sum();
            // Each import is one mention of its name that calls nothing, as is each export list
            // passing it on (`export { worker }`), whose importers are looked at in turn.
            let passed_on: usize = imports
                .named
                .iter()
                .map(|name| self.names_exported_for(file, name).len())
                .sum();
            !self.reaches_exporter_otherwise(file, home, exported)
                && named_mentions == named_calls + imports.named.len() + passed_on
                && self.namespace_calls_seen(file, &imports.namespaces, sites)
        })
    }

    /// Whether every use of each of the namespaces (a local name, and the names its module exports
    /// the function under) is a member read (`roles.x`), and each read of the function is the
    /// callee of one of `sites`: the namespace handed on whole (`register(roles)`) or the function
    /// read without a call may be called where infrafix does not see it. Counted in the text, so
    /// that a mention in a comment or a string also makes the calls unknown rather than missed.
    fn namespace_calls_seen(
        &self,
        file: usize,
        namespaces: &[(String, Vec<String>)],
        sites: &[Located<'tree>],
    ) -> bool {
        let text = self.file(file).text;
        namespaces.iter().all(|(namespace, names)| {
            let member_reads = occurrences(text, &format!("{namespace}."));
            let reads_of_function: usize = names
                .iter()
                .map(|name| occurrences(text, &format!("{namespace}.{name}")))
                .sum();
            let calls = sites
                .iter()
                .filter(|site| site.file == file && self.called_through(**site, namespace))
                .count();
            // The import itself is the one mention that reads no member.
            self.value_mentions(file, namespace) == member_reads + 1 && reads_of_function == calls
        })
    }

    /// Whether a call's callee is a member of the namespace named `namespace` (`roles.make(…)`).
    fn called_through(&self, call: Located<'tree>, namespace: &str) -> bool {
        call.node
            .field("function")
            .or_else(|| call.node.field("constructor"))
            .filter(|callee| kind_of(*callee) == "member_expression")
            .and_then(|callee| callee.field("object"))
            .is_some_and(|object| self.text(call.with(object)) == namespace)
    }

    /// Whether `file` names, other than in an import or a re-export that call look-ups follow, a
    /// module that exports the export `exported` of `home` (see `reaches_module_otherwise`).
    fn reaches_exporter_otherwise(&self, file: usize, home: usize, exported: &str) -> bool {
        let declares = |module: usize, name: &str| module == home && name == exported;
        self.modules_reached_otherwise(file)
            .into_iter()
            .any(|module| !self.reexports_from(file, module) && !self.names_exporting(module, &declares).is_empty())
    }

    /// The project modules a file names other than in its import statements: re-exports
    /// (`export * from`, `export { x } from`), `import()`; not a side-effect import.
    fn modules_reached_otherwise(&self, file: usize) -> Vec<usize> {
        let imports = &self.file(file).imports;
        // `import "./workers"` runs the module and names nothing of it, so it calls nothing.
        let mut side_effect_only = self.file(file).side_effect_imports.clone();
        self.module_specifiers(file)
            .filter(|specifier| !imports.iter().any(|binding| binding.module == *specifier))
            .filter(
                |specifier| match side_effect_only.iter().position(|module| module == specifier) {
                    Some(position) => {
                        side_effect_only.swap_remove(position);
                        false
                    }
                    None => true,
                },
            )
            .filter_map(|specifier| self.imported_file(file, specifier))
            .collect()
    }

    /// Whether a call's callee is a member of a namespace import (`roles.lambdaRole(…)`).
    fn called_through_a_namespace(&self, call: Located<'tree>) -> bool {
        call.node
            .field("function")
            .or_else(|| call.node.field("constructor"))
            .is_some_and(|callee| kind_of(callee) == "member_expression")
    }

    /// Whether a file reaches a module other than by importing names or a namespace from it: a
    /// re-export (`export * from`, `export { x } from`), or a `require` or dynamic `import()`
    /// that binds no name infrafix follows.
    pub(super) fn reaches_module_otherwise(&self, file: usize, module: usize) -> bool {
        self.modules_reached_otherwise(file).contains(&module)
    }

    /// Whether a call whose callee spells the function's name calls that function: in its own
    /// module, from inside the block that declares it and with no nearer declaration of the name
    /// (a helper of the same name in another scope is another function); elsewhere, through the
    /// import that names it.
    fn calls_this(&self, call: Located<'tree>, callee: &Callee<'tree>, home: usize) -> bool {
        let Some(name) = call.node.field("function").or_else(|| call.node.field("constructor")) else {
            return false;
        };
        let mut name = Located {
            file: call.file,
            node: name,
        };
        // `TenantApi.getInstance(…)`: the class is named where a function would be.
        if let Some(method) = &callee.static_method {
            let class = (kind_of(name.node) == "member_expression")
                .then(|| name.node.field("object"))
                .flatten()
                .filter(|object| kind_of(*object) == "identifier");
            let calls_method = name
                .node
                .field("property")
                .is_some_and(|property| self.text(name.with(property)) == method);
            match class {
                Some(class) if calls_method => name = name.with(class),
                _ => return false,
            }
        } else if kind_of(name.node) == "member_expression" {
            // `roles.lambdaRole(…)`: through a namespace import of the function's module.
            let Some(exported) = &callee.exported_as else {
                return false;
            };
            let declares = |module: usize, name: &str| module == home && name == exported;
            return call.file != home
                && self
                    .namespace_member(name)
                    .is_some_and(|(module, member)| self.declaring_module(module, member, &declares).is_some());
        }
        let declaration = self.declaration_of(name);
        if call.file != home {
            return self.imported_name(name, declaration);
        }
        let in_scope = callee.scope.byte_range().contains(&call.node.start_byte());
        let same_binding = match (declaration, callee.declarator) {
            (Declaration::Variable { declarator, .. }, Some(ours)) => declarator == ours,
            // Function and class declarations are not variables: the name must not be one either,
            // nor an import, nor declared again by a block between the call and the function's.
            (Declaration::NotInFile, None) => self.import_of(name).is_none() && !self.redeclared_between(call, callee),
            _ => false,
        };
        in_scope && same_binding
    }

    /// Whether a block around the call, inside the callee's own scope, declares a function or
    /// class of the callee's name: that one is what the call reaches.
    fn redeclared_between(&self, call: Located<'tree>, callee: &Callee<'tree>) -> bool {
        self.ancestors(call)
            .into_iter()
            .take_while(|block| *block != callee.scope)
            .any(|block| self.block_declaration(call.with(block), &callee.name).is_some())
    }

    /// The function or class declaration named `name` among a block's own statements (exported
    /// or not); `None` for a node that is not a block.
    pub(super) fn block_declaration(&self, block: Located<'tree>, name: &str) -> Option<Node<'tree>> {
        if !scope::BLOCKS.contains(&kind_of(block.node)) {
            return None;
        }
        scope::block_function_or_class(block.node, name, self.file(block.file).text)
    }

    /// The call or `new` expression spanning `range`.
    fn call_at(&self, file: usize, range: Range<usize>) -> Option<Node<'tree>> {
        let mut node = self.root(file).descendant_for_byte_range(range.start, range.end)?;
        while node.byte_range() == range {
            if matches!(kind_of(node), "call_expression" | "new_expression") {
                return Some(node);
            }
            node = node.parent()?;
        }
        None
    }

    fn call_index(&self, file: usize) -> &CallIndex {
        &self.name_facts(file).calls
    }
}

/// One call of a function, and what it passes for one of its parameters (`None`: nothing, so the
/// parameter's default applies).
#[derive(Debug, Clone, Copy)]
pub(super) struct CallArgument<'tree> {
    pub call: Located<'tree>,
    pub argument: Option<Located<'tree>>,
}

/// The object literal a call passes for the props a construct hands on to a resource (see
/// `passed_through_objects`), and the keys the construct takes out of it first.
pub(super) struct PassedProps<'tree> {
    pub call: Located<'tree>,
    pub object: Located<'tree>,
    pub withheld: Vec<String>,
}

/// How a file other than its own imports an exported function or class.
#[derive(Default)]
struct CalleeImports {
    /// The local names of named imports of it, from its module or from a barrel passing it on.
    named: Vec<String>,
    /// Each namespace import of a module exporting it: the namespace's local name, and the names
    /// the module exports it under.
    namespaces: Vec<(String, Vec<String>)>,
}

/// How callers reach a function or a component class.
struct Callee<'tree> {
    name: String,
    /// The name it is exported under (`export function`, `export const f = () => …`, `export class`,
    /// or a list, `export { GoService }`).
    exported_as: Option<String>,
    /// The mentions of its name in its module's export lists (`export { GoService }`): they
    /// call nothing.
    listed_for_export: usize,
    /// The block whose statements declare it: calls in its module must lie inside.
    scope: Node<'tree>,
    /// The `const f = …` declarator of an arrow or function expression; `None` for a function or
    /// class declaration.
    declarator: Option<Node<'tree>>,
    /// A class: its declaration spells its name as a type.
    named_as_a_type: bool,
    /// For a class's static method, its name: calls read it from the class (`TenantApi.getInstance`).
    static_method: Option<String>,
}

fn callee_of<'tree>(function: Node<'tree>, text: &str) -> Option<Callee<'tree>> {
    let mut static_method = None;
    let (named, declaration, declarator) = match kind_of(function) {
        "function_declaration" => (function.field("name")?, function, None),
        "method_definition" => {
            let method = function.field("name")?;
            let is_constructor = node_text(method, text) == "constructor";
            let mut cursor = function.walk();
            let is_static = function
                .children(&mut cursor)
                .take_while(|child| *child != method)
                .any(|child| node_text(child, text) == "static");
            if is_static && kind_of(method) == "property_identifier" {
                static_method = Some(node_text(method, text).to_owned());
            }
            let class = function
                .parent()
                .and_then(|body| body.parent())
                .filter(|class| (is_constructor || static_method.is_some()) && kind_of(class) == "class_declaration")?;
            (class.field("name")?, class, None)
        }
        _ => {
            let declarator = function
                .parent()
                .filter(|parent| kind_of(parent) == "variable_declarator")?;
            (declarator.field("name")?, declarator.parent()?, Some(declarator))
        }
    };
    let name = node_text(named, text).to_owned();
    let exported = declaration
        .parent()
        .filter(|parent| kind_of(parent) == "export_statement");
    let scope = exported.unwrap_or(declaration).parent()?;
    Some(Callee {
        exported_as: exported.map(|_| name.clone()),
        listed_for_export: 0,
        name,
        scope,
        declarator,
        named_as_a_type: kind_of(named) == "type_identifier",
        static_method,
    })
}

/// How many `const` destructurings a name may be followed back through to a parameter; ends a
/// pattern that names itself (`const { a } = a`, which scope reading resolves to itself).
const MAX_DESTRUCTURINGS: usize = 16;

/// What a name reads from a function's parameter, as `parameter_read` finds it.
struct ParameterRead<'tree> {
    function: Node<'tree>,
    /// Where the parameter stands in the function's parameter list.
    position: usize,
    /// The properties read from the argument, outermost first; empty for the parameter itself.
    keys: Vec<&'tree str>,
    /// The default a pattern gives the name where the argument lacks its key.
    default: Option<Located<'tree>>,
}

/// A name an object pattern of a parameter binds (`{ runtime = "go1.x" }`, `{ runtime: chosen }`,
/// `{ build: { runtime } }`).
struct Destructured<'tree, 'text> {
    /// Where the parameter stands in the function's parameter list.
    position: usize,
    /// The properties of the argument it reads, outermost first.
    keys: Vec<&'text str>,
    default: Option<Node<'tree>>,
}

/// Where `name` comes from when an object pattern of one of the function's parameters binds it.
fn destructured<'tree, 'text>(
    function: Node<'tree>,
    name: &str,
    text: &'text str,
) -> Option<Destructured<'tree, 'text>> {
    declared_parameters(function)
        .enumerate()
        .find_map(|(position, parameter)| {
            let pattern = parameter
                .field("pattern")
                .filter(|pattern| kind_of(pattern) == "object_pattern")?;
            let (keys, default) = bound_in_pattern(pattern, name, text)?;
            Some(Destructured {
                position,
                keys,
                default,
            })
        })
}

/// The keys an object pattern reads down to the name `name` it binds, and the default it gives
/// there. A level with a default of its own (`{ build: { runtime } = {} }`) is not followed: what
/// it reads then depends on whether the call passes that level.
fn bound_in_pattern<'tree, 'text>(
    pattern: Node<'tree>,
    name: &str,
    text: &'text str,
) -> Option<(Vec<&'text str>, Option<Node<'tree>>)> {
    let spelled = |node: Node| text.get(node.byte_range());
    named_children(pattern).find_map(|member| {
        let (key, bound, default) = match kind_of(member) {
            "shorthand_property_identifier_pattern" => (member, member, None),
            "object_assignment_pattern" => {
                let left = member.field("left")?;
                (left, left, member.field("right"))
            }
            "pair_pattern" => {
                let value = member.field("value")?;
                match kind_of(value) {
                    "assignment_pattern" => (member.field("key")?, value.field("left")?, value.field("right")),
                    _ => (member.field("key")?, value, None),
                }
            }
            _ => return None,
        };
        if kind_of(key) == "computed_property_name" {
            return None;
        }
        let key = spelled(key)?.trim_matches(['"', '\'']);
        if kind_of(bound) == "object_pattern" && default.is_none() {
            let (inner, default) = bound_in_pattern(bound, name, text)?;
            return Some((std::iter::once(key).chain(inner).collect(), default));
        }
        (spelled(bound) == Some(name)).then(|| (vec![key], default))
    })
}

/// A function's parameters, in order, comments and TypeScript's `this: T` (a type, not a
/// parameter) left out.
pub(super) fn declared_parameters(function: Node) -> impl Iterator<Item = Node> {
    function
        .field("parameters")
        .into_iter()
        .flat_map(named_children)
        .filter(|parameter| kind_of(parameter) != "comment")
        .filter(|parameter| {
            parameter
                .field("pattern")
                .is_none_or(|pattern| kind_of(pattern) != "this")
        })
}

/// Where a parameter stands in its function's parameter list; a name a trailing rest pattern
/// binds (`...[args, opts]: Parameters<typeof TenantApi.getInstance>`, a private constructor
/// taking what its factory takes) stands where the argument it receives does.
pub(super) fn parameter_position(function: Node, name: &str, text: &str) -> Option<usize> {
    let spelled = |node: Node| text.get(node.byte_range());
    let parameters: Vec<Node> = declared_parameters(function)
        .map(|parameter| parameter.field("pattern").unwrap_or(parameter))
        .collect();
    if let Some(position) = parameters.iter().position(|pattern| spelled(*pattern) == Some(name)) {
        return Some(position);
    }
    let rest = parameters.last().filter(|rest| kind_of(**rest) == "rest_pattern")?;
    let elements = named_children(*rest)
        .find(|pattern| kind_of(*pattern) == "array_pattern")
        .map(named_children)?
        .filter(|element| kind_of(*element) != "comment");
    for (position, element) in (parameters.len() - 1..).zip(elements) {
        // A default or a nested pattern makes the name more than what the call passes there.
        if kind_of(element) != "identifier" {
            return None;
        }
        if spelled(element) == Some(name) {
            return Some(position);
        }
    }
    None
}

/// How many times `spelled` stands in `text` as a whole name (not the end of a longer one, and
/// for a member read not the start of a longer member: `roles.lambdaRole` is not in
/// `myroles.lambdaRoles`).
fn occurrences(text: &str, spelled: &str) -> usize {
    let is_name = |character: char| character.is_alphanumeric() || character == '_' || character == '$';
    text.match_indices(spelled)
        .filter(|(start, _)| !text[..*start].ends_with(is_name))
        .filter(|(start, _)| spelled.ends_with('.') || !text[start + spelled.len()..].starts_with(is_name))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::typescript::test_support::with_program;

    /// The arguments passed for the `runtime` parameter of the function starting at `marker`.
    fn passed(program: &Program, marker: &str) -> Vec<String> {
        let text = program.file(0).text;
        let start = text.find(marker).expect("marker present");
        let runtime = start + text[start..].find("runtime").expect("a runtime parameter");
        let node = program
            .root(0)
            .descendant_for_byte_range(runtime, runtime)
            .expect("a node");
        program
            .parameter_sources(Located { file: 0, node })
            .unwrap_or_default()
            .into_iter()
            .map(|source| program.text(source).to_owned())
            .collect()
    }

    #[test]
    fn only_calls_that_reach_the_function_pass_it_values() {
        let index = "import { make as build } from \"./lib\";\n\
            function make(runtime: string) { return runtime; }\n\
            const helper = (runtime: string) => runtime;\n\
            make(\"go1.x\");\n\
            helper(\"python3.8\");\n\
            build(\"nodejs16.x\");\n\
            function outer() {\n  function make(runtime: string) { return runtime; }\n  make(\"ruby2.7\");\n}\n\
            function shadowed(make: (r: string) => string) { return make(\"java8\"); }\n";
        let lib = "export function make(runtime: string) { return runtime; }\nmake(\"dotnet6\");\n";
        with_program(&[("index.ts", index), ("lib.ts", lib)], |program| {
            assert_eq!(passed(program, "function make"), vec!["\"go1.x\""]);
            assert_eq!(passed(program, "const helper"), vec!["\"python3.8\""]);
            assert_eq!(passed(program, "  function make"), vec!["\"ruby2.7\""]);
        });
        with_program(&[("lib.ts", lib), ("index.ts", index)], |program| {
            let mut found = passed(program, "export function make");
            found.sort();
            assert_eq!(found, vec!["\"dotnet6\"", "\"nodejs16.x\""]);
        });
    }

    #[test]
    fn a_nested_pattern_reads_each_level_the_call_writes_out() {
        let cases = [
            ("function make({ build: { runtime } }) { return runtime; }\nmake({ build: { runtime: \"go1.x\" } });\nmake({ build: { \"runtime\": \"java8\" } });\n", vec!["\"go1.x\"", "\"java8\""]),
            ("function make({ build: { runtime } }) { return runtime; }\nconst build = { runtime: \"go1.x\" };\nmake({ build });\n", vec!["\"go1.x\""]),
            // A call that does not write the outer level out, or a level with a default.
            ("function make({ build: { runtime } }) { return runtime; }\nmake({ build: settings });\n", vec![]),
            ("function make({ build: { runtime } = {} }) { return runtime; }\nmake({ build: { runtime: \"go1.x\" } });\n", vec![]),
        ];
        for (text, expected) in cases {
            with_program(&[("index.ts", text)], |program| {
                assert_eq!(passed(program, "return"), expected, "{text}");
            });
        }
    }

    #[test]
    fn a_const_destructuring_a_parameter_reads_what_each_call_passes() {
        let cases = [
            ("function make(spec) { const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\nmake({ runtime: \"java8\" });\n", vec!["\"go1.x\"", "\"java8\""]),
            // From a property of the parameter, through two consts, and from a pattern's name.
            ("function make(spec) { const { runtime } = spec.build; return runtime; }\nmake({ build: { runtime: \"go1.x\" } });\n", vec!["\"go1.x\""]),
            ("function make(spec) { const { build } = spec; const { runtime } = build; return runtime; }\nmake({ build: { runtime: \"go1.x\" } });\n", vec!["\"go1.x\""]),
            ("function make({ build }) { const { runtime } = build; return runtime; }\nmake({ build: { runtime: \"go1.x\" } });\n", vec!["\"go1.x\""]),
            // A call leaving it out takes the pattern's default, which is no call's argument.
            ("function make(spec) { const { runtime = \"go1.x\" } = spec; return runtime; }\nmake({});\nmake({ runtime: \"java8\" });\n", vec!["\"java8\""]),
            // A `let` assigned again, and a level with a default, are not followed; a `let` never
            // assigned again is.
            ("function make(spec) { let { runtime } = spec; runtime ||= \"java8\"; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec![]),
            ("function make(spec) { let { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec!["\"go1.x\""]),
            ("function make({ build = {} }) { const { runtime } = build; return runtime; }\nmake({ build: { runtime: \"go1.x\" } });\n", vec![]),
            // A parameter the function assigns or changes, itself or through a helper, no longer
            // holds what the call passes; a helper that only reads it changes nothing.
            ("function make(spec) { spec = { ...spec }; const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec![]),
            ("function make({ runtime }) { runtime ??= \"java8\"; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec![]),
            ("function fill(s) { s.runtime = \"java8\"; }\nfunction make(spec) { fill(spec); const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec![]),
            ("function make(spec) { const { runtime = \"java8\" } = spec ?? {}; return runtime; }\nmake({ runtime: \"go1.x\" });\nmake();\n", vec!["\"go1.x\""]),
            ("function make(spec) { const a = spec ?? {}; const { runtime } = a; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec!["\"go1.x\""]),
            ("function make(spec) { const a = spec; a.runtime = \"java8\"; const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec![]),
            // Written through an alias or a callback, or handed to code not followed while read
            // as an object; a string handed anywhere stays what the call passed.
            ("function make(spec) { [spec].forEach(s => { s.runtime = \"java8\"; }); const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec![]),
            ("function make(spec) { registry.add(spec); const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec![]),
            ("function make(runtime) { registry.add(runtime); const copy = [runtime]; return runtime; }\nmake(\"go1.x\");\n", vec!["\"go1.x\""]),
            ("function make(spec) { spec = spec ?? {}; const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec!["\"go1.x\""]),
            ("function show(s) { return JSON.stringify(s); }\nfunction make(spec) { show(spec); const { runtime } = spec; return runtime; }\nmake({ runtime: \"go1.x\" });\n", vec!["\"go1.x\""]),
        ];
        for (text, expected) in cases {
            with_program(&[("index.ts", text)], |program| {
                assert_eq!(passed(program, "return runtime"), expected, "{text}");
            });
        }
    }
}
