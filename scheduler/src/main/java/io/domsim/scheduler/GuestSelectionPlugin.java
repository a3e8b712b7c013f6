package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.Plugin;
import io.domsim.scheduler.consolidation.GuestSelection;

/**
 * A guest selection policy as a plug-in (which guest leaves an overloaded host first): named by
 * {@code scheduler.consolidation.selection}, found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.domsim.scheduler.GuestSelectionPlugin}.
 */
public interface GuestSelectionPlugin extends Plugin {

  /**
   * The selection for one run.
   *
   * @param settings its own subtree, {@code domsim.scheduler.selection-policies.<name>} (empty when absent)
   */
  GuestSelection create(Config settings);
}
