//! A runtime written in the program's own spelling: a string stays a string, an
//! `aws.lambda.Runtime` member stays a member, a legacy constant becomes the member it stands for,
//! a CDK `lambda.Runtime` constant or construction becomes the successor's constant (or, in a v1
//! app without one, a construction); and the import lists those constants came from, kept in
//! step.

use crate::syntax::kind_of;
use crate::syntax::Fields;
use std::collections::BTreeMap;

use super::super::graph::{runtime_id_of_member, Spelling};
use super::super::{named_children, package_module, ImportKind, Located, PackageMember, Program};
use crate::aws::runtimes::{Runtime, RuntimeTable};
use crate::cloud::Intent;
use crate::fix::Edit;

impl<'tree> Program<'tree> {
    /// The edit that names `successor` where `origin` names a deprecated runtime.
    pub(super) fn runtime_spelled(&self, origin: Located<'tree>, successor: &str) -> Result<Edit, String> {
        let successor = successor_runtime(successor)?;
        let as_string = || self.replace_node(origin, &self.style(origin.file).string(&successor.id));
        let property = origin.node.field("property").map(|node| origin.with(node));
        let spelling = self.spelling_at(origin)?;
        let construction = self.runtime_constructed_from(origin);
        // A Pulumi runtime, however spelt, may be held to a type naming its string
        // (`"go1.x" | "nodejs22.x"`, `typeof aws.lambda.Runtime.Go1dx`).
        if spelling != Spelling::CdkConstant && construction.is_none() {
            if let Some(id) = self
                .sole_string_origin(origin)
                .and_then(|written| written.known_value())
            {
                self.refuse_where_a_type_holds(&id, &successor.id)?;
            }
        }
        Ok(match (spelling, self.runtime_member(successor)) {
            (Spelling::CdkConstant, _) => self.cdk_constant_spelled(origin, successor)?,
            (Spelling::Literal, _) => match construction {
                Some(construction) => self.cdk_construction_spelled(construction, origin, successor)?,
                None => super::string_content(&origin.into(), &successor.id)?,
            },
            (Spelling::EnumMember, Some(member)) => match property {
                Some(property) => self.replace_node(property, member),
                None => as_string(),
            },
            (Spelling::QualifiedConstant, Some(member)) => match property {
                Some(property) => self.replace_node(property, &format!("Runtime.{member}")),
                None => as_string(),
            },
            // An ES import list can gain `Runtime`; a `require` destructuring cannot, so the id is
            // written as a string there.
            (Spelling::ImportedConstant, Some(member))
                if self
                    .import_of(origin)
                    .is_some_and(|binding| binding.named_list().is_some()) =>
            {
                let enum_name = self.runtime_enum_name(origin);
                self.replace_node(origin, &format!("{}.{member}", enum_name.local))
            }
            (Spelling::ImportedConstant, Some(_)) | (_, None) => as_string(),
        })
    }

