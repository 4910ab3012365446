//! The semantic model of one TypeScript project, a Pulumi program or an AWS CDK app: import
//! aliases, resource declarations and the values flowing into them, across all of the project's
//! files. Built once per pass from the single scan of each file; `graph` builds the cloud graph
//! from it and `render` the edits of fix plans. The only place that knows how Pulumi programs and
//! CDK apps are written; `cdk` holds what the CDK writes differently.

mod apigateway;
mod arn_text;
mod branches;
mod callbacks;
mod calls;
mod cdk;
mod constructs;
mod cross_module;
mod declared_types;
mod dependencies;
mod edits;
mod entry_points;
mod exports;
mod factory_calls;
mod facts;
mod graph;
mod iam;
mod imports;
mod inline_code;
mod iteration;
mod json_text;
mod modules;
mod mutations;
mod narrowing;
mod new_resources;
mod openapi;
mod output_text;
mod package_manifest;
mod packages;
mod parameter_changes;
mod policy;
mod private_methods;
mod program_language;
mod references;
mod render;
mod repetition;
mod resources;
mod scope;
mod stack_config;
mod stack_files;
mod tsconfig;
mod values;
mod visibility;

use foldhash::HashMap;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Tree};

use callbacks::OutputValue;
pub use cdk::CdkAppContext;
use edits::name_from_logical_name;
use exports::Exported;
pub use facts::FileFacts;
use facts::NameFacts;
use iam::ExecutionRole;
use imports::{ImportBinding, ImportKind};
pub use modules::{find_module, is_relative, normalize as normalize_path, AliasPattern, ImportAliases};
use openapi::{Integration, IntegrationValue};
pub use package_manifest::PackageManifest;
use policy::{NewStatement, PolicyCache, PolicyDocument, RolePolicies, Statement};
pub use program_language::{is_javascript, javascript_program, JavaScriptProgram};
pub use render::TypeScriptFrontEnd;
use resources::ResourceBinding;
use resources::ResourceDecl;
use scope::{Declaration, FileScopes, LocalBinding};
pub use stack_files::{program_runtime, StackConfig};
pub use tsconfig::{compiles_in_place, import_aliases};
use values::{ConfigOrigin, PropertyValue, StringOrigin};

pub(crate) use crate::syntax::named_children;

use crate::syntax::{kind_of, node_text, Fields, ScanMatch};

/// A node in a file of the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'tree> {
    pub file: usize,
    pub node: Node<'tree>,
}

