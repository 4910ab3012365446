//! IAM roles, what attaches policy to them, and the SQS event sources that poll as them.

use super::{ResourceId, ResourceRef, ResourceTarget, RoleGrants, Site, WrittenArn};

/// The role a function runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionRole {
    /// A role of the project: index into the graph's roles.
    Declared(usize),
    /// The role the function's own construct makes for it (a CDK L2 function given no `role`):
    /// index into the graph's roles, where its grants are what the framework gives every such
    /// role and what the program grants the function. The program declares no such role, so a
    /// grant goes to the function the framework's way, never into a role resource.
    MadeByFramework(usize),
    /// A role the project does not create: an ARN from configuration or another stack, or a value
    /// infrafix cannot follow. Rules never edit what they cannot see.
    Unknown,
}

/// One call of the factory that makes a function, where the calls do not all run it as the same
/// role (so that the function's role, as a whole, is `FunctionRole::Unknown`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRole {
    /// How messages name the call: its text and where it is written.
    pub call: String,
    /// The role this call runs the function as (index into the graph's roles); `None` for a role
    /// infrafix cannot follow, which no rule judges or edits.
    pub role: Option<usize>,
    /// The dead-letter target this call passes, where the factory reads it from a parameter
    /// (`targetArn: dlq.arn` in `makeFn(name, role, dlq)`); `None` where it reads it otherwise
    /// (the function's `dead_letter` then holds for every call) or the call's cannot be followed.
    pub dead_letter: Option<ResourceRef>,
}

/// Where a function sends the events it failed to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadLetter {
    /// Its settings are written out and name no dead-letter target.
    None,
    /// The ARN of a resource of the project.
    Resource(ResourceRef),
    /// The ARNs of resources of the project, one for each of the function's instances that name
    /// different ones (`spec.dlq.arn` in a loop over specs, `dlq.arn` in a factory called with
    /// different queues), each once.
    PerInstance(Vec<ResourceRef>),
    /// One target per instance, each instance with a role of its own made beside it (a factory
    /// that makes a role and a function per call and is given a queue per call): every
    /// instance's target, and the value the function names its own by (`deadLetters.arn`). A
    /// grant that names that value, made beside the role, gives each role its own target alone.
    EachWithItsRole { targets: Vec<ResourceRef>, written: Site },
    /// ARN text of a queue or topic the program does not declare (`"arn:aws:sqs:…:orders-dlq"`,
    /// the same built from the region and account), whose start names its service.
    Text(WrittenArn),
    /// Anything else: an ARN from configuration, settings spread from elsewhere.
    Unknown,
}

impl DeadLetter {
    /// Every target an instance of the function sends to; `None` when they cannot be told.
    pub fn targets(&self) -> Option<&[ResourceRef]> {
        match self {
            DeadLetter::None => Some(&[]),
            DeadLetter::Resource(target) => Some(std::slice::from_ref(target)),
            DeadLetter::PerInstance(targets) | DeadLetter::EachWithItsRole { targets, .. } => Some(targets),
            DeadLetter::Text(_) | DeadLetter::Unknown => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct IamRole {
    pub name: String,
    /// Where it is created: how intents name it.
    pub declared: Site,
    /// Every policy that reaches it.
    pub grants: RoleGrants,
    /// The resources that attach policy to it, in the order the program makes them.
    pub attachments: Vec<RoleAttachment>,
    /// The role lists its inline policies itself and owns them: a separate inline policy would
    /// be deleted on the next update, so grants go into one of its own.
    pub owns_inline_policies: bool,
}

/// A function's dead-letter target that its role must be allowed to send to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendGrant {
    /// Where the function is created.
    pub function: Site,
    /// `sqs:SendMessage` or `sns:Publish`.
    pub action: String,
    pub target: GrantTarget,
    /// For a function whose instances each have a role and a target of their own
    /// (`DeadLetter::EachWithItsRole`), the value the function names its target by: the grant
    /// names it the same way, so that each role gains its own target and no other.
    pub written: Option<Site>,
}

/// What a grant names: a resource of the program by its ARN, or ARN text, written as the
/// function writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantTarget {
    Resource(ResourceRef),
    Text(WrittenArn),
}

impl GrantTarget {
    /// The resource of the program it names, when it names one.
    pub fn resource(&self) -> Option<&ResourceRef> {
        match self {
            GrantTarget::Resource(reference) => Some(reference),
            GrantTarget::Text(_) => None,
        }
    }
}

/// A resource that attaches policy to a role: an inline role policy, a policy attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAttachment {
    pub resource: ResourceId,
    pub name: String,
    /// What it is, as the project's language names it (`RolePolicy`).
    pub kind: String,
    /// Where it is created: how intents name it.
    pub declared: Site,
    /// The policy resource of the program it attaches, when it attaches one: that policy's
    /// document reaches the role through it.
    pub attached_policy: Option<ResourceId>,
    /// The functions running as the role that cannot wait for it: it is created after them (it
    /// reads them, maybe through other resources), so waiting would make a dependency cycle; or
    /// it may not exist when they do (a condition of its own). Only functions whose dependencies
    /// are known and do not list it are asked about; one that lists it already waits for it.
    pub after_functions: Vec<ResourceId>,
}

/// A queue or a topic: what a function may send failed events to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTarget {
    pub target: ResourceTarget,
    pub name: String,
}

/// An SQS queue that feeds a function: Lambda polls it as the function's role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEventSource {
    pub queue: ResourceTarget,
    pub queue_name: String,
    /// Index into the graph's functions.
    pub function: usize,
    /// Whether the mapping is made for every instance of a role the function's instances each
    /// make (a helper called twice, a component constructed twice): a grant written where that
    /// role is declared reaches every instance, including those the queue does not feed.
    pub feeds_every_instance: bool,
    /// One of the queues of a mapping made per element or call, each for its own (`queue.arn`
    /// over a record of queues): a grant made per instance names it through code no single
    /// answer reads, so what cannot be told is not reported.
    pub per_instance: bool,
    /// Where the mapping is made, where a fix may grant beside it (a front end whose mappings
    /// feed functions running as roles their framework makes); `None` elsewhere.
    pub mapping: Option<Site>,
    /// For a function a factory makes whose calls run it as different roles: the call whose
    /// function the mapping feeds (`functionName: ingest.arn`, `const ingest = makeFn(…)`), as
    /// an index into the function's `role_per_call`; `None` where the mapping names no one call.
    pub call: Option<usize>,
}

impl QueueEventSource {
    /// `queue` feeding `function`, whose one role serves every instance, by a mapping no fix
    /// grants beside: what a template or a root module declares.
    pub fn of_one_role(queue: ResourceTarget, queue_name: String, function: usize) -> Self {
        Self {
            queue,
            queue_name,
            function,
            feeds_every_instance: true,
            per_instance: false,
            mapping: None,
            call: None,
        }
    }
}
