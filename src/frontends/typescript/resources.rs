//! Resource declarations: `new aws.lambda.Function("name", args, opts)` under any import alias,
//! `new lambda.Function(this, "Id", props)`, and the `super(scope, id, props)` of a class
//! extending a CDK function construct.

use tree_sitter::Node;

use super::{cdk, named_children, scope, Located, Package, PackageMember, Program};
use crate::syntax::{kind_of, node_text, Fields, ScanMatch};

/// How the program holds on to a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceBinding {
    /// `const fn = new …` (or `let`, `var`), possibly exported.
    Variable { name: String, exported: bool },
    /// `this.role = new …` inside a ComponentResource.
    ThisField { name: String },
    /// A property of an object literal held by a `const` (`const handlers = { list: new … }`):
    /// `path` is the keys from the const down to the resource (`list`).
    Property {
        holder: String,
        path: String,
        exported: bool,
    },
    /// A `new …` statement whose result nothing keeps.
    Unbound,
    /// Anything else: an argument, an array element, a returned value.
    Nested,
}

#[derive(Debug, Clone)]
pub struct ResourceDecl<'tree> {
    pub file: usize,
    /// The `new …(…)` expression.
    pub expression: Node<'tree>,
    /// The class, e.g. `lambda.Function` of package `@pulumi/aws`.
    pub class: PackageMember,
    pub logical_name: Option<Node<'tree>>,
    pub args: Option<Node<'tree>>,
    pub options: Option<Node<'tree>>,
    /// The statement the expression stands in.
    pub statement: Node<'tree>,
    pub binding: ResourceBinding,
}

impl<'tree> ResourceDecl<'tree> {
    /// Whether the resource is the `@pulumi/aws` type `path` (`["iam", "Role"]`), or a CDK class
    /// read as that type (`CfnRole`).
    pub fn is_aws(&self, path: &[&str]) -> bool {
        self.class.is(Package::Aws, path) || cdk::stands_for(&self.class, path)
    }

    /// Where the resource's class writes what Pulumi's argument `argument` holds: `policies`
    /// for a CfnRole's `inlinePolicies`.
    pub fn prop_name<'a>(&self, argument: &'a str) -> &'a str {
        cdk::prop_name(&self.class, argument)
    }

    /// An `aws.lambda.Function`, or a `CallbackFunction`, which makes one, or a CDK construct
    /// that makes one.
    pub fn is_lambda_function(&self) -> bool {
        self.is_aws(&["lambda", "Function"])
            || self.is_aws(&["lambda", "CallbackFunction"])
            || cdk::is_function(&self.class)
    }

    /// A function whose arguments name its handler (a `CallbackFunction` and the CDK's bundling
    /// constructs make their own).
    pub fn takes_handler(&self) -> bool {
        self.is_aws(&["lambda", "Function"]) || cdk::takes_handler(&self.class)
    }

    /// A `CallbackFunction`, whose handler calls the program's function with a callback.
    pub fn hands_a_callback(&self) -> bool {
        self.is_aws(&["lambda", "CallbackFunction"])
    }

    /// The CDK's `SingletonFunction`, made once per stack and uuid.
    pub fn is_singleton_function(&self) -> bool {
        self.class.is(Package::Cdk, &["aws_lambda", "SingletonFunction"])
    }

    pub fn is_lambda_layer(&self) -> bool {
        self.is_aws(&["lambda", "LayerVersion"]) || cdk::is_layer(&self.class)
    }

    pub fn args(&self) -> Option<Located<'tree>> {
        self.args.map(|node| Located { file: self.file, node })
    }

    pub fn options(&self) -> Option<Located<'tree>> {
        self.options.map(|node| Located { file: self.file, node })
    }

    pub fn statement(&self) -> Located<'tree> {
        Located {
            file: self.file,
            node: self.statement,
        }
    }

    /// Where findings on the resource point: its statement, or, where one statement holds several
    /// resources (an object literal of functions), its own `new` expression, so that each
    /// resource is one place.
    pub fn finding_range(&self) -> std::ops::Range<usize> {
        match self.binding {
            ResourceBinding::Property { .. } => self.expression.byte_range(),
            _ => self.statement.byte_range(),
        }
    }

    /// How code right after the resource's statement refers to the resource: `stage`, `this.stage`.
    pub fn reference(&self) -> Option<String> {
        match &self.binding {
            ResourceBinding::Variable { name, .. } => Some(name.clone()),
            ResourceBinding::ThisField { name } => Some(format!("this.{name}")),
            ResourceBinding::Property { holder, path, .. } => Some(format!("{holder}.{path}")),
            ResourceBinding::Unbound | ResourceBinding::Nested => None,
        }
    }
}

