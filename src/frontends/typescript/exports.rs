//! What each module of the project exports, and where an exported name is really declared:
//! through `export { a as b }`, CommonJS assignments (`exports.a = a`, `module.exports = { a }`), `export { a } from "./m"`, `export * from "./m"` (the barrels real
//! projects put in `index.ts`), and namespaces (`import * as iam from "./iam"`, `export * as iam
//! from "./iam"`). Each file's export statements are read once into a table; resolving a name is
//! then look-ups in those tables.

use foldhash::{HashMap, HashSet};

use tree_sitter::Node;

use super::scope::{Declaration, FUNCTIONS};
use super::{named_children, ImportKind, Program};
use crate::syntax::{kind_of, node_text, Fields};

/// A file's exports as written, before following any of them.
#[derive(Debug, Default)]
pub struct ExportTable {
    /// Exported name → how the file provides it.
    named: HashMap<String, ExportSource>,
    /// `export * from "m"`: every name `m` exports, in the order written.
    star_modules: Vec<String>,
}

#[derive(Debug, Clone)]
enum ExportSource {
    /// A name of the file's own scope: `export const a`, `export { a as b }`, or an import it passes on.
    Local(String),
    /// `export { a as b } from "m"`.
    Reexport { module: String, imported: String },
    /// `export * as b from "m"`.
    NamespaceOf { module: String },
    /// `export default () => …`, `export default function () {…}`: a function without a name,
    /// by its byte range.
    AnonymousFunction { start: usize, end: usize },
}

/// Where an exported name is declared.
#[derive(Debug, Clone, Copy)]
pub enum Exported<'tree> {
    /// A top-level variable of `file`.
    Variable {
        file: usize,
        declarator: Node<'tree>,
        constant: bool,
    },
    /// A top-level function declaration of `file`.
    Function { file: usize, function: Node<'tree> },
    /// A whole module of the project, reached as a namespace.
    Namespace { file: usize },
}

pub(super) fn read_table(root: Node, text: &str) -> ExportTable {
    let mut table = ExportTable::default();
    let mut exports_replaced = false;
    for statement in named_children(root).filter(|node| kind_of(node) == "expression_statement") {
        read_commonjs_export(statement, text, &mut table, &mut exports_replaced);
    }
    for statement in named_children(root).filter(|node| kind_of(node) == "export_statement") {
        let source = statement
            .field("source")
            .and_then(|source| string_content(source, text));
        if is_default_export(statement) {
            if let Some(source) = default_export_source(statement, text) {
                table.named.insert("default".to_owned(), source);
            }
            continue;
        }
        if let Some(declaration) = statement.field("declaration") {
            for name in declared_names(declaration, text) {
                table.named.insert(name.clone(), ExportSource::Local(name));
            }
            continue;
        }
        let clause =
            named_children(statement).find(|child| matches!(kind_of(child), "export_clause" | "namespace_export"));
        match (clause, source) {
            (Some(clause), source) if kind_of(clause) == "export_clause" => {
                for specifier in named_children(clause).filter(|child| kind_of(child) == "export_specifier") {
                    let Some(name) = specifier.field("name").map(|n| name_text(n, text)) else {
                        continue;
                    };
                    let exported = specifier
                        .field("alias")
                        .map_or_else(|| name.clone(), |alias| name_text(alias, text));
                    let entry = match &source {
                        Some(module) => ExportSource::Reexport {
                            module: module.clone(),
                            imported: name,
                        },
                        None => ExportSource::Local(name),
                    };
                    table.named.insert(exported, entry);
                }
            }
            (Some(namespace), Some(module)) => {
                if let Some(name) = named_children(namespace).next() {
                    table
                        .named
                        .insert(name_text(name, text), ExportSource::NamespaceOf { module });
                }
            }
            (None, Some(module)) => table.star_modules.push(module),
            _ => {}
        }
    }
    table
}

