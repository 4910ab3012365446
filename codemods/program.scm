; What the program model extracts from every file, in the one pass over it.

; import * as aws from "@pulumi/aws"; import { lambda } from "@pulumi/aws"; import { role } from "./iam"
(import_statement
  source: (string (string_fragment) @import.source)) @import

; import lambda = require("aws-cdk-lib/aws-lambda"), as older `cdk init` templates write it
(import_statement
  (import_require_clause
    source: (string (string_fragment) @import.source))) @import

; const aws = require("@pulumi/aws"); const { lambda } = require("@pulumi/aws")
(variable_declarator
  name: (_) @require.binding
  value: (call_expression
    function: (identifier) @require.function
    arguments: (arguments . (string (string_fragment) @require.source)))
  (#eq? @require.function "require")) @require

; new aws.lambda.Function("name", { ... }, { ... })
(new_expression
  constructor: (_) @resource.class
  arguments: (arguments)) @resource