impl<'tree> Program<'tree> {
    /// The value of a resource's argument `argument`, under the name its class writes it.
    pub fn argument(&self, resource: &ResourceDecl<'tree>, argument: &str) -> Option<super::PropertyValue<'tree>> {
        self.property(resource.args()?, resource.prop_name(argument))
    }

    /// How messages name a resource: its variable (`queue`, `this.queue`), else its logical name,
    /// in backticks; where that is not written out either (a helper's `id` parameter), the
    /// helper's call (`ledgerFunction(…)`) or its expression's start (`new lambda.Function(…)`).
    pub fn display_name(&self, resource: usize) -> String {
        let declaration = &self.resources()[resource];
        let here = |node| Located {
            file: declaration.file,
            node,
        };
        if let Some(reference) = declaration.reference() {
            return format!("`{reference}`");
        }
        let name = match declaration.logical_name {
            // A name a helper builds from its parameters (`ledger-${name}`) means nothing
            // where the helper is called: the helper names it then.
            Some(node)
                if matches!(kind_of(node), "string" | "template_string")
                    && !(named_children(node).any(|part| kind_of(part) == "template_substitution")
                        && self.making_helper(here(declaration.expression)).is_some()) =>
            {
                self.text(here(node)).trim_matches(['"', '\'', '`']).to_owned()
            }
            // `super(…)` in a class of its own: the class names it.
            _ if kind_of(declaration.expression) == "call_expression" => self
                .ancestors(here(declaration.expression))
                .into_iter()
                .find(|node| kind_of(node) == "class_declaration")
                .and_then(|class| class.field("name"))
                .map_or_else(|| "(unnamed)".to_owned(), |name| self.text(here(name)).to_owned()),
            // Made by a helper (`ledgerFunction(name, handler)`): named by the helper's call,
            // and by the name it builds where it makes several of the class
            // (`${env}-sqs` of `deploy(…)`, beside `${env}-events` of `deploy(…)`).
            _ => match self.making_helper(here(declaration.expression)) {
                Some(helper) => match declaration
                    .logical_name
                    .filter(|built| matches!(kind_of(*built), "string" | "template_string"))
                    .filter(|_| self.helper_makes_several(resource))
                {
                    Some(built) => {
                        let built = self.text(here(built)).trim_matches(['"', '\'', '`']);
                        return format!("`{built}` of `{helper}(…)`");
                    }
                    None => format!("{helper}(…)"),
                },
                None => declaration.expression.field("constructor").map_or_else(
                    || "(unnamed)".to_owned(),
                    |class| format!("new {}(…)", self.text(here(class))),
                ),
            },
        };
        format!("`{name}`")
    }

    /// Whether the function whose body makes a resource makes another of its class, neither
    /// bound to a variable.
    fn helper_makes_several(&self, resource: usize) -> bool {
        let enclosing = |made: &ResourceDecl<'tree>| {
            self.enclosing_function(Located {
                file: made.file,
                node: made.expression,
            })
        };
        let declaration = &self.resources()[resource];
        let function = enclosing(declaration);
        self.resources().iter().enumerate().any(|(other, made)| {
            other != resource
                && made.file == declaration.file
                && made.class == declaration.class
                && made.reference().is_none()
                && enclosing(made) == function
        })
    }

