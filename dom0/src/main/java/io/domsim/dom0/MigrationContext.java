package io.domsim.dom0;

import akka.actor.typed.ActorRef;
import io.domsim.config.MigrationSpec;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.StopRuleConstants;
import io.domsim.migration.net.Fabric;

/** What a Dom0 needs to migrate guests: the network fabric, the cluster's settings and its meters. */
public record MigrationContext(
    ActorRef<Fabric.Command> fabric, MigrationSpec defaults, StopRuleConstants constants, MigrationCosts costs,
    MigrationObserver observer) {}
