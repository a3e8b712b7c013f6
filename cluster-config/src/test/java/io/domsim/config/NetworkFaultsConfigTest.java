package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code network.faults}: off by default, read when set, refused outside their ranges with the range. */
class NetworkFaultsConfigTest {

  private static String cluster(String faults) {
    return """
        domsim {
          nodes = [ { name = a } ]
          network.faults { %s }
        }
        """.formatted(faults);
  }

  @Test
  void offByDefault() throws ConfigProblems {
    assertEquals(NetworkSpec.Faults.NONE, parse("domsim { nodes = [ { name = a } ] }").network().faults());
  }

  @Test
  void readWhenSet() throws ConfigProblems {
    assertEquals(new NetworkSpec.Faults(0.001, 0.25, true),
        parse(cluster("loss = 0.001, duplicate = 0.25, reorder = true")).network().faults());
    assertEquals(new NetworkSpec.Faults(0.5, 1, false), parse(cluster(""), "network.faults.loss=0.5",
        "network.faults.duplicate=1").network().faults());
  }

  @Test
  void lossIsBelowOne() {
    assertOnlyProblem(cluster("loss = 1"), "t.conf:3: domsim.network.faults.loss: ", "from 0 to below 1");
    assertOnlyProblem(cluster("loss = -0.1"), "t.conf:3: domsim.network.faults.loss: ", "from 0 to below 1");
  }

  @Test
  void duplicateIsAFraction() {
    assertOnlyProblem(cluster("duplicate = 2"), "t.conf:3: domsim.network.faults.duplicate: ", "from 0 to 1");
  }

  @Test
  void reorderIsABoolean() {
    assertOnlyProblem(cluster("reorder = sometimes"), "t.conf:3: domsim.network.faults.reorder: ", "true or false");
  }

  @Test
  void theMtuSetsWhatALinkCarriesAsDataAndIsRefusedOutsideEthernetsRange() throws ConfigProblems {
    NetworkSpec ethernet = parse("domsim { nodes = [ { name = a } ] }").network();
    assertEquals(1500, ethernet.mtu());
    assertEquals(1448.0 / 1538, ethernet.payloadFraction(), 1e-15, "MSS 1448 in 1538 bytes of line time");
    NetworkSpec jumbo = parse("domsim { nodes = [ { name = a } ], network.mtu = 9000 }").network();
    assertEquals(8948.0 / 9038, jumbo.payloadFraction(), 1e-15);
    assertOnlyProblem("domsim {\n  nodes = [ { name = a } ]\n  network.mtu = 100\n}",
        "t.conf:3: domsim.network.mtu: ", "from 576 to 9216");
    assertOnlyProblem("domsim {\n  nodes = [ { name = a } ]\n  network.mtu = 1500B\n}",
        "t.conf:3: domsim.network.mtu: ", "a whole number");
  }

  @Test
  void anUnknownFaultIsNamed() {
    assertOnlyProblem(cluster("corrupt = 0.1"), "t.conf:3: domsim.network.faults.corrupt: ", "");
  }
}
