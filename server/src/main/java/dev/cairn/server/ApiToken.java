package dev.cairn.server;

import dev.cairn.pipeline.port.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The credential of Cairn's HTTP API: a random bearer token and the name of the person it belongs
 * to. Whoever presents the token acts as that person: the actor of a manual deploy or rollback is
 * taken from here, never from the request body, so a caller cannot name someone else.
 *
 * <p>Both live in Cairn's credential store (files of mode 0600 in a 0700 directory of {@code
 * CAIRN_HOME}), which pipelines cannot read; the CLI of the same user reads the token from there.
 *
 * @param actor who presents this token, as recorded in the audit trail
 * @param secret the bearer token
 */
public record ApiToken(String actor, String secret) {
  /** What an actor's name may be: a user name, not free text (it goes into commit messages). */
  public static final Pattern ACTOR_NAME =
      Pattern.compile("[A-Za-z0-9._@+-][A-Za-z0-9._@+-]{0,63}");

  /** Validates. */
  public ApiToken {
    Objects.requireNonNull(secret, "secret");
    if (actor == null || !ACTOR_NAME.matcher(actor).matches()) {
      throw new IllegalArgumentException(
          "the API actor must be a user name (letters, digits, . _ @ + -, at most 64)");
    }
    if (secret.length() < 16) {
      throw new IllegalArgumentException("the API token must be at least 16 characters");
    }
  }

  /**
   * The token of this Cairn, generated (32 random letters and digits) the first time.
   *
   * @param credentials Cairn's own credential store
   * @param tokenName the credential holding the token
   * @param actorName the credential holding the actor's name
   * @param defaultActor the actor recorded when none is stored yet (the user running Cairn)
   */
  public static ApiToken loadOrCreate(
      SecretStore credentials, String tokenName, String actorName, String defaultActor) {
    String actor = credentials.get(actorName).orElse(null);
    if (actor == null) {
      String name = sanitise(defaultActor);
      credentials.put(actorName, name);
      actor = name;
    }
    return new ApiToken(actor, credentials.getOrGenerate(tokenName));
  }

  /** True when {@code presented} is this token (compared in constant time). */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static String sanitise(String name) {
    String cleaned = name == null ? "" : name.replaceAll("[^A-Za-z0-9._@+-]", "_");
    if (cleaned.isEmpty()) {
      return "cairn";
    }
    return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ApiToken[actor=" + actor + ", secret=***]";
  }
}
