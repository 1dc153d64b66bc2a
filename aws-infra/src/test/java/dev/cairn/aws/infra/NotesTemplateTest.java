package dev.cairn.aws.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The template the notes example carries ({@value NotesTemplate#EXAMPLE_FILE}) is the synth of
 * {@link NotesAppStack}: a change to the stack's code that is not regenerated into the example
 * fails here, with the command that regenerates it.
 */
class NotesTemplateTest {
  /** The example's file, from this module's directory (where the tests run). */
  private static final Path COMMITTED = Path.of("..").resolve(NotesTemplate.EXAMPLE_FILE);

  @Test
  void theExampleCarriesTheSynthesizedTemplate() throws Exception {
    String how =
        "regenerate it with `" + NotesTemplate.REGENERATE + "` (in Cairn's root) and commit it";
    assertThat(COMMITTED).as("%s is missing: %s", COMMITTED, how).isRegularFile();
    JsonNode committed = Json.parse(Files.readString(COMMITTED));
    JsonNode synthesized = Json.parse(Synthesized.get().notes.json());

    // Compared as JSON (the file may be reformatted, not changed); the message names the first
    // difference rather than printing two 2,000-line templates.
    assertThat(firstDifference("", committed, synthesized))
        .as("%s differs from what NotesAppStack synthesizes: %s", NotesTemplate.EXAMPLE_FILE, how)
        .isEmpty();
  }

  @Test
  void aDifferenceIsNamedByItsPath() {
    JsonNode a = Json.parse("{\"Resources\":{\"A\":{\"Type\":\"x\",\"List\":[1,2]}}}");
    JsonNode b = Json.parse("{\"Resources\":{\"A\":{\"Type\":\"x\",\"List\":[1,3]}}}");
    JsonNode c = Json.parse("{\"Resources\":{\"A\":{\"Type\":\"x\"},\"B\":{}}}");

    assertThat(firstDifference("", a, a)).isEmpty();
    assertThat(firstDifference("", a, b))
        .contains("/Resources/A/List/1: committed 2, synthesized 3");
    assertThat(firstDifference("", a, c))
        .contains("/Resources/A/List: committed [1,2], synthesized (none)");
  }

  /** The path of the first difference between two JSON trees, with both values (shortened). */
  static Optional<String> firstDifference(String path, JsonNode committed, JsonNode synthesized) {
    if (committed != null && synthesized != null) {
      if (committed.isObject() && synthesized.isObject()) {
        TreeSet<String> names = new TreeSet<>();
        committed.fieldNames().forEachRemaining(names::add);
        synthesized.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          Optional<String> found =
              firstDifference(path + "/" + name, committed.get(name), synthesized.get(name));
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }
      if (committed.isArray() && synthesized.isArray()) {
        Iterator<JsonNode> left = committed.elements();
        Iterator<JsonNode> right = synthesized.elements();
        for (int i = 0; left.hasNext() || right.hasNext(); i++) {
          Optional<String> found =
              firstDifference(
                  path + "/" + i,
                  left.hasNext() ? left.next() : null,
                  right.hasNext() ? right.next() : null);
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }
      if (committed.equals(synthesized)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        path + ": committed " + shortened(committed) + ", synthesized " + shortened(synthesized));
  }

  private static String shortened(JsonNode node) {
    if (node == null) {
      return "(none)";
    }
    String text = Json.write(node);
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
