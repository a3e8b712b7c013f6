package io.domsim.config;

import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code guests}, each entry over {@code guest-defaults}, and checks that every guest can run
 * somewhere: it fits on some node, and its pinned node exists, has room and supports its type.
 */
final class GuestReader {

  private static final String MEMORY_ALLOWED = "a number of MiB or a size such as 4GiB or 512MiB";

  /**
   * @param specs the valid guests in configuration order
   * @param names every guest name, valid guest or not, for references from the scenario
   */
  record Guests(List<GuestSpec> specs, Set<String> names) {}

  private GuestReader() {}

  static Guests read(Section domsim, NodeReader.Nodes nodes) {
    Section defaults = domsim.section("guest-defaults");
    // Reports mistakes in the defaults even when no guest inherits them; working-set <= memory is checked
    // per guest only, since every guest may override either.
    guest(defaults, "", false);

    List<Section> entries = domsim.entries("guests", "{ name = web-1, memory = 4GiB }");
    List<GuestSpec> specs = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    Map<String, Section> seen = new HashMap<>();
    Optional<Capacity> capacity = Capacity.of(nodes);
    for (Section entry : entries) {
      Section guest = entry.withFallback(defaults);
      String name = guest.name("name", "a unique guest name such as web-1");
      GuestSpec spec = guest(guest, name, true);
      checkPlacement(guest, spec, nodes.names(), capacity);
      if (name == null) {
        continue;
      }
      Section first = seen.putIfAbsent(name, entry);
      if (first != null) {
        Section.Field nameField = guest.field("name");
        guest.report(nameField, Section.render(nameField.value()) + " is already the name of " + first.path()
            + " (" + first.field("name").location() + "); use a unique name");
        continue;
      }
      names.add(name);
      if (spec != null) {
        specs.add(spec);
      }
    }
    if (!entries.isEmpty() && nodes.names().isEmpty()) {
      Section.Field guestsField = domsim.field("guests");
      String guests = entries.size() == 1 ? "1 guest" : entries.size() + " guests";
      domsim.report(guestsField, guests + " but no nodes to run them; add nodes or node-groups");
    }
    return new Guests(specs, names);
  }

  /** One guest (or the defaults when {@code name} is ""), or null if anything is wrong. */
  private static GuestSpec guest(Section guest, String name, boolean checkWorkingSet) {
    GuestType type = guest.choice("type", "a guest type", GuestType.values(), GuestType::configName);
    Integer vcpus = guest.integer("vcpus", 1, Integer.MAX_VALUE, "a whole number of at least 1, such as 2");
    // A bare number is MiB here, as in xl.cfg's memory=.
    Long memory = guest.bytes("memory", Units.MIB, 1, MEMORY_ALLOWED);
    Integer weight = guest.integer("weight", 1, 65535, "a whole number from 1 to 65535 (Xen's default is 256)");
    boolean pinned = guest.has("node"); // optional: without it the scheduler places the guest
    String node = pinned ? guest.name("node", "the name of a node, or no node key to let the scheduler place it")
        : null;
    WorkloadSpec workload = workload(guest.section("workload"), checkWorkingSet ? memory : null);
    if (type == null || vcpus == null || memory == null || weight == null || workload == null || name == null
        || (pinned && node == null)) {
      return null;
    }
    return new GuestSpec(name, type, vcpus, memory, weight, Optional.ofNullable(node), workload);
  }

  private static WorkloadSpec workload(Section workload, Long guestMemory) {
    Double cpu = workload.decimal("cpu", d -> d >= 0 && d <= 1, "a number from 0 to 1, such as 0.5");
    Double dirtyRate = workload.decimal("dirty-rate", d -> d >= 0,
        "a number of at least 0 (4 KiB pages written per second)");
    Long workingSet = workload.bytes("working-set", 1, 0, "a size of at least 0, such as 512MiB");
    Double ioRate = workload.decimal("io-rate", d -> d >= 0, "a number of at least 0 (I/O operations per second)");
    Double variability = workload.decimal("variability", d -> d >= 0,
        "a number of at least 0 (coefficient of variation; 0 = constant load)");
    Duration phaseMean = workload.duration("phase-mean", false, "a duration greater than 0, such as 30s");
    if (workingSet != null && guestMemory != null && workingSet > guestMemory) {
      Section.Field field = workload.field("working-set");
      workload.report(field, Units.formatBytes(workingSet) + " is more than the guest's memory ("
          + Units.formatBytes(guestMemory) + "); use at most " + Units.formatBytes(guestMemory));
      return null;
    }
    if (cpu == null || dirtyRate == null || workingSet == null || ioRate == null || variability == null
        || phaseMean == null) {
      return null;
    }
    return new WorkloadSpec(cpu, dirtyRate, workingSet, ioRate, variability, phaseMean);
  }

