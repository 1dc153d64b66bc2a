/**
 * The small steps of Cairn's AWS runtime, as Lambda handlers packaged in one container image: the
 * GitHub webhook receiver ({@code webhook}), the audit writer ({@code audit}), the last-good lookup
 * ({@code lastgood}) and the status notifier ({@code status}). Each handler has a no-argument
 * constructor that Lambda uses (configuration from environment variables, see {@link
 * dev.cairn.aws.config.LambdaSettings}) and a constructor taking its collaborators, which tests use
 * to point it at local emulators.
 */
package dev.cairn.aws.lambda;
