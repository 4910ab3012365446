//! References between resources: which resource, and which of its outputs, an expression names:
//! `role`, `role.arn`, `this.role.arn`, a const holding one, a resource exported by another module
//! of the project, and the parameters of `pulumi.all([...]).apply(([a, b]) => …)` and
//! `x.arn.apply(a => …)` callbacks, mapped back to the outputs they receive.

use tree_sitter::Node;

use super::branches::is_conditional;
use super::edits::push_merged;
use super::facts::MemberKind;
use super::scope::Declaration;
use super::{cdk, named_children, ImportKind, Located, Package, Program, ResourceBinding};
use crate::cloud::{ResourceRef, ARN};
use crate::fix::Edit;
use crate::syntax::{kind_of, named_descendants, node_text, Fields};

/// How many consts and callback parameters a reference may be followed through.
const MAX_HOPS: usize = 16;

impl<'tree> Program<'tree> {
    /// The resource declared by a `new` expression.
    pub fn resource_at(&self, expression: Located<'tree>) -> Option<usize> {
        self.resource_by_expression
            .get(&(expression.file, expression.node.start_byte()))
            .copied()
    }

    /// The resource (or resource output) the whole expression stands for.
    pub fn denoted_resource(&self, at: Located<'tree>) -> Option<ResourceRef> {
        let key = (at.file, at.node.id());
        if let Some(known) = self.memo.denoted.borrow().get(&key) {
            return known.clone();
        }
        let spelling = self
            .file_wide_spelling(at)
            .map(|spelling| (at.file, spelling.to_owned()));
        if let Some(known) = spelling
            .as_ref()
            .and_then(|spelling| self.memo.denoted_spellings.borrow().get(spelling).cloned())
        {
            return known;
        }
        let found = if self.reads_a_package(at) {
            None
        } else {
            self.denoted(at, 0)
        };
        self.memo.denoted.borrow_mut().insert(key, found.clone());
        // While a collection's elements are followed, nested collections are not: an answer
        // found then may be short, and is not handed to the rest of the file.
        if let Some(spelling) = spelling.filter(|_| !self.memo.following_elements.get()) {
            self.memo.denoted_spellings.borrow_mut().insert(spelling, found.clone());
        }
        found
    }

    /// What an expression stands for in each instance of the code it is written in, where a
    /// single answer does not hold: one answer per element of the collection a loop or callback
    /// runs over (`spec.dlq.arn`, `route.handler.arn`), or per call of the function whose
    /// parameter it reads (`dlq.arn` in a factory). Empty when it reads neither.
    pub(super) fn denoted_per_instance(&self, at: Located<'tree>) -> Vec<Option<ResourceRef>> {
        self.denoted_per_instance_within(at, 0)
    }

