//! The semantic model of one Pulumi project: import aliases, resource declarations and the values
//! flowing into them, across all of the project's files. Built once per pass from the single scan
//! of each file, and shared by every rule. The only place that knows how Pulumi programs are written.

mod callbacks;
mod edits;
mod iam;
mod imports;
mod iteration;
mod json_text;
mod modules;
mod new_resources;
mod openapi;
mod policy;
mod references;
mod repetition;
mod resources;
mod scope;
mod values;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Tree};

pub use edits::name_from_logical_name;
pub use iam::ExecutionRole;
pub use imports::{ImportBinding, ImportKind};
pub use modules::{
    candidates as import_candidates, normalize as normalize_path, relative_target as relative_import_target,
};
pub use new_resources::NewResource;
pub use openapi::{Integration, IntegrationValue, InvokePermission};
pub use policy::{
    action_matches, Answer, Effect, Entry, OutputValue, PolicyDocument, ResourceTarget, RoleDocument, RolePolicies,
    Statement,
};
pub use references::ResourceRef;
pub use resources::{ResourceBinding, ResourceDecl};
pub use scope::Declaration;
pub use values::{PropertyValue, StringOrigin};

pub(crate) use imports::named_children;

use crate::style::Style;
use crate::syntax::{node_text, ScanMatch};

/// A node in a file of the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'tree> {
    pub file: usize,
    pub node: Node<'tree>,
}

impl Located<'_> {
    /// Whether `other` lies inside this node (or is it).
    pub fn encloses(&self, other: &Located) -> bool {
        self.file == other.file
            && self.node.start_byte() <= other.node.start_byte()
            && other.node.end_byte() <= self.node.end_byte()
    }
}

/// The npm packages whose exports infrafix understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Package {
    /// `@pulumi/aws`
    Aws,
    /// `@pulumi/pulumi`
    Pulumi,
}

/// An export of a package, by its path from the package root: `aws.lambda.Function` is
/// `(Aws, ["lambda", "Function"])` however the program imported it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PackageMember {
    pub package: Package,
    pub path: Vec<String>,
}

impl PackageMember {
    pub fn is(&self, package: Package, path: &[&str]) -> bool {
        self.package == package && self.path.iter().map(String::as_str).eq(path.iter().copied())
    }
}

/// The package a module specifier belongs to, and the path of the module inside it.
fn package_module(specifier: &str) -> Option<(Package, Vec<String>)> {
    let (package, rest) = if let Some(rest) = specifier.strip_prefix("@pulumi/aws") {
        (Package::Aws, rest)
    } else if let Some(rest) = specifier.strip_prefix("@pulumi/pulumi") {
        (Package::Pulumi, rest)
    } else {
        return None;
    };
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    let mut path: Vec<String> = rest
        .split('/')
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect();
    // Enums are re-exported from each service module: `aws.types.enums.lambda.Runtime` is `aws.lambda.Runtime`.
    if path.starts_with(&["types".to_owned(), "enums".to_owned()]) {
        path.drain(..2);
    }
    Some((package, path))
}

/// One parsed file handed to the model.
pub struct ProgramInput<'tree> {
    pub path: &'tree Path,
    pub text: &'tree str,
    pub tree: &'tree Tree,
    pub matches: &'tree [ScanMatch<'tree>],
}

pub struct ProgramFile<'tree> {
    pub path: &'tree Path,
    pub text: &'tree str,
    pub tree: &'tree Tree,
    pub imports: Vec<ImportBinding<'tree>>,
    /// The file's layout, for code inserted into it: detected when an edit first needs it.
    style: std::cell::OnceCell<Style>,
}

pub struct Program<'tree> {
    files: Vec<ProgramFile<'tree>>,
    resources: Vec<ResourceDecl<'tree>>,
    /// Resource index by the (file, start) of its `new` expression.
    resource_by_expression: HashMap<(usize, usize), usize>,
    file_by_path: HashMap<PathBuf, usize>,
    /// The const names unbound resources get when a fix must refer to them, made once for all.
    binding_names: std::cell::OnceCell<HashMap<usize, String>>,
    memo: Memo,
}

/// Answers the model has worked out, by (file, node id): every rule asks about the same roles and
/// references, and finding a declaration walks the tree.
#[derive(Default)]
struct Memo {
    imports: std::cell::RefCell<HashMap<(usize, usize), Option<usize>>>,
    denoted: std::cell::RefCell<HashMap<(usize, usize), Option<ResourceRef>>>,
    /// Per file, the names it declares anywhere.
    declared_names: std::cell::RefCell<HashMap<usize, std::collections::HashSet<String>>>,
    /// Per file, how many identifiers spell each name.
    name_counts: std::cell::RefCell<HashMap<usize, std::rc::Rc<edits::NameCounts>>>,
    /// Per file, the names of the arrays and objects it changes in place (`xs.push(…)`).
    changed_names: std::cell::RefCell<HashMap<usize, std::rc::Rc<std::collections::HashSet<String>>>>,
    /// Whether the values of some collection's elements are being followed (see `iteration`).
    following_elements: std::cell::Cell<bool>,
}

