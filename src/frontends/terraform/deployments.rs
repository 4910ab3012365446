//! REST API deployments: each `aws_api_gateway_deployment`, in the root module or a module it
//! calls.

use super::TerraformProject;
use crate::cloud::ApiDeployment;

impl TerraformProject<'_> {
    /// A deployment in a called module deploys whatever API its call hands it, which is not
    /// followed: it may deploy any.
    pub(super) fn graph_deployments(&self) -> Vec<ApiDeployment> {
        self.resource_instances()
            .iter()
            .filter(|instance| instance.resource.kind == "aws_api_gateway_deployment")
            .map(|instance| ApiDeployment {
                declared: instance.resource.block.site(),
                rest_api: match instance.calls.is_empty() {
                    true => self
                        .argument(instance.resource.body, "rest_api_id")
                        .and_then(|api| self.rest_api(api)),
                    false => None,
                },
                cannot_wait: None,
            })
            .collect()
    }
}
