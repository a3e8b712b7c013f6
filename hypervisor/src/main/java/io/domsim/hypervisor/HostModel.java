package io.domsim.hypervisor;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.kernel.SimTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The functional core of one hypervisor: its domains, memory claims, how cores are shared and what
 * every operation costs. No actors and no clock of its own; the caller passes the simulated time.
 *
 * <p>Rates are recomputed whenever something changes (a domain created, paused, destroyed, or its load
 * changing) and integrated between changes, so the cost does not depend on how often anyone samples.
 *
 * <p>The cost model: a guest's work turns into hypercalls (PV) or VM exits (HVM) at a per-busy-core
 * rate; each I/O costs guest cycles plus, for PV, frontend hypercalls and backend work in Dom0, and for
 * HVM, VM exits each handled by the device model in Dom0. Dom0 is a domain like the others for the
 * credit scheduler: when its share is not enough for the I/O work asked of it, every guest's I/O slows
 * down in proportion.
 */
public final class HostModel {
  public static final int DOM0 = 0;

  private final Hardware hardware;
  private final CostSettings costs;
  private final int dom0Vcpus;
  private final long dom0MemoryBytes;
  private final int dom0Weight;
  private final List<Domain> guests = new ArrayList<>(); // in domid order: deterministic iteration
  private final Map<Integer, Domain> byDomid = new HashMap<>(); // lookups only, never iterated
  private final Map<String, Long> claims = new TreeMap<>();
  private int nextDomid = 1;

  // Dom0's rates and integrals.
  private double dom0Cores;
  private double dom0HypercallsPerSecond;
  private double dom0CoreSeconds;
  private double dom0Hypercalls;

  // Node-level integrals.
  private long lastNanos;
  private double busyCoreSeconds;
  private double energyJoules;

  public HostModel(Hardware hardware, CostSettings costs, int dom0Vcpus, long dom0MemoryBytes, int dom0Weight) {
    this.hardware = hardware;
    this.costs = costs;
    this.dom0Vcpus = dom0Vcpus;
    this.dom0MemoryBytes = dom0MemoryBytes;
    this.dom0Weight = dom0Weight;
    recompute();
  }

  public Hardware hardware() { return hardware; }
  public int dom0Vcpus() { return dom0Vcpus; }
  public List<Domain> guests() { return Collections.unmodifiableList(guests); }

  public Domain guest(int domid) {
    return byDomid.get(domid);
  }

