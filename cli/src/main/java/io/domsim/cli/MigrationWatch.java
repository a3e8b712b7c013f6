package io.domsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code domsim migrate --wait}: follows one migration through the control API's {@code GET /console} until it
 * ends, printing a line whenever its progress changes (within a round too: the bytes come from the wire).
 * Exit 0 when it completed, 1 when it aborted or failed, 2 when it was refused or the launch went away.
 */
final class MigrationWatch {
  /** Wall time between looks. */
  static final long POLL_MILLIS = 200;

  private MigrationWatch() {}

  static int follow(ControlCommands.ControlCommand command, String id, boolean json) {
    PrintWriter out = command.spec.commandLine().getOut();
    String last = null;
    try {
      while (true) {
        JsonNode m = find(command.request("GET", "/console", Map.of()), id);
        if (m == null) {
          command.spec.commandLine().getErr().println("domsim: migration " + id + " is not in the launch's list");
          return Main.INTERNAL_FAILURE;
        }
        String phase = m.get("phase").asText();
        boolean ended = phase.equals("completed") || phase.equals("aborted") || phase.equals("failed")
            || phase.equals("refused");
        String line = ConsoleFormat.progress(m);
        if (!json && !line.equals(last)) {
          out.println(line);
          out.flush();
          last = line;
        }
        if (ended) {
          if (json) {
            out.println(m.toPrettyString());
            out.flush();
          }
          return switch (phase) {
            case "completed" -> Main.OK;
            case "refused" -> Main.BAD_INPUT;
            default -> Main.INTERNAL_FAILURE;
          };
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (ControlCommands.ControlCommand.Refused r) {
      return r.exit;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.INTERNAL_FAILURE;
    }
  }

  private static JsonNode find(JsonNode view, String id) {
    for (JsonNode m : view.get("migrations")) {
      if (m.get("id").asText().equals(id)) {
        return m;
      }
    }
    return null;
  }
}
