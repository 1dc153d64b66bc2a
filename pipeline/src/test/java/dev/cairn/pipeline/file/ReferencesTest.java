package dev.cairn.pipeline.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.file.References.Reference;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding and resolving {@code ${...}} references. */
class ReferencesTest {
  private static final Map<String, String> VALUES =
      Map.of(
          "services.db.url", "jdbc:postgresql://127.0.0.1:5433/notes",
          "secrets.api-token", "s3cr3t",
          "commit", "abc123",
          "environment", "production");

  @Test
  void everyReferenceIsReplacedByItsValue() {
    assertThat(References.resolve("${services.db.url}?user=x", VALUES::get))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5433/notes?user=x");
    assertThat(References.resolve("${environment}-${commit}-${commit}", VALUES::get))
        .isEqualTo("production-abc123-abc123");
    assertThat(References.resolve("no references, $HOME and $(id)", VALUES::get))
        .isEqualTo("no references, $HOME and $(id)");
  }

  @Test
  void dollarDollarBraceIsALiteralDollarBrace() {
    assertThat(References.resolve("$${commit} is ${commit}", VALUES::get))
        .isEqualTo("${commit} is abc123");
    assertThat(References.of("$${commit} is ${commit}"))
        .containsExactly(new Reference("commit", 14, 9));
  }

  @Test
  void resolvedValuesAreNeverScannedAgain() {
    Map<String, String> values = Map.of("secrets.tricky", "${secrets.api-token} $${x}");
    assertThat(References.resolve("${secrets.tricky}", values::get))
        .isEqualTo("${secrets.api-token} $${x}");
  }

  @Test
  void aReferenceWithoutValueFailsNamingTheReferenceOnly() {
    assertThatThrownBy(() -> References.resolve("x ${secrets.missing}", VALUES::get))
        .isInstanceOf(UnresolvedReferenceException.class)
        .hasMessage("no value for ${secrets.missing}")
        .extracting(e -> ((UnresolvedReferenceException) e).expression())
        .isEqualTo("secrets.missing");
  }

  @Test
  void anUnterminatedReferenceIsRejected() {
    assertThatThrownBy(() -> References.resolve("a ${commit", VALUES::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unterminated reference at offset 2");
    assertThatThrownBy(() -> References.of("${x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void referencesAreListedWithTheirParts() {
    Reference ref = References.of("url=${services.db.url}").get(0);
    assertThat(ref.expression()).isEqualTo("services.db.url");
    assertThat(ref.offset()).isEqualTo(4);
    assertThat(ref.length()).isEqualTo(18);
    assertThat(ref.root()).isEqualTo("services");
    assertThat(ref.parts()).containsExactly("services", "db", "url");
    assertThat(ref.text()).isEqualTo("${services.db.url}");
  }

  @Test
  void resolveAllKeepsKeysAndOrder() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("B", "${commit}");
    env.put("A", "plain");
    assertThat(References.resolveAll(env, VALUES::get))
        .containsExactly(Map.entry("B", "abc123"), Map.entry("A", "plain"));
  }

  @Test
  void secretNamesListEverySecretThePipelineNeeds() throws Exception {
    String text =
        new String(
            ReferencesTest.class
                .getResourceAsStream("/pipelines/valid/several-environments.yml")
                .readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    PipelineDefinition pipeline = PipelineFileParser.parse("cairn.yml", text);
    assertThat(References.secretNames(pipeline)).containsExactly("NPM_TOKEN");

    PipelineDefinition full =
        PipelineFileParser.parse(
            "cairn.yml",
            new String(
                ReferencesTest.class
                    .getResourceAsStream("/pipelines/valid/full.yml")
                    .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
    assertThat(References.secretNames(full)).containsExactly("api-token");
    assertThat(References.secretNames(Map.of("A", "${secrets.b} ${secrets.a} $${secrets.c}")))
        .containsExactly("a", "b");
  }
}
