package io.domsim.config;

import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads {@code guests} and {@code guest-groups}, each entry over {@code guest-defaults}, and checks that every
 * guest can run somewhere: it fits on some node, and its pinned node exists, has room and supports its type.
 * A group is read and checked once, as a template that its expansion renames, so that a group of 10,000
 * guests costs one entry's validation and its problems are reported once, at the group.
 */
final class GuestReader {

  private static final String MEMORY_ALLOWED = "a number of MiB or a size such as 4GiB or 512MiB (at most 1PiB)";
  private static final String VCPU_GHZ_ALLOWED = "host (its vCPUs run at the speed of its host's cores) or a number"
      + " of GHz greater than 0 and at most " + (int) Limits.MAX_GHZ + ", such as 2.5";
  private static final String TRACE_ALLOWED = "the path of a trace file (one whole percent per line), relative to"
      + " this configuration file, or \"\" for none";
  private static final String TRACES_ALLOWED = "the path of a directory with one trace file per guest, relative to"
      + " this configuration file";

  /** As for node groups: large enough for any scale run, small enough that a typo of a few digits is caught. */
  static final int MAX_GROUP_COUNT = NodeReader.MAX_GROUP_COUNT;

  /**
   * @param specs the valid guests in configuration order: {@code guests}, then each group's expansion
   * @param names every guest name, valid guest or not, for references from the scenario
   */
  record Guests(List<GuestSpec> specs, Set<String> names) {}

  /**
   * Whom a placement problem is about: one guest, or every guest of a group.
   *
   * @param names a guest's name, or the names a group makes such as {@code web-1 ... web-5000}; null for a
   *     group whose prefix or count is wrong
   */
  private record Who(String names, boolean group) {

    /** "the PVH guest web-1", "the PVH guests web-1 ... web-5", "the PVH guests of this group". */
    String guests(String kind) {
      return !group ? "the " + kind + " guest " + names
          : names != null ? "the " + kind + " guests " + names : "the " + kind + " guests of this group";
    }

    String memoryOf(long bytes) {
      String size = Units.formatBytes(bytes);
      return !group ? names + "'s " + size
          : names != null ? "the " + size + " of each of " + names : "the " + size + " of each of its guests";
    }

    String it() {
      return group ? "the group" : "it";
    }
  }

  private GuestReader() {}

