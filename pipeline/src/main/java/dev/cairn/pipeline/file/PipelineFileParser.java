package dev.cairn.pipeline.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads and validates a pipeline file ({@code cairn.yml}). Every problem is collected, with its
 * line and column, before the file is rejected; nothing in the file is ever run or interpolated
 * here. The file's shape is documented in {@code docs/pipeline-file.md}.
 */
public final class PipelineFileParser {
  /** The largest pipeline file accepted, in bytes (UTF-8). */
  public static final int MAX_BYTES = 1024 * 1024;

  /**
   * The most aliases ({@code *name}) a file may use: enough to share an {@code app} block between
   * environments, far too few for an alias bomb.
   */
  public static final int MAX_ALIASES = 20;

  private PipelineFileParser() {}

  /**
   * Reads a pipeline file. Problems name the file as given ({@code file.toString()}).
   *
   * <p>The file comes from a commit, so it is read as hostile: a symbolic link is not followed
   * ({@code cairn.yml -> /dev/zero} or {@code -> ~/.ssh/id_rsa} is refused, not read), anything but
   * a regular file (a FIFO would block the reader) is refused, and at most {@link #MAX_BYTES} + 1
   * bytes are read whatever size the file claims.
   *
   * @throws PipelineFileException if the file is invalid (a link or not a regular file, too large,
   *     not UTF-8, not YAML, or not a valid pipeline)
   * @throws IOException if the file cannot be read
   */
  public static PipelineDefinition parse(Path file) throws IOException {
    String fileName = file.toString();
    return parse(fileName, decode(fileName, readBounded(file, fileName)));
  }

  /** The file's bytes, read without following a link and never more than the limit. */
  private static byte[] readBounded(Path file, String fileName) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new PipelineFileException(
          List.of(
              new PipelineProblem(
                  fileName,
                  1,
                  1,
                  "the pipeline file is a symbolic link; it must be a regular file in the"
                      + " repository")));
    }
    if (!attributes.isRegularFile()) {
      throw new PipelineFileException(
          List.of(new PipelineProblem(fileName, 1, 1, "the pipeline file is not a regular file")));
    }
    // O_NOFOLLOW: a link swapped in after the check above is refused by the open itself.
    try (SeekableByteChannel channel =
            Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        InputStream in = Channels.newInputStream(channel)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new PipelineFileException(
            List.of(tooLarge(fileName, Math.max(channel.size(), bytes.length))));
      }
      return bytes;
    }
  }

  /**
   * Parses pipeline-file text.
   *
   * @param fileName the name problems carry, e.g. {@code cairn.yml}
   * @throws PipelineFileException if the text is not a valid pipeline
   */
  public static PipelineDefinition parse(String fileName, String text) {
    if (text.length() > MAX_BYTES) {
      throw new PipelineFileException(
          List.of(tooLarge(fileName, text.getBytes(StandardCharsets.UTF_8).length)));
    }
    List<PipelineProblem> problems = new ArrayList<>();
    Optional<Node> root = compose(fileName, text, problems);
    PipelineDefinition definition = null;
    if (problems.isEmpty()) {
      PipelineReader reader = new PipelineReader(fileName, text, problems);
      definition = reader.read(root.orElse(null));
    }
    if (!problems.isEmpty()) {
      List<PipelineProblem> sorted = new ArrayList<>(problems);
      sorted.sort(
          Comparator.comparingInt(PipelineProblem::line).thenComparingInt(PipelineProblem::column));
      throw new PipelineFileException(sorted);
    }
    return definition;
  }

  private static PipelineProblem tooLarge(String fileName, long size) {
    return new PipelineProblem(
        fileName,
        1,
        1,
        "the file is too large ("
            + size
            + " bytes); a pipeline file may have at most "
            + MAX_BYTES
            + " bytes");
  }

  private static String decode(String fileName, byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int bad = in.position();
      int lineStart = 0;
      int line = 1;
      for (int i = 0; i < bad; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      String before = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8);
      int column = before.codePointCount(0, before.length()) + 1;
      throw new PipelineFileException(
          List.of(
              new PipelineProblem(
                  fileName, line, column, "the file is not valid UTF-8 (byte " + bad + ")")));
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  private static LoadSettings settings(String fileName) {
    return LoadSettings.builder()
        .setLabel(fileName)
        .setSchema(new CoreSchema())
        // Duplicates are reported by PipelineReader, with both places.
        .setAllowDuplicateKeys(true)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setCodePointLimit(MAX_BYTES + 1)
        .setUseMarks(true)
        .build();
  }

  /**
   * Turns the text into one node tree. A first pass over the events finds syntax errors and counts
   * aliases before any alias is expanded.
   */
  private static Optional<Node> compose(
      String fileName, String text, List<PipelineProblem> problems) {
    LoadSettings settings = settings(fileName);
    try {
      int aliases = 0;
      for (Event event : new Parse(settings).parseString(text)) {
        if (event instanceof AliasEvent && ++aliases > MAX_ALIASES) {
          problems.add(
              problem(
                  fileName,
                  event.getStartMark(),
                  "too many aliases; a pipeline file may use at most "
                      + MAX_ALIASES
                      + " aliases (*name)"));
          return Optional.empty();
        }
      }
      Composer composer =
          new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
      return composer.getSingleNode();
    } catch (MarkedYamlEngineException e) {
      problems.add(syntaxProblem(fileName, text, e));
      return Optional.empty();
    } catch (YamlEngineException e) {
      problems.add(new PipelineProblem(fileName, 1, 1, "invalid YAML: " + e.getMessage()));
      return Optional.empty();
    }
  }

  private static PipelineProblem syntaxProblem(
      String fileName, String text, MarkedYamlEngineException e) {
    Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
    if (mark.isPresent() && codePointAt(text, mark.get().getIndex()) == '\t') {
      return problem(fileName, mark, "tab character; YAML indentation must use spaces, never tabs");
    }
    if (e.getContext() != null && e.getContext().contains("expected a single document")) {
      return problem(
          fileName, mark, "a pipeline file holds one YAML document; remove the second one");
    }
    String problem = e.getProblem() == null ? e.getContext() : e.getProblem();
    String message = "invalid YAML: " + problem;
    if (e.getContext() != null && e.getProblem() != null && e.getContextMark().isPresent()) {
      Mark context = e.getContextMark().get();
      message +=
          " ("
              + e.getContext()
              + " at line "
              + (context.getLine() + 1)
              + ", column "
              + (context.getColumn() + 1)
              + ")";
    }
    if (problem != null && problem.contains("<block")) {
      message += "; check the indentation";
    }
    return problem(fileName, mark, message);
  }

  private static int codePointAt(String text, int codePointIndex) {
    try {
      return text.codePointAt(text.offsetByCodePoints(0, codePointIndex));
    } catch (IndexOutOfBoundsException e) {
      return -1;
    }
  }

  private static PipelineProblem problem(String fileName, Optional<Mark> mark, String message) {
    return mark.map(m -> new PipelineProblem(fileName, m.getLine() + 1, m.getColumn() + 1, message))
        .orElseGet(() -> new PipelineProblem(fileName, 1, 1, message));
  }
}
