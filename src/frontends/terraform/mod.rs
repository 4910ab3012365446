//! The Terraform front end: a root module folder's `.tf` files, read together with the files of the
//! local modules it calls (`source = "./modules/lambda"`). Each file is walked once for its
//! top-level blocks (resources, variables, locals, module calls); values are then followed from
//! where a resource reads them to where they are written: a literal in the block, a `local`, a
//! variable's `default`, or the argument a module call passes for a variable. The resource a
//! local module hands out as an output (`module.orders.invoke_arn`) is followed into the module
//! (`modules`). What cannot be followed (a registry or git module, a data source, a function of
//! other values) is unknown and never edited; so is whatever an override file (`override.tf`)
//! redeclares.
//!
//! Every part of the graph is built: functions and layers (`graph`), roles and the policies
//! reaching them (`iam`, `policy`), integrations (`integrations`), stages (`apigateway`); rules
//! that judge IAM and integrations read the root module's resources (`references`).

mod apigateway;
mod arn_text;
mod code;
mod deploy_targets;
mod deployments;
mod for_elements;
mod graph;
mod iam;
mod integrations;
mod kept_instances;
mod map_paths;
mod modules;
mod policy;
mod provider_release;
mod readers;
mod references;
mod registry;
mod registry_grants;
mod render;
mod shared_calls;
mod values;
mod version_constraints;

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use tree_sitter::{Node, Tree};

pub use provider_release::{configuration_runtime_check, locked_aws_release};
pub use render::TerraformFrontEnd;

use crate::cloud::Site;
use crate::release_version::ReleaseVersion;
use crate::syntax::{kind_of, node_text};

/// One `.tf` file of the project, as the pipeline parsed it.
pub struct TerraformInput<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub tree: &'a Tree,
}

/// A node in a file of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'tree> {
    pub file: usize,
    pub node: Node<'tree>,
}

impl<'tree> Located<'tree> {
    fn with(self, node: Node<'tree>) -> Self {
        Self { file: self.file, node }
    }

    fn site(self) -> Site {
        Site {
            file: self.file,
            range: self.node.byte_range(),
        }
    }
}

/// A `resource "TYPE" "NAME" { … }` block.
pub struct ResourceBlock<'tree> {
    pub kind: String,
    pub name: String,
    /// The whole block.
    pub block: Located<'tree>,
    /// Its `body`: arguments and nested blocks.
    pub body: Located<'tree>,
    /// For a function a registry module makes from its call's arguments (see `registry`), that
    /// call's name; `block` and `body` are then the call's.
    pub registry_call: Option<String>,
}

/// A `module "NAME" { source = "./…" … }` block calling a module folder of the project.
pub struct ModuleCall<'tree> {
    pub name: String,
    pub block: Located<'tree>,
    pub body: Located<'tree>,
    /// The folder called, by index in `TerraformProject::folders`.
    pub folder: usize,
}

/// One module folder: what its files declare.
#[derive(Default)]
pub struct ModuleFolder<'tree> {
    path: PathBuf,
    /// What its override files (`override.tf`, `*_override.tf`) redeclare: `resource.TYPE.NAME`,
    /// `module.NAME`, `var.NAME`, `local.NAME`. Terraform merges those into the declarations
    /// they name; infrafix does not, so what they touch is unknown here.
    overridden: HashSet<String>,
    resources: Vec<ResourceBlock<'tree>>,
    /// `data "TYPE" "NAME" { … }` blocks, in the same shape as resources.
    data_sources: Vec<ResourceBlock<'tree>>,
    calls: Vec<ModuleCall<'tree>>,
    /// The functions its calls of registry modules make (see `registry`).
    registry_functions: Vec<ResourceBlock<'tree>>,
    /// Every `module "NAME"` block, local or not, by name: what it reads is what the module's
    /// resources may read.
    module_blocks: HashMap<String, Located<'tree>>,
    /// `TYPE.NAME` of a resource declared twice (Terraform refuses the module), if any.
    declared_twice: Option<String>,
    /// Each variable's `default`, by the variable's name.
    variable_defaults: HashMap<String, Located<'tree>>,
    /// Each local value, by name.
    locals: HashMap<String, Located<'tree>>,
    /// Each output's `value`, by the output's name.
    outputs: HashMap<String, Located<'tree>>,
    /// The `required_version` of each of its `terraform` blocks.
    required_versions: Vec<Located<'tree>>,
    /// The `version` its `terraform` blocks' `required_providers` set on the AWS provider.
    aws_provider_versions: Vec<Located<'tree>>,
    /// The body of each `provider "aws"` block, by the name resources give it in `provider`
    /// (`aws`, `aws.eu` for `alias = "eu"`).
    aws_providers: HashMap<String, Located<'tree>>,
}

