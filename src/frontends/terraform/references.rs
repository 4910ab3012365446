//! References between the blocks of the root module: `aws_sqs_queue.dlq.arn`, the same inside a
//! string (`"${aws_iam_role.worker.arn}"`), `data.aws_iam_policy_document.worker.json`, and what
//! each block reads, directly or through the locals, data sources and resources it names: what
//! Terraform creates before it.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::kept_instances::Kept;
use super::values::unwrapped;
use super::{named_children, Located, Mention, ResourceBlock, TerraformProject};
use crate::cloud::{ResourceId, ResourceRef, ARN, INVOKE_ARN, QUALIFIED_ARN, QUALIFIED_INVOKE_ARN};
use crate::syntax::kind_of;
use tree_sitter::Node;

/// What a traversal may start with that names no resource block.
pub(super) const NOT_RESOURCES: [&str; 8] = ["data", "local", "var", "module", "path", "terraform", "each", "count"];

impl<'a> TerraformProject<'a> {
    /// The names a plain traversal is made of (`["aws_sqs_queue", "dlq", "arn"]`); `None` for
    /// anything else, an index or a splat included.
    pub fn traversal(&self, expression: Located<'a>) -> Option<Vec<&'a str>> {
        let (names, whole) = self.leading_names(expression);
        (whole && !names.is_empty()).then_some(names)
    }

    /// The names of a traversal that reads a resource, which may pick one of its instances right
    /// after its name (`aws_sqs_queue.dlq[count.index].arn`, `aws_iam_role.worker["api"].arn`),
    /// the index left out: judged as a whole, a resource made by `count` or `for_each` stands for
    /// each of its instances. `None` for anything else: a splat, an index further along.
    pub fn resource_traversal(&self, expression: Located<'a>) -> Option<Vec<&'a str>> {
        let (names, whole) = self.leading_names(expression);
        if whole {
            return (!names.is_empty()).then_some(names);
        }
        if NOT_RESOURCES.contains(names.first()?) {
            return None;
        }
        self.traversal_through_index(expression, 2)
    }

    /// The names of a traversal that picks an instance right after its first `named` names
    /// (`data.aws_iam_policy_document.send[count.index].json`), the index left out; `None` when
    /// anything but names follows the index.
    pub(super) fn traversal_through_index(&self, expression: Located<'a>, named: usize) -> Option<Vec<&'a str>> {
        let (mut names, _) = self.leading_names(expression);
        if names.len() != named {
            return None;
        }
        let mut rest = named_children(expression.node).skip(named);
        rest.next().filter(|index| kind_of(*index) == "index")?;
        for attribute in rest {
            names.push(
                self.part_name(expression, attribute)
                    .filter(|_| kind_of(attribute) == "get_attr")?,
            );
        }
        Some(names)
    }

    /// How a resource traversal picks its instance, as written (`count.index` in
    /// `aws_iam_role.worker[count.index].id`); `None` when it picks none.
    pub fn instance_index(&self, expression: Located<'a>) -> Option<&'a str> {
        self.resource_traversal(expression)?;
        self.index_written(expression)
    }

    /// The index a traversal picks an instance by, as written.
    fn index_written(&self, expression: Located<'a>) -> Option<&'a str> {
        let index = named_children(expression.node).find(|part| kind_of(part) == "index")?;
        let picked = named_children(index).next()?;
        let written = named_children(picked)
            .next()
            .filter(|_| kind_of(picked) == "new_index")?;
        Some(self.text(expression.with(written)))
    }

    /// The names of the traversal an expression starts with, up to the first index, splat or
    /// anything else; and whether that traversal is the whole expression.
    fn leading_names(&self, expression: Located<'a>) -> (Vec<&'a str>, bool) {
        let mut names = Vec::new();
        let mut parts = named_children(expression.node).peekable();
        if parts.peek().is_none_or(|root| kind_of(root) != "variable_expr") {
            return (names, false);
        }
        while let Some(part) = parts.next_if(|part| matches!(kind_of(part), "variable_expr" | "get_attr")) {
            let Some(name) = self.part_name(expression, part) else {
                return (names, false);
            };
            names.push(name);
        }
        (names, parts.next().is_none())
    }

    /// The name a part of a traversal (`variable_expr`, `get_attr`) reads.
    pub(super) fn part_name(&self, expression: Located<'a>, part: Node<'a>) -> Option<&'a str> {
        named_children(part)
            .find(|child| kind_of(child) == "identifier")
            .map(|identifier| self.text(expression.with(identifier)))
    }

    /// The resource of the root module, and the output read, that an expression read there stands
    /// for: written in place, in a string alone (`"${…}"`), or through a `local`; or read from the
    /// element of a `for_each` over the resource's instances (`each.value.arn`, see
    /// `instances_iterated`).
    pub fn root_resource_ref(&self, expression: Located<'a>) -> Option<ResourceRef> {
        let origin = self.origin(expression, &[])?;
        if origin.overridable {
            return None;
        }
        let written = interpolated(origin.written);
        let parts = self.resource_traversal(written)?;
        let (resource, attribute, instance) = match parts.as_slice() {
            ["each", "value", attribute @ ..] => {
                let body = self.enclosing_block_body(written)?;
                (self.instances_iterated(body)?, attribute, None)
            }
            [kind, name, attribute @ ..] if !NOT_RESOURCES.contains(kind) => (
                self.root_resource_id(&format!("{kind}.{name}"))?,
                attribute,
                self.instance_key(written),
            ),
            _ => return None,
        };
        let kind = &self.root_resources().nth(resource)?.kind;
        let attribute = match attribute {
            [] => None,
            [attribute] => Some(graph_attribute(kind, attribute)),
            _ => return None,
        };
        Some(ResourceRef {
            resource,
            attribute,
            instance,
        })
    }

    /// The key a resource traversal picks its instance by, when it is written out: `"a"` in
    /// `aws_sqs_queue.q["a"].arn` (as `a`), `0` in `q[0]`. `None` for a key computed at deploy
    /// (`each.key`, `count.index`, a variable), or no index.
    pub(super) fn instance_key(&self, traversal: Located<'a>) -> Option<String> {
        let index = named_children(traversal.node).find(|part| kind_of(part) == "index")?;
        let picked = named_children(index)
            .next()
            .filter(|picked| kind_of(picked) == "new_index")?;
        let key = unwrapped(traversal.with(named_children(picked).next()?));
        match kind_of(key.node) {
            "numeric_lit" => Some(self.text(key).to_owned()),
            _ => self.string_literal(key),
        }
    }

    /// The resource of the root module whose instances a block of the root module is made over,
    /// one per instance it keeps: `for_each = aws_lambda_function.fn`, or a `for` that keeps the
    /// instances as they are (`{ for name, function in aws_lambda_function.fn : name => function }`),
    /// maybe only some of them (`… if name != "admin"`). There `each.value` is an instance of that
    /// resource.
    pub fn instances_iterated(&self, body: Located<'a>) -> Option<ResourceId> {
        self.instances_made_for(body).map(|(resource, _)| resource)
    }

    /// `instances_iterated`, and which of the resource's instances the block is made for.
    pub fn instances_made_for(&self, body: Located<'a>) -> Option<(ResourceId, Kept)> {
        if self.folder_of_file[body.file] != 0 {
            return None;
        }
        let for_each = self.argument(body, "for_each")?;
        let origin = self.origin(for_each, &[]).filter(|origin| !origin.overridable)?;
        let iterated = match self.instances_kept(origin.written) {
            Some(kept) => {
                let as_they_are = kept.read.is_empty() && self.for_object(origin.written).is_some();
                as_they_are.then_some((kept.resource, kept.kept))?
            }
            None => {
                let [kind, name] = self.traversal(origin.written)?[..] else {
                    return None;
                };
                if NOT_RESOURCES.contains(&kind) {
                    return None;
                }
                (self.root_resource_id(&format!("{kind}.{name}"))?, Kept::Every)
            }
        };
        // Made by `count`, the resource is a list, which `for_each` refuses: only one made by
        // `for_each` gives a map of instances.
        self.argument(self.root_resources().nth(iterated.0)?.body, "for_each")?;
        Some(iterated)
    }

    /// Whether `expression` reads `each.value` in a block made over only some instances of a
    /// resource (a `for` whose `if` may drop keys): `root_resource_ref` reads it as the whole
    /// resource, which a grant must not be taken for.
    pub fn reads_some_instances(&self, expression: Located<'a>) -> bool {
        let Some(origin) = self.origin(expression, &[]) else {
            return false;
        };
        let written = interpolated(origin.written);
        let reads_element = self
            .resource_traversal(written)
            .is_some_and(|parts| parts.starts_with(&["each", "value"]));
        reads_element
            && self
                .enclosing_block_body(written)
                .and_then(|body| self.instances_made_for(body))
                .is_some_and(|(_, kept)| kept != Kept::Every)
    }

    /// What `each.value.NAME` stands for in a block made for the instances of a root module
    /// resource that a `for` keeps, where its keys say which (`{ for k, q in aws_sqs_queue.dlq :
    /// k => q if k != "audit" }`): each kept instance's `NAME`, by its key. `None` for anything
    /// else; in a block made for every instance, `root_resource_ref` reads the resource as a
    /// whole.
    pub fn kept_instance_refs(&self, expression: Located<'a>) -> Option<Vec<ResourceRef>> {
        let origin = self.origin(expression, &[]).filter(|origin| !origin.overridable)?;
        let written = interpolated(origin.written);
        let ["each", "value", attribute] = self.traversal(written)?[..] else {
            return None;
        };
        let body = self.enclosing_block_body(written)?;
        let (resource, Kept::Keys(keys)) = self.instances_made_for(body)? else {
            return None;
        };
        let kind = &self.root_resources().nth(resource)?.kind;
        let reference = |key: String| ResourceRef {
            resource,
            attribute: Some(graph_attribute(kind, attribute)),
            instance: Some(key),
        };
        Some(keys.into_iter().map(reference).collect())
    }

    /// Whether `value`, read in a block made per instance of the resource it reads, every one of
    /// them (see `instances_iterated`), reads each time the instance the block is made for:
    /// `each.value.NAME`, or the resource picked by `each.key`.
    pub fn reads_own_instance(&self, body: Located<'a>, value: Located<'a>) -> bool {
        let value = interpolated(value);
        let Some(reference) = self.root_resource_ref(value) else {
            return false;
        };
        let through_element = self
            .traversal(value)
            .is_some_and(|parts| parts.starts_with(&["each", "value"]));
        self.instances_made_for(body) == Some((reference.resource, Kept::Every))
            && (through_element || self.instance_index(value) == Some("each.key"))
    }

    /// The data source of type `kind` whose attribute `attribute` an expression reads
    /// (`data.aws_iam_policy_document.worker.json`), declared in the expression's module.
    pub fn data_source_read(&self, expression: Located<'a>, kind: &str, attribute: &str) -> Option<&ResourceBlock<'a>> {
        let expression = interpolated(expression);
        let (parts, picked) = match self.traversal(expression) {
            Some(parts) => (parts, None),
            None => (
                self.traversal_through_index(expression, 3)?,
                Some(self.index_written(expression)?),
            ),
        };
        let ["data", data_kind, name, read] = parts.as_slice() else {
            return None;
        };
        if *data_kind != kind || *read != attribute {
            return None;
        }
        let data = self
            .folder_of(expression)
            .data_sources
            .iter()
            .find(|data| data.kind == kind && data.name == *name)?;
        // An instance serves as the whole data source where it is the one made alongside the
        // block reading it, by the same `count` or `for_each`: instance by instance, what that
        // block reads.
        let alongside = |picked: &str| {
            let reader = self.enclosing_block_body(expression)?;
            let (kind, spelled, _) = self.repetition(reader)?;
            let (data_kind, data_spelled, _) = self.repetition(data.body)?;
            let index = match kind {
                "count" => "count.index",
                _ => "each.key",
            };
            (kind == data_kind && spelled == data_spelled && picked == index).then_some(())
        };
        match picked {
            None => Some(data),
            Some(picked) => alongside(picked).map(|_| data),
        }
    }

    /// Every block of the root module that `node` reads, directly or through what it reads, as
    /// `TYPE.NAME`, `data.TYPE.NAME`, `local.NAME`: all that Terraform must create or evaluate
    /// before it.
    pub fn reads(&self, node: Located<'a>) -> HashSet<String> {
        let mut read = HashSet::new();
        let mut pending = vec![node];
        while let Some(current) = pending.pop() {
            for key in self.mentioned_keys(current) {
                if !read.insert(key.clone()) {
                    continue;
                }
                if let Some(next) = self.root_declaration(&key) {
                    pending.push(next);
                }
            }
        }
        read
    }

    /// How many times the root module names `key` (`aws_iam_policy.shared`, `local.document`), or
    /// an attribute of it (`aws_iam_role_policy.reader.policy`).
    pub fn mentions(&self, key: &str) -> usize {
        let counts = self.mention_counts.get_or_init(|| {
            let mut counts: HashMap<String, usize> = HashMap::new();
            for root in self.root_files() {
                for Mention { key, attribute, .. } in self.mentions_under(root).iter() {
                    if let Some(attribute) = attribute {
                        *counts.entry(format!("{key}.{attribute}")).or_default() += 1;
                    }
                    *counts.entry(key.clone()).or_default() += 1;
                }
            }
            counts
        });
        counts.get(key).copied().unwrap_or_default()
    }

    /// Each file of the root module, whole.
    pub(super) fn root_files(&self) -> impl Iterator<Item = Located<'a>> + '_ {
        self.folder_files(0)
    }

    /// The files of the module folder `folder` (0: the root), each as its tree's root.
    pub(super) fn folder_files(&self, folder: usize) -> impl Iterator<Item = Located<'a>> + '_ {
        (0..self.files.len())
            .filter(move |&file| self.folder_of_file[file] == folder)
            .map(|file| Located {
                file,
                node: self.files[file].tree.root_node(),
            })
    }

    /// The block or value a key of the root module names.
    fn root_declaration(&self, key: &str) -> Option<Located<'a>> {
        let folder = &self.folders[0];
        let parts: Vec<&str> = key.split('.').collect();
        match parts.as_slice() {
            ["local", name] => folder.locals.get(*name).copied(),
            ["module", name] => folder.module_blocks.get(*name).copied(),
            ["data", kind, name] => folder
                .data_sources
                .iter()
                .find(|data| data.kind == *kind && data.name == *name)
                .map(|data| data.block),
            [kind, name] => folder
                .resources
                .iter()
                .find(|resource| resource.kind == *kind && resource.name == *name)
                .map(|resource| resource.block),
            _ => None,
        }
    }

    /// The keys of the traversals under `node`, once per mention.
    fn mentioned_keys(&self, node: Located<'a>) -> Vec<String> {
        self.mentions_under(node)
            .iter()
            .map(|mention| mention.key.clone())
            .collect()
    }

    /// The traversals under `node`, once per mention.
    pub fn mentions_under(&self, node: Located<'a>) -> Rc<[Mention<'a>]> {
        let key = (node.file, node.node.start_byte(), node.node.end_byte());
        if let Some(known) = self.mentions_by_node.borrow().get(&key) {
            return Rc::clone(known);
        }
        let found: Rc<[Mention<'a>]> = crate::syntax::named_descendants(node.node)
            .filter(|inner| kind_of(inner) == "expression")
            .filter_map(|expression| self.mention(node.with(expression)))
            .collect();
        self.mentions_by_node.borrow_mut().insert(key, Rc::clone(&found));
        found
    }

    /// `TYPE.NAME`, `data.TYPE.NAME`, `local.NAME` … for an expression starting with a
    /// traversal, and the attribute it reads next, if it reads one.
    fn mention(&self, expression: Located<'a>) -> Option<Mention<'a>> {
        let (names, _) = self.leading_names(expression);
        let length = match names.first() {
            Some(&"data") => 3,
            _ => 2,
        };
        Some(Mention {
            key: names.get(..length)?.join("."),
            attribute: names.get(length).copied(),
            at: expression,
        })
    }
}

/// The expression a string holds when it is one interpolation alone (`"${X}"`), else itself.
pub fn interpolated(expression: Located) -> Located {
    let template = unwrapped(expression);
    let Some(quoted) = named_children(template.node)
        .next()
        .filter(|node| kind_of(template.node) == "template_expr" && kind_of(node) == "quoted_template")
    else {
        return expression;
    };
    let parts: Vec<_> = named_children(quoted).collect();
    let [start, interpolation, end] = parts.as_slice() else {
        return expression;
    };
    if kind_of(start) != "quoted_template_start"
        || kind_of(interpolation) != "template_interpolation"
        || kind_of(end) != "quoted_template_end"
    {
        return expression;
    }
    named_children(*interpolation)
        .find(|node| kind_of(node) == "expression")
        .map_or(expression, |inner| expression.with(inner))
}

/// An attribute of a resource of type `kind` in the graph's spelling: `invoke_arn` is `invokeArn`
/// there, and an SNS topic's `id` is its ARN (the provider sets the topic's id to its ARN).
pub(super) fn graph_attribute(kind: &str, attribute: &str) -> String {
    match (kind, attribute) {
        (_, "invoke_arn") => INVOKE_ARN,
        (_, "arn") | ("aws_sns_topic", "id") => ARN,
        (_, "qualified_arn") => QUALIFIED_ARN,
        (_, "qualified_invoke_arn") => QUALIFIED_INVOKE_ARN,
        (_, other) => other,
    }
    .to_owned()
}
