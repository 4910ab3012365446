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
        // Added where the list is written, when it serves this function alone and every new
        // entry can be named there.
        if let Some(array) = self.own_depends_on_literal(function) {
            let mut named_there = Vec::new();
            if let Ok(references) = self.names_at(on, array, &mut named_there) {
                edits.extend(named_there);
                edits.push(self.append_to_array(array, &references));
                return Ok(());
            }
        }
        // Named where they are written: in the function's `new`, which a callback around it may
        // see differently from its statement.
        let written_at = Located {
            file: function.file,
            node: function.expression,
        };
        let references = self.names_at(on, written_at, edits)?;
        edits.push(self.depends_on_edit(function, &references)?);
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

    /// How the code at `place` names each resource created at `on`, as entries of a list: a
    /// resource made by a `.map` callback, by spreading the array holding every instance of it.
    fn names_at(&self, on: &[Site], place: Located<'tree>, edits: &mut Vec<Edit>) -> Result<Vec<String>, String> {
        let mut names: Vec<String> = Vec::new();
        for site in on {
            let resource = self.resource_at_site(site)?;
            let name = match self.name_resource_at(resource, place, edits) {
                Ok(name) => name,
                Err(reason) => self.spread_of_every_instance(resource, place, edits).ok_or(reason)?,
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Ok(names)
    }

    /// `...attachments`, when the const `attachments` holds every instance of `resource`: declared
    /// in a block around `place` and set by the time it runs, under a name its file declares once;
    /// or at the top level of another module, imported (with the import added to `edits`). Either
    /// way, under a name nothing between hides.
    fn spread_of_every_instance(
        &self,
        resource: usize,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Option<String> {
        let name = self.const_holding_every_instance(resource)?;
        let local = self.name_const_at(name, place, edits).ok()?;
        Some(format!("...{local}"))
    }

    /// The array literal a function's `dependsOn` names through a const (`dependsOn: apiDeps`),
    /// when new entries may go there: the function's own options are the only code reading the
    /// const, and no code fills the array later (a literal some code pushes onto has the type of
    /// what it is written with, which the pushed values may not have).
    fn own_depends_on_literal(&self, function: &ResourceDecl<'tree>) -> Option<Located<'tree>> {
        // Only options written in the function's own `new`: an options object held in a const may
        // serve other resources, and `depends_on_edit` says so.
        let name = function
            .options()
            .filter(|options| self.object_literal(*options) == Some(*options))
            .and_then(|options| self.property(options, "dependsOn"))
            .filter(|depends_on| Some(depends_on.object) == function.options())
            .map(|depends_on| depends_on.value)?;
        let array = self.const_value_read_only_here(name)?;
        (kind_of(array.node) == "array" && self.array_values(name).is_some() && !self.changed_in_place(name, array))
            .then_some(array)
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

    /// Options a const holds (`opts`, which other resources may pass too) stay as they are: the
    /// function gets an object of its own that spreads them and adds its `dependsOn`, when they
    /// surely set none (the new list would replace it).
    fn spread_options_with_dependencies(
        &self,
        options: Located<'tree>,
        new_entries: Vec<Code>,
    ) -> Result<Edit, String> {
        if kind_of(options.node) != "identifier" || self.object_literal(options).is_none() {
            return Err("its options are not an object literal".to_owned());
        }
        if self.surely_sets(options, "dependsOn") {
            return Err(format!(
                "its options are `{}`, a const other resources may pass too, which sets a `dependsOn` of its own: a list of the function's own would drop it, and a change to it would reach every resource passing it; give the function options of its own that list both",
                self.text(options)
            ));
        }
        if !self.surely_lacks(options, "dependsOn") {
            return Err(format!(
                "its options are `{}`, a const that may set a `dependsOn` of its own, which other resources may pass too; give the function options of its own that list the role's policies",
                self.text(options)
            ));
        }
        let indent = self.indentation_of(options);
        let spread = format!("{{ ...{}, dependsOn: ", self.text(options));
        let list = Code::Array(new_entries).render(self.style(options.file), &indent, spread.len());
        Ok(self.replace_node(options, &format!("{spread}{list} }}")))
    }

    pub(super) fn depends_on_edit(
        &self,
        resource: &ResourceDecl<'tree>,
        references: &[String],
    ) -> Result<Edit, String> {
        let new_entries: Vec<Code> = references
            .iter()
            .map(|reference| Code::verbatim(reference.clone()))
            .collect();
        let Some(options) = resource.options() else {
            let args = resource.args().ok_or("the resource has no arguments object")?;
            let options = Code::object([("dependsOn", Code::Array(new_entries))]);
            let style = self.style(resource.file);
            let indent = self.indentation_of(args);
            return Ok(self.insert_items_after(args, &[options.render(style, &indent, 0)]));
        };
        let Some(object) = self.object_literal(options).filter(|object| *object == options) else {
            return self.spread_options_with_dependencies(options, new_entries);
        };
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
        // A list held elsewhere (`dependsOn: apiDeps`, a `.map` result) becomes this resource's
        // own: the list spread, then the new entries.
        if self.array_values(value).is_some() {
            return Ok(self.replace_depends_on(value, format!("...{}", self.text(value)), references.to_vec()));
        }
        // One resource becomes the first of a list (also one of another package, a `new` that
        // is no list); a list held elsewhere (a parameter, a call's result) would become an entry
        // of the list, which Pulumi's types refuse.
        if self.denoted_resource(value).is_none() && !self.made_by_another_package(value) {
            return Err(format!(
                "its dependsOn is `{}`, which infrafix cannot tell apart from a list of resources",
                self.text(value)
            ));
        }
        Ok(self.replace_depends_on(value, self.text(value).to_owned(), references.to_vec()))
    }
}
