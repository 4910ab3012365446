//! Import bindings: which local names stand for which module's exports.

use tree_sitter::Node;

use crate::syntax::{kind_of, named_children, node_text, Fields, ScanMatch};

/// How a local name is bound to a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportKind {
    /// `import * as aws from "m"`, `import aws from "m"`, `const aws = require("m")`.
    Namespace,
    /// `import { lambda } from "m"`, `import { lambda as l } from "m"`, `const { lambda } = require("m")`,
    /// `const lambda = require("m").lambda`.
    Named { imported: String },
}

#[derive(Debug, Clone)]
pub struct ImportBinding<'tree> {
    pub local: String,
    pub module: String,
    pub kind: ImportKind,
    /// The specifier that binds the name (`lambda as l`, `* as aws`), for rewriting the import.
    pub specifier: Node<'tree>,
    /// The whole import statement or declaration.
    pub statement: Node<'tree>,
    pub types_only: TypesOnly,
    /// The name stands for the whole module object (`import * as iam from "./iam"`,
    /// `const iam = require("./iam")`), not its default export (`import iam from "./iam"`).
    whole_module: bool,
}

/// Whether an import brings in types only, which TypeScript erases: such a name cannot stand for
/// a value, and a value added to a `type` statement's list would be erased with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypesOnly {
    No,
    /// `import { type a, b }`: this name only.
    Name,
    /// `import type { a, b }`: the whole statement.
    Statement,
}

impl<'tree> ImportBinding<'tree> {
    /// Whether the name stands for the whole module object (`import * as iam from "./iam"`,
    /// `const iam = require("./iam")`), not its default export (`import iam from "./iam"`).
    pub fn is_namespace_of_module(&self) -> bool {
        self.whole_module
    }

    /// Whether the name is imported for its types only (`import type { a }`, `import { type a }`).
    pub fn is_type_only(&self) -> bool {
        self.types_only != TypesOnly::No
    }

    /// The `{ … }` list this binding stands in, when it is a named ES import.
    pub fn named_list(&self) -> Option<Node<'tree>> {
        self.specifier
            .parent()
            .filter(|parent| kind_of(parent) == "named_imports")
    }
}

/// Whether an import statement or specifier starts with the `type` (or `typeof`) keyword.
fn is_marked_type_only(node: Node) -> bool {
    let mut cursor = node.walk();
    let marked = node
        .children(&mut cursor)
        .any(|child| !child.is_named() && matches!(kind_of(child), "type" | "typeof"));
    marked
}

pub(super) fn collect<'tree>(matches: &[ScanMatch<'tree>], text: &str) -> Vec<ImportBinding<'tree>> {
    let mut bindings = Vec::new();
    for found in matches {
        if let (Some(statement), Some(source)) = (found.capture("import"), found.capture("import.source")) {
            collect_es_import(statement, node_text(source, text), text, &mut bindings);
        }
        if let (Some(declarator), Some(binding), Some(source)) = (
            found.capture("require"),
            found.capture("require.binding"),
            found.capture("require.source"),
        ) {
            match found.capture("require.property") {
                // `const role = require("./iam").role` binds one name of the module.
                Some(property) if kind_of(binding) == "identifier" => bindings.push(ImportBinding {
                    local: node_text(binding, text).to_owned(),
                    module: node_text(source, text).to_owned(),
                    kind: ImportKind::Named {
                        imported: node_text(property, text).to_owned(),
                    },
                    specifier: binding,
                    statement: declarator.parent().unwrap_or(declarator),
                    types_only: TypesOnly::No,
                    whole_module: false,
                }),
                Some(_) => {}
                None => collect_require(declarator, binding, node_text(source, text), text, &mut bindings),
            }
        }
    }
    bindings
}

/// The modules a file imports for their side effects only (`import "./workers"`): such an
/// import names nothing of its module.
pub(super) fn side_effect_modules<'tree>(matches: &[ScanMatch<'tree>], text: &'tree str) -> Vec<&'tree str> {
    matches
        .iter()
        .filter_map(|found| Some((found.capture("import")?, found.capture("import.source")?)))
        .filter(|(statement, _)| {
            !named_children(*statement).any(|part| matches!(kind_of(part), "import_clause" | "import_require_clause"))
        })
        .map(|(_, source)| node_text(source, text))
        .collect()
}

