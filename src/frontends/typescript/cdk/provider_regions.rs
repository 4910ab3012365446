//! Where a Pulumi function deploys: the region its own `region` argument (@pulumi/aws 7) or the
//! `aws.Provider` it is given (`{ provider }`) writes, read for each run of the code making it
//! (see `runs`), so that a loop over regions making a provider and a function for each places
//! each function in its own. Lambda's concurrency quotas apply per AWS Region, so the reserved
//! concurrency budget is summed per region (see `DeployTarget`).

use super::super::facts::MemberKind;
use super::super::{Located, Program, ResourceDecl, StringOrigin};
use super::environments::DeployTargets;
use super::run_values::Held;
use super::runs::Frame;
use crate::cloud::DeployTarget;

/// The resource options through which a resource may take another provider than the default.
const PROVIDER_OPTIONS: [&str; 3] = ["provider", "providers", "parent"];

impl<'tree> Program<'tree> {
    /// How many times a Pulumi function is made in each region; `None` where that is not known.
    pub(super) fn provider_regions(
        &self,
        function: &ResourceDecl<'tree>,
        made: Located<'tree>,
    ) -> Option<DeployTargets> {
        let mut targets = DeployTargets::new();
        for run in self.runs(made, false)? {
            let sum = targets.entry(self.provider_region(function, &run.frame)).or_default();
            *sum = sum.checked_add(run.count)?;
        }
        Some(targets)
    }

    /// The region one run of a function deploys to. One on the default provider deploys to the
    /// stack's `aws:region`, the same for every such function; one whose provider infrafix cannot
    /// follow (options it cannot read, a `parent` whose provider it inherits) may deploy anywhere.
    fn provider_region(&self, function: &ResourceDecl<'tree>, frame: &Frame<'tree>) -> DeployTarget {
        if let Some(region) = function.args().and_then(|args| self.property(args, "region")) {
            return DeployTarget::in_region(self.held_string(region.value, frame), || {
                format!("`region: {}`", self.text(region.value))
            });
        }
        let default_provider = || DeployTarget::in_region(None, || "the stack's default provider".to_owned());
        let Some(options) = function.options() else {
            return default_provider();
        };
        let Some(object) = self.object_literal(options) else {
            return DeployTarget::default();
        };
        let Some(provider) = self.property(object, "provider") else {
            let may_choose = self.object_members(object).iter().any(|member| match &member.kind {
                MemberKind::Pair(key) | MemberKind::Shorthand(key) => PROVIDER_OPTIONS.contains(&key.as_str()),
                MemberKind::Spread | MemberKind::Other => true,
                MemberKind::Comment => false,
            });
            return match may_choose {
                true => DeployTarget::default(),
                false => default_provider(),
            };
        };
        let Held::Value(made, made_in) = self.held(provider.value, frame) else {
            return DeployTarget::default();
        };
        let Some(configuration) = self
            .resource_at(made)
            .map(|index| &self.resources()[index])
            .filter(|configuration| configuration.is_aws(&["Provider"]))
        else {
            return DeployTarget::default();
        };
        let region = configuration
            .args()
            .and_then(|args| self.property(args, "region"))
            .and_then(|region| self.held_string(region.value, &made_in));
        DeployTarget::in_region(region, || {
            let name = self.call_arguments(made).first().map_or("", |name| self.text(*name));
            format!("provider {name}")
        })
    }

    /// The string `at` holds in a run, when it is one written out.
    fn held_string(&self, at: Located<'tree>, frame: &Frame<'tree>) -> Option<String> {
        let Held::Value(value, _) = self.held(at, frame) else {
            return None;
        };
        match self.sole_string_origin(value)? {
            StringOrigin::Literal { value, .. } => Some(value),
            StringOrigin::PackageMember { .. } => None,
        }
    }
}
