//! A function made to wait for resources: entries added to its `dependsOn`, the options object
//! made or extended.

use super::super::{named_children, Located, Program, ResourceDecl};
use crate::cloud::Site;
use crate::fix::Edit;
use crate::style::template::Code;

impl<'tree> Program<'tree> {
    /// The edits that make the function created at `function` wait for the resources created at
    /// `on`: each named where the function is (bound to a const first when nothing names it).
    pub(super) fn add_dependencies(&self, function: &Site, on: &[Site], edits: &mut Vec<Edit>) -> Result<(), String> {
        let function = &self.resources()[self.resource_at_site(function)?];
        let mut references = Vec::new();
        for resource in on {
            references.push(self.name_resource_at(self.resource_at_site(resource)?, function.statement(), edits)?);
        }
        edits.push(self.depends_on_edit(function, &references)?);
        Ok(())
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
            return Ok(self.add_properties(object, &[("dependsOn", Code::Array(new_entries))]));
        };
        let value = depends_on.value;
        if depends_on.object != object {
            return Err("its dependsOn comes from an object spread into the options".to_owned());
        }
        if value.node.kind() == "array" {
            let last = named_children(value.node)
                .filter(|element| element.kind() != "comment")
                .last();
            return Ok(match last {
                Some(last) => self.insert_items_after(
                    Located {
                        file: value.file,
                        node: last,
                    },
                    references,
                ),
                None => self.replace_node(value, &Code::Array(new_entries).render(self.style(value.file), "", 0)),
            });
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
