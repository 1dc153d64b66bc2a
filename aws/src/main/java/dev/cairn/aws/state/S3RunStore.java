package dev.cairn.aws.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.runtime.RunFacts;
import dev.cairn.pipeline.runtime.RunFactsJson;
import dev.cairn.pipeline.runtime.RunStore;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs' facts in the artifact bucket, {@code <prefix>runs/<run>/run.json}, because on AWS each step
 * runs in its own short-lived container; the run counter in {@code <prefix>queue/sequence.json}.
 * Both change by compare-and-swap.
 */
public final class S3RunStore implements RunStore {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final S3Objects objects;
  private final String prefix;

  /**
   * A store.
   *
   * @param prefix the repository's key prefix (e.g. {@code notes/}), or empty
   */
  public S3RunStore(S3Client s3, String bucket, String prefix) {
    this.objects = new S3Objects(s3, bucket);
    this.prefix = S3Objects.prefix(prefix);
  }

  /** The key of a run's facts. */
  public String key(String run) {
    if (!RUN_ID.matcher(run).matches()) {
      throw new IllegalArgumentException("'" + run + "' is not a run id");
    }
    return prefix + "runs/" + run + "/run.json";
  }

  /**
   * Keeps a job's result ({@code runs/<run>/results/<job>.json}) beside the run's facts, where the
   * state machine's next states and people find it.
   */
  public void keepResult(String run, String job, JsonNode result) {
    objects.put(key(run).replace("/run.json", "/results/" + job + ".json"), result);
  }

  /** A job's result, if it has ended. */
  public Optional<JsonNode> result(String run, String job) {
    return objects
        .read(key(run).replace("/run.json", "/results/" + job + ".json"))
        .json()
        .map(JsonNode.class::cast);
  }

  @Override
  public Optional<RunFacts> find(String run) {
    return objects.read(key(run)).json().map(RunFactsJson::read);
  }

  @Override
  public RunFacts update(String run, UnaryOperator<RunFacts> change) {
    RunFacts[] changed = new RunFacts[1];
    objects.update(
        key(run),
        json -> {
          RunFacts facts =
              json.map(RunFactsJson::read)
                  .orElseThrow(() -> new NoSuchElementException("no run named " + run));
          changed[0] = change.apply(facts);
          return RunFactsJson.write(changed[0]);
        });
    return changed[0];
  }

  @Override
  public void create(RunFacts facts) {
    objects.update(key(facts.id()), json -> RunFactsJson.write(facts));
  }

  @Override
  public long nextSequence() {
    return objects
        .update(
            prefix + "queue/sequence.json",
            json -> {
              long current = json.map(j -> j.path("sequence").asLong(0)).orElse(0L);
              var next = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
              next.put("sequence", current + 1);
              return next;
            })
        .path("sequence")
        .asLong();
  }
}
