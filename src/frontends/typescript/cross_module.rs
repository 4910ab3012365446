//! Naming a resource declared in another module of the project: through an import the file already
//! has (named, through a barrel, or a namespace), or by adding one in the file's own import style.
//! An import is never added where it would close an import cycle: in a cycle one module runs
//! before the other's exports exist, so a new edge could change what the program sees.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use tree_sitter::Node;

use super::edits::{names_written_into, push_merged, writes_name};
use super::imports::TypesOnly;
use super::values::declared_by_export;
use super::{named_children, Exported, ImportKind, Located, Program, ResourceBinding};
use crate::fix::{position_in_list, Edit, ListedLine, ListedLines, NewDependency};
use crate::syntax::{kind_of, node_text, Fields};

/// How a file names a resource of another module, with the edits that importing it takes; or why
/// it cannot.
pub(super) type NamedFromOtherModule = Result<(String, Vec<Edit>), String>;

/// A value a module declares at its top level, as another module names it.
pub(super) struct TopLevelValue<'tree> {
    pub file: usize,
    /// Its declaration statement.
    pub statement: Node<'tree>,
    /// Somewhere inside the value: an import of a declarator spanning it already reaches it.
    pub position: usize,
    /// The const holding it (or holding the object it is a property of).
    pub name: String,
    /// What follows the name: `.dlq` for a property of a const object.
    pub path: String,
    pub exported: bool,
    /// A bare statement, which becomes `export const NAME = …` first.
    pub unbound: bool,
}

impl<'tree> Program<'tree> {
    /// How `file` refers to `resource` of another module, with the edits adding the import (and
    /// the `export`) that takes. `Err` says why it cannot. Worked out once per resource and file:
    /// every function of a module names the same policies in its `dependsOn`.
    pub(super) fn name_from_other_module(&self, resource: usize, file: usize) -> NamedFromOtherModule {
        if let Some(known) = self.memo.names_from_other_modules.borrow().get(&(resource, file)) {
            return known.clone();
        }
        let declaration = &self.resources()[resource];
        let held = match &declaration.binding {
            ResourceBinding::Variable { name, exported } => Some((name.clone(), String::new(), *exported)),
            ResourceBinding::Property { holder, path, exported } => {
                Some((holder.clone(), format!(".{path}"), *exported))
            }
            _ => None,
        };
        let value = |name: String, path: String, exported: bool, unbound: bool| TopLevelValue {
            file: declaration.file,
            statement: declaration.statement,
            position: declaration.expression.start_byte(),
            name,
            path,
            exported,
            unbound,
        };
        let shown = self.display_name(resource);
        let value = match (held, &declaration.binding) {
            (Some((name, path, exported)), _) => value(name, path, exported, false),
            // A bare `new …` statement gets an exported const first, named as a same-module fix would.
            (None, ResourceBinding::Unbound) => value(self.binding_name(resource), String::new(), false, true),
            (None, _) => {
                return Err(format!(
                    "{shown} is not held by a top-level const of its module, so it cannot be imported"
                ))
            }
        };
        let mut edits = Vec::new();
        let named = self
            .name_top_level_value(&value, &shown, file, &[], &mut edits)
            .map(|name| (name, edits));
        // A name the file already spells is imported under a fresh alias, handed out to this fix
        // alone: another fix asking gets its own.
        if self.mentions(file, &value.name) == 0 {
            self.memo
                .names_from_other_modules
                .borrow_mut()
                .insert((resource, file), named.clone());
        }
        named
    }

