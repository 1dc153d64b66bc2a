package dev.cairn.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** How the SDK's failures are typed: a table of AWS error codes and HTTP statuses. */
class AwsErrorsTest {
  @ParameterizedTest
  @CsvSource({
    "ThrottlingException, 400, true, retrying later may help",
    "TooManyRequestsException, 429, true, retrying later may help",
    "SlowDown, 503, true, retrying later may help",
    "InternalFailure, 500, true, retrying later may help",
    "RequestTimeout, 400, true, retrying later may help",
    "AccessDeniedException, 403, false, lacks this permission",
    "AccessDenied, 403, false, lacks this permission",
    "ResourceNotFoundException, 400, false, does not exist",
    "NoSuchBucket, 404, false, does not exist",
    "QueueDoesNotExist, 400, false, does not exist",
    "ExpiredTokenException, 400, false, credentials are invalid or expired",
    "ValidationException, 400, false, a person must fix",
  })
  void serviceErrorsAreTypedByCodeAndStatus(
      String code, int status, boolean retryable, String hint) {
    AwsServiceException e =
        AwsServiceException.builder()
            .statusCode(status)
            .requestId("req-1")
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("details here").build())
            .build();

    AwsException typed = AwsErrors.translate("S3 PutObject s3://b/k", e, true);

    assertThat(typed.retryable()).isEqualTo(retryable);
    assertThat(typed.errorCode()).isEqualTo(code);
    assertThat(typed.getMessage())
        .startsWith("S3 PutObject s3://b/k failed: " + code + " (HTTP " + status)
        .contains("request id req-1")
        .contains("details here")
        .contains(hint);
    assertThat(typed.getCause()).isSameAs(e);
  }

  @ParameterizedTest
  @CsvSource({"ValidationException, 400", "InternalFailure, 500"})
  void withoutDetailsNeitherTheAwsMessageNorTheCauseIsKept(String code, int status) {
    AwsServiceException e =
        AwsServiceException.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("value s3cr3t").build())
            .build();

    AwsException typed = AwsErrors.translate("Secrets Manager PutSecretValue", e, false);

    assertThat(typed.getMessage()).contains(code).doesNotContain("s3cr3t");
    assertThat(typed.getCause()).isNull();
  }

  @ParameterizedTest
  @CsvSource({"true", "false"})
  void failuresThatNeverReachedAwsAreRetryable(boolean keepDetails) {
    SdkClientException e = SdkClientException.create("Unable to execute HTTP request: refused");

    AwsException typed = AwsErrors.translate("SQS SendMessage", e, keepDetails);

    assertThat(typed.retryable()).isTrue();
    assertThat(typed.errorCode()).isEqualTo("ClientError");
    assertThat(typed.getMessage()).contains("could not be reached");
    assertThat(typed.getMessage().contains("refused")).isEqualTo(keepDetails);
  }
}