  /**
   * @param domainOverhead the hypervisor's memory per domain, as a run's hypervisors take it (0 when no module
   *     declares it)
   */
  static Guests read(Section domsim, NodeReader.Nodes nodes, long domainOverhead) {
    Section defaults = domsim.section("guest-defaults");
    TraceFiles traces = new TraceFiles();
    // Reports mistakes in the defaults even when no guest inherits them; working-set <= memory is checked
    // per guest only, since every guest may override either.
    guest(defaults, "", false, traces);

    List<Section> entries = domsim.entries("guests", "{ name = web-1, memory = 4GiB }");
    List<Section> groups = domsim.entries("guest-groups", "{ prefix = \"web-\", count = 100, memory = 4GiB }");
    List<GuestSpec> specs = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    Map<String, NodeReader.FirstDefinition> seen = new HashMap<>();
    Optional<NodeCapacity> capacity = NodeCapacity.of(nodes, domainOverhead);
    long declared = entries.size();

    for (Section entry : entries) {
      Section guest = entry.withFallback(defaults);
      String name = guest.name("name", "a unique guest name such as web-1");
      GuestSpec spec = guest(guest, name, true, traces);
      checkPlacement(guest, spec, new Who(name, false), nodes.names(), capacity);
      if (name == null) {
        continue;
      }
      Section.Field nameField = guest.field("name");
      NodeReader.FirstDefinition first = seen.putIfAbsent(name,
          new NodeReader.FirstDefinition(entry.path(), nameField.location()));
      if (first != null) {
        guest.report(nameField, Section.render(nameField.value()) + " is already the name of " + first.describe()
            + "; use a unique name");
        continue;
      }
      names.add(name);
      if (spec != null) {
        specs.add(spec);
      }
    }

    for (Section entry : groups) {
      Section group = entry.withFallback(defaults);
      String prefix = group.text("prefix", "the start of the guest names, such as \"web-\"");
      List<Path> traceFiles = group.has("traces") ? traceDirectory(group, traces) : null;
      boolean traced = group.has("traces");
      if (group.has("traces-skip")) {
        // Several groups may share a directory, each taking its own block of files (the PlanetLab study's
        // four VM types in four consecutive blocks).
        Integer skip = traced ? group.integer("traces-skip", 0, MAX_GROUP_COUNT, "a whole number of files to skip,"
            + " from 0 to " + MAX_GROUP_COUNT) : null;
        if (!traced) {
          group.report(group.field("traces-skip"), "traces-skip takes effect only with traces = \"DIR\"; add traces"
              + " or remove traces-skip");
        } else if (skip != null && traceFiles != null && skip >= traceFiles.size()) {
          group.report(group.field("traces-skip"), skip + " skips every one of the " + traceFiles.size()
              + " trace files; skip fewer");
          traceFiles = null;
        } else if (skip != null && traceFiles != null) {
          traceFiles = traceFiles.subList(skip, traceFiles.size());
        }
      }
      Integer count = traced && !group.has("count") ? (traceFiles == null ? null : traceFiles.size())
          : group.integer("count", 1, MAX_GROUP_COUNT, "a whole number from 1 to " + MAX_GROUP_COUNT
              + (traced ? ", or no count for one guest per trace file" : ""));
      List<Trace> groupTraces = traced ? groupTraces(group, traces, traceFiles, count) : null;
      // Validated and placed once for the whole group; "" stands for the names the expansion gives.
      GuestSpec template = guest(group, "", true, traces);
      checkPlacement(group, template, new Who(range(prefix, count), true), nodes.names(), capacity);
      if (prefix == null || count == null) {
        continue;
      }
      declared += count;
      Section.Field prefixField = group.field("prefix");
      NodeReader.FirstDefinition here = new NodeReader.FirstDefinition(entry.path(), prefixField.location());
      String firstTaken = null;
      NodeReader.FirstDefinition firstCollision = null;
      int collisions = 0;
      for (int i = 1; i <= count; i++) {
        String name = prefix + i;
        NodeReader.FirstDefinition first = seen.putIfAbsent(name, here);
        if (first != null) {
          if (collisions++ == 0) {
            firstTaken = name;
            firstCollision = first;
          }
          continue;
        }
        names.add(name);
        if (template != null && !traced) {
          specs.add(template.named(name));
        } else if (template != null && groupTraces != null) {
          specs.add(template.named(name).withWorkload(template.workload().withTrace(groupTraces.get(i - 1))));
        }
      }
      if (collisions > 0) {
        String more = collisions > 1 ? " (and " + (collisions - 1) + " more names are taken)" : "";
        group.report(prefixField, Section.render(prefixField.value()) + " with count " + count + " makes "
            + firstTaken + ", already the name of " + firstCollision.describe() + more + "; use another prefix");
      }
    }

    if (declared > 0 && nodes.names().isEmpty()) {
      // Point at the list the user is most likely to look at: guests if there are any, else the groups.
      Section.Field field = domsim.field(entries.isEmpty() ? "guest-groups" : "guests");
      String guests = declared == 1 ? "1 guest" : declared + " guests";
      domsim.report(field, guests + " but no nodes to run them; add nodes or node-groups");
    }
    return new Guests(specs, names);
  }

  /**
   * One guest entry outside the lists (a scenario's {@code create}), over {@code guest-defaults}, checked as an
   * entry of {@code guests} is; whether its name is new is the scenario's to check. Null if anything is wrong.
   */
  static GuestSpec one(Section domsim, Section entry, NodeReader.Nodes nodes, long domainOverhead) {
    Section guest = entry.withFallback(domsim.section("guest-defaults"));
    String name = guest.name("name", "a unique guest name such as batch-1");
    GuestSpec spec = guest(guest, name, true, new TraceFiles()); // its own: a created guest is read once
    checkPlacement(guest, spec, new Who(name, false), nodes.names(), NodeCapacity.of(nodes, domainOverhead));
    return spec;
  }

  /** The names a group makes, for messages: {@code web-1 ... web-40}; null when they are unknown. */
  private static String range(String prefix, Integer count) {
    if (prefix == null || count == null) {
      return null;
    }
    return count == 1 ? prefix + 1 : prefix + 1 + " ... " + prefix + count;
  }

