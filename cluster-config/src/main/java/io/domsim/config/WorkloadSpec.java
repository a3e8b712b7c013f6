package io.domsim.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a guest does, on average, or (with a trace) over time.
 *
 * @param cpu fraction of the guest's vCPUs it keeps busy, 0..1; for a traced guest, the trace's mean
 * @param dirtyRate 4 KiB pages written per second, spread over the working set
 * @param workingSetBytes the memory its writes fall into
 * @param ioRate I/O operations per second (disk and network together)
 * @param variability coefficient of variation of the load around its mean (0 = constant); a traced guest
 *     ignores it
 * @param phaseMean mean time the load stays at one level before a new level is drawn
 * @param trace the guest's CPU over time, one value per {@code traceInterval} from the start of the run,
 *     or empty
 * @param traceInterval how long each value of the trace holds
 * @param resident the part of its memory the guest has ever touched (holds the working set); the rest are
 *     never-touched pages, which a migration skips (Xen) or sends as zero-page flags (QEMU)
 * @param skew how its writes fall on the working set: a hot part and a cold rest ({@link WriteSkew#UNIFORM}:
 *     every page alike)
 * @param syscallRate system calls per second of one busy vCPU: on 64-bit PV each goes through the hypervisor
 *     (the guest kernel runs in ring 3); other types take them in hardware at no cost here
 * @param ptUpdateRate page-table updates per second of one busy vCPU: on PV each is a hypercall the hypervisor
 *     validates (mmu_update); other types write their page tables directly (hardware-assisted paging)
 */
public record WorkloadSpec(
    double cpu, double dirtyRate, long workingSetBytes, double ioRate, double variability, Duration phaseMean,
    Optional<Trace> trace, Duration traceInterval, Resident resident, WriteSkew skew, double syscallRate,
    double ptUpdateRate) {

  /** workload.trace-interval's default, for specs built in code (reference.conf says the same). */
  public static final Duration DEFAULT_TRACE_INTERVAL = Duration.ofMinutes(5);

  public WorkloadSpec {
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(resident, "resident");
    Objects.requireNonNull(skew, "skew");
    Objects.requireNonNull(traceInterval, "traceInterval");
    if (traceInterval.isNegative() || traceInterval.isZero()) {
      throw new IllegalArgumentException("traceInterval must be positive, was " + traceInterval);
    }
  }

  /** A workload whose writes fall uniformly on its working set, without PV system-call or page-table costs. */
  public WorkloadSpec(double cpu, double dirtyRate, long workingSetBytes, double ioRate, double variability,
      Duration phaseMean, Optional<Trace> trace, Duration traceInterval, Resident resident) {
    this(cpu, dirtyRate, workingSetBytes, ioRate, variability, phaseMean, trace, traceInterval, resident,
        WriteSkew.UNIFORM, 0, 0);
  }

  /** A workload of which every page was touched (resident = all of memory). */
  public WorkloadSpec(double cpu, double dirtyRate, long workingSetBytes, double ioRate, double variability,
      Duration phaseMean, Optional<Trace> trace, Duration traceInterval) {
    this(cpu, dirtyRate, workingSetBytes, ioRate, variability, phaseMean, trace, traceInterval, Resident.ALL);
  }

  /** A workload without a trace. */
  public WorkloadSpec(double cpu, double dirtyRate, long workingSetBytes, double ioRate, double variability,
      Duration phaseMean) {
    this(cpu, dirtyRate, workingSetBytes, ioRate, variability, phaseMean, Optional.empty(), DEFAULT_TRACE_INTERVAL);
  }

  /** This workload following {@code newTrace}: its cpu becomes the trace's mean. */
  public WorkloadSpec withTrace(Trace newTrace) {
    return new WorkloadSpec(newTrace.mean(), dirtyRate, workingSetBytes, ioRate, variability, phaseMean,
        Optional.of(newTrace), traceInterval, resident, skew, syscallRate, ptUpdateRate);
  }

  /** This workload with {@code newResident} touched. */
  public WorkloadSpec withResident(Resident newResident) {
    return new WorkloadSpec(cpu, dirtyRate, workingSetBytes, ioRate, variability, phaseMean, trace, traceInterval,
        newResident, skew, syscallRate, ptUpdateRate);
  }

  /** This workload with its writes falling as {@code newSkew} says. */
  public WorkloadSpec withSkew(WriteSkew newSkew) {
    return new WorkloadSpec(cpu, dirtyRate, workingSetBytes, ioRate, variability, phaseMean, trace, traceInterval,
        resident, newSkew, syscallRate, ptUpdateRate);
  }

  /** This workload making {@code syscalls} system calls and {@code ptUpdates} page-table updates per busy vCPU-second. */
  public WorkloadSpec withKernelCalls(double syscalls, double ptUpdates) {
    return new WorkloadSpec(cpu, dirtyRate, workingSetBytes, ioRate, variability, phaseMean, trace, traceInterval,
        resident, skew, syscalls, ptUpdates);
  }

  /**
   * The index of the trace value in force at {@code nanos} after the start of the run. After its last value
   * a trace starts again from its first (a day's trace repeats day after day).
   */
  public int traceIndexAt(long nanos) {
    Trace t = trace.orElseThrow(() -> new IllegalStateException("no trace"));
    return (int) (Math.max(0, nanos) / traceInterval.toNanos() % t.length());
  }

  /** The traced CPU fraction (0..1) at {@code nanos} after the start of the run. */
  public double tracedCpuAt(long nanos) {
    return trace.orElseThrow(() -> new IllegalStateException("no trace")).percent(traceIndexAt(nanos)) / 100.0;
  }

  /**
   * The first instant after {@code nanos} at which the traced value differs from the one in force at
   * {@code nanos}, or -1 when it never does (every value of the trace is the same).
   */
  public long nextTraceChangeAfter(long nanos) {
    Trace t = trace.orElseThrow(() -> new IllegalStateException("no trace"));
    long interval = traceInterval.toNanos();
    long step = Math.max(0, nanos) / interval;
    int now = t.percent((int) (step % t.length()));
    for (long k = step + 1; k <= step + t.length(); k++) {
      if (t.percent((int) (k % t.length())) != now) {
        return k * interval;
      }
    }
    return -1;
  }
}
