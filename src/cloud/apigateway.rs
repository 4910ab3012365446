//! API Gateway stages and their method settings, as the rules see them.

use super::{Coverage, Site, Written, QUALIFIED_ARN, QUALIFIED_INVOKE_ARN};

/// A throttling limit of a stage's methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ThrottleLimit {
    Burst,
    Rate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiStage {
    /// Where the stage is created: how intents name it.
    pub declared: Site,
    /// Throttling written on the stage itself, where no stage takes it.
    pub misplaced_throttle: Option<MisplacedThrottle>,
    /// The method settings that configure this stage, or may; looked for only for a stage with
    /// misplaced throttling, the one question that needs them (comparing every pair is costly).
    pub method_settings: Vec<StageSettings>,
    /// For an HTTP or WebSocket API stage (API Gateway v2), which keeps its throttling in its own
    /// default route settings rather than in method settings: those settings; `None` for a REST
    /// API stage.
    pub route_defaults: Option<RouteDefaults>,
}

/// The default route settings of an HTTP or WebSocket API stage, which apply to every route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDefaults {
    /// Their key, in the language's spelling (`DefaultRouteSettings`), for messages.
    pub name: String,
    /// Where the stage writes them, when it does: how intents name them.
    pub written: Option<Site>,
    /// The throttling limits they set, or why infrafix cannot read them.
    pub throttling: Result<Vec<(ThrottleLimit, LimitValue)>, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MisplacedThrottle {
    /// The setting, from its key to its value.
    pub at: Site,
    /// What the language's own tools say of it, in its spelling (`` `throttle_settings` is not a
    /// block of aws_api_gateway_stage (…)``).
    pub problem: String,
    /// Where a stage's throttling belongs, in the language's spelling.
    pub remedy: String,
    /// The limits it sets, or why a fix cannot move them: from where they are written, or to
    /// where they belong (SAM joins the method settings of `Globals` to an API's own).
    pub limits: Result<Vec<(ThrottleLimit, LimitValue)>, String>,
}

/// A method settings resource that configures a stage, or may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSettings {
    /// Index into the graph's method settings.
    pub settings: usize,
    /// `None` when it surely configures the stage; otherwise why that cannot be told.
    pub doubt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSettings {
    pub name: String,
    /// Where it is created: how intents name it.
    pub declared: Site,
    /// The methods it configures (`*/*` for all of them); `None` when that cannot be read.
    pub method_path: Option<String>,
    /// The throttling limits it sets, where they can be read.
    pub throttling: Vec<(ThrottleLimit, LimitValue)>,
}

/// A limit's value as written, and what it amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitValue {
    /// The key it is written under.
    pub key: String,
    /// The value's text where it is written.
    pub written: Written<String>,
    /// The number it holds, when that is known.
    pub number: Option<i64>,
    /// The text of the expression it comes from (a const's value, say), to compare with.
    pub resolved: String,
}

impl LimitValue {
    /// Whether two values hold the same limit.
    pub fn same_as(&self, other: &LimitValue) -> bool {
        match (self.number, other.number) {
            (Some(a), Some(b)) => a == b,
            _ => self.resolved == other.resolved,
        }
    }
}

/// How API Gateway calls what an integration's uri names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationType {
    /// `AWS_PROXY`: the request is handed to the function as it is.
    AwsProxy,
    /// `AWS`: a non-proxy integration, the request mapped by templates. Its uri is an
    /// `arn:aws:apigateway:…` ARN too, the function's invoke ARN for a Lambda function.
    Aws,
    /// Another type (`HTTP`, `HTTP_PROXY`, `MOCK`): it calls no Lambda function.
    Other,
    /// A type not written as a literal.
    Unread,
}

impl IntegrationType {
    /// The type a template or program writes, in any case (`aws_proxy` in OpenAPI, `AWS_PROXY`
    /// on a resource).
    pub fn from_written(written: Option<&str>) -> Self {
        match written {
            Some(kind) if kind.eq_ignore_ascii_case("aws_proxy") => Self::AwsProxy,
            Some(kind) if kind.eq_ignore_ascii_case("aws") => Self::Aws,
            Some(_) => Self::Other,
            None => Self::Unread,
        }
    }

    /// Whether the uri must be an API Gateway ARN, which for a Lambda function is its invoke ARN.
    pub fn calls_through_apigateway_arn(self) -> bool {
        matches!(self, Self::AwsProxy | Self::Aws)
    }
}

/// A deployment of a REST API: the snapshot of the API that its stages serve. A change to a REST
/// API, its definition document included, reaches callers only through a deployment made after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDeployment {
    /// Where it is created (for one a framework makes, what makes it): how intents name it.
    pub declared: Site,
    /// Where the REST API it snapshots is created; `None` when infrafix cannot tell which API it
    /// is, so it may be any.
    pub rest_api: Option<Site>,
    /// Why a fix cannot make it wait for another resource, when it cannot (SAM makes it from the
    /// API's own declaration).
    pub cannot_wait: Option<String>,
}

