// Proof that the type-check can fail: `reservedConcurrentExecutions` takes a number (TS2322), and
// Stage has no `throttleSettings` (TS2353). tests/typecheck.rs asserts tsc rejects this file.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const role = new aws.iam.Role("role", { assumeRolePolicy: "{}" });

export const fn = new aws.lambda.Function("fn", {
    runtime: aws.lambda.Runtime.CustomAL2023,
    handler: "bootstrap",
    role: role.arn,
    code: new pulumi.asset.FileArchive("./bin"),
    reservedConcurrentExecutions: "five",
});

export const stage = new aws.apigateway.Stage("stage", {
    restApi: "api",
    deployment: "deployment",
    stageName: "prod",
    throttleSettings: { burstLimit: 100, rateLimit: 50 },
});
