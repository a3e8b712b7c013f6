package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scenario may migrate a guest it creates; when that create was refused (its node had failed), the migration
 * is refused with the reason, as for any guest that is not running. Found by `domsim chaos` once its variations
 * created guests: the run failed with a NullPointerException in the operator.
 */
@Timeout(60)
class MigrateAGuestWhoseCreateWasRefusedTest {

  @Test
  void theMigrationIsRefusedAndTheRunGoesOn() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse("""
        domsim {
          simulation { duration = 10s, seed = 1 }
          node-defaults { cpu { cores = 4 }, memory = 8GiB, dom0.memory = 1GiB }
          nodes = [ { name = a }, { name = b }, { name = c } ]
          guests = [ { name = web, type = pv, memory = 256MiB, node = a } ]
          scenario = [
            { at = 1s, action = fail, node = b }
            { at = 2s, action = create, guest { name = late, type = pvh, memory = 128MiB, node = b } }
            { at = 3s, action = migrate, guest = late, to = c }
          ]
        }
        """, "refused-create.conf", List.of(), Plugins.onClassPath());
    RunResult result = ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { });
    MigrationResult m = result.migrations().get(0);
    assertEquals(MigrationOutcome.REFUSED, m.outcome(), m::toString);
    assertNull(m.type(), "no guest of that name ever ran: its type is unknown, as for any unknown guest");
    assertTrue(m.reason().startsWith("guest late is not running (its xl create was refused)"), m.reason());
    assertEquals(List.of("web"), result.guests().stream().map(RunResult.GuestResult::name).toList(),
        "late never existed");
  }
}
