package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.pipeline.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn show RECORD}: one audit record in full, with the commit that added it. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show one audit record and its commit, by record id, id prefix or commit id.")
public final class RecordShowCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "RECORD",
      description = "A record id or its first characters (4 or more), or an audit commit id.")
  String record;

  @Mixin AuditSource source;

  @Option(
      names = "--json",
      description = "Print one JSON object: the record, its file, commit and commit message.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    AuditTrail.Found found;
    try (AuditTrail trail = source.open()) {
      found =
          trail
              .find(record)
              .orElseThrow(
                  () ->
                      new UserInputException(
                          "no audit record or audit commit "
                              + record
                              + " in "
                              + source.describe()
                              + " (see: cairn history)"));
    }
    if (json) {
      ObjectNode o = Json.object();
      o.put("auditCommit", found.entry().auditCommit());
      o.put("path", found.path());
      o.put("signed", found.signed());
      o.put("committedAt", found.committedAt().toString());
      o.put("message", found.message());
      o.set("record", found.record().toJsonNode());
      System.out.println(Json.write(o));
      return ExitCodes.OK;
    }
    System.out.println("record  " + found.record().id());
    System.out.println(
        "commit  "
            + found.entry().auditCommit()
            + (found.signed() ? " (signed)" : " (unsigned)")
            + " at "
            + found.committedAt());
    System.out.println("file    " + found.path());
    System.out.println();
    found.message().strip().lines().forEach(l -> System.out.println("    " + l));
    System.out.println();
    System.out.print(found.record().toJson());
    return ExitCodes.OK;
  }
}
