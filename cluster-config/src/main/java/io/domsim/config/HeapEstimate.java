package io.domsim.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a run of the cluster fits in this JVM's heap, estimated from the counts of nodes and guests before
 * any of them is built: a group of a million nodes would otherwise take minutes to expand and then run out of
 * memory (or crawl in garbage collection) halfway through booting. The costs per node and per guest are
 * measured ones (a run's actors, meters, domains and report; about 15 KiB a node and 3 KiB a guest with
 * Akka 2.6 on Java 17), doubled for headroom; reference.conf repeats them.
 */
final class HeapEstimate {

  /** The JVM, Akka and the classes, before any node. */
  static final long BASE_BYTES = 64 * Units.MIB;
  static final long PER_NODE_BYTES = 32 * Units.KIB;
  static final long PER_GUEST_BYTES = 6 * Units.KIB;

  /** With hypervisor.dirty-model = page, a migrating guest's log per 4 KiB page: two int versions and a bit. */
  static final double PAGE_LOG_BYTES_PER_PAGE = 8.125;
  /** The most pages a page-level log can have (its arrays are indexed by int). */
  static final long MAX_LOGGED_PAGES = Integer.MAX_VALUE - 8;
  static final long PAGE_BYTES = 4 * Units.KIB;

  private HeapEstimate() {}

  /** The heap a run of so many nodes and guests needs. */
  static double bytesFor(long nodes, long guests) {
    return BASE_BYTES + nodes * (double) PER_NODE_BYTES + guests * (double) PER_GUEST_BYTES;
  }

  /**
   * With the page-level dirty model, each migrating guest's log holds every page: a guest of more than
   * {@link #MAX_LOGGED_PAGES} pages cannot have one (the run failed when it started migrating), and the logs of
   * the scenario's migrating guests, all at once at worst, must fit the heap beside the cluster. Reported at
   * {@code hypervisor.dirty-model}; true when the model is not {@code page} (the hypervisor module's setting).
   */
  static boolean pageLogsFit(Section domsim, int nodes, List<GuestSpec> guests, List<ScenarioAction> scenario,
      long maxHeapBytes) {
    if (!domsim.has("hypervisor")) {
      return true;
    }
    Section hypervisor = domsim.section("hypervisor");
    Section.Field model = hypervisor.field("dirty-model");
    if (model.missing() || !"page".equals(model.value().unwrapped())) {
      return true;
    }
    Map<String, GuestSpec> byName = new HashMap<>();
    guests.forEach(g -> byName.put(g.name(), g));
    for (GuestSpec g : guests) {
      long pages = pages(g);
      if (pages > MAX_LOGGED_PAGES) {
        hypervisor.report(model, "page keeps a version of every page of a migrating guest, and " + g.name()
            + " has " + pages + " pages of 4KiB (" + Units.formatBytes(g.memoryBytes()) + "), more than "
            + MAX_LOGGED_PAGES + "; use dirty-model = analytic, or guests of at most 8TiB");
        return false;
      }
    }
    Set<String> migrating = new TreeSet<>();
    scenario.stream().filter(a -> a instanceof ScenarioAction.Migrate)
        .forEach(a -> migrating.add(((ScenarioAction.Migrate) a).guest()));
    double logs = migrating.stream().filter(byName::containsKey)
        .mapToDouble(g -> pages(byName.get(g)) * PAGE_LOG_BYTES_PER_PAGE).sum();
    double need = bytesFor(nodes, guests.size()) + logs;
    if (need <= maxHeapBytes) {
      return true;
    }
    hypervisor.report(model, String.format(Locale.ROOT, "page keeps a version of every page of a migrating guest:"
        + " the %d guests the scenario migrates need about %s of Java heap for it, and the run %s in all, more"
        + " than the %s this JVM may use; use dirty-model = analytic, or give Java more memory, such as"
        + " DOMSIM_JAVA_OPTS=-Xmx%dg", migrating.size(), gib(logs), gib(need), gib(maxHeapBytes),
        (long) Math.ceil(need * 1.25 / Units.GIB)));
    return false;
  }

  private static long pages(GuestSpec g) {
    return Math.max(1, g.memoryBytes() / PAGE_BYTES);
  }

  /** False, after reporting it at the largest count, when the cluster would not fit in {@code maxHeapBytes}. */
  static boolean fits(Section domsim, long maxHeapBytes) {
    Counted nodes = count(domsim, "nodes", "node-groups");
    Counted guests = count(domsim, "guests", "guest-groups");
    double need = bytesFor(nodes.total, guests.total);
    if (need <= maxHeapBytes) {
      return true;
    }
    Counted blamed = nodes.total * (double) PER_NODE_BYTES >= guests.total * (double) PER_GUEST_BYTES
        ? nodes : guests;
    long suggestedGiB = (long) Math.ceil(need * 1.25 / Units.GIB);
    domsim.report(blamed.largest, String.format(Locale.ROOT, "%d nodes and %d guests need about %s of Java heap"
            + " (about %s a node and %s a guest, beyond %s), more than the %s this JVM may use; use fewer, or give"
            + " Java more memory, such as DOMSIM_JAVA_OPTS=-Xmx%dg", nodes.total, guests.total, gib(need),
        Units.formatBytes(PER_NODE_BYTES), Units.formatBytes(PER_GUEST_BYTES), Units.formatBytes(BASE_BYTES),
        gib(maxHeapBytes), suggestedGiB));
    return false;
  }

  /** How many a list and its groups make, and where the largest contribution is written. */
  private record Counted(long total, Section.Field largest) {}

  private static Counted count(Section domsim, String list, String groups) {
    Section.Field listField = domsim.field(list);
    long total = 0;
    long largestCount = -1;
    Section.Field largest = listField;
    if (!listField.missing() && listField.value().valueType() == ConfigValueType.LIST) {
      total = ((ConfigList) listField.value()).size();
      largestCount = total;
    }
    for (Section group : domsim.entriesQuietly(groups)) {
      Section.Field count = group.field("count");
      if (count.missing() || count.value().valueType() != ConfigValueType.NUMBER) {
        continue; // the group reader reports it
      }
      long n = ((Number) count.value().unwrapped()).longValue();
      if (n < 1 || n > NodeReader.MAX_GROUP_COUNT) {
        continue; // out of range: the group reader reports it, and it makes no guests
      }
      total += n;
      if (n > largestCount) {
        largestCount = n;
        largest = count;
      }
    }
    return new Counted(total, largest);
  }

  private static String gib(double bytes) {
    return String.format(Locale.ROOT, "%.1fGiB", bytes / Units.GIB);
  }
}
