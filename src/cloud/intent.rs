//! Fix intents: what a rule wants changed, said in the graph's terms. The front end that built the
//! graph turns each plan into edits.

use super::{GrantTarget, Site, ThrottleLimit};
use crate::fix::Applicability;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Write this number in place of the one written at `at`.
    SetNumber { at: Site, value: i128 },
    /// Write this text as the content of the string written at `at`, quotes included.
    SetString { at: Site, value: String },
    /// Name the runtime `successor` (an id) where each of `sites` names a deprecated one: the
    /// places one value is written (a const and its uses through an imported name), changed together.
    ReplaceRuntime { sites: Vec<Site>, successor: String },
    /// Take `entry` out of its list; `written` is where the runtime it names is written.
    RemoveListEntry { entry: Site, written: Site },
    /// Give a function the handler `handler`, written beside its runtime setting at `beside`.
    AddHandler { beside: Site, handler: String },
    /// Remove the setting written at `at`, key and value.
    RemoveSetting { at: Site },
    /// Create method settings for every method of the stage created at `stage`, with these
    /// throttling limits, each copied from where it is written.
    AddStageMethodSettings {
        stage: Site,
        limits: Vec<(ThrottleLimit, Site)>,
    },
    /// Attach the AWS managed policy `policy` (`AWSLambdaSQSQueueExecutionRole`) to the role created
    /// at `role`; `purpose` names what it is for, in the names of what the fix creates.
    AttachManagedPolicy {
        role: Site,
        policy: String,
        purpose: String,
    },
    /// Let the function that the mapping made at `mapping` feeds poll the queue the mapping
    /// reads, the way its framework grants a role it makes (the CDK's
    /// `queue.grantConsumeMessages(fn)`), written right after the mapping.
    GrantQueuePolling { mapping: Site },
    /// Where the value at `at` names a queue or topic through an output other than the name a
    /// grant takes there (a `MisnamedTarget`), read its name.
    ReadTargetName { at: Site },
    /// Add `action` to the actions of statement number `statement` of the document written at
    /// `document`, one of those reaching the role created at `role`.
    AddStatementAction {
        role: Site,
        document: Site,
        statement: usize,
        action: String,
    },
    /// Add the ARNs of `targets` to the resources of that statement.
    AddStatementTargets {
        role: Site,
        document: Site,
        statement: usize,
        targets: Vec<GrantTarget>,
    },
    /// Add statements to the document granting each action on its targets: one statement per
    /// action, each target once.
    AddStatements {
        role: Site,
        document: Site,
        grants: Vec<(String, GrantTarget)>,
    },
    /// Make the resource created at `function` wait for those created at `on`.
    AddDependencies { function: Site, on: Vec<Site> },
    /// Call the function through its invoke ARN where the integration uri at `uri` reads its ARN;
    /// with `qualified`, where it reads the function's qualified ARN (a version's), call that
    /// version through the qualified invoke ARN.
    UseInvokeArn { uri: Site, qualified: bool },
    /// Remove an integration's `credentials`, written at `setting`.
    DropCredentials { setting: Site },
    /// Make `waiter` wait for the permissions the plan adds before this intent: an integration
    /// that loses its `credentials` then goes live only once API Gateway may invoke the function
    /// without them, so no invocation fails in between.
    AwaitAddedPermissions { waiter: Waiter },
    /// Let API Gateway invoke the function created at `function` from every route of the REST API
    /// created at `rest_api`.
    /// `instance`: the one instance of a function made several times that needs it, by its key.
    AddInvokePermission {
        function: Site,
        rest_api: Site,
        instance: Option<String>,
    },
    /// Make the throttling written at `setting` on an HTTP or WebSocket API stage, which takes
    /// none, the stage's default route settings: the same limits, under the keys route settings
    /// give them, where the setting is written.
    MoveThrottlingToRouteDefaults { setting: Site },
    /// Give the method settings created at `settings` (or a stage's default route settings written
    /// there) these throttling limits, those they do not set yet (the rule has checked that none
    /// is set to another value).
    AddThrottling {
        settings: Site,
        limits: Vec<(ThrottleLimit, Site)>,
    },
}

impl Intent {
    /// The files the intent changes: where what it edits, or writes beside, is written (a
    /// runtime written in several files, each of them).
    pub fn files(&self) -> Vec<usize> {
        let site = match self {
            Intent::ReplaceRuntime { sites, .. } => return sites.iter().map(|site| site.file).collect(),
            Intent::SetNumber { at, .. } | Intent::SetString { at, .. } | Intent::RemoveSetting { at } => at,
            Intent::MoveThrottlingToRouteDefaults { setting } => setting,
            Intent::RemoveListEntry { entry, .. } => entry,
            Intent::AddHandler { beside, .. } => beside,
            Intent::AddStageMethodSettings { stage, .. } => stage,
            Intent::AttachManagedPolicy { role, .. } => role,
            Intent::GrantQueuePolling { mapping } => mapping,
            Intent::ReadTargetName { at } => at,
            Intent::AddStatementAction { document, .. }
            | Intent::AddStatementTargets { document, .. }
            | Intent::AddStatements { document, .. } => document,
            Intent::AddDependencies { function, .. } => function,
            Intent::UseInvokeArn { uri, .. } => uri,
            Intent::DropCredentials { setting } => setting,
            Intent::AwaitAddedPermissions {
                waiter: Waiter::HolderOf(site) | Waiter::Deployment(site),
            } => site,
            Intent::AddInvokePermission { function, .. } => function,
            Intent::AddThrottling { settings, .. } => settings,
        };
        vec![site.file]
    }
}

/// The resource that puts an integration live, which a fix makes wait for what it adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiter {
    /// The resource holding the integration setting written at this site (a method, an
    /// integration resource).
    HolderOf(Site),
    /// The deployment created at this site: an integration written in its REST API's definition
    /// goes live with a deployment of the API, and the API itself cannot wait for a permission
    /// that names it.
    Deployment(Site),
}

/// The intents that resolve one finding, carried out together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixPlan {
    pub intents: Vec<Intent>,
    pub applicability: Applicability,
}