    /// How code at `place` names the `const` whose declarator names it `name` (the identifier
    /// the declarator binds): the same name, when the const is declared in a block around
    /// `place`, set by the time it runs and declared once in its file; else, declared at the top
    /// level of another module, through an import (added to `edits`). Either way under a name
    /// nothing between hides. `Err` says why it cannot be named there.
    pub(super) fn name_const_at(
        &self,
        name: Located<'tree>,
        place: Located<'tree>,
        edits: &mut Vec<Edit>,
    ) -> Result<String, String> {
        let text = self.text(name);
        let shown = format!("`{text}`");
        let unreadable = || format!("{shown} is not a const of a statement of its own");
        let declarator = self.parent(name).ok_or_else(unreadable)?;
        let declaration = self.parent(name.with(declarator)).ok_or_else(unreadable)?;
        let statement = self
            .parent(name.with(declaration))
            .filter(|parent| kind_of(*parent) == "export_statement")
            .unwrap_or(declaration);
        if name.file != place.file {
            let value = TopLevelValue {
                file: name.file,
                statement,
                position: name.node.start_byte(),
                name: text.to_owned(),
                path: String::new(),
                exported: declared_by_export(declarator),
                unbound: false,
            };
            let mut imported = Vec::new();
            let local = self.name_top_level_value(&value, &shown, place.file, edits, &mut imported)?;
            if self.reference_hidden_at(&local, place, self.root(place.file)) {
                return Err(format!(
                    "{shown} would be named `{local}` here, which means something else (a parameter, a loop variable or an inner declaration)"
                ));
            }
            imported.into_iter().for_each(|edit| push_merged(edits, edit));
            return Ok(local);
        }
        let block = self.parent(name.with(statement)).ok_or_else(unreadable)?;
        if !block.byte_range().contains(&place.node.start_byte()) {
            return Err(format!("{shown} is declared in a block this code is not in"));
        }
        if !self.runs_after(place, statement) {
            return Err(format!(
                "{shown} is declared further down, or may not be set yet when this code runs"
            ));
        }
        if self.declarations_named(place.file, text) != 1 || self.hidden_at(text, place, block) {
            return Err(format!(
                "{shown} is declared more than once in its file, or means something else here"
            ));
        }
        Ok(text.to_owned())
    }

    /// How `file` refers to a value another module declares at its top level: through an import
    /// it already has, else one added in the file's style (with the `export` it needs), under a
    /// name neither the file nor the fix's other edits (`pending`) bind to something else.
    pub(super) fn name_top_level_value(
        &self,
        value: &TopLevelValue<'tree>,
        shown: &str,
        file: usize,
        pending: &[Edit],
        edits: &mut Vec<Edit>,
    ) -> Result<String, String> {
        if let Some(name) = self.imported_value_name(value, file) {
            return Ok(name);
        }
        let TopLevelValue { name, path, .. } = value;
        let top_level = value
            .statement
            .parent()
            .is_some_and(|parent| kind_of(parent) == "program" || kind_of(parent) == "export_statement");
        if !top_level {
            return Err(format!(
                "{shown} is declared inside a block of its module, so it cannot be imported"
            ));
        }
        // An `export` or `import` added to a file with neither turns a script into a module, and
        // its top-level names stop being global for the files that use them. In JavaScript such a
        // file is a CommonJS module, which Node refuses an `import` in.
        if let Some(other) = [value.file, file]
            .into_iter()
            .find(|&module| !self.is_es_module(module))
        {
            return Err(match super::is_javascript(self.file(other).path) {
                true => format!(
                    "{shown} is declared in another file, and one of the two files is a CommonJS module (`require`, `exports`), into which infrafix writes no `import` or `export`, nor yet a `require` or `exports` entry"
                ),
                false => format!(
                    "{shown} is declared in another file, and one of the two files is a script (no import or export), which an import would turn into a module"
                ),
            });
        }
        if self.depends_on(value.file, file) {
            return Err(format!(
                "{shown} is declared in a module that imports this one; importing it here would make an import cycle"
            ));
        }
        let start = value.statement.start_byte();
        match (value.unbound, value.exported) {
            (true, _) => push_merged(
                edits,
                Edit::insert(value.file, start, format!("export const {name} = ")),
            ),
            (false, false) => push_merged(edits, Edit::insert(value.file, start, "export ")),
            (false, true) => {}
        }
        // A namespace the file already has for that module reaches the new export too.
        let namespace = self.file(file).imports.iter().find(|binding| {
            binding.is_namespace_of_module()
                && self
                    .imported_file(file, &binding.module)
                    .is_some_and(|from| from == value.file || self.reexports_everything_of(from, value.file))
        });
        if let Some(namespace) = namespace {
            return Ok(format!("{}.{name}{path}", namespace.local));
        }
        if let Some(local) = self.imported_by_the_fix(value, file, pending) {
            return Ok(format!("{local}{path}"));
        }
        // Under its own name, unless the file spells it, or the fix already imports another
        // value under it (two modules' `account` read by one policy), or another fix of this
        // pass does (two roles' policies in one file, each reading its own module's `account`).
        let own_name_free = self.mentions(file, name) == 0
            && !writes_name(pending, file, name)
            && self.take_import_name(file, name, (value.file, name));
        let local = match own_name_free {
            true => name.clone(),
            false => self.fresh_name_besides(file, name, pending),
        };
        push_merged(
            edits,
            self.import_edit(file, value.file, &specifier(name, &local), &local),
        );
        Ok(format!("{local}{path}"))
    }