  /**
   * What the nodes offer, computed once for all guests; absent when some node is invalid, since a broken
   * node would make "does not fit" wrong.
   */
  private record Capacity(Map<String, NodeSpec> byName, NodeSpec largest, boolean anyHvm) {

    static Optional<Capacity> of(NodeReader.Nodes nodes) {
      if (!nodes.complete() || nodes.specs().isEmpty()) {
        return Optional.empty();
      }
      Map<String, NodeSpec> byName = new HashMap<>();
      nodes.specs().forEach(n -> byName.put(n.name(), n));
      // max keeps the first of equals, so the largest is the earliest in configuration order
      NodeSpec largest = nodes.specs().stream().max(Comparator.comparingLong(GuestReader::free)).orElseThrow();
      return Optional.of(new Capacity(byName, largest, nodes.specs().stream().anyMatch(NodeSpec::hvmSupport)));
    }
  }

  /** Can the guest run anywhere? The pinned node's name is checked even when the guest has other problems. */
  private static void checkPlacement(Section guest, GuestSpec spec, Set<String> nodeNames,
      Optional<Capacity> nodes) {
    Section.Field nodeField = guest.field("node");
    boolean isName = !nodeField.missing() && (nodeField.value().valueType() == ConfigValueType.STRING
        || nodeField.value().valueType() == ConfigValueType.NUMBER);
    Optional<String> pinned = isName ? Optional.of(String.valueOf(nodeField.value().unwrapped())) : Optional.empty();
    if (pinned.isPresent() && !pinned.get().isBlank() && !nodeNames.contains(pinned.get())) {
      guest.report(nodeField, "no node is named \"" + pinned.get() + "\""
          + DidYouMean.hint(pinned.get(), nodeNames, "the nodes"));
      return;
    }
    if (spec == null || nodes.isEmpty()) {
      return;
    }
    NodeSpec largest = nodes.get().largest();
    if (spec.memoryBytes() > free(largest)) {
      Section.Field field = guest.field("memory");
      guest.report(field, Units.formatBytes(spec.memoryBytes()) + " does not fit on any node; the largest is "
          + largest.name() + " with " + Units.formatBytes(free(largest)) + " free after dom0; use at most "
          + Units.formatBytes(free(largest)) + " or add a bigger node");
      return;
    }
    if (pinned.isPresent()) {
      NodeSpec node = nodes.get().byName().get(pinned.get());
      if (spec.type() == GuestType.HVM && !node.hvmSupport()) {
        guest.report(nodeField, node.name() + " has no hardware virtualization (cpu.hvm-support = false) and "
            + "cannot run the HVM guest " + spec.name() + "; pin it to an HVM-capable node or make it type = pv");
      }
      if (spec.memoryBytes() > free(node)) {
        guest.report(nodeField, node.name() + " has " + Units.formatBytes(free(node)) + " free after dom0, less "
            + "than " + spec.name() + "'s " + Units.formatBytes(spec.memoryBytes()) + "; pin it to a bigger node "
            + "such as " + largest.name() + " or give it less memory");
      }
    } else if (spec.type() == GuestType.HVM && !nodes.get().anyHvm()) {
      guest.report(guest.field("type"), "hvm needs a node with cpu.hvm-support = true and no node has it; make "
          + "it type = pv or add an HVM-capable node");
    }
  }

  /** Memory left for guests on an empty node. */
  private static long free(NodeSpec node) {
    return node.memoryBytes() - node.dom0().memoryBytes();
  }
}
