//! Whether a function reads its parameter as its callers pass it. Values flow from call sites
//! into a parameter only while the body merely reads the object: an assignment to the parameter,
//! a write into the object (through the parameter, an alias of it or a name destructured from it),
//! or the object handed to code that may write into it means the body reads something else.

use super::calls::declared_parameters;
use super::scope::{self, Declaration};
use super::{named_children, Located, Program};
use crate::syntax::{kind_of, named_descendants, Fields};

/// How many aliases (`const a = args`, `const { build } = a`) are followed.
const MAX_ALIASES: usize = 8;

/// The built-in objects whose functions read the objects handed to them, but for
/// `CHANGING_BUILT_INS`.
const READING_BUILT_INS: [&str; 8] = [
    "JSON", "Object", "console", "String", "Number", "Array", "Math", "Promise",
];

/// The built-in functions that change an object handed to them.
const CHANGING_BUILT_INS: [&str; 4] = [
    "Object.assign",
    "Object.defineProperty",
    "Object.defineProperties",
    "Object.setPrototypeOf",
];

/// What the code around the mentions of a value does with it.
#[derive(Debug, Clone, Copy, Default)]
struct Use {
    /// Assigns the name, or writes into the object (`args.reserved = 10`, `delete args.x`).
    writes: bool,
    /// Hands the value where infrafix does not follow it (an array, a field, a call it cannot
    /// read): harmless for a string or a number, not for an object something may write into.
    escapes: bool,
    /// Reads properties of it, or destructures it: the value is an object.
    as_object: bool,
}

impl Use {
    const READ: Use = Use {
        writes: false,
        escapes: false,
        as_object: false,
    };
    const WRITES: Use = Use {
        writes: true,
        escapes: false,
        as_object: false,
    };
    const ESCAPES: Use = Use {
        writes: false,
        escapes: true,
        as_object: false,
    };

    fn and(self, other: Use) -> Use {
        Use {
            writes: self.writes || other.writes,
            escapes: self.escapes || other.escapes,
            as_object: self.as_object || other.as_object,
        }
    }
}

/// The expressions that only wrap a value for the type checker.
const WRAPPERS: [&str; 5] = [
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
];

impl<'tree> Program<'tree> {
    /// Whether a function may not read its parameter `name` as its callers pass it: the body
    /// assigns it (`args = { ...defaults, ...args }`, `runtime ??= "go1.x"`), writes into its
    /// object (`args.reserved = 10`, `Object.assign(args, …)`, also through `const a = args`, a
    /// name destructured from it, or a project helper given it), or, when it is an object (the
    /// body reads its properties), hands it where something may write into it (an array, a
    /// field, a call infrafix cannot follow). Reads, spreads, comparisons, calls of package
    /// functions and built-ins, and `args = args ?? {}` are fine.
    pub(super) fn parameter_changed(&self, function: Located<'tree>, name: &str) -> bool {
        let key = (function.file, function.node.start_byte(), name.to_owned());
        if let Some(&known) = self.memo.changed_parameters.borrow().get(&key) {
            return known;
        }
        // Helpers that hand the object to each other end here, unchanged so far.
        self.memo.changed_parameters.borrow_mut().insert(key.clone(), false);
        let uses = self
            .mentions_in_body(function, name, |mention| {
                self.function_declaring_parameter(mention) == Some(function.node)
            })
            .into_iter()
            .fold(Use::READ, |uses, mention| uses.and(self.use_of(function, mention, 0)));
        let changed = uses.writes || (uses.as_object && uses.escapes);
        self.memo.changed_parameters.borrow_mut().insert(key, changed);
        changed
    }

    /// The mentions of `name` in a function's body that `refers` takes for the binding asked
    /// about (an inner binding of the same name is another value).
    pub(super) fn mentions_in_body(
        &self,
        function: Located<'tree>,
        name: &str,
        refers: impl Fn(Located<'tree>) -> bool,
    ) -> Vec<Located<'tree>> {
        let Some(body) = function.node.field("body") else {
            return Vec::new();
        };
        named_descendants(body)
            .map(|node| function.with(node))
            .filter(|mention| matches!(kind_of(mention.node), "identifier" | "shorthand_property_identifier"))
            .filter(|mention| self.text(*mention) == name && refers(*mention))
            .collect()
    }