    /// The name under which a fix's edits (`pending`) already import a value into `file`: one of
    /// the names they write there, whose import of the value they make.
    fn imported_by_the_fix(&self, value: &TopLevelValue<'tree>, file: usize, pending: &[Edit]) -> Option<String> {
        let mut written: Vec<&str> = names_written_into(pending, file).collect();
        written.sort_unstable();
        written.dedup();
        written
            .into_iter()
            .find(|local| {
                let import = self.import_edit(file, value.file, &specifier(&value.name, local), local);
                pending.iter().any(|edit| edit.holds(&import))
            })
            .map(str::to_owned)
    }

    /// The name under which `file` already reaches an exported value: a named import of it
    /// (directly or through a barrel) or a namespace import of a module that exports it.
    fn imported_value_name(&self, value: &TopLevelValue<'tree>, file: usize) -> Option<String> {
        if value.unbound {
            return None;
        }
        let holds_value = |exported: Option<Exported>| {
            matches!(exported, Some(Exported::Variable { file, declarator, .. })
                if file == value.file && declarator.byte_range().contains(&value.position))
        };
        let TopLevelValue { name, path, .. } = value;
        self.file(file).imports.iter().find_map(|binding| {
            if binding.is_type_only() {
                return None;
            }
            let from = self.imported_file(file, &binding.module)?;
            match &binding.kind {
                ImportKind::Named { imported } => {
                    holds_value(self.exported(from, imported)).then(|| format!("{}{path}", binding.local))
                }
                ImportKind::Namespace => (binding.is_namespace_of_module() && holds_value(self.exported(from, name)))
                    .then(|| format!("{}.{name}{path}", binding.local)),
            }
        })
    }

    /// Adds `specifier` (binding `local`) to the import of `exporter` that `file` already has (or of
    /// a barrel of the file's that passes all of `exporter` on), or a new import statement after the
    /// file's last import.
    fn import_edit(&self, file: usize, exporter: usize, specifier: &str, local: &str) -> Edit {
        let existing_list = self.file(file).imports.iter().find_map(|binding| {
            if binding.types_only == TypesOnly::Statement {
                return None;
            }
            let from = self.imported_file(file, &binding.module)?;
            let reaches = from == exporter || self.reexports_everything_of(from, exporter);
            reaches.then(|| binding.named_list()).flatten()
        });
        if let Some(list) = existing_list {
            return self.add_import_specifier(Located { file, node: list }, specifier);
        }
        let style = self.style(file);
        let module = style.string(&self.module_specifier(file, exporter));
        let statement_end = style.statement_end();
        let (at, head, tail) = match self.new_import_point(file) {
            Some(at) => (
                at,
                format!("{}import {{ ", style.line_ending),
                format!(" }} from {module}{statement_end}"),
            ),
            None => (
                0,
                "import { ".to_owned(),
                format!(" }} from {module}{statement_end}{}", style.line_ending),
            ),
        };
        let lines = ListedLines {
            lines: vec![ListedLine {
                key: exporter.to_string(),
                head,
                items: vec![specifier.to_owned()],
                tail,
            }],
            binds: BTreeSet::from([local.to_owned()]),
        };
        // Another fix's new import at this point merges with this one as it would be written a pass
        // later only when an import of this module reaches nothing else: else the later fix would
        // have named its resource through this module's re-exports.
        let edit = match self.exports_only_its_own(exporter) {
            true => Edit::insert_lines(file, at, lines),
            false => Edit::insert(file, at, lines.text()),
        };
        edit.with_dependency(self.new_dependency(file, exporter))
    }

