/**
 * The settings and AWS clients shared by Cairn's AWS runtime: the Lambda functions ({@code
 * cairn-aws-lambda}) and the runner ({@code cairn-aws-runner}) both read them.
 */
package dev.cairn.aws.config;
