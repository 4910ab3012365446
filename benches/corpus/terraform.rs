//! The terraform profile: repositories whose `infra/` is one Terraform root module and nothing
//! else. Every file declares resources that reference those of other files (queues, roles,
//! policies, the API's functions), most files hold a deploy blocker, and a local module is called
//! with the runtime it should use: every file is parsed, modelled across files and fixed.
//!
//! Per repository: `providers.tf`, `queues.tf`, `iam.tf` (a role per consumer group, its policy in
//! `jsonencode`, a policy document data source or heredoc JSON), `api.tf` (a REST API whose OpenAPI body routes
//! to functions of other files, and a stage), one `fn_<domain>.tf` per function, and
//! `modules/worker/main.tf`, which some function files call with their group's role.

use std::path::Path;

use super::{Random, Repository, Size};

const GROUPS: [&str; 4] = ["processor", "notifier", "ingest", "reporter"];

/// Runtimes the functions are written with; most are current, some are deploy blockers.
const RUNTIMES: [&str; 6] = [
    "provided.al2023",
    "nodejs22.x",
    "python3.13",
    "go1.x",
    "nodejs16.x",
    "python3.8",
];

/// The files of a repository that are not function files.
const FILES_OUTSIDE_FUNCTIONS: usize = 5;

pub fn generate(root: &Path, repositories: usize, files_per_repository: usize) -> Size {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut size = Size::default();
    let functions = files_per_repository.saturating_sub(FILES_OUTSIDE_FUNCTIONS).max(1);
    for number in 0..repositories {
        let mut repository = Repository::create_terraform(root, "tf", number);
        let reservation = if number % 2 == 0 { 100 } else { 20 };
        repository.source("infra/providers.tf", PROVIDERS);
        repository.source("infra/queues.tf", &queues(number));
        repository.source("infra/iam.tf", &iam(&mut random));
        repository.source("infra/api.tf", &api(&mut random, functions));
        for index in 0..functions {
            let text = function_file(&mut random, index, reservation);
            repository.source(&format!("infra/fn_{}.tf", function_name(index)), &text);
        }
        repository.source("infra/modules/worker/main.tf", WORKER_MODULE);
        size += repository.size();
    }
    size
}

const PROVIDERS: &str = r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
"#;

const WORKER_MODULE: &str = r#"variable "name" {
  type = string
}

variable "runtime" {
  type    = string
  default = "provided.al2023"
}

variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = var.role_arn
  filename      = "${path.module}/build/${var.name}.zip"
  runtime       = var.runtime
  handler       = "bootstrap"
}
"#;

fn function_name(index: usize) -> String {
    format!("fn{index:02}")
}

fn queues(repository: usize) -> String {
    let mut text =
        String::from("# Each consumer group reads its queue; what fails three times goes to its dead-letter queue.\n");
    for group in GROUPS {
        text.push_str(&format!(
            r#"
resource "aws_sqs_queue" "{group}_dlq" {{
  name                      = "{group}-dlq-{repository}"
  message_retention_seconds = 1209600
}}

resource "aws_sqs_queue" "{group}" {{
  name                       = "{group}-{repository}"
  visibility_timeout_seconds = 180
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.{group}_dlq.arn
    maxReceiveCount     = 3
  }})
}}
"#
        ));
    }
    text
}

/// A role per group with the basic execution policy and the group's queue policy; some groups'
/// policies forget `sqs:GetQueueAttributes` or the send to the dead-letter queue.
fn iam(random: &mut Random) -> String {
    let mut text = String::new();
    for group in GROUPS {
        let poll = match random.chance(70) {
            true => r#"["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]"#,
            false => r#"["sqs:ReceiveMessage", "sqs:DeleteMessage"]"#,
        };
        let sends = random.chance(50);
        text.push_str(&format!(
            r#"
resource "aws_iam_role" "{group}" {{
  name               = "{group}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}}

resource "aws_iam_role_policy_attachment" "{group}_basic" {{
  role       = aws_iam_role.{group}.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}}
"#
        ));
        let policy = match random.next() % 3 {
            0 => encoded_policy(group, poll, sends),
            1 => data_source_policy(group, poll, sends),
            _ => heredoc_policy(group, poll, sends),
        };
        text.push_str(&policy);
    }
    text
}

/// The group's policy in `jsonencode`: a statement object is added to it.
fn encoded_policy(group: &str, poll: &str, sends: bool) -> String {
    let send = match sends {
        true => format!(
            "      {{\n        Effect   = \"Allow\"\n        Action   = \"sqs:SendMessage\"\n        Resource = aws_sqs_queue.{group}_dlq.arn\n      }},\n"
        ),
        false => String::new(),
    };
    format!(
        r#"
resource "aws_iam_role_policy" "{group}" {{
  role = aws_iam_role.{group}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = {poll}
        Resource = aws_sqs_queue.{group}.arn
      }},
{send}    ]
  }})
}}
"#
    )
}