  /**
   * A group's {@code traces}: its files in name order, or null (after reporting it) when it names no directory
   * of trace files. A {@code workload.trace} written in the group itself contradicts it.
   */
  private static List<Path> traceDirectory(Section group, TraceFiles traces) {
    Section.Field field = group.field("traces");
    String dir = group.text("traces", TRACES_ALLOWED, Limits.MAX_PATH);
    if (group.has("workload")) {
      // Only a trace written in the group itself contradicts it; one in guest-defaults is what traces overrides.
      Section.Field own = group.section("workload").field("trace");
      if (own.path().startsWith(group.path() + ".") && !own.missing() && !"".equals(own.value().unwrapped())) {
        group.report(own, "the group gives each guest a file of traces = " + Section.render(field.value())
            + "; remove workload.trace here, or traces");
        return null;
      }
    }
    if (dir == null) {
      return null;
    }
    if (dir.isEmpty()) {
      group.report(field, "\"\" names no directory; use " + TRACES_ALLOWED + ", or leave traces out");
      return null;
    }
    Path path = traces.resolve(group, field, dir);
    List<Path> files = path == null ? null : traces.directory(group, field, path);
    if (files != null && files.size() > MAX_GROUP_COUNT && !group.has("count")) {
      group.report(field, path + " holds " + files.size() + " files, more guests than a group makes (" + MAX_GROUP_COUNT
          + "); give a count of at most " + MAX_GROUP_COUNT);
      return null;
    }
    return files;
  }

  /**
   * The traces of the group's first {@code count} files, or null when any is refused (each refusal is reported
   * at its file and line) or the directory holds fewer than {@code count} files.
   */
  private static List<Trace> groupTraces(Section group, TraceFiles traces, List<Path> files, Integer count) {
    if (files == null || count == null) {
      return null;
    }
    if (count > files.size()) {
      Section.Field countField = group.field("count");
      group.report(countField, count + " is more than the " + files.size() + " trace files of "
          + Section.render(group.field("traces").value()) + "; use at most " + files.size()
          + ", or leave count out for one guest per file");
      return null;
    }
    Section.Field field = group.field("traces");
    List<Trace> loaded = new ArrayList<>(count);
    boolean ok = true;
    for (int i = 0; i < count; i++) {
      Trace t = traces.trace(group, field, files.get(i));
      ok &= t != null;
      loaded.add(t);
    }
    return ok ? loaded : null;
  }

  /** One guest (or the defaults when {@code name} is ""), or null if anything is wrong. */
  private static GuestSpec guest(Section guest, String name, boolean checkWorkingSet, TraceFiles traces) {
    GuestType type = guest.choice("type", "a guest type", GuestType.values(), GuestType::configName);
    Integer vcpus = guest.integer("vcpus", 1, Integer.MAX_VALUE, "a whole number of at least 1, such as 2");
    // A bare number is MiB here, as in xl.cfg's memory=.
    Long memory = guest.bytes("memory", Units.MIB, 1, Limits.MAX_BYTES, MEMORY_ALLOWED);
    Integer weight = guest.integer("weight", 1, 65535, "a whole number from 1 to 65535 (Xen's default is 256)");
    boolean pinned = guest.has("node"); // optional: without it the scheduler places the guest
    String node = pinned ? guest.name("node", "the name of a node, or no node key to let the scheduler place it")
        : null;
    OptionalDouble vcpuGhz = vcpuGhz(guest);
    WorkloadSpec workload = workload(guest.section("workload"), checkWorkingSet ? memory : null, traces);
    if (type == null || vcpus == null || memory == null || weight == null || workload == null || name == null
        || (pinned && node == null) || vcpuGhz == null) {
      return null;
    }
    return new GuestSpec(name, type, vcpus, memory, weight, Optional.ofNullable(node), workload, vcpuGhz);
  }

  /** {@code host} (empty) or the GHz its vCPUs are rated at; null when it is wrong. */
  private static OptionalDouble vcpuGhz(Section guest) {
    Section.Field field = guest.field("vcpu-ghz");
    if (!field.missing() && field.value().valueType() == ConfigValueType.STRING
        && "host".equals(field.value().unwrapped())) {
      return OptionalDouble.empty();
    }
    Double ghz = guest.decimal("vcpu-ghz", d -> d > 0 && d <= Limits.MAX_GHZ, VCPU_GHZ_ALLOWED);
    return ghz == null ? null : OptionalDouble.of(ghz);
  }

