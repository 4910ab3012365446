//! Lambda functions and layers as the rules see them.

use super::{Branch, CallRole, DeadLetter, DeploymentSetting, FunctionRole, Multiplicity, ResourceId, Site, Written};
use crate::packaging::BundledFile;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaFunction {
    pub resource: ResourceId,
    /// How messages name it: the variable holding it, or its logical name, in backticks.
    pub name: String,
    /// Where findings about the function as a whole point: its declaration.
    pub at: Site,
    /// Where it is created: how intents name it.
    pub declared: Site,
    /// Whether the program writes the function's handler: false where the framework makes one
    /// (Pulumi's `CallbackFunction` builds it from a callback).
    pub takes_handler: bool,
    /// Whether its framework makes a handler that hands the program's function a callback
    /// (Pulumi's `CallbackFunction`, typed `(event, context, callback)`; pulumi-aws keeps its
    /// default runtime off Node.js 24, which runs no callback handlers: #6336, #6337).
    pub hands_a_callback: bool,
    pub instances: Multiplicity,
    /// The choices its declaration lies in, outermost first; empty when it always exists.
    pub branches: Vec<Branch>,
    /// The deployments that make it, where the code tests which one it runs in.
    pub stacks: StackFilter,
    /// Its reserved concurrency: none when unset, one, or one per element when the function is
    /// made per element of a collection and reads the number from the element.
    pub reservations: Vec<Reservation>,
    /// Every runtime the function may have, one per place a runtime id is written for it.
    pub runtimes: Vec<RuntimeValue>,
    /// The handler, when it is one string written out (the binary a go1.x function runs).
    pub handler: Option<String>,
    /// Its code package, when the program spells out what it holds.
    pub code: Option<CodePackage>,
    /// The role it runs as; `None` when its settings name none.
    pub role: Option<FunctionRole>,
    /// For a function a factory makes, whose calls run it as different roles or as one infrafix
    /// cannot follow (`role` is then unknown): each call with its role, so that a call whose role
    /// is known is judged on its own. Empty otherwise.
    pub role_per_call: Vec<CallRole>,
    pub dead_letter: DeadLetter,
    /// The resources it is made to wait for (`dependsOn`); `None` when they cannot be known.
    pub depends_on: Option<Vec<ResourceId>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The number and where it is written; `None` when it cannot be known.
    pub value: Option<Written<i64>>,
    /// How many of the function's instances reserve it.
    pub instances: Multiplicity,
    /// For a number that differs between the function's instances (read from the element of a
    /// collection, or passed by each call of a helper or construct), where the function reads it:
    /// findings point at the number, and a suppression where it is read covers it too.
    pub element_read_at: Option<Site>,
    /// A fix may not change the number where it is written (see `RuntimeValue::kept`): it counts
    /// in the sum, and stays as it is.
    pub kept: bool,
    /// Where the code cannot know the number because the deployment's settings give it
    /// (`config.requireNumber("reserved")`): where the code reads it, and each stack's number.
    pub configured: Option<StackNumbers>,
    /// The account and region these instances deploy to, as far as the program says.
    pub target: DeployTarget,
}

/// The AWS account and region something deploys to, where the program writes them (a CDK stack's
/// literal `env`, the region of a Terraform or Pulumi AWS provider). Reserved concurrency is
/// budgeted per account and region. A field is `None` when the program does not say, or says
/// only at deploy (`process.env.CDK_DEFAULT_ACCOUNT`): it may then be any, the one of another
/// resource included.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DeployTarget {
    pub account: Option<String>,
    pub region: Option<String>,
    /// Where the region is not written, what chooses it, as messages name it (a Terraform
    /// provider configuration whose `region` is a variable, ``provider `aws.replica` ``): what
    /// deploys through two of them is not summed as if in one region.
    pub chosen_by: Option<String>,
}

impl DeployTarget {
    /// Whether what deploys here may deploy to `target` too: each field is the same, or unknown
    /// here.
    pub fn may_be(&self, target: &DeployTarget) -> bool {
        let field = |mine: &Option<String>, theirs: &Option<String>| mine.is_none() || mine == theirs;
        field(&self.account, &target.account)
            && field(&self.region, &target.region)
            && field(&self.chosen_by, &target.chosen_by)
    }

    /// In the region written `region`, or else chosen by what `chosen_by` names.
    pub fn in_region(region: Option<String>, chosen_by: impl FnOnce() -> String) -> Self {
        DeployTarget {
            account: None,
            chosen_by: region.is_none().then(chosen_by),
            region,
        }
    }
}

