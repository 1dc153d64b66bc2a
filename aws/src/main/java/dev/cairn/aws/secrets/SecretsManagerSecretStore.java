package dev.cairn.aws.secrets;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.pipeline.port.GeneratedSecret;
import dev.cairn.pipeline.port.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Keeps secrets in AWS Secrets Manager, one secret per name, under a per-application prefix ({@code
 * cairn/<app>/NAME}). Values are fetched on demand and cached for a short time (default 60 seconds)
 * so that a run reading the same secret many times makes one call, while a rotated value is picked
 * up soon.
 *
 * <p>Values never leave this class except through {@link #get}, {@link #getOrGenerate} and {@link
 * #values}: they are not logged, and failures are {@link AwsException}s that name the secret and
 * the AWS error code but carry neither the AWS error message nor the SDK exception (AWS may echo a
 * request's input in validation messages).
 */
public final class SecretsManagerSecretStore implements SecretStore {
  /** Length of generated values (as the local store). */
  public static final int GENERATED_LENGTH = GeneratedSecret.LENGTH;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9/_+=.@-]*");
  // Letters and digits only: generated passwords go into connection URLs and shell commands.

  private final SecretsManagerClient client;
  private final String prefix;
  private final Duration cacheFor;
  private final Clock clock;
  private final String kmsKeyId;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(String value, Instant fetched) {
    @Override
    public String toString() {
      return "Cached[" + fetched + "]"; // never the value
    }
  }

  private SecretsManagerSecretStore(Builder builder) {
    this.client = Objects.requireNonNull(builder.client, "client");
    String p = Objects.requireNonNull(builder.prefix, "prefix");
    if (!PREFIX.matcher(p).matches()) {
      throw new IllegalArgumentException(
          "secret prefix '" + p + "' is not valid: use letters, digits and /_+=.@-");
    }
    this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
    this.cacheFor = Objects.requireNonNull(builder.cacheFor, "cacheFor");
    this.clock = Objects.requireNonNull(builder.clock, "clock");
    this.kmsKeyId = builder.kmsKeyId;
  }

  /** A builder; the client and the prefix are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The prefix of every secret's name, e.g. {@code cairn/notes/}. */
  public String prefix() {
    return prefix;
  }

  /** The Secrets Manager name of a secret, {@code <prefix><name>}. */
  public String secretId(String name) {
    return prefix + validName(name);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the name is not valid (see {@link #put})
   * @throws AwsException when Secrets Manager refuses or cannot be reached
   */
  @Override
  public Optional<String> get(String name) {
    String id = secretId(name);
    Cached cached = cache.get(id);
    if (cached != null && clock.instant().isBefore(cached.fetched().plus(cacheFor))) {
      return Optional.of(cached.value());
    }
    Optional<String> value = fetch(id);
    value.ifPresentOrElse(v -> remember(id, v), () -> cache.remove(id));
    return value;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the name is not letters, digits, {@code .}, {@code _} and
   *     {@code -} (not starting with {@code .})
   * @throws AwsException when Secrets Manager refuses or cannot be reached
   */
  @Override
  public void put(String name, String value) {
    Objects.requireNonNull(value, "value");
    String id = secretId(name);
    try {
      try {
        client.putSecretValue(b -> b.secretId(id).secretString(value));
      } catch (ResourceNotFoundException e) {
        create(id, value);
      }
    } catch (ResourceExistsException e) {
      // Created by someone else between our two calls: store our value over it.
      try {
        client.putSecretValue(b -> b.secretId(id).secretString(value));
      } catch (SdkException again) {
        throw failure("PutSecretValue", id, again);
      }
    } catch (SdkException e) {
      throw failure("PutSecretValue", id, e);
    }
    remember(id, value);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The generated value is {@value #GENERATED_LENGTH} letters and digits from {@link
   * SecureRandom}. When two processes generate at once, both get the value created first.
   *
   * @throws AwsException when Secrets Manager refuses or cannot be reached
   */
  @Override
  public String getOrGenerate(String name) {
    Optional<String> existing = get(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    String id = secretId(name);
    String generated = generate();
    try {
      create(id, generated);
      remember(id, generated);
      return generated;
    } catch (ResourceExistsException e) {
      // Another process won; its value is the one.
      cache.remove(id);
      return fetch(id)
          .orElseThrow(
              () -> new IllegalStateException("secret '" + id + "' vanished while generated"));
    } catch (SdkException e) {
      throw failure("CreateSecret", id, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lists the secrets under the prefix and reads each (through the cache).
   *
   * @throws AwsException when Secrets Manager refuses or cannot be reached
   */
  @Override
  public Set<String> values() {
    Set<String> values = new HashSet<>();
    try {
      for (SecretListEntry entry :
          client
              .listSecretsPaginator(
                  b ->
                      b.filters(
                          Filter.builder().key(FilterNameStringType.NAME).values(prefix).build()))
              .stream()
              .flatMap(page -> page.secretList().stream())
              .toList()) {
        String id = entry.name();
        // The name filter is a case-insensitive prefix match: check exactly.
        if (id == null || !id.startsWith(prefix)) {
          continue;
        }
        String name = id.substring(prefix.length());
        if (NAME.matcher(name).matches() && entry.deletedDate() == null) {
          get(name).ifPresent(values::add);
        }
      }
    } catch (SdkException e) {
      throw failure("ListSecrets", prefix + "*", e);
    }
    return values;
  }

  private Optional<String> fetch(String id) {
    GetSecretValueResponse response;
    try {
      response = client.getSecretValue(b -> b.secretId(id));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("GetSecretValue", id, e);
    }
    if (response.secretString() != null) {
      return Optional.of(response.secretString());
    }
    if (response.secretBinary() != null) {
      return Optional.of(response.secretBinary().asString(StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  private void create(String id, String value) {
    client.createSecret(
        b -> {
          b.name(id)
              .secretString(value)
              .description("Managed by Cairn")
              .tags(Tag.builder().key("managed-by").value("cairn").build());
          if (kmsKeyId != null) {
            b.kmsKeyId(kmsKeyId);
          }
        });
  }

  private void remember(String id, String value) {
    cache.put(id, new Cached(value, clock.instant()));
  }

  private static AwsException failure(String operation, String id, SdkException e) {
    // keepDetails=false: neither the AWS message nor the SDK exception, which could echo a value.
    return AwsErrors.translate(
        "Secrets Manager " + operation + " of secret '" + id + "'", e, false);
  }

  private static String validName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "secret name '"
              + name
              + "' is not valid: use letters, digits, '.', '_' and '-' (not starting with '.')");
    }
    return name;
  }

  private static String generate() {
    return GeneratedSecret.next();
  }

  /** Shows where the secrets are, never their values. */
  @Override
  public String toString() {
    return "SecretsManagerSecretStore[" + prefix + "]";
  }

  /** Options of a {@link SecretsManagerSecretStore}. */
  public static final class Builder {
    private SecretsManagerClient client;
    private String prefix;
    private Duration cacheFor = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private String kmsKeyId;

    private Builder() {}

    /** The Secrets Manager client (required). */
    public Builder client(SecretsManagerClient client) {
      this.client = client;
      return this;
    }

    /**
     * The name prefix, e.g. {@code cairn/notes/} (required; a missing final {@code /} is added).
     */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /** How long a fetched value is reused without asking again (default 60 s; zero: never). */
    public Builder cacheFor(Duration cacheFor) {
      this.cacheFor = cacheFor;
      return this;
    }

    /** The clock the cache ages by. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Encrypts new secrets with this KMS key instead of the account's default key. */
    public Builder kmsKeyId(String kmsKeyId) {
      this.kmsKeyId = kmsKeyId;
      return this;
    }

    /** The store. */
    public SecretsManagerSecretStore build() {
      return new SecretsManagerSecretStore(this);
    }
  }
}
