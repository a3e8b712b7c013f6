package io.domsim.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The meters of the domsim process itself, beside the simulation's: which domsim this is
 * ({@code domsim_build_info{version}} = 1) and Micrometer's JVM and process binders (heap, GC pauses,
 * threads, CPU, uptime), so that a dashboard can tell a slow simulation from a starved JVM.
 */
final class ProcessMeters implements AutoCloseable {
  static final String BUILD_INFO = "domsim.build.info";

  private final JvmGcMetrics gc = new JvmGcMetrics();

  private ProcessMeters(MeterRegistry registry) {
    Gauge.builder(BUILD_INFO, () -> 1).tag("version", Main.VERSION)
        .description("always 1; the version tag says which domsim serves these metrics").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  static ProcessMeters bind(MeterRegistry registry) {
    return new ProcessMeters(registry);
  }

  /** Stops listening for GC notifications. */
  @Override
  public void close() {
    gc.close();
  }
}
