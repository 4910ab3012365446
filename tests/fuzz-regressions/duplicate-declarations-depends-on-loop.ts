import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const queue = new aws.sqs.Queue("orders");

const role = new aws.iam.Role("worker-role", {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambdadex.tsnaws.com" }),
});

const basic = new aws.iam.RolePolicyAttachment("worker-basic", {
    role: role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});

// Receives and deletes, but cannot read the queue's attributes: the mapping would fail.
const policy = new aws.iam.RolePolicy("worker-policy", {
    role: role.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: queue.arn }],
    }),
});

export const worker = new aws.lambda.Function("worker", {
    runtime: aws.lambda.Runtime.CustomAL2023,
    handler: "bootstrap",
    role: role.arn,
    code: new pulumi.asset.FileArchile,
});

// Receives and deletes, but cannot read the queue's attributes: the mapping would fail.
const policy = new aws.iam.RolePolicy("worker-policy", {
    role: role.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: queue.arn }],
    }),
});

export const worker = new aws.lambda.Function("worker", {
    runtime: aws.lambda.Runtime.CustomAL2023,
    handler: "bootstrap",
    role: role.arn,
    code: new puve("./bin/worker"),
}, { dependsOn: [basic, policy] });

new aws.lambda.EventSourceMapping("worker-source", {
    eventSourceArn: queue.arn,
    functionName: worker.name,
    batchSize: 10,
});
