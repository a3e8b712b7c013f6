package io.domsim.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValueType;
import java.util.Locale;

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

  private HeapEstimate() {}

  /** False, after reporting it at the largest count, when the cluster would not fit in {@code maxHeapBytes}. */
  static boolean fits(Section domsim, long maxHeapBytes) {
    Counted nodes = count(domsim, "nodes", "node-groups");
    Counted guests = count(domsim, "guests", "guest-groups");
    double need = BASE_BYTES + nodes.total * (double) PER_NODE_BYTES + guests.total * (double) PER_GUEST_BYTES;
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
