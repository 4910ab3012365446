//! The CloudFormation front end: one template, YAML or JSON, plain CloudFormation or SAM
//! (`Transform: AWS::Serverless-2016-10-31`). Each template is a project of its own, since it
//! deploys as a stack of its own and its logical ids mean nothing outside it; a Serverless service
//! brings the files it declares functions in (`includes`), and renders what a fix changes there
//! through their own reading. The syntax tree is
//! read once into one shape for both languages (`document`); values are followed through
//! parameters, mappings and conditions (`values`); the graph is built from the resources
//! (`graph`, `apigateway`) and intents are rendered as edits in the template's own layout
//! (`render`).

mod apigateway;
mod code;
mod connectors;
mod deployments;
mod graph;
mod iam;
mod includes;
mod integrations;
mod loops;
mod overrides;
mod references;
mod render;
mod sam_roles;
mod serverless;
mod values;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use tree_sitter::Tree;

pub(crate) use iam::pseudo_parameters_as_wildcards;
pub use includes::{included_files, ProjectFile};
pub use render::TemplateFrontEnd;

use crate::cloud::{ResourceId, Site};
use crate::frontends::document::{self, Entry, Value, ValueKind};

/// A template as the pipeline parsed it.
pub struct TemplateInput<'a> {
    /// Index of the file in its project.
    pub file: usize,
    pub text: &'a str,
    pub tree: &'a Tree,
    /// Written in JSON, not YAML.
    pub json: bool,
    /// A Serverless Framework service (`serverless.yml`), not a template.
    pub serverless: bool,
    /// The folder holding the file, where the local paths it names start.
    pub folder: &'a Path,
}

/// One template: its text and its value.
pub struct Template<'a> {
    file: usize,
    text: &'a str,
    root: Value,
    json: bool,
    serverless: bool,
    folder: &'a Path,
    /// Worked out once: `resources` asks for every question about a resource.
    is_template: bool,
    /// Each resource's number by its logical id, for the references between them; in a
    /// Serverless service, also each function's by the logical id the framework compiles it to.
    resource_ids: HashMap<String, ResourceId>,
    /// Where each resource's entry stands in the resources section, by the resource's number:
    /// a resource is looked up by number for every reference followed.
    resource_entries: Vec<usize>,
    /// The values YAML aliases repeat elsewhere (see `document::aliased_anchors`).
    aliased_anchors: Vec<(String, Range<usize>)>,
    /// A JSON template indented with tabs: new lines are too.
    indented_with_tabs: bool,
    /// The functions a service's includes declare in files of the project, by where each include
    /// is written in this file.
    included: Vec<(Range<usize>, includes::IncludedFunctions)>,
    /// The entries of the resources section: a template's `Resources`, a service's resources
    /// from every fragment of its `resources` section, those it includes read from their files.
    resource_section: Vec<Entry>,
    /// The entries of a service's `resources.extensions`, from every fragment as
    /// `resource_section` reads them: settings assigned over what the framework compiles.
    resource_extensions: Vec<Entry>,
    /// The files those resources are read from. Their values' bytes are counted on from the end of
    /// this file's (`base`), so that where a value is written tells which file it is in (`site`).
    included_texts: Vec<IncludedText<'a>>,
    /// The resources `Fn::ForEach` loops make, by where their entry starts: what makes them.
    loop_made: HashMap<usize, loops::LoopMade>,
    /// The loops whose resources could not be read.
    unread_loops: Vec<loops::UnreadLoop>,
}

/// The text of a file a service includes a resource from, and where its bytes are counted from.
struct IncludedText<'a> {
    file: usize,
    base: usize,
    text: &'a str,
}

/// A resource of the template.
#[derive(Clone, Copy)]
pub struct Resource<'t> {
    pub logical_id: &'t str,
    /// `LogicalId: {Type: …, Properties: …}`, key and value.
    pub entry: &'t Entry,
    pub kind: &'t str,
    pub properties: Option<&'t Value>,
}

impl<'t> Resource<'t> {
    /// The condition the resource exists under, when it has one.
    pub fn condition(&self) -> Option<&'t str> {
        self.entry.value.get("Condition").and_then(Value::text)
    }
}

/// The resource an entry of the resources section declares, when it has a `Type`.
fn resource_of(entry: &Entry) -> Option<Resource<'_>> {
    Some(Resource {
        logical_id: &entry.key,
        entry,
        kind: entry.value.get("Type").and_then(Value::text)?,
        properties: entry.value.get("Properties"),
    })
}

