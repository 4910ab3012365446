//! The Terraform front end: the `.tf` files of one module folder, read together. Each file is
//! walked once for its top-level blocks (resources, variables, locals); values are then followed
//! from where a resource reads them to where they are written: a literal in the block, a `local`,
//! or a variable's `default`. What cannot be followed (a module output, a data source, a function
//! of other values) is unknown and never edited.
//!
//! The graph covers Lambda functions and layers: the runtime and reserved-concurrency rules run
//! on Terraform. The IAM and API Gateway parts are empty, so those rules report nothing here yet.

mod graph;
mod render;
mod values;

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

pub use render::TerraformFrontEnd;

use crate::cloud::Site;
use crate::syntax::node_text;

/// One `.tf` file of the module, as the pipeline parsed it.
pub struct TerraformInput<'a> {
    pub text: &'a str,
    pub tree: &'a Tree,
}

/// A node in a file of the module.
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
}

/// A module folder's files and the blocks they declare.
pub struct TerraformModule<'a> {
    files: Vec<TerraformInput<'a>>,
    resources: Vec<ResourceBlock<'a>>,
    /// Each variable's `default`, by the variable's name.
    variable_defaults: HashMap<String, Located<'a>>,
    /// Each local value, by name.
    locals: HashMap<String, Located<'a>>,
}

impl<'a> TerraformModule<'a> {
    pub fn build(files: Vec<TerraformInput<'a>>) -> Self {
        let mut module = Self {
            files,
            resources: Vec::new(),
            variable_defaults: HashMap::new(),
            locals: HashMap::new(),
        };
        for file in 0..module.files.len() {
            module.read_top_level(file);
        }
        module
    }

    fn read_top_level(&mut self, file: usize) {
        let text = self.files[file].text;
        let root = self.files[file].tree.root_node();
        let Some(body) = named_children(root).find(|node| node.kind() == "body") else {
            return;
        };
        for block in named_children(body).filter(|node| node.kind() == "block") {
            let Some(block_body) = named_children(block).find(|node| node.kind() == "body") else {
                continue;
            };
            let block_body = Located { file, node: block_body };
            let labels: Vec<&str> = named_children(block)
                .filter(|node| node.kind() == "string_lit")
                .map(|label| node_text(label, text).trim_matches('"'))
                .collect();
            match (block_type(block, text), labels.as_slice()) {
                (Some("resource"), [kind, name]) => self.resources.push(ResourceBlock {
                    kind: (*kind).to_owned(),
                    name: (*name).to_owned(),
                    block: Located { file, node: block },
                    body: block_body,
                }),
                (Some("variable"), [name]) => {
                    if let Some(default) = self.argument(block_body, "default") {
                        // A second declaration of a name is an error Terraform reports; the first is kept.
                        self.variable_defaults.entry((*name).to_owned()).or_insert(default);
                    }
                }
                (Some("locals"), []) => {
                    let locals: Vec<_> = self.arguments(block_body).collect();
                    for (name, value) in locals {
                        self.locals.entry(name.to_owned()).or_insert(value);
                    }
                }
                _ => {}
            }
        }
    }

    pub fn resources(&self) -> &[ResourceBlock<'a>] {
        &self.resources
    }

    pub fn text(&self, located: Located) -> &'a str {
        node_text(located.node, self.files[located.file].text)
    }

    /// The arguments of a body, `name = expression`, in order.
    pub fn arguments(&self, body: Located<'a>) -> impl Iterator<Item = (&'a str, Located<'a>)> + '_ {
        named_children(body.node)
            .filter(|node| node.kind() == "attribute")
            .filter_map(move |attribute| {
                let name = named_children(attribute).find(|node| node.kind() == "identifier")?;
                let value = named_children(attribute).find(|node| node.kind() == "expression")?;
                Some((self.text(body.with(name)), body.with(value)))
            })
    }

    /// The value of one argument of a body.
    pub fn argument(&self, body: Located<'a>, name: &str) -> Option<Located<'a>> {
        self.arguments(body)
            .find(|(argument, _)| *argument == name)
            .map(|(_, value)| value)
    }

    /// The `attribute` node (name, `=` and value) of one argument of a body.
    pub fn attribute(&self, body: Located<'a>, name: &str) -> Option<Located<'a>> {
        self.argument(body, name)
            .and_then(|value| value.node.parent())
            .map(|attribute| body.with(attribute))
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

/// A block's type: `resource`, `variable`, `locals` …
fn block_type<'text>(block: Node, text: &'text str) -> Option<&'text str> {
    named_children(block)
        .next()
        .filter(|node| node.kind() == "identifier")
        .map(|node| node_text(node, text))
}

/// The named children of a node, comments left out.
fn named_children(node: Node) -> impl Iterator<Item = Node> {
    let mut cursor = node.walk();
    let children: Vec<Node> = node
        .named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .collect();
    children.into_iter()
}
