//! Where values come from: the literals and package constants behind an expression, through
//! consts (also across the project's own modules), defaults (`a ?? "x"`), conditionals, and
//! object spreads. What cannot be known is left out, never guessed.

use std::borrow::Cow;
use std::rc::Rc;

use tree_sitter::Node;

use super::facts::{MemberKind, ObjectMember};
use super::scope::Declaration;
use super::{named_children, Exported, ImportKind, Located, PackageMember, Program, ResourceDecl};
use crate::syntax::{kind_of, Fields};

/// How many consts a value may be followed through; ends cycles such as `const a = b, b = a`.
const MAX_HOPS: usize = 16;

/// How many functions up an object handed on whole from parameter to parameter is followed.
const MAX_HANDED_ON: usize = 4;

/// A place a string value is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringOrigin<'tree> {
    /// A string literal, or a template literal without substitutions; `value` is its content.
    Literal { at: Located<'tree>, value: String },
    /// An export of a package named by the expression: an enum member or a constant.
    PackageMember { at: Located<'tree>, member: PackageMember },
}

impl<'tree> StringOrigin<'tree> {
    pub fn at(&self) -> Located<'tree> {
        match self {
            Self::Literal { at, .. } | Self::PackageMember { at, .. } => *at,
        }
    }
}

/// A read of the stack's configuration a value may come from.
pub(super) struct ConfigOrigin<'tree> {
    pub read: Located<'tree>,
    /// What a condition on the way rules out (`rt === "go1.x" ? "provided.al2023" : rt` reads no
    /// `go1.x` from `rt`), whatever a stack sets.
    pub ruled_out: Vec<String>,
}

/// What [`Program::collect_origins`] finds.
#[derive(Default)]
struct Origins<'tree> {
    strings: Vec<StringOrigin<'tree>>,
    /// The reads of the stack's configuration met, when asked for.
    config_reads: Option<Vec<ConfigOrigin<'tree>>>,
}

impl<'tree> Origins<'tree> {
    fn add_config_read(&mut self, program: &Program<'tree>, at: Located<'tree>) {
        if let Some(reads) = self.config_reads.as_mut() {
            if program.config_read(at).is_some() {
                reads.push(ConfigOrigin {
                    read: at,
                    ruled_out: Vec::new(),
                });
            }
        }
    }

    /// An empty collection asking what this one asks.
    fn same_questions(&self) -> Self {
        Origins {
            strings: Vec::new(),
            config_reads: self.config_reads.as_ref().map(|_| Vec::new()),
        }
    }

    /// Adds what `narrowed` found, but for the strings in `ruled_out`.
    fn add_narrowed(&mut self, narrowed: Origins<'tree>, ruled_out: &[String]) {
        let possible = |origin: &StringOrigin| origin.known_value().is_none_or(|value| !ruled_out.contains(&value));
        self.strings.extend(narrowed.strings.into_iter().filter(possible));
        if let (Some(reads), Some(narrowed_reads)) = (self.config_reads.as_mut(), narrowed.config_reads) {
            reads.extend(narrowed_reads.into_iter().map(|mut origin| {
                origin.ruled_out.extend_from_slice(ruled_out);
                origin
            }));
        }
    }
}

/// A property of an object literal, as found by [`Program::property`].
#[derive(Debug, Clone, Copy)]
pub struct PropertyValue<'tree> {
    /// The `pair` (or shorthand property) that sets the property.
    pub property: Located<'tree>,
    pub value: Located<'tree>,
    /// The object literal that holds the property: the one asked about, or one spread into it.
    pub object: Located<'tree>,
}

