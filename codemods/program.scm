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

; class TracedFunction extends lambda.Function { constructor(…) { super(scope, id, { ...props }) } }:
; the super call makes the construct the class extends
(class_declaration
  (class_heritage (extends_clause value: (_) @resource.class))
  body: (class_body
    (method_definition
      name: (property_identifier) @resource.method
      body: (statement_block
        (expression_statement
          (call_expression
            function: (super)
            arguments: (arguments)) @resource))))
  (#eq? @resource.method "constructor"))

; fn.addDependency(policy), fn.node.addDependency(policy), fn.addDependsOn(policy): a CDK
; construct made to wait for others by hand
(call_expression
  function: (member_expression
    property: (property_identifier) @dependency.method)
  arguments: (arguments)
  (#match? @dependency.method "^(addDependency|addDependsOn)$")) @dependency