/// The root module folder (folder 0) and the local module folders it calls.
pub struct TerraformProject<'a> {
    files: Vec<TerraformInput<'a>>,
    /// Per file, its folder's index in `folders`.
    folder_of_file: Vec<usize>,
    folders: Vec<ModuleFolder<'a>>,
    /// How many times the root module names each block or value (see `mentions`).
    mention_counts: OnceCell<HashMap<String, usize>>,
    /// Each root module resource's id by its `TYPE.NAME`.
    root_resource_ids: OnceCell<HashMap<String, usize>>,
    /// The traversals under each node asked about, by file and byte range: fixes and rules ask
    /// what the same blocks read many times.
    mentions_by_node: RefCell<HashMap<NodeKey, Rc<[Mention<'a>]>>>,
    /// The arguments of each body asked about, by file and node id: rules and fixes ask for one
    /// argument of the same block many times, and listing a body's children each time was a
    /// tenth of a check.
    arguments_by_body: RefCell<HashMap<(usize, usize), Arguments<'a>>>,
}

/// A node by its file and byte range.
type NodeKey = (usize, usize, usize);

/// A body's arguments: each one's name and value, in order.
type Arguments<'a> = Rc<[(&'a str, Node<'a>)]>;

/// An expression that starts with a traversal: the traversal's key (`aws_iam_role.worker`,
/// `local.policy`, `each.value`) and the attribute read after it.
pub struct Mention<'a> {
    pub key: String,
    pub attribute: Option<&'a str>,
    pub at: Located<'a>,
}

impl<'a> TerraformProject<'a> {
    /// The project of the module folder `root`, from its files and those of the module folders
    /// it calls.
    pub fn build(root: &Path, files: Vec<TerraformInput<'a>>) -> Self {
        let mut folders = vec![ModuleFolder {
            path: root.to_path_buf(),
            ..ModuleFolder::default()
        }];
        let folder_of_file = files
            .iter()
            .map(|file| {
                let folder = file.path.parent().unwrap_or(Path::new(""));
                match folders.iter().position(|known| known.path == folder) {
                    Some(index) => index,
                    None => {
                        folders.push(ModuleFolder {
                            path: folder.to_path_buf(),
                            ..ModuleFolder::default()
                        });
                        folders.len() - 1
                    }
                }
            })
            .collect();
        let mut project = Self {
            files,
            folder_of_file,
            folders,
            mention_counts: OnceCell::new(),
            root_resource_ids: OnceCell::new(),
            mentions_by_node: RefCell::default(),
            arguments_by_body: RefCell::default(),
        };
        for file in 0..project.files.len() {
            project.read_top_level(file);
        }
        for folder in &mut project.folders {
            let overridden = std::mem::take(&mut folder.overridden);
            folder
                .resources
                .retain(|resource| !overridden.contains(&format!("resource.{}.{}", resource.kind, resource.name)));
            folder
                .data_sources
                .retain(|data| !overridden.contains(&format!("data.{}.{}", data.kind, data.name)));
            folder
                .calls
                .retain(|call| !overridden.contains(&format!("module.{}", call.name)));
            folder.registry_functions.retain(|function| {
                let call = function.registry_call.as_deref().unwrap_or_default();
                !overridden.contains(&format!("module.{call}"))
            });
            folder
                .variable_defaults
                .retain(|name, _| !overridden.contains(&format!("var.{name}")));
            folder
                .locals
                .retain(|name, _| !overridden.contains(&format!("local.{name}")));
        }
        project
    }

