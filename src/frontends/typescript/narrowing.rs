//! What a condition rules out for the value an arm of a `?:` reads. Programs that still carry an
//! old runtime in a default or a stack file often map it away where they use it:
//! `runtime: rt === "go1.x" ? "provided.al2023" : rt`. The `rt` of the alternative can never be
//! `go1.x`, so reporting the default's `go1.x` as the function's runtime would be a false finding.

use tree_sitter::Node;

use super::{scope, Located, Program, StringOrigin};
use crate::syntax::{kind_of, Fields};

/// How many consts a condition may be followed through (`const legacy = isGo || isOld`).
const MAX_HOPS: usize = 8;

impl<'tree> Program<'tree> {
    /// The strings `subject` cannot be where `condition` evaluates to `holds`: the literals it is
    /// compared to with `===`/`!==` (`==`/`!=` too), through `!`, `&&`, `||` and parentheses, and
    /// the elements of an array literal whose `includes(subject)` is false. Empty when
    /// `subject` is not what the condition tests.
    pub(super) fn ruled_out(&self, condition: Located<'tree>, holds: bool, subject: Located<'tree>) -> Vec<String> {
        let subject = self.unwrapped(subject);
        if !matches!(kind_of(subject.node), "identifier" | "member_expression") {
            return Vec::new();
        }
        let tested = Tested {
            text: self.text(subject),
            body: self.innermost_body(subject),
        };
        let mut ruled_out = Vec::new();
        self.collect_ruled_out(condition, holds, &tested, 0, &mut ruled_out);
        ruled_out
    }

    /// The nearest function or loop around an expression: names in two expressions with the
    /// same one are the same bindings (an inner block rarely rebinds them).
    fn innermost_body(&self, at: Located<'tree>) -> Option<Node<'tree>> {
        self.ancestors(at).into_iter().find(|node| {
            let kind = kind_of(*node);
            scope::FUNCTIONS.contains(&kind) || scope::LOOPS.contains(&kind)
        })
    }

    fn collect_ruled_out(
        &self,
        condition: Located<'tree>,
        holds: bool,
        subject: &Tested<'tree>,
        hops: usize,
        out: &mut Vec<String>,
    ) {
        if hops > MAX_HOPS {
            return;
        }
        let condition = self.unwrapped(condition);
        let node = condition.node;
        match kind_of(node) {
            // `const isGo = s.runtime === "go1.x"`, declared in the loop body or function that
            // reads `s.runtime`: elsewhere, `s` may be another binding.
            "identifier" => {
                if let Some(value) = self
                    .const_value(condition)
                    .filter(|value| self.innermost_body(*value) == subject.body)
                {
                    self.collect_ruled_out(value, holds, subject, hops + 1, out);
                }
            }
            "unary_expression" if node.field("operator").is_some_and(|operator| kind_of(operator) == "!") => {
                if let Some(operand) = node.field("argument") {
                    self.collect_ruled_out(condition.with(operand), !holds, subject, hops, out);
                }
            }
            "binary_expression" => {
                let (Some(operator), Some(left), Some(right)) =
                    (node.field("operator"), node.field("left"), node.field("right"))
                else {
                    return;
                };
                let (left, right) = (condition.with(left), condition.with(right));
                match (kind_of(operator), holds) {
                    // Both sides hold when `&&` does; neither does when `||` fails.
                    ("&&", true) | ("||", false) => {
                        self.collect_ruled_out(left, holds, subject, hops, out);
                        self.collect_ruled_out(right, holds, subject, hops, out);
                    }
                    ("===" | "==", false) | ("!==" | "!=", true) => {
                        out.extend(self.compared_string(left, right, subject))
                    }
                    _ => {}
                }
            }
            "call_expression" if !holds => out.extend(self.listed_strings_including(condition, subject)),
            _ => {}
        }
    }

    /// The string one side of a comparison names when the other side is `subject`.
    fn compared_string(&self, left: Located<'tree>, right: Located<'tree>, subject: &Tested<'tree>) -> Option<String> {
        let (left, right) = (self.unwrapped(left), self.unwrapped(right));
        let other = if self.text(left) == subject.text {
            right
        } else if self.text(right) == subject.text {
            left
        } else {
            return None;
        };
        self.sole_string_origin(other)?.known_value()
    }

    /// The strings of `[…].includes(subject)`: every element of the array literal (in place or in
    /// a const), when each is a known string.
    fn listed_strings_including(&self, call: Located<'tree>, subject: &Tested<'tree>) -> Vec<String> {
        let node = call.node;
        let argument = node
            .field("arguments")
            .filter(|arguments| arguments.named_child_count() == 1)
            .and_then(|arguments| arguments.named_child(0));
        let Some(member) = node
            .field("function")
            .filter(|function| kind_of(*function) == "member_expression")
        else {
            return Vec::new();
        };
        let tests_subject =
            argument.is_some_and(|argument| self.text(self.unwrapped(call.with(argument))) == subject.text);
        let calls_includes = member
            .field("property")
            .is_some_and(|property| self.text(call.with(property)) == "includes");
        let Some(list) = member.field("object").filter(|_| tests_subject && calls_includes) else {
            return Vec::new();
        };
        let list = self.written_value(call.with(list));
        if kind_of(list.node) != "array" {
            return Vec::new();
        }
        super::named_children(list.node)
            .filter(|element| kind_of(*element) != "comment")
            .filter_map(|element| self.sole_string_origin(list.with(element))?.known_value())
            .collect()
    }
}

/// The value a condition is asked about: as written, and the code it is read in.
struct Tested<'tree> {
    text: &'tree str,
    body: Option<Node<'tree>>,
}

impl StringOrigin<'_> {
    /// The string this origin evaluates to, where the model knows it: a literal's content, or the
    /// runtime id a runtime enum member or constant stands for.
    pub fn known_value(&self) -> Option<String> {
        match self {
            Self::Literal { value, .. } => Some(value.clone()),
            Self::PackageMember { member, .. } => super::graph::runtime_id_of_member(member),
        }
    }
}
