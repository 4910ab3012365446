//! A function made to wait for resources: entries added to its `dependsOn`, the options object
//! made or extended; in a CDK app, `fn.node.addDependency(…)` after the function and what it
//! waits for.

use super::super::{named_children, Located, Package, Program, ResourceDecl};
use crate::cloud::Site;
use crate::fix::Edit;
use crate::style::template::Code;
use crate::syntax::kind_of;

/// A function's `dependsOn` written as the name of a const array.
struct DependsOnList<'tree> {
    /// The name, in the function's options.
    name: Located<'tree>,
    array: Located<'tree>,
    /// Whether the function's options are the only code reading the const.
    read_only_here: bool,
}

impl<'tree> Program<'tree> {
    /// The edits that make the function created at `function` wait for the resources created at
    /// `on`: each named where the function is (bound to a const first when nothing names it).
    pub(super) fn add_dependencies(&self, function: &Site, on: &[Site], edits: &mut Vec<Edit>) -> Result<(), String> {
        let function = &self.resources()[self.resource_at_site(function)?];
        if function.class.package == Package::Cdk {
            return self.add_cdk_dependencies(function, on, edits);
        }
        let Some(list) = self.depends_on_const_array(function) else {
            let references = self.names_at(on, function.statement(), edits)?;
            edits.push(self.depends_on_edit(function, &references)?);
            return Ok(());
        };
        // Added where the list is written, when it serves this function alone and every new
        // entry can be named there.
        if list.read_only_here {
            let mut named_there = Vec::new();
            if let Ok(references) = self.names_at(on, list.array, &mut named_there) {
                edits.extend(named_there);
                edits.push(self.append_to_array(list.array, &references));
                return Ok(());
            }
        }
        // Else this function's own list: the shared one spread, then the new entries.
        let references = self.names_at(on, function.statement(), edits)?;
        let spread = format!("...{}", self.text(list.name));
        edits.push(self.replace_depends_on(list.name, spread, references));
        Ok(())
    }

    /// `value`, the whole of a `dependsOn`, replaced by an array of `first` and `references`.
    fn replace_depends_on(&self, value: Located<'tree>, first: String, references: Vec<String>) -> Edit {
        let entries = std::iter::once(first).chain(references).map(Code::verbatim).collect();
        // `{ dependsOn }` is written out as the property it stands for.
        let key = match kind_of(value.node) {
            "shorthand_property_identifier" => "dependsOn: ",
            _ => "",
        };
        let indent = self.indentation_of(value);
        let array = Code::Array(entries).render(self.style(value.file), &indent, "dependsOn: ".len());
        self.replace_node(value, &format!("{key}{array}"))
    }

    /// How the code at `place` names each resource created at `on`.
    fn names_at(&self, on: &[Site], place: Located<'tree>, edits: &mut Vec<Edit>) -> Result<Vec<String>, String> {
        on.iter()
            .map(|resource| self.name_resource_at(self.resource_at_site(resource)?, place, edits))
            .collect()
    }