    fn read_top_level(&mut self, file: usize) {
        let text = self.files[file].text;
        let root = self.files[file].tree.root_node();
        let Some(body) = named_children(root).find(|node| kind_of(node) == "body") else {
            return;
        };
        for block in named_children(body).filter(|node| kind_of(node) == "block") {
            let block = Located { file, node: block };
            // `resource "aws_sqs_queue" "dlq" {}` declares as much as one with arguments: its
            // block stands for its empty body.
            let block_body = block_body(block).unwrap_or(block);
            let labels: Vec<&str> = named_children(block.node)
                .filter(|node| kind_of(node) == "string_lit")
                .map(|label| node_text(label, text).trim_matches('"'))
                .collect();
            let arguments: Vec<(&str, Located)> = self.arguments(block_body).collect();
            let called = self.called_folder(file, &arguments);
            let registry_function = match (block_type(block.node, text), labels.as_slice(), called) {
                (Some("module"), [name], None) => self.registry_function(name, block, block_body, &arguments),
                _ => None,
            };
            let aws_provider_versions = match block_type(block.node, text) {
                Some("terraform") => self.aws_provider_constraints(block),
                _ => Vec::new(),
            };
            // The name resources give a `provider "aws"` block: `aws`, or `aws.ALIAS`.
            let aws_provider_name = match arguments.iter().find(|(argument, _)| *argument == "alias") {
                Some((_, alias)) => format!("aws.{}", self.text(values::unwrapped(*alias)).trim_matches('"')),
                None => "aws".to_owned(),
            };
            let folder = &mut self.folders[self.folder_of_file[file]];
            if is_override_file(self.files[file].path) {
                let names: Vec<String> = match (block_type(block.node, text), labels.as_slice()) {
                    (Some("resource"), [kind, name]) => vec![format!("resource.{kind}.{name}")],
                    (Some("data"), [kind, name]) => vec![format!("data.{kind}.{name}")],
                    (Some("module"), [name]) => vec![format!("module.{name}")],
                    (Some("variable"), [name]) => vec![format!("var.{name}")],
                    (Some("locals"), []) => arguments.iter().map(|(name, _)| format!("local.{name}")).collect(),
                    _ => Vec::new(),
                };
                folder.overridden.extend(names);
                continue;
            }
            match (block_type(block.node, text), labels.as_slice()) {
                (Some("resource"), [kind, name]) => {
                    let again = folder
                        .resources
                        .iter()
                        .any(|known| known.kind == *kind && known.name == *name);
                    if again {
                        folder.declared_twice.get_or_insert_with(|| format!("{kind}.{name}"));
                    }
                    folder.resources.push(ResourceBlock {
                        kind: (*kind).to_owned(),
                        name: (*name).to_owned(),
                        block,
                        body: block_body,
                        registry_call: None,
                    })
                }
                (Some("data"), [kind, name]) => folder.data_sources.push(ResourceBlock {
                    kind: (*kind).to_owned(),
                    name: (*name).to_owned(),
                    block,
                    body: block_body,
                    registry_call: None,
                }),
                (Some("module"), [name]) => {
                    folder.module_blocks.entry((*name).to_owned()).or_insert(block);
                    folder.registry_functions.extend(registry_function);
                    if let Some(called) = called {
                        folder.calls.push(ModuleCall {
                            name: (*name).to_owned(),
                            block,
                            body: block_body,
                            folder: called,
                        });
                    }
                }
                (Some("variable"), [name]) => {
                    let default = arguments.iter().find(|(argument, _)| *argument == "default");
                    if let Some((_, default)) = default {
                        // A second declaration of a name is an error Terraform reports; the first is kept.
                        folder.variable_defaults.entry((*name).to_owned()).or_insert(*default);
                    }
                }
                (Some("output"), [name]) => {
                    if let Some((_, value)) = arguments.iter().find(|(argument, _)| *argument == "value") {
                        folder.outputs.entry((*name).to_owned()).or_insert(*value);
                    }
                }
                (Some("locals"), []) => {
                    for (name, value) in arguments {
                        folder.locals.entry(name.to_owned()).or_insert(value);
                    }
                }
                (Some("provider"), ["aws"]) => {
                    // Terraform refuses two configurations of one name; the first is kept.
                    folder.aws_providers.entry(aws_provider_name).or_insert(block_body);
                }
                (Some("terraform"), []) => {
                    folder.required_versions.extend(
                        arguments
                            .iter()
                            .filter(|(argument, _)| *argument == "required_version")
                            .map(|(_, constraint)| *constraint),
                    );
                    folder.aws_provider_versions.extend(aws_provider_versions);
                }
                _ => {}
            }
        }
    }

    /// The folder of the project a module block's `source` names, when it is a local path.
    fn called_folder(&self, file: usize, arguments: &[(&str, Located<'a>)]) -> Option<usize> {
        let (_, source) = arguments.iter().find(|(argument, _)| *argument == "source")?;
        let source = self.string_literal(values::unwrapped(*source))?;
        if !(source.starts_with("./") || source.starts_with("../")) {
            return None;
        }
        let caller = self.files[file].path.parent()?;
        let called = crate::frontends::typescript::normalize_path(&caller.join(source));
        self.folders.iter().position(|folder| folder.path == called)
    }

    pub fn text(&self, located: Located) -> &'a str {
        node_text(located.node, self.files[located.file].text)
    }

    /// The root module's resources; a root resource's index here is its `ResourceId`, since
    /// `resource_instances` lists them first.
    pub fn root_resources(&self) -> impl Iterator<Item = &ResourceBlock<'a>> {
        self.folders[0].resources.iter()
    }

