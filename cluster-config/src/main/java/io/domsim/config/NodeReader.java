package io.domsim.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code nodes} and {@code node-groups}, each entry over {@code node-defaults}, and checks what one
 * node must satisfy (Dom0 fits in it) and that names are unique after the groups are expanded.
 */
final class NodeReader {

  /** Large enough for any scale run, small enough that a typo of a few digits is caught. */
  static final int MAX_GROUP_COUNT = 1_000_000;

  /**
   * The nodes in configuration order: {@code nodes}, then each group's expansion.
   *
   * @param specs the valid nodes
   * @param names every node name, valid node or not, for references from guests and the scenario
   * @param complete whether every node was valid, so that capacity checks over all nodes are meaningful
   */
  record Nodes(List<NodeSpec> specs, Set<String> names, boolean complete, Map<String, Pin> pins) {}

  /**
   * A node's (or a group's) {@code member = NAME}: which member of {@code domsim.cluster.members} hosts it.
   * One per entry, shared by a group's nodes, so that a wrong name is reported once.
   */
  record Pin(String member, Section entry, Section.Field field) {}

  /** Where a name was first defined, to name the other line of a duplicate (guests use it too). */
  record FirstDefinition(String path, Location location) {

    String describe() {
      return path + " (" + location + ")";
    }
  }

  private NodeReader() {}

  static Nodes read(Section domsim) {
    Section defaults = domsim.section("node-defaults");
    // Reports mistakes in the defaults even when no node inherits them; whether Dom0 fits is checked per
    // node only, since every node may override the memory or cores it is checked against.
    hardware(defaults, "", false);

    List<NodeSpec> specs = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    boolean complete = true;
    Map<String, FirstDefinition> seen = new HashMap<>();
    Map<String, Pin> pins = new HashMap<>(); // looked up by name only, never iterated

    for (Section entry : domsim.entries("nodes", "{ name = node-1 }")) {
      Section node = entry.withFallback(defaults);
      String name = node.name("name", "a unique node name such as node-1");
      NodeSpec spec = hardware(node, name, true);
      complete &= spec != null;
      if (name == null) {
        continue;
      }
      Section.Field nameField = node.field("name");
      FirstDefinition first = seen.putIfAbsent(name, new FirstDefinition(entry.path(), nameField.location()));
      if (first != null) {
        node.report(nameField, Section.render(nameField.value()) + " is already the name of "
            + first.describe() + "; use a unique name");
        continue;
      }
      names.add(name);
      if (spec != null) {
        specs.add(spec);
      }
      Pin pin = pin(node);
      if (pin != null) {
        pins.put(name, pin);
      }
    }

    for (Section entry : domsim.entries("node-groups", "{ prefix = \"rack-a-\", count = 40 }")) {
      Section group = entry.withFallback(defaults);
      String prefix = group.text("prefix", "the start of the node names, such as \"rack-a-\"");
      Integer count = group.integer("count", 1, MAX_GROUP_COUNT,
          "a whole number from 1 to " + MAX_GROUP_COUNT);
      NodeSpec template = hardware(group, "", true);
      complete &= template != null;
      if (prefix == null || count == null) {
        complete = false;
        continue;
      }
      Section.Field prefixField = group.field("prefix");
      Pin pin = pin(group);
      List<String> collisions = new ArrayList<>();
      FirstDefinition firstCollision = null;
      for (int i = 1; i <= count; i++) {
        String name = prefix + i;
        FirstDefinition first = seen.putIfAbsent(name, new FirstDefinition(entry.path(),
            prefixField.location()));
        if (first != null) {
          collisions.add(name);
          firstCollision = firstCollision == null ? first : firstCollision;
          continue;
        }
        names.add(name);
        if (template != null) {
          specs.add(named(template, name));
        }
        if (pin != null) {
          pins.put(name, pin);
        }
      }
      if (!collisions.isEmpty()) {
        String more = collisions.size() > 1 ? " (and " + (collisions.size() - 1) + " more names are taken)" : "";
        group.report(prefixField, Section.render(prefixField.value()) + " with count " + count + " makes "
            + collisions.get(0) + ", already the name of " + firstCollision.describe() + more
            + "; use another prefix");
      }
    }
    return new Nodes(specs, names, complete, pins);
  }

