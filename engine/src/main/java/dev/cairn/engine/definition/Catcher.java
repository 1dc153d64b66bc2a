package dev.cairn.engine.definition;

import java.util.List;

/**
 * One element of a state's {@code Catch} array.
 *
 * @param errorEquals the error names it catches ({@code States.ALL} catches everything)
 * @param next the state to go to
 * @param resultPath where the error output {@code {"Error":..., "Cause":...}} goes in the state's
 *     raw input
 */
public record Catcher(List<String> errorEquals, String next, ResultPathSpec resultPath) {
  public Catcher {
    errorEquals = List.copyOf(errorEquals);
  }
}
