//! Whether the part of a loop's elements a Lambda function's handler comes from is read for
//! anything else: a fix writing `bootstrap` into each element would change those reads too (a
//! package path built from the binary's name, an environment variable, another loop over the same
//! collection).

use super::super::iteration::Step;
use super::super::scope::LocalBinding;
use super::super::{named_children, ImportKind, Located, Program};
use crate::syntax::{kind_of, named_descendants, Fields};
use tree_sitter::Node;

/// The parts of each element a Go function's fix changes: where its handler is read, and where
/// its runtime is (a function reading both from the same parts moves with it).
struct MovedParts {
    handler: Vec<Step>,
    runtime: Option<Vec<Step>>,
}

impl<'tree> Program<'tree> {
    /// Whether the part of an element a function's handler reads (`s.handler`, `s.build.handler`,
    /// or `handler` destructured from the element, in the loop's binding or by a `const` in its
    /// body) is read again by the loop or callback, or by another loop over the same collection,
    /// or a part holding it is handed on (`makeFn(s)`, `` `./build/${s.handler}.zip` ``).
    pub(super) fn element_handler_read_elsewhere(&self, handler: Located<'tree>, runtime: Located<'tree>) -> bool {
        // `e.handler ?? "index.handler"`: the element's own handler is the part moved.
        let (mut value, _) = self.read_and_default(handler);
        // `const binary = s.handler;` in the loop, then `handler: binary`: the const must serve the
        // handler alone, and what it holds is followed (a destructuring const is followed as the
        // part it names).
        if let Some(LocalBinding::Variable { declarator, .. }) = self.local_binding(value) {
            if self.local_read_elsewhere(value, declarator) {
                return true;
            }
            if self.destructured_from(value, true).is_none() {
                match self.const_value(value) {
                    Some(initializer) => value = self.unwrapped(initializer),
                    None => return false,
                }
            }
        }
        // A handler computed from the element some other way (`s.runtime === "go1.x" ? s.name :
        // "index.handler"`) may reach a part that serves more than the handler, here the
        // function's name and code path, and may choose by the runtime the fix moves.
        let Some((binder, handler)) = self.element_path(value) else {
            return true;
        };
        let runtime = self
            .element_path(runtime)
            .filter(|(reader, _)| *reader == binder)
            .map(|(_, part)| part);
        let moved = MovedParts { handler, runtime };
        self.element_part_read_elsewhere(binder, &moved, Some(value.node))
            || self
                .iterated_const(binder)
                .is_some_and(|collection| self.collection_read_elsewhere(collection, &moved))
            || self.received_collection_read_elsewhere(binder, &moved)
    }