  /** The entry's {@code member}, or null when it names none (or names it wrongly: reported). */
  private static Pin pin(Section entry) {
    if (!entry.has("member")) {
      return null;
    }
    String member = entry.name("member", "the name of a member of domsim.cluster.members, such as m2");
    return member == null ? null : new Pin(member, entry, entry.field("member"));
  }

  /** The hardware of one node (or of a template when {@code name} is ""), or null if anything is wrong. */
  private static NodeSpec hardware(Section node, String name, boolean checkDom0Fits) {
    Section cpu = node.section("cpu");
    Integer cores = cpu.integer("cores", 1, Integer.MAX_VALUE, "a whole number of at least 1, such as 16");
    Double ghz = cpu.decimal("ghz", d -> d > 0 && d <= Limits.MAX_GHZ,
        "a number greater than 0 and at most " + (int) Limits.MAX_GHZ + ", such as 2.4");
    Boolean hvm = cpu.bool("hvm-support");
    HypervisorKind kind = node.section("hypervisor").choice("kind", "a hypervisor kind", HypervisorKind.values(),
        HypervisorKind::configName);
    Long memory = node.bytes("memory", 1, 1, Limits.MAX_BYTES, "a size greater than 0 and at most 1PiB, such as 128GiB");
    Long nic = node.bitsPerSecond("nic", false, Limits.MAX_BITS_PER_SECOND,
        "a bandwidth greater than 0 and at most 1000Tbps, such as 10Gbps, 1Gbit/s or 125MB/s");
    PowerSpec power = power(node.section("power"));
    Dom0Spec dom0 = checkDom0Fits ? dom0(node.section("dom0"), cores, memory)
        : dom0(node.section("dom0"), null, null);
    if (kind != null && kind.hosted() && Boolean.FALSE.equals(hvm)) {
      // A hosted VMM of today (KVM, VirtualBox, VMware Workstation) needs VT-x/AMD-V to run any guest.
      Section.Field field = node.section("hypervisor").field("kind");
      node.section("hypervisor").report(field, "a type-2 node runs its guests with VT-x/AMD-V (a KVM-style"
          + " hosted VMM) and this node has cpu.hvm-support = false; set cpu.hvm-support = true or make it"
          + " hypervisor.kind = type-1");
      return null;
    }
    if (cores == null || ghz == null || hvm == null || memory == null || nic == null || power == null
        || dom0 == null || name == null || kind == null) {
      return null;
    }
    return new NodeSpec(name, cores, ghz, hvm, memory, nic, power, dom0, kind);
  }

  private static final String TABLE_ALLOWED = "11 powers, the watts at 0%, 10%, ..., 100% CPU (SPECpower_ssj2008's"
      + " form), such as [86W, 89.4W, 92.6W, 96W, 99.5W, 102W, 106W, 108W, 112W, 114W, 117W]";

  private static PowerSpec power(Section power) {
    PowerModel model = power.choice("model", "a power model", PowerModel.values(), PowerModel::configName);
    Double idle = power.watts("idle", Limits.MAX_WATTS, "a power from 0 to 1MW, such as 120W or 1.2kW");
    Double max = power.watts("max", Limits.MAX_WATTS, "a power from power.idle to 1MW, such as 300W or 1.2kW");
    double[] table = power.wattsList("table", Limits.MAX_WATTS, TABLE_ALLOWED + ", or [] for none");
    Double off = power.watts("off", Limits.MAX_WATTS, "a power from 0 to 1MW, such as 5W (what the node draws"
        + " while switched off)");
    Duration boot = power.duration("boot-time", true, Limits.MAX_DURATION, "a duration from 0 to 365d, such as 3m");
    Duration shutdown = power.duration("shutdown-time", true, Limits.MAX_DURATION,
        "a duration from 0 to 365d, such as 30s");
    boolean linearValid = idle != null && max != null;
    if (linearValid && max < idle) {
      Section.Field maxField = power.field("max");
      Section.Field idleField = power.field("idle");
      if (maxField.userWritten() || !idleField.userWritten()) {
        power.report(maxField, Units.formatWatts(max) + " is less than power.idle (" + Units.formatWatts(idle)
            + "); use at least " + Units.formatWatts(idle));
      } else {
        power.report(idleField, Units.formatWatts(idle) + " is more than power.max (" + Units.formatWatts(max)
            + "); use at most " + Units.formatWatts(max));
      }
      linearValid = false;
    }
    PowerCurve curve = model == null || table == null ? null : curve(power, model, table, linearValid ? idle : null,
        max);
    if (curve == null || off == null || boot == null || shutdown == null) {
      return null;
    }
    return new PowerSpec(curve, off, boot, shutdown);
  }

