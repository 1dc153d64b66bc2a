package dev.cairn.pipeline.file;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The {@code ${...}} references of {@code env} values in a pipeline file: {@code
 * ${services.NAME.FIELD}}, {@code ${secrets.NAME}}, {@code ${commit}}, {@code ${environment}} and
 * {@code ${artifact}}. {@code $${} stands for a literal {@code ${}. Nothing else is interpolated:
 * a resolved value is never scanned again, so a value holding {@code ${...}} stays as it is.
 */
public final class References {
  /** The root of a secret reference: {@code ${secrets.NAME}}. */
  public static final String SECRETS = "secrets";

  /** The root of a service reference: {@code ${services.NAME.FIELD}}. */
  public static final String SERVICES = "services";

  private References() {}

  /**
   * One reference in a text.
   *
   * @param expression what is between {@code ${} and {@code }}, e.g. {@code services.db.url}
   * @param offset where {@code ${} starts in the text (a {@code char} index)
   * @param length the length of the whole reference, {@code ${} and {@code }} included
   */
  public record Reference(String expression, int offset, int length) {
    /** The expression's parts, split at dots: {@code [services, db, url]}. */
    public List<String> parts() {
      return List.of(expression.split("\\.", -1));
    }

    /** The first part: {@code services}, {@code secrets}, {@code commit}, ... */
    public String root() {
      return parts().get(0);
    }

    /** The reference as written, e.g. {@code ${services.db.url}}. */
    public String text() {
      return "${" + expression + "}";
    }
  }

  /**
   * A piece of a text: either literal text (escapes already undone) or a reference; or an
   * unterminated {@code ${}. Package-private: the parser reports the unterminated ones with their
   * position, callers of the public methods get an exception.
   */
  record Token(String literal, Reference reference, int unterminatedAt) {}

  static List<Token> tokens(String text) {
    List<Token> tokens = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        literal.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int close = text.indexOf('}', i + 2);
        if (literal.length() > 0) {
          tokens.add(new Token(literal.toString(), null, -1));
          literal.setLength(0);
        }
        if (close < 0) {
          tokens.add(new Token(null, null, i));
          return tokens;
        }
        tokens.add(
            new Token(null, new Reference(text.substring(i + 2, close), i, close + 1 - i), -1));
        i = close + 1;
      } else {
        literal.append(text.charAt(i));
        i++;
      }
    }
    if (literal.length() > 0) {
      tokens.add(new Token(literal.toString(), null, -1));
    }
    return tokens;
  }

  /**
   * The references in a text, in order ({@code $${} escapes are not references).
   *
   * @throws IllegalArgumentException if a {@code ${} is never closed (a validated pipeline file
   *     never has one)
   */
  public static List<Reference> of(String text) {
    List<Reference> references = new ArrayList<>();
    for (Token token : tokens(text)) {
      if (token.unterminatedAt() >= 0) {
        throw new IllegalArgumentException(
            "unterminated reference at offset " + token.unterminatedAt());
      }
      if (token.reference() != null) {
        references.add(token.reference());
      }
    }
    return references;
  }

  /**
   * Replaces every reference of a text by its value and every {@code $${} by {@code ${}.
   *
   * @param lookup gives the value of an expression such as {@code secrets.api-token}, or null when
   *     it has none
   * @throws UnresolvedReferenceException if the lookup has no value for a reference
   * @throws IllegalArgumentException if a {@code ${} is never closed
   */
  public static String resolve(String text, Function<String, String> lookup) {
    StringBuilder out = new StringBuilder(text.length());
    for (Token token : tokens(text)) {
      if (token.unterminatedAt() >= 0) {
        throw new IllegalArgumentException(
            "unterminated reference at offset " + token.unterminatedAt());
      }
      if (token.literal() != null) {
        out.append(token.literal());
      } else {
        String value = lookup.apply(token.reference().expression());
        if (value == null) {
          throw new UnresolvedReferenceException(token.reference().expression());
        }
        out.append(value);
      }
    }
    return out.toString();
  }

  /**
   * Resolves every value of an environment-variable map (see {@link #resolve}).
   *
   * @return a new map with the same keys, in the same iteration order
   */
  public static Map<String, String> resolveAll(
      Map<String, String> env, Function<String, String> lookup) {
    Map<String, String> resolved = new LinkedHashMap<>();
    env.forEach((name, value) -> resolved.put(name, resolve(value, lookup)));
    return resolved;
  }

  /** The names of the secrets the values of a map refer to with {@code ${secrets.NAME}}. */
  public static SortedSet<String> secretNames(Map<String, String> env) {
    SortedSet<String> names = new TreeSet<>();
    for (String value : env.values()) {
      for (Reference reference : of(value)) {
        List<String> parts = reference.parts();
        if (parts.size() == 2 && parts.get(0).equals(SECRETS)) {
          names.add(parts.get(1));
        }
      }
    }
    return names;
  }

  /**
   * The names of every secret a pipeline refers to: in {@code build.env} and in every environment's
   * {@code app.env}. These must be set before the pipeline can run.
   */
  public static SortedSet<String> secretNames(PipelineDefinition pipeline) {
    SortedSet<String> names = new TreeSet<>(secretNames(pipeline.build().env()));
    for (EnvironmentSpec environment : pipeline.environments()) {
      names.addAll(secretNames(environment.app().env()));
    }
    return names;
  }
}