/// A CommonJS module's exports of its own names, by top-level assignments read in order:
/// `exports.role = role`, `module.exports.role = role`, and `module.exports = { role, logs:
/// basicLogs }`. Assigning `module.exports` replaces the object `require` returns: what was set
/// on it before is gone, and `exports` still names the old one, so `exports.x` after it
/// (`exports_replaced`) exports nothing. A value written in place (`exports.name = bucket.id`), or
/// a `module.exports` that is not an object literal, names no declaration and is not followed.
fn read_commonjs_export(statement: Node, text: &str, table: &mut ExportTable, exports_replaced: &mut bool) {
    let Some(assignment) = statement
        .named_child(0)
        .filter(|assignment| kind_of(assignment) == "assignment_expression")
    else {
        return;
    };
    let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right")) else {
        return;
    };
    let identifier = |node: Node| (kind_of(node) == "identifier").then(|| node_text(node, text).to_owned());
    if node_text(left, text) == "module.exports" {
        table.named.clear();
        *exports_replaced = true;
        if kind_of(right) != "object" {
            return;
        }
        for property in named_children(right) {
            let (exported, local) = match kind_of(property) {
                "shorthand_property_identifier" => (
                    node_text(property, text).to_owned(),
                    Some(node_text(property, text).to_owned()),
                ),
                "pair" => match (property.field("key"), property.field("value")) {
                    (Some(key), Some(value)) if kind_of(key) == "property_identifier" => {
                        (node_text(key, text).to_owned(), identifier(value))
                    }
                    _ => continue,
                },
                _ => continue,
            };
            if let Some(local) = local {
                table.named.insert(exported, ExportSource::Local(local));
            }
        }
        return;
    }
    let Some((object, property)) = left
        .field("object")
        .zip(left.field("property"))
        .filter(|_| kind_of(left) == "member_expression")
    else {
        return;
    };
    let object = node_text(object, text);
    if object == "module.exports" || (object == "exports" && !*exports_replaced) {
        if let Some(local) = identifier(right) {
            table
                .named
                .insert(node_text(property, text).to_owned(), ExportSource::Local(local));
        }
    }
}

/// Whether an export statement is `export default …`.
fn is_default_export(statement: Node) -> bool {
    let mut cursor = statement.walk();
    let default = statement
        .children(&mut cursor)
        .any(|child| !child.is_named() && kind_of(child) == "default");
    default
}

/// What `export default` exports: the function or class it declares by name, the name it
/// gives (`export default worker`), or a function written in place without a name. Anything else
/// (an object literal, a call's result) is not followed.
fn default_export_source(statement: Node, text: &str) -> Option<ExportSource> {
    if let Some(declaration) = statement.field("declaration") {
        return declared_names(declaration, text)
            .into_iter()
            .next()
            .map(ExportSource::Local);
    }
    let value = statement.field("value")?;
    match kind_of(value) {
        "identifier" => Some(ExportSource::Local(node_text(value, text).to_owned())),
        "arrow_function" | "function_expression" | "function" => Some(ExportSource::AnonymousFunction {
            start: value.start_byte(),
            end: value.end_byte(),
        }),
        _ => None,
    }
}

/// The names a declaration binds with plain identifiers: a `const`/`let`/`var`'s, a function's,
/// a class's, an enum's.
fn declared_names(declaration: Node, text: &str) -> Vec<String> {
    if matches!(
        kind_of(declaration),
        "function_declaration" | "class_declaration" | "abstract_class_declaration" | "enum_declaration"
    ) {
        return declaration
            .field("name")
            .map(|name| vec![node_text(name, text).to_owned()])
            .unwrap_or_default();
    }
    if !matches!(kind_of(declaration), "lexical_declaration" | "variable_declaration") {
        return Vec::new();
    }
    named_children(declaration)
        .filter(|declarator| kind_of(declarator) == "variable_declarator")
        .filter_map(|declarator| declarator.field("name"))
        .filter(|name| kind_of(name) == "identifier")
        .map(|name| node_text(name, text).to_owned())
        .collect()
}

