//! The CDK classes that stand for resources the graph reads in Pulumi's terms: the L1 (`Cfn*`)
//! constructs, which write a CloudFormation resource's properties in camel case, and the L2
//! queues and topics an L1 resource names. Each says which Pulumi type it matches, the props it
//! spells differently, and its attributes (`attrArn`, `ref`) in the graph's names, so that the
//! readers of roles, policies, event sources and integrations serve both languages.

use super::super::{Package, PackageMember};

/// A CDK class read as the Pulumi type `aws`.
struct Equivalent {
    module: &'static str,
    class: &'static str,
    /// The Pulumi type, as `ResourceDecl::is_aws` names it.
    aws: [&'static str; 2],
    /// Props the CDK spells differently: (Pulumi's argument, the CDK's prop).
    arguments: &'static [(&'static str, &'static str)],
    /// Attributes as the CDK names them, with the graph's name (`attrArn` is `arn`).
    attributes: &'static [(&'static str, &'static str)],
}

const EQUIVALENTS: &[Equivalent] = &[
    Equivalent {
        module: "aws_lambda",
        class: "CfnFunction",
        aws: ["lambda", "Function"],
        arguments: &[],
        attributes: &[("attrArn", "arn"), ("ref", "name")],
    },
    Equivalent {
        module: "aws_lambda",
        class: "CfnEventSourceMapping",
        aws: ["lambda", "EventSourceMapping"],
        arguments: &[],
        attributes: &[("ref", "id")],
    },
    Equivalent {
        module: "aws_lambda",
        class: "CfnPermission",
        aws: ["lambda", "Permission"],
        arguments: &[("function", "functionName")],
        attributes: &[],
    },
    Equivalent {
        module: "aws_iam",
        class: "CfnRole",
        aws: ["iam", "Role"],
        arguments: &[("inlinePolicies", "policies"), ("name", "roleName")],
        attributes: &[("attrArn", "arn"), ("attrRoleId", "uniqueId"), ("ref", "name")],
    },
    // AWS::IAM::Policy is an inline policy of every role, user and group it lists.
    Equivalent {
        module: "aws_iam",
        class: "CfnPolicy",
        aws: ["iam", "RolePolicy"],
        arguments: &[("role", "roles"), ("policy", "policyDocument")],
        attributes: &[("ref", "id")],
    },
    Equivalent {
        module: "aws_iam",
        class: "CfnRolePolicy",
        aws: ["iam", "RolePolicy"],
        arguments: &[("role", "roleName"), ("policy", "policyDocument")],
        attributes: &[],
    },
    // A managed policy is read where a role lists its ARN; one that attaches itself to roles
    // (`roles`) is an attachment infrafix does not read, so those roles are not judged.
    Equivalent {
        module: "aws_iam",
        class: "CfnManagedPolicy",
        aws: ["iam", "Policy"],
        arguments: &[("policy", "policyDocument")],
        attributes: &[("attrPolicyArn", "arn"), ("ref", "arn")],
    },
    Equivalent {
        module: "aws_iam",
        class: "CfnManagedPolicy",
        aws: ["iam", "PolicyAttachment"],
        arguments: &[],
        attributes: &[],
    },
    Equivalent {
        module: "aws_sqs",
        class: "CfnQueue",
        aws: ["sqs", "Queue"],
        arguments: &[("name", "queueName")],
        attributes: &[
            ("attrArn", "arn"),
            ("attrQueueName", "name"),
            ("attrQueueUrl", "url"),
            ("ref", "url"),
        ],
    },
    Equivalent {
        module: "aws_sqs",
        class: "Queue",
        aws: ["sqs", "Queue"],
        arguments: &[("name", "queueName")],
        attributes: &[("queueArn", "arn"), ("queueName", "name"), ("queueUrl", "url")],
    },
    Equivalent {
        module: "aws_sns",
        class: "CfnTopic",
        aws: ["sns", "Topic"],
        arguments: &[("name", "topicName")],
        attributes: &[("attrTopicArn", "arn"), ("attrTopicName", "name"), ("ref", "arn")],
    },
    Equivalent {
        module: "aws_sns",
        class: "Topic",
        aws: ["sns", "Topic"],
        arguments: &[("name", "topicName")],
        attributes: &[("topicArn", "arn"), ("topicName", "name")],
    },
    Equivalent {
        module: "aws_apigateway",
        class: "CfnRestApi",
        aws: ["apigateway", "RestApi"],
        arguments: &[],
        attributes: &[("ref", "id"), ("attrRestApiId", "id")],
    },
    // Its OpenAPI document is `apiDefinition: ApiDefinition.fromInline(…)`.
    Equivalent {
        module: "aws_apigateway",
        class: "SpecRestApi",
        aws: ["apigateway", "RestApi"],
        arguments: &[("body", "apiDefinition")],
        attributes: &[("restApiId", "id")],
    },
    // Its integration is the object in `integration` (see `integration_object`).
    Equivalent {
        module: "aws_apigateway",
        class: "CfnMethod",
        aws: ["apigateway", "Integration"],
        arguments: &[("restApi", "restApiId")],
        attributes: &[],
    },
    // The L2 integration a method of a `RestApi` is given (`resource.addMethod("GET", integration)`),
    // made from its props alone; its role is `options.credentialsRole`, which is not read.
    Equivalent {
        module: "aws_apigateway",
        class: "Integration",
        aws: ["apigateway", "Integration"],
        arguments: &[],
        attributes: &[],
    },
];

/// The attributes of the L2 function constructs an L1 resource or an OpenAPI document reads.
const FUNCTION_ATTRIBUTES: &[(&str, &str)] = &[("functionArn", "arn"), ("functionName", "name")];

/// The attributes of a class: its equivalent's, or an L2 function's.
fn attributes(class: &PackageMember) -> impl Iterator<Item = &'static (&'static str, &'static str)> + '_ {
    let function = super::is_function(class).then_some(FUNCTION_ATTRIBUTES);
    equivalents(class)
        .flat_map(|equivalent| equivalent.attributes)
        .chain(function.into_iter().flatten())
}

fn equivalents(class: &PackageMember) -> impl Iterator<Item = &'static Equivalent> + '_ {
    // Asked of every resource by every rule: a Pulumi class is not looked up in the table at all.
    let table = if class.package == Package::Cdk {
        EQUIVALENTS
    } else {
        &[]
    };
    table
        .iter()
        .filter(move |equivalent| class.is(Package::Cdk, &[equivalent.module, equivalent.class]))
}

/// Whether a CDK class is read as the Pulumi type `aws` (`["iam", "Role"]`).
pub(in super::super) fn stands_for(class: &PackageMember, aws: &[&str]) -> bool {
    equivalents(class).any(|equivalent| equivalent.aws == aws)
}

/// The L1 class that declares the Pulumi type `aws` (`CfnPermission` for `lambda.Permission`).
pub(in super::super) fn l1_class_for(aws: &[&str]) -> Option<PackageMember> {
    EQUIVALENTS
        .iter()
        .find(|equivalent| equivalent.class.starts_with("Cfn") && equivalent.aws == aws)
        .map(|equivalent| PackageMember {
            package: Package::Cdk,
            path: vec![equivalent.module.to_owned(), equivalent.class.to_owned()],
        })
}

/// The prop of a CDK class that holds what Pulumi's argument `argument` holds.
pub(in super::super) fn prop_name<'a>(class: &PackageMember, argument: &'a str) -> &'a str {
    equivalents(class)
        .flat_map(|equivalent| equivalent.arguments)
        .find(|(pulumi, _)| *pulumi == argument)
        .map_or(argument, |(_, cdk)| cdk)
}

