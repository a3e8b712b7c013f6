package io.domsim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code domsim} command. Exit codes: 0 ok, 2 bad input, 1 internal failure. */
@Command(name = "domsim", mixinStandardHelpOptions = true, version = "domsim " + Main.VERSION,
    description = "Simulates a cluster of Xen-style type-1 hypervisor nodes with PV and HVM guests.",
    subcommands = {RunCommand.class, ValidateCommand.class, LaunchCommand.class, ChaosCommand.class, SweepCommand.class,
        ControlCommands.Migrate.class,
        ControlCommands.Fail.class, ControlCommands.Recover.class, ControlCommands.PowerOff.class,
        ControlCommands.PowerOn.class, ControlCommands.Partition.class,
        ControlCommands.DegradeLink.class, ControlCommands.NetworkFaults.class, ControlCommands.Destroy.class,
        ControlCommands.Pause.class, ControlCommands.Unpause.class, ControlCommands.Shutdown.class,
        ControlCommands.Status.class, ControlCommands.Stop.class, ConsoleCommands.ListDomains.class,
        ConsoleCommands.Info.class, ConsoleCommands.Top.class, ConsoleCommands.Create.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** domsim's version: the --version answer and report.json's {@code domsim_version}. */
  public static final String VERSION = "0.1.0";
  public static final int OK = 0;
  public static final int INTERNAL_FAILURE = 1;
  public static final int BAD_INPUT = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** Runs the command line with its output and errors going to the given writers (for tests and embedding). */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // A user's mistake on the command line is bad input (2), not a crash.
    cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? BAD_INPUT : INTERNAL_FAILURE);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("domsim: " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      c.getErr().println("domsim: internal failure: " + ex);
      ex.printStackTrace(c.getErr());
      return INTERNAL_FAILURE;
    });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
