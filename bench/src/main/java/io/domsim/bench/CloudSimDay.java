package io.domsim.bench;

import io.domsim.config.GuestSpec;
import io.domsim.config.NodeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cloudsimplus.allocationpolicies.VmAllocationPolicySimple;
import org.cloudsimplus.brokers.DatacenterBrokerSimple;
import org.cloudsimplus.cloudlets.Cloudlet;
import org.cloudsimplus.cloudlets.CloudletSimple;
import org.cloudsimplus.core.CloudSimPlus;
import org.cloudsimplus.datacenters.DatacenterSimple;
import org.cloudsimplus.hosts.Host;
import org.cloudsimplus.hosts.HostSimple;
import org.cloudsimplus.resources.Pe;
import org.cloudsimplus.resources.PeSimple;
import org.cloudsimplus.schedulers.cloudlet.CloudletSchedulerTimeShared;
import org.cloudsimplus.schedulers.vm.VmSchedulerTimeShared;
import org.cloudsimplus.utilizationmodels.UtilizationModel;
import org.cloudsimplus.utilizationmodels.UtilizationModelAbstract;
import org.cloudsimplus.vms.Vm;
import org.cloudsimplus.vms.VmSimple;

/**
 * The peer of {@link ClusterDay} in CloudSim Plus 8.5.5: one host per domsim node (its cores as PEs of
 * its GHz x 1000 MIPS, its memory), one time-shared VM per domsim guest (its vCPUs and memory) running one
 * cloudlet whose CPU utilisation is redrawn every {@link #SLOT_SECONDS}, no migration, placed by
 * VmAllocationPolicySimple (the host with the most free PEs: worst-fit, as ClusterDay asks of domsim).
 */
final class CloudSimDay {
  private CloudSimDay() {}

  /** The datacenter's update interval and the length of one utilisation level (domsim's phase mean). */
  static final double SLOT_SECONDS = 300;

  private static final long MIB = 1L << 20;

  /**
   * What a run did: its wall time and event count, what was built and where the model ended.
   *
   * @param startUpSeconds wall time until the first simulated instant was processed: building, placing the
   *     VMs and submitting the cloudlets
   * @param cloudletsRunning cloudlets still executing when the run ended (all of them, if it lasted the day)
   * @param clockSeconds the last instant the simulation processed (its clock moves on past it to stop)
   * @param meanUtilisation the MI the cloudlets executed over what their VMs' PEs could have in that time
   * @param expectedUtilisation the mean of the utilisation model over all VMs and slots, weighted by PEs
   */
  record Result(double wallSeconds, double startUpSeconds, double startUpCpuSeconds, long events, int hosts, int vms, int vmsCreated,
      int cloudletsRunning, int cloudletsFinished, double clockSeconds, double meanUtilisation,
      double expectedUtilisation) {
    double eventsPerSecond() {
      return events / wallSeconds;
    }
  }

  /** A built but not yet started simulation; {@link #run} starts it. */
  record Model(CloudSimPlus simulation, DatacenterSimple datacenter, DatacenterBrokerSimple broker,
      List<Vm> vms, List<Cloudlet> cloudlets, double endSeconds, double expectedUtilisation) {}

  /** Builds the simulation of {@code nodes} and {@code guests} for {@code hours}; the seed picks the levels. */
  static Model build(List<NodeSpec> nodes, List<GuestSpec> guests, int hours, long seed) {
    CloudSimPlus simulation = new CloudSimPlus();
    List<Host> hosts = new ArrayList<>(nodes.size());
    for (NodeSpec n : nodes) {
      List<Pe> pes = new ArrayList<>(n.cores());
      for (int i = 0; i < n.cores(); i++) {
        pes.add(new PeSimple(mips(n.ghz())));
      }
      Host host = new HostSimple(n.memoryBytes() / MIB, n.nicBitsPerSecond() / 1_000_000, 1L << 40, pes);
      host.setVmScheduler(new VmSchedulerTimeShared());
      hosts.add(host);
    }
    DatacenterSimple datacenter = new DatacenterSimple(simulation, hosts, new VmAllocationPolicySimple());
    datacenter.setSchedulingInterval(SLOT_SECONDS);
    datacenter.disableMigrations();

    DatacenterBrokerSimple broker = new DatacenterBrokerSimple(simulation);
    broker.setBatchVmCreation(true);
    double endSeconds = hours * 3600.0;
    double mips = mips(nodes.get(0).ghz()); // the peer cluster is homogeneous, as scale-1000 is
    long slots = (long) Math.ceil(endSeconds / SLOT_SECONDS);
    List<Vm> vms = new ArrayList<>(guests.size());
    List<Cloudlet> cloudlets = new ArrayList<>(guests.size());
    double expectedWork = 0;
    double capacity = 0;
    for (int i = 0; i < guests.size(); i++) {
      GuestSpec g = guests.get(i);
      Vm vm = new VmSimple(mips, g.vcpus(), new CloudletSchedulerTimeShared());
      vm.setRam(g.memoryBytes() / MIB).setBw(1).setSize(1);
      SlotLoad load = new SlotLoad(seed, i, g.workload().cpu(), g.workload().variability());
      // Long enough never to finish within the day, even at full speed on every PE (so it is running at the end).
      long length = (long) Math.ceil(2 * mips * endSeconds) + 1; // MI per PE
      Cloudlet cloudlet = new CloudletSimple(length, g.vcpus())
          .setUtilizationModelCpu(load)
          .setUtilizationModelRam(UtilizationModel.NULL)
          .setUtilizationModelBw(UtilizationModel.NULL);
      broker.bindCloudletToVm(cloudlet, vm);
      vms.add(vm);
      cloudlets.add(cloudlet);
      for (long s = 0; s < slots; s++) {
        expectedWork += load.level(s) * g.vcpus();
      }
      capacity += (double) slots * g.vcpus();
    }
    // One batch each, before the start: submitting one by one makes the datacenter update every host per item.
    broker.submitVmList(vms);
    broker.submitCloudletList(cloudlets);
    // CloudSim Plus processes the first event at or after the termination time and then one more, a
    // scheduling interval later: terminating a slot early makes the last update the one at the end.
    simulation.terminateAt(endSeconds - SLOT_SECONDS);
    return new Model(simulation, datacenter, broker, vms, cloudlets, endSeconds,
        capacity == 0 ? 0 : expectedWork / capacity);
  }