/// The graph's name for an attribute a CDK class spells `attribute`; Pulumi's names pass through.
pub(in super::super) fn graph_attribute<'a>(class: &PackageMember, attribute: &'a str) -> &'a str {
    attributes(class)
        .find(|(cdk, _)| *cdk == attribute)
        .map_or(attribute, |(_, graph)| graph)
}

/// How code reads the graph's attribute `attribute` (`arn`) of a CDK class: its own name
/// (`attrArn`, `queueArn`), the first the table lists.
pub(in super::super) fn written_attribute<'a>(class: &PackageMember, attribute: &'a str) -> Option<&'a str> {
    if class.package != Package::Cdk {
        return Some(attribute);
    }
    attributes(class)
        .find(|(_, graph)| *graph == attribute)
        .map(|(cdk, _)| *cdk)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cdk(module: &str, class: &str) -> PackageMember {
        PackageMember {
            package: Package::Cdk,
            path: vec![module.to_owned(), class.to_owned()],
        }
    }

    #[test]
    fn l1_classes_read_as_pulumi_types_with_their_own_names() {
        let role = cdk("aws_iam", "CfnRole");
        assert!(stands_for(&role, &["iam", "Role"]));
        assert!(!stands_for(&role, &["iam", "Policy"]));
        assert_eq!(prop_name(&role, "inlinePolicies"), "policies");
        assert_eq!(prop_name(&role, "managedPolicyArns"), "managedPolicyArns");
        assert_eq!(graph_attribute(&role, "attrArn"), "arn");
        assert_eq!(written_attribute(&role, "arn"), Some("attrArn"));
        let queue = cdk("aws_sqs", "Queue");
        assert_eq!(written_attribute(&queue, "arn"), Some("queueArn"));
        assert_eq!(
            written_attribute(&cdk("aws_lambda", "Function"), "arn"),
            Some("functionArn")
        );
        assert_eq!(written_attribute(&cdk("aws_lambda", "Function"), "invokeArn"), None);
        let pulumi = PackageMember {
            package: Package::Aws,
            path: vec!["iam".to_owned(), "Role".to_owned()],
        };
        assert_eq!(written_attribute(&pulumi, "arn"), Some("arn"));
        let managed = cdk("aws_iam", "CfnManagedPolicy");
        assert!(stands_for(&managed, &["iam", "Policy"]) && stands_for(&managed, &["iam", "PolicyAttachment"]));
        assert_eq!(
            l1_class_for(&["lambda", "Permission"]),
            Some(cdk("aws_lambda", "CfnPermission"))
        );
        assert_eq!(l1_class_for(&["sqs", "Queue"]), Some(cdk("aws_sqs", "CfnQueue")));
    }
}
