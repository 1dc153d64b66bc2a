/**
 * Cairn on AWS, as infrastructure in code: the CDK app ({@link dev.cairn.aws.infra.CairnAwsApp})
 * with the images stack (ECR, CodeBuild), the pipeline stack (Step Functions, Batch on Fargate, S3,
 * SQS, EventBridge, Secrets Manager, Lambda, CloudWatch) and the notes example's application stack
 * (ECS on Fargate, RDS PostgreSQL). See docs/aws.md.
 */
package dev.cairn.aws.infra;