impl<'tree> Program<'tree> {
    /// The literals and package members an expression's string value may come from.
    pub fn string_origins(&self, at: Located<'tree>) -> Vec<StringOrigin<'tree>> {
        let mut origins = Origins::default();
        self.collect_origins(at, 0, &mut origins);
        origins.strings
    }

    /// The literals and package members an expression's string value may come from, and the
    /// reads of the stack's configuration it may come from (`config.require("runtime")`, also
    /// through consts and defaults), whose values the stack files give.
    pub(super) fn string_and_config_origins(
        &self,
        at: Located<'tree>,
    ) -> (Vec<StringOrigin<'tree>>, Vec<ConfigOrigin<'tree>>) {
        let mut origins = Origins {
            strings: Vec::new(),
            config_reads: Some(Vec::new()),
        };
        self.collect_origins(at, 0, &mut origins);
        (origins.strings, origins.config_reads.unwrap_or_default())
    }

    fn collect_origins(&self, at: Located<'tree>, hops: usize, out: &mut Origins<'tree>) {
        if hops > MAX_HOPS {
            return;
        }
        let at = self.unwrapped(at);
        let node = at.node;
        match kind_of(node) {
            "string" | "template_string" => {
                if let Some(value) = self.string_value(at) {
                    out.strings.push(StringOrigin::Literal { at, value });
                }
            }
            // What the program's own function returns (one value per `return`), or a read of the
            // stack's configuration.
            "call_expression" => match self.call_results(at) {
                Some(returned) => {
                    for value in returned {
                        self.collect_origins(value, hops + 1, out);
                    }
                }
                None => out.add_config_read(self, at),
            },
            "binary_expression" if is_fallback(node) => {
                for side in ["left", "right"].iter().filter_map(|field| node.field(field)) {
                    self.collect_origins(at.with(side), hops, out);
                }
            }
            "ternary_expression" => {
                let condition = node.field("condition").map(|condition| at.with(condition));
                for (field, holds) in [("consequence", true), ("alternative", false)] {
                    let Some(branch) = node.field(field).map(|branch| at.with(branch)) else {
                        continue;
                    };
                    let ruled_out = condition
                        .map(|condition| self.ruled_out(condition, holds, branch))
                        .unwrap_or_default();
                    if ruled_out.is_empty() {
                        self.collect_origins(branch, hops, out);
                    } else {
                        let mut narrowed = out.same_questions();
                        self.collect_origins(branch, hops, &mut narrowed);
                        out.add_narrowed(narrowed, &ruled_out);
                    }
                }
            }
            "identifier" | "member_expression" | "shorthand_property_identifier" | "subscript_expression" => {
                if let Some(member) = self.package_member(at) {
                    out.strings.push(StringOrigin::PackageMember { at, member });
                    return;
                }
                let values = match self.const_value(at) {
                    Some(value) => vec![value],
                    None => self.member_values(at, true),
                };
                if !values.is_empty() {
                    for value in values {
                        self.collect_origins(value, hops + 1, out);
                    }
                } else if !self.visit_element_sources(at, |source| self.collect_origins(source, hops + 1, out)) {
                    // `runtimes[pulumi.getStack()]`: any entry of the record.
                    if let Some(entries) = self.entries_a_computed_key_picks(at) {
                        for value in entries {
                            self.collect_origins(value, hops + 1, out);
                        }
                        return;
                    }
                    // A parameter (or a property of one): what each call site passes.
                    let sources = self.parameter_member_sources(at);
                    if sources.is_empty() {
                        // `build?.runtime` of `const build = config.getObject("build")`, or a
                        // name destructured from one.
                        out.add_config_read(self, at);
                    }
                    for source in sources {
                        self.collect_origins(source, hops + 1, out);
                    }
                }
            }
            // The CDK's `new lambda.Runtime("go1.x", …)` is the runtime its string names.
            "new_expression" => {
                if let Some(id) = self.runtime_constructor_id(at) {
                    self.collect_origins(id, hops + 1, out);
                }
            }
            _ => {}
        }
    }

    /// The one literal or package member an expression's value is, when it can be nothing else:
    /// no default (`??`, `||`) or conditional on the way, only parentheses, assertions and consts.
    /// Whoever must know that two values are equal (a list that may not name a runtime twice) can
    /// compare only these.
    pub fn sole_string_origin(&self, at: Located<'tree>) -> Option<StringOrigin<'tree>> {
        let mut current = at;
        for _ in 0..=MAX_HOPS {
            current = self.unwrapped(current);
            match kind_of(current.node) {
                "string" | "template_string" => {
                    let value = self.string_value(current)?;
                    return Some(StringOrigin::Literal { at: current, value });
                }
                "identifier" | "member_expression" => match self.package_member(current) {
                    Some(member) => return Some(StringOrigin::PackageMember { at: current, member }),
                    None => current = self.const_value(current)?,
                },
                "new_expression" => current = self.runtime_constructor_id(current)?,
                _ => return None,
            }
        }
        None
    }

    /// The expression a value is written as, where the program writes it: through parentheses,
    /// assertions, consts (also exported by another module) and properties of const object
    /// literals; the expression itself when it is none of those. Two expressions that lead to the
    /// same place hold the same value even when it is only known at run time (a config read).
    pub fn written_value(&self, at: Located<'tree>) -> Located<'tree> {
        let mut current = self.unwrapped(at);
        for _ in 0..MAX_HOPS {
            if self.package_member(current).is_some() {
                break;
            }
            let next = match kind_of(current.node) {
                "identifier" | "shorthand_property_identifier" => self.const_value(current),
                "member_expression" | "subscript_expression" => self.member_value(current, true),
                _ => None,
            };
            match next {
                Some(next) => current = self.unwrapped(next),
                None => break,
            }
        }
        current
    }

    /// `[…].join(separator)` (the separator `","` when none is given), with the separator and each
    /// part read by `read`; `None` when `call` is not such a call or `read` cannot read a part.
    pub(super) fn joined(
        &self,
        call: Located<'tree>,
        read: impl Fn(Located<'tree>) -> Option<String>,
    ) -> Option<String> {
        let (parts, "join") = self.method_call(call)? else {
            return None;
        };
        let separator = match self.call_arguments(call).as_slice() {
            [] => ",".to_owned(),
            [separator] => read(*separator)?,
            _ => return None,
        };
        let parts = self
            .array_values(self.written_value(parts))?
            .into_iter()
            .map(read)
            .collect::<Option<Vec<String>>>()?;
        Some(parts.join(&separator))
    }

    /// The content of a string literal or substitution-free template literal; `None` when it has
    /// escapes or substitutions (its value is then not written out in the source).
    pub fn string_value(&self, at: Located<'tree>) -> Option<String> {
        let node = at.node;
        if !matches!(kind_of(node), "string" | "template_string") {
            return None;
        }
        if named_children(node).any(|child| kind_of(child) != "string_fragment") {
            return None;
        }
        let text = self.text(at);
        Some(text.get(1..text.len().saturating_sub(1))?.to_owned())
    }

    /// The initializer of the `const` an identifier names: in its file's scopes, or exported by
    /// the project module it was imported from.
    pub fn const_value(&self, identifier: Located<'tree>) -> Option<Located<'tree>> {
        self.initializer(identifier, true)
    }

    /// The initializer of the `const` an identifier names, when this identifier is the only place
    /// that reads it: declared in the same file, not exported, and named nowhere else in the file.
    /// Only then may an edit to the initializer serve this use alone.
    pub fn const_value_read_only_here(&self, identifier: Located<'tree>) -> Option<Located<'tree>> {
        let Declaration::Variable {
            declarator,
            constant: true,
        } = self.declaration_of(identifier)
        else {
            return None;
        };
        let exported = declared_by_export(declarator);
        let declared_and_read_once = self.mentions(identifier.file, self.text(identifier)) == 2;
        (!exported && declared_and_read_once)
            .then(|| declarator.field("value"))
            .flatten()
            .map(|node| Located {
                file: identifier.file,
                node,
            })
    }

    /// The initializer of the `const` an identifier names, and whether other code reads that
    /// `const` too (so that editing the initializer would change more than this use).
    /// `None` when code changes the const's object after declaring it (see
    /// `changed_after_declaration`): what the declaration writes is then not what is read.
    pub fn const_value_and_sharing(&self, identifier: Located<'tree>) -> Option<(Located<'tree>, bool)> {
        let found = match self.const_value_read_only_here(identifier) {
            Some(initializer) => (initializer, false),
            None => (self.const_value(identifier)?, true),
        };
        (!self.changed_after_declaration(identifier, found.0)).then_some(found)
    }

    /// A resource's arguments object when it serves that resource alone: written in the `new`
    /// call, or in a `const` of the same file that nothing else reads. Only these may be edited
    /// on the resource's behalf.
    pub fn own_arguments(&self, resource: &ResourceDecl<'tree>) -> Option<Located<'tree>> {
        let written = self.unwrapped(resource.args()?);
        let object = match kind_of(written.node) {
            "identifier" => self.unwrapped(self.const_value_read_only_here(written)?),
            _ => written,
        };
        (kind_of(object.node) == "object").then_some(object)
    }

    /// The initializer of the variable an identifier names (`const`, or `let` and `var` too when
    /// `only_const` is false), in its file or in the project module it was imported from (through
    /// that module's re-exports).
    pub(crate) fn initializer(&self, identifier: Located<'tree>, only_const: bool) -> Option<Located<'tree>> {
        if !matches!(kind_of(identifier.node), "identifier" | "shorthand_property_identifier") {
            return None;
        }
        let declaration = self.declaration_of(identifier);
        if let Some((value, path)) = self.destructured_in(identifier, declaration, only_const) {
            return self.value_at(value, &path);
        }
        let (declarator, constant) = self.variable_declared_by(identifier, declaration)?;
        (constant || !only_const)
            .then(|| declarator.node.field("value"))
            .flatten()
            .map(|node| declarator.with(node))
    }

    /// The declarator of the variable an identifier names, and whether it is a `const`: in its
    /// file's scopes, or exported by the project module it was imported from.
    pub(crate) fn declared_variable(&self, identifier: Located<'tree>) -> Option<(Located<'tree>, bool)> {
        if !matches!(kind_of(identifier.node), "identifier" | "shorthand_property_identifier") {
            return None;
        }
        self.variable_declared_by(identifier, self.declaration_of(identifier))
    }

    /// The declarator `declaration` (what `identifier` refers to) stands for, as
    /// `declared_variable` gives it.
    fn variable_declared_by(
        &self,
        identifier: Located<'tree>,
        declaration: Declaration<'tree>,
    ) -> Option<(Located<'tree>, bool)> {
        if let Declaration::Variable { declarator, constant } = declaration {
            return Some((identifier.with(declarator), constant));
        }
        if !self.imported_name(identifier, declaration) {
            return None;
        }
        let binding = self.import_of(identifier)?;
        let ImportKind::Named { imported } = &binding.kind else {
            return None;
        };
        let exporter = self.imported_file(identifier.file, &binding.module)?;
        match self.exported(exporter, imported)? {
            Exported::Variable {
                file,
                declarator,
                constant,
            } => Some((Located { file, node: declarator }, constant)),
            Exported::Function { .. } | Exported::Namespace { .. } => None,
        }
    }

    /// Whether an identifier, declared by `declaration`, names an import: one no scope of its
    /// file declares, or one destructured from `require(…)`.
    pub(super) fn imported_name(&self, identifier: Located<'tree>, declaration: Declaration<'tree>) -> bool {
        match declaration {
            Declaration::NotInFile => true,
            Declaration::Destructured { .. } => self.import_of(identifier).is_some(),
            _ => false,
        }
    }

    /// What a member expression evaluates to, where the program writes it: an export of a project
    /// module reached through a namespace (`iam.processorRole`, `config.runtime`), or a property of
    /// an object literal (`queues.dlq`, `settings.runtime`). `None` for anything else (a resource's
    /// output, a value computed at run time).
    pub fn member_value(&self, at: Located<'tree>, only_const: bool) -> Option<Located<'tree>> {
        let (object, property) = self.member_read(at)?;
        let property = property.as_ref();
        if let Some(module) = self.namespace_module(object) {
            return match self.exported(module, property)? {
                Exported::Variable {
                    file,
                    declarator,
                    constant,
                } => (constant || !only_const)
                    .then(|| declarator.field("value"))
                    .flatten()
                    .map(|node| Located { file, node }),
                Exported::Function { .. } | Exported::Namespace { .. } => None,
            };
        }
        if let Some(found) = self.property(object, property) {
            return Some(found.value);
        }
        if let Some(value) = self.static_field_value(object, property, only_const) {
            return Some(value);
        }
        if let Some(value) = self.enum_member_value(object, property) {
            return Some(value);
        }
        // `make(…).role`, or `audit.role` after `const audit = make(…)`: a property of the object
        // the project's helper returns (`return { role, logs }`).
        let returned = self.call_result(self.written_value(object))?;
        self.property(returned, property).map(|found| found.value)
    }

    /// What a member expression may evaluate to, where the program writes it: `member_value`'s one
    /// value, or, for a property of what a helper returns from several places
    /// (`settings(stack).runtime`, with a `return { runtime: … }` per stack), that property of
    /// each returned object that sets it. Empty when it cannot be known.
    pub fn member_values(&self, at: Located<'tree>, only_const: bool) -> Vec<Located<'tree>> {
        if let Some(value) = self.member_value(at, only_const) {
            return vec![value];
        }
        let Some((object, property)) = self.member_read(at) else {
            return Vec::new();
        };
        let returned = self.call_results(self.written_value(object)).unwrap_or_default();
        returned
            .into_iter()
            .filter_map(|value| self.property(value, &property).map(|found| found.value))
            .collect()
    }

    /// The object a member expression reads and the property it reads of it (`sizes["ingest"]`
    /// reads what `sizes.ingest` does).
    fn member_read(&self, at: Located<'tree>) -> Option<(Located<'tree>, Cow<'tree, str>)> {
        let at = self.unwrapped(at);
        let object = at.with(at.node.field("object")?);
        let property = match kind_of(at.node) {
            "member_expression" => Cow::Borrowed(self.text(at.with(at.node.field("property")?))),
            "subscript_expression" => Cow::Owned(self.string_value(at.with(at.node.field("index")?))?),
            _ => return None,
        };
        Some((object, property))
    }

    /// The value of a static field of a program's class, read through the class's name
    /// (`NodeFunction.DEFAULT_RUNTIME` for `static readonly DEFAULT_RUNTIME = …`); with
    /// `only_const`, only a `readonly` one, which nothing can change.
    fn static_field_value(&self, class_name: Located<'tree>, field: &str, only_const: bool) -> Option<Located<'tree>> {
        let class_name = self.unwrapped(class_name);
        if kind_of(class_name.node) != "identifier" {
            return None;
        }
        let class = self.class_named(class_name)?;
        let body = class.node.field("body")?;
        named_children(body)
            .filter(|member| kind_of(*member) == "public_field_definition")
            .find(|member| {
                let modifiers: Vec<&str> = member.children(&mut member.walk()).map(kind_of).collect();
                member
                    .field("name")
                    .is_some_and(|name| self.text(class.with(name)) == field)
                    && modifiers.contains(&"static")
                    && (!only_const || modifiers.contains(&"readonly"))
            })
            .and_then(|member| member.field("value"))
            .map(|value| class.with(value))
    }

    /// The value of a member of a program's `enum`, read through the enum's name (`Runtimes.Legacy`
    /// of `enum Runtimes { Legacy = "nodejs16.x" }`); an enum's members are constants.
    fn enum_member_value(&self, enum_name: Located<'tree>, member: &str) -> Option<Located<'tree>> {
        let enum_name = self.unwrapped(enum_name);
        if kind_of(enum_name.node) != "identifier" {
            return None;
        }
        let declaration = self.enum_named(enum_name)?;
        named_children(declaration.node.field("body")?)
            .filter(|assignment| kind_of(*assignment) == "enum_assignment")
            .find(|assignment| {
                assignment.field("name").is_some_and(|name| {
                    let name = declaration.with(name);
                    self.string_value(name).as_deref().unwrap_or(self.text(name)) == member
                })
            })
            .and_then(|assignment| assignment.field("value"))
            .map(|value| declaration.with(value))
    }

    /// For a parameter `p`, the arguments passed for it; for `p.key`, each of those arguments'
    /// `key` property. Empty when they cannot be known.
    pub(super) fn parameter_member_sources(&self, at: Located<'tree>) -> Vec<Located<'tree>> {
        if kind_of(at.node) != "member_expression" {
            return self.parameter_sources(at).unwrap_or_default();
        }
        let (Some(object), Some(property)) = (at.node.field("object"), at.node.field("property")) else {
            return Vec::new();
        };
        let key = self.text(Located {
            file: at.file,
            node: property,
        });
        let object = self.unwrapped(Located {
            file: at.file,
            node: object,
        });
        self.objects_passed_for(object)
            .into_iter()
            .filter_map(|argument| self.property(argument, key).map(|found| found.value))
            .collect()
    }

    /// The arguments passed for a parameter, where a call that hands on a parameter of its own
    /// whole (`new TenantApi(args, opts)` in a `static getInstance(args, opts)`) stands for what
    /// that parameter's callers pass, up to `MAX_HANDED_ON` functions up.
    fn objects_passed_for(&self, parameter: Located<'tree>) -> Vec<Located<'tree>> {
        let mut passed = self.parameter_sources(parameter).unwrap_or_default();
        for _ in 0..MAX_HANDED_ON {
            let forwarded = passed.iter().position(|argument| {
                let argument = self.unwrapped(*argument);
                kind_of(argument.node) == "identifier"
                    && matches!(self.declaration_of(argument), Declaration::Parameter)
            });
            let Some(position) = forwarded else {
                break;
            };
            let callers = self
                .parameter_sources(self.unwrapped(passed[position]))
                .unwrap_or_default();
            passed.splice(position..=position, callers);
        }
        passed
    }

    /// The project module an expression names as a whole: `iam` after `import * as iam from
    /// "./iam"`, or `infra.queues` when the barrel `infra` does `export * as queues from "./queues"`.
    pub fn namespace_module(&self, at: Located<'tree>) -> Option<usize> {
        let at = self.unwrapped(at);
        match kind_of(at.node) {
            "identifier" => {
                let binding = self.import_of(at)?;
                let module = self.imported_file(at.file, &binding.module)?;
                match &binding.kind {
                    ImportKind::Namespace => binding.is_namespace_of_module().then_some(module),
                    ImportKind::Named { imported } => match self.exported(module, imported)? {
                        Exported::Namespace { file } => Some(file),
                        Exported::Variable { .. } | Exported::Function { .. } => None,
                    },
                }
            }
            "member_expression" => {
                let outer = self.namespace_module(Located {
                    file: at.file,
                    node: at.node.field("object")?,
                })?;
                let property = self.text(Located {
                    file: at.file,
                    node: at.node.field("property")?,
                });
                match self.exported(outer, property)? {
                    Exported::Namespace { file } => Some(file),
                    Exported::Variable { .. } | Exported::Function { .. } => None,
                }
            }
            _ => None,
        }
    }

    /// `a ?? b` (or `a || b`) as the value read, `a`, and the default for when it is missing,
    /// `b`; any other expression as itself, without a default.
    pub(super) fn read_and_default(&self, at: Located<'tree>) -> (Located<'tree>, Option<Located<'tree>>) {
        let at = self.unwrapped(at);
        let sides = is_fallback(at.node)
            .then(|| at.node.field("left").zip(at.node.field("right")))
            .flatten();
        match sides {
            Some((left, right)) => (self.unwrapped(at.with(left)), Some(at.with(right))),
            None => (at, None),
        }
    }

    /// `p.key` as the object `p` and the key read from it; any other expression as itself, with
    /// no key. `None` for a member without both parts.
    pub(super) fn object_and_key(&self, read: Located<'tree>) -> Option<(Located<'tree>, Option<&'tree str>)> {
        Some(match kind_of(read.node) {
            "member_expression" => (
                self.unwrapped(read.with(read.node.field("object")?)),
                Some(self.text(read.with(read.node.field("property")?))),
            ),
            _ => (read, None),
        })
    }

    /// `args` in `args ?? {}` or `args || {}`: an empty object in place of a missing value reads
    /// as that value does, every key missing. `None` for anything else.
    pub(super) fn empty_fallback_of(&self, at: Located<'tree>) -> Option<Located<'tree>> {
        let at = self.unwrapped(at);
        let node = at.node;
        let falls_back = is_fallback(node)
            && node
                .field("right")
                .is_some_and(|right| kind_of(right) == "object" && right.named_child_count() == 0);
        falls_back
            .then(|| node.field("left"))
            .flatten()
            .map(|left| at.with(left))
    }

    /// The expression inside parentheses, type assertions and non-null assertions.
    pub(crate) fn unwrapped(&self, mut at: Located<'tree>) -> Located<'tree> {
        loop {
            let inner = match kind_of(at.node) {
                "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression" => {
                    at.node.named_child(0)
                }
                // `<aws.lambda.FunctionArgs>{ … }`: the type comes first.
                "type_assertion" => at.node.named_children(&mut at.node.walk()).last(),
                // The grammar reads `{ … } as aws.lambda.FunctionArgs` as the member `FunctionArgs`
                // of `{ … } as aws.lambda`. A member of a real assertion needs parentheses, so
                // this shape is always the split type.
                "member_expression" => at
                    .node
                    .child(0)
                    .filter(|object| matches!(kind_of(*object), "as_expression" | "satisfies_expression")),
                _ => None,
            };
            match inner {
                Some(node) => at = at.with(node),
                None => return at,
            }
        }
    }

    /// The object literal an expression evaluates to, looking through parentheses, type assertions
    /// and consts.
    pub fn object_literal(&self, at: Located<'tree>) -> Option<Located<'tree>> {
        let mut current = at;
        for _ in 0..MAX_HOPS {
            current = self.unwrapped(current);
            match kind_of(current.node) {
                "object" => return Some(current),
                "identifier" | "shorthand_property_identifier" => {
                    let value = self.const_value(current)?;
                    if self.changed_after_declaration(current, value) {
                        return None;
                    }
                    current = value;
                }
                "member_expression" | "subscript_expression" => current = self.member_value(current, true)?,
                _ => return None,
            }
        }
        None
    }

    /// Whether an expression is `undefined`: a parameter given it takes its default, and a
    /// resource argument set to it is not set.
    pub(super) fn is_undefined(&self, at: Located<'tree>) -> bool {
        let at = self.unwrapped(at);
        matches!(kind_of(at.node), "undefined" | "identifier") && self.text(at) == "undefined"
    }

    /// The property `name` of an object (the last one set wins, as in JavaScript), looking into
    /// objects spread into it.
    pub fn property(&self, object: Located<'tree>, name: &str) -> Option<PropertyValue<'tree>> {
        let object = self.object_literal(object)?;
        let here = |node| Located {
            file: object.file,
            node,
        };
        for member in self.object_members(object).iter().rev() {
            let matches = match &member.kind {
                MemberKind::Pair(key) | MemberKind::Shorthand(key) => key == name,
                MemberKind::Spread => true,
                MemberKind::Other | MemberKind::Comment => false,
            };
            if !matches {
                continue;
            }
            let node = object.node.named_child(u32::try_from(member.index).ok()?)?;
            match member.kind {
                MemberKind::Pair(_) => {
                    return Some(PropertyValue {
                        property: here(node),
                        value: here(node.field("value")?),
                        object,
                    })
                }
                MemberKind::Shorthand(_) => {
                    return Some(PropertyValue {
                        property: here(node),
                        value: here(node),
                        object,
                    })
                }
                _ => {
                    if let Some(found) = node.named_child(0).and_then(|spread| self.property(here(spread), name)) {
                        return Some(found);
                    }
                }
            }
        }
        None
    }

    /// Whether an object surely has no property `name`: every member is written out (no spread,
    /// computed key or method) and none is `name`.
    pub fn surely_lacks(&self, object: Located<'tree>, name: &str) -> bool {
        let Some(object) = self.object_literal(object) else {
            return false;
        };
        self.object_members(object).iter().all(|member| match &member.kind {
            MemberKind::Pair(key) | MemberKind::Shorthand(key) => key != name,
            MemberKind::Comment => true,
            MemberKind::Spread | MemberKind::Other => false,
        })
    }

    /// Whether an object literal (or the const object `object` names) writes `name` itself.
    pub fn surely_sets(&self, object: Located<'tree>, name: &str) -> bool {
        self.object_literal(object).is_some_and(|object| {
            self.object_members(object).iter().any(|member| match &member.kind {
                MemberKind::Pair(key) | MemberKind::Shorthand(key) => key == name,
                MemberKind::Comment | MemberKind::Spread | MemberKind::Other => false,
            })
        })
    }

    /// Whether a spread infrafix cannot read (`...props`) comes after whatever sets `name` in the
    /// object, or in the const object it spreads that sets it: what is written for `name` is then
    /// only a default the spread object may replace, as `{ runtime: X, ...props }` takes the
    /// caller's runtime when it passes one.
    pub fn replaceable_by_later_spread(&self, object: Located<'tree>, name: &str) -> bool {
        self.replaceable_within(object, name, 0)
    }

    fn replaceable_within(&self, object: Located<'tree>, name: &str, hops: usize) -> bool {
        let Some(object) = self.object_literal(object) else {
            return false;
        };
        for member in self.object_members(object).iter().rev() {
            match &member.kind {
                MemberKind::Pair(key) | MemberKind::Shorthand(key) if key == name => return false,
                MemberKind::Spread => {
                    let Some(value) = u32::try_from(member.index)
                        .ok()
                        .and_then(|index| object.node.named_child(index))
                        .and_then(|spread| spread.named_child(0))
                    else {
                        return false;
                    };
                    let value = object.with(value);
                    if self.property(value, name).is_some() {
                        return hops < MAX_HOPS && self.replaceable_within(value, name, hops + 1);
                    }
                    if self.object_literal(value).is_none() {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// A spread of the object literal that may set any property unseen: it spreads a value that is
    /// no object literal infrafix can read (`...opts`, a parameter), directly or in a spread object.
    pub fn unread_spread(&self, object: Located<'tree>) -> Option<Located<'tree>> {
        self.unread_spread_within(object, 0)
    }

    fn unread_spread_within(&self, object: Located<'tree>, hops: usize) -> Option<Located<'tree>> {
        let members = self.object_members(object);
        for member in members.iter().filter(|member| member.kind == MemberKind::Spread) {
            let spread = object.with(object.node.named_child(u32::try_from(member.index).ok()?)?);
            let Some(value) = spread.node.named_child(0) else {
                continue;
            };
            match self.object_literal(spread.with(value)) {
                Some(inner) if hops < MAX_HOPS => {
                    if let Some(hidden) = self.unread_spread_within(inner, hops + 1) {
                        return Some(hidden);
                    }
                }
                _ => return Some(spread),
            }
        }
        None
    }

    /// The members of an object literal, read once per file text.
    pub(super) fn object_members(&self, object: Located<'tree>) -> Rc<[ObjectMember]> {
        let facts = self.file(object.file).facts;
        if let Some(known) = facts.object_members.borrow().get(&object.node.start_byte()) {
            return Rc::clone(known);
        }
        let here = |node| Located {
            file: object.file,
            node,
        };
        let members: Rc<[ObjectMember]> = named_children(object.node)
            .enumerate()
            .map(|(index, member)| ObjectMember {
                index,
                kind: match kind_of(member) {
                    "pair" => member
                        .field("key")
                        .and_then(|key| self.property_key(here(key)))
                        .map_or(MemberKind::Other, MemberKind::Pair),
                    "shorthand_property_identifier" => MemberKind::Shorthand(self.text(here(member)).to_owned()),
                    "spread_element" => MemberKind::Spread,
                    "comment" => MemberKind::Comment,
                    _ => MemberKind::Other,
                },
            })
            .collect();
        facts
            .object_members
            .borrow_mut()
            .insert(object.node.start_byte(), Rc::clone(&members));
        members
    }

    pub(super) fn property_key(&self, key: Located<'tree>) -> Option<String> {
        match kind_of(key.node) {
            "property_identifier" => Some(self.text(key).to_owned()),
            "string" => self.string_value(key),
            _ => None,
        }
    }
}

impl<'tree> Program<'tree> {
    /// The number an expression holds, and where it is written: a numeric literal, possibly
    /// negative, through parentheses and consts. `None` when it is not a known number.
    pub fn number_value(&self, at: Located<'tree>) -> Option<(i64, Located<'tree>)> {
        let mut current = at;
        for _ in 0..MAX_HOPS {
            current = self.unwrapped(current);
            match kind_of(current.node) {
                "number" => return Some((self.text(current).replace('_', "").parse().ok()?, current)),
                "unary_expression" => {
                    let operand = Located {
                        file: current.file,
                        node: current.node.field("argument")?,
                    };
                    let operator = current.node.field("operator").map(|op| {
                        self.text(Located {
                            file: current.file,
                            node: op,
                        })
                    });
                    return match (operator, self.number_value(operand)) {
                        (Some("-"), Some((value, _))) => Some((-value, current)),
                        _ => None,
                    };
                }
                "identifier" | "shorthand_property_identifier" => {
                    let value = self.const_value(current)?;
                    if self.changed_after_declaration(current, value) {
                        return None;
                    }
                    current = value;
                }
                "member_expression" | "subscript_expression" => current = self.member_value(current, true)?,
                _ => return None,
            }
        }
        None
    }

    /// The largest number an expression may hold, and where that one is written: a number as
    /// `number_value` reads it, or the larger side of `cond ? a : b` (through consts), when both
    /// sides are known. For sums that must hold whichever side a deployment takes.
    pub fn largest_number_value(&self, at: Located<'tree>) -> Option<(i64, Located<'tree>)> {
        self.largest_number_within(at, 0)
    }

    /// `largest_number_value` with `hops` of the budget spent: a helper that calls itself
    /// (`return level > 3 ? 100 : reservedFor(level + 1)`) ends there, unknown.
    fn largest_number_within(&self, at: Located<'tree>, mut hops: usize) -> Option<(i64, Located<'tree>)> {
        let mut current = at;
        while hops < MAX_HOPS {
            hops += 1;
            current = self.unwrapped(current);
            match kind_of(current.node) {
                "ternary_expression" => {
                    let side = |field| {
                        let node = current.node.field(field)?;
                        self.largest_number_within(current.with(node), hops)
                    };
                    let (consequence, alternative) = (side("consequence")?, side("alternative")?);
                    return Some(if alternative.0 > consequence.0 {
                        alternative
                    } else {
                        consequence
                    });
                }
                "identifier" | "shorthand_property_identifier" => match self.number_value(current) {
                    Some(known) => return Some(known),
                    None => current = self.const_value(current)?,
                },
                // A property, or a call, of what a helper returns from several places: the
                // largest of them, when every one is known.
                "member_expression" | "subscript_expression" | "call_expression" => {
                    let values = match kind_of(current.node) {
                        "call_expression" => self.call_results(current)?,
                        _ => self.member_values(current, true),
                    };
                    return values
                        .into_iter()
                        .map(|value| self.largest_number_within(value, hops))
                        .collect::<Option<Vec<_>>>()?
                        .into_iter()
                        .max_by_key(|(value, _)| *value);
                }
                // `config.getNumber("reserved") ?? 500`: the default is what deploys where no
                // stack sets the key.
                "binary_expression" => {
                    current = match self.stack_config_default(current) {
                        Some(default) => current.with(default),
                        None => self.fallback_taken(current)?,
                    }
                }
                _ => return self.number_value(current),
            }
        }
        None
    }
}

impl<'tree> Program<'tree> {
    /// The side of `a ?? b` (or `a || b`) a known `a` makes the value: `b` where `a` gives way
    /// (see `gives_way`), `a` where it is a number that does not. `None` when `a` is not known.
    fn fallback_taken(&self, fallback: Located<'tree>) -> Option<Located<'tree>> {
        if !is_fallback(fallback.node) {
            return None;
        }
        let node = fallback.node;
        let read = fallback.with(node.field("left")?);
        let or = node.field("operator").is_some_and(|operator| kind_of(operator) == "||");
        if self.gives_way(read, or) {
            return Some(fallback.with(node.field("right")?));
        }
        self.number_value(read).map(|_| read)
    }

    /// Whether a value read before `??` gives way to the default: `undefined` or `null` does,
    /// and, before `||` (`or`), `0` too, as JavaScript reads them.
    pub(super) fn gives_way(&self, value: Located<'tree>, or: bool) -> bool {
        let value = self.unwrapped(value);
        self.is_undefined(value)
            || kind_of(value.node) == "null"
            || (or && self.number_value(value).is_some_and(|(number, _)| number == 0))
    }
}

/// Whether an expression is `a ?? b` or `a || b`: either side may be its value.
pub(super) fn is_fallback(expression: Node) -> bool {
    kind_of(expression) == "binary_expression"
        && expression
            .field("operator")
            .is_some_and(|operator| matches!(kind_of(operator), "??" | "||"))
}

/// Whether a variable declarator is part of an `export const …` statement.
pub(super) fn declared_by_export(declarator: Node) -> bool {
    declarator
        .parent()
        .and_then(|declaration| declaration.parent())
        .is_some_and(|statement| kind_of(statement) == "export_statement")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::typescript::test_support::with_program;

    fn runtime_origins(program: &Program) -> Vec<String> {
        let resource = &program.resources()[0];
        let value = program
            .property(resource.args().expect("has args"), "runtime")
            .expect("has runtime")
            .value;
        program
            .string_origins(value)
            .iter()
            .map(|origin| match origin {
                StringOrigin::Literal { value, .. } => value.clone(),
                StringOrigin::PackageMember { member, .. } => member.path.join("."),
            })
            .collect()
    }

    #[test]
    fn follows_defaults_conditionals_and_consts() {
        let text = "import * as aws from \"@pulumi/aws\";\nconst RT = `go1.x`;\nnew aws.lambda.Function(\"f\", { runtime: args.runtime ?? (prod ? RT : aws.lambda.Runtime.Python3d8) });\n";
        with_program(&[("index.ts", text)], |program| {
            assert_eq!(runtime_origins(program), vec!["go1.x", "lambda.Runtime.Python3d8"]);
        });
    }

    #[test]
    fn follows_consts_exported_by_other_modules_and_spreads() {
        let index = "import { lambda } from \"@pulumi/aws\";\nimport { common } from \"./shared\";\nnew lambda.Function(\"f\", { ...common, handler: \"main\" });\n";
        let shared = "import * as aws from \"@pulumi/aws\";\nexport const RT = \"go1.x\";\nexport const common = { runtime: RT };\n";
        with_program(&[("index.ts", index), ("shared.ts", shared)], |program| {
            assert!(program.resources()[0].is_aws(&["lambda", "Function"]));
            assert_eq!(runtime_origins(program), vec!["go1.x"]);
        });
    }

    #[test]
    fn follows_namespace_imports_barrels_object_properties_and_shorthands() {
        let index = "import * as aws from \"@pulumi/aws\";\nimport * as settings from \"./settings\";\nimport { runtimes } from \"./lib\";\nconst runtime = runtimes.go;\nnew aws.lambda.Function(\"f\", { runtime });\nnew aws.lambda.Function(\"g\", { runtime: settings.legacy.runtime });\n";
        let lib = "export * from \"./settings\";\n";
        let settings = "export const runtimes = { go: \"go1.x\" };\nexport const legacy = { runtime: `nodejs16.x` };\n";
        with_program(
            &[
                ("index.ts", index),
                ("lib/index.ts", lib),
                ("settings.ts", settings),
                ("lib/settings.ts", settings),
            ],
            |program| {
                let origins: Vec<Vec<String>> = program
                    .resources()
                    .iter()
                    .map(|resource| {
                        let value = program
                            .property(resource.args().expect("args"), "runtime")
                            .expect("runtime");
                        program
                            .string_origins(value.value)
                            .into_iter()
                            .map(|origin| match origin {
                                StringOrigin::Literal { at, value } => format!("{}:{value}", at.file),
                                StringOrigin::PackageMember { member, .. } => member.path.join("."),
                            })
                            .collect()
                    })
                    .collect();
                assert_eq!(
                    origins,
                    vec![vec!["3:go1.x".to_owned()], vec!["2:nodejs16.x".to_owned()]]
                );
            },
        );
    }

    #[test]
    fn follows_modules_bound_by_require() {
        // `import x = require(…)` and `const x = require(…)` both bind the module object.
        let index = "import * as aws from \"@pulumi/aws\";\nimport settings = require(\"./settings\");\nconst shared = require(\"./settings\");\nnew aws.lambda.Function(\"f\", { runtime: settings.legacy.runtime });\nnew aws.lambda.Function(\"g\", { runtime: shared.legacy.runtime });\n";
        let settings = "export const legacy = { runtime: \"go1.x\" };\n";
        with_program(&[("index.ts", index), ("settings.ts", settings)], |program| {
            for resource in program.resources() {
                let value = program
                    .property(resource.args().expect("args"), "runtime")
                    .expect("runtime");
                let origins: Vec<String> = program
                    .string_origins(value.value)
                    .into_iter()
                    .map(|origin| match origin {
                        StringOrigin::Literal { at, value } => format!("{}:{value}", at.file),
                        StringOrigin::PackageMember { member, .. } => member.path.join("."),
                    })
                    .collect();
                assert_eq!(origins, vec!["1:go1.x".to_owned()]);
            }
        });
    }

    #[test]
    fn parameters_and_lets_assigned_again_are_not_followed() {
        let text = "import * as aws from \"@pulumi/aws\";\nlet RT = \"go1.x\";\nif (process.env.JAVA) { RT = \"java8\"; }\nfunction make(rt: string) { return new aws.lambda.Function(\"f\", { runtime: rt }); }\nnew aws.lambda.Function(\"g\", { runtime: RT });\n";
        with_program(&[("index.ts", text)], |program| {
            for resource in program.resources() {
                let value = program
                    .property(resource.args().expect("args"), "runtime")
                    .expect("runtime")
                    .value;
                assert!(program.string_origins(value).is_empty());
            }
        });
    }
}
