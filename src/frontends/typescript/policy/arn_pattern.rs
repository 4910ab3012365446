//! ARNs a policy builds from the partition, region and account the program deploys to:
//! `` `arn:aws:sqs:${this.region}:${this.account}:*` ``, `cdk.Aws.REGION`, `Stack.of(this).account`,
//! `cdk.Fn.sub("arn:aws:sqs:${AWS::Region}:…")`, Pulumi's `aws.getRegionOutput().name`. Those
//! parts are read as wildcards, as CloudFormation's pseudo parameters are: whatever they are, the
//! program's own queues and topics lie in them, so a grant written this way reaches them.

use crate::frontends::cloudformation::pseudo_parameters_as_wildcards;
use crate::frontends::typescript::{named_children, Located, Package, Program};
use crate::syntax::{kind_of, Fields};

/// What the CDK's stack (`this.region`, `Stack.of(this).account`) says of where it deploys.
const STACK_PROPERTIES: [&str; 4] = ["region", "account", "partition", "urlSuffix"];
/// The CDK's pseudo parameters (`Aws.REGION`).
const CDK_PSEUDO_PARAMETERS: [&str; 4] = ["REGION", "ACCOUNT_ID", "PARTITION", "URL_SUFFIX"];
/// @pulumi/aws functions whose results say where the program deploys.
const PULUMI_LOOKUPS: [&str; 6] = [
    "getRegion",
    "getRegionOutput",
    "getCallerIdentity",
    "getCallerIdentityOutput",
    "getPartition",
    "getPartitionOutput",
];

impl<'tree> Program<'tree> {
    /// The pattern an ARN template stands for, when every substitution in it names where the
    /// program deploys (each read as `*`); `None` when it substitutes anything else.
    pub(super) fn deployment_arn_pattern(&self, at: Located<'tree>) -> Option<String> {
        let at = self.unwrapped(at);
        match kind_of(at.node) {
            "template_string" => {
                let mut pattern = String::new();
                for part in named_children(at.node) {
                    match kind_of(part) {
                        "string_fragment" => pattern.push_str(self.text(at.with(part))),
                        "template_substitution" if self.names_the_deployment(at.with(named_children(part).next()?)) => {
                            pattern.push('*')
                        }
                        _ => return None,
                    }
                }
                Some(pattern)
            }
            "call_expression" => {
                let callee = self.package_member(at.with(at.node.field("function")?))?;
                // `pulumi.interpolate` of such a template.
                let arguments = at.node.field("arguments")?;
                if callee.is(Package::Pulumi, &["interpolate"]) && kind_of(arguments) == "template_string" {
                    return self.deployment_arn_pattern(at.with(arguments));
                }
                // `cdk.Fn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*")`
                if !callee.is(Package::Cdk, &["Fn", "sub"]) {
                    return None;
                }
                match self.call_arguments(at).as_slice() {
                    [text] => pseudo_parameters_as_wildcards(&self.string_value(*text)?),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether an expression is the partition, region, account or URL suffix the program
    /// deploys to.
    fn names_the_deployment(&self, expression: Located<'tree>) -> bool {
        let expression = self.written_value(expression);
        if let Some(member) = self.package_member(expression) {
            return match member.path.as_slice() {
                [aws, name] if member.package == Package::Cdk && aws == "Aws" => {
                    CDK_PSEUDO_PARAMETERS.contains(&name.as_str())
                }
                [config, region] if member.package == Package::Aws => config == "config" && region == "region",
                _ => false,
            };
        }
        if kind_of(expression.node) != "member_expression" {
            return false;
        }
        let (Some(object), Some(property)) = (expression.node.field("object"), expression.node.field("property"))
        else {
            return false;
        };
        let property = self.text(expression.with(property));
        let object = self.written_value(expression.with(object));
        match kind_of(object.node) {
            "this" => STACK_PROPERTIES.contains(&property),
            "call_expression" | "await_expression" => {
                let call = match kind_of(object.node) {
                    "await_expression" => object.node.named_child(0).map(|call| object.with(call)),
                    _ => Some(object),
                };
                call.and_then(|call| self.deployment_lookup(call))
                    .is_some_and(|cdk_stack| match cdk_stack {
                        true => STACK_PROPERTIES.contains(&property),
                        false => matches!(property, "name" | "region" | "id" | "accountId" | "partition"),
                    })
            }
            _ => false,
        }
    }

    /// Whether a call looks up where the program deploys: `Some(true)` for the CDK's
    /// `Stack.of(…)`, `Some(false)` for @pulumi/aws's `getRegion()` and its kin.
    fn deployment_lookup(&self, call: Located<'tree>) -> Option<bool> {
        if kind_of(call.node) != "call_expression" {
            return None;
        }
        let member = self.package_member(call.with(call.node.field("function")?))?;
        match member.path.as_slice() {
            [stack, of] if member.package == Package::Cdk && stack == "Stack" && of == "of" => Some(true),
            [lookup] if member.package == Package::Aws && PULUMI_LOOKUPS.contains(&lookup.as_str()) => Some(false),
            _ => None,
        }
    }
}
