package dev.cairn.engine.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The registry that maps a Task state's Resource to its handler. Patterns are ARNs where {@code *}
 * matches any run of characters, e.g. {@code arn:aws:lambda:*:*:function:*}; the first registered
 * pattern that matches wins, so register specific patterns before general ones.
 */
public final class TaskHandlers {
  private final List<Route> routes = new ArrayList<>();

  private record Route(String pattern, Pattern regex, TaskHandler handler) {}

  /** Registers a handler for every Resource matching {@code resourcePattern}. */
  public TaskHandlers register(String resourcePattern, TaskHandler handler) {
    StringBuilder regex = new StringBuilder();
    for (String part : resourcePattern.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    routes.add(new Route(resourcePattern, Pattern.compile(regex.toString()), handler));
    return this;
  }

  /** The handler for a Resource, if one is registered. */
  public Optional<TaskHandler> find(String resource) {
    for (Route route : routes) {
      if (route.regex.matcher(resource).matches()) {
        return Optional.of(route.handler);
      }
    }
    return Optional.empty();
  }
}