impl<'tree> Located<'tree> {
    /// Another node of the same file.
    pub(super) fn with(self, node: Node<'tree>) -> Located<'tree> {
        Located { file: self.file, node }
    }

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
    /// `aws-cdk-lib`, and the v1 `@aws-cdk/*` modules it merged (see `cdk::package_module`).
    Cdk,
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
pub(super) fn package_module(specifier: &str) -> Option<(Package, Vec<String>)> {
    let (package, rest) = if let Some(rest) = specifier.strip_prefix("@pulumi/aws") {
        (Package::Aws, rest)
    } else if let Some(rest) = specifier.strip_prefix("@pulumi/pulumi") {
        (Package::Pulumi, rest)
    } else {
        return cdk::package_module(specifier);
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
    /// The file's tables, kept by the caller while the text does not change.
    pub facts: &'tree FileFacts,
}

pub struct ProgramFile<'tree> {
    pub path: &'tree Path,
    pub text: &'tree str,
    pub tree: &'tree Tree,
    pub imports: Vec<ImportBinding<'tree>>,
    /// The modules imported for their side effects only (`import "./workers"`).
    side_effect_imports: Vec<&'tree str>,
    /// The CDK's `a.addDependency(b)` calls (see `dependencies::explicit_dependencies`).
    dependency_calls: Vec<Node<'tree>>,
    /// The `x.onEvent(name, handler)` calls (see `graph::queue_subscriptions`).
    subscription_calls: Vec<Node<'tree>>,
    facts: &'tree FileFacts,
}

pub struct Program<'tree> {
    files: Vec<ProgramFile<'tree>>,
    resources: Vec<ResourceDecl<'tree>>,
    /// Resource index by the (file, start) of its `new` expression.
    resource_by_expression: HashMap<(usize, usize), usize>,
    file_by_path: HashMap<PathBuf, usize>,
    /// Where bare specifiers lead, as the project's tsconfig.json says.
    aliases: &'tree ImportAliases,
    /// The configuration keys the project's stacks set.
    stack_config: &'tree StackConfig,
    /// The library versions the project's package.json declares.
    manifest: &'tree PackageManifest,
    /// What a CDK app's cdk.json and cdk.context.json set.
    cdk_context: &'tree CdkAppContext,
    /// The const names unbound resources get when a fix must refer to them, made once for all.
    binding_names: std::cell::OnceCell<HashMap<usize, String>>,
    memo: Memo<'tree>,
}

/// Answers the model has worked out, by (file, node id): the graph and the fixes ask about the
/// same roles and references again and again, and finding a declaration walks the tree.
#[derive(Default)]
struct Memo<'tree> {
    imports: std::cell::RefCell<HashMap<(usize, usize), Option<usize>>>,
    /// The declarator of each top-level variable asked about, by (file, start): a declaration is
    /// asked for once per reference to it, and finding its node searches the tree.
    declarators: std::cell::RefCell<HashMap<(usize, usize), Option<Node<'tree>>>>,
    /// The parent of every node a search from the root has passed, by (file, node id) (see
    /// `parent`).
    parents: std::cell::RefCell<HashMap<(usize, usize), Node<'tree>>>,
    /// The consts holding a call's result, per block asked about (see `helper_results`).
    helper_results: std::cell::RefCell<HashMap<(usize, usize), references::HelperResults<'tree>>>,
    /// Where each name asked about is declared, per exporting file (see `exported`).
    exported: std::cell::RefCell<HashMap<usize, HashMap<String, Option<Exported<'tree>>>>>,
    denoted: std::cell::RefCell<HashMap<(usize, usize), Option<crate::cloud::ResourceRef>>>,
    /// The same, by (file, spelling) for references that mean the same anywhere in their file
    /// (see `file_wide_spelling`).
    denoted_spellings: std::cell::RefCell<HashMap<(usize, String), Option<crate::cloud::ResourceRef>>>,
    /// Names this pass's fixes have taken, per file, and the logical names of resources they
    /// create: fixes computed against the same text must not pick the same ones.
    handed_out_bindings: std::cell::RefCell<HashMap<usize, foldhash::HashSet<String>>>,
    handed_out_logical_names: std::cell::RefCell<foldhash::HashSet<String>>,
    /// The names this pass's fixes import values of other modules under, per (file, name): the
    /// module's file and the name it exports. Another fix importing the same value may share the
    /// name; one importing another value of the same name may not.
    handed_out_imports: std::cell::RefCell<HashMap<(usize, String), (usize, String)>>,
    /// What the three tables above gained, in order: a plan that cannot be carried out gives its
    /// names back by undoing its entries (see `names_taken`), where copying the tables for every
    /// plan cost more the more fixes a pass made.
    names_taken_log: std::cell::RefCell<Vec<edits::TakenName>>,
    /// How each file names each resource of another module asked about (see
    /// `name_from_other_module`).
    names_from_other_modules: std::cell::RefCell<HashMap<(usize, usize), cross_module::NamedFromOtherModule>>,
    /// Where each string asked about is written as a literal type (see
    /// `written_as_a_literal_type`): asked once per string a fix renames, and found by a search of
    /// every file.
    literal_types: std::cell::RefCell<HashMap<String, Option<Located<'tree>>>>,
    /// The runtime ids the program writes as `typeof` types of package members, with where (see
    /// `type_of_runtime_member`): one search of every file serves every id.
    runtime_type_queries: std::cell::OnceCell<Vec<(String, Located<'tree>)>>,
    /// The logical names the program's resources are declared with (see `derived_logical_name`).
    declared_logical_names: std::cell::OnceCell<foldhash::HashSet<String>>,
    /// Those of them that are templates.
    declared_logical_templates: std::cell::OnceCell<Vec<String>>,
    /// Whether each const asked about is changed after its declaration, by (declaring file,
    /// initializer start, reading file) (see `changed_after_declaration`).
    changed_consts: std::cell::RefCell<HashMap<(usize, usize, usize), bool>>,
    /// Whether each parameter asked about is assigned or changed by its function, by (file,
    /// function start, name) (see `parameter_changed`).
    changed_parameters: std::cell::RefCell<HashMap<(usize, usize, String), bool>>,
    /// The resources each resource's inputs read (see `resources_read_by`).
    resources_read: std::cell::RefCell<HashMap<usize, std::rc::Rc<Vec<usize>>>>,
    /// The resources each resource waits for, directly or not (see `waits_for`).
    resources_waited_for: Reachability,
    /// The CDK resources created only under a CloudFormation condition (see `is_conditional`).
    conditional: std::cell::OnceCell<foldhash::HashSet<usize>>,
    /// The CDK roles the app hands to L2 code (see `is_handed_to_l2_code`).
    roles_handed_to_l2_code: std::cell::OnceCell<foldhash::HashSet<usize>>,
    /// The waits a CDK app asks for by hand (see `explicit_dependencies`).
    explicit_dependencies: std::cell::OnceCell<Option<HashMap<usize, Option<Vec<usize>>>>>,
    /// The attachments of each role (see `role_attachments`).
    attachments_by_role: std::cell::OnceCell<iam::AttachmentsByRole>,
    /// The CDK app's event source mappings (see `cdk_mappings`).
    cdk_mappings: std::cell::OnceCell<Vec<cdk::CdkMapping<'tree>>>,
    /// The functions fed by them that run as roles their constructs make (see
    /// `framework_role_functions`).
    framework_role_functions: std::cell::OnceCell<Vec<usize>>,
    /// The permissions boundary the app sets on every role (see `app_wide_boundary`).
    app_wide_boundary: std::cell::OnceCell<Option<String>>,
    /// Where the program reads each of those functions, found in one walk of every file (see
    /// `framework_role_uses`).
    framework_role_uses: std::cell::OnceCell<HashMap<usize, Vec<Located<'tree>>>>,
    /// The graph's roles, one per instance functions tell apart (see `role_instances`).
    role_instances: std::cell::OnceCell<iam::RoleInstances>,
    /// Per file, the project modules it imports.
    imported_modules: std::cell::RefCell<HashMap<usize, std::rc::Rc<Vec<usize>>>>,
    /// Per file, the project modules it imports directly or not (see `depends_on`).
    modules_reached: Reachability,
    /// Per file, the names of the arrays and objects it changes in place (`xs.push(…)`).
    changed_names: std::cell::RefCell<HashMap<usize, std::rc::Rc<foldhash::HashSet<String>>>>,
    /// How many times the program runs each function or constructor, by (file, start) (see
    /// `repetition`), and those whose calls are being counted (a function met again among them
    /// calls itself).
    times_called: std::cell::RefCell<HashMap<(usize, usize), Option<u64>>>,
    counting_calls: std::cell::RefCell<foldhash::HashSet<(usize, usize)>>,
    /// The same told apart by the account and region each run deploys to, and by what its loops
    /// and calls bind (see `cdk::runs`).
    runs_called: std::cell::RefCell<HashMap<(usize, usize), cdk::RunsCalled<'tree>>>,
    counting_targets: std::cell::RefCell<foldhash::HashSet<(usize, usize)>>,
    /// Whether the values of some collection's elements are being followed (see `iteration`).
    following_elements: std::cell::Cell<bool>,
}

impl<'tree> Program<'tree> {
    pub fn build(
        inputs: &[ProgramInput<'tree>],
        aliases: &'tree ImportAliases,
        stack_config: &'tree StackConfig,
        manifest: &'tree PackageManifest,
        cdk_context: &'tree CdkAppContext,
    ) -> Self {
        let files: Vec<ProgramFile> = inputs
            .iter()
            .map(|input| ProgramFile {
                path: input.path,
                text: input.text,
                tree: input.tree,
                imports: imports::collect(input.matches, input.text),
                side_effect_imports: imports::side_effect_modules(input.matches, input.text),
                dependency_calls: input
                    .matches
                    .iter()
                    .filter_map(|found| found.capture("dependency"))
                    .collect(),
                subscription_calls: input
                    .matches
                    .iter()
                    .filter_map(|found| found.capture("subscription"))
                    .collect(),
                facts: input.facts,
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
            resource_by_expression: HashMap::default(),
            file_by_path,
            aliases,
            stack_config,
            manifest,
            cdk_context,
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

    /// Whether the project is an AWS CDK app: some file imports the CDK.
    pub fn is_cdk_app(&self) -> bool {
        self.files
            .iter()
            .flat_map(|file| &file.imports)
            .any(|binding| package_module(&binding.module).is_some_and(|(package, _)| package == Package::Cdk))
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn file(&self, index: usize) -> &ProgramFile<'tree> {
        &self.files[index]
    }

    pub fn root(&self, file: usize) -> Node<'tree> {
        self.files[file].tree.root_node()
    }

    /// `Node::parent`, remembered. tree-sitter finds a parent by searching down from the root, and
    /// the model climbs from the same nodes again and again: one search remembers the parent of
    /// every node on its way, so climbing further from there searches no more.
    pub fn parent(&self, at: Located<'tree>) -> Option<Node<'tree>> {
        let key = (at.file, at.node.id());
        if let Some(parent) = self.memo.parents.borrow().get(&key) {
            return Some(*parent);
        }
        let mut current = self.root(at.file);
        if current == at.node {
            return None;
        }
        let mut parents = self.memo.parents.borrow_mut();
        // As `Node::parent` does, the deepest node the search reached when it cannot go further
        // (a zero-width node of a tree with syntax errors).
        while let Some(child) = current.child_with_descendant(at.node).filter(|child| *child != at.node) {
            parents.insert((at.file, child.id()), current);
            current = child;
        }
        parents.insert(key, current);
        Some(current)
    }

    /// The nodes enclosing `at`, nearest first, up to the root (see `parent`).
    pub fn ancestors(&self, at: Located<'tree>) -> Vec<Node<'tree>> {
        let mut enclosing = Vec::new();
        let mut current = at;
        while let Some(parent) = self.parent(current) {
            enclosing.push(parent);
            current = at.with(parent);
        }
        enclosing
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
        while kind_of(node) == "member_expression" {
            let property = node.field("property")?;
            properties.push(
                self.text(Located {
                    file: at.file,
                    node: property,
                })
                .to_owned(),
            );
            node = node.field("object")?;
        }
        if kind_of(node) != "identifier" {
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
        let declared_elsewhere = self.scopes(identifier.file).declared.contains(name);
        if !declared_elsewhere {
            return Some(binding);
        }
        let found = match self.declaration_of(identifier) {
            Declaration::NotInFile => Some(index),
            // `const aws = require("@pulumi/aws")` is both a variable and an import.
            Declaration::Variable { declarator, .. } | Declaration::Destructured { declarator, .. }
                if declarator.parent() == Some(binding.statement) =>
            {
                Some(index)
            }
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

    /// The project file an import refers to: a relative module, or one the project's aliases
    /// name.
    pub fn imported_file(&self, importer: usize, specifier: &str) -> Option<usize> {
        let resolved = &self.files[importer].facts.resolved_modules;
        if let Some(known) = resolved.borrow().get(specifier) {
            return *known;
        }
        let found = find_module(self.files[importer].path, specifier, self.aliases, |candidate| {
            self.file_by_path.get(candidate).copied()
        });
        resolved.borrow_mut().insert(specifier.to_owned(), found);
        found
    }

    /// The string literals of a file that may name a module of the project (see `prefilter`).
    fn module_specifiers(&self, file: usize) -> impl Iterator<Item = &'tree str> + '_ {
        crate::prefilter::module_specifiers(self.files[file].text, self.aliases)
    }

    /// What a file says about its names, read the first time a question needs it.
    fn name_facts(&self, file: usize) -> &NameFacts {
        let source = &self.files[file];
        source
            .facts
            .names
            .get_or_init(|| facts::read_file(source.tree.root_node(), source.text, source.facts.written_style()).0)
    }

    fn scopes(&self, file: usize) -> &FileScopes {
        &self.name_facts(file).scopes
    }

    /// What binds an identifier below its file's top level.
    pub(super) fn local_binding(&self, identifier: Located<'tree>) -> Option<LocalBinding> {
        // Only a leaf can be a name; a larger node starts where its first name does.
        if identifier.node.child_count() > 0 {
            return None;
        }
        self.scopes(identifier.file)
            .local
            .get(&identifier.node.start_byte())
            .copied()
    }

    /// The declaration an identifier refers to: in the scopes around it, or among its file's
    /// top-level variables (both looked up in tables read once per file).
    pub fn declaration_of(&self, identifier: Located<'tree>) -> Declaration<'tree> {
        match self.local_binding(identifier) {
            Some(LocalBinding::Parameter { .. }) => Declaration::Parameter,
            Some(LocalBinding::LoopVariable { .. }) => Declaration::LoopVariable,
            Some(LocalBinding::Variable { declarator, constant }) => {
                let settled = self.keeps_declared_value(identifier.file, self.text(identifier), constant);
                self.node_spanning(identifier.file, declarator, |node| {
                    kind_of(node) == "variable_declarator"
                })
                .map_or(Declaration::NotInFile, |declarator| variable(declarator, settled))
            }
            None => self
                .top_level_declaration(identifier.file, self.text(identifier))
                .unwrap_or(Declaration::NotInFile),
        }
    }

    /// Whether an identifier names the global `name` (`Object`, `Number`): spelled so, and
    /// neither declared in its file nor imported.
    pub(super) fn names_global(&self, identifier: Located<'tree>, name: &str) -> bool {
        kind_of(identifier.node) == "identifier"
            && self.text(identifier) == name
            && matches!(self.declaration_of(identifier), Declaration::NotInFile)
            && self.import_of(identifier).is_none()
    }

    /// The function whose parameter `identifier` is.
    pub fn function_declaring_parameter(&self, identifier: Located<'tree>) -> Option<Node<'tree>> {
        let Some(LocalBinding::Parameter { binder }) = self.local_binding(identifier) else {
            return None;
        };
        self.node_spanning(identifier.file, binder, |node| {
            scope::FUNCTIONS.contains(&kind_of(node))
        })
    }

    /// `receiver.method(…)`: the receiver and the method's name, when `call` calls a method.
    pub fn method_call(&self, call: Located<'tree>) -> Option<(Located<'tree>, &'tree str)> {
        if kind_of(call.node) != "call_expression" {
            return None;
        }
        let callee = call
            .node
            .field("function")
            .filter(|callee| kind_of(*callee) == "member_expression")?;
        Some((
            call.with(callee.field("object")?),
            self.text(call.with(callee.field("property")?)),
        ))
    }

    /// The loop statement whose variable `identifier` is.
    pub fn loop_declaring_variable(&self, identifier: Located<'tree>) -> Option<Node<'tree>> {
        let Some(LocalBinding::LoopVariable { binder }) = self.local_binding(identifier) else {
            return None;
        };
        self.node_spanning(identifier.file, binder, |node| scope::LOOPS.contains(&kind_of(node)))
    }

    /// A function declared at the top level of `file` (`function f`, `export function f`).
    pub fn top_level_function(&self, file: usize, name: &str) -> Option<Node<'tree>> {
        self.top_level_declared(file, "function_declaration", name)
    }

    /// The top-level declaration of `kind` (`function_declaration`, `class_declaration`) named
    /// `name`, exported or not.
    pub fn top_level_declared(&self, file: usize, kind: &str, name: &str) -> Option<Node<'tree>> {
        let source = &self.files[file];
        let table = source
            .facts
            .declarations
            .get_or_init(|| exports::read_declarations(source.tree.root_node(), source.text));
        let &range = table.get(&(kind, name.to_owned()))?;
        self.node_spanning(file, range, |node| kind_of(node) == kind)
    }

    /// A variable declared at the top level of `file`.
    pub fn top_level_declaration(&self, file: usize, name: &str) -> Option<Declaration<'tree>> {
        let source = &self.files[file];
        let table = source
            .facts
            .top_level
            .get_or_init(|| scope::top_level_table(source.tree.root_node(), source.text));
        // The declarator's whole range: the smallest node spanning it is the declarator itself
        // (or, in `let x;`, its name), so finding it climbs no further.
        let &(range, constant) = table.get(name)?;
        let known = self.memo.declarators.borrow().get(&(file, range.0)).copied();
        let declarator = match known {
            Some(declarator) => declarator,
            None => {
                let found = self.node_spanning(file, range, |node| {
                    kind_of(node) == "variable_declarator" && node.byte_range() == (range.0..range.1)
                });
                self.memo.declarators.borrow_mut().insert((file, range.0), found);
                found
            }
        }?;
        Some(variable(declarator, self.keeps_declared_value(file, name, constant)))
    }

    /// Whether a variable of `file` named `name` always holds what its declaration writes: a
    /// `const`, or a `let` or `var` the file never assigns again (`let spec = {…}` in code
    /// written before `const` was the habit). Another module cannot assign it: an import is
    /// read-only.
    fn keeps_declared_value(&self, file: usize, name: &str, constant: bool) -> bool {
        constant || !self.scopes(file).reassigned.contains(name)
    }

    /// The smallest node of `file` that spans `range` and is `wanted`.
    fn node_spanning(
        &self,
        file: usize,
        (start, end): (usize, usize),
        wanted: impl Fn(Node) -> bool,
    ) -> Option<Node<'tree>> {
        let mut node = self.root(file).descendant_for_byte_range(start, end)?;
        while !wanted(node) {
            node = self.parent(Located { file, node })?;
        }
        Some(node)
    }
}

/// For a graph the model follows again and again (a module's imports, the resources a resource
/// reads), everything reached from each node, worked out the first time the node is asked about:
/// the graph asks whether each of a role's attachments waits for each of its functions, and every
/// answer walks the same reads.
#[derive(Default)]
struct Reachability(std::cell::RefCell<HashMap<usize, foldhash::HashSet<usize>>>);

impl Reachability {
    /// Whether `to` is reached from `from` by following `next` one or more times; the graph may
    /// have cycles, so `from` reaches itself only through one.
    fn reaches<Next: std::ops::Deref<Target = Vec<usize>>>(
        &self,
        from: usize,
        to: usize,
        next: impl Fn(usize) -> Next,
    ) -> bool {
        self.work_out(from, next);
        self.0.borrow().get(&from).is_some_and(|reached| reached.contains(&to))
    }

    /// Everything reached from `from` by following `next` one or more times, sorted.
    fn reached_from<Next: std::ops::Deref<Target = Vec<usize>>>(
        &self,
        from: usize,
        next: impl Fn(usize) -> Next,
    ) -> Vec<usize> {
        self.work_out(from, next);
        let mut reached: Vec<usize> = self.0.borrow().get(&from).into_iter().flatten().copied().collect();
        reached.sort_unstable();
        reached
    }

    fn work_out<Next: std::ops::Deref<Target = Vec<usize>>>(&self, from: usize, next: impl Fn(usize) -> Next) {
        if self.0.borrow().contains_key(&from) {
            return;
        }
        let mut reached = foldhash::HashSet::default();
        let mut pending = vec![from];
        while let Some(current) = pending.pop() {
            for &step in next(current).iter() {
                if reached.insert(step) {
                    pending.push(step);
                }
            }
        }
        self.0.borrow_mut().insert(from, reached);
    }
}

/// What a declarator declares: a variable, or the names its destructuring pattern binds.
fn variable(declarator: Node, constant: bool) -> Declaration {
    match declarator.field("name").map(kind_of) {
        Some("identifier") | None => Declaration::Variable { declarator, constant },
        Some(_) => Declaration::Destructured { declarator, constant },
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use super::{FileFacts, Program, ProgramInput};
    use crate::cloud::Answer;
    use crate::syntax::{parse, Dialect};

    /// One generated policy statement: Allow or Deny, and indices into a test's actions and resources.
    pub type GeneratedStatement = (bool, Vec<usize>, Vec<usize>);

    /// One to three generated statements over `actions` actions and `resources` resources.
    pub fn generated_statements(
        actions: usize,
        resources: usize,
    ) -> impl proptest::strategy::Strategy<Value = Vec<GeneratedStatement>> {
        use proptest::prelude::*;
        prop::collection::vec(
            (
                any::<bool>(),
                prop::collection::vec(0..actions, 1..3),
                prop::collection::vec(0..resources, 1..3),
            ),
            1..4,
        )
    }

    /// The object literal of a policy document holding the generated statements; `resource`
    /// writes a resource index as the document names it.
    pub fn policy_document(
        statements: &[GeneratedStatement],
        actions: &[&str],
        resource: impl Fn(usize) -> String,
    ) -> String {
        let rendered: Vec<String> = statements
            .iter()
            .map(|(allow, action_indices, resource_indices)| {
                let list = |items: Vec<String>| format!("[{}]", items.join(", "));
                let actions = list(action_indices.iter().map(|&i| format!("\"{}\"", actions[i])).collect());
                let resources = list(resource_indices.iter().map(|&i| resource(i)).collect());
                let effect = if *allow { "Allow" } else { "Deny" };
                format!("{{ Effect: \"{effect}\", Action: {actions}, Resource: {resources} }}")
            })
            .collect();
        format!("{{ Version: \"2012-10-17\", Statement: [{}] }}", rendered.join(", "))
    }

    /// Every (action, resource) of those asked that the policy evaluator surely allows the role,
    /// in a program whose resources are each bound to a const of their logical name.
    pub fn allowed(program: &Program, role: &str, actions: &[&str], targets: &[&str]) -> BTreeSet<(String, String)> {
        let named = |name: &str| {
            (0..program.resources().len()).find(|&index| program.display_name(index) == format!("`{name}`"))
        };
        let role = named(role).expect("the role");
        let front_end = super::TypeScriptFrontEnd::new(program);
        let graph = crate::cloud::CloudGraph::new(&front_end);
        let grants = &graph
            .roles()
            .iter()
            .find(|candidate| candidate.declared == program.resources()[role].declared())
            .expect("the role is in the graph")
            .grants;
        let mut pairs = BTreeSet::new();
        for target in targets {
            let Some(resource_target) = named(target).and_then(|index| program.resource_target(index)) else {
                continue;
            };
            for action in actions {
                if grants.allows(action, &resource_target) == Answer::Allowed {
                    pairs.insert(((*action).to_owned(), (*target).to_owned()));
                }
            }
        }
        pairs
    }

    /// Whether the role the function `function` (by its variable) runs as, in the graph of the
    /// project given as (path, text) pairs, may receive from the queue `queue`; `None` when it
    /// runs as no role `role` picks from the function's.
    pub fn may_receive_from(
        files: &[(&str, &str)],
        function: &str,
        queue: &str,
        role: impl Fn(crate::cloud::FunctionRole) -> Option<usize>,
    ) -> Option<Answer> {
        let mut answer = None;
        with_program(files, |program| {
            let front_end = super::TypeScriptFrontEnd::new(program);
            let graph = crate::cloud::CloudGraph::new(&front_end);
            let function = graph
                .functions()
                .iter()
                .find(|candidate| candidate.name == format!("`{function}`"))
                .expect("the function");
            let queue = graph
                .message_targets()
                .iter()
                .find(|target| target.name == format!("`{queue}`"))
                .expect("the queue");
            answer = function
                .role
                .and_then(&role)
                .map(|role| graph.roles()[role].grants.allows("sqs:ReceiveMessage", &queue.target));
        });
        answer
    }

    /// Builds the model of a project given as (path, text) pairs and hands it to `check`.
    pub fn with_program(files: &[(&str, &str)], check: impl FnOnce(&Program)) {
        let paths: Vec<PathBuf> = files.iter().map(|(path, _)| PathBuf::from(path)).collect();
        let trees: Vec<_> = files
            .iter()
            .map(|(_, text)| parse(text, Dialect::TypeScript).expect("parses"))
            .collect();
        let facts: Vec<FileFacts> = files.iter().map(|_| FileFacts::default()).collect();
        let matches: Vec<_> = files
            .iter()
            .zip(&trees)
            .zip(&facts)
            .map(|(((_, text), tree), facts)| facts.read(tree, text))
            .collect();
        let inputs: Vec<ProgramInput> = (0..files.len())
            .map(|i| ProgramInput {
                path: &paths[i],
                text: files[i].1,
                tree: &trees[i],
                matches: &matches[i],
                facts: &facts[i],
            })
            .collect();
        check(&Program::build(
            &inputs,
            &super::ImportAliases::default(),
            &super::StackConfig::default(),
            &super::PackageManifest::default(),
            &super::CdkAppContext::default(),
        ));
    }
}