/// Whether the beginning of a YAML or JSON text mentions what templates have; whether it is one is
/// decided once it is parsed (`Template::is_template`).
pub fn may_be_template(beginning: &str) -> bool {
    beginning.contains("AWSTemplateFormatVersion") || beginning.contains("AWS::")
}

/// Whether a YAML or JSON file a Serverless service includes deploys as a stack of its own: a
/// service naming its provider `aws`, or a template that says it is one (the format version, a
/// SAM transform). A file holding `Resources` alone is a fragment the service merges into its
/// stack (`resources: - ${file(./queues.yml)}`), judged and fixed as part of it.
pub fn deploys_on_its_own(path: &Path, text: &str) -> bool {
    let Some(dialect) = crate::syntax::Dialect::of_path(path) else {
        return false;
    };
    crate::syntax::parse(text, dialect).is_ok_and(|tree| {
        let input = TemplateInput {
            file: 0,
            text,
            tree: &tree,
            json: dialect == crate::syntax::Dialect::Json,
            serverless: is_serverless_service(path),
            folder: path.parent().unwrap_or(Path::new("")),
        };
        let template = Template::build(input, &[]);
        template.is_template() && (template.serverless || template.says_so())
    })
}

/// Whether a file is a Serverless Framework service, by its name.
pub fn is_serverless_service(path: &std::path::Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == "serverless.yml" || name == "serverless.yaml")
}