  /**
   * The curve a node uses. A non-empty {@code power.table} is the node's model unless a {@code power.model}
   * written more specifically (in the node's own entry, where the table is in node-defaults) chooses another;
   * the two written side by side contradict each other unless the model is {@code table}.
   */
  private static PowerCurve curve(Section power, PowerModel model, double[] table, Double idle, Double max) {
    Section.Field modelField = power.field("model");
    Section.Field tableField = power.field("table");
    boolean hasTable = table.length > 0;
    boolean useTable;
    if (model == PowerModel.TABLE) {
      if (!hasTable) {
        power.report(tableField, "power.model = table needs the table: " + TABLE_ALLOWED);
        return null;
      }
      useTable = true;
    } else if (hasTable && modelField.userWritten() && tableField.layer() == modelField.layer()) {
      power.report(modelField, "power.model = " + model.configName() + " and power.table are both given here; write"
          + " model = table to use the table, or remove the table");
      return null;
    } else {
      useTable = hasTable && (!modelField.userWritten() || tableField.layer() < modelField.layer());
    }
    if (useTable) {
      return table(power, tableField, table);
    }
    if (model == PowerModel.LINEAR) {
      return idle == null || max == null ? null : PowerCurve.linear(idle, max);
    }
    return model.curve();
  }

  private static PowerCurve table(Section power, Section.Field field, double[] table) {
    if (table.length != PowerCurve.TABLE_POINTS) {
      power.report(field, "has " + table.length + (table.length == 1 ? " point" : " points") + "; use "
          + TABLE_ALLOWED);
      return null;
    }
    for (int i = 1; i < table.length; i++) {
      if (table[i] < table[i - 1]) {
        power.report(field, "the point at " + i * 10 + "% (" + Units.formatWatts(table[i]) + ") is less than the one"
            + " at " + (i - 1) * 10 + "% (" + Units.formatWatts(table[i - 1]) + "); a node draws no less when busier,"
            + " so make the points nondecreasing");
        return null;
      }
    }
    return new PowerCurve(PowerModel.TABLE.configName(), table);
  }

  /** Dom0's share, checked against the node it runs on when the node's own values are valid. */
  private static Dom0Spec dom0(Section dom0, Integer cores, Long nodeMemory) {
    Integer vcpus = dom0.integer("vcpus", 1, Integer.MAX_VALUE, "a whole number of at least 1, such as 2");
    Long memory = dom0.bytes("memory", 1, 1, Limits.MAX_BYTES, "a size greater than 0 and at most 1PiB, such as 4GiB");
    Integer weight = dom0.integer("weight", 1, 65535, "a whole number from 1 to 65535 (Xen's default is 256)");
    boolean fits = true;
    if (vcpus != null && cores != null && vcpus > cores) {
      // Blame what the user wrote: a default they never saw is not where they would look.
      Section.Field field = dom0.field("vcpus");
      dom0.report(field, vcpus + " is more than the node's " + cores + " cores; use at most " + cores
          + (field.userWritten() ? "" : " in dom0.vcpus, or give the node more cores"));
      fits = false;
    }
    if (memory != null && nodeMemory != null && memory >= nodeMemory) {
      Section.Field field = dom0.field("memory");
      dom0.report(field, Units.formatBytes(memory) + " leaves no memory for guests on a node with "
          + Units.formatBytes(nodeMemory) + "; use less than " + Units.formatBytes(nodeMemory)
          + (field.userWritten() ? "" : " in dom0.memory, or give the node more memory"));
      fits = false;
    }
    if (vcpus == null || memory == null || weight == null || !fits) {
      return null;
    }
    return new Dom0Spec(vcpus, memory, weight);
  }

  private static NodeSpec named(NodeSpec template, String name) {
    return new NodeSpec(name, template.cores(), template.ghz(), template.hvmSupport(), template.memoryBytes(),
        template.nicBitsPerSecond(), template.power(), template.dom0(), template.hypervisor());
  }
}
