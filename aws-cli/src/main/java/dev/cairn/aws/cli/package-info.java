/**
 * {@code cairn aws synth} and {@code cairn aws deploy}: the CDK app of {@code cairn-aws-infra}
 * behind its own entry point ({@link dev.cairn.aws.cli.AwsCommand#main}), which the launcher runs
 * for {@code ./cairn aws ...}, so that the rest of the command line does not carry the CDK.
 */
package dev.cairn.aws.cli;
