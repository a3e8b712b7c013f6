package io.domsim.node;

import io.domsim.config.GuestOp;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The operator's log of what happens in a launched cluster, one line per event with its simulated time:
 * migrations starting and ending, nodes failing, recovering or changing power, guests created, paused,
 * unpaused, shut down, destroyed or lost. Nobody listens until {@link #listen} (domsim run never does): a line
 * is only written when someone does.
 */
public final class EventLog {
  private final LongSupplier nowNanos;
  private volatile Consumer<String> sink;

  EventLog(LongSupplier nowNanos) {
    this.nowNanos = nowNanos;
  }

  /** From now on the lines go to {@code sink} (called on the simulation's thread; keep it quick). */
  void listen(Consumer<String> sink) {
    this.sink = sink;
  }

  /** One event, as of the current simulated instant; a null line says nothing. */
  void say(Supplier<String> line) {
    Consumer<String> s = sink;
    String text = s == null ? null : line.get();
    if (text != null) {
      s.accept(line(nowNanos.getAsLong() / 1e9, text));
    }
  }

  /** A migration the destination has taken, in a line. */
  static String started(String id, java.util.Optional<MigrationRecord> asked) {
    return asked.map(m -> "migration " + id + " of " + m.guest() + " (" + m.type().configName() + ") " + m.from()
        + " -> " + m.to() + " started (" + m.algorithm() + ")").orElse("migration " + id + " started");
  }

  /**
   * How a migration ended, in a line; null for the destination's record of a completion, which the source's
   * own record follows and replaces (so that a completion is said once).
   */
  static String ended(MigrationRecord r) {
    if (r.fromDestination() && r.outcome() == Phase.COMPLETED) {
      return null;
    }
    return "migration " + r.id() + " of " + r.guest() + " " + r.from() + " -> " + r.to() + " "
        + r.outcome().name().toLowerCase(Locale.ROOT) + (r.outcome() == Phase.COMPLETED
        ? String.format(Locale.ROOT, " (%d rounds, %.1f MiB, downtime %.1f ms)", r.rounds(),
            r.bytesTransferred() / 1048576.0, r.downtimeS() == null ? 0 : r.downtimeS() * 1e3)
        : ": " + r.reason());
  }

  /** A lifecycle verb, done: destroyed, paused, unpaused, shut down. */
  static String done(GuestOp op) {
    return switch (op) {
      case DESTROY -> "destroyed";
      case PAUSE -> "paused";
      case UNPAUSE -> "unpaused";
      case SHUTDOWN -> "shut down";
      default -> op.configName() + "d";
    };
  }

  /** {@code [  12.345s] what}: the simulated time, aligned, then the event. */
  static String line(double seconds, String what) {
    return String.format(Locale.ROOT, "[%9.3fs] %s", seconds, what);
  }
}