    /// What the place a mention of the value stands in does with it.
    fn use_of(&self, function: Located<'tree>, mention: Located<'tree>, aliases: usize) -> Use {
        let value = self.outside_wrappers(mention);
        let Some(holder) = self.parent(value) else {
            return Use::READ;
        };
        let is = |field: &str| holder.field(field) == Some(value.node);
        match kind_of(holder) {
            "member_expression" | "subscript_expression" if is("object") => Use {
                writes: self.changes_what_it_names(value),
                escapes: false,
                as_object: true,
            },
            "arguments" => self.handed_to_a_call(value),
            "spread_element" | "template_substitution" | "return_statement" | "expression_statement" => Use::READ,
            "if_statement" | "while_statement" | "do_statement" | "for_in_statement" => Use::READ,
            "arrow_function" if is("body") => Use::READ,
            "unary_expression" if !self.text(value.with(holder)).starts_with("delete") => Use::READ,
            // `args ?? {}`, `cond ? args : other`: the expression's value may be the object.
            "binary_expression" => match holder.field("operator").map(|operator| self.text(value.with(operator))) {
                Some("??" | "||" | "&&") => self.use_of(function, value.with(holder), aliases),
                _ => Use::READ,
            },
            "ternary_expression" if is("condition") => Use::READ,
            "ternary_expression" => self.use_of(function, value.with(holder), aliases),
            "variable_declarator" if is("value") => self.use_through_declaration(function, value.with(holder), aliases),
            // `args = args ?? {}` gives the parameter what it held, or an empty object.
            "assignment_expression" | "augmented_assignment_expression"
                if self.falls_back_to_empty(value.with(holder)) =>
            {
                Use::READ
            }
            "assignment_expression" | "augmented_assignment_expression" if is("left") => Use::WRITES,
            "update_expression" => Use::WRITES,
            _ => Use::ESCAPES,
        }
    }

    /// The outermost of the type-only wrappers around an expression, or the expression itself.
    fn outside_wrappers(&self, at: Located<'tree>) -> Located<'tree> {
        let mut current = at;
        while let Some(parent) = self
            .parent(current)
            .filter(|parent| WRAPPERS.contains(&kind_of(*parent)))
        {
            current = current.with(parent);
        }
        current
    }

    /// What is done with the value through the names a declarator binds to it: an alias (`const
    /// a = args`) is the value itself; a name destructured from it holds one of its parts, most
    /// often a string or a number, which only a write through it (`build.runtime = …`) could
    /// change. A `let` or `var` may be given the value and changed.
    fn use_through_declaration(&self, function: Located<'tree>, declarator: Located<'tree>, aliases: usize) -> Use {
        let constant = declarator
            .node
            .parent()
            .and_then(|declaration| declaration.child(0))
            .is_some_and(|keyword| self.text(declarator.with(keyword)) == "const");
        let Some(pattern) = declarator.node.field("name") else {
            return Use::ESCAPES;
        };
        if !constant || aliases >= MAX_ALIASES {
            return Use::ESCAPES;
        }
        let text = self.file(declarator.file).text;
        let alias = kind_of(pattern) == "identifier";
        let binds = pattern.byte_range();
        let mut uses = Use {
            as_object: !alias,
            ..Use::READ
        };
        for name in scope::bound_names(pattern, text) {
            // The pattern's own names bind, and read nothing.
            let mentions = self.mentions_in_body(function, name, |mention| {
                !binds.contains(&mention.node.start_byte())
                    && match self.declaration_of(mention) {
                        Declaration::Variable { declarator: read, .. }
                        | Declaration::Destructured { declarator: read, .. } => read == declarator.node,
                        _ => false,
                    }
            });
            for mention in mentions {
                uses = uses.and(match alias {
                    true => self.use_of(function, mention, aliases + 1),
                    false => Use {
                        writes: self.changes_what_it_names(self.outside_wrappers(mention)),
                        ..Use::READ
                    },
                });
            }
        }
        uses
    }

    /// Whether an assignment to the parameter gives it back the same values, an empty object only
    /// where the call passed nothing: `args = args ?? {}`, `args ||= {}`.
    fn falls_back_to_empty(&self, assignment: Located<'tree>) -> bool {
        let node = assignment.node;
        let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
            return false;
        };
        if kind_of(node) == "augmented_assignment_expression" {
            let operator = node
                .field("operator")
                .map(|operator| self.text(assignment.with(operator)));
            return matches!(operator, Some("??=" | "||="))
                && kind_of(right) == "object"
                && right.named_child_count() == 0;
        }
        self.empty_fallback_of(assignment.with(right))
            .is_some_and(|same| self.text(same) == self.text(assignment.with(left)))
    }

