/**
 * Test harness for the AWS adapters: local emulators and SDK clients pointed at them. Shipped in
 * the {@code cairn-aws} test-jar so other modules' tests use the same emulators.
 *
 * <p>What it provides:
 *
 * <ul>
 *   <li>{@link dev.cairn.aws.testing.Moto}: {@code moto_server} (Secrets Manager, Batch, Step
 *       Functions, CloudFormation, CloudWatch Logs, EventBridge, STS, ECR, …) as a real subprocess
 *       on a free loopback port, started once per JVM on first use and destroyed at JVM exit. Found
 *       at {@code $CAIRN_MOTO_SERVER}, else {@code /root/.pyenv/versions/3.11.7/bin/moto_server},
 *       else {@code moto_server} on the {@code PATH}. Tests that need it use {@link
 *       dev.cairn.aws.testing.MotoExtension} (or call {@link Moto#assumeAvailable()}), which
 *       <em>skips</em> them with the message {@code moto_server not found: ...} where it is absent.
 *   <li>{@link dev.cairn.aws.testing.ElasticMq}: ElasticMQ (SQS) embedded in the test JVM on a free
 *       loopback port, started once per JVM.
 *   <li>{@link dev.cairn.aws.testing.S3Mock}: Adobe S3Mock (S3) in a <em>separate JVM process</em>
 *       on a free loopback port, started once per JVM. S3Mock is a Spring Boot application; in the
 *       test JVM its logging setup (Logback, SLF4J 2) and Spring's global state would clash with
 *       the SDK's SLF4J 1.7 and with other tests, so it gets its own JVM, launched with the test
 *       class path (override with the system property {@code cairn.s3mock.classpath}).
 *   <li>{@link dev.cairn.aws.testing.EmulatorClients}: SDK v2 clients pointed at those emulators
 *       (endpoint override, static dummy credentials, region {@code us-east-1}, path-style S3).
 * </ul>
 *
 * <p>Readiness is awaited by polling each emulator's HTTP endpoint with Awaitility; nothing sleeps.
 * A module that uses this test-jar must also declare, in test scope, the emulator dependencies it
 * needs ({@code org.elasticmq:elasticmq-rest-sqs_2.13}, {@code com.adobe.testing:s3mock}, {@code
 * org.slf4j:slf4j-api} 2.x) because a test-jar carries no dependencies of its own.
 */
package dev.cairn.aws.testing;
