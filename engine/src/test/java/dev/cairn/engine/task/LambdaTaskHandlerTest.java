package dev.cairn.engine.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class LambdaTaskHandlerTest {
  private final LambdaTaskHandler handler =
      new LambdaTaskHandler()
          .function("echo", CompletableFuture::completedFuture)
          .function(
              "arn:aws:lambda:eu-west-1:123456789012:function:boom",
              payload ->
                  CompletableFuture.failedFuture(
                      new LambdaFunctionError("Oops", "it broke", List.of("frame"))));

  private static TaskRequest request(String resource, String parameters) {
    return new TaskRequest(
        resource,
        IntegrationPattern.of(resource),
        Json.parse(parameters),
        "exec",
        "State",
        0,
        "key-" + resource + parameters,
        "token");
  }

  private JsonNode run(String resource, String parameters) {
    return handler.invoke(request(resource, parameters)).toCompletableFuture().join();
  }

  private StatesException failure(String resource, String parameters) {
    Throwable thrown =
        catchThrowable(
            () -> handler.invoke(request(resource, parameters)).toCompletableFuture().join());
    assertThat(thrown).isInstanceOf(CompletionException.class);
    return (StatesException) thrown.getCause();
  }

  @Test
  void legacyResourceReturnsTheBarePayload() {
    assertThat(run("arn:aws:lambda:us-east-1:000000000000:function:echo", "{\"a\":1}"))
        .isEqualTo(Json.parse("{\"a\":1}"));
  }

  @Test
  void invokeIntegrationWrapsThePayloadAndAcceptsAnyFunctionNameForm() {
    for (String name :
        List.of(
            "echo",
            "echo:$LATEST",
            "000000000000:function:echo",
            "arn:aws:lambda:r:1:function:echo")) {
      JsonNode result =
          run(
              LambdaTaskHandler.INVOKE_RESOURCE,
              "{\"FunctionName\":\"" + name + "\",\"Payload\":{\"a\":\"b\"}}");
      assertThat(result.get("Payload")).isEqualTo(Json.parse("{\"a\":\"b\"}"));
      assertThat(result.get("StatusCode").asInt()).isEqualTo(200);
      assertThat(result.get("ExecutedVersion").asText()).isEqualTo("$LATEST");
      // Python's json.dumps writes {"a": "b"}: 10 bytes.
      assertThat(result.at("/SdkHttpMetadata/HttpHeaders/Content-Length").asText()).isEqualTo("10");
    }
  }

  @Test
  void invokePayloadIsTheRequestBody() {
    String name = "{\"FunctionName\":\"echo\",";
    assertThat(run(LambdaTaskHandler.INVOKE_RESOURCE, name + "\"Payload\":\"0\"}").get("Payload"))
        .isEqualTo(Json.parse("0"));
    assertThat(run(LambdaTaskHandler.INVOKE_RESOURCE, name + "\"Payload\":null}").get("Payload"))
        .isEqualTo(Json.object());
  }

  @Test
  void functionErrorsBecomeStatesErrorsWithTheRuntimeReportAsCause() {
    StatesException legacy = failure("arn:aws:lambda:eu-west-1:123456789012:function:boom", "{}");
    assertThat(legacy.error()).isEqualTo("Oops");
    assertThat(legacy.cause())
        .startsWith("{\"errorMessage\": \"it broke\", \"errorType\": \"Oops\"");
    StatesException invoke =
        failure(LambdaTaskHandler.INVOKE_RESOURCE, "{\"FunctionName\":\"boom\"}");
    assertThat(Json.parse(invoke.cause()).get("stackTrace")).isEqualTo(Json.parse("[\"frame\"]"));
  }

  @Test
  void unknownFunctionIsResourceNotFound() {
    StatesException e = failure(LambdaTaskHandler.INVOKE_RESOURCE, "{\"FunctionName\":\"nope\"}");
    assertThat(e.error()).isEqualTo("Lambda.ResourceNotFoundException");
    assertThat(e.cause())
        .startsWith(
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:$LATEST");
  }

  @Test
  void cancelEndsAnInvocationInFlight() {
    CompletableFuture<JsonNode> never = new CompletableFuture<>();
    handler.function("slow", payload -> never);
    TaskRequest request = request("arn:aws:lambda:us-east-1:000000000000:function:slow", "{}");
    CompletableFuture<JsonNode> result = handler.invoke(request).toCompletableFuture();
    handler.cancel(request);
    assertThat(never).isCancelled();
    assertThat(result).isCompletedExceptionally();
  }

  @Test
  void registersForBothResourceForms() {
    TaskHandlers handlers = handler.registerOn(new TaskHandlers());
    assertThat(handlers.find(LambdaTaskHandler.INVOKE_RESOURCE)).contains(handler);
    assertThat(handlers.find("arn:aws:lambda:us-east-1:1:function:x")).contains(handler);
  }
}
