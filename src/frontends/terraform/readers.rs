//! Who else reads the value a function's `handler` reads. A fix that writes `bootstrap` where a
//! Go function's handler is written changes every other reading of that value too: a package path
//! built from the binary's name (`filename = "build/${var.binary}.zip"`,
//! `s3_key = "go/${each.value.handler}.zip"`), an environment variable, another module.

use super::map_paths::Step;
use super::references::interpolated;
use super::values::{Scope, MAX_HOPS};
use super::{Located, TerraformProject};

impl<'a> TerraformProject<'a> {
    /// Whether anything but the handlers of functions reads the value the `handler` argument
    /// `handler` (of the block whose body is `body`, read in `scope`) reads, on its way from
    /// where it is written: a module variable it passes through, read by another argument of its
    /// module, or the field of a `for_each` element, read by another argument of the blocks made
    /// from the collection (or the whole element handed on).
    pub fn handler_read_elsewhere(&self, handler: Located<'a>, body: Located<'a>, scope: &Scope<'_, 'a>) -> bool {
        let (mut current, mut body, mut scope) = (interpolated(handler), body, scope);
        // The reading the value was followed through, one hop further in: a module call's argument,
        // a local's value.
        let mut passed_by: Option<Located<'a>> = None;
        // The steps into what `current` names that lead to the handler (`handler` in
        // `local.settings.handler`, then `[terraform.workspace]` and `handler` in the
        // `local.api[terraform.workspace]` that `settings` is).
        let mut path: Vec<Step> = Vec::new();
        for _ in 0..MAX_HOPS {
            match self.traversal(current).as_deref() {
                Some(["each", "value"]) => return self.element_field_read_elsewhere(body, None, passed_by),
                Some(["each", "value", field, ..]) => {
                    return self.element_field_read_elsewhere(body, Some(field), passed_by)
                }
                _ => {}
            }
            // Anything else but a local or a variable is a literal, read where it is written, or
            // a resource's attribute, never changed for a handler.
            let Some((namespace, name, steps)) = self.reference_path(current, scope) else {
                return false;
            };
            path.splice(0..0, steps);
            if self.read_elsewhere_in_folder(current, &format!("{namespace}.{name}"), &path, passed_by) {
                return true;
            }
            if namespace == "var" {
                // A root variable's default, or a module's own: no fix writes there.
                let Some((call, outer)) = scope.split_last() else {
                    return false;
                };
                let Some(passed) = self.argument(call.body, name) else {
                    return false;
                };
                passed_by = Some(passed);
                current = interpolated(passed);
                body = call.body;
                scope = outer;
            } else {
                let Some(value) = self.folder_of(current).locals.get(name) else {
                    return false;
                };
                // The local's own value reads what comes next: that reading is the one followed.
                passed_by = Some(*value);
                current = interpolated(*value);
            }
        }
        true
    }

    /// Whether the folder `read` is in names `key` anywhere but in the `handler` of its functions,
    /// the reading it was followed through (`passed_by`: a module call argument, a local's value)
    /// and readings of other fields than those `path` takes (`local.settings.runtime` beside
    /// `local.settings.handler`).
    fn read_elsewhere_in_folder(
        &self,
        read: Located<'a>,
        key: &str,
        path: &[Step],
        passed_by: Option<Located<'a>>,
    ) -> bool {
        let folder = self.folder_of_file[read.file];
        let allowed = self.handler_arguments(folder);
        (0..self.files.len())
            .filter(|&file| self.folder_of_file[file] == folder)
            .any(|file| {
                let whole = Located {
                    file,
                    node: self.files[file].tree.root_node(),
                };
                self.mentions_under(whole).iter().any(|mention| {
                    mention.key == key
                        && !allowed.contains(&mention.at)
                        && Some(mention.at) != passed_by.map(interpolated)
                        && self.may_read_along(mention.at, path)
                })
            })
    }

    /// Whether `read` may read what `path` leads to, or a part of the way there: it takes no
    /// other key than the path does (any key, for a key picked at deploy or a reading infrafix
    /// cannot follow).
    fn may_read_along(&self, read: Located<'a>, path: &[Step]) -> bool {
        let Some((_, _, steps)) = self.reference_path(read, &[]) else {
            return true;
        };
        !steps
            .iter()
            .zip(path)
            .any(|pair| matches!(pair, (Step::Key(read), Step::Key(wanted)) if read != wanted))
    }

    /// Whether the blocks made per element of the collection the block with body `body` goes
    /// over read the elements' `field` (the element itself, for `None`) anywhere but in the
    /// `handler` of their functions and the module call argument `passed_by`, or hand whole
    /// elements on (`config = each.value`).
    fn element_field_read_elsewhere(
        &self,
        body: Located<'a>,
        field: Option<&str>,
        passed_by: Option<Located<'a>>,
    ) -> bool {
        let Some(for_each) = self.argument(body, "for_each") else {
            return true;
        };
        let folder_index = self.folder_of_file[body.file];
        let folder = &self.folders[folder_index];
        let collection = self.traversal(for_each);
        // Other blocks going over the same named collection make instances from the same elements.
        let mut iterating = folder
            .resources
            .iter()
            .chain(&folder.data_sources)
            .map(|block| block.body)
            .chain(
                folder
                    .module_blocks
                    .values()
                    .filter_map(|block| super::block_body(*block)),
            )
            .filter(|other| {
                *other == body
                    || collection.is_some()
                        && self
                            .argument(*other, "for_each")
                            .is_some_and(|other_for_each| self.traversal(other_for_each) == collection)
            });
        let allowed = self.handler_arguments(folder_index);
        let passed_by = passed_by.map(interpolated);
        iterating.any(|block| {
            self.mentions_under(block).iter().any(|mention| {
                let reads_the_value = match (mention.attribute, field) {
                    (Some(read), Some(field)) => read == field,
                    (None, None) => true,
                    // The whole element, handed on; or a field of a value that has none.
                    _ => return mention.key == "each.value",
                };
                mention.key == "each.value"
                    && reads_the_value
                    && !allowed.contains(&mention.at)
                    && Some(mention.at) != passed_by
            })
        })
    }

    /// The expressions the `handler` arguments of a folder's functions read.
    fn handler_arguments(&self, folder: usize) -> Vec<Located<'a>> {
        self.folders[folder]
            .resources
            .iter()
            .filter(|resource| resource.kind == "aws_lambda_function")
            .filter_map(|resource| self.argument(resource.body, "handler"))
            .map(interpolated)
            .collect()
    }
}
