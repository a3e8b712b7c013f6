package io.domsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The xl-style console of a running {@code domsim launch}: list, info, top and create. */
final class ConsoleCommands {
  private ConsoleCommands() {}

  /** A console command that reads {@code GET /console} and prints it as text, or as JSON with --json. */
  abstract static class ViewCommand extends ControlCommands.ControlCommand {
    @Option(names = "--json", description = "The answer as JSON instead of text.")
    boolean json;

    JsonNode view() throws Refused {
      return request("GET", "/console", Map.of());
    }

    void print(List<String> lines) {
      PrintWriter out = spec.commandLine().getOut();
      lines.forEach(out::println);
      out.flush();
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the domains of a running domsim launch, as xl list: the Dom0s and the guests, those that"
          + " are gone (lost with their node, destroyed, shut down) marked.")
  static final class ListDomains extends ViewCommand {
    @Override
    public Integer call() {
      try {
        JsonNode v = view();
        if (json) {
          print(List.of(v.get("domains").toPrettyString()));
        } else {
          print(ConsoleFormat.list(v));
        }
        return Main.OK;
      } catch (Refused r) {
        return r.exit;
      }
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Show a node of a running domsim launch (every node without NODE), as xl info: cores, speed, HVM"
          + " support, total and free memory, state.")
  static final class Info extends ViewCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NODE", description = "The node; default every node.")
    String node;

    @Override
    public Integer call() {
      try {
        JsonNode v = view();
        List<JsonNode> nodes = new java.util.ArrayList<>();
        v.get("nodes").forEach(n -> {
          if (node == null || n.get("name").asText().equals(node)) {
            nodes.add(n);
          }
        });
        if (nodes.isEmpty()) {
          List<String> names = new java.util.ArrayList<>();
          v.get("nodes").forEach(n -> names.add(n.get("name").asText()));
          spec.commandLine().getErr().println("domsim: no node " + node + " in this cluster; the nodes are "
              + String.join(", ", names));
          return Main.BAD_INPUT;
        }
        if (json) {
          print(List.of(node == null ? v.get("nodes").toPrettyString() : nodes.get(0).toPrettyString()));
          return Main.OK;
        }
        List<String> lines = new java.util.ArrayList<>();
        for (JsonNode n : nodes) {
          if (!lines.isEmpty()) {
            lines.add("");
          }
          lines.addAll(ConsoleFormat.info(v, n));
        }
        print(lines);
        return Main.OK;
      } catch (Refused r) {
        return r.exit;
      }
    }
  }

  @Command(name = "top", mixinStandardHelpOptions = true,
      description = "Show the domains of a running domsim launch as xentop does, refreshed every few seconds until"
          + " Ctrl-C; -b writes frames one after the other (for a file or a pipe).")
  static final class Top extends ViewCommand {
    @Option(names = {"-b", "--batch"}, description = "Batch mode: frames one after another, no screen clearing.")
    boolean batch;

    @Option(names = {"-d", "--delay"}, paramLabel = "SECONDS", defaultValue = "3",
        description = "Wall seconds between frames. Default: ${DEFAULT-VALUE}.")
    double delay;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", description = "Frames to show, then stop.")
    Integer iterations;

