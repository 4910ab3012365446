//! The region a root module function deploys to: the one its own `region` argument (AWS
//! provider 6) or its AWS provider configuration (`provider = aws.eu`, the default `aws` when it
//! names none) writes. Lambda's concurrency quotas apply per AWS Region, so the reserved
//! concurrency budget is summed per region (see `DeployTarget`).

use super::values::Scope;
use super::{Located, TerraformProject};
use crate::cloud::DeployTarget;

impl<'a> TerraformProject<'a> {
    /// Where a function deploys, as far as the root module says. A root with one AWS provider
    /// configuration and no function choosing a region of its own deploys everything to one
    /// place: nothing to tell apart. A function a module makes takes the provider its call passes,
    /// which is not followed: it may deploy anywhere.
    pub(super) fn deploy_target(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> DeployTarget {
        if !scope.is_empty() || !self.regions_may_differ() {
            return DeployTarget::default();
        }
        if let Some(region) = self.argument(body, "region") {
            return DeployTarget::in_region(self.written_region(region), || {
                format!("`region = {}`", self.text(region))
            });
        }
        let provider = self.argument(body, "provider").map_or_else(
            || "aws".to_owned(),
            |provider| self.text(provider).split_whitespace().collect(),
        );
        let region = self.folders[0]
            .aws_providers
            .get(&provider)
            .and_then(|configuration| self.argument(*configuration, "region"))
            .and_then(|region| self.written_region(region));
        DeployTarget::in_region(region, || format!("provider `{provider}`"))
    }

    /// Whether the root module's functions may deploy to more than one region: it configures
    /// the AWS provider more than once, or a function writes a `region` of its own.
    fn regions_may_differ(&self) -> bool {
        self.folders[0].aws_providers.len() > 1
            || self.root_resources().any(|resource| {
                resource.kind == "aws_lambda_function" && self.argument(resource.body, "region").is_some()
            })
    }

    /// A region written out, or held by a local; a variable may be set to any.
    fn written_region(&self, region: Located<'a>) -> Option<String> {
        self.string_value(region, &[])
            .filter(|(_, origin)| !origin.overridable)
            .map(|(region, _)| region)
    }
}