  private static WorkloadSpec workload(Section workload, Long guestMemory, TraceFiles traces) {
    Double cpu = workload.decimal("cpu", d -> d >= 0 && d <= 1, "a number from 0 to 1, such as 0.5");
    Double dirtyRate = workload.decimal("dirty-rate", d -> d >= 0 && d <= Limits.MAX_RATE,
        "a number of at least 0 and at most 1e9 (4 KiB pages written per second)");
    Long workingSet = workload.bytes("working-set", 1, 0, Limits.MAX_BYTES, "a size of at least 0, such as 512MiB");
    Resident resident = resident(workload);
    Double hotFraction = workload.decimal("hot-fraction", d -> d > 0 && d <= 1,
        "a fraction of the working set above 0 and at most 1, such as 0.1");
    Double hotWriteShare = workload.decimal("hot-write-share", d -> d >= 0 && d <= 1,
        "a fraction of the writes from 0 to 1, such as 0.9");
    Double ioRate = workload.decimal("io-rate", d -> d >= 0 && d <= Limits.MAX_RATE,
        "a number of at least 0 and at most 1e9 (I/O operations per second)");
    Double syscallRate = workload.decimal("syscall-rate", d -> d >= 0 && d <= Limits.MAX_RATE,
        "a number of at least 0 and at most 1e9 (system calls per busy vCPU-second)");
    Double ptUpdateRate = workload.decimal("pt-update-rate", d -> d >= 0 && d <= Limits.MAX_RATE,
        "a number of at least 0 and at most 1e9 (page-table updates per busy vCPU-second)");
    Double variability = workload.decimal("variability", d -> d >= 0 && d <= Limits.MAX_VARIABILITY,
        "a number from 0 to 10 (coefficient of variation; 0 = constant load)");
    Duration phaseMean = workload.duration("phase-mean", Limits.MIN_PHASE_MEAN, Limits.MAX_DURATION,
        "a duration from 100ms to 365d, such as 30s");
    // Each value of a trace is an event of every guest that follows it, as a phase is.
    Duration traceInterval = workload.duration("trace-interval", Limits.MIN_PHASE_MEAN, Limits.MAX_DURATION,
        "a duration from 100ms to 365d, such as 5m");
    String traceText = workload.text("trace", TRACE_ALLOWED, Limits.MAX_PATH);
    Trace trace = null;
    boolean traceValid = traceText != null;
    if (traceText != null && !traceText.isEmpty()) {
      Section.Field field = workload.field("trace");
      Path file = traces.resolve(workload, field, traceText);
      trace = file == null ? null : traces.trace(workload, field, file);
      traceValid = trace != null;
    }
    if (workingSet != null && guestMemory != null && workingSet > guestMemory) {
      Section.Field field = workload.field("working-set");
      workload.report(field, Units.formatBytes(workingSet) + " is more than the guest's memory ("
          + Units.formatBytes(guestMemory) + "); use at most " + Units.formatBytes(guestMemory));
      return null;
    }
    if (resident != null && guestMemory != null && resident.bytes() > guestMemory) {
      workload.report(workload.field("resident"), Units.formatBytes(resident.bytes()) + " is more than the guest's"
          + " memory (" + Units.formatBytes(guestMemory) + "); use at most " + Units.formatBytes(guestMemory)
          + ", or a fraction such as 0.25");
      return null;
    }
    if (resident != null && workingSet != null && guestMemory != null
        && resident.bytesOf(guestMemory) < workingSet) {
      Section.Field field = workload.field("resident");
      workload.report(field, Units.formatBytes(resident.bytesOf(guestMemory)) + " resident is less than the"
          + " working set (" + Units.formatBytes(workingSet) + "), which lies within it; use at least "
          + Units.formatBytes(workingSet) + ", or a smaller working-set");
      return null;
    }
    if (cpu == null || dirtyRate == null || workingSet == null || ioRate == null || variability == null
        || phaseMean == null || traceInterval == null || !traceValid || resident == null || hotFraction == null
        || hotWriteShare == null || syscallRate == null || ptUpdateRate == null) {
      return null;
    }
    WorkloadSpec spec = new WorkloadSpec(cpu, dirtyRate, workingSet, ioRate, variability, phaseMean,
        Optional.empty(), traceInterval, resident, new WriteSkew(hotFraction, hotWriteShare), syscallRate,
        ptUpdateRate);
    return trace == null ? spec : spec.withTrace(trace);
  }