    /// The innermost function around an expression.
    fn enclosing_function(&self, expression: Located<'tree>) -> Option<Node<'tree>> {
        self.ancestors(expression)
            .into_iter()
            .find(|node| scope::FUNCTIONS.contains(&kind_of(node)))
    }

    /// The name of the function whose body makes a resource, when it is a named function (a
    /// declaration, or a function expression a variable holds) other than a constructor.
    fn making_helper(&self, expression: Located<'tree>) -> Option<&'tree str> {
        let function = self.enclosing_function(expression)?;
        let name = match kind_of(function) {
            "function_declaration" | "generator_function_declaration" | "method_definition" => function.field("name"),
            _ => function
                .parent()
                .filter(|parent| kind_of(parent) == "variable_declarator")
                .and_then(|declarator| declarator.field("name")),
        }?;
        let name = self.text(expression.with(name));
        (name != "constructor").then_some(name)
    }
}

pub(super) fn collect<'tree>(
    program: &Program<'tree>,
    file: usize,
    matches: &[ScanMatch<'tree>],
) -> Vec<ResourceDecl<'tree>> {
    let text = program.file(file).text;
    matches
        .iter()
        .filter_map(|found| {
            let expression = found.capture("resource")?;
            let class = program.package_member(Located {
                file,
                node: found.capture("resource.class")?,
            })?;
            // A `super(…)` makes a resource only in a class extending one of the CDK's function
            // or layer constructs; Pulumi's ComponentResource makes none itself.
            if kind_of(expression) == "call_expression" && !(cdk::is_function(&class) || cdk::is_layer(&class)) {
                return None;
            }
            let arguments: Vec<Node> = program
                .call_arguments(Located { file, node: expression })
                .into_iter()
                .map(|argument| argument.node)
                .collect();
            // A construct is `new Class(scope, id, props)`; a Pulumi resource `new Class(name, args, opts)`.
            let (logical_name, args, options) = if cdk::is_made_from_props(&class) {
                (None, arguments.first(), None)
            } else if class.package == Package::Cdk {
                (arguments.get(1), arguments.get(2), None)
            } else {
                (arguments.first(), arguments.get(1), arguments.get(2))
            };
            // Found once for both questions below.
            let enclosing = program.ancestors(Located { file, node: expression });
            Some(ResourceDecl {
                file,
                expression,
                class,
                logical_name: logical_name.copied(),
                args: args.copied(),
                options: options.copied(),
                statement: enclosing_statement(expression, &enclosing),
                binding: binding_of(&enclosing, text),
            })
        })
        .collect()
}

/// The outermost node that still is one statement: the node whose parent is a block. `enclosing`
/// holds the node's ancestors, nearest first.
fn enclosing_statement<'tree>(node: Node<'tree>, enclosing: &[Node<'tree>]) -> Node<'tree> {
    let mut current = node;
    for &parent in enclosing {
        if scope::BLOCKS.contains(&kind_of(parent)) {
            return current;
        }
        current = parent;
    }
    current
}

/// Whether a later pair of the object literal holding `pair` has the same key.
fn key_written_again(pair: Node, text: &str) -> bool {
    let key_of = |pair: Node| {
        pair.field("key")
            .map(|key| node_text(key, text).trim_matches(|c| c == '"' || c == '\'').to_owned())
    };
    let (Some(key), Some(object)) = (key_of(pair), pair.parent()) else {
        return false;
    };
    named_children(object)
        .skip_while(|sibling| sibling.id() != pair.id())
        .skip(1)
        .any(|sibling| kind_of(sibling) == "pair" && key_of(sibling).as_deref() == Some(key.as_str()))
}

/// How a resource's `new` expression is held, from its ancestors (nearest first).
fn binding_of(enclosing: &[Node], text: &str) -> ResourceBinding {
    let Some(&parent) = enclosing.first() else {
        return ResourceBinding::Nested;
    };
    match kind_of(parent) {
        "variable_declarator" => match declared_name(parent, &enclosing[1..], text) {
            Some((name, exported)) => ResourceBinding::Variable { name, exported },
            // `const { invokeUrl } = new …` keeps no name for the resource itself.
            None => ResourceBinding::Nested,
        },
        // Of a key written twice, the object keeps the later value: the earlier resource is made
        // but nothing names it.
        "pair" if key_written_again(parent, text) => ResourceBinding::Nested,
        "pair" => property_path(parent, &enclosing[1..], text)
            .map_or(ResourceBinding::Nested, |(holder, path, exported)| {
                ResourceBinding::Property { holder, path, exported }
            }),
        "assignment_expression" => {
            let target = parent.field("left");
            match target.filter(|t| kind_of(t) == "member_expression") {
                Some(member) if member.field("object").is_some_and(|o| kind_of(o) == "this") => {
                    ResourceBinding::ThisField {
                        name: member.field("property").map_or("", |p| node_text(p, text)).to_owned(),
                    }
                }
                _ => ResourceBinding::Nested,
            }
        }
        // Only a statement of a block can become `const x = …;` (not the body of a braceless `if`).
        "expression_statement"
            if enclosing.get(1).is_some_and(|block| {
                matches!(
                    kind_of(block),
                    "program" | "statement_block" | "switch_case" | "switch_default"
                )
            }) =>
        {
            ResourceBinding::Unbound
        }
        _ => ResourceBinding::Nested,
    }
}

/// The identifier a declarator binds, and whether its declaration is exported; `above` holds the
/// declarator's ancestors, nearest first.
fn declared_name(declarator: Node, above: &[Node], text: &str) -> Option<(String, bool)> {
    let name = declarator.field("name").filter(|name| kind_of(name) == "identifier")?;
    let exported = above.get(1).is_some_and(|p| kind_of(p) == "export_statement");
    Some((node_text(name, text).to_owned(), exported))
}

/// For a `pair` of object literals nested in a `const`'s initializer, the const, the keys down
/// to the pair (`handlers`, `orders.list`) and whether the const is exported. Only plain keys
/// count: a computed or quoted key cannot be written after a dot. `above` holds the pair's
/// ancestors, nearest first.
fn property_path(pair: Node, mut above: &[Node], text: &str) -> Option<(String, String, bool)> {
    let mut keys = Vec::new();
    let mut current = pair;
    loop {
        let key = current
            .field("key")
            .filter(|key| kind_of(key) == "property_identifier")?;
        keys.push(node_text(key, text));
        above.first().filter(|object| kind_of(**object) == "object")?;
        let holder = *above.get(1)?;
        above = &above[2..];
        match kind_of(holder) {
            "pair" => current = holder,
            "variable_declarator" => {
                let constant = above
                    .first()
                    .and_then(|declaration| declaration.child(0))
                    .is_some_and(|keyword| node_text(keyword, text) == "const");
                let (name, exported) = declared_name(holder, above, text).filter(|_| constant)?;
                keys.reverse();
                return Some((name, keys.join("."), exported));
            }
            _ => return None,
        }
    }
}