    /// What a call does with a value handed to it: a function of the project writes into it when
    /// it changes the parameter it lands in; a package's functions (`pulumi.output(args)`), the
    /// built-ins (`JSON.stringify`, `Object.keys`; not `Object.assign`) and a base constructor of
    /// a package's class only read; anything else takes it where infrafix does not follow.
    fn handed_to_a_call(&self, argument: Located<'tree>) -> Use {
        let Some(call) = self
            .parent(argument)
            .and_then(|arguments| self.parent(argument.with(arguments)))
        else {
            return Use::ESCAPES;
        };
        let Some(callee) = call.field("function").or_else(|| call.field("constructor")) else {
            return Use::ESCAPES;
        };
        if CHANGING_BUILT_INS.contains(&self.text(argument.with(callee))) {
            return Use::WRITES;
        }
        let mut root = callee;
        while let Some(object) = root.field("object").filter(|_| kind_of(root) == "member_expression") {
            root = object;
        }
        let reads_only = match kind_of(root) {
            "super" => self.extends_a_package_class(argument.with(call)),
            _ => {
                READING_BUILT_INS.contains(&self.text(argument.with(root)))
                    || self.reads_a_package(argument.with(callee))
            }
        };
        if reads_only {
            return Use::READ;
        }
        let Some(helper) = self.function_named(argument.with(callee)) else {
            return Use::ESCAPES;
        };
        let position = call
            .field("arguments")
            .into_iter()
            .flat_map(named_children)
            .filter(|passed| kind_of(*passed) != "comment")
            .position(|passed| passed == argument.node);
        let parameter = position.and_then(|position| declared_parameters(helper.node).nth(position));
        // A pattern (`function render({ a, b })`) copies what it binds out of the object.
        match parameter.map(|parameter| parameter.field("pattern").unwrap_or(parameter)) {
            Some(pattern) if kind_of(pattern) == "identifier" => {
                match self.parameter_changed(helper, self.text(helper.with(pattern))) {
                    true => Use::WRITES,
                    false => Use::READ,
                }
            }
            Some(pattern) if kind_of(pattern) == "rest_pattern" => Use::ESCAPES,
            Some(_) => Use::READ,
            None => Use::ESCAPES,
        }
    }

    /// Whether the class around a `super(…)` call extends a class a package exports
    /// (`pulumi.ComponentResource`, `Construct`), whose constructor only reads its arguments.
    fn extends_a_package_class(&self, call: Located<'tree>) -> bool {
        self.package_base_class(call).is_some()
    }

    /// The package class (`pulumi.ComponentResource`) the class around `at` extends.
    pub(super) fn package_base_class(&self, at: Located<'tree>) -> Option<Located<'tree>> {
        let class = self
            .ancestors(at)
            .into_iter()
            .find(|node| matches!(kind_of(*node), "class_declaration" | "class"));
        let base = class
            .and_then(|class| named_children(class).find(|child| kind_of(*child) == "class_heritage"))
            .and_then(|heritage| named_children(heritage).find(|child| kind_of(*child) == "extends_clause"))
            .and_then(|clause| clause.field("value"))?;
        Some(at.with(base)).filter(|base| self.reads_a_package(*base))
    }
}
