//! Whether a reservation's number is held by a `const` that other settings read too
//! (`const CONCURRENCY = 500` read by `reservedConcurrentExecutions` and by a queue's
//! `visibilityTimeoutSeconds`): a fix scaling the reservation where the number is written would
//! change those settings as well.

use super::super::calls::declared_parameters;
use super::super::scope::Declaration;
use super::super::{ImportKind, Located, Program};
use crate::syntax::{kind_of, named_descendants, Fields};

/// How many helpers a number is followed through (`worker` handing its parameter to `make`).
const MAX_HELPERS_FOLLOWED: usize = 4;

impl<'tree> Program<'tree> {
    /// Whether the number written at `literal` is the value of a `const` (at the top level or in
    /// a function) that is read other than as a reservation: by another setting, in arithmetic, or
    /// in a way this cannot tell (a namespace import of its module). A number written in place
    /// serves its setting alone.
    pub(super) fn number_read_besides_reservations(&self, literal: Located<'tree>) -> bool {
        let mut value = literal.node;
        while let Some(parent) = value
            .parent()
            .filter(|parent| matches!(kind_of(*parent), "parenthesized_expression" | "as_expression"))
        {
            value = parent;
        }
        let Some(declarator) = value
            .parent()
            .filter(|parent| kind_of(*parent) == "variable_declarator" && parent.field("value") == Some(value))
        else {
            return false;
        };
        let Some(name) = declarator.field("name").filter(|name| kind_of(*name) == "identifier") else {
            return true;
        };
        let name = self.text(literal.with(name));
        let declared_here = |mention: Located<'tree>| matches!(self.declaration_of(mention), Declaration::Variable { declarator: found, .. } if found == declarator);
        if self.read_other_than_reservations(literal.file, name, declared_here) {
            return true;
        }
        // Modules that import it (from its own module or through a barrel; any module of the
        // project importing the name is taken to) read it under their own names.
        (0..self.files().len())
            .filter(|&file| file != literal.file)
            .any(|file| {
                self.file(file).imports.iter().any(|binding| {
                    self.imported_file(file, &binding.module).is_some()
                        && match &binding.kind {
                            ImportKind::Named { imported } => {
                                imported == name
                                    && self.read_other_than_reservations(file, &binding.local, |mention| {
                                        self.local_binding(mention).is_none()
                                    })
                            }
                            ImportKind::Namespace => self.text_mentions_member(file, &binding.local, name),
                        }
                })
            })
    }

    /// Whether a file reads `name`, where `refers` takes a mention for the binding asked about,
    /// anywhere but as a reservation.
    fn read_other_than_reservations(&self, file: usize, name: &str, refers: impl Fn(Located<'tree>) -> bool) -> bool {
        named_descendants(self.root(file))
            .filter(|node| matches!(kind_of(*node), "identifier" | "shorthand_property_identifier"))
            .map(|node| Located { file, node })
            .filter(|mention| self.text(*mention) == name && refers(*mention))
            .any(|mention| !self.is_declaration_or_import(mention) && !self.read_as_reservation(mention, 0))
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
    /// there. A side of `?:` counts as the whole.
    fn read_as_reservation(&self, mention: Located<'tree>, depth: usize) -> bool {
        if kind_of(mention.node) == "shorthand_property_identifier" {
            return self.text(mention) == "reservedConcurrentExecutions"
                || self.given_to_project_code(mention.with(mention.node.parent().unwrap_or(mention.node)));
        }
        let mut read = mention.node;
        while let Some(parent) = read.parent().filter(|parent| {
            matches!(
                kind_of(*parent),
                "parenthesized_expression" | "as_expression" | "non_null_expression" | "ternary_expression"
            ) && parent.field("condition") != Some(read)
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
            "arguments" => self.argument_read_as_reservation(mention.with(read), depth),
            _ => false,
        }
    }

    /// Whether an argument lands in a parameter that its function reads only as a reservation
    /// (`worker("a", CONCURRENCY)` with `reservedConcurrentExecutions: reserved` in `worker`). A
    /// construct's constructor is trusted as the model follows it; anything else (a built-in,
    /// `String(n)`, a package's function) reads it for itself.
    fn argument_read_as_reservation(&self, argument: Located<'tree>, depth: usize) -> bool {
        let Some(call) = argument.node.parent().and_then(|arguments| arguments.parent()) else {
            return false;
        };
        if kind_of(call) == "new_expression" {
            return self.given_to_project_code(argument);
        }
        let Some(function) = call
            .field("function")
            .and_then(|callee| self.function_named(argument.with(callee)))
        else {
            return false;
        };
        let position = self
            .call_arguments(argument.with(call))
            .iter()
            .position(|passed| passed.node == argument.node);
        let parameter = position
            .and_then(|position| declared_parameters(function.node).nth(position))
            .and_then(|parameter| parameter.field("pattern").or(Some(parameter)))
            .filter(|pattern| kind_of(*pattern) == "identifier");
        let Some(parameter) = parameter else {
            return false;
        };
        // Any mention of the name counts, an inner binding of it too: that only makes it kept.
        depth < MAX_HELPERS_FOLLOWED
            && self
                .mentions_in_body(function, self.text(function.with(parameter)), |_| true)
                .into_iter()
                .all(|read| self.read_as_reservation(read, depth + 1))
    }

    /// Whether an expression is an argument of a function the project declares, or of a `new`
    /// that is not a package's (`new aws.sqs.Queue("q", { … })` reads its settings for itself).
    fn given_to_project_code(&self, argument: Located<'tree>) -> bool {
        let Some(call) = argument
            .node
            .parent()
            .filter(|arguments| kind_of(*arguments) == "arguments")
            .and_then(|arguments| arguments.parent())
        else {
            return false;
        };
        if let Some(callee) = call.field("function") {
            return self.function_named(argument.with(callee)).is_some();
        }
        call.field("constructor")
            .is_some_and(|class| self.package_member(argument.with(class)).is_none())
    }

    /// Whether an object literal is an element of a collection written in place (`[{ … }]`, or
    /// `tenants.push({ … })`): a function made per element reads its reservation from there.
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
