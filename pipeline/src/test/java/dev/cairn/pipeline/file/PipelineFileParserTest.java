package dev.cairn.pipeline.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the parser builds from valid files, its defaults, and the limits on hostile input. */
class PipelineFileParserTest {

  private static String fixture(String name) throws IOException {
    try (InputStream in =
        PipelineFileParserTest.class.getResourceAsStream("/pipelines/valid/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theFullExampleBecomesTheModel() throws IOException {
    PipelineDefinition pipeline = PipelineFileParser.parse("cairn.yml", fixture("full.yml"));

    assertThat(pipeline.name()).isEqualTo("notes");
    BuildSpec build = pipeline.build();
    assertThat(build.steps())
        .containsExactly(new StepSpec("compile", "mvn -q -B -o package", null));
    assertThat(build.artifact()).isEqualTo("target/notes.jar");
    assertThat(build.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(build.network()).isFalse();
    assertThat(build.env()).isEqualTo(Map.of("MAVEN_OPTS", "-Xmx512m"));

    EnvironmentSpec production = pipeline.environment("production").orElseThrow();
    assertThat(production.services())
        .isEqualTo(
            Map.of("db", new ServiceSpec("db", ServiceType.POSTGRES, Map.of("database", "notes"))));
    assertThat(production.app().start()).isEqualTo("java -jar notes.jar");
    assertThat(production.app().port()).isEqualTo(8080);
    assertThat(production.app().startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(production.app().env())
        .containsEntry("DATABASE_URL", "${services.db.url}")
        .containsEntry("API_TOKEN", "${secrets.api-token}")
        .hasSize(4);
    assertThat(production.migrate())
        .isEqualTo(new StepSpec("migrate", "java -jar notes.jar migrate", Duration.ofMinutes(10)));
    assertThat(production.health())
        .isEqualTo(new HealthSpec("/health", Duration.ofSeconds(1), Duration.ofSeconds(2), 3));
    assertThat(production.bake()).isEqualTo(Duration.ofSeconds(10));
    assertThat(production.rollback().automatic()).isTrue();
    assertThat(production.rollback().revert()).isEqualTo(RollbackSpec.Revert.BRANCH);
    assertThat(production.rollback().maxRestarts()).isEqualTo(5);
    assertThat(production.rollback().restartWindow()).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(pipeline.audit()).isEqualTo(new AuditSpec(true));
  }

  @Test
  void leftOutKeysTakeTheDocumentedDefaults() throws IOException {
    PipelineDefinition pipeline = PipelineFileParser.parse("cairn.yml", fixture("minimal.yml"));

    assertThat(pipeline.build().timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(pipeline.build().network()).isFalse();
    assertThat(pipeline.build().env()).isEmpty();
    assertThat(pipeline.build().steps()).containsExactly(new StepSpec("Run make", "make", null));
    EnvironmentSpec production = pipeline.environments().get(0);
    assertThat(production.services()).isEmpty();
    assertThat(production.migrate()).isNull();
    assertThat(production.app().env()).isEmpty();
    assertThat(production.app().startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(production.health())
        .isEqualTo(new HealthSpec("/", Duration.ofSeconds(1), Duration.ofSeconds(2), 3));
    assertThat(production.bake()).isEqualTo(Duration.ofSeconds(30));
    assertThat(production.rollback()).isEqualTo(new RollbackSpec(true, RollbackSpec.Revert.OFF));
    assertThat(pipeline.audit()).isEqualTo(AuditSpec.DEFAULT);
    assertThat(production.aws()).isEqualTo(new AwsSpec("cairn.stack.json"));
  }

  @Test
  void anEnvironmentNamesItsStackTemplateAndTheOthersTakeTheDefault() throws IOException {
    PipelineDefinition pipeline =
        PipelineFileParser.parse("cairn.yml", fixture("aws-template.yml"));

    assertThat(pipeline.environment("staging").orElseThrow().aws().template())
        .isEqualTo(AwsSpec.DEFAULT_TEMPLATE);
    assertThat(pipeline.environment("production").orElseThrow().aws().template())
        .isEqualTo("deploy/production.stack.json");
  }

  @Test
  void environmentsKeepPromotionOrderAndAliasesAndMergeKeysWork() throws IOException {
    PipelineDefinition pipeline =
        PipelineFileParser.parse("cairn.yml", fixture("several-environments.yml"));

    assertThat(pipeline.environments())
        .extracting(EnvironmentSpec::name)
        .containsExactly("staging", "production");
    EnvironmentSpec staging = pipeline.environments().get(0);
    EnvironmentSpec production = pipeline.environments().get(1);
    assertThat(production.health()).isEqualTo(staging.health());
    assertThat(staging.services().get("db").settings()).containsEntry("database", "shop_api");
    assertThat(staging.services().get("cache").type()).isEqualTo(ServiceType.REDIS);
    assertThat(staging.app().env()).containsEntry("RETRIES", "3");
    assertThat(staging.bake()).isZero();
    assertThat(production.migrate())
        .isEqualTo(new StepSpec("schema", "npx knex migrate:latest", Duration.ofMinutes(5)));
    assertThat(production.rollback().automatic()).isFalse();
    assertThat(pipeline.build().timeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(pipeline.build().steps().get(1).run())
        .isEqualTo("npm test\necho \"literal $${not-a-reference} and shell ${HOME}\"\n");

    PipelineDefinition merged =
        PipelineFileParser.parse("cairn.yml", fixture("anchors-and-merge-keys.yml"));
    assertThat(merged.environments().get(1).app().start()).isEqualTo("./run");
    assertThat(merged.environments().get(1).app().port()).isEqualTo(8081);
  }

  @Test
  void shellTextIsKeptVerbatimNeverRunOrExpanded() throws IOException {
    PipelineDefinition pipeline =
        PipelineFileParser.parse("cairn.yml", fixture("hostile-commands.yml"));

    assertThat(pipeline.build().steps().get(0).run())
        .isEqualTo("echo $(touch /tmp/cairn-pwned) `id` ${HOME} && rm -rf \"$DIR\"");
    assertThat(pipeline.environments().get(0).app().env())
        .containsEntry("GREETING", "$(id) `whoami` $${secrets.nope}");
    assertThat(pipeline.build().artifact()).isEqualTo("out/a b;c.tar");
  }

  @Test
  void aFileIsReadFromDiskAndNamedAsGiven(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("cairn.yml");
    Files.writeString(file, fixture("minimal.yml"));
    assertThat(PipelineFileParser.parse(file).name()).isEqualTo("hello");

    Files.writeString(file, "name: x\n");
    assertThatThrownBy(() -> PipelineFileParser.parse(file))
        .isInstanceOf(PipelineFileException.class)
        .hasMessageStartingWith(file + ":1:1: missing required key 'build' at the top level");
  }

  @Test
  void aMissingFileIsAnIoErrorNotAProblem(@TempDir Path dir) {
    assertThatThrownBy(() -> PipelineFileParser.parse(dir.resolve("cairn.yml")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void invalidUtf8IsReportedAtItsLineAndColumn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("cairn.yml");
    byte[] head = "name: notes\nbuild: caf".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 2];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xC3; // a lead byte followed by no continuation byte
    bytes[head.length + 1] = '\n';
    Files.write(file, bytes);

    PipelineFileException e =
        catchThrowableOfType(PipelineFileException.class, () -> PipelineFileParser.parse(file));

    assertThat(e.problems())
        .containsExactly(
            new PipelineProblem(
                file.toString(), 2, 11, "the file is not valid UTF-8 (byte " + head.length + ")"));
  }

  @Test
  void filesOverTheSizeLimitAreRejectedBeforeParsing(@TempDir Path dir) throws IOException {
    String huge = "# " + "x".repeat(PipelineFileParser.MAX_BYTES) + "\n";
    Path file = dir.resolve("cairn.yml");
    Files.writeString(file, huge);

    assertThatThrownBy(() -> PipelineFileParser.parse(file))
        .isInstanceOf(PipelineFileException.class)
        .hasMessage(
            file
                + ":1:1: the file is too large ("
                + Files.size(file)
                + " bytes); a pipeline file may have at most 1048576 bytes");
    assertThatThrownBy(() -> PipelineFileParser.parse("cairn.yml", huge))
        .isInstanceOf(PipelineFileException.class)
        .hasMessageContaining("the file is too large");
  }

  @Test
  void aProblemPrintsLikeACompilerError() {
    assertThat(new PipelineProblem("cairn.yml", 12, 7, "unknown key 'imagee' in build"))
        .hasToString("cairn.yml:12:7: unknown key 'imagee' in build");
  }

  @Test
  void theStarterFileParsesAndNamesTheApplication() {
    PipelineDefinition pipeline = PipelineFileParser.parse("cairn.yml", Starter.text("my-shop"));

    assertThat(pipeline.name()).isEqualTo("my-shop");
    assertThat(pipeline.build().artifact()).isEqualTo("target/my-shop.jar");
    EnvironmentSpec production = pipeline.environment("production").orElseThrow();
    assertThat(production.services().get("db").settings()).containsEntry("database", "my_shop");
    assertThat(production.app().env()).containsEntry("DATABASE_URL", "${services.db.url}");
    assertThat(Starter.text("my-shop")).contains("# ");
    assertThatThrownBy(() -> Starter.text("My Shop")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void starterNamesAreDerivedFromDirectoryNames() {
    assertThat(Starter.nameFrom("My_Shop API")).isEqualTo("my-shop-api");
    assertThat(Starter.nameFrom("2024-notes")).isEqualTo("notes");
    assertThat(Starter.nameFrom("___")).isEqualTo("app");
    assertThat(Starter.nameFrom("a".repeat(80))).hasSize(63);
    for (String name : new String[] {"My_Shop API", "2024-notes", "___", "a-".repeat(40)}) {
      String derived = Starter.nameFrom(name);
      assertThat(PipelineFileParser.parse("cairn.yml", Starter.text(derived)).name())
          .isEqualTo(derived);
    }
  }

  @Test
  void durationsReadAndPrintInTheFileNotation() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("90s")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("10m")).contains(Duration.ofMinutes(10));
    assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    assertThat(Durations.parse("1h30m15s250ms"))
        .contains(Duration.ofHours(1).plusMinutes(30).plusSeconds(15).plusMillis(250));
    assertThat(Durations.parse("0s")).contains(Duration.ZERO);
    for (String bad : new String[] {"", "10", "1.5m", "-5s", "1s1h", "2s2s", "5 s", "1d", "s"}) {
      assertThat(Durations.parse(bad)).as(bad).isEmpty();
    }
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }
}
