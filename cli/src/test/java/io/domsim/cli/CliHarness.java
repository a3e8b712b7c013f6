package io.domsim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs a subcommand through the real command line, with what it prints captured. */
final class CliHarness {
  private CliHarness() {}

  record Outcome(int code, String out, String err) {}

  /**
   * Runs {@code domsim name options... args...} on a fresh command line, once {@code setUp} has planted its
   * test doubles in the subcommand's object.
   */
  static <C> Outcome run(String name, Consumer<C> setUp, List<String> options, String... args) {
    CommandLine cl = Main.commandLine();
    C command = cl.getSubcommands().get(name).getCommand();
    setUp.accept(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(name));
    all.addAll(options);
    all.addAll(List.of(args));
    int code = cl.execute(all.toArray(String[]::new));
    return new Outcome(code, out.toString(), err.toString());
  }
}
