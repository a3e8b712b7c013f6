package io.domsim.config;

import java.time.Duration;
import java.util.Optional;

/** One entry of the scenario timeline, applied at simulated time {@code at}. */
public sealed interface ScenarioAction {
  Duration at();

  /** Live-migrate a guest; algorithm and policy default to the cluster's migration settings. */
  record Migrate(Duration at, String guest, String to, Optional<String> algorithm,
      Optional<String> policy) implements ScenarioAction {}

  /** Crash a node: its guests are lost and migrations to or from it abort. */
  record Fail(Duration at, String node) implements ScenarioAction {}

  /** Boot a failed node again, empty: its lost guests stay lost; it takes migrations again. */
  record Recover(Duration at, String node) implements ScenarioAction {}
}
