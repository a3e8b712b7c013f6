package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help renders cleanly: picocli warns on stderr when a description is not a valid format. */
class HelpTest {

  @Test
  void everyCommandsHelpRendersWithoutAFormatWarning() {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CommandLine main = Main.commandLine();
      main.getUsageMessage();
      for (Map.Entry<String, CommandLine> sub : main.getSubcommands().entrySet()) {
        String usage = sub.getValue().getUsageMessage();
        assertFalse(usage.contains("%n"), sub.getKey() + "'s help shows a raw %n:\n" + usage);
      }
    } finally {
      System.setErr(saved);
    }
    assertEquals("", captured.toString(StandardCharsets.UTF_8));
  }
}
