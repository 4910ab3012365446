//! `lambda-deprecated-runtime`: a Lambda function or layer on a runtime AWS has deprecated.

mod callbacks;
mod provided_packages;
mod readiness;

use std::collections::{BTreeMap, HashMap};

use crate::aws::runtimes::{Runtime, RuntimeTable};
use crate::calendar::CalendarDate;
use crate::cloud::{
    CheckingProvider, FixPlan, HandlerPlace, Intent, LambdaFunction, LambdaLayer, ListEntry, ResourceId, RuntimeValue,
    Site,
};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix};
use crate::release_version::ReleaseVersion;
use crate::rules::{RuleContext, RuleId};
use callbacks::{completion, Completion};
use provided_packages::{lost_package, LostPackage};
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
`provided` and `provided.al2` move to `provided.al2023`: unsafe. The package already holds its
`bootstrap`, but it was built for Amazon Linux 1 or 2, and a binary linking to system libraries
that Amazon Linux 2023 changed (OpenSSL 1.x is gone) must be rebuilt first, which infrafix cannot
see; the message says what to rebuild. `go1.x` moves to `provided.al2023` with handler
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
  such as `$(OUT)/main`), or its path is computed from what infrafix cannot read, or outside the
  project. The message says what the build must produce. This is the one case where the fix may
  still break a working function, if it is deployed before the build changes; it stays safe
  because infrafix has no sign of that, and because a program that cannot leave go1.x without
  `--unsafe-fixes` would be left on a runtime AWS no longer lets anyone create functions with.

A function made in a loop whose package path is built from the elements (`build/${name}`,
`path.join(__dirname, "lambda", s.name)` over a list written out), or whose path is a choice of
paths written out, may deploy any of those packages, and each is judged: not ready when any one
is, ready when every one is, unknown otherwise.

