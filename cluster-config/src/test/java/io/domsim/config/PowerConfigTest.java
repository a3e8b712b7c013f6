package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A node's {@code power}: the linear model, a SPECpower table, the named models, and the off/boot settings. */
class PowerConfigTest {

  private static final String TABLE = "[86W, 89.4W, 92.6W, 96W, 99.5W, 102W, 106W, 108W, 112W, 114W, 117W]";
  private static final double[] G4 = {86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117};
  private static final double[] G5 = {93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135};

  private static PowerSpec power(String nodeDefaults, String node) throws ConfigProblems {
    return parse("domsim {\n node-defaults { " + nodeDefaults + " }\n nodes = [ { name = n, " + node + " } ]\n}\n")
        .node("n").orElseThrow().power();
  }

  @Test
  void theDefaultIsLinearWithOffAndBootSettings() throws ConfigProblems {
    PowerSpec p = power("", "");
    assertEquals(PowerCurve.linear(120, 300), p.curve());
    assertEquals(5, p.offWatts());
    assertEquals(Duration.ofMinutes(3), p.bootTime());
    assertEquals(Duration.ofSeconds(30), p.shutdownTime());
    PowerSpec set = power("power { off = 0W, boot-time = 90s, shutdown-time = 0s }", "");
    assertEquals(0, set.offWatts());
    assertEquals(Duration.ofSeconds(90), set.bootTime());
    assertEquals(Duration.ZERO, set.shutdownTime());
  }

  @Test
  void theNamedModelsAreThePlanetLabStudysTables() throws ConfigProblems {
    assertArrayEquals(G4, power("", "power.model = hp-proliant-ml110-g4").curve().points());
    assertArrayEquals(G5, power("", "power.model = hp-proliant-ml110-g5").curve().points());
    assertEquals("hp-proliant-ml110-g5", power("", "power.model = hp-proliant-ml110-g5").curve().model());
  }

  @Test
  void aTableAloneIsTheModel() throws ConfigProblems {
    PowerCurve table = power("", "power.table = " + TABLE).curve();
    assertEquals("table", table.model());
    assertArrayEquals(G4, table.points());
    assertEquals(table, power("", "power { model = table, table = " + TABLE + " }").curve());
    assertEquals(table, power("power.table = " + TABLE, "").curve(), "from node-defaults");
  }

  @Test
  void theModelWrittenCloserToTheNodeWins() throws ConfigProblems {
    assertEquals("table", power("power.model = hp-proliant-ml110-g4", "power.table = " + TABLE).curve().model());
    assertEquals("hp-proliant-ml110-g5",
        power("power.table = " + TABLE, "power.model = hp-proliant-ml110-g5").curve().model());
    assertEquals(PowerCurve.linear(100, 200),
        power("power.table = " + TABLE, "power { model = linear, idle = 100W, max = 200W }").curve());
  }

  @Test
  void aModelAndATableSideBySideContradictEachOther() {
    assertOnlyProblem("domsim { nodes = [ { name = n, power { model = hp-proliant-ml110-g4, table = " + TABLE
        + " } } ] }", "t.conf:1: domsim.nodes[0].power.model: ", "power.model = hp-proliant-ml110-g4 and power.table"
        + " are both given here; write model = table to use the table, or remove the table");
    assertOnlyProblem("domsim { nodes = [ { name = n, power.model = table } ] }",
        "t.conf:1: domsim.nodes[0].power.table: ", "power.model = table needs the table: 11 powers");
  }

  @Test
  void aTableHasElevenNondecreasingPowers() {
    assertOnlyProblem("domsim { nodes = [ { name = n, power.table = [86W, 90W, 95W] } ] }",
        "t.conf:1: domsim.nodes[0].power.table: ", "has 3 points; use 11 powers, the watts at 0%, 10%, ..., 100% CPU");
    assertOnlyProblem("domsim { nodes = [ { name = n, power.table = [86W, 89.4W, 92.6W, 96W, 99.5W, 98W, 106W, 108W,"
        + " 112W, 114W, 117W] } ] }", "t.conf:1: domsim.nodes[0].power.table: ",
        "the point at 50% (98W) is less than the one at 40% (99.5W); a node draws no less when busier");
    assertOnlyProblem("domsim { nodes = [ { name = n, power.table = [86W, 89.4W, 92.6V, 96W, 99.5W, 102W, 106W, 108W,"
        + " 112W, 114W, 117W] } ] }", "t.conf:1: domsim.nodes[0].power.table[2]: ",
        "\"92.6V\" is not a power (unknown unit \"V\"); each point is a power from 0 to 1MW, such as 86W");
    assertOnlyProblem("domsim { nodes = [ { name = n, power.table = 86W } ] }",
        "t.conf:1: domsim.nodes[0].power.table: ", "\"86W\" is not a list; use 11 powers");
    assertOnlyProblem("domsim { nodes = [ { name = n, power.table = [-1W, 89.4W, 92.6W, 96W, 99.5W, 102W, 106W, 108W,"
        + " 112W, 114W, 117W] } ] }", "t.conf:1: domsim.nodes[0].power.table[0]: ", "is out of range");
  }

  @Test
  void anUnknownModelIsNamedWithTheChoices() {
    assertOnlyProblem("domsim { nodes = [ { name = n, power.model = hp-proliant-ml110-g6 } ] }",
        "t.conf:1: domsim.nodes[0].power.model: ", "linear, table, hp-proliant-ml110-g4 or hp-proliant-ml110-g5");
  }

  @Test
  void offAndTheTransitionTimesHaveRanges() {
    assertOnlyProblem("domsim { nodes = [ { name = n, power.off = -5W } ] }",
        "t.conf:1: domsim.nodes[0].power.off: ", "use a power from 0 to 1MW, such as 5W");
    assertOnlyProblem("domsim { nodes = [ { name = n, power.boot-time = 3 } ] }",
        "t.conf:1: domsim.nodes[0].power.boot-time: ", "a duration from 0 to 365d, such as 3m");
    assertOnlyProblem("domsim { nodes = [ { name = n, power.shutdown-time = 400d } ] }",
        "t.conf:1: domsim.nodes[0].power.shutdown-time: ", "a duration from 0 to 365d, such as 30s");
  }

  @Test
  void theCurveIsLinearBetweenItsPoints() {
    PowerCurve g4 = new PowerCurve("t", G4);
    assertEquals(86, g4.watts(0));
    assertEquals(117, g4.watts(1));
    assertEquals(117, g4.watts(1.5), "clamped");
    assertEquals(86, g4.watts(-0.1), "clamped");
    assertEquals(92.6 + (96 - 92.6) * 0.5, g4.watts(0.25), 1e-12);
    assertEquals(102, g4.watts(0.5), 1e-12);
  }

  @Test
  void theLinearCurveIsTheFormerFormulaBitForBit() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 10_000; i++) {
      double idle = random.nextDouble(0, 500);
      double max = idle + random.nextDouble(0, 500);
      double u = random.nextDouble(-0.1, 1.1);
      double former = idle + (max - idle) * Math.min(1.0, Math.max(0.0, u));
      assertEquals(former, PowerCurve.linear(idle, max).watts(u), 0.0);
    }
  }
}
