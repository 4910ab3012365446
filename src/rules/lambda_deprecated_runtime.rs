//! `lambda-deprecated-runtime`: a Lambda function or layer on a runtime AWS has deprecated.

mod readiness;

use std::collections::{BTreeMap, HashMap};

use tree_sitter::Node;

use crate::aws::runtimes::{Runtime, RuntimeTable};
use crate::calendar::CalendarDate;
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Edit, Fix};
use crate::frontends::pulumi::{ImportKind, Located, Program, PropertyValue, ResourceDecl, StringOrigin};
use crate::rules::{RuleContext, RuleId};
use crate::style::template::Code;
use readiness::{build_hint, readiness, Readiness};

pub const DOCUMENTATION: &str = r#"A Lambda function or layer on a runtime AWS has deprecated.

## What it does
Finds Lambda functions (`aws.lambda.Function`, `aws.lambda.CallbackFunction`) and layers
(`aws.lambda.LayerVersion` `compatibleRuntimes`) whose runtime AWS has deprecated on the `as_of`
date (today unless infrafix.toml sets it), judged against infrafix's dated runtime table. The
runtime may be written as a string, a template literal, an `aws.lambda.Runtime` member under any
import alias, a legacy constant such as `aws.lambda.Go1dxRuntime`, a `const` (also imported from
another module of the project), the default of an expression such as `args.runtime ?? "go1.x"`, or
the elements a loop or a `.map`/`.forEach` callback walks through (`for (const s of services)` with
`runtime: s.runtime`, over an array literal, a const array, or `Object.entries` of a const object):
each deprecated runtime is then reported once, in the element where it is written. A collection
that is a parameter, configuration, or changed in place (`services.push(…)`) is not followed.

## Why is this bad?
Once AWS blocks a deprecated runtime, the deployment fails:

    InvalidParameterValueException: The runtime parameter of go1.x is no longer supported for
    creating or updating AWS Lambda functions.

Before that, a deprecated runtime gets no security patches.

## Example
```ts
const fn = new aws.lambda.Function("worker", {
    runtime: aws.lambda.Runtime.Go1dx,
    handler: "main",
    role: role.arn,
    code: new pulumi.asset.FileArchive("./bin"),
});
```

## Use instead
```ts
const fn = new aws.lambda.Function("worker", {
    runtime: aws.lambda.Runtime.CustomAL2023,
    handler: "bootstrap",
    role: role.arn,
    code: new pulumi.asset.FileArchive("./bin"),
});
```
The Go binary must be named `bootstrap` at the root of the package:
`GOOS=linux GOARCH=amd64 go build -tags lambda.norpc -o bootstrap` (GOARCH matching the function's
`architectures`).

## Fix safety
`provided` and `provided.al2` move to `provided.al2023`: safe, since the package already holds its
`bootstrap` (the message says what to rebuild). `go1.x` moves to `provided.al2023` with handler
`"bootstrap"`, and that is only as safe as the package: a go1.x function ran the binary its handler
named (`main`), `provided.al2023` runs the executable `bootstrap` at the package's root, and a
package without one fails every invocation. infrafix judges the package from the function's `code`
and the files of the project (the folder holding `Pulumi.yaml`; a FileArchive path is relative to
it, or to the folder its `main:` names; nothing outside it is read, and no link out of it followed):

- Ready, safe: a build script of the project writes `bootstrap` into the package (`go build -o
  bin/bootstrap`, `cd build && zip ../dist/api.zip bootstrap`, `build-lambda-zip`; in Makefiles,
  `*.sh`, package.json `scripts`, justfiles, `.github/workflows/*.yml` and magefiles, each command
  in the folder it runs in), or the FileArchive folder or `.zip` holds an executable `bootstrap`,
  or an AssetArchive has a `bootstrap` entry.
