package io.domsim.cli.chaos;

import static io.domsim.cli.chaos.FaultPlan.millis;
import static io.domsim.cli.chaos.FaultPlan.q;

import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Locale;

/**
 * The faults {@code domsim chaos} injects, each one entry: what it adds to a variation ({@link #inject}),
 * bounded so that the cluster keeps working, and the smallest configuration change that uses it
 * ({@link #probe}), which tells whether this build of domsim has it: the command refuses a kind whose probe
 * the configuration loader refuses (a build without message loss, say), with a sentence.
 */
public enum FaultKind {
  /** A node crashes; at most a minority of the nodes, each once. */
  CRASH("node crashes (action = fail)") {
    @Override
    void inject(FaultPlan plan) {
      List<String> nodes = plan.shuffledNodes();
      int count = plan.random().nextInt((nodes.size() - 1) / 2 + 1);
      for (String node : nodes.subList(0, count)) {
        long at = plan.instant();
        plan.add(this, at, "fail", "node = " + q(node));
        plan.crashed(node, at);
      }
    }

    @Override
    public List<String> probe(String node) {
      return scenario("{ at = 1ms, action = fail, node = " + q(node) + " }");
    }
  },

  /** Up to two nodes cut off the network, for a while or to the end. */
  PARTITION("network partitions (action = partition)") {
    @Override
    void inject(FaultPlan plan) {
      for (int i = plan.random().nextInt(3); i > 0; i--) {
        String node = plan.pick(plan.base().nodes());
        long at = plan.instant();
        Long length = plan.lengthOrForever();
        if (plan.take(this, node, at, length)) {
          plan.add(this, at, "partition", "node = " + q(node) + (length == null ? "" : ", duration = " + millis(length)));
        }
      }
    }

    @Override
    public List<String> probe(String node) {
      return scenario("{ at = 1ms, action = partition, node = " + q(node) + ", duration = 1ms }");
    }
  },

  /** Up to two nodes on a slow and/or far link, for a while or to the end. */
  DEGRADE("degraded links (action = degrade-link)") {
    @Override
    void inject(FaultPlan plan) {
      for (int i = plan.random().nextInt(3); i > 0; i--) {
        String node = plan.pick(plan.base().nodes());
        long at = plan.instant();
        Long length = plan.lengthOrForever();
        boolean slow = plan.random().nextInt(3) != 0;
        String bandwidth = "bandwidth = " + plan.pick(List.of("10Mbps", "100Mbps", "500Mbps"));
        // No faster than the cluster's latency (the configuration refuses that): 2 to 500 times it (or 100 us).
        long unit = Math.max(plan.base().latencyNanos(), 100_000);
        String latency = "latency = " + FaultPlan.nanos(unit * (2 + plan.random().nextInt(499)));
        String how = !slow ? latency : plan.random().nextBoolean() ? bandwidth : bandwidth + ", " + latency;
        if (plan.take(this, node, at, length)) {
          plan.add(this, at, "degrade-link", "node = " + q(node) + ", " + how
              + (length == null ? "" : ", duration = " + millis(length)));
        }
      }
    }

    @Override
    public List<String> probe(String node) {
      return scenario("{ at = 1ms, action = degrade-link, node = " + q(node) + ", bandwidth = 100Mbps, duration = 1ms }");
    }
  },

  /**
   * Message faults on the simulated network for the whole run, in every other run: a loss rate, and the
   * duplicate rate and reordering when this build declares them (a rate for a number, on or off for a flag).
   */
  LOSS("message loss (network.faults.loss)") {
    @Override
    void inject(FaultPlan plan) {
      if (plan.random().nextBoolean()) {
        return;
      }
      for (String key : List.of("loss", "duplicate", "reorder")) {
        String path = "network.faults." + key;
        if (plan.base().settings().hasPath(path)) {
          boolean flag = plan.base().settings().getValue(path).valueType() == ConfigValueType.BOOLEAN;
          plan.set(path, flag ? Boolean.toString(plan.random().nextBoolean())
              : plan.pick(List.of("0.0001", "0.001", "0.01", "0.05")));
        }
      }
      plan.count(this);
    }

    @Override
    public List<String> probe(String node) {
      return List.of("network.faults.loss=0.001");
    }
  },

  /** A crashed node boots again (empty), in half the crashes, within seconds. Needs {@link #CRASH}. */
  RECOVER("node recovery (action = recover)") {
    @Override
    void inject(FaultPlan plan) {
      for (var crash : plan.crashes().entrySet()) {
        long at = crash.getValue() + 100 + plan.random().nextLong(5_000);
        if (plan.random().nextBoolean() && at < plan.base().durationMillis()) {
          plan.add(this, at, "recover", "node = " + q(crash.getKey()));
        }
      }
    }

    @Override
    public List<String> probe(String node) {
      return scenario("{ at = 1ms, action = fail, node = " + q(node) + " }, { at = 2ms, action = recover, node = "
          + q(node) + " }");
    }
  };

  private final String description;

  FaultKind(String description) {
    this.description = description;
  }

  /** Adds this kind's faults to a variation, drawing from {@code plan.random()}. */
  abstract void inject(FaultPlan plan);

  /** The smallest {@code --set} overrides that use this fault on {@code node}; a build without it refuses them. */
  public abstract List<String> probe(String node);

  /** The word of {@code --faults}: crash, partition, degrade, loss, recover. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What it is, as a noun phrase with the configuration it uses: "message loss (network.faults.loss)". */
  public String description() {
    return description;
  }

  /** A kind this one is pointless without (recover needs crashes), or null. */
  public FaultKind needs() {
    return this == RECOVER ? CRASH : null;
  }

  public static FaultKind ofWord(String word) {
    for (FaultKind k : values()) {
      if (k.word().equals(word)) {
        return k;
      }
    }
    return null;
  }

  private static List<String> scenario(String entries) {
    return List.of("scenario=[" + entries + "]");
  }
}