    /// Adds a specifier to a `{ … }` import list: where it sorts when the list is sorted, else last.
    fn add_import_specifier(&self, list: Located<'tree>, specifier: &str) -> Edit {
        let items: Vec<Node> = named_children(list.node)
            .filter(|item| kind_of(item) == "import_specifier")
            .collect();
        let written: Vec<String> = items
            .iter()
            .map(|item| {
                self.text(Located {
                    file: list.file,
                    node: *item,
                })
                .to_owned()
            })
            .collect();
        let position = position_in_list(&written, specifier);
        match (position, items.first()) {
            (0, Some(first)) => Edit::insert(list.file, first.start_byte(), format!("{specifier}, ")),
            (_, Some(_)) => self.insert_items_after(
                Located {
                    file: list.file,
                    node: items[position - 1],
                },
                &[specifier.to_owned()],
            ),
            (_, None) => Edit::replace(list.file, list.node.byte_range(), format!("{{ {specifier} }}")),
        }
    }

    /// How `file` names the module `exporter` in an import: relative, without the extension, or
    /// with `.js` where the project writes it (see `writes_js_extensions`) or Node needs it (an
    /// ES module written in JavaScript).
    fn module_specifier(&self, file: usize, exporter: usize) -> String {
        let from = self.file(file).path.parent().unwrap_or(Path::new(""));
        let target = self.file(exporter).path;
        // Node finds an ES module's import by the file name as written, extension included.
        let writes_js =
            self.writes_js_extensions(file) || (super::is_javascript(self.file(file).path) && self.is_es_module(file));
        // A JavaScript module is named as it is written (`./iam.mjs`); a TypeScript one by the
        // `.js` file tsc writes.
        let extension = match (writes_js, super::is_javascript(target)) {
            (false, _) => "",
            (true, true) => target
                .extension()
                .and_then(|extension| extension.to_str())
                .unwrap_or("js"),
            (true, false) => "js",
        };
        let relative = relative_path(from, &target.with_extension(extension));
        let mut text = relative.to_string_lossy().replace('\\', "/");
        if let (false, Some(folder)) = (writes_js, text.strip_suffix("/index")) {
            text = folder.to_owned();
        }
        if text.starts_with("../") {
            text
        } else {
            format!("./{text}")
        }
    }

    /// Whether relative imports in `file` name the emitted `.js` file (`from "./queues.js"`): as
    /// the file's own imports of project modules (relative, or through an alias) do, or, in a
    /// file without any, as any other file's do. An
    /// ES module project needs the extension (Node and tsc's `nodenext` refuse an import without
    /// it), and a CommonJS one accepts it.
    fn writes_js_extensions(&self, file: usize) -> bool {
        // Imports of the project's own modules, relative or through its aliases.
        let relative_imports = |file: usize| {
            self.file(file).imports.iter().filter(move |binding| {
                binding.module.starts_with('.') || self.imported_file(file, &binding.module).is_some()
            })
        };
        let names_js = |file: usize| relative_imports(file).any(|binding| binding.module.ends_with(".js"));
        match relative_imports(file).next() {
            Some(_) => names_js(file),
            None => (0..self.files().len()).any(names_js),
        }
    }

    /// Where a new import statement goes: at the end of the line of the file's last import
    /// (`None` when it has none). Every fix adding an import to the file asks: found once.
    fn new_import_point(&self, file: usize) -> Option<usize> {
        *self
            .file(file)
            .facts
            .import_point
            .get_or_init(|| self.last_import_statement(file).map(|last| self.end_of_line(last)))
    }