- Not ready, unsafe: a build script writes the handler's binary into the package instead (`go
  build -o bin/main`), the folder holds `main` and no `bootstrap`, the `bootstrap` there is not
  executable, the `.zip` holds no executable `bootstrap`, an AssetArchive names `main` and not
  `bootstrap`, or the archive exists but cannot be read (a tar, a zip64). The message names the
  script line or the file and says what must change (`Makefile:4 builds bin/main (…): build
  bin/bootstrap instead (GOOS=linux … -o bin/bootstrap …)`). What a script builds decides over what
  the folder holds now, which may be an old build's.
- Unknown, safe: nothing shows either way. The package is not there yet and no script infrafix can
  read builds it (another repository's pipeline builds it, or a script writes through variables
  such as `$(OUT)/main`), or its path is computed, or outside the project. The message says what
  the build must produce. This is the one case where the fix may still break a working function,
  if it is deployed before the build changes; it stays safe because infrafix has no sign of that,
  and because a program that cannot leave go1.x without `--unsafe-fixes` would be left on a
  runtime AWS no longer lets anyone create functions with.

A runtime shared by several functions (a `const`) moves for all of them in one fix, unsafe when
any of them is not ready; each finding says which. Every other runtime moves to the newest runtime
of its language that is not deprecated at `as_of` (for example `nodejs16.x` to `nodejs24.x`):
unsafe, because a new language version can break the code. An enum member stays an enum member
where @pulumi/aws has one for the new runtime, a string stays a string. A `const` shared by several
functions is changed once, and not at all when one of those functions suppresses the rule. For a
function made per element of a collection, only the Go element's own `handler` becomes
`"bootstrap"`: a handler written in the loop serves every element, so it is left for a person to
change, as is a handler that also serves the other runtimes a function may have (`runtime: legacy ?
"go1.x" : "provided.al2023"`).

A layer's `compatibleRuntimes` never names a runtime twice after the fix, comparing runtime ids
(`"provided.al2023"` and `aws.lambda.Runtime.CustomAL2023` are one): an entry whose successor is
listed already, or is what an earlier entry becomes, is removed instead of replaced (with its
comma; the comments around it stay), so `["go1.x", "provided.al2"]` becomes `["provided.al2023"]`.
Beside an entry whose value infrafix cannot read (a spread, a default, a configured value) nothing
new is written into the list: the deprecated entry is reported but not fixed.
"#;

/// Where a runtime value is used: by which resource, and where the finding points.
struct RuntimeUse<'a, 'tree> {
    resource: &'a ResourceDecl<'tree>,
    /// The `runtime` property (for functions), next to which a missing handler is added.
    property: Option<PropertyValue<'tree>>,
    /// Where the finding points: the `runtime` value, the layer's list element, or, for a function
    /// made per element of a collection, the runtime written in the element.
    pointer: Located<'tree>,
    /// For a function made per element of a collection: the object literal of the element whose
    /// runtime this is (`None` when the element is not one, such as a bare runtime string).
    element: Option<Option<Located<'tree>>>,
    origin: Located<'tree>,
    spelling: Spelling,
    runtime: &'static Runtime,
}

/// How the deprecated runtime is written at its origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Literal,
    EnumMember,
    /// `aws.lambda.Go1dxRuntime`
    QualifiedConstant,
    /// `Go1dxRuntime`, imported by name.
    ImportedConstant,
}

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let table = RuntimeTable::bundled();
    let as_of = context.settings.as_of;
    let mut groups: BTreeMap<GroupKey, Vec<RuntimeUse>> = BTreeMap::new();
    for runtime_use in runtime_uses(context, table) {
        if !runtime_use.runtime.is_deprecated_on(as_of) {
            continue;
        }
        // A suppression comment over the const that holds the runtime covers every use of it.
        if context.is_suppressed(
            RuleId::LambdaDeprecatedRuntime,
            runtime_use.origin.file,
            runtime_use.origin.node.start_byte(),
        ) {
            continue;
        }
        groups
            .entry(group_key(context, &runtime_use))
            .or_default()
            .push(runtime_use);
    }
    let plan = plan_layer_lists(context, table, &groups);
    for (key, uses) in &groups {
        report_group(context, table, key, uses, &plan, findings);
    }
}

/// Where the uses that change together are written: the file and start of their origin.
type GroupKey = (usize, usize);

/// Uses that must change together: those of one literal, one const, or one imported constant.
fn group_key(context: &RuleContext, runtime_use: &RuntimeUse) -> GroupKey {
    if runtime_use.spelling == Spelling::ImportedConstant {
        if let Some(binding) = context.program.import_of(runtime_use.origin) {
            return (runtime_use.origin.file, binding.specifier.start_byte());
        }
    }
    (runtime_use.origin.file, runtime_use.origin.node.start_byte())
}

fn runtime_uses<'tree>(context: &RuleContext<'tree>, table: &'static RuntimeTable) -> Vec<RuntimeUse<'tree, 'tree>> {
    let program = context.program;
    let mut uses = Vec::new();
    for resource in program.resources() {
        let Some(args) = resource.args() else {
            continue;
        };
        let is_function = resource.is_lambda_function();
        if is_function {
            let Some(property) = program.property(args, "runtime") else {
                continue;
            };
            // A runtime read from the elements of a collection is written once per element: each is
            // reported and fixed there, however many loops read it.
            let written: Vec<(Located, Option<Option<Located>>)> = match program.element_sources(property.value) {
                Some(sources) => sources
                    .into_iter()
                    .map(|source| (source, Some(program.object_holding(source))))
                    .collect(),
                None => vec![(property.value, None)],
            };
            for (pointer, element) in written {
                for origin in program.string_origins(pointer) {
                    if let Some((origin, spelling, runtime)) = classify(context, table, origin) {
                        uses.push(RuntimeUse {
                            resource,
                            property: Some(property),
                            pointer,
                            element,
                            origin,
                            spelling,
                            runtime,
                        });
                    }
                }
            }
        } else if resource.is_aws(&["lambda", "LayerVersion"]) {
            let Some(list) = program
                .property(args, "compatibleRuntimes")
                .filter(|p| p.value.node.kind() == "array")
            else {
                continue;
            };
            for element in crate::frontends::pulumi::named_children(list.value.node).filter(|e| e.kind() != "comment") {
                let pointer = Located {
                    file: list.value.file,
                    node: element,
                };
                for origin in program.string_origins(pointer) {
                    if let Some((origin, spelling, runtime)) = classify(context, table, origin) {
                        uses.push(RuntimeUse {
                            resource,
                            property: None,
                            pointer,
                            element: None,
                            origin,
                            spelling,
                            runtime,
                        });
                    }
                }
            }
        }
    }
    uses
}

/// The runtime a value names, and how it is spelt; `None` for values that are not runtime ids.
fn classify<'tree>(
    context: &RuleContext<'tree>,
    table: &'static RuntimeTable,
    origin: StringOrigin<'tree>,
) -> Option<(Located<'tree>, Spelling, &'static Runtime)> {
    match origin {
        StringOrigin::Literal { at, value } => Some((at, Spelling::Literal, table.by_id(&value)?)),
        StringOrigin::PackageMember { at, member } => {
            let path: Vec<&str> = member.path.iter().map(String::as_str).collect();
            match path.as_slice() {
                ["lambda", "Runtime", name] => Some((at, Spelling::EnumMember, table.by_enum_member(name)?)),
                ["lambda", name] => {
                    let runtime = table.by_constant(name)?;
                    let imported = at.node.kind() == "identifier"
                        && context
                            .program
                            .import_of(at)
                            .is_some_and(|binding| matches!(binding.kind, ImportKind::Named { .. }));
                    let spelling = if imported {
                        Spelling::ImportedConstant
                    } else {
                        Spelling::QualifiedConstant
                    };
                    Some((at, spelling, runtime))
                }
                _ => None,
            }
        }
    }
}

fn suppressed(context: &RuleContext, at: Located) -> bool {
    context.is_suppressed(RuleId::LambdaDeprecatedRuntime, at.file, at.node.start_byte())
}

/// A function that reads an element's runtime suppresses the rule where it reads it.
fn read_where_suppressed(context: &RuleContext, runtime_use: &RuntimeUse) -> bool {
    runtime_use.element.is_some() && runtime_use.property.is_some_and(|p| suppressed(context, p.value))
}

/// The runtime a group's uses move to, or why they do not move.
fn group_target(
    context: &RuleContext,
    table: &'static RuntimeTable,
    runtime: &Runtime,
    uses: &[RuntimeUse],
) -> Result<&'static Runtime, String> {
    let successor = table.successor(runtime, context.settings.as_of).ok_or_else(|| {
        format!(
            "no runtime of the {} family is supported on {}; choose one by hand",
            runtime.family, context.settings.as_of
        )
    })?;
    let suppressed_elsewhere = uses
        .iter()
        .any(|u| suppressed(context, u.pointer) || read_where_suppressed(context, u));
    if suppressed_elsewhere {
        return Err("its value is shared with a use that suppresses this rule, so it is not changed".to_owned());
    }
    Ok(successor)
}

fn report_group<'tree>(
    context: &RuleContext<'tree>,
    table: &'static RuntimeTable,
    key: &GroupKey,
    uses: &[RuntimeUse<'_, 'tree>],
    plan: &ListPlan,
    findings: &mut Vec<Finding>,
) {
    let Some(first) = uses.first() else { return };
    let runtime = first.runtime;
    let successor = table.successor(runtime, context.settings.as_of);
    let mut fix_edits = Vec::new();
    let mut handler_notes = Vec::new();
    let reason_without_fix = match (group_target(context, table, runtime, uses), plan.held_back.get(key)) {
        (Err(reason), _) => Some(reason),
        (Ok(_), Some(reason)) => Some(reason.clone()),
        (Ok(successor), None) => {
            fix_edits = origin_edits(context, uses, successor, plan);
            if let Some(handler) = &runtime.handler {
                for runtime_use in uses {
                    match handler_edit(context, runtime_use, handler) {
                        HandlerChange::Edit(edit) => fix_edits.push(edit),
                        HandlerChange::AlreadyRight => {}
                        HandlerChange::ByHand(note) => handler_notes.push((runtime_use.pointer, note)),
                    }
                }
            }
            None
        }
    };
    let packages: Vec<Readiness> = uses
        .iter()
        .map(|runtime_use| readiness(context, runtime_use.resource, runtime))
        .collect();
    let not_ready: Vec<&ResourceDecl> = uses
        .iter()
        .zip(&packages)
        .filter(|(_, package)| matches!(package, Readiness::NotReady(_)))
        .map(|(runtime_use, _)| runtime_use.resource)
        .collect();
    // Moving a function whose package does not hold the new runtime's executable breaks it.
    let applicability = match not_ready.is_empty() {
        true => table.fix_applicability(runtime),
        false => Applicability::Unsafe,
    };
    let fix = (reason_without_fix.is_none() && !fix_edits.is_empty()).then(|| Fix::new(fix_edits, applicability));
    let mut reported = Vec::new();
    for (runtime_use, package) in uses.iter().zip(&packages) {
        // Several loops over one collection read the same entry: it is one place to change.
        if reported.contains(&runtime_use.pointer) || read_where_suppressed(context, runtime_use) {
            continue;
        }
        reported.push(runtime_use.pointer);
        let mut message = describe(
            runtime,
            successor,
            context.settings.as_of,
            runtime_use.resource,
            package,
        );
        if fix.is_some() && !matches!(package, Readiness::NotReady(_)) {
            message.push_str(&others_not_ready(context, runtime_use.resource, &not_ready));
        }
        if let Some((_, note)) = handler_notes.iter().find(|(at, _)| *at == runtime_use.pointer) {
            message.push_str(note);
        }
        if let (Some(_), Some(successor), Some(ListChange::Remove(removal))) =
            (&fix, successor, plan.changes.get(&element_key(runtime_use.pointer)))
        {
            message.push_str(&match removal {
                Removal::AlreadyListed => format!(" `{}` is listed already, so this entry goes.", successor.id),
                Removal::EarlierEntryBecomesIt => {
                    format!(" An earlier entry becomes `{}`, so this one goes.", successor.id)
                }
            });
        }
        let finding = Finding::new(
            RuleId::LambdaDeprecatedRuntime,
            runtime_use.pointer.file,
            runtime_use.pointer.node.byte_range(),
            message,
        );
        findings.push(match (&fix, &reason_without_fix) {
            (Some(fix), _) => finding.with_fix(fix.clone()),
            (None, Some(reason)) => finding.not_fixed(reason),
            (None, None) => finding,
        });
    }
}

/// For a finding whose fix also moves other functions: which of those are not ready, if any.
fn others_not_ready(context: &RuleContext, resource: &ResourceDecl, not_ready: &[&ResourceDecl]) -> String {
    let program = context.program;
    let mut names: Vec<String> = Vec::new();
    let others = not_ready.iter().filter(|other| other.expression != resource.expression);
    for index in others.filter_map(|other| {
        program.resource_at(Located {
            file: other.file,
            node: other.expression,
        })
    }) {
        let name = program.display_name(index);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [] => String::new(),
        _ => format!(
            " The fix also moves {}, whose package is not ready (see its finding), so it is unsafe.",
            names.join(", ")
        ),
    }
}

fn describe(
    runtime: &Runtime,
    successor: Option<&Runtime>,
    as_of: CalendarDate,
    resource: &ResourceDecl,
    package: &Readiness,
) -> String {
    let mut message = format!(
        "Lambda runtime `{}` is deprecated (since {}",
        runtime.id, runtime.deprecated
    );
    if let (Some(create), Some(update)) = (runtime.block_create, runtime.block_update) {
        message.push_str(&format!(
            "; AWS blocks creating functions with it from {create} and updating them from {update}"
        ));
    }
    message.push_str(").");
    let Some(successor) = successor else {
        return message;
    };
    let is_layer = resource.is_aws(&["lambda", "LayerVersion"]);
    match (&runtime.handler, is_layer) {
        (_, true) => message.push_str(&format!(" List `{}` instead", successor.id)),
        (Some(handler), false) if resource.is_aws(&["lambda", "Function"]) => {
            message.push_str(&format!(" Use `{}` with handler `{handler}`", successor.id))
        }
        _ => message.push_str(&format!(" Use `{}`", successor.id)),
    }
    match (&runtime.packaging, package) {
        (Some(packaging), Readiness::Ready(evidence)) => {
            message.push_str(&format!("; {packaging}, and {evidence}, so the package is ready."))
        }
        (Some(packaging), Readiness::NotReady(change)) => message.push_str(&format!(
            "; {packaging}, but {change}. Until the package changes, the fix makes every invocation fail."
        )),
        (Some(packaging), Readiness::Unknown) => {
            let build = runtime
                .executable
                .as_deref()
                .map(|executable| build_hint(runtime, executable));
            message.push_str(&format!("; {packaging}{}.", build.unwrap_or_default()))
        }
        (None, _) if runtime.family != successor.family || runtime.family == "provided" => message.push('.'),
        (None, _) => message.push_str(&format!(
            ", the newest {} runtime supported on {as_of}; test the code on it.",
            runtime.family
        )),
    }
    message
}

/// The edits that write the successor where the deprecated runtime is written.
/// A layer's entry that the plan removes goes from its list instead (with a const elsewhere, the
/// const's other uses still change).
fn origin_edits(context: &RuleContext, uses: &[RuntimeUse], successor: &Runtime, plan: &ListPlan) -> Vec<Edit> {
    let program = context.program;
    let mut edits = Vec::new();
    for runtime_use in uses {
        let origin = runtime_use.origin;
        if is_layer_entry(runtime_use)
            && matches!(
                plan.changes.get(&element_key(runtime_use.pointer)),
                Some(ListChange::Remove(_))
            )
        {
            edits.push(program.remove_list_element(runtime_use.pointer));
            continue;
        }
        let style = program.style(origin.file);
        let edit = match (runtime_use.spelling, &successor.enum_member) {
            (Spelling::Literal, _) => program.replace_string_content(origin, &successor.id),
            (Spelling::EnumMember, Some(member)) => match origin.node.child_by_field_name("property") {
                Some(property) => program.replace_node(
                    Located {
                        file: origin.file,
                        node: property,
                    },
                    member,
                ),
                None => program.replace_node(origin, &style.string(&successor.id)),
            },
            (Spelling::QualifiedConstant, Some(member)) => match origin.node.child_by_field_name("property") {
                Some(property) => program.replace_node(
                    Located {
                        file: origin.file,
                        node: property,
                    },
                    &format!("Runtime.{member}"),
                ),
                None => program.replace_node(origin, &style.string(&successor.id)),
            },
            // An ES import list can gain `Runtime`; a `require` destructuring cannot, so the id is
            // written as a string there.
            (Spelling::ImportedConstant, Some(member))
                if program
                    .import_of(origin)
                    .is_some_and(|binding| binding.named_list().is_some()) =>
            {
                let enum_name = runtime_enum_name(context, origin);
                program.replace_node(origin, &format!("{}.{member}", enum_name.local))
            }
            (Spelling::ImportedConstant, Some(_)) | (_, None) => {
                program.replace_node(origin, &style.string(&successor.id))
            }
        };
        edits.push(edit);
    }
    if let Some(import_edit) = import_edit(context, uses, successor) {
        edits.push(import_edit);
    }
    edits
}

fn is_layer_entry(runtime_use: &RuntimeUse) -> bool {
    runtime_use.resource.is_aws(&["lambda", "LayerVersion"])
}

/// A layer's list entry, by file and start.
type EntryKey = (usize, usize);

fn element_key(at: Located) -> EntryKey {
    (at.file, at.node.start_byte())
}

/// How the fixes change layers' `compatibleRuntimes` so that no list names a runtime twice
/// (`["go1.x", "provided.al2"]` must not become `["provided.al2023", "provided.al2023"]`).
#[derive(Default)]
struct ListPlan {
    /// What happens to each entry whose runtime moves; an entry not here keeps its value.
    changes: HashMap<EntryKey, ListChange>,
    /// Groups that do not change at all, because a list entry of theirs could then name a runtime
    /// twice; why, in the words of the finding.
    held_back: BTreeMap<GroupKey, String>,
}

enum ListChange {
    /// The entry becomes its successor, written as a function's runtime would be.
    Replace,
    /// The entry goes from the list.
    Remove(Removal),
    /// The entry may not change; the reason says why.
    Keep(String),
}

#[derive(Debug, Clone, Copy)]
enum Removal {
    /// Another entry already names the successor, and keeps naming it.
    AlreadyListed,
    /// An earlier entry of the list is replaced by the same successor.
    EarlierEntryBecomesIt,
}

/// What one entry of a list holds, and what the fixes may make of it.
struct ListEntry<'tree> {
    at: Located<'tree>,
    /// The runtime id the entry names, when it can name only one (see `sole_string_origin`).
    names: Option<String>,
    /// The runtimes its deprecated values move to, when their groups are fixed.
    successors: Vec<&'static Runtime>,
}

impl ListEntry<'_> {
    /// Whether the entry may hold any runtime after the fixes, as far as infrafix can tell.
    fn is_unreadable(&self) -> bool {
        self.names.is_none()
    }

    /// Whether the entry names one runtime and moves to `id`.
    fn becomes(&self, id: &str) -> bool {
        self.names.is_some() && matches!(self.successors.as_slice(), [successor] if successor.id == id)
    }
}

/// Plans every layer list the groups have entries in. Planning is per list, but a group is fixed
/// everywhere or nowhere (a const may serve a function and two lists): a group that one list
/// must keep is held back, and the lists are planned again, since an entry that stays deprecated
/// no longer takes the successor another entry may then take.
fn plan_layer_lists(
    context: &RuleContext,
    table: &'static RuntimeTable,
    groups: &BTreeMap<GroupKey, Vec<RuntimeUse>>,
) -> ListPlan {
    let mut targets: BTreeMap<GroupKey, &'static Runtime> = BTreeMap::new();
    let mut groups_at: HashMap<EntryKey, Vec<GroupKey>> = HashMap::new();
    let mut lists: Vec<Located> = Vec::new();
    for (key, uses) in groups {
        if let Some(Ok(successor)) = uses.first().map(|u| group_target(context, table, u.runtime, uses)) {
            targets.insert(*key, successor);
        }
        for entry in uses.iter().filter(|u| is_layer_entry(u)) {
            groups_at.entry(element_key(entry.pointer)).or_default().push(*key);
            let list = entry.pointer.node.parent().map(|node| Located {
                file: entry.pointer.file,
                node,
            });
            if let Some(list) = list.filter(|list| !lists.contains(list)) {
                lists.push(list);
            }
        }
    }
    let mut plan = ListPlan::default();
    // Each round holds back at least one more group, or ends.
    for _ in 0..=groups.len() {
        plan.changes.clear();
        for list in &lists {
            plan_list(context, table, *list, &groups_at, &targets, &mut plan.changes);
        }
        let mut held_back_now = false;
        for (key, uses) in groups {
            if !targets.contains_key(key) {
                continue;
            }
            let kept = uses.iter().filter(|u| is_layer_entry(u)).find_map(|u| {
                match plan.changes.get(&element_key(u.pointer)) {
                    Some(ListChange::Keep(reason)) => Some(reason.clone()),
                    _ => None,
                }
            });
            if let Some(reason) = kept {
                targets.remove(key);
                plan.held_back.insert(*key, reason);
                held_back_now = true;
            }
        }
        if !held_back_now {
            break;
        }
    }
    plan
}

/// One list's changes. The first entry moving to a runtime the list does not name becomes it;
/// an entry whose successor is named already, or taken by an earlier entry, goes instead. An
/// entry whose value cannot be read may be any runtime, so beside one no runtime is written into
/// the list; removing an entry never makes a duplicate, so that still happens.
fn plan_list(
    context: &RuleContext,
    table: &'static RuntimeTable,
    list: Located,
    groups_at: &HashMap<EntryKey, Vec<GroupKey>>,
    targets: &BTreeMap<GroupKey, &'static Runtime>,
    changes: &mut HashMap<EntryKey, ListChange>,
) {
    let program = context.program;
    let entries: Vec<ListEntry> = crate::frontends::pulumi::named_children(list.node)
        .filter(|node| node.kind() != "comment")
        .map(|node| {
            let at = Located { file: list.file, node };
            let successors = groups_at
                .get(&element_key(at))
                .into_iter()
                .flatten()
                .filter_map(|key| targets.get(key).copied())
                .collect();
            let names = program
                .sole_string_origin(at)
                .and_then(|origin| runtime_id(table, &origin));
            ListEntry { at, names, successors }
        })
        .collect();
    // What stays as it is: the runtimes named by entries that do not move.
    let staying: Vec<&str> = entries
        .iter()
        .filter(|entry| entry.successors.is_empty())
        .filter_map(|entry| entry.names.as_deref())
        .collect();
    let unreadable_besides = |index: usize| {
        entries
            .iter()
            .enumerate()
            .find(|(other, entry)| *other != index && entry.is_unreadable())
            .map(|(_, entry)| entry.at)
    };
    let mut taken: Vec<&str> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let change = match entry.successors.as_slice() {
            [] => continue,
            [successor] if entry.names.is_some() => {
                let id = successor.id.as_str();
                if staying.contains(&id) {
                    ListChange::Remove(Removal::AlreadyListed)
                } else if taken.contains(&id) {
                    ListChange::Remove(Removal::EarlierEntryBecomesIt)
                } else if let Some(unreadable) = unreadable_besides(index) {
                    ListChange::Keep(format!(
                        "a layer's `compatibleRuntimes` lists it beside `{}`, whose value infrafix cannot read, so `{id}` could be listed twice; change it by hand",
                        short_text(program.text(unreadable))
                    ))
                } else {
                    taken.push(id);
                    ListChange::Replace
                }
            }
            // A default or a choice (`args.runtime ?? "go1.x"`): it may become a successor, or
            // hold anything else.
            successors => {
                let clash = successors.iter().find(|successor| {
                    staying.contains(&successor.id.as_str())
                        || entries
                            .iter()
                            .enumerate()
                            .any(|(other, entry)| other != index && entry.becomes(&successor.id))
                });
                match (unreadable_besides(index), clash) {
                    (Some(unreadable), _) => ListChange::Keep(format!(
                        "a layer's `compatibleRuntimes` lists it beside `{}`, whose value infrafix cannot read, so a runtime could be listed twice; change it by hand",
                        short_text(program.text(unreadable))
                    )),
                    (None, Some(successor)) => ListChange::Keep(format!(
                        "a layer's `compatibleRuntimes` lists it in `{}`, which may hold another runtime, beside `{}`; change it by hand",
                        short_text(program.text(entry.at)),
                        successor.id
                    )),
                    (None, None) => ListChange::Replace,
                }
            }
        };
        changes.insert(element_key(entry.at), change);
    }
}

/// The runtime id a sole origin names: a string is its own id (known to the table or not), a
/// package member the id the table gives it.
fn runtime_id(table: &RuntimeTable, origin: &StringOrigin) -> Option<String> {
    match origin {
        StringOrigin::Literal { value, .. } => Some(value.clone()),
        StringOrigin::PackageMember { member, .. } => {
            let path: Vec<&str> = member.path.iter().map(String::as_str).collect();
            let runtime = match path.as_slice() {
                ["lambda", "Runtime", name] => table.by_enum_member(name),
                ["lambda", name] => table.by_constant(name),
                _ => None,
            };
            runtime.map(|runtime| runtime.id.clone())
        }
    }
}

/// An expression as a message quotes it: its first line, at most 40 characters.
fn short_text(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None if line.len() < text.len() => format!("{line}…"),
        None => line.to_owned(),
    }
}

/// The local name of `aws.lambda.Runtime` where a legacy constant was imported by name, and
/// whether the import list must gain it.
struct RuntimeEnumName {
    local: String,
    must_import: bool,
}

fn runtime_enum_name(context: &RuleContext, constant: Located) -> RuntimeEnumName {
    let program = context.program;
    let file = program.file(constant.file);
    let module = program
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
    let taken = |name: &str| program.mentions(constant.file, name) > 0;
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

/// The rewrite of the import list a legacy constant was imported from: the constant goes when no
/// use of it is left, and `Runtime` comes in when the new spelling needs it.
fn import_edit(context: &RuleContext, uses: &[RuntimeUse], successor: &Runtime) -> Option<Edit> {
    let first = uses.iter().find(|u| u.spelling == Spelling::ImportedConstant)?;
    let program = context.program;
    let binding = program.import_of(first.origin)?;
    let list = binding.named_list()?;
    let mut replaced: Vec<Node> = uses.iter().map(|u| u.origin.node).collect();
    replaced.sort_by_key(Node::start_byte);
    replaced.dedup();
    let all_uses_replaced = program.mentions(first.origin.file, &binding.local) == replaced.len() + 1;
    let enum_name = runtime_enum_name(context, first.origin);
    let add = (successor.enum_member.is_some() && enum_name.must_import).then(|| {
        if enum_name.local == "Runtime" {
            "Runtime".to_owned()
        } else {
            format!("Runtime as {}", enum_name.local)
        }
    });
    let remove = all_uses_replaced.then_some(Located {
        file: first.origin.file,
        node: binding.specifier,
    });
    if add.is_none() && remove.is_none() {
        return None;
    }
    Some(program.rewrite_import_list(
        Located {
            file: first.origin.file,
            node: list,
        },
        remove,
        add.as_deref(),
    ))
}

enum HandlerChange {
    Edit(Edit),
    AlreadyRight,
    /// The handler must change, but not by this fix: the note says why.
    ByHand(&'static str),
}

const NOT_IN_OWN_ARGUMENTS: &str =
    " Set its handler to `bootstrap` by hand: it is not written in this function's own arguments.";
const NOT_IN_ENTRY: &str =
    " Set the handler of the functions made from this entry to `bootstrap` by hand: it is not written in the entry.";
const SERVES_OTHER_RUNTIMES: &str = " Its handler also serves the other runtimes this function may have, so it is not changed: give this runtime's case the handler `bootstrap` by hand.";

/// The edit that gives a function leaving go1.x or provided the handler `bootstrap`. Only a
/// handler written in the function's own arguments (see `own_arguments`) is changed: a shared
/// const may serve others.
fn handler_edit<'tree>(
    context: &RuleContext<'tree>,
    runtime_use: &RuntimeUse<'_, 'tree>,
    handler: &str,
) -> HandlerChange {
    let program = context.program;
    let resource = runtime_use.resource;
    // A CallbackFunction builds its own handler from the callback: it takes none.
    if !resource.is_aws(&["lambda", "Function"]) {
        return HandlerChange::AlreadyRight;
    }
    let Some(args) = resource.args() else {
        return HandlerChange::ByHand(NOT_IN_OWN_ARGUMENTS);
    };
    if let Some(element) = runtime_use.element {
        return element_handler_edit(program, args, element, handler);
    }
    match own_handler_edit(program, runtime_use, args, handler) {
        HandlerChange::Edit(_) if runtime_may_keep_its_handler(context, runtime_use, handler) => {
            HandlerChange::ByHand(SERVES_OTHER_RUNTIMES)
        }
        change => change,
    }
}

/// The handler change for a function whose runtime is written once for it (not per element).
fn own_handler_edit<'tree>(
    program: &Program<'tree>,
    runtime_use: &RuntimeUse<'_, 'tree>,
    args: Located<'tree>,
    handler: &str,
) -> HandlerChange {
    let resource = runtime_use.resource;
    let inside_args = |at: Located| program.own_arguments(resource).is_some_and(|own| own.encloses(&at));
    // A handler beside the runtime in one object literal (a spread defaults object) serves exactly
    // the functions that runtime serves.
    let beside_runtime = |at: Located| runtime_use.property.is_some_and(|runtime| runtime.object.encloses(&at));
    match program.property(args, "handler") {
        Some(existing) => {
            let Some(literals) = literal_origins(program, existing.value) else {
                return HandlerChange::ByHand(NOT_IN_OWN_ARGUMENTS);
            };
            let wrong: Vec<_> = literals.iter().filter(|(_, value)| value != handler).collect();
            match wrong.as_slice() {
                [] => HandlerChange::AlreadyRight,
                [(at, _)] if inside_args(*at) || beside_runtime(*at) => {
                    HandlerChange::Edit(program.replace_string_content(*at, handler))
                }
                _ => HandlerChange::ByHand(NOT_IN_OWN_ARGUMENTS),
            }
        }
        None => match runtime_use.property {
            Some(runtime) if inside_args(runtime.property) || beside_runtime(runtime.property) => {
                HandlerChange::Edit(program.insert_property_after(runtime.property, "handler", &Code::text(handler)))
            }
            _ => HandlerChange::ByHand(NOT_IN_OWN_ARGUMENTS),
        },
    }
}

/// Whether the function's runtime may also be one that keeps its handler (`prod ? "go1.x" :
/// "nodejs22.x"`, `s.runtime ?? "go1.x"` over elements that are not all Go): its one handler then
/// serves both, and changing it would break the other.
fn runtime_may_keep_its_handler<'tree>(
    context: &RuleContext<'tree>,
    runtime_use: &RuntimeUse<'_, 'tree>,
    handler: &str,
) -> bool {
    let Some(property) = runtime_use.property else {
        return false;
    };
    let table = RuntimeTable::bundled();
    context
        .program
        .string_origins(property.value)
        .into_iter()
        .filter_map(|origin| classify(context, table, origin))
        .any(|(_, _, runtime)| runtime.handler.as_deref() != Some(handler))
}

