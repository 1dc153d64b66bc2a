package dev.cairn.aws.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * What the CDK app builds: the application repositories and a few choices. Read from a YAML (or
 * JSON) file, {@code cairn-aws.yml}, documented in docs/aws.md; or built in code with {@link
 * #builder()}.
 *
 * @param prefix the prefix of stack and resource names (e.g. {@code cairn})
 * @param imageTag the ECR image tag of the runner and Lambda images the pipeline stack runs (tags
 *     are immutable: deploy a new tag to change images); the {@code ImageTag} stack parameter
 *     defaults to it
 * @param imagesSource the GitHub repository ({@code owner/repo}) CodeBuild builds the images from
 * @param imagesSourceRef the branch or tag of {@code imagesSource} CodeBuild builds
 * @param spot whether Batch runs jobs on Fargate Spot (cheaper, may be interrupted: jobs are
 *     retried) instead of on-demand Fargate
 * @param alarmEmail an address subscribed to the alarm topic, or null
 * @param repositories the application repositories, at least one, names unique
 */
public record CairnAwsConfig(
    String prefix,
    String imageTag,
    String imagesSource,
    String imagesSourceRef,
    boolean spot,
    String alarmEmail,
    List<RepositoryConfig> repositories) {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,15}");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Set<String> TOP_KEYS =
      Set.of("prefix", "imageTag", "images", "spot", "alarmEmail", "repositories");
  private static final Set<String> IMAGES_KEYS = Set.of("source", "ref");
  private static final Set<String> REPOSITORY_KEYS =
      Set.of("name", "github", "branch", "pipeline", "deployRoleArn");

  /** Checks the configuration as a whole. */
  public CairnAwsConfig {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new AwsConfigException(
          "prefix '" + prefix + "' must match [a-z][a-z0-9-]* (at most 16 characters)");
    }
    if (imageTag == null || !TAG.matcher(imageTag).matches()) {
      throw new AwsConfigException("imageTag '" + imageTag + "' is not a valid image tag");
    }
    if (imagesSource == null || !imagesSource.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
      throw new AwsConfigException("images.source must be owner/repo, got '" + imagesSource + "'");
    }
    if (imagesSourceRef == null || imagesSourceRef.isBlank()) {
      throw new AwsConfigException("images.ref must not be empty");
    }
    if (repositories == null || repositories.isEmpty()) {
      throw new AwsConfigException("repositories: at least one repository is required");
    }
    repositories = List.copyOf(repositories);
    Set<String> names = new TreeSet<>();
    for (RepositoryConfig repository : repositories) {
      if (!names.add(repository.name())) {
        throw new AwsConfigException(
            "repositories: the name '" + repository.name() + "' is used twice");
      }
    }
  }

  /**
   * Reads a configuration file. Relative pipeline paths are resolved against the file's directory.
   *
   * @throws AwsConfigException if the file is missing, not YAML, or not a valid configuration
   */
  public static CairnAwsConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new AwsConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new AwsConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
    Path base = file.toAbsolutePath().getParent();
    try {
      return parse(text, base);
    } catch (AwsConfigException e) {
      throw new AwsConfigException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses configuration text; relative pipeline paths are resolved against {@code base}.
   *
   * @throws AwsConfigException if the text is not a valid configuration
   */
  public static CairnAwsConfig parse(String text, Path base) {
    Object root;
    try {
      root =
          new Load(LoadSettings.builder().setMaxAliasesForCollections(0).build())
              .loadFromString(text);
    } catch (YamlEngineException e) {
      throw new AwsConfigException(
          "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    Map<String, Object> top = map(root, "the file");
    checkKeys(top, TOP_KEYS, "the file");
    Builder builder = builder();
    if (top.containsKey("prefix")) {
      builder.prefix(text(top, "prefix", "the file"));
    }
    if (top.containsKey("imageTag")) {
      builder.imageTag(text(top, "imageTag", "the file"));
    }
    if (top.containsKey("images")) {
      Map<String, Object> images = map(top.get("images"), "images");
      checkKeys(images, IMAGES_KEYS, "images");
      builder.imagesSource(text(images, "source", "images"));
      if (images.containsKey("ref")) {
        builder.imagesSourceRef(text(images, "ref", "images"));
      }
    }
    if (top.containsKey("spot")) {
      if (!(top.get("spot") instanceof Boolean spot)) {
        throw new AwsConfigException("spot must be true or false");
      }
      builder.spot(spot);
    }
    if (top.containsKey("alarmEmail")) {
      builder.alarmEmail(text(top, "alarmEmail", "the file"));
    }
    if (!(top.get("repositories") instanceof List<?> list)) {
      throw new AwsConfigException("repositories: a list of repositories is required");
    }
    for (int i = 0; i < list.size(); i++) {
      String where = "repositories[" + i + "]";
      Map<String, Object> repository = map(list.get(i), where);
      checkKeys(repository, REPOSITORY_KEYS, where);
      Path pipeline = Path.of(text(repository, "pipeline", where));
      builder.repository(
          new RepositoryConfig(
              text(repository, "name", where),
              text(repository, "github", where),
              repository.containsKey("branch") ? text(repository, "branch", where) : "main",
              base == null ? pipeline : base.resolve(pipeline).normalize(),
              repository.containsKey("deployRoleArn")
                  ? text(repository, "deployRoleArn", where)
                  : null));
    }
    return builder.build();
  }

  /** The name of the images stack, e.g. {@code CairnImages}. */
  public String imagesStackName() {
    return Names.camel(prefix) + "Images";
  }

  /** The name of the pipeline stack, e.g. {@code CairnPipeline}. */
  public String pipelineStackName() {
    return Names.camel(prefix) + "Pipeline";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String where) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new AwsConfigException(where + " must be a mapping");
    }
    return (Map<String, Object>) map;
  }

  private static void checkKeys(Map<String, Object> map, Set<String> allowed, String where) {
    List<String> unknown = new ArrayList<>();
    for (Object key : map.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        unknown.add(String.valueOf(key));
      }
    }
    if (!unknown.isEmpty()) {
      throw new AwsConfigException(
          where + ": unknown key(s) " + unknown + "; allowed: " + new TreeSet<>(allowed));
    }
  }

  private static String text(Map<String, Object> map, String key, String where) {
    Object value = map.get(key);
    if (value == null) {
      throw new AwsConfigException(where + ": " + key + " is required");
    }
    if (value instanceof Map || value instanceof List) {
      throw new AwsConfigException(where + ": " + key + " must be a single value");
    }
    return String.valueOf(value);
  }

  /**
   * A builder with the defaults: prefix {@code cairn}, tag {@code 0.1.0}, images from branch {@code
   * main}, on-demand Fargate.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a configuration. */
  public static final class Builder {
    private String prefix = "cairn";
    private String imageTag = "0.1.0";
    private String imagesSource;
    private String imagesSourceRef = "main";
    private boolean spot;
    private String alarmEmail;
    private final List<RepositoryConfig> repositories = new ArrayList<>();

    private Builder() {}

    /** The prefix of stack and resource names. */
    public Builder prefix(String value) {
      this.prefix = value;
      return this;
    }

    /** The image tag the pipeline stack runs by default. */
    public Builder imageTag(String value) {
      this.imageTag = value;
      return this;
    }

    /** The GitHub repository ({@code owner/repo}) the images are built from. */
    public Builder imagesSource(String value) {
      this.imagesSource = value;
      return this;
    }

    /** The branch or tag the images are built from. */
    public Builder imagesSourceRef(String value) {
      this.imagesSourceRef = value;
      return this;
    }

    /** Run jobs on Fargate Spot. */
    public Builder spot(boolean value) {
      this.spot = value;
      return this;
    }

    /** The address subscribed to alarms. */
    public Builder alarmEmail(String value) {
      this.alarmEmail = value;
      return this;
    }

    /** Adds an application repository. */
    public Builder repository(RepositoryConfig value) {
      repositories.add(value);
      return this;
    }

    /** The configuration. */
    public CairnAwsConfig build() {
      return new CairnAwsConfig(
          prefix, imageTag, imagesSource, imagesSourceRef, spot, alarmEmail, repositories);
    }
  }
}
