//! The cloud graph of one project, built part by part as rules first ask for each: a run that
//! only moves runtimes never reads a policy document.

use std::cell::OnceCell;

use super::{
    ApiDeployment, ApiIntegration, ApiStage, IamRole, LambdaFunction, LambdaLayer, MessageTarget, MethodSettings,
    QueueEventSource, ResourceId, RuntimeCheck,
};

/// How a front end builds each part of the graph. Parts that tie resources to functions are
/// given the functions, so that their indices agree.
pub trait GraphSource {
    fn functions(&self) -> Vec<LambdaFunction>;
    fn layers(&self) -> Vec<LambdaLayer>;
    /// The roles, in the order `FunctionRole::Declared` counts them.
    fn roles(&self, functions: &[LambdaFunction]) -> Vec<IamRole>;
    /// The stages, and the method settings their `method_settings` index.
    fn stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>);
    fn integrations(&self, functions: &[LambdaFunction]) -> Vec<ApiIntegration>;
    /// The REST API deployments, those a framework makes from an API's declaration among them.
    fn deployments(&self) -> Vec<ApiDeployment>;
    fn queue_event_sources(&self, functions: &[LambdaFunction]) -> Vec<QueueEventSource>;
    /// The queues and topics, as policies name them.
    fn message_targets(&self) -> Vec<MessageTarget>;
    /// How the language names what messages mention.
    fn spelling(&self) -> Spelling;
    /// The provider that checks the project's runtimes before they deploy, and the newest release
    /// of it the project may install; `None` where AWS alone checks them, or nothing says which
    /// release the project installs.
    fn runtime_check(&self) -> Option<RuntimeCheck>;
}

/// The names a language gives the settings that findings mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spelling {
    /// What a resource is made to wait for: `dependsOn`, `depends_on`.
    pub depends_on: &'static str,
    /// Where a role declares the inline policies it owns: `inlinePolicies`, `inline_policy` blocks.
    pub inline_policies: &'static str,
    /// A function's invoke ARN: `invokeArn`, `invoke_arn`.
    pub invoke_arn: &'static str,
    /// The invoke ARN of a function's published version: `qualifiedInvokeArn`,
    /// `qualified_invoke_arn`.
    pub qualified_invoke_arn: &'static str,
    /// What lets a service invoke a function: `aws.lambda.Permission`, `aws_lambda_permission`.
    pub invoke_permission: &'static str,
}

/// The resources of one project and what ties them together.
pub struct CloudGraph<'a> {
    source: &'a dyn GraphSource,
    functions: OnceCell<Vec<LambdaFunction>>,
    layers: OnceCell<Vec<LambdaLayer>>,
    roles: OnceCell<Vec<IamRole>>,
    stages: OnceCell<(Vec<ApiStage>, Vec<MethodSettings>)>,
    integrations: OnceCell<Vec<ApiIntegration>>,
    deployments: OnceCell<Vec<ApiDeployment>>,
    queue_event_sources: OnceCell<Vec<QueueEventSource>>,
    message_targets: OnceCell<Vec<MessageTarget>>,
    runtime_check: OnceCell<Option<RuntimeCheck>>,
}

impl<'a> CloudGraph<'a> {
    pub fn new(source: &'a dyn GraphSource) -> Self {
        Self {
            source,
            functions: OnceCell::new(),
            layers: OnceCell::new(),
            roles: OnceCell::new(),
            stages: OnceCell::new(),
            integrations: OnceCell::new(),
            deployments: OnceCell::new(),
            queue_event_sources: OnceCell::new(),
            message_targets: OnceCell::new(),
            runtime_check: OnceCell::new(),
        }
    }

    pub fn functions(&self) -> &[LambdaFunction] {
        self.functions.get_or_init(|| self.source.functions())
    }

    pub fn layers(&self) -> &[LambdaLayer] {
        self.layers.get_or_init(|| self.source.layers())
    }

    pub fn roles(&self) -> &[IamRole] {
        self.roles.get_or_init(|| self.source.roles(self.functions()))
    }

    pub fn stages(&self) -> &[ApiStage] {
        &self.stages.get_or_init(|| self.source.stages()).0
    }

    pub fn method_settings(&self) -> &[MethodSettings] {
        &self.stages.get_or_init(|| self.source.stages()).1
    }

    pub fn integrations(&self) -> &[ApiIntegration] {
        self.integrations
            .get_or_init(|| self.source.integrations(self.functions()))
    }

    pub fn deployments(&self) -> &[ApiDeployment] {
        self.deployments.get_or_init(|| self.source.deployments())
    }

    pub fn queue_event_sources(&self) -> &[QueueEventSource] {
        self.queue_event_sources
            .get_or_init(|| self.source.queue_event_sources(self.functions()))
    }

    pub fn message_targets(&self) -> &[MessageTarget] {
        self.message_targets.get_or_init(|| self.source.message_targets())
    }

    pub fn spelling(&self) -> Spelling {
        self.source.spelling()
    }

    pub fn runtime_check(&self) -> Option<&RuntimeCheck> {
        self.runtime_check.get_or_init(|| self.source.runtime_check()).as_ref()
    }

    /// The queue or topic a resource id names.
    pub fn message_target(&self, resource: ResourceId) -> Option<&MessageTarget> {
        self.message_targets()
            .iter()
            .find(|candidate| candidate.target.resource == resource)
    }
}
