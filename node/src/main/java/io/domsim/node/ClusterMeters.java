package io.domsim.node;

import io.domsim.config.SimulationSpec;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.migration.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The run's own meters, untagged by node: the simulated clock and its speed (to turn rates per wall second
 * into rates per simulated second), and every migration the operator asked for, counted once by how it
 * ended (from the {@link MigrationLedger}, which hears of operator refusals, Dom0 refusals and migrations whose
 * source died alike) and while it is in flight.
 */
final class ClusterMeters implements MigrationLedger.Observer {
  static final String MIGRATIONS = "domsim.migrations";
  static final String IN_FLIGHT = "domsim.migrations.in.flight";
  static final String SIMULATED = "domsim.simulated";
  static final String SPEED = "domsim.speed";
  /** The outcomes a migration can end with, as the {@code outcome} tag spells them. */
  static final Phase[] OUTCOMES = {Phase.COMPLETED, Phase.ABORTED, Phase.FAILED, Phase.REFUSED};

  private final Map<Phase, Counter> ended = new EnumMap<>(Phase.class);
  /** Written on the simulation thread, read by scrapes. */
  private final AtomicLong inFlight = new AtomicLong();

  ClusterMeters(MeterRegistry registry, SimKernel kernel, SimulationSpec simulation) {
    for (Phase p : OUTCOMES) {
      ended.put(p, Counter.builder(MIGRATIONS).tag("outcome", p.name().toLowerCase(Locale.ROOT))
          .description("migrations the operator asked for that have ended, by outcome: completed, aborted (the"
              + " guest runs on at the source), failed (the guest is lost), refused (by the operator or a Dom0)")
          .register(registry));
    }
    Gauge.builder(IN_FLIGHT, inFlight, AtomicLong::get)
        .description("migrations asked for that have not ended yet").strongReference(true).register(registry);
    Gauge.builder(SIMULATED, kernel, k -> SimTime.toSeconds(k.now())).baseUnit("seconds")
        .description("simulated time since the run began").strongReference(true).register(registry);
    long wallStart = System.nanoTime(); // read by scrapes only, never by the simulation
    Gauge.builder(SPEED, kernel, k -> speed(k, simulation, wallStart))
        .description("simulated seconds per wall second: simulation.speed on the real clock, the average so far on"
            + " the virtual clock; divide a rate by it for a rate per simulated second")
            .strongReference(true).register(registry);
  }

  private static double speed(SimKernel kernel, SimulationSpec simulation, long wallStart) {
    if (kernel.clock() == ClockKind.REAL) {
      return simulation.speed();
    }
    long wall = System.nanoTime() - wallStart;
    return wall <= 0 ? 0 : (double) kernel.now() / wall;
  }

  @Override
  public void opened() {
    inFlight.incrementAndGet();
  }

  @Override
  public void ended(Phase outcome) {
    inFlight.decrementAndGet();
    Counter c = ended.get(outcome);
    if (c == null) {
      throw new IllegalArgumentException("a migration cannot end " + outcome);
    }
    c.increment();
  }
}
