package io.domsim.config.plugin;

/**
 * The kinds of plug-in a configuration can name. Each kind knows how a problem calls it and where the
 * settings of its members live: a plug-in named {@code N} of a kind reads the subtree
 * {@code domsim.settingsPath.N} of the merged configuration (empty when absent).
 */
public enum PluginKind {
  PLACEMENT("a placement policy", "scheduler.placement-policies"),
  CONSOLIDATION("a consolidation policy", "scheduler.consolidation-policies"),
  GUEST_SELECTION("a guest selection policy", "scheduler.selection-policies"),
  CONSOLIDATION_PLACEMENT("a consolidation placement policy", "scheduler.consolidation-placements"),
  MIGRATION_ALGORITHM("a migration algorithm", "migration.algorithms"),
  STOP_RULE("a pre-copy stop rule", "migration.stop-rules");

  private final String noun;
  private final String settingsPath;

  PluginKind(String noun, String settingsPath) {
    this.noun = noun;
    this.settingsPath = settingsPath;
  }

  /** "a placement policy": how a problem names what was expected. */
  public String noun() {
    return noun;
  }

  /** Where the members of this kind find their settings, by name, relative to {@code domsim}. */
  public String settingsPath() {
    return settingsPath;
  }
}
