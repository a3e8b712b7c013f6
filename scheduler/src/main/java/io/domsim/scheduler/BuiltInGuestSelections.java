package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.NamedPlugin;
import io.domsim.scheduler.consolidation.GuestSelection;
import io.domsim.scheduler.consolidation.GuestSelections;

/** domsim's own guest selection policies (Beloglazov and Buyya 2012), registered as plug-ins like anyone's. */
public final class BuiltInGuestSelections {
  private BuiltInGuestSelections() {}

  /** A stateless built-in: its name, its sentence, its selection. */
  private abstract static class Stateless extends NamedPlugin implements GuestSelectionPlugin {
    private final GuestSelection selection;

    Stateless(String name, String description, GuestSelection selection) {
      super(name, description);
      this.selection = selection;
    }

    @Override
    public GuestSelection create(Config settings) {
      return selection;
    }
  }

  public static final class Mmt extends Stateless {
    public Mmt() {
      super("mmt", "minimum migration time: the guest with the least memory",
          GuestSelections.MINIMUM_MIGRATION_TIME);
    }
  }

  public static final class Mu extends Stateless {
    public Mu() {
      super("mu", "minimum utilisation: the guest using the least of its CPU", GuestSelections.MINIMUM_UTILISATION);
    }
  }

  public static final class Rs extends Stateless {
    public Rs() {
      super("rs", "random selection, from the run's seed", GuestSelections.RANDOM);
    }
  }

  public static final class Mc extends Stateless {
    public Mc() {
      super("mc", "maximum correlation: the guest whose CPU history the others' explain best (else mmt)",
          GuestSelections.MAXIMUM_CORRELATION);
    }
  }
}
