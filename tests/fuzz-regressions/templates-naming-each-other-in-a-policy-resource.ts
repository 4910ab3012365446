import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
const a: string = `${b}`;
const b: string = `${a}`;
const dlq = new aws.sqs.Queue("d");
const role = new aws.iam.Role("r", { assumeRolePolicy: "{}" });
new aws.iam.RolePolicy("p", { role: role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: a }] }) });
new aws.lambda.Function("f", { role: role.arn, runtime: "nodejs22.x", handler: "i.h", code: new pulumi.asset.FileArchive("./d"), deadLetterConfig: { targetArn: dlq.arn } });
