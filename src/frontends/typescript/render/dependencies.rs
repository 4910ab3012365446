//! A function made to wait for resources: entries added to its `dependsOn`, the options object
//! made or extended; in a CDK app, `fn.node.addDependency(…)` after the function and what it
//! waits for.

use super::super::{named_children, Located, Package, Program, ResourceDecl};
use crate::cloud::Site;
use crate::fix::Edit;
use crate::style::template::Code;
use crate::syntax::kind_of;

impl<'tree> Program<'tree> {
    /// The edits that make the function created at `function` wait for the resources created at
    /// `on`: each named where the function is (bound to a const first when nothing names it).
    pub(super) fn add_dependencies(&self, function: &Site, on: &[Site], edits: &mut Vec<Edit>) -> Result<(), String> {
        let function = &self.resources()[self.resource_at_site(function)?];
        if function.class.package == Package::Cdk {
            return self.add_cdk_dependencies(function, on, edits);
        }
        // Named where they are written: in the function's options, or in the const array they are.
        let list = self.depends_on_const_array(function)?;
        let place = list.unwrap_or_else(|| function.statement());
        let mut references = Vec::new();
        for resource in on {
            references.push(self.name_resource_at(self.resource_at_site(resource)?, place, edits)?);
        }
        edits.push(match list {
            Some(array) => self.append_to_array(array, &references),
            None => self.depends_on_edit(function, &references)?,
        });
        Ok(())
    }

    /// The array a function's `dependsOn` names (`dependsOn: apiDeps`), when it does: `Err` when
    /// other code reads that const too (what it gained would make others wait as well).
    fn depends_on_const_array(&self, function: &ResourceDecl<'tree>) -> Result<Option<Located<'tree>>, String> {
        // Only options written in the function's own `new`: an options object held in a const may
        // serve other resources, and `depends_on_edit` says so.
        let Some(value) = function
            .options()
            .filter(|options| self.object_literal(*options) == Some(*options))
            .and_then(|options| self.property(options, "dependsOn"))
            .filter(|depends_on| Some(depends_on.object) == function.options())
            .map(|depends_on| depends_on.value)
            .filter(|value| kind_of(value.node) == "identifier")
        else {
            return Ok(None);
        };
        let Some(array) = self.const_value(value).filter(|array| kind_of(array.node) == "array") else {
            return Ok(None);
        };
        match self.const_value_read_only_here(value) == Some(array) {
            true => Ok(Some(array)),
            false => Err(format!(
                "its dependsOn is the array `{}`, which other code reads too; add the policies to it by hand, or give the function a list of its own",
                self.text(value)
            )),
        }
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
        let mut entries = vec![Code::verbatim(self.text(value))];
        entries.extend(new_entries);
        let indent = self.indentation_of(depends_on.property);
        Ok(self.replace_node(
            value,
            &Code::Array(entries).render(self.style(value.file), &indent, "dependsOn: ".len()),
        ))
    }
}