    @Override
    public Integer call() throws InterruptedException {
      if (!(delay > 0 && delay <= 3600)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "-d " + delay
            + " is not a delay; give the seconds between frames, more than 0 and at most 3600");
      }
      if (iterations != null && iterations < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "-n " + iterations
            + " is not a number of frames; give 1 or more");
      }
      PrintWriter out = spec.commandLine().getOut();
      JsonNode before = null;
      try {
        for (int i = 0; iterations == null || i < iterations; i++) {
          if (i > 0) {
            Thread.sleep(Math.round(delay * 1000));
          }
          JsonNode now = view();
          if (json) {
            out.println(now.toString());
          } else {
            if (!batch) {
              out.print("\033[H\033[2J"); // home and clear, as xentop redraws
            }
            ConsoleFormat.top(before, now).forEach(out::println);
            if (batch) {
              out.println();
            }
          }
          out.flush();
          before = now;
        }
        return Main.OK;
      } catch (Refused r) {
        return r.exit;
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a guest on a running domsim launch from an xl.cfg-style file (name, type or builder,"
          + " memory in MiB, vcpus, and domsim's node and workload keys), as xl create FILE. The guest is checked as"
          + " a scenario's create action is, then starts on its node or where the pool master places it.")
  static final class Create extends ControlCommands.ControlCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The guest's xl.cfg-style file.")
    Path file;

    @Option(names = "--json", description = "The answer as JSON (it is JSON anyway; for symmetry).")
    boolean json;

    @Override
    public Integer call() {
      String guest;
      try {
        guest = XlConfig.guestHocon(file);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("domsim: " + e.getMessage());
        return Main.BAD_INPUT;
      }
      return call("POST", "/create", ControlCommands.fields("guest", guest));
    }
  }

  /** An xl.cfg-style file (key = value lines, which HOCON reads) as the guest object of a scenario's create. */
  static final class XlConfig {
    private XlConfig() {}

    /** xl keys about devices and boot, which domsim does not model: read and left out. */
    static final Set<String> IGNORED = Set.of("kernel", "ramdisk", "extra", "root", "cmdline", "disk", "vif", "vfb",
        "vnc", "sdl", "serial", "boot", "bootloader", "on_poweroff", "on_reboot", "on_crash", "uuid", "maxmem",
        "device_model_version", "usb", "usbdevice", "acpi", "apic", "pae", "localtime");

    static String guestHocon(Path file) {
      String text;
      try {
        text = Files.readString(file);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot read " + file + " (" + e.getMessage() + "); give the path of an"
            + " xl.cfg-style file");
      }
      Config c;
      try {
        c = ConfigFactory.parseString(doubleQuoted(text), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
            .setOriginDescription(file.toString()).setAllowMissing(false)).resolve();
      } catch (ConfigException e) {
        throw new IllegalArgumentException(file + " is not an xl.cfg-style file (" + e.getMessage()
            + "); write key = value lines such as name = \"web\" and memory = 1024");
      }
      Config guest = ConfigFactory.empty();
      for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
        String key = e.getKey();
        if (IGNORED.contains(key)) {
          continue;
        }
        // xl's builder = "hvm" (older files) is type = "hvm".
        guest = guest.withValue(key.equals("builder") ? "type" : key, e.getValue());
      }
      if (!guest.hasPath("name")) {
        throw new IllegalArgumentException(file + " names no guest; add name = \"web-3\"");
      }
      if (guest.hasPath("type") && guest.getValue("type").unwrapped() instanceof String t && t.equals("generic")) {
        guest = guest.withValue("type", ConfigValueFactory.fromAnyRef("pv")); // xl's builder = "generic" is PV
      }
      return guest.root().render(ConfigRenderOptions.concise());
    }

    /**
     * xl.cfg quotes strings in single or double quotes (xl.cfg(5)); HOCON only in double ones. Rewrites each
     * single-quoted string outside comments and double-quoted strings as a double-quoted one, so that real xl
     * files ({@code disk = ['phy:/dev/vg/web,xvda,w']}) read as they are written.
     */
    static String doubleQuoted(String text) {
      StringBuilder out = new StringBuilder(text.length() + 8);
      char open = 0; // the quote we are inside, or 0
      boolean comment = false;
      for (int i = 0; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (comment) {
          comment = ch != '\n';
          out.append(ch);
        } else if (open == 0) {
          if (ch == '#') {
            comment = true;
          } else if (ch == '"' || ch == '\'') {
            open = ch;
            ch = '"';
          }
          out.append(ch);
        } else if (ch == open) {
          open = 0;
          out.append('"');
        } else if (open == '\'' && ch == '"') {
          out.append("\\\""); // a double quote inside a single-quoted string is a literal one
        } else {
          if (ch == '\\' && i + 1 < text.length()) {
            out.append(ch);
            ch = text.charAt(++i);
          }
          out.append(ch);
        }
      }
      return out.toString();
    }
  }
}
