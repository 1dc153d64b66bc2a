/**
 * Cairn's AWS functions, as Lambda handlers packaged in one container image: the GitHub webhook
 * receiver ({@code webhook}), the audit writer ({@code audit}), the status notifier ({@code
 * status}), and the state machine's {@code validate}, {@code queue}, {@code plan} and {@code run}
 * (record) functions — thin shells over the core's {@code PipelineRuntime}, built by {@link
 * dev.cairn.aws.lambda.FunctionRuntime}. Each handler has a no-argument constructor that Lambda
 * uses (configuration from environment variables, see {@link dev.cairn.aws.config.LambdaSettings})
 * and a constructor taking its collaborators (a ready runtime), which tests use to point it at
 * local emulators.
 */
package dev.cairn.aws.lambda;