    fn denoted_per_instance_within(&self, at: Located<'tree>, hops: usize) -> Vec<Option<ResourceRef>> {
        let at = self.unwrapped(at);
        let per_element = self.denoted_by_each_element(at, hops);
        if !per_element.is_empty() || hops > MAX_HOPS {
            return per_element;
        }
        match kind_of(at.node) {
            "identifier" | "shorthand_property_identifier" => match self.parameter_sources(at) {
                Some(sources) => sources
                    .into_iter()
                    .map(|source| self.denoted(source, hops + 1))
                    .collect(),
                // `const target = dlq.arn` in the factory: what its value reads in each call.
                None => match self.initializer(at, true) {
                    Some(value) => self.denoted_per_instance_within(value, hops + 1),
                    None => Vec::new(),
                },
            },
            "member_expression" => {
                let (Some(object), Some(property)) = (at.node.field("object"), at.node.field("property")) else {
                    return Vec::new();
                };
                let property = self.text(at.with(property));
                let object = self.unwrapped(at.with(object));
                // `args.dlqArn`: the property of each call's options object.
                let passed: Option<Vec<Located<'tree>>> = self.parameter_sources(object).and_then(|sources| {
                    sources
                        .into_iter()
                        .map(|source| self.property(source, property).map(|found| found.value))
                        .collect()
                });
                if let Some(values) = passed {
                    return values.into_iter().map(|value| self.denoted(value, hops + 1)).collect();
                }
                // `route.handler.arn`: the instances give the resource, and each one's output is read.
                self.denoted_per_instance_within(object, hops + 1)
                    .into_iter()
                    .map(|owner| self.attribute_read(owner?, property))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// What reading `property` from what `owner` denotes gives: an output of the resource
    /// (`role.attrArn` is the role's `arn` in the graph); `None` from an output.
    pub(super) fn attribute_read(&self, owner: ResourceRef, property: &str) -> Option<ResourceRef> {
        let declaration = &self.resources()[owner.resource];
        // An SNS topic's id is its ARN (@pulumi/aws: `arn` is "a clone of id").
        let attribute = match property {
            "id" if declaration.is_aws(&["sns", "Topic"]) => ARN,
            _ => cdk::graph_attribute(&declaration.class, property),
        };
        owner.attribute.is_none().then(|| ResourceRef {
            resource: owner.resource,
            attribute: Some(attribute.to_owned()),
            instance: None,
        })
    }

    /// Whether the expression reads a name imported from a package (`aws.lambda.Runtime.Go1dx`,
    /// `pulumi.interpolate`): what a package exports is never a resource the program declares, and
    /// infrastructure code reads packages more often than anything else.
    pub(super) fn reads_a_package(&self, at: Located<'tree>) -> bool {
        let mut name = at.node;
        while kind_of(name) == "member_expression" {
            let Some(object) = name.field("object") else {
                return false;
            };
            name = object;
        }
        kind_of(name) == "identifier"
            && self.import_of(at.with(name)).is_some_and(|binding| {
                !super::modules::is_relative(&binding.module) && self.imported_file(at.file, &binding.module).is_none()
            })
    }

    /// The text a reference means the same by anywhere in its file: a name no scope below the
    /// file's top level binds (`processorRole`), or property reads from one
    /// (`iam.processorRole.arn`). It stands for its top-level declaration or its import wherever
    /// it is written, and a dense module writes the same few many times.
    fn file_wide_spelling(&self, at: Located<'tree>) -> Option<&'tree str> {
        let mut name = at.node;
        while kind_of(name) == "member_expression" {
            name = name.field("object")?;
        }
        let unbound = matches!(kind_of(name), "identifier" | "shorthand_property_identifier")
            && self
                .local_binding(Located {
                    file: at.file,
                    node: name,
                })
                .is_none();
        unbound.then(|| self.text(at))
    }

    pub(super) fn denoted(&self, at: Located<'tree>, hops: usize) -> Option<ResourceRef> {
        self.denoted_as_written(at, hops)
            .or_else(|| self.denoted_by_every_element(at, hops))
    }

    fn denoted_as_written(&self, at: Located<'tree>, hops: usize) -> Option<ResourceRef> {
        if hops > MAX_HOPS {
            return None;
        }
        let at = self.unwrapped(at);
        let here = |node| Located { file: at.file, node };
        match kind_of(at.node) {
            "new_expression" => Some(ResourceRef {
                resource: self.resource_at(at)?,
                attribute: None,
                instance: None,
            }),
            "identifier" | "shorthand_property_identifier" => {
                if let Some(source) = self
                    .callback_parameter_source(at)
                    .or_else(|| self.initializer(at, false))
                {
                    return self.denoted(source, hops + 1);
                }
                // A parameter of a factory: the resource every call site passes.
                self.denoted_by_all(self.parameter_sources(at)?, hops)
            }
            "member_expression" => {
                let object = at.node.field("object")?;
                let property = self.text(here(at.node.field("property")?)).to_owned();
                if kind_of(object) == "this" {
                    return Some(ResourceRef {
                        resource: self.this_field(here(object), &property)?,
                        attribute: None,
                        instance: None,
                    });
                }
                match self.denoted(here(object), hops) {
                    Some(owner) => self.attribute_read(owner, &property),
                    // `iam.processorRole`, `queues.dlq`: the object holds the resource.
                    None => match self.member_value(at, false) {
                        Some(value) => self.denoted(value, hops + 1),
                        None => self.passed_property(at, hops).or_else(|| {
                            // `jobs.role`, a field of an instance of a class of the project.
                            Some(ResourceRef {
                                resource: self.instance_field(at)?,
                                attribute: None,
                                instance: None,
                            })
                        }),
                    },
                }
            }
            "call_expression" => {
                let function = at.node.field("function")?;
                // `workQueue(this, "Invoices")`: what the project's helper returns.
                if let Some(returned) = self.call_result(at) {
                    return self.denoted(returned, hops + 1);
                }
                let argument = named_children(at.node.field("arguments")?).next()?;
                // `x.apply(a => a)`: what the callback returns, its parameters mapped back.
                let is_apply = kind_of(function) == "member_expression"
                    && function
                        .field("property")
                        .is_some_and(|p| self.text(here(p)) == "apply");
                if is_apply && kind_of(argument) == "arrow_function" {
                    let body = argument.field("body")?;
                    return self.denoted(here(body), hops + 1);
                }
                // `pulumi.output(role)` is the role.
                self.package_member(here(function))?
                    .is(Package::Pulumi, &["output"])
                    .then_some(())?;
                self.denoted(here(argument), hops)
            }
            _ => None,
        }
    }

    /// Every resource (or output) referenced anywhere inside an expression.
    pub fn referenced_resources(&self, at: Located<'tree>) -> Vec<ResourceRef> {
        let mut found = Vec::new();
        let mut stack = vec![at.node];
        while let Some(node) = stack.pop() {
            let here = Located { file: at.file, node };
            let candidate = matches!(
                kind_of(node),
                "identifier" | "shorthand_property_identifier" | "member_expression" | "new_expression"
            );
            match candidate.then(|| self.denoted_resource(here)).flatten() {
                Some(reference) => found.push(reference),
                None => stack.extend(named_children(node).collect::<Vec<_>>().into_iter().rev()),
            }
        }
        found
    }

    /// For a parameter of a callback given to `.apply`, the expression whose value it receives:
    /// `a` in `x.arn.apply(a => …)` is `x.arn`; `b` in `pulumi.all([x, y]).apply(([a, b]) => …)` is
    /// `y`, and `v` in `pulumi.all([x, y]).apply(v => …)` is `[x, y]`.
    pub(crate) fn callback_parameter_source(&self, identifier: Located<'tree>) -> Option<Located<'tree>> {
        let text = self.file(identifier.file).text;
        let name = node_text(identifier.node, text);
        let function = self.function_declaring_parameter(identifier)?;
        let (target, method) = self.method_receiving(identifier.with(function))?;
        if method != "apply" {
            return None;
        }
        let here = |node| Located {
            file: identifier.file,
            node,
        };
        let parameter = first_parameter_pattern(function)?;
        match kind_of(parameter) {
            // The callback of `pulumi.all([x, y])` receives the values of the list (or object)
            // the call is given, which say more than the call does.
            "identifier" if node_text(parameter, text) == name => {
                Some(self.pulumi_all_argument(here(target)).unwrap_or(here(target)))
            }
            "array_pattern" => {
                let position = named_children(parameter).position(|element| node_text(element, text) == name)?;
                let values = self.pulumi_all_argument(here(target))?;
                let element = named_children(values.node)
                    .filter(|e| kind_of(e) != "comment")
                    .nth(position)?;
                Some(here(element))
            }
            "object_pattern" => {
                let values = self.pulumi_all_argument(here(target))?;
                let key = named_children(parameter).find_map(|property| match kind_of(property) {
                    "shorthand_property_identifier_pattern" if node_text(property, text) == name => {
                        Some(name.to_owned())
                    }
                    "pair_pattern" if property.field("value").is_some_and(|v| node_text(v, text) == name) => {
                        property.field("key").map(|key| node_text(key, text).to_owned())
                    }
                    _ => None,
                })?;
                self.property(values, &key).map(|found| found.value)
            }
            _ => None,
        }
    }

    /// The array or object literal handed to `pulumi.all(...)`.
    fn pulumi_all_argument(&self, call: Located<'tree>) -> Option<Located<'tree>> {
        if kind_of(call.node) != "call_expression" {
            return None;
        }
        let function = self.package_member(Located {
            file: call.file,
            node: call.node.field("function")?,
        })?;
        function.is(Package::Pulumi, &["all"]).then_some(())?;
        let argument = named_children(call.node.field("arguments")?).next()?;
        matches!(kind_of(argument), "array" | "object").then_some(Located {
            file: call.file,
            node: argument,
        })
    }

    /// The resource a class assigns to `this.name` (`this.role = new aws.iam.Role(…)`).
    fn this_field(&self, this: Located<'tree>, name: &str) -> Option<usize> {
        let class = self
            .ancestors(this)
            .into_iter()
            .find(|node| matches!(kind_of(node), "class_declaration" | "class"))?;
        self.class_field(this.with(class), name)
    }

    /// `props.invoices` read from a parameter: the resource every call passes as that property,
    /// when they agree (a stack's props handing it another stack's queue).
    fn passed_property(&self, member: Located<'tree>, hops: usize) -> Option<ResourceRef> {
        self.denoted_by_all(self.parameter_member_sources(member), hops)
    }

    /// The resource every one of `values` stands for (see `agreed`).
    fn denoted_by_all(&self, values: Vec<Located<'tree>>, hops: usize) -> Option<ResourceRef> {
        agreed(values.into_iter().map(|value| self.denoted(value, hops + 1)))
    }

    /// The resource an instance of one of the project's classes holds in a field:
    /// `jobs.role` where `const jobs = new Job(…)` and `Job` assigns `this.role = new …`.
    fn instance_field(&self, member: Located<'tree>) -> Option<usize> {
        let object = member.with(member.node.field("object")?);
        let name = self.text(member.with(member.node.field("property")?));
        let instance = match kind_of(object.node) {
            "new_expression" => object,
            _ => self.initializer(object, true)?,
        };
        let class = instance.with(instance.node.field("constructor")?);
        if kind_of(instance.node) != "new_expression" || kind_of(class.node) != "identifier" {
            return None;
        }
        self.class_field(self.class_named(class)?, name)
    }

    /// The class declaration an identifier names: in its file, or declared by the project module
    /// its import leads to, under whatever name that module exports it.
    pub(super) fn class_named(&self, identifier: Located<'tree>) -> Option<Located<'tree>> {
        self.top_level_named(identifier, "class_declaration")
    }

    /// The top-level `enum` an identifier names, in its file or where an import of it leads.
    pub(super) fn enum_named(&self, identifier: Located<'tree>) -> Option<Located<'tree>> {
        self.top_level_named(identifier, "enum_declaration")
    }

    /// The top-level declaration of kind `kind` an identifier names, in its file or, through
    /// barrels and default exports (`import Job from "./job"`), where an import of it leads.
    fn top_level_named(&self, identifier: Located<'tree>, kind: &str) -> Option<Located<'tree>> {
        let declares = |file: usize, name: &str| self.top_level_declared(file, kind, name).is_some();
        let (file, name) = match self.import_of(identifier) {
            Some(binding) => match &binding.kind {
                ImportKind::Named { imported } => self.declaring_module(
                    self.imported_file(identifier.file, &binding.module)?,
                    imported,
                    &declares,
                )?,
                ImportKind::Namespace => return None,
            },
            None => (identifier.file, self.text(identifier).to_owned()),
        };
        self.top_level_declared(file, kind, &name)
            .map(|node| Located { file, node })
    }

    /// The resource a class assigns to `this.name` anywhere in its body.
    fn class_field(&self, class: Located<'tree>, name: &str) -> Option<usize> {
        self.resource_at(self.assigned_field(class, name)?)
    }

    /// The value a class assigns to its field `name` (`this.name = value`), the first found.
    pub(super) fn assigned_field(&self, class: Located<'tree>, name: &str) -> Option<Located<'tree>> {
        let body = class.node.field("body")?;
        let text = self.file(class.file).text;
        let mut stack = vec![body];
        while let Some(node) = stack.pop() {
            if kind_of(node) == "assignment_expression" {
                let target = node.field("left").filter(|left| kind_of(left) == "member_expression");
                let assigns_field = target.is_some_and(|target| {
                    target.field("object").is_some_and(|object| kind_of(object) == "this")
                        && target.field("property").is_some_and(|p| node_text(p, text) == name)
                });
                if let (true, Some(value)) = (assigns_field, node.field("right")) {
                    return Some(class.with(value));
                }
            }
            stack.extend(named_children(node));
        }
        None
    }
}

impl<'tree> Program<'tree> {
    /// The name by which code at `place` refers to `resource` (`queue`, `this.queue`, or the local
    /// name it is imported under). A resource whose bare statement nothing keeps is bound to a
    /// `const` first: that edit goes into `edits`. `Err` says why it cannot be named without moving
    /// code (the resource is declared after it, in a block it cannot see, or in a module its file
    /// does not import it from).
    pub fn name_resource_at(
        &self,
        resource: usize,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<String, String> {
        // Where the resource's own name is hidden or out of reach, a local const, or a property of
        // a parameter the callers fill with it, may still hold it.
        self.name_resource_as_declared(resource, place, edits)
            .or_else(|reason| {
                self.const_holding(resource, place)
                    .or_else(|| self.parameter_property_holding(resource, place))
                    .ok_or(reason)
            })
    }

    fn name_resource_as_declared(
        &self,
        resource: usize,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<String, String> {
        let declaration = &self.resources()[resource];
        let shown = self.display_name(resource);
        if let Some(parameter) = self.parameter_holding(resource, place) {
            return Ok(parameter);
        }
        if let Some(held) = self.helper_result_holding(resource, place) {
            return Ok(held);
        }
        if declaration.file != place.file {
            let (name, imported) = self.name_from_other_module(resource, place.file)?;
            if self.reference_hidden_at(&name, place, self.root(place.file)) {
                return Err(format!(
                    "{shown} would be named `{name}` here, which means something else (a parameter, a loop variable or an inner declaration)"
                ));
            }
            imported.into_iter().for_each(|edit| push_merged(edits, edit));
            return Ok(name);
        }
        let visible = declaration
            .statement
            .parent()
            .is_some_and(|block| block.byte_range().contains(&place.node.start_byte()));
        if !visible && self.instances(resource) != Some(1) {
            return Err(format!(
                "{shown} is made more than once (in a loop, or by a function called more than once), and this code cannot name the one it needs"
            ));
        }
        if !visible {
            return Err(format!(
                "{shown} is declared in a block this code cannot see (a loop, a function, a class)"
            ));
        }
        if declaration.statement.start_byte() > place.node.start_byte() {
            return Err(format!("{shown} is declared further down; move it up first"));
        }
        if !self.runs_after(place, declaration.statement) {
            return Err(format!(
                "{shown} is declared after code that may call the function this code is in (here, or in a module this one loads first), so it may not be set yet when it runs"
            ));
        }
        match (&declaration.binding, declaration.reference()) {
            // Two declarations of one name (a redeclaration TypeScript rejects): the name could
            // mean either, and a fix that adds it would change nothing it can check.
            (ResourceBinding::Variable { name, .. }, _) if self.declarations_named(declaration.file, name) > 1 => {
                Err(format!("{shown} is declared more than once in its file"))
            }
            (_, Some(name)) => {
                let hidden = declaration
                    .statement
                    .parent()
                    .is_some_and(|block| self.reference_hidden_at(&name, place, block));
                match hidden {
                    true => Err(format!(
                        "{shown} would be named `{name}` here, which means something else (a parameter, a loop variable or an inner declaration)"
                    )),
                    false => Ok(name),
                }
            }
            (ResourceBinding::Unbound, None) => {
                let name = self.binding_name(resource);
                edits.push(self.bind_to_const(declaration.statement(), &name));
                Ok(name)
            }
            _ => Err(format!(
                "{shown} is written inside another expression (an argument, an array, a callback), so no name refers to it alone"
            )),
        }
    }
}

impl<'tree> Program<'tree> {
    /// A parameter of a function around `place` that every caller passes `resource` for: inside a
    /// factory, the resource's name there.
    fn parameter_holding(&self, resource: usize, place: Located<'tree>) -> Option<String> {
        let wanted = ResourceRef {
            resource,
            attribute: None,
            instance: None,
        };
        self.ancestors(place)
            .into_iter()
            .filter_map(|node| node.field("parameters"))
            .flat_map(named_children)
            .map(|parameter| parameter.field("pattern").unwrap_or(parameter))
            .filter(|pattern| kind_of(pattern) == "identifier")
            .find(|pattern| {
                self.denoted_resource(Located {
                    file: place.file,
                    node: *pattern,
                }) == Some(wanted.clone())
            })
            .map(|pattern| node_text(pattern, self.file(place.file).text).to_owned())
    }
}

impl<'tree> Program<'tree> {
    /// A property of a parameter of a function around `place` that every caller fills with
    /// `resource` (`args.deadLetters` in a component's constructor, `props.failures` in a CDK
    /// stack's), as that function's own code reads it: its text. A component constructed once with
    /// a queue of a module that imports the component's could otherwise not be named there. A
    /// read through `?.` or `!`, or under a condition, may rely on narrowing a type that allows
    /// `undefined`, which code elsewhere in the function does not get, so it is not taken.
    fn parameter_property_holding(&self, resource: usize, place: Located<'tree>) -> Option<String> {
        let wanted = Some(ResourceRef {
            resource,
            attribute: None,
            instance: None,
        });
        self.ancestors(place)
            .into_iter()
            .filter(|node| node.field("parameters").is_some())
            .find_map(|function| {
                let body = function.field("body")?;
                let read = named_descendants(function)
                    .filter(|node| kind_of(*node) == "member_expression")
                    .map(|node| place.with(node))
                    .find(|read| {
                        self.reads_a_parameter_property(*read, function)
                            && !self.read_as_maybe_undefined(*read)
                            && !self.read_under_condition(*read, function)
                            && self.denoted_resource(*read) == wanted
                    })?;
                let name = self.text(read).to_owned();
                (!self.reference_hidden_at(&name, place, body)).then_some(name)
            })
    }

    /// Whether `read` is a chain of properties (`props.queues.failures`) of a parameter of
    /// `function`, none of them read through `?.`.
    fn reads_a_parameter_property(&self, read: Located<'tree>, function: Node<'tree>) -> bool {
        let mut object = read.node;
        while kind_of(object) == "member_expression" {
            if named_children(object).any(|child| kind_of(child) == "optional_chain") {
                return false;
            }
            match object.field("object") {
                Some(inner) => object = inner,
                None => return false,
            }
        }
        kind_of(object) == "identifier" && self.function_declaring_parameter(read.with(object)) == Some(function)
    }

    /// Whether a condition between `function` and `read` decides whether it is read (an `if`, a
    /// ternary, `&&`, `||`, `??`, a `switch` case).
    fn read_under_condition(&self, read: Located<'tree>, function: Node<'tree>) -> bool {
        self.ancestors(read)
            .into_iter()
            .take_while(|node| *node != function)
            .any(is_conditional)
    }

    /// A `const` of a function's or loop's block around `place`, declared before it, that stands
    /// for `resource` in every run (`const { deadLetters } = options` in a factory whose callers
    /// all give the same queue): its name, when no scope in between binds it again. A later
    /// reference to it in the block says what it stands for.
    fn const_holding(&self, resource: usize, place: Located<'tree>) -> Option<String> {
        let wanted = Some(ResourceRef {
            resource,
            attribute: None,
            instance: None,
        });
        let text = self.file(place.file).text;
        self.ancestors(place)
            .into_iter()
            .filter(|block| kind_of(*block) == "statement_block")
            .find_map(|block| {
                super::scope::block_variables(block, text)
                    .filter(|(name, declarator, constant)| {
                        *constant && self.const_readable_at(*declarator, name, place)
                    })
                    .find_map(|(name, declarator, _)| {
                        let references: Vec<Located<'tree>> = named_descendants(block)
                            .filter(|node| node.start_byte() >= declarator.end_byte() && kind_of(*node) == "identifier")
                            .filter(|node| node_text(*node, text) == name)
                            .map(|node| place.with(node))
                            .filter(|reference| match self.declaration_of(*reference) {
                                Declaration::Variable { declarator: read, .. }
                                | Declaration::Destructured { declarator: read, .. } => read == declarator,
                                _ => false,
                            })
                            .collect();
                        // `deadLetters?.arn`, `deadLetters!.arn`: its type allows `undefined`, and a
                        // new `deadLetters.arn` would not compile.
                        let maybe_undefined = references
                            .iter()
                            .any(|reference| self.read_as_maybe_undefined(*reference));
                        let denotes = references
                            .first()
                            .is_some_and(|reference| self.denoted_resource(*reference) == wanted);
                        (denotes && !maybe_undefined).then(|| name.to_owned())
                    })
            })
    }

    /// Whether code reads a name as one that may be `undefined`: `name?.x`, `name!`.
    fn read_as_maybe_undefined(&self, reference: Located<'tree>) -> bool {
        self.parent(reference).is_some_and(|holder| match kind_of(holder) {
            "non_null_expression" => true,
            "member_expression" => {
                holder.field("object") == Some(reference.node)
                    && named_children(holder).any(|child| kind_of(child) == "optional_chain")
            }
            _ => false,
        })
    }

    /// A `const` declared before `place` in a block around it that holds what a helper returned,
    /// when that is the resource (`const reader = rawBucketReader(this, role)`) or an object
    /// holding it (`audit.role` after `const audit = makeRole("audit")` returning `{ role, logs }`).
    /// Only for a resource made once: a helper called twice returns one declaration for two
    /// resources.
    fn helper_result_holding(&self, resource: usize, place: Located<'tree>) -> Option<String> {
        if self.instances(resource) != Some(1) {
            return None;
        }
        let wanted = Some(ResourceRef {
            resource,
            attribute: None,
            instance: None,
        });
        let here = |node| Located { file: place.file, node };
        self.ancestors(place)
            .into_iter()
            .filter(|block| super::scope::BLOCKS.contains(&kind_of(block)))
            .find_map(|block| {
                self.helper_results(here(block))
                    .iter()
                    .take_while(|held| held.statement_end <= place.node.start_byte())
                    .find_map(|held| {
                        let name = self.text(here(held.name));
                        if self.denoted_resource(here(held.value)) == wanted {
                            return Some(name.to_owned());
                        }
                        let key = self.returned_member_denoting(here(held.value), wanted.as_ref()?)?;
                        Some(format!("{name}.{key}"))
                    })
            })
    }

    /// The property of the object literal a call's helper returns that holds `wanted`.
    fn returned_member_denoting(&self, call: Located<'tree>, wanted: &ResourceRef) -> Option<String> {
        let returned = self.object_literal(self.call_result(call)?)?;
        self.object_members(returned).iter().find_map(|member| {
            let (MemberKind::Pair(key) | MemberKind::Shorthand(key)) = &member.kind else {
                return None;
            };
            let value = self.property(returned, key)?.value;
            (self.denoted_resource(value).as_ref() == Some(wanted)).then(|| key.clone())
        })
    }

    /// The consts of a block that hold what a call returned (`const reader = rawBucketReader(this,
    /// role)`), in the block's order: every fix naming a resource in the block asks for them.
    fn helper_results(&self, block: Located<'tree>) -> HelperResults<'tree> {
        let key = (block.file, block.node.id());
        if let Some(known) = self.memo.helper_results.borrow().get(&key) {
            return std::rc::Rc::clone(known);
        }
        let held: Vec<HelperResult> = named_children(block.node)
            .filter(|statement| kind_of(statement) == "lexical_declaration")
            .flat_map(|statement| {
                named_children(statement).filter_map(move |declarator| {
                    let name = declarator.field("name")?;
                    let value = declarator.field("value")?;
                    (kind_of(name) == "identifier" && kind_of(value) == "call_expression").then_some(HelperResult {
                        statement_end: statement.end_byte(),
                        name,
                        value,
                    })
                })
            })
            .collect();
        let held = std::rc::Rc::new(held);
        self.memo
            .helper_results
            .borrow_mut()
            .insert(key, std::rc::Rc::clone(&held));
        held
    }
}

/// The consts of one block that hold what a call returned, in the block's order.
pub(super) type HelperResults<'tree> = std::rc::Rc<Vec<HelperResult<'tree>>>;

/// A const holding what a call returned: its name, the call, and where its statement ends.
pub(super) struct HelperResult<'tree> {
    statement_end: usize,
    name: Node<'tree>,
    value: Node<'tree>,
}

/// The one resource all of `answers` name, when there are some and they agree: one declaration
/// written for several values (a parameter, a loop's element) cannot stand for two resources, and
/// a rule must not act for one of them on all.
pub(super) fn agreed(answers: impl IntoIterator<Item = Option<ResourceRef>>) -> Option<ResourceRef> {
    let mut answers = answers.into_iter();
    let first = answers.next()??;
    answers.all(|other| other.as_ref() == Some(&first)).then_some(first)
}

pub(super) fn first_parameter_pattern(function: Node) -> Option<Node> {
    if let Some(single) = function.field("parameter") {
        return Some(single);
    }
    let parameters = function.field("parameters")?;
    let first = named_children(parameters).next()?;
    first.field("pattern").or(Some(first))
}
