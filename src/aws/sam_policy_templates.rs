//! What the AWS SAM policy templates infrafix knows allow, as SAM's
//! `samtranslator/policy_templates_data/policy_templates.json` defines them. A function's
//! `Policies` entry `- SQSPollerPolicy: {QueueName: …}` becomes an inline policy of the role SAM
//! makes for it, with the template's statements and its parameter in their ARN.

/// What one template allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateGrant {
    /// `actions` on the queue or topic whose name the template's one parameter holds: the ARN
    /// `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<name><suffix>`.
    OnNamed {
        parameter: &'static str,
        service: &'static str,
        actions: &'static [&'static str],
        /// What follows the name in the ARN: `*` where the template covers names starting so.
        suffix: &'static str,
    },
    /// Actions of these services alone, on resources infrafix does not follow: never a queue's
    /// or a topic's.
    OtherServices(&'static [&'static str]),
}

pub struct PolicyTemplate {
    pub name: &'static str,
    pub grant: TemplateGrant,
}

const fn other(name: &'static str, services: &'static [&'static str]) -> PolicyTemplate {
    PolicyTemplate {
        name,
        grant: TemplateGrant::OtherServices(services),
    }
}

const TEMPLATES: &[PolicyTemplate] = &[
    PolicyTemplate {
        name: "SQSPollerPolicy",
        grant: TemplateGrant::OnNamed {
            parameter: "QueueName",
            service: "sqs",
            actions: &[
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            suffix: "",
        },
    },
    PolicyTemplate {
        name: "SQSSendMessagePolicy",
        grant: TemplateGrant::OnNamed {
            parameter: "QueueName",
            service: "sqs",
            actions: &["sqs:SendMessage*"],
            suffix: "",
        },
    },
    PolicyTemplate {
        name: "SNSPublishMessagePolicy",
        grant: TemplateGrant::OnNamed {
            parameter: "TopicName",
            service: "sns",
            actions: &["sns:Publish"],
            suffix: "",
        },
    },
    PolicyTemplate {
        name: "SNSCrudPolicy",
        grant: TemplateGrant::OnNamed {
            parameter: "TopicName",
            service: "sns",
            actions: &[
                "sns:ListSubscriptionsByTopic",
                "sns:CreateTopic",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:Publish",
            ],
            suffix: "*",
        },
    },
    other("AMIDescribePolicy", &["ec2"]),
    other("CloudFormationDescribeStacksPolicy", &["cloudformation"]),
    other("CloudWatchDashboardPolicy", &["cloudwatch"]),
    other("CloudWatchDescribeAlarmHistoryPolicy", &["cloudwatch"]),
    other("CloudWatchPutMetricPolicy", &["cloudwatch"]),
    other("CodePipelineLambdaExecutionPolicy", &["codepipeline"]),
    other("CodePipelineReadOnlyPolicy", &["codepipeline"]),
    other("DynamoDBCrudPolicy", &["dynamodb"]),
    other("DynamoDBReadPolicy", &["dynamodb"]),
    other("DynamoDBReconfigurePolicy", &["dynamodb"]),
    other("DynamoDBStreamReadPolicy", &["dynamodb"]),
    other("EC2CopyImagePolicy", &["ec2"]),
    other("EC2DescribePolicy", &["ec2"]),
    other("ElasticsearchHttpPostPolicy", &["es"]),
    other("KinesisCrudPolicy", &["kinesis"]),
    other("KinesisStreamReadPolicy", &["kinesis"]),
    other("KMSDecryptPolicy", &["kms"]),
    other("KMSEncryptPolicy", &["kms"]),
    other("LambdaInvokePolicy", &["lambda"]),
    other("PollyFullAccessPolicy", &["polly"]),
    other("RekognitionDetectOnlyPolicy", &["rekognition"]),
    other("RekognitionFacesManagementPolicy", &["rekognition"]),
    other("RekognitionFacesPolicy", &["rekognition"]),
    other("RekognitionLabelsPolicy", &["rekognition"]),
    other("RekognitionNoDataAccessPolicy", &["rekognition"]),
    other("RekognitionReadPolicy", &["rekognition"]),
    other("RekognitionWriteOnlyAccessPolicy", &["rekognition"]),
    other("S3CrudPolicy", &["s3"]),
    other("S3FullAccessPolicy", &["s3"]),
    other("S3ReadPolicy", &["s3"]),
    other("ServerlessRepoReadWriteAccessPolicy", &["serverlessrepo"]),
    other("SESCrudPolicy", &["ses"]),
    other("SESSendBouncePolicy", &["ses"]),
    other("VPCAccessPolicy", &["ec2"]),
];

/// A template by its name, when infrafix knows it.
pub fn find(name: &str) -> Option<&'static PolicyTemplate> {
    TEMPLATES.iter().find(|template| template.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_listed_once_and_only_the_named_ones_reach_queues_or_topics() {
        for (index, template) in TEMPLATES.iter().enumerate() {
            assert!(TEMPLATES[index + 1..].iter().all(|other| other.name != template.name));
            if let TemplateGrant::OtherServices(services) = template.grant {
                assert!(!services.iter().any(|service| ["sqs", "sns"].contains(service)));
            }
        }
        assert!(matches!(
            find("SQSPollerPolicy").map(|template| template.grant),
            Some(TemplateGrant::OnNamed { service: "sqs", .. })
        ));
    }
}