/// The byte range of each function, class and enum a module declares at its top level, by its
/// kind and name.
pub(super) type DeclarationTable = HashMap<(&'static str, String), (usize, usize)>;

/// The functions, classes and enums a module declares at its top level (`function f`, `export
/// class C`, `enum Runtimes`), exported or not. The first of a name wins.
pub(super) fn read_declarations(root: Node, text: &str) -> DeclarationTable {
    let mut table = HashMap::default();
    let statements = named_children(root).map(|statement| match kind_of(statement) {
        "export_statement" => statement.field("declaration").unwrap_or(statement),
        _ => statement,
    });
    for statement in statements {
        let kind = match kind_of(statement) {
            "function_declaration" => "function_declaration",
            "class_declaration" => "class_declaration",
            "enum_declaration" => "enum_declaration",
            _ => continue,
        };
        if let Some(name) = statement.field("name") {
            table
                .entry((kind, node_text(name, text).to_owned()))
                .or_insert((statement.start_byte(), statement.end_byte()));
        }
    }
    table
}

fn name_text(node: Node, text: &str) -> String {
    match kind_of(node) {
        "string" => string_content(node, text).unwrap_or_default(),
        _ => node_text(node, text).to_owned(),
    }
}

fn string_content(node: Node, text: &str) -> Option<String> {
    let quoted = node_text(node, text);
    Some(quoted.get(1..quoted.len().checked_sub(1)?)?.to_owned())
}

impl<'tree> Program<'tree> {
    /// Where the name `name` that module `file` exports is declared, through re-exports and barrels.
    pub fn exported(&self, file: usize, name: &str) -> Option<Exported<'tree>> {
        if let Some(known) = self.memo.exported.borrow().get(&file).and_then(|names| names.get(name)) {
            return *known;
        }
        let found = self.exported_within(file, name, &mut HashSet::default());
        self.memo
            .exported
            .borrow_mut()
            .entry(file)
            .or_default()
            .insert(name.to_owned(), found);
        found
    }

    /// `asked` holds the (module, name) pairs this look-up has reached: barrels that `export *`
    /// each other, or reach one module twice, end there instead of looping.
    fn exported_within(
        &self,
        file: usize,
        name: &str,
        asked: &mut HashSet<(usize, String)>,
    ) -> Option<Exported<'tree>> {
        if !asked.insert((file, name.to_owned())) {
            return None;
        }
        let table = self.export_table(file);
        match table.named.get(name) {
            Some(ExportSource::Local(local)) => self.top_level_binding(file, local, asked),
            Some(ExportSource::Reexport { module, imported }) => {
                let from = self.imported_file(file, module)?;
                self.exported_within(from, imported, asked)
            }
            Some(ExportSource::NamespaceOf { module }) => Some(Exported::Namespace {
                file: self.imported_file(file, module)?,
            }),
            Some(ExportSource::AnonymousFunction { start, end }) => Some(Exported::Function {
                file,
                function: self.node_spanning(file, (*start, *end), |node| FUNCTIONS.contains(&kind_of(node)))?,
            }),
            // Like TypeScript, a name that two `export *` modules declare is ambiguous and
            // exported by neither; one declaration reached by two paths is found once.
            None => {
                let mut found = Vec::new();
                for module in &table.star_modules {
                    let Some(from) = self.imported_file(file, module) else {
                        continue;
                    };
                    found.extend(self.exported_within(from, name, asked));
                }
                (found.len() == 1).then(|| found[0])
            }
        }
    }

    /// The module whose top level declares the `name` that `file` exports, and the name it has
    /// there: the file itself, or the module an `export { … } from` or `export *` passes it on
    /// from. `declares` says whether a module's top level declares what is looked for under a name:
    /// a type (the export tables record values only), or one function or class.
    pub(super) fn declaring_module(
        &self,
        file: usize,
        name: &str,
        declares: &dyn Fn(usize, &str) -> bool,
    ) -> Option<(usize, String)> {
        self.declaring_module_within(file, name, declares, &mut HashSet::default())
    }

    /// The names under which `module` exports what `declares` recognizes (see `declaring_module`):
    /// its own name where `module` declares it, and each name a barrel passes it on under
    /// (`export *`, `export { make as makeService } from`).
    pub(super) fn names_exporting(&self, module: usize, declares: &dyn Fn(usize, &str) -> bool) -> Vec<String> {
        let mut candidates = Vec::new();
        self.export_names_within(module, &mut candidates, &mut HashSet::default());
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|name| self.declaring_module(module, name, declares).is_some());
        candidates
    }

    /// Every name `module` lists as exported, itself or through the modules it `export *`s.
    fn export_names_within(&self, module: usize, out: &mut Vec<String>, seen: &mut HashSet<usize>) {
        if !seen.insert(module) {
            return;
        }
        let table = self.export_table(module);
        out.extend(table.named.keys().cloned());
        for star in &table.star_modules {
            if let Some(from) = self.imported_file(module, star) {
                self.export_names_within(from, out, seen);
            }
        }
    }

    /// Whether `file` passes on names of `module` only by `export *` and `export { … } from`
    /// statements: look-ups that follow re-exports (`declaring_module`) see through these, not
    /// through `export * as ns from`, which hands the module on whole.
    pub(super) fn reexports_from(&self, file: usize, module: usize) -> bool {
        let table = self.export_table(file);
        let is_module = |specifier: &String| self.imported_file(file, specifier) == Some(module);
        let mut named = false;
        for source in table.named.values() {
            match source {
                ExportSource::Reexport { module, .. } => named |= is_module(module),
                ExportSource::NamespaceOf { module } if is_module(module) => return false,
                ExportSource::Local(_) | ExportSource::NamespaceOf { .. } | ExportSource::AnonymousFunction { .. } => {}
            }
        }
        named || table.star_modules.iter().any(is_module)
    }

    /// The names `file` exports its own top-level `local` under, in the order of their names
    /// (`export { GoService as Service }`; `export class GoService` lists its own name).
    pub(super) fn names_exported_for(&self, file: usize, local: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .export_table(file)
            .named
            .iter()
            .filter(|(_, source)| matches!(source, ExportSource::Local(name) if name == local))
            .map(|(exported, _)| exported.clone())
            .collect();
        names.sort_unstable();
        names
    }

    fn declaring_module_within(
        &self,
        file: usize,
        name: &str,
        declares: &dyn Fn(usize, &str) -> bool,
        asked: &mut HashSet<(usize, String)>,
    ) -> Option<(usize, String)> {
        if !asked.insert((file, name.to_owned())) {
            return None;
        }
        if declares(file, name) {
            return Some((file, name.to_owned()));
        }
        let table = self.export_table(file);
        match table.named.get(name) {
            Some(ExportSource::Local(local)) => {
                if declares(file, local) {
                    return Some((file, local.clone()));
                }
                // `import { worker } from "./worker"; export { worker };` passes the import on.
                let binding = self.file(file).imports.iter().find(|binding| binding.local == *local)?;
                let ImportKind::Named { imported } = &binding.kind else {
                    return None;
                };
                let from = self.imported_file(file, &binding.module)?;
                self.declaring_module_within(from, imported, declares, asked)
            }
            Some(ExportSource::Reexport { module, imported }) => {
                let from = self.imported_file(file, module)?;
                self.declaring_module_within(from, imported, declares, asked)
            }
            Some(ExportSource::NamespaceOf { .. } | ExportSource::AnonymousFunction { .. }) => None,
            // A name two `export *` modules pass on is ambiguous even where only one of them
            // declares what is looked for.
            None => {
                let mut found = Vec::new();
                let mut listed_elsewhere = false;
                for module in &table.star_modules {
                    let Some(from) = self.imported_file(file, module) else {
                        continue;
                    };
                    match self.declaring_module_within(from, name, declares, asked) {
                        Some(declared) => found.push(declared),
                        None => {
                            // Listed as anything, whatever the module declares it as.
                            let mut listed = Vec::new();
                            self.export_names_within(from, &mut listed, &mut HashSet::default());
                            listed_elsewhere |= listed.iter().any(|listed| listed == name);
                        }
                    }
                }
                (found.len() == 1 && !listed_elsewhere).then(|| found.remove(0))
            }
        }
    }

    /// Whether `barrel` passes on every export of `module` (`export * from`, directly or through
    /// other barrels), so that a name `module` starts exporting is exported by `barrel` too.
    pub fn reexports_everything_of(&self, barrel: usize, module: usize) -> bool {
        let mut seen = HashSet::from_iter([barrel]);
        let mut pending = vec![barrel];
        while let Some(file) = pending.pop() {
            for star in &self.export_table(file).star_modules {
                match self.imported_file(file, star) {
                    Some(found) if found == module => return true,
                    Some(found) if seen.insert(found) => pending.push(found),
                    _ => {}
                }
            }
        }
        false
    }

    /// Whether every name `file` exports is declared in it: no `export * from`, no `export … from`,
    /// and no import passed on. An import of such a module reaches its own declarations only.
    pub(super) fn exports_only_its_own(&self, file: usize) -> bool {
        let table = self.export_table(file);
        let imports = &self.file(file).imports;
        table.star_modules.is_empty()
            && table.named.values().all(|source| match source {
                ExportSource::Local(name) => !imports.iter().any(|binding| binding.local == *name),
                ExportSource::AnonymousFunction { .. } => true,
                ExportSource::Reexport { .. } | ExportSource::NamespaceOf { .. } => false,
            })
    }

    /// A name declared at the top of `file`: a variable, or an import of a project module it passes on.
    fn top_level_binding(
        &self,
        file: usize,
        local: &str,
        asked: &mut HashSet<(usize, String)>,
    ) -> Option<Exported<'tree>> {
        let source = self.file(file);
        if let Some(Declaration::Variable { declarator, constant }) = self.top_level_declaration(file, local) {
            return Some(Exported::Variable {
                file,
                declarator,
                constant,
            });
        }
        if let Some(function) = self.top_level_function(file, local) {
            return Some(Exported::Function { file, function });
        }
        let binding = source.imports.iter().find(|binding| binding.local == local)?;
        let from = self.imported_file(file, &binding.module)?;
        match &binding.kind {
            ImportKind::Named { imported } => self.exported_within(from, imported, asked),
            ImportKind::Namespace if binding.is_namespace_of_module() => Some(Exported::Namespace { file: from }),
            ImportKind::Namespace => None,
        }
    }

    fn export_table(&self, file: usize) -> &ExportTable {
        let source = self.file(file);
        source
            .facts
            .exports
            .get_or_init(|| read_table(source.tree.root_node(), source.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::typescript::test_support::with_program;

    fn declared_in(program: &Program, file: usize, name: &str) -> Option<(usize, String)> {
        match program.exported(file, name)? {
            Exported::Variable { file, declarator, .. } => Some((
                file,
                node_text(declarator.child_by_field_name("value")?, program.file(file).text).to_owned(),
            )),
            Exported::Function { .. } | Exported::Namespace { .. } => None,
        }
    }

    #[test]
    fn follows_barrels_aliases_and_namespaces() {
        let files = [
            ("index.ts", "export * from \"./roles\";\nexport { dlq as deadLetters } from \"./queues\";\nexport * as queues from \"./queues\";\n"),
            ("roles.ts", "const role = 1;\nexport { role as processorRole };\n"),
            ("queues.ts", "import { processorRole } from \"./index\";\nexport const dlq = 2;\nexport { processorRole as alsoRole };\n"),
        ];
        with_program(&files, |program| {
            assert_eq!(declared_in(program, 0, "processorRole"), Some((1, "1".to_owned())));
            assert_eq!(declared_in(program, 0, "deadLetters"), Some((2, "2".to_owned())));
            assert_eq!(declared_in(program, 2, "alsoRole"), Some((1, "1".to_owned())));
            assert!(matches!(
                program.exported(0, "queues"),
                Some(Exported::Namespace { file: 2 })
            ));
            assert!(program.exported(0, "missing").is_none());
        });
    }

    #[test]
    fn a_name_two_star_exports_provide_is_ambiguous_and_cycles_end() {
        let files = [
            ("index.ts", "export * from \"./a\";\nexport * from \"./b\";\n"),
            ("a.ts", "export * from \"./index\";\nexport const x = 1;\n"),
            ("b.ts", "export const x = 2;\n"),
        ];
        with_program(&files, |program| {
            assert!(program.exported(0, "x").is_none());
            assert!(program.exported(1, "nothing").is_none());
        });
    }

    #[test]
    fn a_declaration_is_found_under_each_name_barrels_pass_it_on_under() {
        let files = [
            ("index.ts", "export * from \"./worker\";\nexport { worker as job } from \"./worker\";\nexport * as all from \"./worker\";\n"),
            ("worker.ts", "export function worker() {}\nexport class Service {}\n"),
            ("twice.ts", "export * from \"./worker\";\nexport * from \"./legacy\";\n"),
            ("legacy.ts", "export const worker = () => 1;\n"),
            ("passing.ts", "import { worker } from \"./worker\";\nexport { worker as run };\n"),
        ];
        with_program(&files, |program| {
            let the_worker = |module: usize, name: &str| module == 1 && name == "worker";
            assert_eq!(program.names_exporting(0, &the_worker), vec!["job", "worker"]);
            assert_eq!(program.names_exporting(1, &the_worker), vec!["worker"]);
            // Two `export *` modules list `worker`: TypeScript exports it from neither.
            assert!(program.names_exporting(2, &the_worker).is_empty());
            // An import passed on by an export list.
            assert_eq!(program.names_exporting(4, &the_worker), vec!["run"]);
            // A class is a value its module exports.
            let the_service = |module: usize, name: &str| module == 1 && name == "Service";
            assert_eq!(program.names_exporting(0, &the_service), vec!["Service"]);
            // `export * as` hands the module on whole, which call look-ups do not follow.
            assert!(!program.reexports_from(0, 1));
        });
    }

    #[test]
    fn commonjs_exports_and_requires_name_the_declarations() {
        let files = [
            (
                "index.js",
                "const iam = require(\"./iam\");\nconst role = require(\"./iam\").role;\nconst { logs } = require(\"./iam\");\n",
            ),
            (
                "iam.js",
                "const role = 1;\nconst basicLogs = 2;\nconst policy = 3;\nexports.early = policy;\nmodule.exports = { role, logs: basicLogs };\nexports.policy = policy;\nmodule.exports.grant = policy;\nexports.name = role.name;\n",
            ),
        ];
        with_program(&files, |program| {
            assert_eq!(declared_in(program, 1, "role"), Some((1, "1".to_owned())));
            assert_eq!(declared_in(program, 1, "logs"), Some((1, "2".to_owned())));
            assert_eq!(declared_in(program, 1, "grant"), Some((1, "3".to_owned())));
            // Replacing `module.exports` drops what was set before, and leaves `exports` naming
            // the object `require` no longer returns.
            assert!(program.exported(1, "early").is_none());
            assert!(program.exported(1, "policy").is_none());
            // A value written in place names no declaration.
            assert!(program.exported(1, "name").is_none());
            let imports: Vec<(&str, ImportKind)> = program
                .file(0)
                .imports
                .iter()
                .map(|binding| (binding.local.as_str(), binding.kind.clone()))
                .collect();
            let named = |name: &str| ImportKind::Named {
                imported: name.to_owned(),
            };
            assert_eq!(
                imports,
                vec![
                    ("iam", ImportKind::Namespace),
                    ("role", named("role")),
                    ("logs", named("logs")),
                ]
            );
        });
    }

    #[test]
    fn a_default_export_is_the_name_default_and_a_default_import_reads_it() {
        let files = [
            (
                "index.ts",
                "import worker from \"./worker\";\nimport make from \"./arrow\";\nimport reconcile from \"./later\";\n",
            ),
            ("worker.ts", "export default function worker() {}\n"),
            ("arrow.ts", "export default (name: string) => name;\n"),
            (
                "later.ts",
                "function reconcile() {}\nexport default reconcile;\nexport { reconcile as run };\n",
            ),
        ];
        with_program(&files, |program| {
            let function_of = |file: usize, name: &str| match program.exported(file, name) {
                Some(Exported::Function { file, function }) => Some((file, kind_of(function))),
                _ => None,
            };
            assert_eq!(function_of(1, "default"), Some((1, "function_declaration")));
            // `export default function worker` exports no `worker`.
            assert!(program.exported(1, "worker").is_none());
            assert_eq!(function_of(2, "default"), Some((2, "arrow_function")));
            assert_eq!(function_of(3, "default"), Some((3, "function_declaration")));
            assert_eq!(function_of(3, "run"), Some((3, "function_declaration")));
            let imported: Vec<_> = program
                .file(0)
                .imports
                .iter()
                .map(|binding| binding.kind.clone())
                .collect();
            assert!(imported.iter().all(|kind| *kind
                == ImportKind::Named {
                    imported: "default".to_owned()
                }));
        });
    }
}
