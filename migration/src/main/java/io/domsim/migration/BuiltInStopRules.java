package io.domsim.migration;

import com.typesafe.config.Config;
import io.domsim.config.MigrationSpec;

/**
 * domsim's own pre-copy stop rules, registered as plug-ins like anyone's. Each reads its constants from
 * {@code domsim.migration.stop-rules.<name>} (sources in this module's reference.conf).
 */
public final class BuiltInStopRules {
  private BuiltInStopRules() {}

  public static final class Xen implements StopRulePlugin {
    @Override
    public String name() {
      return "xen";
    }

    @Override
    public String description() {
      return "Xen 4.6+: at most max-rounds rounds, stop when fewer than target-dirty-pages pages are dirty";
    }

    @Override
    public StopRule create(Config s, MigrationSpec cluster) {
      return new StopRule.Xen(s.getInt("max-rounds"), s.getLong("target-dirty-pages"));
    }
  }

  public static final class XenLegacy implements StopRulePlugin {
    @Override
    public String name() {
      return "xen-legacy";
    }

    @Override
    public String description() {
      return "Xen <= 4.5: at most max-rounds rounds or max-factor x memory sent, stop when a round sent fewer"
          + " than target-dirty-pages pages; the sender skips pages written again during a round";
    }

    @Override
    public StopRule create(Config s, MigrationSpec cluster) {
      return new StopRule.XenLegacy(s.getInt("max-rounds"), s.getDouble("max-factor"),
          s.getLong("target-dirty-pages"),
          new StopRule.Batches(s.getLong("batch-pages"), s.getInt("max-batches-per-round")));
    }
  }

  public static final class Qemu implements StopRulePlugin {
    @Override
    public String name() {
      return "qemu";
    }

    @Override
    public String description() {
      return "QEMU: stop when what is dirty fits in migration.downtime-limit at the measured bandwidth;"
          + " with migration.auto-converge, throttle a guest that dirties faster than it is sent";
    }

    @Override
    public StopRule create(Config s, MigrationSpec cluster) {
      // Read (and checked) whether or not auto-converge is on, so that a bad value is always reported.
      AutoConverge.Settings autoConverge = new AutoConverge.Settings(
          s.getInt("throttle-initial"), s.getInt("throttle-increment"), s.getInt("throttle-max"),
          s.getInt("throttle-trigger-threshold"), s.getDuration("sync-period").toNanos());
      new AutoConverge(autoConverge); // checks the percentages
      return new StopRule.Qemu(cluster.downtimeLimit(), s.getInt("max-rounds"),
          cluster.autoConverge() ? autoConverge : null);
    }
  }
}