/// The numbers the stacks' settings give one value the code reads from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackNumbers {
    /// Where the code reads it: findings point there.
    pub read_at: Site,
    pub per_stack: Vec<StackNumber>,
}

/// Which deployments (Pulumi stacks, by name) make a declaration, where the code tests the
/// deployment's name around it (`if (pulumi.getStack() === "prod")`): the default, every one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackFilter {
    /// Only these, when a test names the ones it runs in.
    pub only: Option<Vec<String>>,
    /// Not these.
    pub except: Vec<String>,
}

impl StackFilter {
    /// Narrows it to the stacks named (those of them it includes already).
    pub fn keep_only(&mut self, names: &[String]) {
        match &mut self.only {
            Some(only) => only.retain(|name| names.contains(name)),
            None => self.only = Some(names.to_vec()),
        }
    }

    /// Whether the stack named `stack` makes it; `None`, what every stack gets, always does.
    pub fn includes(&self, stack: Option<&str>) -> bool {
        let Some(stack) = stack else {
            return true;
        };
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|name| name == stack))
            && !self.except.iter().any(|name| name == stack)
    }
}

/// The number one stack deploys for a value the code reads from its settings, or picks by its
/// name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackNumber {
    /// The stack (`prod`); `None` for a value every stack gets (the project has no stack file).
    pub stack: Option<String>,
    pub value: i64,
    pub source: StackNumberSource,
}

/// Where a stack's number is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackNumberSource {
    /// In the stack's settings.
    Settings(DeploymentSetting),
    /// The default the code writes beside the read (`config.getNumber("reserved") ?? 100`),
    /// which a stack that sets none deploys.
    CodeDefault,
    /// In the code, for the stack by its name (`{ prod: 450, dev: 5 }[pulumi.getStack()]`).
    ChosenInCode,
}

/// One runtime id a function or a layer's list entry may name, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeValue {
    /// The runtime's id in the runtime table (`go1.x`), whether the program writes the id, an enum
    /// member or a constant.
    pub id: String,
    /// Where findings point: the function's runtime setting, the layer's list entry, or the
    /// runtime written in the element of a collection the function is made for.
    pub at: Site,
    /// Where the id is written: what a fix changes.
    pub written: Site,
    /// Values with the same `shared` site change together (one const, one imported name).
    pub shared: Site,
    /// For a function made per element of a collection: where the function reads the element's
    /// runtime, so that a suppression there covers it.
    pub read_at: Option<Site>,
    /// Where the function's handler is written, for a move that needs a new one; `None` for a
    /// layer's entry or a function whose handler the framework makes.
    pub handler: Option<HandlerPlace>,
    /// Written as a default the deployment may override (a Terraform variable's `default`, which
    /// a module caller or a `.tfvars` file may replace): what runs may be another value.
    pub overridable: bool,
    /// Why no fix may change the value where it is written, when none may: the finding stands,
    /// with this reason.
    pub kept: Option<&'static str>,
    /// Where the deployment's settings set the value, when it comes from outside the code (each
    /// Pulumi stack file that sets this runtime for the key the code reads at `written`): no fix
    /// changes it, and the finding says where to.
    pub set_in: Vec<DeploymentSetting>,
}

/// Where the handler of the function using a runtime value is written, as a fix that must change
/// it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerPlace {
    /// Strings the handler may come from; `true` marks those written for this function alone (in
    /// its own arguments, beside its runtime, or in the collection element it is made from), which
    /// a fix may change.
    Written(Vec<(Written<String>, bool)>),
    /// One string, written where the fix could change it, but read by functions whose runtimes
    /// are written in different places (one of them may keep its runtime): it is not changed.
    SharedWithOtherRuntimes { value: String },
    /// One string, written where the fix could change it, but read for more than handlers (a
    /// package path built from the binary's name, an environment variable), which would change
    /// with it: it is not changed.
    ReadElsewhere { value: String },
    /// No handler is written; one may be added beside the runtime setting at `beside`.
    Missing { beside: Site },
    /// Written where it cannot be read, or missing where a fix for this runtime value cannot add it.
    OutOfReach,
}

/// A Lambda layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaLayer {
    /// The entries of its list of compatible runtimes, in order.
    pub compatible_runtimes: Vec<ListEntry>,
}