impl<'tree> Program<'tree> {
    pub fn build(inputs: &[ProgramInput<'tree>]) -> Self {
        let files: Vec<ProgramFile> = inputs
            .iter()
            .map(|input| ProgramFile {
                path: input.path,
                text: input.text,
                tree: input.tree,
                imports: imports::collect(input.matches, input.text),
                style: std::cell::OnceCell::new(),
            })
            .collect();
        let file_by_path = files
            .iter()
            .enumerate()
            .map(|(index, file)| (modules::normalize(file.path), index))
            .collect();
        let mut program = Self {
            files,
            resources: Vec::new(),
            resource_by_expression: HashMap::new(),
            file_by_path,
            binding_names: std::cell::OnceCell::new(),
            memo: Memo::default(),
        };
        let resources = inputs
            .iter()
            .enumerate()
            .flat_map(|(file, input)| resources::collect(&program, file, input.matches))
            .collect();
        program.resources = resources;
        program.resource_by_expression = program
            .resources
            .iter()
            .enumerate()
            .map(|(index, resource)| ((resource.file, resource.expression.start_byte()), index))
            .collect();
        program
    }

    pub fn files(&self) -> &[ProgramFile<'tree>] {
        &self.files
    }

    pub fn file(&self, index: usize) -> &ProgramFile<'tree> {
        &self.files[index]
    }

    pub fn root(&self, file: usize) -> Node<'tree> {
        self.files[file].tree.root_node()
    }

    pub fn text(&self, located: Located) -> &'tree str {
        node_text(located.node, self.files[located.file].text)
    }

    pub fn resources(&self) -> &[ResourceDecl<'tree>] {
        &self.resources
    }

    /// The package export an expression names (`aws.lambda.Function`, `lambda.Runtime.Go1dx`,
    /// `Go1dxRuntime` imported by name), whatever alias the file imported it under.
    pub fn package_member(&self, at: Located<'tree>) -> Option<PackageMember> {
        let mut properties = Vec::new();
        let mut node = at.node;
        while node.kind() == "member_expression" {
            let property = node.child_by_field_name("property")?;
            properties.push(
                self.text(Located {
                    file: at.file,
                    node: property,
                })
                .to_owned(),
            );
            node = node.child_by_field_name("object")?;
        }
        if node.kind() != "identifier" {
            return None;
        }
        let binding = self.import_of(Located { file: at.file, node })?;
        let (package, mut path) = package_module(&binding.module)?;
        if let ImportKind::Named { imported } = &binding.kind {
            path.push(imported.clone());
        }
        path.extend(properties.into_iter().rev());
        Some(PackageMember { package, path })
    }

    /// The import an identifier refers to, when it is not declared in the file's own scopes.
    pub fn import_of(&self, identifier: Located<'tree>) -> Option<&ImportBinding<'tree>> {
        let file = &self.files[identifier.file];
        let name = node_text(identifier.node, file.text);
        let (index, binding) = file
            .imports
            .iter()
            .enumerate()
            .find(|(_, binding)| binding.local == name)?;
        let key = (identifier.file, identifier.node.id());
        if let Some(known) = self.memo.imports.borrow().get(&key) {
            return known.map(|index| &file.imports[index]);
        }
        let declared_elsewhere = {
            let mut declared = self.memo.declared_names.borrow_mut();
            let names = declared
                .entry(identifier.file)
                .or_insert_with(|| scope::declared_names(self.root(identifier.file), file.text));
            names.contains(name)
        };
        if !declared_elsewhere {
            return Some(binding);
        }
        let found = match scope::declaration_of(self.root(identifier.file), identifier.node, file.text) {
            Declaration::NotInFile => Some(index),
            // `const aws = require("@pulumi/aws")` is both a variable and an import.
            Declaration::Variable { declarator, .. } if declarator.parent() == Some(binding.statement) => Some(index),
            _ => None,
        };
        self.memo.imports.borrow_mut().insert(key, found);
        found.map(|index| &file.imports[index])
    }

    /// How a file can spell a package export through its own imports (`aws.apigateway.MethodSettings`,
    /// `apigateway.MethodSettings`), or `None` when no import of the file reaches it.
    pub fn spelling_of(&self, file: usize, member: &PackageMember) -> Option<String> {
        self.files[file].imports.iter().find_map(|binding| {
            let (package, mut reached) = package_module(&binding.module)?;
            if let ImportKind::Named { imported } = &binding.kind {
                reached.push(imported.clone());
            }
            let rest = member
                .path
                .strip_prefix(reached.as_slice())
                .filter(|_| package == member.package)?;
            Some(
                std::iter::once(binding.local.as_str())
                    .chain(rest.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("."),
            )
        })
    }

    /// The project file an import of a relative module refers to.
    pub fn imported_file(&self, importer: usize, specifier: &str) -> Option<usize> {
        let target = modules::relative_target(self.files[importer].path, specifier)?;
        modules::candidates(&target)
            .iter()
            .find_map(|candidate| self.file_by_path.get(candidate).copied())
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::path::PathBuf;

    use super::{Program, ProgramInput};
    use crate::syntax::{parse, scan, Dialect};

    /// Builds the model of a project given as (path, text) pairs and hands it to `check`.
    pub fn with_program(files: &[(&str, &str)], check: impl FnOnce(&Program)) {
        let paths: Vec<PathBuf> = files.iter().map(|(path, _)| PathBuf::from(path)).collect();
        let trees: Vec<_> = files
            .iter()
            .map(|(_, text)| parse(text, Dialect::TypeScript).expect("parses"))
            .collect();
        let matches: Vec<_> = files
            .iter()
            .zip(&trees)
            .map(|((_, text), tree)| scan(tree, text, Dialect::TypeScript).expect("queries compile"))
            .collect();
        let inputs: Vec<ProgramInput> = (0..files.len())
            .map(|i| ProgramInput {
                path: &paths[i],
                text: files[i].1,
                tree: &trees[i],
                matches: &matches[i],
            })
            .collect();
        check(&Program::build(&inputs));
    }
}
