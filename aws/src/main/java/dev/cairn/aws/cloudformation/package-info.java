/**
 * Deploying an application's AWS environment by CloudFormation change sets: {@link
 * dev.cairn.aws.cloudformation.CloudFormationDeployer}.
 */
package dev.cairn.aws.cloudformation;