    fn last_import_statement(&self, file: usize) -> Option<Node<'tree>> {
        let text = self.file(file).text;
        named_children(self.root(file))
            .take_while(|statement| {
                matches!(kind_of(statement), "import_statement" | "comment")
                    || node_text(*statement, text).contains("require(")
            })
            .filter(|statement| kind_of(statement) != "comment")
            .last()
    }

    /// Where a line added after `statement` goes: after the comments that end its line
    /// (`… from "./iam"; // the shared role`), so that they stay with it.
    fn end_of_line(&self, statement: Node<'tree>) -> usize {
        let row = statement.end_position().row;
        let mut end = statement.end_byte();
        let mut next = statement.next_sibling();
        while let Some(comment) = next.filter(|node| kind_of(node) == "comment" && node.start_position().row == row) {
            end = comment.end_byte();
            next = comment.next_sibling();
        }
        end
    }

    /// Whether a file has an ES `import` or `export` statement at its top level.
    fn is_es_module(&self, file: usize) -> bool {
        *self.file(file).facts.es_module.get_or_init(|| {
            named_children(self.root(file))
                .any(|statement| matches!(kind_of(statement), "import_statement" | "export_statement"))
        })
    }

    /// Whether module `from` imports `to`, directly or through other modules of the project.
    fn depends_on(&self, from: usize, to: usize) -> bool {
        self.memo
            .modules_reached
            .reaches(from, to, |file| self.imported_modules(file))
    }

    /// The dependency a new import of `exporter` gives `file`, for the fix engine to keep fixes
    /// whose imports would close a cycle together out of one batch (each alone is checked here).
    fn new_dependency(&self, file: usize, exporter: usize) -> NewDependency {
        let mut to_reaches = self
            .memo
            .modules_reached
            .reached_from(exporter, |module| self.imported_modules(module));
        if let Err(position) = to_reaches.binary_search(&exporter) {
            to_reaches.insert(position, exporter);
        }
        NewDependency { from: file, to_reaches }
    }

    /// The project modules a file imports or re-exports from, side-effect imports included; read
    /// once per file, since every cycle check walks them.
    fn imported_modules(&self, file: usize) -> std::rc::Rc<Vec<usize>> {
        if let Some(known) = self.memo.imported_modules.borrow().get(&file) {
            return std::rc::Rc::clone(known);
        }
        let modules = std::rc::Rc::new(self.read_imported_modules(file));
        self.memo
            .imported_modules
            .borrow_mut()
            .insert(file, std::rc::Rc::clone(&modules));
        modules
    }

    fn read_imported_modules(&self, file: usize) -> Vec<usize> {
        let text = self.file(file).text;
        let written = named_children(self.root(file))
            .filter(|statement| matches!(kind_of(statement), "import_statement" | "export_statement"))
            .filter_map(|statement| statement.field("source"))
            .map(|source| node_text(source, text).trim_matches(['"', '\'', '`']).to_owned());
        let required = self.file(file).imports.iter().map(|binding| binding.module.clone());
        written
            .chain(required)
            .filter_map(|module| self.imported_file(file, &module))
            .collect()
    }
}

/// `to` relative to the folder `from`, both relative to the same root.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in shared..from.len() {
        path.push("..");
    }
    for component in &to[shared..] {
        path.push(component.as_os_str());
    }
    path
}

/// An import specifier binding `local` to what a module exports as `exported`.
fn specifier(exported: &str, local: &str) -> String {
    match exported == local {
        true => exported.to_owned(),
        false => format!("{exported} as {local}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::Located;

    /// How `user.ts` can name the queue of `queues.ts`, and the edits that takes.
    fn naming(queues: &str) -> Result<(String, usize), String> {
        let user = "import * as aws from \"@pulumi/aws\";\nexport const role = new aws.iam.Role(\"r\", { assumeRolePolicy: \"{}\" });\n";
        let mut result = Err(String::new());
        with_program(&[("queues.ts", queues), ("user.ts", user)], |program| {
            let queue = program
                .resources()
                .iter()
                .position(|resource| resource.is_aws(&["sqs", "Queue"]))
                .expect("a queue");
            let place = Located {
                file: 1,
                node: program.resources()[1].statement,
            };
            let mut edits = Vec::new();
            result = program
                .name_resource_at(queue, place, &mut edits)
                .map(|name| (name, edits.len()));
        });
        result
    }

    #[test]
    fn imports_from_modules_and_exports_what_it_needs() {
        let exported = "import * as aws from \"@pulumi/aws\";\nexport const dlq = new aws.sqs.Queue(\"dlq\");\n";
        assert_eq!(naming(exported), Ok(("dlq".to_owned(), 1)));
        let kept = "import * as aws from \"@pulumi/aws\";\nconst dlq = new aws.sqs.Queue(\"dlq\");\n";
        assert_eq!(naming(kept), Ok(("dlq".to_owned(), 2)));
    }

    #[test]
    fn never_turns_a_script_into_a_module() {
        let script = "const aws = require(\"@pulumi/aws\");\nconst dlq = new aws.sqs.Queue(\"dlq\");\n";
        assert!(naming(script).is_err_and(|reason| reason.contains("script")));
    }
}