    /// Why no fix may be made in the root module, when one may not: Terraform refuses a module
    /// that declares a resource twice, and a fix could not tell the two apart.
    pub fn refusal(&self) -> Option<String> {
        self.folders[0].declared_twice.as_ref().map(|twice| {
            format!(
                "`{twice}` is declared twice in the module (terraform validate: Duplicate resource); fix that first"
            )
        })
    }

    /// The root module's `required_version` constraint that admits a Terraform release older
    /// than `first` (`(0, 13, 0)`), as written; `None` when none is known to.
    pub fn admits_terraform_before(&self, first: ReleaseVersion) -> Option<String> {
        self.folders[0].required_versions.iter().find_map(|constraint| {
            let constraint = self.string_literal(values::unwrapped(*constraint))?;
            version_constraints::admits_release_before(&constraint, first)
                .filter(|admitted| *admitted)
                .map(|_| constraint)
        })
    }

    /// The id of the root module resource `TYPE.NAME`.
    pub fn root_resource_id(&self, key: &str) -> Option<usize> {
        let ids = self.root_resource_ids.get_or_init(|| {
            let mut ids = HashMap::new();
            for (id, resource) in self.root_resources().enumerate() {
                ids.entry(format!("{}.{}", resource.kind, resource.name)).or_insert(id);
            }
            ids
        });
        ids.get(key).copied()
    }

    fn folder_of(&self, located: Located) -> &ModuleFolder<'a> {
        &self.folders[self.folder_of_file[located.file]]
    }

    /// The arguments of a body, `name = expression`, in order.
    pub fn arguments(&self, body: Located<'a>) -> impl Iterator<Item = (&'a str, Located<'a>)> + '_ {
        let listed = self.argument_list(body);
        (0..listed.len()).map(move |index| (listed[index].0, body.with(listed[index].1)))
    }

    fn argument_list(&self, body: Located<'a>) -> Arguments<'a> {
        let key = (body.file, body.node.id());
        if let Some(known) = self.arguments_by_body.borrow().get(&key) {
            return Rc::clone(known);
        }
        let listed: Arguments<'a> = named_children(body.node)
            .filter(|node| kind_of(node) == "attribute")
            .filter_map(|attribute| {
                // `name = value`: one listing of the attribute's children finds both.
                let mut name = None;
                let mut value = None;
                for child in named_children(attribute) {
                    match kind_of(child) {
                        "identifier" if name.is_none() => name = Some(child),
                        "expression" if value.is_none() => value = Some(child),
                        _ => {}
                    }
                }
                Some((self.text(body.with(name?)), value?))
            })
            .collect();
        self.arguments_by_body.borrow_mut().insert(key, Rc::clone(&listed));
        listed
    }

    /// The value of one argument of a body.
    pub fn argument(&self, body: Located<'a>, name: &str) -> Option<Located<'a>> {
        self.arguments(body)
            .find(|(argument, _)| *argument == name)
            .map(|(_, value)| value)
    }

    /// Whether a block is made once per element or count (`count`, `for_each`).
    pub fn is_repeated(&self, body: Located<'a>) -> bool {
        self.argument(body, "count").is_some() || self.argument(body, "for_each").is_some()
    }

    /// How a block is repeated: `count` or `for_each`, its value spelled without spacing (two
    /// blocks repeated the same way pair instance by instance), and that value.
    pub fn repetition(&self, body: Located<'a>) -> Option<(&'static str, String, Located<'a>)> {
        ["count", "for_each"].into_iter().find_map(|kind| {
            let written = self.argument(body, kind)?;
            let spelled: String = self.text(written).split_whitespace().collect();
            Some((kind, spelled, written))
        })
    }

    /// The body of the top-level block (a resource, a data source) an expression is written in.
    pub fn enclosing_block_body(&self, expression: Located<'a>) -> Option<Located<'a>> {
        let mut outermost = None;
        let mut node = expression.node;
        while let Some(parent) = node.parent() {
            if kind_of(parent) == "block" {
                outermost = Some(parent);
            }
            node = parent;
        }
        block_body(expression.with(outermost?))
    }

    /// The `attribute` node (name, `=` and value) of one argument of a body.
    pub fn attribute(&self, body: Located<'a>, name: &str) -> Option<Located<'a>> {
        self.argument(body, name)
            .and_then(|value| value.node.parent())
            .map(|attribute| body.with(attribute))
    }

    /// The first block of a body with this type (`settings { … }`).
    pub fn nested_block(&self, body: Located<'a>, kind: &str) -> Option<Located<'a>> {
        named_children(body.node)
            .filter(|node| kind_of(node) == "block")
            .find(|block| {
                named_children(*block)
                    .next()
                    .is_some_and(|identifier| self.text(body.with(identifier)) == kind)
            })
            .map(|block| body.with(block))
    }

    /// The node of a file whose extent is exactly `site`.
    fn located(&self, site: &Site) -> Result<Located<'a>, String> {
        self.files
            .get(site.file)
            .and_then(|file| {
                file.tree
                    .root_node()
                    .descendant_for_byte_range(site.range.start, site.range.end)
            })
            .filter(|node| node.byte_range() == site.range)
            .map(|node| Located { file: site.file, node })
            .ok_or_else(|| "the place to change was not found again in the file".to_owned())
    }

    fn file_text(&self, file: usize) -> &'a str {
        self.files[file].text
    }
}

/// `override.tf` and `*_override.tf`: Terraform merges their blocks into the ones they name.
fn is_override_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name == "override.tf" || name.ends_with("_override.tf"))
}

/// Whether a comment stands anywhere inside a node.
fn has_comment_inside(node: tree_sitter::Node) -> bool {
    crate::syntax::named_descendants(node).any(|inner| kind_of(inner) == "comment")
}

/// The body of a block.
fn block_body(block: Located) -> Option<Located> {
    named_children(block.node)
        .find(|node| kind_of(node) == "body")
        .map(|body| block.with(body))
}

/// A block's type: `resource`, `variable`, `locals` …
fn block_type<'text>(block: Node, text: &'text str) -> Option<&'text str> {
    named_children(block)
        .next()
        .filter(|node| kind_of(node) == "identifier")
        .map(|node| node_text(node, text))
}