A runtime shared by several functions (a `const`) moves for all of them in one fix, unsafe when
any of them is not ready; each finding says which. Every other runtime moves to the newest runtime
of its language that is not deprecated at `as_of` (for example `nodejs16.x` to `nodejs24.x`):
unsafe, because a new language version can break the code. It can also take away a package the
code loads without bundling it: Lambda's Node.js runtimes up to nodejs16.x provide the AWS SDK for
JavaScript v2 (`aws-sdk`), and from nodejs18.x only v3 (`@aws-sdk/*`). Where infrafix can read
the code (a `StringAsset` of an AssetArchive, the CDK's `Code.fromInline`, CloudFormation's
`ZipFile` and SAM's `InlineCode`, the `source_file` or `source` blocks a Terraform `archive_file`
zips, or the handler's `.js`/`.mjs`/`.cjs` file in a package folder of the project, or without
one the `.ts` source a build compiles into it in place, with the project files it imports by
relative path, `./lib/db` or a folder's `index`) and it loads `aws-sdk` that the folder does
not bundle (in `node_modules`, or among its `package.json` dependencies), the message names the
file and line and says what to change first. The CDK's `NodejsFunction` bundles its entry file
(`entry`, or without it the file named after the defining file and the construct's id,
`stack.api.ts` beside `stack.ts`; infrafix reads it and the project files it imports) with esbuild,
leaving out only its `bundling.externalModules`, by default the SDK of the runtime (`aws-sdk` up to
nodejs16.x, `@aws-sdk/*` from nodejs18.x): an entry loading `aws-sdk` fails on the new runtime
when `externalModules` still lists it (take it out, or move to v3), and otherwise esbuild bundles
it from the app's `node_modules`, which the message asks for when the app's package.json does not
list it (the bundling would fail). Node.js 24 runs async handlers only: a handler that takes a
callback (a third parameter, `(event, context, callback)`) or ends through `context.done`, `succeed` or `fail` fails on it. Where
infrafix reads the handler's module (in the same places as for `aws-sdk`) and its exported handler
is one of those, or the function is a `CallbackFunction` (whose handler hands the program's
function a callback; pulumi-aws keeps it off Node.js 24 for that), it moves to the newest runtime
that still runs callbacks (`nodejs22.x`), and the message says why; once none is supported, there
is no fix and the message says to make the handler async. Where infrafix cannot read the handler,
the message warns that the successor runs async handlers only. An enum member stays an enum member where @pulumi/aws has one for the new runtime, a string
stays a string. The member must exist in the @pulumi/aws major the project's package.json admits:
`aws.lambda.Runtime.NodeJS24dX` and `Python3d14` are 7.x only, `CustomAL2023` 6.x on, so a project
on `^6.0.0` gets `"nodejs24.x"`, which every major's `runtime` takes. A `const` shared by several
functions is changed once, and not at all when one of those functions suppresses the rule. For a
function made per element of a collection, only the Go element's own `handler` becomes
`"bootstrap"`: a handler written in the loop serves every element, so it is left for a person to
change, as is a handler that also serves the other runtimes a function may have (`runtime: legacy ?
"go1.x" : "provided.al2023"`).

The runtime moved to must also be one the project's provider accepts. The Terraform AWS provider
holds a function's `runtime` and a layer's `compatible_runtimes` to the runtimes of the AWS SDK
it was built with, and @pulumi/aws, bridged from it, does the same: a release older than the
runtime refuses it before anything deploys (`expected runtime to be one of [...]`). The release
is the one `.terraform.lock.hcl` in the root module pins, else the newest the `required_providers`
constraints on `aws` admit (`~> 4.0`, `< 5.0`, `= 5.10.0`, in the root module or a module it
calls); for @pulumi/aws, the one `package-lock.json` names, else the newest package.json's range
admits (`^6.0.0`: a 6.x release). The successor is then the newest runtime supported on `as_of`
that release accepts: `nodejs22.x` under hashicorp/aws 5 or @pulumi/aws 6, since `nodejs24.x`
needs hashicorp/aws 6.21.0 and @pulumi/aws 7.14.0. Where it accepts none, the finding has no fix
and names the release to upgrade to first. Where nothing bounds the release (no lock file, no
constraint or only `>= 5.0`), any release may be installed, and the newest runtime is taken.
CloudFormation, SAM and CDK apps hand the runtime to AWS, which checks it itself.

A runtime written as the default of a stack configuration read (`config.get("runtime") ?? "go1.x"`,
or `||`, also a field of `config.getObject("fn")`) is what deploys only where no stack sets the
key: where a stack file (`Pulumi.prod.yaml`, beside `Pulumi.yaml` or in its `stackConfigDir`) or
the project's own `config` in `Pulumi.yaml` sets it, or a stack file cannot be read, the fix of
the default is unsafe and the message says so, since that stack keeps its own value. So is the
default of an environment variable (`process.env.RUNTIME ?? "go1.x"`). A runtime a stack file
sets (`payments:runtime: go1.x` in `Pulumi.prod.yaml`, read by `config.require("runtime")`, or a
field of an object `config.requireObject("fn")` reads; Pulumi.yaml's project-wide `config` for the
stacks that set none) is reported where the code reads it, and the message names each file and
line that sets it; infrafix does not edit stack files, so it is not fixed. What a stack sets for
a function only other stacks make (`if (pulumi.getStack() === "prod")`, or a
`config.getBoolean` flag that stack leaves off) is not that function's runtime.

In Terraform the runtime may be a literal in the resource, a `local`, or a variable's `default`,
also where a call of the public module `terraform-aws-modules/lambda/aws` (by its registry address
or its GitHub repository) passes `runtime` and `handler`: the module hands them to its function
unchanged, unless the call makes none (`create` or `create_function` set to `false`, a
`create_layer` call) or ships an image (`package_type` other than `"Zip"`), which has no runtime
(the module drops the runtime and handler such a call writes; its role, dead-letter target and
mappings are judged as any call's). A layer's `compatible_runtimes` a list written in any of these places. A runtime picked from a
map by a key known only at deploy (`local.runtimes[terraform.workspace]`, or `[var.env]` read from
a default a deployment may replace) is judged per entry when
every entry can be read: each deprecated entry is reported where it is written and moves to its
own successor, and entries already current stay. A default is the value
used only when nothing overrides it (a module caller, a `.tfvars` file, `-var`), which infrafix
does not read: a fix there is unsafe, and the message says so. A handler changes where the
function's own block writes it, or where the root's module call passes it for that function
alone. The code package is the function's `filename`: the zip a `data "archive_file"` makes of
one `source_file` (its one entry, under the file's own name), of a `source_dir` folder (judged as
a FileArchive folder is, with the module's build scripts), or of `source` blocks (each a file,
with its `content`); or a zip by its path. A path starts from the module's folder when written
as `"${path.module}/…"`, else from the root module's, and may be written through locals and
variables' defaults (each part of `"${local.build}/${local.name}"`); a zip the function names by
such a path is the `archive_file` whose `output_path` is the same. Any other path is the "unknown"
case, except what an `archive_file` zips: the program makes that package itself, so a source path
infrafix cannot read (`"${var.out}/api"`, or a default a deployment may replace) makes the fix
unsafe.

In CloudFormation and SAM the runtime may be written in the function, in SAM's `Globals` (changed
once for every function that reads it), in a parameter's `Default` (unsafe: a deployment may
override it; not changed where the parameter's `AllowedValues`, `MinValue` or `MaxValue` refuse
the successor, nor where it has an `AllowedPattern`, which infrafix does not match), among the
`AllowedValues` of a parameter without a `Default` (each deployment passes one of them: reported,
not changed), in `Mappings`, or in either arm of an `!If`; in a Serverless service, in the
function, in `provider.runtime`, or where a `${self:…}` variable points. A SAM function built by
`sam build` with `Metadata: BuildMethod: go1.x` is ready (`sam build` names the binary after the
handler, `bootstrap`); one without a `BuildMethod` is not (`sam build` builds an OS-only runtime's
function only with one), unless the project's own scripts build into its `CodeUri` folder (they are
then judged as for a FileArchive); a `CodeUri` that is not in the project is built by something
infrafix does not see, which must then make the `bootstrap` itself; nor is one built by another `BuildMethod` (a Makefile's `build-<Function>`
target, which infrafix does not read), so those fixes are unsafe. So is the fix of a Serverless
function whose handler names a binary in a folder (`bin/hello`): the framework zips the service's
files as they lie, and `provided.al2023` runs the `bootstrap` at the package's root. An
`AWS::Lambda::Function` whose `Code` is a local folder or zip (`Code: build/api`, which `aws
cloudformation package` uploads) is judged as a FileArchive is, from the template's folder and the
build scripts there.

A layer's `compatibleRuntimes` never names a runtime twice after the fix, comparing runtime ids
(`"provided.al2023"` and `aws.lambda.Runtime.CustomAL2023` are one): an entry whose successor is
listed already, or is what an earlier entry becomes, is removed instead of replaced (with its
comma; the comments around it stay), so `["go1.x", "provided.al2"]` becomes `["provided.al2023"]`.
Beside an entry whose value infrafix cannot read (a spread, a default, a configured value) nothing
new is written into the list: the deprecated entry is reported but not fixed.

