package io.domsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console's text, from the control API's {@code GET /console} answer: xl list, xl info and xentop's
 * layouts, and a migration's progress line. Pure: JSON in, lines out.
 */
final class ConsoleFormat {
  private ConsoleFormat() {}

  private static final double MIB = 1024 * 1024;

  /** xl's six state flags (r running, b blocked, p paused, s shutdown, c crashed, d dying) for a domain state. */
  static String flags(String state) {
    return switch (state) {
      case "running", "migrating" -> "r-----";
      case "paused" -> "--p---";
      case "shutting-down" -> "---s--";
      case "lost" -> "----c-";
      case "destroyed", "shut-down" -> "-----d";
      default -> "------"; // creating, not-started
    };
  }

  /** What the flags do not say: the state in words for anything but plainly running, and the note. */
  static String note(JsonNode d) {
    String state = d.get("state").asText();
    String note = d.path("note").isNull() || d.path("note").isMissingNode() ? null : d.get("note").asText();
    if (state.equals("running")) {
      return note == null ? "" : note;
    }
    return note == null ? state : state + ": " + note;
  }

  /** {@code domsim list}: xl list's columns, then Node, Type and a note; Dom0s first, then the guests by name. */
  static List<String> list(JsonNode view) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Name", "ID", "Mem", "VCPUs", "State", "Time(s)", "Node", "Type", "Note"});
    for (JsonNode d : view.get("domains")) {
      rows.add(new String[] {d.get("name").asText(), d.get("domid").isNull() ? "-" : d.get("domid").asText(),
          String.valueOf(Math.round(d.get("memory_bytes").asLong() / MIB)), d.get("vcpus").asText(),
          flags(d.get("state").asText()), String.format(Locale.ROOT, "%.1f", d.get("cpu_seconds").asDouble()),
          d.get("node").isNull() ? "-" : d.get("node").asText(), d.get("type").isNull() ? "-" : d.get("type").asText(),
          note(d)});
    }
    return table(rows, new boolean[] {false, true, true, true, false, true, false, false, false});
  }

  /** {@code domsim info}: xl info's {@code key : value} lines for one node. */
  static List<String> info(JsonNode view, JsonNode node) {
    long total = node.get("memory_bytes").asLong();
    long used = node.get("memory_used_bytes").asLong();
    boolean up = node.get("state").asText().equals("up");
    List<String> out = new ArrayList<>();
    kv(out, "host", node.get("name").asText());
    kv(out, "state", node.get("state").asText());
    kv(out, "pool_master", node.get("pool_master").asBoolean() ? "yes" : "no");
    kv(out, "nr_cpus", node.get("cores").asText());
    kv(out, "cpu_mhz", String.valueOf(Math.round(node.get("ghz").asDouble() * 1000)));
    if (node.has("hypervisor")) {
      // A hosted node: no Xen, so no PV or PVH guests; its guests are HVM, with or without PV drivers.
      kv(out, "hypervisor", node.get("hypervisor").asText());
      kv(out, "virt_caps", "hvm pvhvm");
    } else {
      kv(out, "virt_caps", node.get("hvm").asBoolean() ? "pv hvm" : "pv");
    }
    kv(out, "total_memory", String.valueOf(Math.round(total / MIB)));
    kv(out, "free_memory", up ? String.valueOf(Math.round((total - used) / MIB)) : "0");
    kv(out, "nr_domains", node.get("domains").asText());
    kv(out, "cpu_seconds", String.format(Locale.ROOT, "%.1f", node.get("busy_core_seconds").asDouble()));
    kv(out, "energy_kwh", String.format(Locale.ROOT, "%.4f", node.get("energy_joules").asDouble() / 3.6e6));
    kv(out, "simulated_time", Seconds.format(view.get("simulated_seconds").asDouble()));
    return out;
  }

  private static void kv(List<String> out, String key, String value) {
    out.add(String.format(Locale.ROOT, "%-23s: %s", key, value));
  }

  /**
   * One frame of {@code domsim top}: a summary like xentop's, then a line per domain present. CPU(%) is the
   * CPU time between {@code before} and {@code now} over the simulated time between them (0 without a before).
   */
  static List<String> top(JsonNode before, JsonNode now) {
    double dt = before == null ? 0 : now.get("simulated_seconds").asDouble() - before.get("simulated_seconds").asDouble();
    int present = 0;
    int running = 0;
    int paused = 0;
    int gone = 0;
    for (JsonNode d : now.get("domains")) {
      String s = d.get("state").asText();
      boolean here = d.hasNonNull("domid");
      present += here ? 1 : 0;
      running += here && (s.equals("running") || s.equals("migrating")) ? 1 : 0;
      paused += s.equals("paused") ? 1 : 0;
      gone += here ? 0 : 1;
    }
    long total = 0;
    long used = 0;
    int cores = 0;
    int up = 0;
    for (JsonNode n : now.get("nodes")) {
      if (n.get("state").asText().equals("up")) {
        up++;
        total += n.get("memory_bytes").asLong();
        used += n.get("memory_used_bytes").asLong();
        cores += n.get("cores").asInt();
      }
    }
    List<String> out = new ArrayList<>();
    out.add("domsim top - simulated " + Seconds.format(now.get("simulated_seconds").asDouble()) + "   " + up + " of "
        + now.get("nodes").size() + " nodes up, " + cores + " cores");
    out.add(present + " domains: " + running + " running, " + paused + " paused, " + gone + " gone");
    out.add(String.format(Locale.ROOT, "Mem: %dk total, %dk used, %dk free", total / 1024, used / 1024,
        (total - used) / 1024));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)", "VCPUS", "NETTX(k)", "NETRX(k)",
        "NODE"});
    for (JsonNode d : now.get("domains")) {
      if (!d.hasNonNull("domid")) {
        continue;
      }
      String node = d.get("node").asText();
      double cpu = d.get("cpu_seconds").asDouble();
      double was = before == null ? cpu : cpuOf(before, d.get("name").asText(), node, cpu);
      long nodeMemory = 0;
      for (JsonNode n : now.get("nodes")) {
        if (n.get("name").asText().equals(node)) {
          nodeMemory = n.get("memory_bytes").asLong();
        }
      }
      long mem = d.get("memory_bytes").asLong();
      rows.add(new String[] {d.get("name").asText(), flags(d.get("state").asText()).replace('-', '-'),
          String.format(Locale.ROOT, "%.0f", cpu),
          String.format(Locale.ROOT, "%.1f", dt > 0 ? Math.max(0, cpu - was) / dt * 100 : 0),
          String.valueOf(mem / 1024), String.format(Locale.ROOT, "%.1f", nodeMemory > 0 ? 100.0 * mem / nodeMemory : 0),
          d.get("vcpus").asText(), String.valueOf(d.path("net_tx_bytes").asLong() / 1024),
          String.valueOf(d.path("net_rx_bytes").asLong() / 1024), node});
    }
    out.addAll(table(rows, new boolean[] {false, false, true, true, true, true, true, true, true, false}));
    return out;
  }

  /** The domain's CPU time in an earlier view (on the same node), or {@code otherwise}. */
  private static double cpuOf(JsonNode view, String name, String node, double otherwise) {
    for (JsonNode d : view.get("domains")) {
      if (d.get("name").asText().equals(name) && node.equals(d.path("node").asText()) && d.hasNonNull("domid")) {
        return d.get("cpu_seconds").asDouble();
      }
    }
    return otherwise;
  }

  /** A migration in a line: its phase, rounds, what has crossed and is left, the rates, the downtime. */
  static String progress(JsonNode m) {
    StringBuilder b = new StringBuilder();
    b.append(m.get("id").asText()).append(' ').append(m.get("guest").asText()).append(' ')
        .append(m.get("from").asText()).append(" -> ").append(m.get("to").asText()).append("  ")
        .append(m.get("phase").asText());
    b.append("  round ").append(m.get("rounds").asInt());
    b.append("  sent ").append(mib(m.get("bytes_sent").asDouble()));
    if (m.hasNonNull("bytes_remaining") && !m.get("phase").asText().equals("completed")) {
      b.append("  remaining ").append(mib(m.get("bytes_remaining").asDouble()));
    }
    if (m.hasNonNull("bits_per_second")) {
      b.append(String.format(Locale.ROOT, "  at %.0f Mbit/s", m.get("bits_per_second").asDouble() / 1e6));
    }
    if (m.hasNonNull("dirty_bytes_per_second")) {
      b.append("  dirty ").append(mib(m.get("dirty_bytes_per_second").asDouble())).append("/s");
    }
    if (m.hasNonNull("downtime_s")) {
      b.append(String.format(Locale.ROOT, "  downtime %.1f ms", m.get("downtime_s").asDouble() * 1e3));
    } else if (m.hasNonNull("expected_downtime_s")) {
      b.append(String.format(Locale.ROOT, "  expected downtime %.1f ms", m.get("expected_downtime_s").asDouble() * 1e3));
    }
    if (m.hasNonNull("reason")) {
      b.append("  (").append(m.get("reason").asText()).append(')');
    }
    return b.toString();
  }

  private static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
  }

  /** Rows in aligned columns, two spaces apart; {@code right} marks the numeric columns. */
  static List<String> table(List<String[]> rows, boolean[] right) {
    int[] width = new int[right.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        if (i > 0) {
          b.append("  ");
        }
        String cell = r[i];
        boolean last = i == r.length - 1;
        b.append(right[i] ? " ".repeat(width[i] - cell.length()) + cell
            : last ? cell : cell + " ".repeat(width[i] - cell.length()));
      }
      out.add(b.toString().stripTrailing());
    }
    return out;
  }

  /** Simulated seconds as the console writes them. */
  static final class Seconds {
    private Seconds() {}

    static String format(double s) {
      return String.format(Locale.ROOT, "%.3fs", s);
    }
  }
}