impl<'a> Template<'a> {
    /// The template of `input`. `project_files` are the project's files, where the includes of a
    /// Serverless service may declare functions.
    pub fn build(input: TemplateInput<'a>, project_files: &[ProjectFile<'a>]) -> Self {
        let root = document::read(input.tree.root_node(), input.text).unwrap_or(Value {
            range: 0..0,
            kind: ValueKind::Other,
        });
        let mut template = Self {
            file: input.file,
            text: input.text,
            root,
            json: input.json,
            serverless: input.serverless,
            folder: input.folder,
            is_template: false,
            resource_ids: HashMap::new(),
            resource_entries: Vec::new(),
            aliased_anchors: document::aliased_anchors(input.tree.root_node(), input.text),
            indented_with_tabs: input.json && input.text.lines().any(|line| line.starts_with('\t')),
            included: Vec::new(),
            resource_section: Vec::new(),
            resource_extensions: Vec::new(),
            included_texts: Vec::new(),
            loop_made: HashMap::new(),
            unread_loops: Vec::new(),
        };
        template.is_template = template.says_it_is_a_template();
        if template.serverless && template.is_template {
            template.included = includes::function_includes(&template.root)
                .iter()
                .filter_map(|include| {
                    let functions = includes::read_include(input.folder, include, project_files)?;
                    Some((include.value.range.clone(), functions))
                })
                .collect();
        }
        template.resource_section = match template.serverless {
            true if template.is_template => template.service_resource_entries(project_files),
            true => Vec::new(),
            false => template.template_resource_entries(),
        };
        // A logical id written twice names its first resource, as `resources` finds it first.
        let mut ids = HashMap::new();
        let mut entries = Vec::new();
        for (index, entry) in template.resource_section_entries().iter().enumerate() {
            if let Some(resource) = resource_of(entry) {
                ids.entry(resource.logical_id.to_owned()).or_insert(entries.len());
                entries.push(index);
            }
        }
        template.resource_ids = ids;
        template.resource_entries = entries;
        // The raw CloudFormation of a Serverless service names the functions the framework
        // compiles by the logical ids it gives them; a resource of one of those names only writes
        // over the compiled function (see `overrides`).
        for (logical_id, id) in template.compiled_function_ids() {
            template.resource_ids.insert(logical_id, id);
        }
        template
    }

    /// The resources of a service: those of each CloudFormation fragment of its `resources`
    /// section (see `resource_fragments`), in order. What an include names (a fragment, its
    /// `Resources`, or one resource) is read from its file when that is one of the project's: the
    /// resource is then judged, and fixed, where it is written.
    fn service_resource_entries(&mut self, project_files: &[ProjectFile<'a>]) -> Vec<Entry> {
        let fragments: Vec<Value> = includes::resource_fragments(&self.root).into_iter().cloned().collect();
        let mut entries = Vec::new();
        for fragment in fragments {
            let Some(fragment) = self.included_or_written(fragment, project_files) else {
                continue;
            };
            if let Some(extensions) = fragment.get("extensions").and_then(Value::as_map) {
                self.resource_extensions.extend(extensions.entries.iter().cloned());
            }
            let Some(resources) = fragment.get("Resources").cloned() else {
                continue;
            };
            let Some(resources) = self.included_or_written(resources, project_files) else {
                continue;
            };
            for entry in resources.as_map().into_iter().flat_map(|map| &map.entries) {
                // A resource included whole is its file's value, or what the include's key holds.
                let included = includes::file_include(&entry.value)
                    .and_then(|include| self.read_included(&include, project_files));
                entries.push(match included {
                    Some(value) => Entry {
                        key: entry.key.clone(),
                        key_range: value.range.clone(),
                        range: value.range.clone(),
                        value,
                    },
                    None => entry.clone(),
                });
            }
        }
        entries
    }

    /// The entries of a template's `Resources`, each `Fn::ForEach` loop replaced by the resources
    /// it makes when its collection can be known (see `loops`).
    fn template_resource_entries(&mut self) -> Vec<Entry> {
        let Some(resources) = self.root.get("Resources").and_then(Value::as_map) else {
            return Vec::new();
        };
        let (entries, unread) = loops::expand(&resources.entries, self.root.get("Parameters"));
        self.unread_loops = unread;
        let mut entries: Vec<Entry> = entries
            .into_iter()
            .map(|(entry, made)| {
                if let Some(made) = made {
                    self.loop_made.insert(entry.range.start, made);
                }
                entry
            })
            .collect();
        // After the resources written, so that their numbers stay those of the section.
        if self.is_sam() {
            let embedded = connectors::embedded(&entries);
            entries.extend(embedded);
        }
        entries
    }

    /// What made a resource, when a `Fn::ForEach` loop did.
    pub(super) fn made_by_loop(&self, resource: &Resource) -> Option<&loops::LoopMade> {
        self.loop_made.get(&resource.entry.range.start)
    }

    /// Each `Fn::ForEach` loop of the template whose resources were not read: where its key is
    /// written, its name, and why. A notice names each, so that no verdict passes for one on them.
    pub fn unread_loops(&self) -> Vec<(Range<usize>, &str, &str)> {
        if !self.is_template() {
            return Vec::new();
        }
        self.unread_loops
            .iter()
            .map(|unread| (unread.at.clone(), unread.name.as_str(), unread.why.as_str()))
            .collect()
    }

    /// `value` as written, or, when it is an include, what the include names; `None` for an
    /// include whose file is not one of the project's.
    fn included_or_written(&mut self, value: Value, project_files: &[ProjectFile<'a>]) -> Option<Value> {
        match includes::file_include(&value) {
            Some(include) => self.read_included(&include, project_files),
            None => Some(value),
        }
    }

    /// What an include names, read from its file. Its bytes are counted on from the end of this
    /// file's and of those read before (see `included_texts`), so that where a value is written
    /// tells which file it is in.
    fn read_included(&mut self, include: &includes::FileInclude, project_files: &[ProjectFile<'a>]) -> Option<Value> {
        let included = includes::read_included_value(self.folder, include, project_files)?;
        let base = self
            .included_texts
            .last()
            .map_or(self.text.len() + 1, |last| last.base + last.text.len() + 1);
        self.included_texts.push(IncludedText {
            file: included.file,
            base,
            text: included.text,
        });
        Some(included.value.shifted(base))
    }

    pub fn is_template(&self) -> bool {
        self.is_template
    }

    /// The anchor of a value aliases repeat, when the value at `range` is that value or lies in
    /// it: a change there is a change in every place an alias stands.
    fn repeated_by_aliases(&self, range: &Range<usize>) -> Option<&str> {
        self.aliased_anchors
            .iter()
            .find(|(_, anchored)| anchored.start <= range.start && range.end <= anchored.end)
            .map(|(name, _)| name.as_str())
    }

    /// Whether any part of the value at `range` is one aliases repeat: the value is, lies in, or
    /// holds such a value.
    fn shares_with_aliases(&self, range: &Range<usize>) -> bool {
        self.aliased_anchors
            .iter()
            .any(|(_, anchored)| anchored.start < range.end && range.start < anchored.end)
    }

    /// `Ok` when the value at `range` stands in one place only; else why it cannot be changed.
    fn written_once(&self, range: &Range<usize>) -> Result<(), String> {
        match self.repeated_by_aliases(range) {
            Some(name) => Err(format!(
                "the value is the YAML anchor `&{name}`, which aliases repeat elsewhere; changing it would change them too"
            )),
            None => Ok(()),
        }
    }

    /// A template has resources of AWS types, or says it is one (the format version, a SAM
    /// transform); a Serverless service names its provider `aws`. Anything else (a package.json,
    /// an OpenAPI file that mentions `AWS::`) is never read further, and never changed.
    fn says_it_is_a_template(&self) -> bool {
        if self.serverless {
            return self
                .root
                .get("provider")
                .and_then(|provider| provider.get("name"))
                .and_then(Value::text)
                == Some("aws");
        }
        let says_so = self.says_so();
        let has_aws_resources = self
            .root
            .get("Resources")
            .and_then(Value::as_map)
            .is_some_and(|resources| {
                resources.entries.iter().any(|entry| {
                    entry
                        .value
                        .get("Type")
                        .and_then(Value::text)
                        .is_some_and(|kind| kind.starts_with("AWS::"))
                })
            });
        says_so || has_aws_resources
    }

    /// Whether the file says it is a template: the format version, or the SAM transform.
    fn says_so(&self) -> bool {
        self.root.get("AWSTemplateFormatVersion").is_some() || self.is_sam()
    }

    /// Whether a service of `project` reads resources from this file: it is then judged as part
    /// of that service, never alone as well.
    pub fn is_read_by_a_service(&self, project: &[Template]) -> bool {
        project
            .iter()
            .any(|other| other.included_texts.iter().any(|included| included.file == self.file))
    }

    /// Whether the template uses the SAM transform.
    pub fn is_sam(&self) -> bool {
        self.root.get("Transform").is_some_and(transform_names_sam)
    }

    pub fn resources(&self) -> impl Iterator<Item = Resource<'_>> {
        self.resource_section_entries().iter().filter_map(resource_of)
    }

    /// The resource numbered `id` (its place among `resources`).
    pub fn resource(&self, id: ResourceId) -> Option<Resource<'_>> {
        resource_of(self.resource_section_entries().get(*self.resource_entries.get(id)?)?)
    }

    /// The entries of the resources section, resources or not; none when this is no template.
    fn resource_section_entries(&self) -> &[Entry] {
        match self.is_template() {
            true => &self.resource_section,
            false => &[],
        }
    }

    /// The settings SAM gives every function of the template (`Globals: Function:`).
    fn function_globals(&self) -> Option<&Value> {
        self.is_sam()
            .then(|| self.root.get("Globals")?.get("Function"))
            .flatten()
    }

    /// Where the value at `range` is written: in this file, or in the one a resource was read from.
    fn site(&self, range: Range<usize>) -> Site {
        match self.included_text(&range) {
            Some(included) => Site {
                file: included.file,
                range: range.start - included.base..range.end - included.base,
            },
            None => Site { file: self.file, range },
        }
    }

    /// The file a resource was read from, when the value at `range` is written there.
    fn included_text(&self, range: &Range<usize>) -> Option<&IncludedText<'a>> {
        self.included_texts
            .iter()
            .find(|included| included.base <= range.start && range.end <= included.base + included.text.len())
    }

    /// The text of the value at `range`, in whichever file it is written.
    fn written(&self, range: &Range<usize>) -> &str {
        let (text, range) = match self.included_text(range) {
            Some(included) => (included.text, range.start - included.base..range.end - included.base),
            None => (self.text, range.clone()),
        };
        text.get(range).unwrap_or_default()
    }

    /// Where a value read in file number `file` is written: there, unless following a variable
    /// (`${self:…}`, see `followed`) led from `read` to another value of this file.
    fn site_of(&self, file: usize, read: &Value, followed: &Value) -> Site {
        match std::ptr::eq(read, followed) && file != self.file {
            true => Site {
                file,
                range: followed.range.clone(),
            },
            false => self.site(followed.range.clone()),
        }
    }

    /// The rule ids each resource's `Metadata: infrafix: ignore: [...]` names, with the bytes of
    /// the resource: how a JSON template, which has no comments, suppresses a finding.
    pub fn metadata_suppressions(&self) -> Vec<(Range<usize>, Vec<String>)> {
        self.resources()
            .filter_map(|resource| {
                let ignored = resource.entry.value.get("Metadata")?.get("infrafix")?.get("ignore")?;
                let ids = match ignored.as_list() {
                    Some(list) => list.items.iter().filter_map(Value::text).map(str::to_owned).collect(),
                    None => vec![ignored.text()?.to_owned()],
                };
                Some((resource.entry.range.clone(), ids))
            })
            .collect()
    }
}

fn transform_names_sam(transform: &Value) -> bool {
    let names_sam = |value: &Value| value.text().is_some_and(|name| name.starts_with("AWS::Serverless"));
    match transform.as_list() {
        Some(list) => list.items.iter().any(names_sam),
        None => names_sam(transform),
    }
}
