package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.engine.definition.InvalidDefinitionException;
import dev.cairn.engine.definition.StateMachine;
import dev.cairn.engine.definition.ValidationProblem;
import dev.cairn.engine.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn states validate}: checks a definition like CreateStateMachine does. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a state machine definition; print every problem with its location.")
public final class StatesValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DEFINITION.json", description = "The ASL definition.")
  String definition;

  @Option(names = "--json", description = "Print {\"valid\": ..., \"problems\": [...]}.")
  boolean json;

  @Override
  public Integer call() {
    String text = CliFiles.read(definition, System.in);
    try {
      StateMachine machine = DefinitionParser.parse(text);
      if (json) {
        ObjectNode result = Json.object();
        result.put("valid", true);
        result.putArray("problems");
        System.out.println(Json.write(result));
      } else {
        System.out.println(definition + ": valid (" + machine.states().size() + " states)");
      }
      return ExitCodes.OK;
    } catch (InvalidDefinitionException e) {
      if (json) {
        ObjectNode result = Json.object();
        result.put("valid", false);
        ArrayNode problems = result.putArray("problems");
        for (ValidationProblem problem : e.problems()) {
          problems
              .addObject()
              .put("location", problem.location())
              .put("rule", problem.rule())
              .put("message", problem.message());
        }
        System.out.println(Json.write(result));
      } else {
        System.err.println(definition + ": " + e.getMessage());
      }
      return ExitCodes.INVALID_INPUT;
    }
  }
}