/// The named children of a node, comments left out.
fn named_children(node: Node) -> impl Iterator<Item = Node> {
    crate::syntax::named_children(node).filter(|child| kind_of(child) != "comment")
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::{TerraformFrontEnd, TerraformInput, TerraformProject};
    use crate::cloud::{Answer, CloudGraph, RuntimeCheck};
    use crate::syntax::{parse, Dialect};

    /// Builds the front end of a root module given as (file name, text) pairs and hands it to
    /// `check`.
    pub fn with_module(files: &[(&str, &str)], check: impl FnOnce(&TerraformFrontEnd)) {
        with_called_module(files, Vec::new(), check);
    }

    /// `with_module`, for a module called by configurations whose runtimes hashicorp/aws checks
    /// as `callers` say.
    pub fn with_called_module(
        files: &[(&str, &str)],
        callers: Vec<RuntimeCheck>,
        check: impl FnOnce(&TerraformFrontEnd),
    ) {
        let root = Path::new("/module");
        let paths: Vec<PathBuf> = files.iter().map(|(name, _)| root.join(name)).collect();
        let trees: Vec<_> = files
            .iter()
            .map(|(_, text)| parse(text, Dialect::Hcl).expect("parses"))
            .collect();
        let inputs = (0..files.len())
            .map(|index| TerraformInput {
                path: &paths[index],
                text: files[index].1,
                tree: &trees[index],
            })
            .collect();
        let project = TerraformProject::build(root, inputs);
        check(&TerraformFrontEnd::new(&project).with_callers_checks(callers));
    }

    /// Every (action, resource) of those asked that the policy evaluator surely allows the role
    /// `aws_iam_role.ROLE`; targets are named `TYPE.NAME`.
    pub fn allowed(
        front_end: &TerraformFrontEnd,
        role: &str,
        actions: &[&str],
        targets: &[&str],
    ) -> BTreeSet<(String, String)> {
        let graph = CloudGraph::new(front_end);
        let grants = &graph
            .roles()
            .iter()
            .find(|candidate| candidate.name == format!("`aws_iam_role.{role}`"))
            .expect("the role is in the graph")
            .grants;
        let mut pairs = BTreeSet::new();
        for target in targets {
            let Some(known) = graph
                .message_targets()
                .iter()
                .find(|known| known.name == format!("`{target}`"))
            else {
                continue;
            };
            for action in actions {
                if grants.allows(action, &known.target) == Answer::Allowed {
                    pairs.insert(((*action).to_owned(), (*target).to_owned()));
                }
            }
        }
        pairs
    }
}
