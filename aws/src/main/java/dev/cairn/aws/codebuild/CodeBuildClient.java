package dev.cairn.aws.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.NeedsPersonAwsException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The two CodeBuild calls Cairn makes, {@code StartBuild} and {@code BatchGetBuilds}: AWS JSON 1.1
 * over HTTPS ({@code X-Amz-Target: CodeBuild_20161006.<operation>}), signed with the SDK's SigV4
 * signer and sent with the SDK's Apache HTTP client. (The SDK's own CodeBuild module is not in the
 * repository this project builds from; two operations do not justify more.)
 *
 * <p>Region and credentials come from the SDK's default chains (the job role on Batch); the
 * endpoint from {@code AWS_ENDPOINT_URL_CODEBUILD} or {@code AWS_ENDPOINT_URL} when set
 * (emulators), else {@code https://codebuild.<region>.<domain>}. Failures are {@link AwsException}s
 * typed like the SDK's ({@link AwsErrors}); their messages name the operation and the project or
 * build, the error code and the request id, never a credential or a signature.
 */
public final class CodeBuildClient implements AutoCloseable {
  static final String TARGET_PREFIX = "CodeBuild_20161006.";
  static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient http;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  private CodeBuildClient(URI endpoint, Region region, AwsCredentialsProvider credentials) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.region = Objects.requireNonNull(region, "region");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.http = ApacheHttpClient.create();
  }

  /** A client with the SDK's default region, credentials and endpoint settings. */
  public static CodeBuildClient create() {
    Region region = new DefaultAwsRegionProviderChain().getRegion();
    return new CodeBuildClient(
        defaultEndpoint(System.getenv(), region),
        region,
        DefaultCredentialsProvider.builder().build());
  }

  /** A client of the given endpoint, region and credentials (tests, emulators). */
  public static CodeBuildClient of(
      URI endpoint, Region region, AwsCredentialsProvider credentials) {
    return new CodeBuildClient(endpoint, region, credentials);
  }

  /** The endpoint the SDK's clients would use for CodeBuild with these environment variables. */
  static URI defaultEndpoint(Map<String, String> environment, Region region) {
    for (String variable : List.of("AWS_ENDPOINT_URL_CODEBUILD", "AWS_ENDPOINT_URL")) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return URI.create(value.strip());
      }
    }
    return URI.create("https://codebuild." + region.id() + "." + region.metadata().domain());
  }

  /**
   * Starts a build of {@code request.project()}.
   *
   * @return the build as CodeBuild describes it at once (status {@code IN_PROGRESS})
   * @throws AwsException when CodeBuild refuses or cannot be reached
   */
  public Build startBuild(StartBuild request) {
    ObjectNode body = JSON.createObjectNode();
    body.put("projectName", request.project());
    if (request.sourceLocation() != null) {
      body.put("sourceTypeOverride", "S3");
      body.put("sourceLocationOverride", request.sourceLocation());
    }
    ArrayNode variables = body.putArray("environmentVariablesOverride");
    request
        .environment()
        .forEach(
            (name, value) ->
                variables
                    .addObject()
                    .put("name", name)
                    .put("value", value)
                    .put("type", "PLAINTEXT"));
    if (request.timeoutMinutes() > 0) {
      body.put("timeoutInMinutesOverride", request.timeoutMinutes());
    }
    if (request.idempotencyToken() != null) {
      body.put("idempotencyToken", request.idempotencyToken());
    }
    JsonNode answer =
        call("StartBuild", body, "CodeBuild StartBuild of project " + request.project());
    return Build.of(answer.path("build"));
  }

  /**
   * Describes builds.
   *
   * @return the builds CodeBuild knows, in its order (unknown ids are left out)
   * @throws AwsException when CodeBuild refuses or cannot be reached
   */
  public List<Build> batchGetBuilds(List<String> ids) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("ids");
    ids.forEach(array::add);
    JsonNode answer = call("BatchGetBuilds", body, "CodeBuild BatchGetBuilds of " + ids);
    List<Build> builds = new ArrayList<>();
    answer.path("builds").forEach(b -> builds.add(Build.of(b)));
    return builds;
  }

  /**
   * Stops a build; CodeBuild ends it as {@code STOPPED}.
   *
   * @throws AwsException when CodeBuild refuses (e.g. the build has ended) or cannot be reached
   */
  public void stopBuild(String id) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", id);
    call("StopBuild", body, "CodeBuild StopBuild of build " + id);
  }

  /** One call of {@code operation} (package-private: the tests create projects through it). */
  JsonNode call(String operation, ObjectNode body, String what) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the request of " + what, e);
    }
    AwsCredentialsIdentity identity;
    try {
      identity = credentials.resolveCredentials();
    } catch (SdkException e) {
      // The providers' message says where it looked; it holds no credential.
      throw new NeedsPersonAwsException(
          what + " failed: no AWS credentials (" + e.getMessage() + ")", "NoCredentials", null);
    }
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint.resolve("/"))
            .putHeader("Content-Type", CONTENT_TYPE)
            .putHeader("X-Amz-Target", TARGET_PREFIX + operation)
            .build();
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(identity)
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(bytes))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "codebuild")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
    int status;
    String requestId;
    byte[] answer;
    try {
      HttpExecuteResponse response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed.request())
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      status = response.httpResponse().statusCode();
      requestId =
          response
              .httpResponse()
              .firstMatchingHeader("x-amzn-RequestId")
              .orElse(response.httpResponse().firstMatchingHeader("x-amz-request-id").orElse(null));
      Optional<? extends InputStream> stream = response.responseBody();
      try (InputStream in = stream.isPresent() ? stream.get() : InputStream.nullInputStream()) {
        answer = in.readAllBytes();
      }
    } catch (IOException | RuntimeException e) {
      // Never reached CodeBuild (refused, timed out, DNS): the client's words name the host only.
      throw AwsErrors.translate(
          what,
          SdkClientException.create(e.getClass().getSimpleName() + ": " + e.getMessage()),
          true);
    }
    JsonNode json = parse(answer);
    if (status / 100 == 2) {
      return json;
    }
    throw AwsErrors.translate(what, serviceException(status, requestId, json), true);
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    } catch (IOException e) {
      // A proxy's HTML error page, say: the status tells what happened.
      return JSON.createObjectNode();
    }
  }

  /** CodeBuild's JSON error ({@code __type}, {@code message}) as the SDK's exception type. */
  static AwsServiceException serviceException(int status, String requestId, JsonNode json) {
    String type = json.path("__type").asText("");
    // "com.amazonaws.codebuild#ResourceNotFoundException" or "ResourceNotFoundException:…"
    String code = type.substring(type.lastIndexOf('#') + 1);
    int colon = code.indexOf(':');
    code = colon >= 0 ? code.substring(0, colon) : code;
    String message =
        json.has("message") ? json.path("message").asText() : json.path("Message").asText(null);
    return (AwsServiceException)
        AwsServiceException.builder()
            .statusCode(status)
            .requestId(requestId)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code.isEmpty() ? null : code)
                    .errorMessage(message)
                    .serviceName("CodeBuild")
                    .build())
            .build();
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "CodeBuildClient[" + endpoint + ", " + region.id() + "]";
  }

  /**
   * A build to start.
   *
   * @param project the project's name
   * @param sourceLocation {@code bucket/key} of the source archive (a zip file), or null for the
   *     project's own source
   * @param environment variables given to the build (plain text: never a secret)
   * @param timeoutMinutes the build's time limit (CodeBuild accepts 5 to 2160), or 0 for the
   *     project's
   * @param idempotencyToken makes a repeated request start no second build (for 5 minutes), or null
   */
  public record StartBuild(
      String project,
      String sourceLocation,
      Map<String, String> environment,
      int timeoutMinutes,
      String idempotencyToken) {
    public StartBuild {
      Objects.requireNonNull(project, "project");
      environment = Map.copyOf(environment);
    }
  }

  /**
   * A build as CodeBuild describes it.
   *
   * @param id the build's id ({@code project:uuid})
   * @param status {@code IN_PROGRESS}, {@code SUCCEEDED}, {@code FAILED}, {@code FAULT}, {@code
   *     TIMED_OUT} or {@code STOPPED}
   * @param currentPhase e.g. {@code BUILD}, {@code COMPLETED}
   * @param logGroup the CloudWatch Logs group of its output, null until CodeBuild names it
   * @param logStream its stream, null until CodeBuild names it
   * @param failedPhase the first phase that did not succeed, or null
   * @param failure what CodeBuild says about that phase (its first context message), or null
   * @param sourceLocation the location of the source the build used, as CodeBuild reports it
   */
  public record Build(
      String id,
      String status,
      String currentPhase,
      String logGroup,
      String logStream,
      String failedPhase,
      String failure,
      String sourceLocation) {

    /** Whether the build has ended. */
    public boolean done() {
      return !"IN_PROGRESS".equals(status);
    }

    static Build of(JsonNode build) {
      String failedPhase = null;
      String failure = null;
      for (JsonNode phase : build.path("phases")) {
        String phaseStatus = phase.path("phaseStatus").asText("");
        if (!phaseStatus.isEmpty() && !phaseStatus.equals("SUCCEEDED")) {
          failedPhase = phase.path("phaseType").asText(null);
          JsonNode context = phase.path("contexts").path(0);
          failure = context.path("message").asText(null);
          if (failure == null || failure.isBlank()) {
            failure = phaseStatus;
          }
          break;
        }
      }
      JsonNode logs = build.path("logs");
      return new Build(
          build.path("id").asText(null),
          build.path("buildStatus").asText(null),
          build.path("currentPhase").asText(null),
          logs.path("groupName").asText(null),
          logs.path("streamName").asText(null),
          failedPhase,
          failure,
          build.path("source").path("location").asText(null));
    }
  }
}