/// One entry of a layer's list of compatible runtimes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub at: Site,
    /// The one runtime id the entry names, when nothing else can come out of it (no default, no
    /// choice); `None` when it may hold any runtime.
    pub sole_id: Option<String>,
    /// How the entry is written, for messages: its first line, shortened.
    pub text: String,
    /// The runtimes it may name that infrafix knows.
    pub runtimes: Vec<RuntimeValue>,
}

/// The name CloudFormation gives the one file of a function's inline code (`ZipFile`, SAM's
/// `InlineCode`, the CDK's `Code.fromInline`), before the extension of the function's runtime.
pub const INLINE_CODE_FILE: &str = "index";

/// A file a program writes into a code package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    /// Its name at the package's root.
    pub name: String,
    /// Its text, when the program spells it out (a string, not a file on disk).
    pub text: Option<String>,
    /// The project file it is a copy of, when the program names one (Terraform's `source_file`):
    /// the folder its path starts from, and the path.
    pub copy_of: Option<(PathBuf, String)>,
}

/// The packages a bundler leaves out of a function's bundle, for the runtime to provide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleExternals {
    /// Its default: the AWS SDK the function's runtime provides (`aws-sdk` up to nodejs16.x,
    /// `@aws-sdk/*` from nodejs18.x), so a package only the old runtime provides is bundled once
    /// the runtime changes.
    RuntimeSdk,
    /// The packages a setting (`setting`, as the program spells it) lists, each a name or a
    /// pattern ending in `*`.
    Listed { setting: String, packages: Vec<String> },
}

impl BundleExternals {
    /// Whether the bundle leaves `package` to a runtime that does not provide it.
    pub fn keeps_out(&self, package: &str) -> bool {
        match self {
            BundleExternals::RuntimeSdk => false,
            BundleExternals::Listed { packages, .. } => packages.iter().any(|listed| match listed.strip_suffix('*') {
                Some(prefix) => package.starts_with(prefix),
                None => listed == package,
            }),
        }
    }
}

/// What a function's code package holds, as far as the program spells it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodePackage {
    /// An archive or folder by its path, relative to `folder` when the program says where it
    /// starts (`path.join(__dirname, "../bin")`: the declaring file's folder), else to the folder
    /// the program runs in.
    FileArchive { path: String, folder: Option<PathBuf> },
    /// Files the program names one by one, each at the root of the package: a Pulumi
    /// AssetArchive's entries, Terraform's `archive_file` of a `source_file` or `source` blocks,
    /// the CDK's `Code.fromInline`, CloudFormation's `ZipFile`. `by` names the construct for
    /// messages.
    WrittenOut { by: String, files: Vec<WrittenFile> },
    /// Built by a tool that names the binary after the function's handler (`sam build` with
    /// `BuildMethod: go1.x`), which `by` names: the handler a fix gives is the binary built.
    NamedAfterHandler { by: String },
    /// Built by a tool that cannot build the package for a runtime of the `provided` family
    /// without a setting the program lacks (`sam build` without `BuildMethod`), from `source`
    /// (the `CodeUri` folder, whose `package.json` dependencies it installs for a Node.js
    /// function). A `source` the project's own scripts build into is judged as they build it:
    /// the tool then only packages it.
    BuildNeeds {
        by: String,
        setting: String,
        source: Box<CodePackage>,
    },
    /// Built by a command the program writes out (the CDK's `bundling.command`), which writes
    /// these files at the package's root.
    Bundled { files: Vec<BundledFile> },
    /// Built by the construct that makes the function (the CDK's `GoFunction`, `by`), which
    /// names the binary `executable` whatever the runtime.
    BuiltByConstruct { by: String, executable: String },
    /// Bundled by esbuild from an entry file by the construct that makes the function (the CDK's
    /// `NodejsFunction`, `by`): every package the entry loads goes into the bundle, from the
    /// app's `node_modules`, but those `externals` leave to the runtime.
    EsbuildBundle {
        by: String,
        /// The entry file: the first of these paths that exists, each starting from `folder` (or,
        /// without one, from the folder the program runs in).
        entry: Vec<String>,
        folder: Option<PathBuf>,
        externals: BundleExternals,
        /// The function of the entry the function's handler runs (`handler` by default), when
        /// the program names it.
        export: Option<String>,
    },
    /// Any of these: one per instance of a function made in a loop over paths, or one of the
    /// paths a choice names (`isProd ? "./dist" : "./build"`).
    AnyOf(Vec<CodePackage>),
    /// Built or laid out in a way that infrafix does not read, but that must change for the new
    /// runtime: `reason` says how the package is made and what it must hold.
    Unjudged { reason: String },
}
