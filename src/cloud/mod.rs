//! The cloud graph: what a project deploys, in terms no language has. A front end builds it from
//! a project's files (`frontends`); rules judge it and answer with fix intents, which the same front
//! end renders as edits in its language. Rules that judge the graph never see syntax, so each new
//! front end gets them by building the graph and rendering the intents.

mod apigateway;
mod arn_text;
mod choices;
mod graph;
mod iam;
mod intent;
mod lambda;
mod policy;
mod runtime_check;

use std::ops::Range;

pub use apigateway::{
    calls_other_lambda_api, route_coverage, ApiDeployment, ApiIntegration, ApiStage, ExistingFunction,
    IntegrationSetting, IntegrationTarget, IntegrationType, InvokePermission, LimitValue, MethodSettings,
    MisplacedThrottle, RouteDefaults, StageSettings, ThrottleLimit,
};
pub use arn_text::{ArnPiece, ArnText, ArnValues, ReadValue, WrittenArn};
pub use choices::{heaviest_run, Branch};
pub use graph::{CloudGraph, GraphSource, Spelling};
pub use iam::{
    CallRole, DeadLetter, FunctionRole, GrantTarget, IamRole, MessageTarget, QueueEventSource, RoleAttachment,
    SendGrant,
};
pub use intent::{FixPlan, Intent, Waiter};
pub use lambda::{
    BundleExternals, CodePackage, DeployTarget, HandlerPlace, LambdaFunction, LambdaLayer, ListEntry, Reservation,
    RuntimeValue, StackFilter, StackNumber, StackNumberSource, StackNumbers, WrittenFile, INLINE_CODE_FILE,
};

pub use policy::{
    action_matches, Answer, ConditionalManaged, Coverage, Effect, Entry, GrantDocument, Malformed, MisnamedTarget,
    PermissionsBoundary, PhysicalName, PolicyStatement, ResourceTarget, RoleGrants,
};
pub use runtime_check::{CheckingProvider, RuntimeCheck};

use crate::fix::Fix;

/// A place in one of a project's files where a resource or a value is written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Site {
    /// Index of the file in its project.
    pub file: usize,
    pub range: Range<usize>,
}

/// Sites sort in reading order: by file, then where they start.
impl Ord for Site {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.file, self.range.start, self.range.end).cmp(&(other.file, other.range.start, other.range.end))
    }
}

impl PartialOrd for Site {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The front end's number for a resource of the project: the same in every node and reference
/// that names the resource.
pub type ResourceId = usize;

/// A resource, or one of its outputs (`attribute`: `arn`, `name`, `invokeArn` …).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceRef {
    pub resource: ResourceId,
    /// The output read, in the graph's spelling (see `ARN`, `INVOKE_ARN`); a front end whose
    /// language spells them otherwise (`invoke_arn`, `Arn`) writes these.
    pub attribute: Option<String>,
    /// The one instance of a resource made several times it names, by a key written out (`"a"` in
    /// Terraform's `aws_sqs_queue.q["a"]`, `0` in `q[0]`); `None` for the resource as a whole, or
    /// for an instance whose key is known only at deploy (`q[each.key]`), which stands for any.
    pub instance: Option<String>,
}

impl ResourceRef {
    /// Whether the reference reads the resource's ARN.
    pub fn is_arn(&self) -> bool {
        self.attribute.as_deref() == Some(ARN)
    }
}

/// The output holding a resource's ARN.
pub const ARN: &str = "arn";
/// The output holding a Lambda function's invoke ARN, the one API Gateway integrations call.
pub const INVOKE_ARN: &str = "invokeArn";
/// The output holding the ARN of a Lambda function's published version (`…:function:NAME:3`).
pub const QUALIFIED_ARN: &str = "qualifiedArn";
/// The invoke ARN of a Lambda function's published version: what an integration calling the
/// version takes as its uri.
pub const QUALIFIED_INVOKE_ARN: &str = "qualifiedInvokeArn";

/// A value and the place it is written: where a fix changes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written<T> {
    pub value: T,
    pub at: Site,
}

/// A value set outside the code, by a deployment's own settings (a Pulumi stack file's `config`):
/// what deploys there, which findings point to and no fix edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentSetting {
    /// The file, as messages name it, and the 1-based line the value is on.
    pub file: String,
    pub line: usize,
    /// The setting's name as the file writes it (`billing:runtime`).
    pub key: String,
}

/// How many instances one declaration makes: a loop over three tenants makes three functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplicity {
    Exactly(u64),
    /// At least this many, and an unknown number more: a loop over the elements the code writes
    /// out and others it reads at run time (`[...builtIn, ...loadTenants()]`).
    AtLeast(u64),
    /// A loop whose length cannot be known, a helper called from places not followed.
    Unknown,
}

impl Multiplicity {
    pub fn known(self) -> Option<u64> {
        match self {
            Self::Exactly(count) => Some(count),
            Self::AtLeast(_) | Self::Unknown => None,
        }
    }

    /// How many there are at least: `None` when nothing is known.
    pub fn at_least(self) -> Option<u64> {
        match self {
            Self::Exactly(count) | Self::AtLeast(count) => Some(count),
            Self::Unknown => None,
        }
    }
}

impl From<Option<u64>> for Multiplicity {
    fn from(count: Option<u64>) -> Self {
        count.map_or(Self::Unknown, Self::Exactly)
    }
}

/// What a language gives the rules: the parts of a project's graph, and edits for their intents.
pub trait FrontEnd: GraphSource {
    /// The edits that carry out a plan in the project's language and each file's style, or why
    /// the front end cannot make them safely.
    fn render(&self, plan: &FixPlan) -> Result<Fix, String>;

    /// Whether `render` would carry out the plan; asking takes nothing from later fixes (no
    /// names are handed out).
    fn can_render(&self, plan: &FixPlan) -> bool;

    /// The fixes that grant each send in new policies of the role created at `role`: per grant,
    /// in order, its fix or why it has none. Grants that can share a policy share a fix; where
    /// the language's order of declarations keeps a function from waiting for a shared one, it
    /// gets its own.
    fn render_new_policies(&self, role: &Site, grants: &[SendGrant]) -> Vec<Result<Fix, String>>;
}
