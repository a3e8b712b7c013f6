package io.domsim.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's raw rate, on its own: N actors, each rescheduling a timer to itself with a random delay
 * and, on every timer, telling one random peer. Runs the virtual clock for a fixed number of events
 * (timers fired + peer messages) and reports rates against wall time.
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.KernelRate [actors] [events] [runs] [throughput]
 * </pre>
 *
 * Defaults: 1000 actors, 5,000,000 events, 3 measured runs after one warm-up run of the same size,
 * the dispatcher throughput from reference.conf. Besides wall-clock rates it prints the simulation
 * thread's own CPU time, which leaves out time spent waiting for a CPU when other processes share the
 * machine (not time lost to cache pollution or to a hypervisor taking the vCPU away).
 */
public final class KernelRate {
  private KernelRate() {}

  enum Msg { TICK, POKE }

  /** Counters and the stop condition, touched only on the simulation thread. */
  static final class Budget {
    final long events;
    long timers;
    long messages;
    long lastEventAt;

    Budget(long events) {
      this.events = events;
    }

    boolean spent() {
      return timers + messages >= events;
    }
  }

  /**
   * One run's counts. {@code loopCpuNanos} is the CPU time of the simulation thread alone (the kernel
   * runs every simulation actor on that one thread).
   */
  record Result(long timers, long messages, long tasks, long simNanos, long wallNanos, long loopCpuNanos) {
    double perSecond(long n) {
      return n / (wallNanos / 1e9);
    }

    double perCpuSecond(long n) {
      return n / (loopCpuNanos / 1e9);
    }
  }

  static Behavior<Msg> node(SimKernel kernel, String name, List<ActorRef<Msg>> peers, Budget budget) {
    return Behaviors.setup(ctx -> {
      SimEntity entity = kernel.entity(name);
      SplittableRandom random = entity.random();
      ActorRef<Msg> self = ctx.getSelf();
      entity.sendAfter(1 + random.nextLong(1_000_000), self, Msg.TICK);
      return Behaviors.receiveMessage(m -> {
        budget.lastEventAt = entity.now();
        if (m == Msg.TICK) {
          budget.timers++;
          if (!budget.spent()) {
            entity.sendAfter(1 + random.nextLong(1_000_000), self, Msg.TICK);
            peers.get(random.nextInt(peers.size())).tell(Msg.POKE);
          }
        } else {
          budget.messages++;
        }
        return Behaviors.same();
      });
    });
  }

  static Result runOnce(String label, int actors, long events, long seed, Config config) throws Exception {
    SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1.0, seed);
    Budget budget = new Budget(events);
    Behavior<Void> root = Behaviors.setup(ctx -> {
      List<ActorRef<Msg>> peers = new ArrayList<>(actors);
      for (int i = 0; i < actors; i++) {
        String name = String.format(Locale.ROOT, "node-%05d", i);
        peers.add(ctx.spawn(node(kernel, name, peers, budget), name, SimKernel.DISPATCHER));
      }
      return Behaviors.empty();
    });
    ActorSystem<Void> system = kernel.startSystem("kernel-rate-" + label, root, config);
    try {
      CompletableFuture<Long> loopThread = new CompletableFuture<>();
      kernel.inject(() -> loopThread.complete(Thread.currentThread().getId()));
      kernel.runUntil(0).toCompletableFuture().get(60, TimeUnit.SECONDS); // actors spawned, first timers set
      long loopId = loopThread.get();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long timers0 = kernel.timersFired();
      long tasks0 = kernel.tasksRun();
      long cpu0 = threads.getThreadCpuTime(loopId);
      long start = System.nanoTime();
      long horizon = kernel.runUntil(Long.MAX_VALUE / 2).toCompletableFuture().get(1, TimeUnit.HOURS);
      long wall = System.nanoTime() - start;
      long cpu = threads.getThreadCpuTime(loopId) - cpu0;
      long[] counts = new long[3];
      kernel.inject(() -> {
        counts[0] = budget.timers;
        counts[1] = budget.messages;
        counts[2] = budget.lastEventAt;
      });
      kernel.runUntil(horizon).toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (kernel.timersFired() - timers0 != counts[0]) {
        throw new IllegalStateException("timer count mismatch: kernel " + (kernel.timersFired() - timers0)
            + ", actors " + counts[0]);
      }
      return new Result(counts[0], counts[1], kernel.tasksRun() - tasks0, counts[2], wall, cpu);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void print(String label, Result r) {
    System.out.printf(Locale.ROOT,
        "%-8s %,d timers + %,d messages in %.3f s wall, %.3f s simulated: "
            + "%,.0f timers/s, %,.0f messages/s, %,.0f events/s (loop thread CPU %.3f s: %,.0f events per CPU-s; %,d loop tasks)%n",
        label, r.timers(), r.messages(), r.wallNanos() / 1e9, SimTime.toSeconds(r.simNanos()),
        r.perSecond(r.timers()), r.perSecond(r.messages()), r.perSecond(r.timers() + r.messages()),
        r.loopCpuNanos() / 1e9, r.perCpuSecond(r.timers() + r.messages()), r.tasks());
  }

  public static void main(String[] args) throws Exception {
    int actors = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long events = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 5_000_000L;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Config config = args.length > 3
        ? ConfigFactory.parseString(SimKernel.DISPATCHER_PATH + ".throughput = " + Integer.parseInt(args[3]))
        : ConfigFactory.empty();
    int throughput = config.withFallback(ConfigFactory.load()).getInt(SimKernel.DISPATCHER_PATH + ".throughput");

    System.out.printf(Locale.ROOT, "KernelRate: %d actors, %,d events per run, throughput %d, %d CPUs, %s%n",
        actors, events, throughput, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    print("warm-up", runOnce("warmup", actors, events, 0, config)); // JIT: Akka's deep paths compile late
    double best = 0;
    double bestCpu = 0;
    for (int i = 1; i <= runs; i++) {
      Result r = runOnce("run" + i, actors, events, i, config);
      print("run " + i, r);
      best = Math.max(best, r.perSecond(r.timers() + r.messages()));
      bestCpu = Math.max(bestCpu, r.perCpuSecond(r.timers() + r.messages()));
    }
    System.out.printf(Locale.ROOT, "best: %,.0f events/s wall, %,.0f events per loop-thread CPU second%n", best, bestCpu);
    System.exit(0);
  }
}
