//! REST API deployments: each `AWS::ApiGateway::Deployment`, and the one SAM makes for every
//! `AWS::Serverless::Api`.

use super::integrations::API_TYPES;
use super::values::intrinsic;
use super::Template;
use crate::cloud::{ApiDeployment, Site};
use crate::frontends::document::Value;

const SAM_DEPLOYMENT: &str = "SAM makes that Deployment itself from the AWS::Serverless::Api (a DependsOn on the API would hold back the API, which the permission names)";

impl Template<'_> {
    pub(super) fn graph_deployments(&self) -> Vec<ApiDeployment> {
        self.resources()
            .filter_map(|resource| {
                let declared = self.site(resource.entry.range.clone());
                match resource.kind {
                    "AWS::ApiGateway::Deployment" => {
                        let api = resource.properties.and_then(|properties| properties.get("RestApiId"));
                        Some(ApiDeployment {
                            declared,
                            rest_api: self.deployed_api(api)?,
                            cannot_wait: None,
                        })
                    }
                    "AWS::Serverless::Api" => Some(ApiDeployment {
                        rest_api: Some(declared.clone()),
                        declared,
                        cannot_wait: Some(SAM_DEPLOYMENT.to_owned()),
                    }),
                    _ => None,
                }
            })
            .collect()
    }

    /// Which REST API of the template a deployment's `RestApiId` names: `Some(None)` when that
    /// cannot be told, `None` when it surely names none (a literal id, a parameter, an import:
    /// an API this template creates has an id known only through a reference to it).
    fn deployed_api(&self, api: Option<&Value>) -> Option<Option<Site>> {
        let Some(api) = api else {
            return Some(None);
        };
        if let Some(reference) = self.resource_ref(api) {
            let site = self
                .resource(reference.resource)
                .filter(|resource| {
                    API_TYPES.contains(&resource.kind)
                        && matches!(reference.attribute.as_deref(), Some("ref" | "RestApiId"))
                })
                .map(|resource| self.site(resource.entry.range.clone()));
            return Some(site);
        }
        let names_none = api.text().is_some()
            || intrinsic(api).is_some_and(|(name, _)| matches!(name.as_str(), "Ref" | "Fn::ImportValue"));
        (!names_none).then_some(None)
    }
}
