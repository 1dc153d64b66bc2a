package dev.cairn.aws;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns the SDK's exceptions into {@link AwsException}s typed by how the caller should react. */
public final class AwsErrors {
  /** Error codes that mean "try again later" whatever their HTTP status. */
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "RequestThrottled",
          "SlowDown",
          "RequestTimeout",
          "RequestTimeoutException",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "InternalError",
          "InternalFailure",
          "InternalServiceError",
          "InternalServiceErrorException",
          "ServerException",
          "ProvisionedThroughputExceededException");

  private AwsErrors() {}

  /**
   * Classifies a failed call.
   *
   * @param what the call and its subject for people, e.g. {@code "S3 PutObject s3://bucket/key"};
   *     must not contain secrets
   * @param e the SDK's exception
   * @param keepDetails whether the AWS error message and the SDK exception may be kept (false for
   *     calls whose request carried a secret: AWS may echo the input in validation messages)
   */
  public static AwsException translate(String what, SdkException e, boolean keepDetails) {
    Throwable cause = keepDetails ? e : null;
    if (e instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null
              ? service.awsErrorDetails().errorCode()
              : "HTTP" + service.statusCode();
      StringBuilder message = new StringBuilder(what).append(" failed: ").append(code);
      message.append(" (HTTP ").append(service.statusCode());
      if (service.requestId() != null) {
        message.append(", request id ").append(service.requestId());
      }
      message.append(')');
      if (keepDetails
          && service.awsErrorDetails() != null
          && service.awsErrorDetails().errorMessage() != null) {
        message.append(": ").append(service.awsErrorDetails().errorMessage());
      }
      boolean retryable =
          service.isThrottlingException()
              || service.statusCode() >= 500
              || service.statusCode() == 429
              || RETRYABLE_CODES.contains(code);
      if (retryable) {
        return new RetryableAwsException(message + "; retrying later may help", code, cause);
      }
      return new NeedsPersonAwsException(message + hint(code), code, cause);
    }
    // Never reached AWS (connection refused, timeout, DNS): the SDK's message names the endpoint,
    // not the request body, but it is kept only where details may be.
    String reason = e instanceof SdkClientException && keepDetails ? ": " + e.getMessage() : "";
    return new RetryableAwsException(
        what + " failed: AWS could not be reached" + reason + "; retrying later may help",
        "ClientError",
        cause);
  }

  private static String hint(String code) {
    String lower = code.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("accessdenied")
        || lower.contains("unauthorized")
        || lower.contains("forbidden")) {
      return "; the role Cairn runs as lacks this permission (see docs/aws.md, \"Adapters\")";
    }
    if (lower.contains("notfound")
        || lower.startsWith("nosuch")
        || lower.contains("doesnotexist")
        || lower.contains("nonexistent")) {
      return "; the resource does not exist: check the name and the region";
    }
    if (lower.contains("expiredtoken") || lower.contains("invalidclienttokenid")) {
      return "; the AWS credentials are invalid or expired";
    }
    return "; a person must fix the request or the configuration";
  }
}