In an AWS CDK app (v2's `aws-cdk-lib` or v1's `@aws-cdk/*`, in every import form): the `runtime`
of `Function`, `SingletonFunction`, `NodejsFunction`, `PythonFunction`, `GoFunction` and
`CfnFunction`, and `compatibleRuntimes` of `LayerVersion`, `CfnLayerVersion` and
`PythonLayerVersion`, written as `lambda.Runtime.GO_1_X`, as `new lambda.Runtime("go1.x", …)`
or, in the L1 resources, as a string or `lambda.Runtime.GO_1_X.name`, followed through consts, loops, helpers and construct props
like a Pulumi program's values; a construct that hands its props on (`new lambda.Function(this,
"Fn", props)`, or `{ ...props, tracing }`) is judged per construction, where each caller writes
the runtime and handler, and so is a class extending a function construct, through its
`super(scope, id, props)`. The fix names the successor by the constant the app's CDK has
(`lambda.Runtime.PROVIDED_AL2023`, a `new lambda.Runtime(…)` becoming one too); v1's last release
has no constant for the newer runtimes, so a v1 app gets `new lambda.Runtime("nodejs24.x",
lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true })`, the form the CDK documents for
runtimes it has no constant for (with the inline-code support the Node.js and Python constants
carry); so does a v2 app whose aws-cdk-lib (as its lock file names it, else the oldest its range
admits) predates the constant. An L1 resource's `lambda.Runtime.X.name` becomes the successor's id as a string, which
every CDK version takes. A `GO_1_X` function of `Function`, `SingletonFunction` or `CfnFunction` also gets the
handler `bootstrap`; `GoFunction` builds and names its `bootstrap` itself. `Code.fromAsset("path")`
without options is judged like a FileArchive of that path, from the folder of `cdk.json`; with a
bundling `command` written out (`["bash", "-c", "go build -o /asset-output/main ."]`), by what that
command builds into `/asset-output`, as a build script's line is.
"#;

/// What uses a runtime value.
#[derive(Clone, Copy)]
enum Owner<'graph> {
    Function(&'graph LambdaFunction),
    /// A layer, through one entry of its compatible runtimes.
    Layer(&'graph LambdaLayer, &'graph ListEntry),
}

/// One runtime value a function or a layer's entry may have.
struct RuntimeUse<'graph> {
    owner: Owner<'graph>,
    value: &'graph RuntimeValue,
    runtime: &'static Runtime,
}

impl RuntimeUse<'_> {
    fn layer_entry(&self) -> Option<&ListEntry> {
        match self.owner {
            Owner::Layer(_, entry) => Some(entry),
            Owner::Function(_) => None,
        }
    }

    fn function(&self) -> Option<&LambdaFunction> {
        match self.owner {
            Owner::Function(function) => Some(function),
            Owner::Layer(..) => None,
        }
    }
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
        if suppressed(context, &runtime_use.value.written) {
            continue;
        }
        groups
            .entry((runtime_use.value.shared.clone(), runtime_use.value.id.clone()))
            .or_default()
            .push(runtime_use);
    }
    let groups = join_groups_writing_one_place(groups);
    let plan = plan_layer_lists(context, table, &groups);
    let outside = set_outside_the_code(context, table, &groups);
    for (key, uses) in &groups {
        let plan = GroupPlan {
            lists: &plan,
            set_outside: outside.get(&key.0),
        };
        report_group(context, table, key, uses, &plan, findings);
    }
}

/// Uses that must change together (one literal, one const, one imported name), by where their
/// shared value is written and the runtime it is: a setting the code reads from outside it (a
/// stack file's) may be another runtime in each stack, all read at one place.
type GroupKey = (Site, String);

/// Joins the groups that would write one runtime at one place: an entry of a map that one
/// function reads by its key and another by a key known only at deploy (`[terraform.workspace]`,
/// which groups it with the other entries naming its runtime) changes once, and not at all when
/// any use of it suppresses the rule or keeps it. A joined group goes by the first of its keys.
fn join_groups_writing_one_place(groups: BTreeMap<GroupKey, Vec<RuntimeUse>>) -> BTreeMap<GroupKey, Vec<RuntimeUse>> {
    let groups: Vec<(GroupKey, Vec<RuntimeUse>)> = groups.into_iter().collect();
    // Each group points at one it joins, earlier in order; a group pointing at itself leads.
    let mut joins: Vec<usize> = (0..groups.len()).collect();
    let leader = |joins: &[usize], mut group: usize| {
        while joins[group] != group {
            group = joins[group];
        }
        group
    };
    // By place and runtime: a setting read at one place may give another runtime per stack.
    let mut first_writer: HashMap<(&Site, &str), usize> = HashMap::new();
    for (group, ((_, id), uses)) in groups.iter().enumerate() {
        for runtime_use in uses {
            let earlier = *first_writer
                .entry((&runtime_use.value.written, id.as_str()))
                .or_insert(group);
            let (earlier, this) = (leader(&joins, earlier), leader(&joins, group));
            joins[earlier.max(this)] = earlier.min(this);
        }
    }
    let leaders: Vec<GroupKey> = (0..groups.len())
        .map(|group| groups[leader(&joins, group)].0.clone())
        .collect();
    let mut joined: BTreeMap<GroupKey, Vec<RuntimeUse>> = BTreeMap::new();
    for ((_, uses), key) in groups.into_iter().zip(leaders) {
        joined.entry(key).or_default().extend(uses);
    }
    joined
}

fn runtime_uses<'graph>(context: &'graph RuleContext, table: &'static RuntimeTable) -> Vec<RuntimeUse<'graph>> {
    let graph = context.graph();
    let of_functions = graph.functions().iter().flat_map(|function| {
        function
            .runtimes
            .iter()
            .map(move |value| (Owner::Function(function), value))
    });
    let of_layers = graph.layers().iter().flat_map(|layer| {
        layer.compatible_runtimes.iter().flat_map(move |entry| {
            entry
                .runtimes
                .iter()
                .map(move |value| (Owner::Layer(layer, entry), value))
        })
    });
    of_functions
        .chain(of_layers)
        .filter_map(|(owner, value)| {
            Some(RuntimeUse {
                owner,
                value,
                runtime: table.by_id(&value.id)?,
            })
        })
        .collect()
}

fn suppressed(context: &RuleContext, at: &Site) -> bool {
    context.is_suppressed(RuleId::LambdaDeprecatedRuntime, at.file, at.range.start)
}

/// A function that reads an element's runtime suppresses the rule where it reads it.
fn read_where_suppressed(context: &RuleContext, runtime_use: &RuntimeUse) -> bool {
    runtime_use
        .value
        .read_at
        .as_ref()
        .is_some_and(|read_at| suppressed(context, read_at))
}

/// The runtime a group's uses move to, or why they do not move.
fn group_target(
    context: &RuleContext,
    table: &'static RuntimeTable,
    runtime: &Runtime,
    uses: &[RuntimeUse],
) -> Result<&'static Runtime, String> {
    let callbacks = callback_handler(context, table, runtime, uses);
    let successor = successor_of(context, table, runtime, callbacks.as_deref())?;
    let suppressed_elsewhere = uses
        .iter()
        .any(|u| suppressed(context, &u.value.at) || read_where_suppressed(context, u));
    if suppressed_elsewhere {
        return Err("its value is shared with a use that suppresses this rule, so it is not changed".to_owned());
    }
    if let Some(reason) = uses.iter().find_map(|u| u.value.kept) {
        return Err(reason.to_owned());
    }
    if uses.iter().any(|u| !u.value.set_in.is_empty()) {
        return Err(
            "the runtime comes from the deployment's settings, outside the code, which infrafix does not edit"
                .to_owned(),
        );
    }
    Ok(successor)
}

/// The runtime a deprecated one moves to: the newest of its family supported on `as_of` that the
/// provider checking the project's runtimes accepts in the newest release the project may
/// install (a runtime newer than that release knows fails before anything deploys), or why
/// there is none.
fn successor_of(
    context: &RuleContext,
    table: &'static RuntimeTable,
    runtime: &Runtime,
    callbacks: Option<&str>,
) -> Result<&'static Runtime, String> {
    let as_of = context.settings.as_of;
    let check = context.graph().runtime_check();
    let needs_callbacks = callbacks.is_some();
    if let Some(successor) = table.accepted_successor(runtime, as_of, check, needs_callbacks) {
        return Ok(successor);
    }
    if let (Some(reason), Some(newest)) = (callbacks, table.successor(runtime, as_of, false)) {
        if table.successor(runtime, as_of, true).is_none() {
            return Err(format!(
                "{reason}, and no {} runtime supported on {as_of} runs callback handlers (`{}` runs async handlers only): make the handler async (return a promise), then move it to `{}`",
                runtime.family, newest.id, newest.id
            ));
        }
    }
    let no_runtime = || {
        format!(
            "no runtime of the {} family is supported on {as_of}; choose one by hand",
            runtime.family
        )
    };
    let (Some(check), Some(newest)) = (check, table.successor(runtime, as_of, needs_callbacks)) else {
        return Err(no_runtime());
    };
    let (unlocked, release) = table
        .least_upgrade(runtime, as_of, check.provider, needs_callbacks)
        .ok_or_else(no_runtime)?;
    let newest_needs = newer_needs(newest, unlocked, check.provider)
        .map(|needed| format!(" (`{}` needs {needed})", newest.id))
        .unwrap_or_default();
    Err(format!(
        "the project's {provider} accepts no runtime of the {} family supported on {as_of} ({}): upgrade it to {release} or later first, which accepts `{}`{newest_needs}, then run infrafix again",
        runtime.family,
        check.holding(),
        unlocked.id,
        provider = check.provider,
    ))
}

/// Where the provider keeps a runtime from its family's newest: what the message adds after
/// "the newest {family} runtime supported on {date}".
fn held_back_by_provider(
    context: &RuleContext,
    table: &RuntimeTable,
    runtime: &Runtime,
    successor: &Runtime,
    needs_callbacks: bool,
) -> String {
    let (Some(check), Some(newest)) = (
        context.graph().runtime_check(),
        table.successor(runtime, context.settings.as_of, needs_callbacks),
    ) else {
        return String::new();
    };
    newer_needs(newest, successor, check.provider)
        .map(|needed| {
            format!(
                " that the project's {} accepts ({}, and `{}` needs {needed})",
                check.provider,
                check.holding(),
                newest.id
            )
        })
        .unwrap_or_default()
}

/// The provider release the family's newest runtime needs, where it is not `chosen`: what a
/// message adds to say why `chosen` was picked instead.
fn newer_needs(newest: &Runtime, chosen: &Runtime, provider: CheckingProvider) -> Option<ReleaseVersion> {
    newest.first_accepted_by(provider).filter(|_| newest.id != chosen.id)
}

/// Per place the code reads a runtime the deployment's settings give, why it is not fixed and
/// where to change it: every deprecated runtime any of those settings give there, since one
/// finding stands for the place.
fn set_outside_the_code(
    context: &RuleContext,
    table: &'static RuntimeTable,
    groups: &BTreeMap<GroupKey, Vec<RuntimeUse>>,
) -> HashMap<Site, String> {
    let mut changes: BTreeMap<&Site, Vec<String>> = BTreeMap::new();
    for ((written, _), uses) in groups {
        let Some(first) = uses.iter().find(|u| !u.value.set_in.is_empty()) else {
            continue;
        };
        let callbacks = callback_handler(context, table, first.runtime, uses);
        let Ok(successor) = successor_of(context, table, first.runtime, callbacks.as_deref()) else {
            continue;
        };
        let places: Vec<String> = first
            .value
            .set_in
            .iter()
            .map(|setting| format!("`{}` in {}:{}", setting.key, setting.file, setting.line))
            .collect();
        changes.entry(written).or_default().push(format!(
            "{} (`{}`) to `{}`",
            places.join(" and "),
            first.runtime.id,
            successor.id
        ));
    }
    changes
        .into_iter()
        .map(|(written, changes)| {
            let reason = format!(
                "the runtime comes from the deployment's settings, outside the code, which infrafix does not edit: set {}",
                changes.join("; ")
            );
            (written.clone(), reason)
        })
        .collect()
}

/// What a group's finding needs to know of the others.
struct GroupPlan<'plan> {
    lists: &'plan ListPlan,
    /// For a runtime the deployment's settings give: why no fix, naming every setting that
    /// gives a deprecated runtime where the code reads it.
    set_outside: Option<&'plan String>,
}

fn report_group(
    context: &RuleContext,
    table: &'static RuntimeTable,
    key: &GroupKey,
    uses: &[RuntimeUse],
    plan: &GroupPlan,
    findings: &mut Vec<Finding>,
) {
    let Some(first) = uses.first() else { return };
    let runtime = first.runtime;
    let callbacks = callback_handler(context, table, runtime, uses);
    let successor = successor_of(context, table, runtime, callbacks.as_deref()).ok();
    let mut intents = Vec::new();
    let mut handler_notes = Vec::new();
    // Per use, how its handler becomes the new runtime's, when the new runtime names one.
    let handler_changes: Vec<Option<HandlerChange>> = uses
        .iter()
        .map(|runtime_use| {
            let handler = runtime.handler.as_deref()?;
            Some(handler_change(table, runtime_use, handler))
        })
        .collect();
    let reason_without_fix = match (
        group_target(context, table, runtime, uses),
        plan.lists.held_back.get(key),
    ) {
        (Err(reason), _) => Some(plan.set_outside.cloned().unwrap_or(reason)),
        (Ok(_), Some(reason)) => Some(reason.clone()),
        (Ok(successor), None) => {
            intents = origin_intents(uses, successor, plan.lists);
            for (runtime_use, change) in uses.iter().zip(&handler_changes) {
                match change {
                    // One function reading several entries of a group has one handler to change.
                    Some(HandlerChange::Edit(intent)) if !intents.contains(intent) => intents.push(intent.clone()),
                    Some(HandlerChange::Edit(_)) => {}
                    Some(HandlerChange::ByHand(note)) => handler_notes.push((&runtime_use.value.at, *note)),
                    Some(HandlerChange::AlreadyRight) | None => {}
                }
            }
            None
        }
    };
    let packages: Vec<Readiness> = uses
        .iter()
        .zip(&handler_changes)
        .map(|(runtime_use, change)| match runtime_use.function() {
            Some(function) => {
                let handler_becomes_executable = !matches!(change, Some(HandlerChange::ByHand(_)));
                readiness(context, function, runtime, handler_becomes_executable)
            }
            None => Readiness::Unknown,
        })
        .collect();
    let lost_packages: Vec<Option<LostPackage>> = uses
        .iter()
        .map(|runtime_use| lost_package(context, runtime_use.function()?, runtime, successor?))
        .collect();
    let not_ready: Vec<&LambdaFunction> = uses
        .iter()
        .zip(&packages)
        .filter(|(_, package)| matches!(package, Readiness::NotReady(_)))
        .filter_map(|(runtime_use, _)| runtime_use.function())
        .collect();
    // Moving a function whose package does not hold the new runtime's executable breaks it, as
    // does taking away a package its code loads; a default the deployment may override may not
    // be the runtime that runs, while the handler the fix also moves is.
    let overridable = uses.iter().any(|runtime_use| runtime_use.value.overridable);
    let loses_packages = lost_packages.iter().any(Option::is_some);
    let applicability = match not_ready.is_empty() && !overridable && !loses_packages {
        true => table.fix_applicability(runtime),
        false => Applicability::Unsafe,
    };
    // No fix and no reason when the value is already what it should become.
    let fix: Option<Result<Fix, String>> = match reason_without_fix {
        Some(reason) => Some(Err(reason)),
        None if intents.is_empty() => None,
        None => Some(context.render(&FixPlan { intents, applicability })),
    };
    let fixed = matches!(fix, Some(Ok(_)));
    let mut reported: Vec<&Site> = Vec::new();
    for ((runtime_use, package), lost) in uses.iter().zip(&packages).zip(&lost_packages) {
        // Several loops over one collection read the same entry: it is one place to change.
        if reported.contains(&&runtime_use.value.at) || read_where_suppressed(context, runtime_use) {
            continue;
        }
        reported.push(&runtime_use.value.at);
        let held_back = successor
            .map(|successor| held_back_by_provider(context, table, runtime, successor, callbacks.is_some()))
            .unwrap_or_default();
        let mut message = describe(
            runtime,
            successor,
            context.settings.as_of,
            &held_back,
            callbacks.is_some(),
            runtime_use.owner,
            package,
        );
        if let (Some(reason), Some(_)) = (&callbacks, successor) {
            message.push_str(&format!(
                " {reason}, which {} does not run.",
                async_only_runtimes(table, runtime, context.settings.as_of)
            ));
        } else if let (Some(successor), Some(function)) = (successor, runtime_use.function()) {
            if successor.async_only
                && !runtime.async_only
                && matches!(completion(context, function), Completion::Unread)
            {
                let otherwise = match table.successor(runtime, context.settings.as_of, true) {
                    Some(runs) => format!(", or move it to `{}` instead", runs.id),
                    None => String::new(),
                };
                message.push_str(&format!(
                    " `{}` runs async handlers only, and infrafix cannot read this function's handler: if it takes a callback (`(event, context, callback)`) or calls `context.done`, `succeed` or `fail`, make it async first{otherwise}.",
                    successor.id
                ));
            }
        }
        if fixed && !matches!(package, Readiness::NotReady(_)) {
            let own = runtime_use.function().map(|function| function.resource);
            message.push_str(&others_not_ready(own, &not_ready));
        }
        if let Some((_, note)) = handler_notes.iter().find(|(at, _)| *at == &runtime_use.value.at) {
            message.push_str(note);
        }
        if let (Some(lost), Some(successor)) = (lost, successor) {
            message.push_str(&lost.describe(runtime, successor));
        }
        if runtime_use.value.overridable {
            message.push_str(
                " The runtime comes from a default that each deployment may override (a module caller, a variable file, a stack parameter, a Pulumi stack's config, an environment variable), so the fix is unsafe: check the value each deployment sets.",
            );
        }
        let removal = runtime_use
            .layer_entry()
            .and_then(|entry| plan.lists.changes.get(&entry.at));
        if let (true, Some(successor), Some(ListChange::Remove(removal))) = (fixed, successor, removal) {
            message.push_str(&match removal {
                Removal::AlreadyListed => format!(" `{}` is listed already, so this entry goes.", successor.id),
                Removal::EarlierEntryBecomesIt => {
                    format!(" An earlier entry becomes `{}`, so this one goes.", successor.id)
                }
            });
        }
        let at = &runtime_use.value.at;
        let finding = Finding::new(RuleId::LambdaDeprecatedRuntime, at.file, at.range.clone(), message);
        findings.push(match &fix {
            Some(outcome) => finding.with_outcome(outcome.clone()),
            None => finding,
        });
    }
}

/// Why a group's functions must stay on a runtime that runs callback handlers, when its newest
/// successor runs async handlers only: the first of them whose handler takes a callback.
fn callback_handler(
    context: &RuleContext,
    table: &RuntimeTable,
    runtime: &Runtime,
    uses: &[RuntimeUse],
) -> Option<String> {
    let newest = table.successor(runtime, context.settings.as_of, false)?;
    if !newest.async_only || runtime.async_only {
        return None;
    }
    uses.iter()
        .filter_map(RuntimeUse::function)
        .find_map(|function| match completion(context, function) {
            Completion::Callback(reason) => Some(reason),
            Completion::Returns | Completion::Unread => None,
        })
}

/// The runtimes of `runtime`'s family supported on `date` that run async handlers only, as a
/// message lists them (`` `nodejs24.x` ``).
fn async_only_runtimes(table: &RuntimeTable, runtime: &Runtime, date: CalendarDate) -> String {
    let newer: Vec<String> = table
        .supported_in_family(runtime, date, false)
        .filter(|candidate| candidate.async_only)
        .map(|candidate| format!("`{}`", candidate.id))
        .collect();
    newer.join(" or ")
}

/// For a finding whose fix also moves other functions: which of those are not ready, if any.
/// `own` is the function the finding is about (none for a layer's entry).
fn others_not_ready(own: Option<ResourceId>, not_ready: &[&LambdaFunction]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for other in not_ready.iter().filter(|other| Some(other.resource) != own) {
        if !names.contains(&other.name.as_str()) {
            names.push(&other.name);
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

/// The finding's message. `held_back` says what keeps a newer runtime than the successor from the
/// project (see `held_back_by_provider`).
fn describe(
    runtime: &Runtime,
    successor: Option<&Runtime>,
    as_of: CalendarDate,
    held_back: &str,
    runs_callbacks: bool,
    owner: Owner,
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
    match (&runtime.handler, owner) {
        (_, Owner::Layer(..)) => message.push_str(&format!(" List `{}` instead", successor.id)),
        (Some(handler), Owner::Function(function)) if function.takes_handler => {
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
            ", the newest {} runtime supported on {as_of}{}{held_back}; test the code on it.",
            runtime.family,
            if runs_callbacks {
                " that runs callback handlers"
            } else {
                ""
            }
        )),
    }
    message
}

/// The intents that write the successor where the deprecated runtime is written. A layer's entry
/// that the plan removes goes from its list instead (with a const elsewhere, the const's other
/// uses still change).
fn origin_intents(uses: &[RuntimeUse], successor: &Runtime, plan: &ListPlan) -> Vec<Intent> {
    let mut intents = Vec::new();
    let mut sites: Vec<Site> = Vec::new();
    for runtime_use in uses {
        let entry = runtime_use.layer_entry();
        let removed = entry.filter(|entry| matches!(plan.changes.get(&entry.at), Some(ListChange::Remove(_))));
        match removed {
            Some(entry) => intents.push(Intent::RemoveListEntry {
                entry: entry.at.clone(),
                written: runtime_use.value.written.clone(),
            }),
            None if !sites.contains(&runtime_use.value.written) => sites.push(runtime_use.value.written.clone()),
            None => {}
        }
    }
    if !sites.is_empty() {
        intents.push(Intent::ReplaceRuntime {
            sites,
            successor: successor.id.clone(),
        });
    }
    intents
}

/// How the fixes change layers' `compatibleRuntimes` so that no list names a runtime twice
/// (`["go1.x", "provided.al2"]` must not become `["provided.al2023", "provided.al2023"]`).
#[derive(Default)]
struct ListPlan {
    /// What happens to each entry whose runtime moves; an entry not here keeps its value.
    changes: HashMap<Site, ListChange>,
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

/// One entry of a list, and the runtimes its deprecated values move to when their groups are fixed.
struct PlannedEntry<'graph> {
    entry: &'graph ListEntry,
    successors: Vec<&'static Runtime>,
}

impl PlannedEntry<'_> {
    /// Whether the entry may hold any runtime after the fixes, as far as infrafix can tell.
    fn is_unreadable(&self) -> bool {
        self.entry.sole_id.is_none()
    }

    /// Whether the entry names one runtime and moves to `id`.
    fn becomes(&self, id: &str) -> bool {
        self.entry.sole_id.is_some() && matches!(self.successors.as_slice(), [successor] if successor.id == id)
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
    let mut targets: BTreeMap<&GroupKey, &'static Runtime> = BTreeMap::new();
    let mut groups_at: HashMap<&Site, Vec<&GroupKey>> = HashMap::new();
    let mut lists: Vec<&[ListEntry]> = Vec::new();
    for (key, uses) in groups {
        if let Some(Ok(successor)) = uses.first().map(|u| group_target(context, table, u.runtime, uses)) {
            targets.insert(key, successor);
        }
        for runtime_use in uses {
            let Owner::Layer(layer, entry) = runtime_use.owner else {
                continue;
            };
            groups_at.entry(&entry.at).or_default().push(key);
            let list = layer.compatible_runtimes.as_slice();
            if !lists.iter().any(|known| std::ptr::eq(*known, list)) {
                lists.push(list);
            }
        }
    }
    let mut plan = ListPlan::default();
    // Each round holds back at least one more group, or ends.
    for _ in 0..=groups.len() {
        plan.changes.clear();
        for list in &lists {
            plan_list(list, &groups_at, &targets, &mut plan.changes);
        }
        let mut held_back_now = false;
        for (key, uses) in groups {
            if !targets.contains_key(key) {
                continue;
            }
            let kept =
                uses.iter()
                    .filter_map(RuntimeUse::layer_entry)
                    .find_map(|entry| match plan.changes.get(&entry.at) {
                        Some(ListChange::Keep(reason)) => Some(reason.clone()),
                        _ => None,
                    });
            if let Some(reason) = kept {
                targets.remove(key);
                plan.held_back.insert(key.clone(), reason);
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
    list: &[ListEntry],
    groups_at: &HashMap<&Site, Vec<&GroupKey>>,
    targets: &BTreeMap<&GroupKey, &'static Runtime>,
    changes: &mut HashMap<Site, ListChange>,
) {
    let entries: Vec<PlannedEntry> = list
        .iter()
        .map(|entry| PlannedEntry {
            entry,
            successors: groups_at
                .get(&entry.at)
                .into_iter()
                .flatten()
                .filter_map(|key| targets.get(key).copied())
                .collect(),
        })
        .collect();
    // What stays as it is: the runtimes named by entries that do not move.
    let staying: Vec<&str> = entries
        .iter()
        .filter(|planned| planned.successors.is_empty())
        .filter_map(|planned| planned.entry.sole_id.as_deref())
        .collect();
    let unreadable_besides = |index: usize| {
        entries
            .iter()
            .enumerate()
            .find(|(other, planned)| *other != index && planned.is_unreadable())
            .map(|(_, planned)| planned.entry.text.as_str())
    };
    let mut taken: Vec<&str> = Vec::new();
    for (index, planned) in entries.iter().enumerate() {
        let change = match planned.successors.as_slice() {
            [] => continue,
            [successor] if planned.entry.sole_id.is_some() => {
                let id = successor.id.as_str();
                if staying.contains(&id) {
                    ListChange::Remove(Removal::AlreadyListed)
                } else if taken.contains(&id) {
                    ListChange::Remove(Removal::EarlierEntryBecomesIt)
                } else if let Some(unreadable) = unreadable_besides(index) {
                    ListChange::Keep(format!(
                        "a layer's `compatibleRuntimes` lists it beside `{unreadable}`, whose value infrafix cannot read, so `{id}` could be listed twice; change it by hand"
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
                            .any(|(other, planned)| other != index && planned.becomes(&successor.id))
                });
                match (unreadable_besides(index), clash) {
                    (Some(unreadable), _) => ListChange::Keep(format!(
                        "a layer's `compatibleRuntimes` lists it beside `{unreadable}`, whose value infrafix cannot read, so a runtime could be listed twice; change it by hand"
                    )),
                    (None, Some(successor)) => ListChange::Keep(format!(
                        "a layer's `compatibleRuntimes` lists it in `{}`, which may hold another runtime, beside `{}`; change it by hand",
                        planned.entry.text, successor.id
                    )),
                    (None, None) => ListChange::Replace,
                }
            }
        };
        changes.insert(planned.entry.at.clone(), change);
    }
}

enum HandlerChange {
    Edit(Intent),
    AlreadyRight,
    /// The handler must change, but not by this fix: the note says why.
    ByHand(&'static str),
}

const NOT_IN_OWN_DEFINITION: &str =
    " Set its handler to `bootstrap` by hand: it is not written in the function's own definition.";
const WRITTEN_FOR_OTHERS_TOO: &str = " Set its handler to `bootstrap` by hand: it is written where other functions or callers may read it, not for this function alone.";
const WRITTEN_IN_SEVERAL_PLACES: &str = " Set its handler to `bootstrap` by hand: it may come from several places.";
const NOT_IN_ENTRY: &str =
    " Set the handler of the functions made from this entry to `bootstrap` by hand: it is not written in the entry.";
const READ_WITH_OTHER_RUNTIMES: &str = " Its handler is also read by functions whose runtime is written elsewhere, which may keep it, so it is not changed: give the functions moving to this runtime the handler `bootstrap` by hand.";
const READ_FOR_MORE_THAN_THE_HANDLER: &str = " Its handler's value is also read elsewhere (a package path built from the binary's name, an environment variable, another loop over the same collection), which would change with it, so it is not changed: give the function the handler `bootstrap` by hand.";
const SERVES_OTHER_RUNTIMES: &str = " Its handler also serves the other runtimes this function may have, so it is not changed: give this runtime's case the handler `bootstrap` by hand.";

/// The change that gives a function leaving go1.x or provided the handler `bootstrap`. Only a
/// handler written for the function alone is changed: a shared const may serve others. For a
/// function made per element of a collection, the loop's own arguments serve every element, Go
/// or not: only a handler written in the Go element itself may change.
fn handler_change(table: &RuntimeTable, runtime_use: &RuntimeUse, handler: &str) -> HandlerChange {
    // A layer has no handler, and some frameworks make the function's handler themselves.
    let (Some(function), Some(place)) = (runtime_use.function(), &runtime_use.value.handler) else {
        return HandlerChange::AlreadyRight;
    };
    let per_element = runtime_use.value.read_at.is_some();
    let by_hand = HandlerChange::ByHand(if per_element {
        NOT_IN_ENTRY
    } else {
        NOT_IN_OWN_DEFINITION
    });
    let set = |at: &Site| {
        HandlerChange::Edit(Intent::SetString {
            at: at.clone(),
            value: handler.to_owned(),
        })
    };
    let change = match place {
        HandlerPlace::OutOfReach => by_hand,
        HandlerPlace::SharedWithOtherRuntimes { value } if value == handler => HandlerChange::AlreadyRight,
        HandlerPlace::SharedWithOtherRuntimes { .. } => HandlerChange::ByHand(READ_WITH_OTHER_RUNTIMES),
        HandlerPlace::ReadElsewhere { value } if value == handler => HandlerChange::AlreadyRight,
        HandlerPlace::ReadElsewhere { .. } => HandlerChange::ByHand(READ_FOR_MORE_THAN_THE_HANDLER),
        HandlerPlace::Missing { beside } if !per_element => HandlerChange::Edit(Intent::AddHandler {
            beside: beside.clone(),
            handler: handler.to_owned(),
        }),
        HandlerPlace::Missing { .. } => by_hand,
        HandlerPlace::Written(literals) if per_element => {
            let (in_element, elsewhere): (Vec<_>, Vec<_>) = literals.iter().partition(|(_, own)| *own);
            let wrong: Vec<_> = in_element
                .iter()
                .filter(|(written, _)| written.value != handler)
                .collect();
            match wrong.as_slice() {
                [(written, _)] => set(&written.at),
                [] if !in_element.is_empty() || elsewhere.iter().all(|(written, _)| written.value == handler) => {
                    HandlerChange::AlreadyRight
                }
                [] if elsewhere.len() > 1 => HandlerChange::ByHand(WRITTEN_IN_SEVERAL_PLACES),
                _ => by_hand,
            }
        }
        HandlerPlace::Written(literals) => {
            let wrong: Vec<_> = literals
                .iter()
                .filter(|(written, _)| written.value != handler)
                .collect();
            match wrong.as_slice() {
                [] => HandlerChange::AlreadyRight,
                [(written, true)] => set(&written.at),
                [(_, false)] => HandlerChange::ByHand(WRITTEN_FOR_OTHERS_TOO),
                _ => HandlerChange::ByHand(WRITTEN_IN_SEVERAL_PLACES),
            }
        }
    };
    match change {
        HandlerChange::Edit(_) if !per_element && may_keep_its_handler(table, function, handler) => {
            HandlerChange::ByHand(SERVES_OTHER_RUNTIMES)
        }
        HandlerChange::Edit(Intent::SetString { ref at, .. })
            if per_element && element_handler_kept_by_another_runtime(table, function, at, handler) =>
        {
            HandlerChange::ByHand(SERVES_OTHER_RUNTIMES)
        }
        change => change,
    }
}

/// Whether the function's runtime may also be one that keeps its handler (`prod ? "go1.x" :
/// "nodejs22.x"`): its one handler then serves both, and changing it would break the other.
/// Whether the handler an element writes at `at` is also the handler of another runtime the
/// function may have, one that keeps it: an element whose runtime differs per call of the code
/// making it (`services.push({ runtime, handler: "main" })` in a factory given "go1.x" and
/// "python3.12"), or is chosen (`legacy ? "go1.x" : "python3.12"`).
fn element_handler_kept_by_another_runtime(
    table: &RuntimeTable,
    function: &LambdaFunction,
    at: &Site,
    handler: &str,
) -> bool {
    function
        .runtimes
        .iter()
        .filter(|value| match &value.handler {
            Some(HandlerPlace::Written(literals)) => literals.iter().any(|(written, own)| *own && written.at == *at),
            _ => false,
        })
        .filter_map(|value| table.by_id(&value.id))
        .any(|runtime| runtime.handler.as_deref() != Some(handler))
}

fn may_keep_its_handler(table: &RuntimeTable, function: &LambdaFunction, handler: &str) -> bool {
    function
        .runtimes
        .iter()
        .filter_map(|value| table.by_id(&value.id))
        .any(|runtime| runtime.handler.as_deref() != Some(handler))
}
