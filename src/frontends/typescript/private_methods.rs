//! Calls of a class's private methods (`private makeFn(…)`, `#makeFn(…)`): only the class's own
//! code can call them, through `this`, so all of their calls are in the class body. A component
//! that makes its function in such a method passes it values (and runs it) once per construction.

use super::{named_children, Located, Program};
use crate::syntax::{kind_of, named_descendants, Fields};

impl<'tree> Program<'tree> {
    /// The calls of a private method of a class: `this.makeFn(…)` in the class's own methods
    /// (also inside arrow functions there, where `this` is still the instance). `None` when the
    /// method is not a private instance method, or its name is read in the class other than as
    /// such a call (`this.makeFn.bind(this)`, the method handed on as a value): calls may then go
    /// unseen.
    pub(super) fn private_method_calls(&self, method: Located<'tree>) -> Option<Vec<Located<'tree>>> {
        if kind_of(method.node) != "method_definition" {
            return None;
        }
        let name_node = method.node.field("name")?;
        let name = self.text(method.with(name_node));
        let modifiers = self.method_modifiers(method);
        let private = kind_of(name_node) == "private_property_identifier" || modifiers.contains(&"private");
        if !private || modifiers.contains(&"static") || name == "constructor" {
            return None;
        }
        let class_body = method.node.parent()?;
        let mut calls = Vec::new();
        for mention in named_descendants(class_body) {
            let is_name = matches!(kind_of(mention), "property_identifier" | "private_property_identifier")
                && mention != name_node
                && self.text(method.with(mention)) == name;
            if !is_name {
                continue;
            }
            let call = mention
                .parent()
                .filter(|member| {
                    kind_of(*member) == "member_expression"
                        && member.field("object").is_some_and(|object| kind_of(object) == "this")
                })
                .and_then(|member| {
                    member
                        .parent()
                        .filter(|call| kind_of(*call) == "call_expression" && call.field("function") == Some(member))
                })
                .filter(|call| self.this_is_the_instance(method.with(*call), class_body))?;
            calls.push(method.with(call));
        }
        Some(calls)
    }

    /// The private method a call's callee names (`this.makeFn` in its class's own code), when
    /// all of that method's calls are known (see `private_method_calls`).
    pub(super) fn private_method_named(&self, callee: Located<'tree>) -> Option<Located<'tree>> {
        if kind_of(callee.node) != "member_expression" || callee.node.field("object").map(kind_of) != Some("this") {
            return None;
        }
        let name = self.text(callee.with(callee.node.field("property")?));
        let mut class_body = callee.node.parent();
        while let Some(node) = class_body.filter(|node| kind_of(*node) != "class_body") {
            class_body = node.parent();
        }
        let class_body = class_body?;
        if !self.this_is_the_instance(callee, class_body) {
            return None;
        }
        let method = named_children(class_body)
            .filter(|member| kind_of(*member) == "method_definition")
            .find(|member| {
                member
                    .field("name")
                    .is_some_and(|named| self.text(callee.with(named)) == name)
            })?;
        let method = callee.with(method);
        self.private_method_calls(method).map(|_| method)
    }

    /// What is written before a method's name: `private`, `static`, `async`, decorators.
    fn method_modifiers(&self, method: Located<'tree>) -> Vec<&'tree str> {
        let Some(name) = method.node.field("name") else {
            return Vec::new();
        };
        let mut cursor = method.node.walk();
        let modifiers = method
            .node
            .children(&mut cursor)
            .take_while(|child| *child != name)
            .map(|child| self.text(method.with(child)))
            .collect();
        modifiers
    }

    /// Whether `this` at `at` is an instance of the class whose body is `class_body`: the nearest
    /// function around it is a method of that class (arrow functions keep their `this`).
    fn this_is_the_instance(&self, at: Located<'tree>, class_body: tree_sitter::Node<'tree>) -> bool {
        let mut node = at.node;
        while let Some(parent) = node.parent() {
            match kind_of(parent) {
                "method_definition" => {
                    return parent.parent() == Some(class_body)
                        && !self.method_modifiers(at.with(parent)).contains(&"static");
                }
                "function_expression" | "function_declaration" | "generator_function" | "class_body" => return false,
                _ => node = parent,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_program;
    use super::*;

    /// The number of calls of each method named `make` in `index.ts` (`None`: not all known).
    fn calls_of_make(text: &str) -> Vec<Option<usize>> {
        let mut found = Vec::new();
        with_program(&[("index.ts", text)], |program| {
            for node in named_descendants(program.root(0)) {
                let is_make = kind_of(node) == "method_definition"
                    && node
                        .field("name")
                        .is_some_and(|name| program.text(Located { file: 0, node: name }).ends_with("make"));
                if is_make {
                    found.push(
                        program
                            .private_method_calls(Located { file: 0, node })
                            .map(|calls| calls.len()),
                    );
                }
            }
        });
        found
    }

    #[test]
    fn a_private_method_is_called_only_through_this_in_its_class() {
        let class = |method: &str, body: &str| {
            format!("class C {{\n  constructor() {{ {body} }}\n  {method}() {{ return 1; }}\n}}\n")
        };
        assert_eq!(
            calls_of_make(&class("private make", "this.make(); this.make();")),
            vec![Some(2)]
        );
        assert_eq!(calls_of_make(&class("#make", "this.#make();")), vec![Some(1)]);
        assert_eq!(
            calls_of_make(&class("private make", "[1].forEach(() => this.make());")),
            vec![Some(1)]
        );
        // Public, static, handed on as a value, or `this` of another function: not all known.
        assert_eq!(calls_of_make(&class("make", "this.make();")), vec![None]);
        assert_eq!(calls_of_make(&class("private static make", "C.make();")), vec![None]);
        assert_eq!(calls_of_make(&class("private make", "[1].map(this.make);")), vec![None]);
        assert_eq!(
            calls_of_make(&class("private make", "[1].forEach(function () { this.make(); });")),
            vec![None]
        );
    }
}
