//! What the AWS SAM policy templates allow, as SAM's
//! `samtranslator/policy_templates_data/policy_templates.json` defines them (every template of
//! aws-sam-translator 1.110.0). A function's `Policies` entry `- SQSPollerPolicy: {QueueName: …}`
//! becomes an inline policy of the role SAM makes for it, with the template's statements and its
//! parameter in their ARN.

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
    /// These actions, on resources infrafix does not follow (tables, buckets, secrets, keys…):
    /// never a queue's or a topic's.
    OnOtherResources(&'static [&'static str]),
}

pub struct PolicyTemplate {
    pub name: &'static str,
    pub grant: TemplateGrant,
}

const fn other(name: &'static str, actions: &'static [&'static str]) -> PolicyTemplate {
    PolicyTemplate {
        name,
        grant: TemplateGrant::OnOtherResources(actions),
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
    other("AMIDescribePolicy", &["ec2:DescribeImages"]),
    other(
        "AWSSecretsManagerGetSecretValuePolicy",
        &["secretsmanager:GetSecretValue"],
    ),
    other(
        "AWSSecretsManagerRotationPolicy",
        &[
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
            "secretsmanager:GetRandomPassword",
        ],
    ),
    other("AcmGetCertificatePolicy", &["acm:GetCertificate"]),
    other(
        "AthenaQueryPolicy",
        &[
            "athena:ListWorkGroups",
            "athena:GetExecutionEngine",
            "athena:GetExecutionEngines",
            "athena:GetNamespace",
            "athena:GetCatalogs",
            "athena:GetNamespaces",
            "athena:GetTables",
            "athena:GetTable",
            "athena:StartQueryExecution",
            "athena:GetQueryResults",
            "athena:DeleteNamedQuery",
            "athena:GetNamedQuery",
            "athena:ListQueryExecutions",
            "athena:StopQueryExecution",
            "athena:GetQueryResultsStream",
            "athena:ListNamedQueries",
            "athena:CreateNamedQuery",
            "athena:GetQueryExecution",
            "athena:BatchGetNamedQuery",
            "athena:BatchGetQueryExecution",
            "athena:GetWorkGroup",
        ],
    ),
    other("CloudFormationDescribeStacksPolicy", &["cloudformation:DescribeStacks"]),
    other(
        "CloudWatchDashboardPolicy",
        &[
            "cloudwatch:GetDashboard",
            "cloudwatch:ListDashboards",
            "cloudwatch:PutDashboard",
            "cloudwatch:ListMetrics",
        ],
    ),
    other(
        "CloudWatchDescribeAlarmHistoryPolicy",
        &["cloudwatch:DescribeAlarmHistory"],
    ),
    other("CloudWatchPutMetricPolicy", &["cloudwatch:PutMetricData"]),
    other(
        "CodeCommitCrudPolicy",
        &[
            "codecommit:GitPull",
            "codecommit:GitPush",
            "codecommit:CreateBranch",
            "codecommit:DeleteBranch",
            "codecommit:GetBranch",
            "codecommit:ListBranches",
            "codecommit:MergeBranchesByFastForward",
            "codecommit:MergeBranchesBySquash",
            "codecommit:MergeBranchesByThreeWay",
            "codecommit:UpdateDefaultBranch",
            "codecommit:BatchDescribeMergeConflicts",
            "codecommit:CreateUnreferencedMergeCommit",
            "codecommit:DescribeMergeConflicts",
            "codecommit:GetMergeCommit",
            "codecommit:GetMergeOptions",
            "codecommit:BatchGetPullRequests",
            "codecommit:CreatePullRequest",
            "codecommit:DescribePullRequestEvents",
            "codecommit:GetCommentsForPullRequest",
            "codecommit:GetCommitsFromMergeBase",
            "codecommit:GetMergeConflicts",
            "codecommit:GetPullRequest",
            "codecommit:ListPullRequests",
            "codecommit:MergePullRequestByFastForward",
            "codecommit:MergePullRequestBySquash",
            "codecommit:MergePullRequestByThreeWay",
            "codecommit:PostCommentForPullRequest",
            "codecommit:UpdatePullRequestDescription",
            "codecommit:UpdatePullRequestStatus",
            "codecommit:UpdatePullRequestTitle",
            "codecommit:DeleteFile",
            "codecommit:GetBlob",
            "codecommit:GetFile",
            "codecommit:GetFolder",
            "codecommit:PutFile",
            "codecommit:DeleteCommentContent",
            "codecommit:GetComment",
            "codecommit:GetCommentsForComparedCommit",
            "codecommit:PostCommentForComparedCommit",
            "codecommit:PostCommentReply",
            "codecommit:UpdateComment",
            "codecommit:BatchGetCommits",
            "codecommit:CreateCommit",
            "codecommit:GetCommit",
            "codecommit:GetCommitHistory",
            "codecommit:GetDifferences",
            "codecommit:GetObjectIdentifier",
            "codecommit:GetReferences",
            "codecommit:GetTree",
            "codecommit:GetRepository",
            "codecommit:UpdateRepositoryDescription",
            "codecommit:ListTagsForResource",
            "codecommit:TagResource",
            "codecommit:UntagResource",
            "codecommit:GetRepositoryTriggers",
            "codecommit:PutRepositoryTriggers",
            "codecommit:TestRepositoryTriggers",
            "codecommit:UploadArchive",
            "codecommit:GetUploadArchiveStatus",
            "codecommit:CancelUploadArchive",
        ],
    ),
    other(
        "CodeCommitReadPolicy",
        &[
            "codecommit:GitPull",
            "codecommit:GetBranch",
            "codecommit:ListBranches",
            "codecommit:BatchDescribeMergeConflicts",
            "codecommit:DescribeMergeConflicts",
            "codecommit:GetMergeCommit",
            "codecommit:GetMergeOptions",
            "codecommit:BatchGetPullRequests",
            "codecommit:DescribePullRequestEvents",
            "codecommit:GetCommentsForPullRequest",
            "codecommit:GetCommitsFromMergeBase",
            "codecommit:GetMergeConflicts",
            "codecommit:GetPullRequest",
            "codecommit:ListPullRequests",
            "codecommit:GetBlob",
            "codecommit:GetFile",
            "codecommit:GetFolder",
            "codecommit:GetComment",
            "codecommit:GetCommentsForComparedCommit",
            "codecommit:BatchGetCommits",
            "codecommit:GetCommit",
            "codecommit:GetCommitHistory",
            "codecommit:GetDifferences",
            "codecommit:GetObjectIdentifier",
            "codecommit:GetReferences",
            "codecommit:GetTree",
            "codecommit:GetRepository",
            "codecommit:ListTagsForResource",
            "codecommit:GetRepositoryTriggers",
            "codecommit:TestRepositoryTriggers",
            "codecommit:GetUploadArchiveStatus",
        ],
    ),
    other(
        "CodePipelineLambdaExecutionPolicy",
        &["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"],
    ),
    other("CodePipelineReadOnlyPolicy", &["codepipeline:ListPipelineExecutions"]),
    other(
        "ComprehendBasicAccessPolicy",
        &[
            "comprehend:BatchDetectKeyPhrases",
            "comprehend:DetectDominantLanguage",
            "comprehend:DetectEntities",
            "comprehend:BatchDetectEntities",
            "comprehend:DetectKeyPhrases",
            "comprehend:DetectSentiment",
            "comprehend:BatchDetectDominantLanguage",
            "comprehend:BatchDetectSentiment",
        ],
    ),
    other(
        "CostExplorerReadOnlyPolicy",
        &[
            "ce:GetCostAndUsage",
            "ce:GetDimensionValues",
            "ce:GetReservationCoverage",
            "ce:GetReservationPurchaseRecommendation",
            "ce:GetReservationUtilization",
            "ce:GetTags",
        ],
    ),
    other(
        "DynamoDBBackupFullAccessPolicy",
        &[
            "dynamodb:CreateBackup",
            "dynamodb:DescribeContinuousBackups",
            "dynamodb:DeleteBackup",
            "dynamodb:DescribeBackup",
            "dynamodb:ListBackups",
        ],
    ),
    other(
        "DynamoDBCrudPolicy",
        &[
            "dynamodb:GetItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
            "dynamodb:ConditionCheckItem",
        ],
    ),
    other(
        "DynamoDBReadPolicy",
        &[
            "dynamodb:GetItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
        ],
    ),
    other("DynamoDBReconfigurePolicy", &["dynamodb:UpdateTable"]),
    other(
        "DynamoDBRestoreFromBackupPolicy",
        &[
            "dynamodb:RestoreTableFromBackup",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:BatchWriteItem",
        ],
    ),
    other(
        "DynamoDBStreamReadPolicy",
        &[
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
        ],
    ),
    other(
        "DynamoDBWritePolicy",
        &["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"],
    ),
    other("EC2CopyImagePolicy", &["ec2:CopyImage"]),
    other("EC2DescribePolicy", &["ec2:DescribeRegions", "ec2:DescribeInstances"]),
    other(
        "EFSWriteAccessPolicy",
        &["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    ),
    other("EKSDescribePolicy", &["eks:DescribeCluster", "eks:ListClusters"]),
    other("EcsRunTaskPolicy", &["ecs:RunTask"]),
    other(
        "ElasticMapReduceAddJobFlowStepsPolicy",
        &["elasticmapreduce:AddJobFlowSteps"],
    ),
    other("ElasticMapReduceCancelStepsPolicy", &["elasticmapreduce:CancelSteps"]),
    other(
        "ElasticMapReduceModifyInstanceFleetPolicy",
        &[
            "elasticmapreduce:ModifyInstanceFleet",
            "elasticmapreduce:ListInstanceFleets",
        ],
    ),
    other(
        "ElasticMapReduceModifyInstanceGroupsPolicy",
        &[
            "elasticmapreduce:ModifyInstanceGroups",
            "elasticmapreduce:ListInstanceGroups",
        ],
    ),
    other(
        "ElasticMapReduceSetTerminationProtectionPolicy",
        &["elasticmapreduce:SetTerminationProtection"],
    ),
    other(
        "ElasticMapReduceTerminateJobFlowsPolicy",
        &["elasticmapreduce:TerminateJobFlows"],
    ),
    other("ElasticsearchHttpPostPolicy", &["es:ESHttpPost", "es:ESHttpPut"]),
    other("EventBridgePutEventsPolicy", &["events:PutEvents"]),
    other("FilterLogEventsPolicy", &["logs:FilterLogEvents"]),
    other(
        "FirehoseCrudPolicy",
        &[
            "firehose:CreateDeliveryStream",
            "firehose:DeleteDeliveryStream",
            "firehose:DescribeDeliveryStream",
            "firehose:PutRecord",
            "firehose:PutRecordBatch",
            "firehose:UpdateDestination",
        ],
    ),
    other(
        "FirehoseWritePolicy",
        &["firehose:PutRecord", "firehose:PutRecordBatch"],
    ),
    other("KMSDecryptPolicy", &["kms:Decrypt"]),
    other("KMSEncryptPolicy", &["kms:Encrypt"]),
    other(
        "KMSEncryptPolicy_v2",
        &[
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:GenerateDataKeyPair",
            "kms:GenerateDataKeyPairWithoutPlaintext",
        ],
    ),
    other(
        "KinesisCrudPolicy",
        &[
            "kinesis:AddTagsToStream",
            "kinesis:CreateStream",
            "kinesis:DecreaseStreamRetentionPeriod",
            "kinesis:DeleteStream",
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetShardIterator",
            "kinesis:IncreaseStreamRetentionPeriod",
            "kinesis:ListTagsForStream",
            "kinesis:MergeShards",
            "kinesis:PutRecord",
            "kinesis:PutRecords",
            "kinesis:SplitShard",
            "kinesis:RemoveTagsFromStream",
        ],
    ),
    other(
        "KinesisStreamReadPolicy",
        &[
            "kinesis:ListStreams",
            "kinesis:DescribeLimits",
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
        ],
    ),
    other("LambdaInvokePolicy", &["lambda:InvokeFunction"]),
    other("MobileAnalyticsWriteOnlyAccessPolicy", &["mobileanalytics:PutEvents"]),
    other("OrganizationsListAccountsPolicy", &["organizations:ListAccounts"]),
    other(
        "PinpointEndpointAccessPolicy",
        &[
            "mobiletargeting:GetEndpoint",
            "mobiletargeting:UpdateEndpoint",
            "mobiletargeting:UpdateEndpointsBatch",
        ],
    ),
    other(
        "PollyFullAccessPolicy",
        &[
            "polly:GetLexicon",
            "polly:DeleteLexicon",
            "polly:DescribeVoices",
            "polly:ListLexicons",
            "polly:PutLexicon",
            "polly:SynthesizeSpeech",
        ],
    ),
    other(
        "RekognitionDetectOnlyPolicy",
        &[
            "rekognition:DetectFaces",
            "rekognition:DetectLabels",
            "rekognition:DetectModerationLabels",
            "rekognition:DetectText",
        ],
    ),
    other(
        "RekognitionFacesManagementPolicy",
        &[
            "rekognition:IndexFaces",
            "rekognition:DeleteFaces",
            "rekognition:SearchFaces",
            "rekognition:SearchFacesByImage",
            "rekognition:ListFaces",
        ],
    ),
    other(
        "RekognitionFacesPolicy",
        &["rekognition:CompareFaces", "rekognition:DetectFaces"],
    ),
    other(
        "RekognitionLabelsPolicy",
        &["rekognition:DetectLabels", "rekognition:DetectModerationLabels"],
    ),
    other(
        "RekognitionNoDataAccessPolicy",
        &[
            "rekognition:CompareFaces",
            "rekognition:DetectFaces",
            "rekognition:DetectLabels",
            "rekognition:DetectModerationLabels",
        ],
    ),
    other(
        "RekognitionReadPolicy",
        &[
            "rekognition:ListCollections",
            "rekognition:ListFaces",
            "rekognition:SearchFaces",
            "rekognition:SearchFacesByImage",
        ],
    ),
    other(
        "RekognitionWriteOnlyAccessPolicy",
        &["rekognition:CreateCollection", "rekognition:IndexFaces"],
    ),
    other(
        "Route53ChangeResourceRecordSetsPolicy",
        &["route53:ChangeResourceRecordSets"],
    ),
    other(
        "S3CrudPolicy",
        &[
            "s3:GetObject",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetObjectVersion",
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:GetLifecycleConfiguration",
            "s3:PutLifecycleConfiguration",
            "s3:DeleteObject",
        ],
    ),
    other(
        "S3FullAccessPolicy",
        &[
            "s3:GetObject",
            "s3:GetObjectAcl",
            "s3:GetObjectVersion",
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:DeleteObject",
            "s3:DeleteObjectTagging",
            "s3:DeleteObjectVersionTagging",
            "s3:GetObjectTagging",
            "s3:GetObjectVersionTagging",
            "s3:PutObjectTagging",
            "s3:PutObjectVersionTagging",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetLifecycleConfiguration",
            "s3:PutLifecycleConfiguration",
        ],
    ),
    other(
        "S3ReadPolicy",
        &[
            "s3:GetObject",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetObjectVersion",
            "s3:GetLifecycleConfiguration",
        ],
    ),
    other(
        "S3WritePolicy",
        &["s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"],
    ),
    other(
        "SESBulkTemplatedCrudPolicy",
        &[
            "ses:GetIdentityVerificationAttributes",
            "ses:SendEmail",
            "ses:SendRawEmail",
            "ses:SendTemplatedEmail",
            "ses:SendBulkTemplatedEmail",
            "ses:VerifyEmailIdentity",
        ],
    ),
    other(
        "SESBulkTemplatedCrudPolicy_v2",
        &[
            "ses:SendEmail",
            "ses:SendRawEmail",
            "ses:SendTemplatedEmail",
            "ses:SendBulkTemplatedEmail",
            "ses:GetIdentityVerificationAttributes",
            "ses:VerifyEmailIdentity",
        ],
    ),
    other(
        "SESCrudPolicy",
        &[
            "ses:GetIdentityVerificationAttributes",
            "ses:SendEmail",
            "ses:SendRawEmail",
            "ses:VerifyEmailIdentity",
        ],
    ),
    other(
        "SESEmailTemplateCrudPolicy",
        &[
            "ses:CreateTemplate",
            "ses:GetTemplate",
            "ses:ListTemplates",
            "ses:UpdateTemplate",
            "ses:DeleteTemplate",
            "ses:TestRenderTemplate",
        ],
    ),
    other("SESSendBouncePolicy", &["ses:SendBounce"]),
    other(
        "SSMParameterReadPolicy",
        &[
            "ssm:DescribeParameters",
            "ssm:GetParameters",
            "ssm:GetParameter",
            "ssm:GetParametersByPath",
        ],
    ),
    other(
        "SSMParameterWithSlashPrefixReadPolicy",
        &[
            "ssm:DescribeParameters",
            "ssm:GetParameters",
            "ssm:GetParameter",
            "ssm:GetParametersByPath",
        ],
    ),
    other(
        "SageMakerCreateEndpointConfigPolicy",
        &["sagemaker:CreateEndpointConfig"],
    ),
    other("SageMakerCreateEndpointPolicy", &["sagemaker:CreateEndpoint"]),
    other(
        "ServerlessRepoReadWriteAccessPolicy",
        &[
            "serverlessrepo:CreateApplication",
            "serverlessrepo:CreateApplicationVersion",
            "serverlessrepo:UpdateApplication",
            "serverlessrepo:GetApplication",
            "serverlessrepo:ListApplications",
            "serverlessrepo:ListApplicationVersions",
            "serverlessrepo:ListApplicationDependencies",
        ],
    ),
    other(
        "StepFunctionsCallbackPolicy",
        &[
            "states:SendTaskFailure",
            "states:SendTaskHeartbeat",
            "states:SendTaskSuccess",
        ],
    ),
    other("StepFunctionsExecutionPolicy", &["states:StartExecution"]),
    other(
        "StepFunctionsExecutionPolicy_v2",
        &["states:StartExecution", "states:StartSyncExecution"],
    ),
    other(
        "TextractDetectAnalyzePolicy",
        &[
            "textract:DetectDocumentText",
            "textract:StartDocumentTextDetection",
            "textract:StartDocumentAnalysis",
            "textract:AnalyzeDocument",
        ],
    ),
    other(
        "TextractGetResultPolicy",
        &["textract:GetDocumentTextDetection", "textract:GetDocumentAnalysis"],
    ),
    other("TextractPolicy", &["textract:*"]),
    other(
        "VPCAccessPolicy",
        &[
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DetachNetworkInterface",
        ],
    ),
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
            if let TemplateGrant::OnOtherResources(actions) = template.grant {
                // Each names its service, none a queue's or a topic's.
                assert!(actions.iter().all(|action| action
                    .split_once(':')
                    .is_some_and(|(service, _)| !service.is_empty() && !["sqs", "sns"].contains(&service))));
            }
        }
        assert!(matches!(
            find("SQSPollerPolicy").map(|template| template.grant),
            Some(TemplateGrant::OnNamed { service: "sqs", .. })
        ));
    }
}
