package dev.cairn.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks of {@code cairn serve}'s arguments that would otherwise leak credentials into ps. */
final class RepositoryArgument {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private RepositoryArgument() {}

  /**
   * Refuses {@code https://user:token@host/...}: every user of the machine sees a process's
   * arguments. The token belongs in Cairn's credential store ({@code cairn secrets set git-token}).
   */
  static void refuseEmbeddedCredentials(String repository) {
    if (!repository.contains("://")) {
      return;
    }
    String userInfo;
    try {
      userInfo = new URI(repository).getRawUserInfo();
    } catch (URISyntaxException e) {
      int at = repository.indexOf('@');
      int scheme = repository.indexOf("://");
      userInfo = at > scheme ? repository.substring(scheme + 3, at) : null;
    }
    if (userInfo != null && userInfo.contains(":")) {
      throw new UserInputException(
          "--repo: the URL carries a password or token, which every user sees in the process"
              + " list; give the URL without it and store the token with: printf %s \"$TOKEN\" |"
              + " cairn secrets set git-token");
    }
  }

  /** {@code NAME=VALUE} lines ({@code #} comments and blank lines skipped). */
  static Map<String, String> readEnvFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserInputException("--build-env-file: cannot read " + file);
    }
    Map<String, String> env = new LinkedHashMap<>();
    int number = 0;
    for (String line : lines) {
      number++;
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      int equals = line.indexOf('=');
      String name = equals < 0 ? line : line.substring(0, equals).strip();
      if (equals < 0 || !ENV_NAME.matcher(name).matches()) {
        throw new UserInputException(
            "--build-env-file: " + file + ":" + number + ": expected NAME=VALUE");
      }
      env.put(name, line.substring(equals + 1));
    }
    return env;
  }
}
