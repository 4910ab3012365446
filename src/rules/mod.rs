//! The rules: their ids, their documentation, and the registry that runs them on a project. A
//! rule judges the cloud graph and answers with findings and fix plans, which the project's front
//! end renders; it never parses, walks folders, prints, or sees a language.

mod apigw_lambda_invoke_arn;
mod apigw_stage_throttle_settings;
mod lambda_deprecated_runtime;
mod lambda_dlq_send_permission;
mod lambda_iam_depends_on;
mod lambda_reserved_concurrency_budget;
mod lambda_sqs_execution_policy;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use anyhow::{bail, Result};

use crate::cloud::{CloudGraph, FixPlan, FrontEnd, SendGrant, Site};
use crate::config::Settings;
use crate::diagnostic::Finding;
use crate::fix::Fix;
use crate::packaging::ProjectPackages;
use crate::suppression::Suppressions;

/// Every rule id infrafix knows, in the order `--list-rules` shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    LambdaDeprecatedRuntime,
    LambdaReservedConcurrencyBudget,
    LambdaDlqSendPermission,
    LambdaSqsExecutionPolicy,
    LambdaIamDependsOn,
    ApigwLambdaInvokeArn,
    ApigwStageThrottleSettings,
}

impl RuleId {
    pub const ALL: [RuleId; 7] = [
        RuleId::LambdaDeprecatedRuntime,
        RuleId::LambdaReservedConcurrencyBudget,
        RuleId::LambdaDlqSendPermission,
        RuleId::LambdaSqsExecutionPolicy,
        RuleId::LambdaIamDependsOn,
        RuleId::ApigwLambdaInvokeArn,
        RuleId::ApigwStageThrottleSettings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LambdaDeprecatedRuntime => "lambda-deprecated-runtime",
            Self::LambdaReservedConcurrencyBudget => "lambda-reserved-concurrency-budget",
            Self::LambdaDlqSendPermission => "lambda-dlq-send-permission",
            Self::LambdaSqsExecutionPolicy => "lambda-sqs-execution-policy",
            Self::LambdaIamDependsOn => "lambda-iam-depends-on",
            Self::ApigwLambdaInvokeArn => "apigw-lambda-invoke-arn",
            Self::ApigwStageThrottleSettings => "apigw-stage-throttle-settings",
        }
    }

    fn check(self) -> fn(&RuleContext, &mut Vec<Finding>) {
        match self {
            Self::LambdaDeprecatedRuntime => lambda_deprecated_runtime::check,
            Self::LambdaReservedConcurrencyBudget => lambda_reserved_concurrency_budget::check,
            Self::LambdaDlqSendPermission => lambda_dlq_send_permission::check,
            Self::LambdaSqsExecutionPolicy => lambda_sqs_execution_policy::check,
            Self::LambdaIamDependsOn => lambda_iam_depends_on::check,
            Self::ApigwLambdaInvokeArn => apigw_lambda_invoke_arn::check,
            Self::ApigwStageThrottleSettings => apigw_stage_throttle_settings::check,
        }
    }

    /// The rule's documentation: a one-line summary, then What it does / Why is this bad? /
    /// Example / Use instead / Fix safety.
    pub fn documentation(self) -> &'static str {
        match self {
            Self::LambdaDeprecatedRuntime => lambda_deprecated_runtime::DOCUMENTATION,
            Self::LambdaReservedConcurrencyBudget => lambda_reserved_concurrency_budget::DOCUMENTATION,
            Self::LambdaDlqSendPermission => lambda_dlq_send_permission::DOCUMENTATION,
            Self::LambdaSqsExecutionPolicy => lambda_sqs_execution_policy::DOCUMENTATION,
            Self::LambdaIamDependsOn => lambda_iam_depends_on::DOCUMENTATION,
            Self::ApigwLambdaInvokeArn => apigw_lambda_invoke_arn::DOCUMENTATION,
            Self::ApigwStageThrottleSettings => apigw_stage_throttle_settings::DOCUMENTATION,
        }
    }

    /// One line on what the rule finds: the first line of its documentation.
    pub fn summary(self) -> &'static str {
        self.documentation().lines().next().unwrap_or("")
    }

    /// Whether the rule's fixes are safe, unsafe, or either depending on the finding.
    pub fn fix_applicability(self) -> &'static str {
        match self {
            Self::LambdaDeprecatedRuntime => "safe or unsafe",
            Self::LambdaReservedConcurrencyBudget => "unsafe",
            _ => "safe",
        }
    }

    /// Parses a comma-separated list of rule ids, naming the first unknown one.
    pub fn parse_list(list: &str) -> Result<Vec<RuleId>> {
        list.split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::parse)
            .collect()
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for RuleId {
    type Err = anyhow::Error;

    fn from_str(id: &str) -> Result<Self> {
        match RuleId::ALL.into_iter().find(|rule| rule.as_str() == id) {
            Some(rule) => Ok(rule),
            None => bail!("unknown rule id `{id}` (known: {})", known_ids()),
        }
    }
}