/// The handler change for a function made per element of a collection. The loop's own arguments
/// serve every element, Go or not: only a handler written in the Go element itself may change.
fn element_handler_edit<'tree>(
    program: &Program<'tree>,
    args: Located<'tree>,
    element: Option<Located<'tree>>,
    handler: &str,
) -> HandlerChange {
    let Some(literals) = program
        .property(args, "handler")
        .and_then(|existing| literal_origins(program, existing.value))
    else {
        return HandlerChange::ByHand(NOT_IN_ENTRY);
    };
    let (in_element, elsewhere): (Vec<_>, Vec<_>) = literals
        .into_iter()
        .partition(|(at, _)| element.is_some_and(|element| element.encloses(at)));
    let wrong: Vec<_> = in_element.iter().filter(|(_, value)| value != handler).collect();
    match wrong.as_slice() {
        [(at, _)] => HandlerChange::Edit(program.replace_string_content(*at, handler)),
        [] if !in_element.is_empty() || elsewhere.iter().all(|(_, value)| value == handler) => {
            HandlerChange::AlreadyRight
        }
        _ => HandlerChange::ByHand(NOT_IN_ENTRY),
    }
}

/// The string literals a value may come from, with their content; `None` when it has no known
/// origin.
fn literal_origins<'tree>(program: &Program<'tree>, value: Located<'tree>) -> Option<Vec<(Located<'tree>, String)>> {
    let origins = program.string_origins(value);
    if origins.is_empty() {
        return None;
    }
    Some(
        origins
            .into_iter()
            .filter_map(|origin| match origin {
                StringOrigin::Literal { at, value } => Some((at, value)),
                StringOrigin::PackageMember { .. } => None,
            })
            .collect(),
    )
}