  public Domain guest(String name) {
    for (Domain d : guests) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  // ---- memory ----

  public long memoryUsedBytes() {
    long used = dom0MemoryBytes + costs.domainOverheadBytes();
    for (Domain d : guests) {
      used += d.spec.memoryBytes() + costs.domainOverheadBytes();
    }
    for (long c : claims.values()) {
      used += c;
    }
    return used;
  }

  public long memoryFreeBytes() {
    return hardware.memoryBytes() - memoryUsedBytes();
  }

  /** Memory a guest of this size takes, including the hypervisor's per-domain state. */
  public long footprint(GuestSpec spec) {
    return spec.memoryBytes() + costs.domainOverheadBytes();
  }

  /** XENMEM_claim_pages: set memory aside for a domain about to be built. False when it does not fit. */
  public boolean claim(String claimId, long bytes) {
    if (claims.containsKey(claimId) || bytes > memoryFreeBytes()) {
      return false;
    }
    claims.put(claimId, bytes);
    return true;
  }

  public boolean releaseClaim(String claimId) {
    return claims.remove(claimId) != null;
  }

  public Map<String, Long> claims() {
    return Collections.unmodifiableMap(claims);
  }

  // ---- domain lifecycle (the caller has checked privilege) ----

  /**
   * Builds a domain, from a claim if {@code claimId} is not null. Returns the new domain, or throws
   * {@link HypervisorException} with the reason it cannot be built.
   */
  public Domain createDomain(GuestSpec spec, String claimId, boolean paused, long nowNanos) {
    if (spec.type() == GuestType.HVM && !hardware.hvmSupport()) {
      throw new HypervisorException(Errno.ENODEV,
          "HVM guest " + spec.name() + " needs VT-x/AMD-V, which this node's CPU lacks (hvm-support = false)");
    }
    if (guest(spec.name()) != null) {
      throw new HypervisorException(Errno.EEXIST, "a domain named " + spec.name() + " already exists here");
    }
    long need = footprint(spec);
    long claimed = claimId == null ? 0 : claims.getOrDefault(claimId, 0L);
    if (claimId != null && !claims.containsKey(claimId)) {
      throw new HypervisorException(Errno.EINVAL, "no memory claim " + claimId);
    }
    if (need > memoryFreeBytes() + claimed) {
      throw new HypervisorException(Errno.ENOMEM, "guest " + spec.name() + " needs "
          + need + " bytes but only " + (memoryFreeBytes() + claimed) + " are free");
    }
    integrate(nowNanos);
    if (claimId != null) {
      claims.remove(claimId);
    }
    Domain d = new Domain(nextDomid++, spec, paused ? DomainState.PAUSED : DomainState.RUNNING);
    guests.add(d);
    byDomid.put(d.domid, d);
    recompute();
    return d;
  }

  public Domain destroyDomain(int domid, long nowNanos) {
    Domain d = require(domid);
    integrate(nowNanos);
    guests.remove(d);
    byDomid.remove(domid);
    recompute();
    return d;
  }

  public void setState(int domid, DomainState state, long nowNanos) {
    Domain d = require(domid);
    integrate(nowNanos);
    d.state = state;
    recompute();
  }

  public void setLoadFactor(int domid, double factor, long nowNanos) {
    Domain d = require(domid);
    integrate(nowNanos);
    d.loadFactor = factor;
    recompute();
  }

  public void enableLogDirty(int domid, long nowNanos) {
    Domain d = require(domid);
    integrate(nowNanos);
    d.logDirty = true;
    d.writesSinceClean = 0;
  }

  /** SHADOW_OP_CLEAN: read and reset the count of pages dirtied since the last clean. */
  public long cleanDirtyLog(int domid, long nowNanos) {
    Domain d = require(domid);
    integrate(nowNanos);
    long pages = d.dirtyPages();
    d.writesSinceClean = 0;
    return pages;
  }

  private Domain require(int domid) {
    Domain d = guest(domid);
    if (d == null) {
      throw new HypervisorException(Errno.ESRCH, "no domain " + domid);
    }
    return d;
  }

  // ---- rates and their integrals ----

  /** Accumulates every rate from the last change up to {@code nowNanos}. */
  public void integrate(long nowNanos) {
    if (nowNanos <= lastNanos) {
      return;
    }
    double dt = SimTime.toSeconds(nowNanos - lastNanos);
    lastNanos = nowNanos;
    double busy = dom0Cores;
    dom0CoreSeconds += dom0Cores * dt;
    dom0Hypercalls += dom0HypercallsPerSecond * dt;
    for (Domain d : guests) {
      d.cpuSeconds += d.cpuCores * dt;
      d.workSeconds += d.workCores * dt;
      d.ioCompleted += d.ioPerSecond * dt;
      d.hypercalls += d.hypercallsPerSecond * dt;
      d.vmExits += d.vmExitsPerSecond * dt;
      if (d.logDirty) {
        d.writesSinceClean += d.dirtyWritesPerSecond * dt;
      }
      busy += d.cpuCores;
    }
    busyCoreSeconds += busy * dt;
    energyJoules += hardware.watts(busy / hardware.cores()) * dt;
  }

  /** Shares the cores out again and derives every domain's rates from its share. */
  private void recompute() {
    int n = guests.size();
    double cyc = hardware.cyclesPerCoreSecond();
    double[] compute = new double[n];
    double[] attempt = new double[n];
    double[] overhead = new double[n];
    double[] guestCoresPerIo = new double[n];
    double[] dom0CoresPerIo = new double[n];
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      boolean running = d.state == DomainState.RUNNING;
      var w = d.spec.workload();
      compute[i] = running ? Math.min(d.spec.vcpus(), w.cpu() * d.loadFactor * d.spec.vcpus()) : 0;
      attempt[i] = running ? w.ioRate() * d.loadFactor : 0;
      if (d.type() == GuestType.PV) {
        overhead[i] = costs.pvHypercallsPerCpuSecond() * costs.hypercallCycles() / cyc;
        guestCoresPerIo[i] = (costs.guestCyclesPerIo() + costs.pvHypercallsPerIo() * costs.hypercallCycles()) / cyc;
        dom0CoresPerIo[i] = costs.pvBackendCyclesPerIo() / cyc;
      } else {
        overhead[i] = costs.hvmVmExitsPerCpuSecond() * costs.vmExitCycles() / cyc;
        guestCoresPerIo[i] = (costs.guestCyclesPerIo() + costs.hvmVmExitsPerIo() * costs.vmExitCycles()) / cyc;
        dom0CoresPerIo[i] = costs.hvmVmExitsPerIo() * costs.deviceModelCyclesPerExit() / cyc;
      }
    }
    double[] demand = new double[n + 1];
    double[] weight = new double[n + 1];
    double[] need = new double[n + 1];
    double[] io = attempt.clone();
    double[] grant = null;
    weight[0] = dom0Weight;
    for (int i = 0; i < n; i++) {
      weight[i + 1] = guests.get(i).spec.weight();
    }
    double base = Math.min(dom0Vcpus, costs.dom0BaseLoad());
    // A few rounds of a fixed point: I/O needs the guest's CPU to issue it and Dom0's to serve it, and
    // each side's demand depends on how much I/O the other lets through.
    for (int round = 0; round < 4; round++) {
      double dom0Need = base;
      for (int i = 0; i < n; i++) {
        need[i + 1] = compute[i] * (1 + overhead[i]) + io[i] * guestCoresPerIo[i];
        demand[i + 1] = Math.min(guests.get(i).spec.vcpus(), need[i + 1]);
        dom0Need += io[i] * dom0CoresPerIo[i];
      }
      need[0] = dom0Need;
      demand[0] = Math.min(dom0Vcpus, dom0Need);
      grant = CreditShares.allocate(hardware.cores(), demand, weight);
      double dom0ForIo = Math.max(0, grant[0] - base);
      double dom0IoNeed = 0;
      double[] satisfied = new double[n];
      for (int i = 0; i < n; i++) {
        satisfied[i] = need[i + 1] > 0 ? Math.min(1, grant[i + 1] / need[i + 1]) : 1;
        dom0IoNeed += attempt[i] * satisfied[i] * dom0CoresPerIo[i];
      }
      double theta = dom0IoNeed > 0 ? Math.min(1, dom0ForIo / dom0IoNeed) : 1;
      boolean settled = true;
      for (int i = 0; i < n; i++) {
        double next = attempt[i] * satisfied[i] * theta;
        settled &= next == io[i];
        io[i] = next;
      }
      if (settled) {
        break; // nothing held I/O back: the common, uncontended case needs one round
      }
    }
    dom0Cores = grant[0];
    double dom0Hc = Math.min(grant[0], base) * costs.dom0HypercallsPerCpuSecond();
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      d.cpuCores = Math.min(grant[i + 1], compute[i] * (1 + overhead[i]) + io[i] * guestCoresPerIo[i]);
      d.ioPerSecond = io[i];
      d.workCores = Math.max(0, d.cpuCores - io[i] * guestCoresPerIo[i]) / (1 + overhead[i]);
      double progress = compute[i] > 0 ? d.workCores / compute[i] : (d.state == DomainState.RUNNING ? 1 : 0);
      d.dirtyWritesPerSecond = d.spec.workload().dirtyRate() * d.loadFactor * Math.min(1, progress);
      if (d.type() == GuestType.PV) {
        d.hypercallsPerSecond = d.workCores * costs.pvHypercallsPerCpuSecond() + io[i] * costs.pvHypercallsPerIo();
        d.vmExitsPerSecond = 0;
        dom0Hc += io[i] * costs.pvBackendHypercallsPerIo();
      } else {
        d.hypercallsPerSecond = 0;
        d.vmExitsPerSecond = d.workCores * costs.hvmVmExitsPerCpuSecond() + io[i] * costs.hvmVmExitsPerIo();
        dom0Hc += io[i] * costs.hvmVmExitsPerIo() * costs.deviceModelHypercallsPerExit();
      }
    }
    dom0HypercallsPerSecond = dom0Hc;
  }

  // ---- what an observer reads ----

  public double busyCores() {
    double busy = dom0Cores;
    for (Domain d : guests) {
      busy += d.cpuCores;
    }
    return busy;
  }

  public double dom0Cores() { return dom0Cores; }
  public double dom0CoreSeconds() { return dom0CoreSeconds; }
  public double busyCoreSeconds() { return busyCoreSeconds; }
  public double energyJoules() { return energyJoules; }

  /** Hypercalls made on this node so far, Dom0's included. */
  public double hypercalls() {
    double h = dom0Hypercalls;
    for (Domain d : guests) {
      h += d.hypercalls;
    }
    return h;
  }

  public double vmExits() {
    double v = 0;
    for (Domain d : guests) {
      v += d.vmExits;
    }
    return v;
  }
}