/// The group's policy in a policy document data source: a `statement` block is added to it.
fn data_source_policy(group: &str, poll: &str, sends: bool) -> String {
    let send = match sends {
        true => format!(
            "\n  statement {{\n    actions   = [\"sqs:SendMessage\"]\n    resources = [aws_sqs_queue.{group}_dlq.arn]\n  }}\n"
        ),
        false => String::new(),
    };
    format!(
        r#"
data "aws_iam_policy_document" "{group}" {{
  statement {{
    actions   = {poll}
    resources = [aws_sqs_queue.{group}.arn]
  }}
{send}}}

resource "aws_iam_role_policy" "{group}" {{
  role   = aws_iam_role.{group}.id
  policy = data.aws_iam_policy_document.{group}.json
}}
"#
    )
}

/// The group's policy as heredoc JSON, which is read but never edited: a new role policy takes
/// the send.
fn heredoc_policy(group: &str, poll: &str, sends: bool) -> String {
    let send = match sends {
        true => format!(
            ",\n    {{ \"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"${{aws_sqs_queue.{group}_dlq.arn}}\" }}"
        ),
        false => String::new(),
    };
    format!(
        r#"
resource "aws_iam_role_policy" "{group}" {{
  role   = aws_iam_role.{group}.id
  policy = <<-EOT
    {{
      "Version": "2012-10-17",
      "Statement": [
        {{ "Effect": "Allow", "Action": {poll}, "Resource": "${{aws_sqs_queue.{group}.arn}}" }}{send}
      ]
    }}
  EOT
}}
"#
    )
}

/// A REST API routing to the first functions, some integrations by the function's ARN and with
/// credentials, and a stage with throttling written where it does not belong.
fn api(random: &mut Random, functions: usize) -> String {
    let routes: String = (0..functions.min(6))
        .map(|index| {
            let name = function_name(index);
            let (attribute, credentials) = match random.chance(40) {
                true => ("arn", "\n            credentials = aws_iam_role.api.arn"),
                false => ("invoke_arn", ""),
            };
            format!(
                "      \"/{name}\" = {{\n        post = {{\n          x-amazon-apigateway-integration = {{\n            type       = \"aws_proxy\"\n            httpMethod = \"POST\"\n            uri        = aws_lambda_function.{name}.{attribute}{credentials}\n          }}\n        }}\n      }}\n"
            )
        })
        .collect();
    format!(
        r#"resource "aws_iam_role" "api" {{
  name               = "api-invoke"
  assume_role_policy = file("${{path.module}}/assume-apigateway.json")
}}

resource "aws_api_gateway_rest_api" "api" {{
  name = "api"
  body = jsonencode({{
    openapi = "3.0.1"
    paths = {{
{routes}    }}
  }})
}}

resource "aws_api_gateway_deployment" "api" {{
  rest_api_id = aws_api_gateway_rest_api.api.id
}}

resource "aws_api_gateway_stage" "prod" {{
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  stage_name    = "prod"

  throttle_settings {{
    burst_limit = 100
    rate_limit  = 50
  }}
}}
"#
    )
}

/// A function of a group, consuming the group's queue, with its log group; some call the worker
/// module with a deprecated runtime.
fn function_file(random: &mut Random, index: usize, reservation: u64) -> String {
    let name = function_name(index);
    let group = GROUPS[index % GROUPS.len()];
    let runtime = RUNTIMES[(random.next() % RUNTIMES.len() as u64) as usize];
    let handler = match runtime {
        "go1.x" => "main",
        "provided.al2023" => "bootstrap",
        _ => "index.handler",
    };
    let depends_on = match random.chance(50) {
        true => format!("[aws_cloudwatch_log_group.{name}, aws_iam_role_policy_attachment.{group}_basic]"),
        false => format!("[aws_cloudwatch_log_group.{name}]"),
    };
    let mut text = format!(
        r#"# {name}: consumes the {group} queue.

resource "aws_cloudwatch_log_group" "{name}" {{
  name              = "/aws/lambda/{name}"
  retention_in_days = 14
}}

resource "aws_lambda_function" "{name}" {{
  function_name                  = "{name}"
  role                           = aws_iam_role.{group}.arn
  filename                       = "${{path.module}}/build/{name}.zip"
  runtime                        = "{runtime}"
  handler                        = "{handler}"
  reserved_concurrent_executions = {reservation}

  dead_letter_config {{
    target_arn = aws_sqs_queue.{group}_dlq.arn
  }}

  depends_on = {depends_on}
}}

resource "aws_lambda_event_source_mapping" "{name}" {{
  event_source_arn = aws_sqs_queue.{group}.arn
  function_name    = aws_lambda_function.{name}.arn
  batch_size       = 10
}}
"#
    );
    if random.chance(30) {
        text.push_str(&format!(
            r#"
module "{name}_worker" {{
  source   = "./modules/worker"
  name     = "{name}-worker"
  runtime  = "go1.x"
  role_arn = aws_iam_role.{group}.arn
}}
"#
        ));
    }
    text
}