  /** Builds and runs; the wall time covers both, as domsim's covers reading, building and running. */
  static Result run(List<NodeSpec> nodes, List<GuestSpec> guests, int hours, long seed) {
    long start = System.nanoTime();
    double cpu0 = Bench.processCpuSeconds();
    Model m = build(nodes, guests, hours, seed);
    double[] lastTick = {0};
    long[] firstTickNanos = {0};
    double[] firstTickCpu = {Double.NaN};
    m.simulation().addOnClockTickListener(e -> { // once per simulated instant
      lastTick[0] = e.getTime();
      if (firstTickNanos[0] == 0) {
        firstTickNanos[0] = System.nanoTime();
        firstTickCpu[0] = Bench.processCpuSeconds() - cpu0;
      }
    });
    m.simulation().start();
    double wall = (System.nanoTime() - start) / 1e9;
    int running = 0;
    double done = 0;
    double possible = 0;
    for (Cloudlet c : m.cloudlets()) {
      if (c.getStatus() == Cloudlet.Status.INEXEC) {
        running++;
      }
      // A cloudlet's length, and so what it has finished, counts MI per PE.
      done += c.getFinishedLengthSoFar() * c.getPesNumber();
      possible += c.getPesNumber() * c.getVm().getMips() * m.endSeconds();
    }
    double startUp = firstTickNanos[0] == 0 ? wall : (firstTickNanos[0] - start) / 1e9;
    double startUpCpu = firstTickNanos[0] == 0 ? Bench.processCpuSeconds() - cpu0 : firstTickCpu[0];
    return new Result(wall, startUp, startUpCpu, m.simulation().getGeneratedEventsNumber(), m.datacenter().getHostList().size(),
        m.vms().size(), m.broker().getVmCreatedList().size(), running, m.broker().getCloudletFinishedList().size(),
        lastTick[0], possible == 0 ? 0 : done / possible, m.expectedUtilisation());
  }

  /** A core of {@code ghz} GHz as CloudSim MIPS: one instruction a cycle, as domsim's cycle costs assume. */
  static double mips(double ghz) {
    return ghz * 1000;
  }

  /**
   * A VM's CPU utilisation: {@code min(1, cpu x level)} with a log-normal level of mean 1 and coefficient of
   * variation {@code cv}, as domsim's guests draw it (Hypervisor.drawLevel, HostModel's demand), redrawn
   * every {@link #SLOT_SECONDS}. A pure function of (seed, vm, slot), so any order of calls gives the same
   * levels; the current slot's level is kept because CloudSim asks many times per update.
   */
  static final class SlotLoad extends UtilizationModelAbstract {
    private final long seed;
    private final int vm;
    private final double cpu;
    private final double cv;
    private long slot = -1;
    private double level;

    SlotLoad(long seed, int vm, double cpu, double cv) {
      this.seed = seed;
      this.vm = vm;
      this.cpu = cpu;
      this.cv = cv;
    }

    @Override
    protected double getUtilizationInternal(double time) {
      long s = (long) Math.floor(time / SLOT_SECONDS);
      if (s != slot) {
        slot = s;
        level = level(s);
      }
      return level;
    }

    double level(long s) {
      if (cv <= 0) {
        return Math.min(1, cpu);
      }
      SplittableRandom random = new SplittableRandom(mix(mix(seed) ^ vm) ^ s);
      double sigma2 = Math.log1p(cv * cv);
      return Math.min(1, cpu * Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * random.nextGaussian()));
    }

    /** SplitMix64's finaliser: nearby (seed, vm, slot) give unrelated streams. */
    private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }
  }
}