    /// The `aws.lambda.Runtime` member naming `runtime` in the @pulumi/aws the project declares:
    /// one its major, or the release it installs, lacks would not compile there, and the id is
    /// written as a string instead.
    fn runtime_member<'runtime>(&self, runtime: &'runtime Runtime) -> Option<&'runtime str> {
        runtime.enum_member_in(self.manifest.pulumi_aws_major(), self.manifest.pulumi_aws_version())
    }

    /// Refuses to change the string `written` to `value` where the program also writes `written`
    /// as a type, which values are held to: the new string would not compile.
    pub(super) fn refuse_where_a_type_holds(&self, written: &str, value: &str) -> Result<(), String> {
        match self.written_as_a_literal_type(written) {
            Some(typed) => Err(format!(
                "`{written}` is also written as a type (`{}`), which `{value}` would not satisfy; change the type and the value together, by hand",
                self.text(typed).split_whitespace().collect::<Vec<_>>().join(" ")
            )),
            None => Ok(()),
        }
    }

    /// Where the program writes the string `id` as a literal type (`type GoRuntime = "go1.x" |
    /// "provided.al2"`, `handler: "main" | "server"`): a value held to that type does not compile
    /// with another string.
    fn written_as_a_literal_type(&self, id: &str) -> Option<Located<'tree>> {
        if id.is_empty() {
            return None;
        }
        if let Some(known) = self.memo.literal_types.borrow().get(id) {
            return *known;
        }
        // Searched for in every file for every string a fix renames: one finder per quote.
        let finders = ["\"", "'"].map(|quote| memchr::memmem::Finder::new(&format!("{quote}{id}{quote}")).into_owned());
        let found = (0..self.file_count()).find_map(|file| {
            let text = self.file(file).text;
            finders.iter().find_map(|finder| {
                finder.find_iter(text.as_bytes()).find_map(|start| {
                    let string = self
                        .root(file)
                        .descendant_for_byte_range(start, start + finder.needle().len())
                        .filter(|node| kind_of(*node) == "string")?;
                    let mut typed = Located {
                        file,
                        node: self.parent(Located { file, node: string })?,
                    };
                    if kind_of(typed.node) != "literal_type" {
                        return self.held_as_const(typed);
                    }
                    // Quoted whole in the message: the union it is a member of.
                    while let Some(union) = self.parent(typed).filter(|parent| kind_of(*parent) == "union_type") {
                        typed = typed.with(union);
                    }
                    Some(typed)
                })
            })
        });
        let found = found.or_else(|| self.type_of_runtime_member(id));
        self.memo.literal_types.borrow_mut().insert(id.to_owned(), found);
        found
    }

    /// Where the program writes the type of a package member that stands for runtime `id`
    /// (`typeof aws.lambda.Runtime.Go1dx`): that type is the literal type of `id`. The union it
    /// is a member of, when it is one.
    fn type_of_runtime_member(&self, id: &str) -> Option<Located<'tree>> {
        self.memo
            .runtime_type_queries
            .get_or_init(|| {
                (0..self.file_count())
                    .flat_map(|file| self.runtime_type_queries(file))
                    .collect()
            })
            .iter()
            .find(|(written, _)| written == id)
            .map(|(_, typed)| *typed)
    }

    /// The runtime types a file writes as `typeof` a package member, by runtime id.
    fn runtime_type_queries(&self, file: usize) -> Vec<(String, Located<'tree>)> {
        let text = self.file(file).text;
        text.match_indices("typeof ")
            .filter_map(|(start, keyword)| {
                let query = self
                    .root(file)
                    .descendant_for_byte_range(start, start + keyword.len())
                    .and_then(|node| {
                        if kind_of(node) == "type_query" {
                            Some(node)
                        } else {
                            node.parent()
                        }
                    })
                    .filter(|node| kind_of(*node) == "type_query")?;
                let mut typed = Located { file, node: query };
                let member = named_children(query).next()?;
                let id = runtime_id_of_member(&self.package_member_in_type(typed.with(member))?)?;
                while let Some(union) = self.parent(typed).filter(|parent| kind_of(*parent) == "union_type") {
                    typed = typed.with(union);
                }
                Some((id, typed))
            })
            .collect()
    }

    /// The package export a dotted name in a type query names (`aws.lambda.Runtime.Go1dx` of
    /// `typeof aws.lambda.Runtime.Go1dx`). The grammar's member expressions in a type do not
    /// carry the fields of those in values, so the name is read from its text.
    fn package_member_in_type(&self, name: Located<'tree>) -> Option<PackageMember> {
        let text: String = self.text(name).chars().filter(|c| !c.is_whitespace()).collect();
        let mut parts = text.split('.');
        let local = parts.next()?;
        let binding = self
            .file(name.file)
            .imports
            .iter()
            .find(|binding| binding.local == local)?;
        let (package, mut path) = package_module(&binding.module)?;
        if let ImportKind::Named { imported } = &binding.kind {
            path.push(imported.clone());
        }
        path.extend(parts.map(str::to_owned));
        Some(PackageMember { package, path })
    }

    /// The `[…] as const` (or `{…} as const`) a value written at `at` lies in, when a type reads
    /// the const holding it (`type GoRuntime = (typeof GO_RUNTIMES)[number]`): its strings are
    /// types then, which other values are held to.
    fn held_as_const(&self, at: Located<'tree>) -> Option<Located<'tree>> {
        let mut current = at;
        loop {
            match kind_of(current.node) {
                "as_expression" => {
                    let asserted = current.node.child(current.node.child_count().checked_sub(1)?)?;
                    if self.text(current.with(asserted)) != "const" {
                        return None;
                    }
                    let holder = self
                        .parent(current)
                        .filter(|declarator| kind_of(*declarator) == "variable_declarator")?
                        .field("name")?;
                    let read_as_a_type = format!("typeof {}", self.text(current.with(holder)));
                    let typed = (0..self.file_count()).any(|file| self.file(file).text.contains(&read_as_a_type));
                    return typed.then_some(current);
                }
                "array" | "object" | "pair" | "parenthesized_expression" => {
                    current = current.with(self.parent(current)?)
                }
                _ => return None,
            }
        }
    }

    /// A CDK `lambda.Runtime.X`: the CDK types `runtime` as its Runtime class, so the successor is
    /// a constant or a `new Runtime(…)`, never a string.
    fn cdk_constant_spelled(&self, origin: Located<'tree>, successor: &Runtime) -> Result<Edit, String> {
        // `lambda.Runtime.X.name`, an L1 resource's string: the successor's id, which every
        // version of the CDK takes (its constant may be newer than the app's aws-cdk-lib).
        if origin
            .node
            .field("property")
            .is_some_and(|property| self.text(origin.with(property)) == "name")
        {
            return Ok(self.replace_node(origin, &self.style(origin.file).string(&successor.id)));
        }
        let class = origin
            .node
            .field("object")
            .map(|object| self.text(origin.with(object)))
            .ok_or_else(|| format!("`{}` is not a member of `Runtime`", self.text(origin)))?;
        Ok(self.replace_node(origin, &self.cdk_runtime(origin, class, successor)?))
    }

    /// `new lambda.Runtime("python3.7", lambda.RuntimeFamily.PYTHON)` becomes the constant the
    /// CDK has for the successor, which carries the right family too; without one, only the id
    /// (`literal`) changes.
    fn cdk_construction_spelled(
        &self,
        construction: Located<'tree>,
        literal: Located<'tree>,
        successor: &Runtime,
    ) -> Result<Edit, String> {
        let class = construction
            .node
            .field("constructor")
            .map(|class| self.text(construction.with(class)))
            .ok_or_else(|| format!("`{}` names no class", self.text(construction)))?;
        match self.cdk_constant_for(construction, successor) {
            Some(constant) => Ok(self.replace_node(construction, &format!("{class}.{constant}"))),
            None => super::string_content(&literal.into(), &successor.id),
        }
    }

    /// The rewrites of the import lists legacy constants came from: a constant goes when no use
    /// of it is left, and `Runtime` comes in when a new spelling needs it.
    pub(super) fn runtime_import_edits(&self, intents: &[Intent]) -> Result<Vec<Edit>, String> {
        let mut by_import: BTreeMap<(usize, usize), ImportedUses> = BTreeMap::new();
        let mut family_lists: BTreeMap<(usize, usize), Located<'tree>> = BTreeMap::new();
        for intent in intents {
            let (sites, successor) = match intent {
                Intent::ReplaceRuntime { sites, successor } => {
                    (sites.iter().collect(), Some(successor_runtime(successor)?))
                }
                Intent::RemoveListEntry { written, .. } => (vec![written], None),
                _ => continue,
            };
            for site in sites {
                let origin = self.located(site)?;
                let spelling = self.spelling_at(origin)?;
                // `Runtime.X` with `Runtime` imported by name, whose successor this CDK has no
                // constant for: `RuntimeFamily` joins that import for the `new Runtime(…)`.
                if let (Spelling::CdkConstant, Some(successor)) = (spelling, successor) {
                    if self.cdk_constant_for(origin, successor).is_none() {
                        if let Some(list) = self.runtime_family_import_list(origin) {
                            family_lists.insert((list.file, list.node.start_byte()), list);
                        }
                    }
                    continue;
                }
                if spelling != Spelling::ImportedConstant {
                    continue;
                }
                let Some(binding) = self.import_of(origin) else {
                    continue;
                };
                let entry = by_import
                    .entry((origin.file, binding.specifier.start_byte()))
                    .or_default();
                entry.origins.push(origin);
                entry.needs_enum |= successor.is_some_and(|runtime| self.runtime_member(runtime).is_some());
            }
        }
        Ok(by_import
            .into_values()
            .filter_map(|mut uses| {
                uses.origins.sort_by_key(|origin| origin.node.start_byte());
                uses.origins.dedup();
                self.import_list_edit(&uses.origins, uses.needs_enum)
            })
            .chain(
                family_lists
                    .into_values()
                    .map(|list| self.rewrite_import_list(list, None, Some("RuntimeFamily"))),
            )
            .collect())
    }

    fn import_list_edit(&self, origins: &[Located<'tree>], needs_enum: bool) -> Option<Edit> {
        let first = *origins.first()?;
        let binding = self.import_of(first)?;
        let list = binding.named_list()?;
        let all_uses_replaced = self.mentions(first.file, &binding.local) == origins.len() + 1;
        let enum_name = self.runtime_enum_name(first);
        let add = (needs_enum && enum_name.must_import).then(|| {
            if enum_name.local == "Runtime" {
                "Runtime".to_owned()
            } else {
                format!("Runtime as {}", enum_name.local)
            }
        });
        let remove = all_uses_replaced.then_some(Located {
            file: first.file,
            node: binding.specifier,
        });
        if add.is_none() && remove.is_none() {
            return None;
        }
        Some(self.rewrite_import_list(
            Located {
                file: first.file,
                node: list,
            },
            remove,
            add.as_deref(),
        ))
    }

    fn spelling_at(&self, origin: Located<'tree>) -> Result<Spelling, String> {
        self.string_origins(origin)
            .into_iter()
            .find(|candidate| candidate.at() == origin)
            .and_then(|candidate| self.classify_runtime(candidate))
            .map(|(_, spelling, _)| spelling)
            .ok_or_else(|| format!("`{}` no longer reads as a runtime", self.text(origin)))
    }

    /// The local name of `aws.lambda.Runtime` where a legacy constant was imported by name, and
    /// whether the import list must gain it.
    fn runtime_enum_name(&self, constant: Located<'tree>) -> RuntimeEnumName {
        let file = self.file(constant.file);
        let module = self
            .import_of(constant)
            .map(|binding| binding.module.clone())
            .unwrap_or_default();
        let existing = file.imports.iter().find(|binding| {
            binding.module == module
                && binding.kind
                    == ImportKind::Named {
                        imported: "Runtime".to_owned(),
                    }
        });
        if let Some(existing) = existing {
            return RuntimeEnumName {
                local: existing.local.clone(),
                must_import: false,
            };
        }
        let taken = |name: &str| self.mentions(constant.file, name) > 0;
        let local = ["Runtime", "LambdaRuntime"]
            .into_iter()
            .map(str::to_owned)
            .chain((2..).map(|n| format!("LambdaRuntime{n}")))
            .find(|name| !taken(name))
            .unwrap_or_else(|| "LambdaRuntime".to_owned());
        RuntimeEnumName {
            local,
            must_import: true,
        }
    }
}

/// The uses of one imported constant that a plan replaces or removes, and whether a replacement
/// is written through `Runtime`.
#[derive(Default)]
struct ImportedUses<'tree> {
    origins: Vec<Located<'tree>>,
    needs_enum: bool,
}

/// The local name of `aws.lambda.Runtime` in a file, and whether its import must be added.
struct RuntimeEnumName {
    local: String,
    must_import: bool,
}

fn successor_runtime(id: &str) -> Result<&'static Runtime, String> {
    RuntimeTable::bundled()
        .by_id(id)
        .ok_or_else(|| format!("`{id}` is not a runtime infrafix knows"))
}