fn known_ids() -> String {
    RuleId::ALL.map(RuleId::as_str).join(", ")
}

/// What a rule may look at while it checks one project.
pub struct RuleContext<'a> {
    /// The language of the project: it builds the graph, and renders the rules' fix plans.
    front_end: &'a dyn FrontEnd,
    graph: CloudGraph<'a>,
    pub settings: &'a Settings,
    /// Per file of the program, the suppression comments, for rules whose single fix spans places
    /// that may be suppressed one by one.
    pub suppressions: &'a [Suppressions],
    /// What the project's files show about its code packages; `None` where there are no files
    /// to look at (a model built in a test).
    pub packages: Option<&'a ProjectPackages>,
}

impl<'a> RuleContext<'a> {
    pub fn new(front_end: &'a dyn FrontEnd, settings: &'a Settings, suppressions: &'a [Suppressions]) -> Self {
        Self {
            front_end,
            graph: CloudGraph::new(front_end),
            settings,
            suppressions,
            packages: None,
        }
    }

    pub fn with_packages(self, packages: &'a ProjectPackages) -> Self {
        Self {
            packages: Some(packages),
            ..self
        }
    }
}

impl RuleContext<'_> {
    /// The project's cloud graph, each part built when a rule first asks for it.
    pub fn graph(&self) -> &CloudGraph<'_> {
        &self.graph
    }

    /// The edits that carry out `plan`, or why the project's language cannot make them.
    pub fn render(&self, plan: &FixPlan) -> Result<Fix, String> {
        self.front_end.render(plan)
    }

    /// Whether `render` would carry out `plan`, asked without taking anything from later fixes.
    pub fn can_render(&self, plan: &FixPlan) -> bool {
        self.front_end.can_render(plan)
    }

    /// Per grant, the fix that grants it in a new policy of the role created at `role`.
    pub fn render_new_policies(&self, role: &Site, grants: &[SendGrant]) -> Vec<Result<Fix, String>> {
        self.front_end.render_new_policies(role, grants)
    }

    pub fn is_suppressed(&self, rule: RuleId, file: usize, offset: usize) -> bool {
        self.suppressions
            .get(file)
            .is_some_and(|suppressions| suppressions.covers(rule, offset))
    }
}

/// Names for a message, in order: "`a`", "`a` and `b`", "`a`, `b` and `c`".
pub(crate) fn listed_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Runs the enabled rules on a program, in the order of `RuleId::ALL`.
pub fn check_program(context: &RuleContext, enabled: &[RuleId]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RuleId::ALL.into_iter().filter(|rule| enabled.contains(rule)) {
        (rule.check())(context, &mut findings);
    }
    one_per_construct(findings)
}

/// One finding per construct, always: a place that several resources reach (arguments shared by
/// two stages, a module that an import cycle reaches twice) is reported once, by the first. It
/// keeps a fix only when every resource asks for the same one.
fn one_per_construct(findings: Vec<Finding>) -> Vec<Finding> {
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut by_place: HashMap<(RuleId, usize, usize, usize), usize> = HashMap::new();
    for finding in findings {
        let place = (finding.rule, finding.file, finding.range.start, finding.range.end);
        let Some(&first) = by_place.get(&place) else {
            by_place.insert(place, kept.len());
            kept.push(finding);
            continue;
        };
        if kept[first].fix.is_some() && kept[first].fix != finding.fix {
            let reported = kept[first].clone();
            kept[first] = reported.not_fixed("resources that share it need different fixes; change it by hand");
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Fix};

    fn finding(fix: Option<Fix>) -> Finding {
        let finding = Finding::new(RuleId::ApigwStageThrottleSettings, 0, 4..9, "shared");
        match fix {
            Some(fix) => finding.with_fix(fix),
            None => finding,
        }
    }

    #[test]
    fn a_place_two_resources_reach_is_reported_once() {
        let same = || Some(Fix::safe(vec![Edit::delete(0, 4..9)]));
        let kept = one_per_construct(vec![finding(same()), finding(same())]);
        assert_eq!(kept, vec![finding(same())]);

        let other = Some(Fix::safe(vec![Edit::delete(0, 3..9)]));
        let kept = one_per_construct(vec![finding(same()), finding(other)]);
        assert_eq!(kept.len(), 1);
        assert!(kept[0].fix.is_none(), "fixes that disagree are not applied");
        assert!(kept[0].message.contains("need different fixes"), "{}", kept[0].message);
    }
}