fn collect_es_import<'tree>(statement: Node<'tree>, module: &str, text: &str, out: &mut Vec<ImportBinding<'tree>>) {
    // `import lambda = require("…")` binds the whole module, as a namespace import does.
    if let Some(name) = named_children(statement)
        .find(|child| kind_of(child) == "import_require_clause")
        .and_then(|clause| named_children(clause).find(|child| kind_of(child) == "identifier"))
    {
        out.push(namespace(name, node_text(name, text), module, statement, true));
        return;
    }
    let Some(clause) = named_children(statement).find(|child| kind_of(child) == "import_clause") else {
        return;
    };
    let statement_types_only = is_marked_type_only(statement);
    let whole = match statement_types_only {
        true => TypesOnly::Statement,
        false => TypesOnly::No,
    };
    for part in named_children(clause) {
        match kind_of(part) {
            // A project module's default export (`import worker from "./worker"`); a package's
            // default import stands for the package as a whole (`esModuleInterop`).
            "identifier" if module.starts_with('.') => out.push(ImportBinding {
                local: node_text(part, text).to_owned(),
                module: module.to_owned(),
                kind: ImportKind::Named {
                    imported: "default".to_owned(),
                },
                specifier: part,
                statement,
                whole_module: false,
                types_only: whole,
            }),
            "identifier" => out.push(ImportBinding {
                types_only: whole,
                ..namespace(part, node_text(part, text), module, statement, false)
            }),
            "namespace_import" => {
                if let Some(name) = named_children(part).find(|child| kind_of(child) == "identifier") {
                    out.push(ImportBinding {
                        types_only: whole,
                        ..namespace(part, node_text(name, text), module, statement, true)
                    });
                }
            }
            "named_imports" => {
                for specifier in named_children(part).filter(|child| kind_of(child) == "import_specifier") {
                    let Some(imported) = specifier.field("name") else {
                        continue;
                    };
                    let local = specifier.field("alias").unwrap_or(imported);
                    out.push(ImportBinding {
                        local: node_text(local, text).to_owned(),
                        module: module.to_owned(),
                        kind: ImportKind::Named {
                            imported: node_text(imported, text).to_owned(),
                        },
                        specifier,
                        statement,
                        whole_module: false,
                        types_only: match (statement_types_only, is_marked_type_only(specifier)) {
                            (true, _) => TypesOnly::Statement,
                            (false, true) => TypesOnly::Name,
                            (false, false) => TypesOnly::No,
                        },
                    });
                }
            }
            _ => {}
        }
    }
}

fn collect_require<'tree>(
    declarator: Node<'tree>,
    binding: Node<'tree>,
    module: &str,
    text: &str,
    out: &mut Vec<ImportBinding<'tree>>,
) {
    let statement = declarator.parent().unwrap_or(declarator);
    match kind_of(binding) {
        "identifier" => out.push(namespace(binding, node_text(binding, text), module, statement, true)),
        "object_pattern" => {
            for property in named_children(binding) {
                let (imported, local) = match kind_of(property) {
                    "shorthand_property_identifier_pattern" => (property, property),
                    "pair_pattern" => match (property.field("key"), property.field("value")) {
                        (Some(key), Some(value)) if kind_of(value) == "identifier" => (key, value),
                        _ => continue,
                    },
                    _ => continue,
                };
                out.push(ImportBinding {
                    local: node_text(local, text).to_owned(),
                    module: module.to_owned(),
                    kind: ImportKind::Named {
                        imported: node_text(imported, text).to_owned(),
                    },
                    specifier: property,
                    statement,
                    types_only: TypesOnly::No,
                    whole_module: false,
                });
            }
        }
        _ => {}
    }
}

fn namespace<'tree>(
    specifier: Node<'tree>,
    local: &str,
    module: &str,
    statement: Node<'tree>,
    whole_module: bool,
) -> ImportBinding<'tree> {
    ImportBinding {
        local: local.to_owned(),
        module: module.to_owned(),
        kind: ImportKind::Namespace,
        specifier,
        statement,
        types_only: TypesOnly::No,
        whole_module,
    }
}