  /**
   * {@code resident}: a bare number is a fraction of the guest's memory (0 to 1), a size with a unit is bytes
   * (more than the guest's memory is reported per guest, where the memory is known); null when wrong.
   */
  private static Resident resident(Section workload) {
    Section.Field field = workload.field("resident");
    if (!field.missing() && field.value().valueType() == ConfigValueType.NUMBER) {
      Double fraction = workload.decimal("resident", d -> d >= 0 && d <= 1,
          RESIDENT_ALLOWED);
      return fraction == null ? null : fraction == 1.0 ? Resident.ALL : Resident.ofFraction(fraction);
    }
    Long bytes = workload.bytes("resident", 1, 0, Limits.MAX_BYTES, RESIDENT_ALLOWED);
    return bytes == null ? null : Resident.ofBytes(bytes);
  }

  private static final String RESIDENT_ALLOWED =
      "a fraction of the guest's memory from 0 to 1, such as 0.25, or a size such as 1GiB";

  /** Can the guest run anywhere? The pinned node's name is checked even when the guest has other problems. */
  private static void checkPlacement(Section guest, GuestSpec spec, Who who, Set<String> nodeNames,
      Optional<NodeCapacity> nodes) {
    Section.Field nodeField = guest.field("node");
    boolean isName = !nodeField.missing() && (nodeField.value().valueType() == ConfigValueType.STRING
        || nodeField.value().valueType() == ConfigValueType.NUMBER);
    Optional<String> pinned = isName ? Optional.of(String.valueOf(nodeField.value().unwrapped())) : Optional.empty();
    if (pinned.isPresent() && !pinned.get().isBlank() && !nodeNames.contains(pinned.get())) {
      guest.report(nodeField, "no node is named " + ConfigUtil.quoteString(pinned.get())
          + DidYouMean.hint(pinned.get(), nodeNames, "the nodes"));
      return;
    }
    if (spec == null || nodes.isEmpty()) {
      return;
    }
    NodeCapacity capacity = nodes.get();
    NodeSpec largest = capacity.largest();
    long most = capacity.mostGuestMemory(largest);
    if (spec.memoryBytes() > most) {
      Section.Field field = guest.field("memory");
      guest.report(field, Units.formatBytes(spec.memoryBytes()) + " does not fit on any node; the largest is "
          + largest.name() + " with " + Units.describeBytes(most) + " free " + capacity.afterWhat()
          + "; use at most " + Units.formatBytesAtMost(most) + " or add a bigger node");
      return;
    }
    if (pinned.isPresent()) {
      NodeSpec node = capacity.node(pinned.get());
      if (spec.type().needsHvm() && !node.hvmSupport()) {
        guest.report(nodeField, node.name() + " has no hardware virtualization (cpu.hvm-support = false) and "
            + "cannot run " + who.guests(spec.type().name()) + "; pin " + who.it() + " to an HVM-capable node or make "
            + who.it() + " type = pv");
      } else if (node.cannotRun(spec.type()) != null) {
        guest.report(nodeField, node.name() + " is a type-2 (hosted) node and cannot run "
            + who.guests(spec.type().name()) + ", which " + (who.group() ? "need" : "needs")
            + " Xen's PV interface; pin " + who.it()
            + " to a type-1 node or make " + who.it() + " type = hvm or pvhvm");
      }
      long mostHere = capacity.mostGuestMemory(node);
      if (spec.memoryBytes() > mostHere) {
        guest.report(nodeField, node.name() + " has " + Units.describeBytes(mostHere) + " free "
            + capacity.afterWhat() + ", less than " + who.memoryOf(spec.memoryBytes()) + "; pin " + who.it()
            + " to a bigger node such as " + largest.name() + " or give " + who.it() + " less memory");
      }
      // Pinned guests that fit one by one but not together are not refused: a run starts them in
      // configuration order and reports the ones that no longer fit, as validate predicts.
    } else if (spec.type().needsHvm() && !capacity.anyHvm()) {
      guest.report(guest.field("type"), spec.type().configName() + " needs a node with cpu.hvm-support = true and"
          + " no node has it; make it type = pv or add an HVM-capable node");
    } else if (!capacity.anyCanRun(spec.type())) {
      guest.report(guest.field("type"), spec.type().configName() + " needs a type-1 (Xen) node and every node is"
          + " type-2; make it type = hvm or pvhvm, or add a node with hypervisor.kind = type-1");
    }
  }
}
