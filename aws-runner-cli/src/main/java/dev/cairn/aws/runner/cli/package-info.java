/**
 * {@code cairn runner}, the AWS runner image's entrypoint ({@link
 * dev.cairn.aws.runner.cli.RunnerCommand#main}): the runner of {@code cairn-aws-runner} with the
 * local adapter's job executor and process deployer. Its own module, so that the local command line
 * does not carry the AWS runner and {@code cairn-aws-runner} does not depend on the local adapter.
 */
package dev.cairn.aws.runner.cli;
