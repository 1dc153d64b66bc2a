package dev.cairn.aws.state;

import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.EnvironmentStateJson;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Each environment's state (last good release, bad commits, deploy queue) in the artifact bucket,
 * {@code <prefix>queue/<environment>.json}, changed by compare-and-swap so that two functions never
 * both grant the deploy slot. It reads the queue files earlier versions wrote ({@code
 * cairn.queue/v1}).
 */
public final class S3EnvironmentStore implements EnvironmentStore {
  private final S3Objects objects;
  private final String prefix;

  /**
   * A store.
   *
   * @param prefix the repository's key prefix (e.g. {@code notes/}), or empty
   */
  public S3EnvironmentStore(S3Client s3, String bucket, String prefix) {
    this.objects = new S3Objects(s3, bucket);
    this.prefix = S3Objects.prefix(prefix);
  }

  /** The key of an environment's state; the name is checked before it becomes part of a key. */
  public String key(String environment) {
    return prefix + "queue/" + EnvironmentNames.require(environment) + ".json";
  }

  @Override
  public EnvironmentState read(String environment) {
    return objects
        .read(key(environment))
        .json()
        .map(json -> EnvironmentStateJson.read(environment, json))
        .orElseGet(() -> EnvironmentState.empty(environment));
  }

  @Override
  public EnvironmentState update(String environment, UnaryOperator<EnvironmentState> change) {
    EnvironmentState[] changed = new EnvironmentState[1];
    objects.update(
        key(environment),
        json -> {
          EnvironmentState state =
              json.map(j -> EnvironmentStateJson.read(environment, j))
                  .orElseGet(() -> EnvironmentState.empty(environment));
          changed[0] = change.apply(state);
          return EnvironmentStateJson.write(changed[0]);
        });
    return changed[0];
  }
}