/// Whether a uri's text calls a Lambda API other than Invoke: built around a function
/// (`arn:aws:apigateway:…:lambda:path/2015-03-31/functions/${…arn}/configuration`, called with
/// GET) but not ending in `/invocations`, it reads or changes the function without invoking it.
pub fn calls_other_lambda_api(uri: &str) -> bool {
    uri.contains(":lambda:path/") && !uri.contains("/invocations")
}

/// An API Gateway integration with a Lambda function, in an API's definition document or as a
/// resource of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiIntegration {
    /// Where findings about the integration as a whole point.
    pub at: Site,
    /// Where the REST API it belongs to is created, when the program creates it.
    pub rest_api: Option<Site>,
    /// The integration's `type`, when it is written as a literal.
    pub kind: IntegrationType,
    /// A resource of its own: its method is the one API Gateway calls the function with.
    pub is_resource: bool,
    pub uri: Option<IntegrationSetting>,
    /// The functions its uri names: one, or one per function when the integration is written
    /// once for every element of a collection (`uri: route.handler.arn` in a loop over routes).
    /// Empty when infrafix cannot tell.
    pub targets: Vec<IntegrationTarget>,
    /// The function its uri reads an attribute of when the program does not create it but looks
    /// an existing one up (Terraform's `data.aws_lambda_function.auth.arn`); `targets` is then
    /// empty.
    pub existing_target: Option<ExistingFunction>,
    pub http_method: Option<IntegrationSetting>,
    pub credentials: Option<IntegrationSetting>,
    /// The role `credentials` names, by its name in messages.
    pub credentials_role: Option<String>,
}

/// A function an integration calls that the program looks up rather than creates: nothing is
/// known of it but how it is named and which of its attributes the uri reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingFunction {
    /// How messages name it (`data.aws_lambda_function.auth`, in backquotes).
    pub name: String,
    /// The attribute the uri reads, in the graph's spelling (`arn`, `qualifiedArn` …).
    pub attribute: String,
}

/// A function an integration calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationTarget {
    /// Index into the graph's functions.
    pub function: usize,
    /// The attribute of the function the uri reads (`arn`, `invokeArn`, `qualifiedArn` …);
    /// `None` for a uri built around the function.
    pub attribute: Option<String>,
    /// The alias of the function the uri reads the attribute of, named for messages, when it
    /// reads an alias's.
    pub alias: Option<String>,
    /// The one instance of a function made several times the uri calls, by its key written out
    /// (Terraform's `aws_lambda_function.fn["status"]`); `None` for the function as a whole, or
    /// each of its instances.
    pub instance: Option<String>,
    /// Whether API Gateway may invoke the function from the integration's API without
    /// credentials; known for a proxy integration that has credentials and calls the function
    /// itself (see `IntegrationTarget::is_qualified`).
    pub invoke_permission: Option<InvokePermission>,
}

impl IntegrationTarget {
    /// Whether the uri calls an alias or a published version rather than the function itself:
    /// API Gateway may invoke those only through a permission qualified with them, which infrafix
    /// neither counts nor adds, so such an integration's `credentials` are left as they are.
    pub fn is_qualified(&self) -> bool {
        self.alias.is_some() || matches!(self.attribute.as_deref(), Some(QUALIFIED_ARN | QUALIFIED_INVOKE_ARN))
    }
}

/// A setting of an integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationSetting {
    /// Its value, when it is a string written out.
    pub literal: Option<String>,
    /// The expression behind it, where findings point: the value, or the substitution that makes
    /// up a string of the definition document.
    pub expression: Option<Site>,
    /// Where the setting is written, key and value: how intents name it.
    pub written: Site,
    /// The string holding the value, quotes included, when it is written in place.
    pub string: Option<Site>,
}

/// Whether API Gateway may invoke a function through the function's resource-based policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvokePermission {
    Granted,
    /// No permission of the program grants it, and none could.
    Missing,
    /// A permission the program makes may grant it, but infrafix cannot tell (made in a helper or
    /// a loop, under a condition the function is not under, or for a function or principal it
    /// cannot read).
    Unknown,
}

/// What a permission's source ARN lets invoke, from what it adds after the REST API's execution
/// ARN: every route when that is slashes and wildcards with at least one wildcard (`/*/*`, `/*`,
/// `*`); no route when it is nothing or a bare `/` (a route's ARN is `…/stage/METHOD/path`);
/// otherwise some routes, which may or may not be the integration's.
pub fn route_coverage(tail: &str) -> Coverage {
    if tail.trim_matches('/').is_empty() {
        Coverage::Misses
    } else if tail.contains('*') && tail.chars().all(|character| character == '/' || character == '*') {
        Coverage::Covers
    } else {
        Coverage::Unsure
    }
}

#[cfg(test)]
mod tests {
    use super::{route_coverage, Coverage};

    #[test]
    fn only_wildcard_tails_cover_every_route() {
        for tail in ["/*/*", "/*", "*", "/*/*/*"] {
            assert_eq!(route_coverage(tail), Coverage::Covers, "{tail}");
        }
        for tail in ["", "/", "//"] {
            assert_eq!(route_coverage(tail), Coverage::Misses, "{tail}");
        }
        for tail in ["/prod/*", "/*/GET/orders", "/*/POST/*"] {
            assert_eq!(route_coverage(tail), Coverage::Unsure, "{tail}");
        }
    }
}