    /// The const array a function's `dependsOn` names (`dependsOn: apiDeps`), when it does.
    fn depends_on_const_array(&self, function: &ResourceDecl<'tree>) -> Option<DependsOnList<'tree>> {
        // Only options written in the function's own `new`: an options object held in a const may
        // serve other resources, and `depends_on_edit` says so.
        let name = function
            .options()
            .filter(|options| self.object_literal(*options) == Some(*options))
            .and_then(|options| self.property(options, "dependsOn"))
            .filter(|depends_on| Some(depends_on.object) == function.options())
            .map(|depends_on| depends_on.value)
            .filter(|value| matches!(kind_of(value.node), "identifier" | "shorthand_property_identifier"))?;
        let array = self.const_value(name).filter(|array| kind_of(array.node) == "array")?;
        Some(DependsOnList {
            name,
            array,
            read_only_here: self.const_value_read_only_here(name) == Some(array),
        })
    }

    /// `fn.node.addDependency(a, b)` (every construct has it, in v1 and v2), after the last of
    /// the function and what it waits for that its block declares.
    fn add_cdk_dependencies(
        &self,
        function: &ResourceDecl<'tree>,
        on: &[Site],
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let waited: Vec<usize> = on
            .iter()
            .map(|site| self.resource_at_site(site))
            .collect::<Result<_, _>>()?;
        let block = function.statement.parent();
        let anchor = waited
            .iter()
            .map(|&resource| &self.resources()[resource])
            .filter(|resource| resource.file == function.file && resource.statement.parent() == block)
            .map(|resource| resource.statement)
            .chain([function.statement])
            .max_by_key(|statement| statement.start_byte())
            .map(|statement| Located {
                file: function.file,
                node: statement,
            })
            .ok_or("the function has no statement")?;
        let function_index = self.resource_at(Located {
            file: function.file,
            node: function.expression,
        });
        let function_name =
            self.name_resource_at(function_index.ok_or("the function is not a resource")?, anchor, edits)?;
        let mut names = Vec::new();
        for resource in waited {
            names.push(self.name_resource_at(resource, anchor, edits)?);
        }
        let call = format!("{function_name}.node.addDependency({})", names.join(", "));
        let call = Code::verbatim(call);
        let last_call = self.after_dependency_calls(anchor, &function_name);
        edits.push(match last_call == anchor {
            true => self.insert_statement_after(anchor, &call, None),
            false => self.append_statement(last_call, &call),
        });
        Ok(())
    }

    /// The last of the statements right after `statement` that already make `function` wait
    /// (`fn.addDependency(x);`), so that the new one joins them.
    fn after_dependency_calls(&self, statement: Located<'tree>, function: &str) -> Located<'tree> {
        let mut last = statement;
        while let Some(next) = last.node.next_named_sibling() {
            let text = self.text(statement.with(next));
            let waits = kind_of(next) == "expression_statement"
                && [".addDependency(", ".node.addDependency(", ".addDependsOn("]
                    .iter()
                    .any(|call| text.starts_with(&format!("{function}{call}")));
            if !waits {
                break;
            }
            last = statement.with(next);
        }
        last
    }

    /// `references` added at the end of an array literal.
    fn append_to_array(&self, array: Located<'tree>, references: &[String]) -> Edit {
        let last = named_children(array.node)
            .filter(|element| kind_of(element) != "comment")
            .last();
        match last {
            Some(last) => self.insert_items_after(array.with(last), references),
            None => {
                let entries = references
                    .iter()
                    .map(|reference| Code::verbatim(reference.clone()))
                    .collect();
                self.replace_node(array, &Code::Array(entries).render(self.style(array.file), "", 0))
            }
        }
    }

    fn depends_on_edit(&self, function: &ResourceDecl<'tree>, references: &[String]) -> Result<Edit, String> {
        let new_entries: Vec<Code> = references
            .iter()
            .map(|reference| Code::verbatim(reference.clone()))
            .collect();
        let Some(options) = function.options() else {
            let args = function.args().ok_or("the function has no arguments object")?;
            let options = Code::object([("dependsOn", Code::Array(new_entries))]);
            let style = self.style(function.file);
            let indent = self.indentation_of(args);
            return Ok(self.insert_items_after(args, &[options.render(style, &indent, 0)]));
        };
        let object = self
            .object_literal(options)
            .filter(|object| *object == options)
            .ok_or("its options are not an object literal")?;
        let Some(depends_on) = self.property(object, "dependsOn") else {
            return self.add_properties(object, &[("dependsOn", Code::Array(new_entries))]);
        };
        let value = depends_on.value;
        if depends_on.object != object {
            return Err("its dependsOn comes from an object spread into the options".to_owned());
        }
        if kind_of(value.node) == "array" {
            return Ok(self.append_to_array(value, references));
        }
        // One resource becomes the first of a list; a list held elsewhere (a parameter, a call's
        // result) would become an entry of the list, which Pulumi's types refuse.
        if self.denoted_resource(value).is_none() {
            return Err(format!(
                "its dependsOn is `{}`, which infrafix cannot tell apart from a list of resources",
                self.text(value)
            ));
        }
        Ok(self.replace_depends_on(value, self.text(value).to_owned(), references.to_vec()))
    }
}