    /// For a loop or callback over a collection its function receives, whether the elements the
    /// calls pass may be read by more than this loop: the function reads the collection (or the
    /// parameter holding it whole, or a const holding it) elsewhere, or a call passes a const
    /// other code reads too.
    fn received_collection_read_elsewhere(&self, binder: Located<'tree>, moved: &MovedParts) -> bool {
        let Some(iterated) = self
            .loop_collection(binder)
            .or_else(|| self.callback_collection(binder))
        else {
            return false;
        };
        let Some(received) = self.received_collection(iterated.collection) else {
            return false;
        };
        let function = received.parameter.with(received.function);
        let reads = |name: &str, besides: Located<'tree>| {
            self.mentions_in_body(function, name, |mention| mention != besides && !binds(mention.node))
        };
        // `const endpoints = args.endpoints ?? [];` read by this loop alone.
        let collection = self.unwrapped(iterated.collection);
        if !collection.encloses(&received.read)
            && (kind_of(collection.node) != "identifier" || !reads(self.text(collection), collection).is_empty())
        {
            return true;
        }
        let read_elsewhere = reads(self.text(received.parameter), received.parameter)
            .into_iter()
            .any(|mention| {
                let Some(key) = received.key else {
                    return true;
                };
                // `args.role` reads another part of the parameter; `args.endpoints` elsewhere, or
                // `args` handed on whole, reads the collection.
                self.parent(mention)
                    .filter(|member| kind_of(*member) == "member_expression")
                    .filter(|member| member.field("object") == Some(mention.node))
                    .and_then(|member| member.field("property"))
                    .is_none_or(|property| self.text(mention.with(property)) == key)
            });
        // A call's elements are read by others only through a const holding them: a literal
        // written in the call, or a value not written out (whose elements the fix does not
        // touch), has no other reader.
        read_elsewhere
            || received.calls.iter().any(|passed| {
                passed
                    .held
                    .map(|held| self.unwrapped(held))
                    .filter(|held| matches!(kind_of(held.node), "identifier" | "shorthand_property_identifier"))
                    .is_some_and(|held| self.collection_read_elsewhere(held, moved))
            })
    }

    /// Whether a loop or element callback reads its element's handler part, or a part holding it (the
    /// element itself, handed on or spread), anywhere but as the `handler` argument of a Lambda
    /// function whose runtime does not read it either (or at `came_from`, the read being asked
    /// about). A rest pattern gathers parts no name shows: it counts as a read.
    fn element_part_read_elsewhere(
        &self,
        binder: Located<'tree>,
        moved: &MovedParts,
        came_from: Option<Node<'tree>>,
    ) -> bool {
        let Some(reads) = self.element_reads(binder) else {
            return true;
        };
        let moves_along = |function: usize| {
            self.handler_unread_by_its_runtime(function) || self.runtime_read_from(function, binder, &moved.runtime)
        };
        reads.into_iter().any(|(read, read_part)| {
            moved.handler.starts_with(&read_part)
                && Some(read.node) != came_from
                && !self.handler_of_function(read).is_some_and(moves_along)
                && !self.destructured_by_name(read)
        })
    }

    /// The reads a loop or element callback makes of its element, each with the steps from the
    /// element to the part read (`s.build.handler`, or `handler` destructured in the binding).
    /// `None` when the binding cannot be read, or a rest pattern gathers parts no name shows.
    pub(super) fn element_reads(&self, binder: Located<'tree>) -> Option<Vec<(Located<'tree>, Vec<Step>)>> {
        let pattern = self.binding_pattern(binder)?;
        if named_descendants(pattern).any(|node| kind_of(node) == "rest_pattern") {
            return None;
        }
        let reads = named_descendants(binder.node)
            .filter(|node| matches!(kind_of(*node), "identifier" | "shorthand_property_identifier"))
            .filter(|node| !pattern.byte_range().contains(&node.start_byte()) && !binds(*node))
            .filter_map(|occurrence| {
                let read = self.read_through_members(binder.with(occurrence));
                let (reader, path) = self.element_path(read)?;
                (reader == binder).then_some((read, path))
            })
            .collect();
        Some(reads)
    }

    /// `s.build.handler` for the `s` in it: the longest chain of property reads starting there.
    fn read_through_members(&self, name: Located<'tree>) -> Located<'tree> {
        let mut read = name;
        while let Some(member) = self.parent(read).filter(|member| {
            matches!(kind_of(*member), "member_expression" | "subscript_expression")
                && member.field("object") == Some(read.node)
        }) {
            read = read.with(member);
        }
        read
    }

    /// Whether `value` is what a `const` destructures into names, each of which is followed on
    /// its own (`build` in `const { runtime, handler } = build`): not when a default or a rest
    /// leaves a name's value not only the part it names.
    fn destructured_by_name(&self, value: Located<'tree>) -> bool {
        let Some(declarator) = self
            .parent(value)
            .filter(|declarator| kind_of(*declarator) == "variable_declarator")
            .filter(|declarator| declarator.field("value") == Some(value.node))
        else {
            return false;
        };
        let Some(pattern) = declarator.field("name").filter(|name| kind_of(*name) != "identifier") else {
            return false;
        };
        named_descendants(pattern)
            .filter(|node| matches!(kind_of(*node), "identifier" | "shorthand_property_identifier_pattern"))
            .all(|name| self.path_to(value.with(pattern), self.text(value.with(name))).is_some())
    }

    /// Whether the block declaring a local const (`declarator`) reads it anywhere but at `read`.
    fn local_read_elsewhere(&self, read: Located<'tree>, declarator: (usize, usize)) -> bool {
        let Some(declaration) =
            self.node_spanning(read.file, declarator, |node| kind_of(node) == "variable_declarator")
        else {
            return true;
        };
        let Some(block) = self
            .parent(read.with(declaration))
            .and_then(|statement| self.parent(read.with(statement)))
        else {
            return true;
        };
        let binding = self.local_binding(read);
        let name = self.text(read);
        named_descendants(block).any(|occurrence| {
            let here = read.with(occurrence);
            matches!(kind_of(occurrence), "identifier" | "shorthand_property_identifier")
                && occurrence != read.node
                && Some(occurrence) != declaration.field("name")
                && !binds(occurrence)
                && self.text(here) == name
                && self.local_binding(here) == binding
        })
    }

    /// Whether a const collection is read anywhere but by the loop asking (`collection`) other
    /// than by loops that read the elements' `part` only as a handler (a `push` onto it reads
    /// nothing): in its module and in every module importing it by name. A module importing it as a namespace, or re-exporting its
    /// module, may read it anywhere: it counts as read.
    fn collection_read_elsewhere(&self, collection: Located<'tree>, moved: &MovedParts) -> bool {
        let Some(value) = self.const_value(collection) else {
            return false;
        };
        let Some(declared) = value.node.parent().and_then(|declarator| declarator.field("name")) else {
            return true;
        };
        let home = value.file;
        let name = self.text(value.with(declared));
        let mut readers = vec![(home, name.to_owned())];
        for file in (0..self.file_count()).filter(|&file| file != home) {
            if self.reaches_module_otherwise(file, home) {
                return true;
            }
            for binding in &self.file(file).imports {
                if self.imported_file(file, &binding.module) != Some(home) {
                    continue;
                }
                match &binding.kind {
                    ImportKind::Namespace => return true,
                    ImportKind::Named { imported } if imported == name => readers.push((file, binding.local.clone())),
                    ImportKind::Named { .. } => {}
                }
            }
        }
        readers.into_iter().any(|(file, local)| {
            let text = self.file(file).text;
            let is_name = |character: char| character.is_alphanumeric() || character == '_' || character == '$';
            text.match_indices(local.as_str())
                .filter(|(start, _)| {
                    !text[..*start].ends_with(is_name) && !text[start + local.len()..].starts_with(is_name)
                })
                .filter_map(|(start, _)| self.root(file).descendant_for_byte_range(start, start + local.len()))
                .filter(|node| kind_of(*node) == "identifier" && *node != collection.node && *node != declared)
                .any(|read| {
                    let read = Located { file, node: read };
                    if self
                        .parent(read)
                        .is_some_and(|parent| kind_of(parent).starts_with("import"))
                        || self.pushes_onto(read)
                    {
                        return false;
                    }
                    self.iterating_binder(read)
                        .is_none_or(|binder| self.element_part_read_elsewhere(read.with(binder), moved, None))
                })
        })
    }

    /// The loop or element callback going over the collection read at `read`: `for (… of read)`,
    /// `read.map(…)` (or `forEach`, `flatMap`).
    pub(super) fn iterating_binder(&self, read: Located<'tree>) -> Option<Node<'tree>> {
        let parent = self.parent(read)?;
        if kind_of(parent) == "for_in_statement" && parent.field("right") == Some(read.node) {
            return Some(parent);
        }
        let member = Some(parent)
            .filter(|parent| kind_of(*parent) == "member_expression" && parent.field("object") == Some(read.node))?;
        let method = self.text(read.with(member.field("property")?));
        if !matches!(method, "map" | "forEach" | "flatMap") {
            return None;
        }
        let call = self
            .parent(read.with(member))
            .filter(|call| kind_of(*call) == "call_expression")?;
        named_children(call.field("arguments")?)
            .find(|argument| matches!(kind_of(*argument), "arrow_function" | "function_expression"))
    }

    /// The Lambda function whose `handler` argument `read` is: the value of a `handler`
    /// property (or the shorthand `handler`) of the arguments object written in the function's
    /// `new` expression.
    fn handler_of_function(&self, read: Located<'tree>) -> Option<usize> {
        let object = match kind_of(read.node) {
            "shorthand_property_identifier" if self.text(read) == "handler" => self.parent(read),
            _ => self
                .parent(read)
                .filter(|pair| {
                    kind_of(*pair) == "pair"
                        && pair.field("value") == Some(read.node)
                        && pair
                            .field("key")
                            .is_some_and(|key| self.text(read.with(key)) == "handler")
                })
                .and_then(|pair| self.parent(read.with(pair))),
        };
        let object = object.filter(|object| kind_of(*object) == "object")?;
        self.function_taking(read.with(object))
    }

    /// The Lambda function whose arguments object, written in its `new` expression, `object` is.
    pub(super) fn function_taking(&self, object: Located<'tree>) -> Option<usize> {
        let construction = self
            .parent(object)
            .filter(|arguments| kind_of(*arguments) == "arguments")
            .and_then(|arguments| self.parent(object.with(arguments)))
            .filter(|construction| kind_of(*construction) == "new_expression");
        construction
            .and_then(|construction| self.resource_at(object.with(construction)))
            .filter(|&function| {
                let function = &self.resources()[function];
                function.is_lambda_function() && function.args() == Some(object)
            })
    }

    /// Whether a function made by the loop or callback `binder` reads its runtime from the part
    /// `runtime` of the element: for each element, the runtime the fix moves along with the handler.
    fn runtime_read_from(&self, function: usize, binder: Located<'tree>, runtime: &Option<Vec<Step>>) -> bool {
        let read = self.resources()[function]
            .args()
            .and_then(|args| self.property(args, "runtime"))
            .and_then(|property| self.element_path(property.value));
        matches!((read, runtime), (Some((reader, part)), Some(moved)) if reader == binder && part == *moved)
    }

    /// Whether a function's runtime never reads its handler once the fix runs: every runtime it
    /// may have is `go1.x` (whose handler the same fix moves to `bootstrap`) or an OS-only runtime
    /// (`provided.al2023`, which ignores it). A Python function reading the same field would run
    /// `bootstrap` as its module.
    fn handler_unread_by_its_runtime(&self, function: usize) -> bool {
        let Some(runtime) = self.resources()[function]
            .args()
            .and_then(|args| self.property(args, "runtime"))
        else {
            return false;
        };
        let origins = self.string_origins(runtime.value);
        !origins.is_empty()
            && origins.into_iter().all(|origin| {
                self.classify_runtime(origin)
                    .is_some_and(|(_, _, runtime)| runtime.id == "go1.x" || runtime.id.starts_with("provided"))
            })
    }
}

/// Whether an identifier is a name a pattern binds (`h` in `const { handler: h } = s`), not a read.
pub(super) fn binds(identifier: Node) -> bool {
    identifier.parent().is_some_and(|parent| match kind_of(parent) {
        "pair_pattern" => parent.field("value") == Some(identifier),
        "array_pattern" | "rest_pattern" => true,
        "object_assignment_pattern" | "assignment_pattern" => parent.field("left") == Some(identifier),
        "variable_declarator" => parent.field("name") == Some(identifier),
        _ => false,
    })
}
