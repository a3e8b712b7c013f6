package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.assertProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static io.domsim.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One test per kind of mistake: the exact FILE:LINE: PATH: prefix, and the phrase that explains it. */
class ValidationTest {

  @Nested
  class UnknownKeys {

    @Test
    void closeSpellingIsSuggested() {
      assertOnlyProblem("""
          domsim {
            node-defaults {
              cpu { corse = 4 }
            }
          }
          """, "t.conf:3: domsim.node-defaults.cpu.corse: ", "unknown key; did you mean \"cores\"?");
    }

    @Test
    void prefixIsSuggested() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1, cpu { hvm = false } } ]
          }
          """, "t.conf:2: domsim.nodes[0].cpu.hvm: ", "did you mean \"hvm-support\"?");
    }

    @Test
    void withoutACloseKeyTheAllowedKeysAreListed() {
      assertOnlyProblem("""
          domsim {
            network { bandwidth = 1Gbps }
          }
          """, "t.conf:2: domsim.network.bandwidth: ", "unknown key; allowed here: faults, latency");
    }

    @Test
    void guestEntryKeysAreCheckedAgainstGuestDefaults() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { name = g1, workload { dirty-rte = 5 } }
            ]
          }
          """, "t.conf:4: domsim.guests[0].workload.dirty-rte: ", "did you mean \"dirty-rate\"?");
    }

    @Test
    void scenarioKeysDependOnTheAction() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1 } ]
            scenario = [
              { at = 1s, action = fail, node = n1, guest = g1 }
            ]
          }
          """, "t.conf:5: domsim.scenario[0].guest: ", "unknown key; allowed here: action, at, node");
    }

    @Test
    void keysThatAnotherModuleDeclaresAreAccepted() throws ConfigProblems {
      ClusterSpec spec = parse("""
          domsim {
            test-module { knob = 5, nested.depth = 3 }
            nodes = [ { name = n1, test-extra = 9 } ]
          }
          """);
      assertEquals(5, spec.settings().getInt("test-module.knob"));
      assertOnlyProblem("""
          domsim {
            test-module { nested.dpeth = 3 }
          }
          """, "t.conf:2: domsim.test-module.nested.dpeth: ", "did you mean \"depth\"?");
    }

    @Test
    void aTopLevelKeyThatBelongsInsideDomsim() {
      assertOnlyProblem("""
          domsim { }
          guests = []
          """, "t.conf:2: guests: ", "did you mean \"domsim.guests\"?");
    }

    @Test
    void aMisspelledDomsim() {
      assertOnlyProblem("""
          domsmi { }
          """, "t.conf:1: domsmi: ", "did you mean \"domsim\"?");
    }
  }

  @Nested
  class TypesAndUnits {

    @Test
    void guestMemoryThatIsNotASize() {
      List<String> found = problems("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { name = g0 }
              { name = g1, memory = 12XB }
            ]
          }
          """);
      assertEquals(List.of("t.conf:5: domsim.guests[1].memory: \"12XB\" is not a size; use a number of MiB or a "
          + "size such as 4GiB or 512MiB (at most 1PiB)"), found);
    }

    @Test
    void aListWhereAnObjectBelongs() {
      assertOnlyProblem("""
          domsim {
            simulation = [1, 2]
          }
          """, "t.conf:2: domsim.simulation: ", "[...] is not an object; use simulation { ... }");
    }

    @Test
    void anObjectWhereAListBelongs() {
      assertOnlyProblem("""
          domsim {
            nodes { name = n1 }
          }
          """, "t.conf:2: domsim.nodes: ", "is not a list");
    }

    @Test
    void aListEntryThatIsNotAnObject() {
      assertOnlyProblem("""
          domsim {
            nodes = [
              node-1
            ]
          }
          """, "t.conf:3: domsim.nodes[0]: ", "\"node-1\" is not an object");
    }

    @Test
    void aWordWhereANumberBelongs() {
      assertOnlyProblem("""
          domsim {
            node-defaults.cpu.cores = many
          }
          """, "t.conf:2: domsim.node-defaults.cpu.cores: ", "\"many\" is not a whole number");
    }

    @Test
    void aFractionWhereAWholeNumberBelongs() {
      assertOnlyProblem("""
          domsim {
            node-defaults.cpu.cores = 2.5
          }
          """, "t.conf:2: domsim.node-defaults.cpu.cores: ", "2.5 is not a whole number");
    }

    @Test
    void aBandwidthWithAnUnknownUnit() {
      assertOnlyProblem("""
          domsim {
            node-defaults.nic = 10Gbs
          }
          """, "t.conf:2: domsim.node-defaults.nic: ", "\"10Gbs\" is not a bandwidth (unknown unit \"Gbs\")");
    }

    @Test
    void aBandwidthWithoutUnit() {
      assertOnlyProblem("""
          domsim {
            migration.bandwidth = 1000
          }
          """, "t.conf:2: domsim.migration.bandwidth: ", "1000 is not a bandwidth (a bare number needs a unit)");
    }

    @Test
    void aMigrationBandwidthIsDefaultZeroOrABandwidth() {
      assertOnlyProblem("""
          domsim {
            migration.bandwidth = defualt
          }
          """, "t.conf:2: domsim.migration.bandwidth: ", "\"defualt\" is not a bandwidth; use default (the policy's own"
          + " cap), 0 for no cap, or a bandwidth");
    }

    @Test
    void aNicOfZero() {
      assertOnlyProblem("""
          domsim {
            node-defaults.nic = 0
          }
          """, "t.conf:2: domsim.node-defaults.nic: ", "0 is out of range; use a bandwidth greater than 0");
    }

    @Test
    void aPowerInVolts() {
      assertOnlyProblem("""
          domsim {
            node-defaults.power.idle = 120V
          }
          """, "t.conf:2: domsim.node-defaults.power.idle: ", "\"120V\" is not a power");
    }

    @Test
    void aDurationWithoutUnitIsRefused() {
      assertOnlyProblem("""
          domsim {
            network.latency = 30
          }
          """, "t.conf:2: domsim.network.latency: ", "30 is not a duration (a bare number needs a unit)");
    }

    @Test
    void aDurationWithAnUnknownUnit() {
      assertOnlyProblem("""
          domsim {
            migration.downtime-limit = 5 parsecs
          }
          """, "t.conf:2: domsim.migration.downtime-limit: ", "\"5 parsecs\" is not a duration");
    }

    @Test
    void aBooleanThatIsNot() {
      assertOnlyProblem("""
          domsim {
            migration.auto-converge = maybe
          }
          """, "t.conf:2: domsim.migration.auto-converge: ", "\"maybe\" is not a boolean; use true or false");
    }


    @Test
    void enumsAreLowerCaseAndListTheAllowedValues() {
      List<String> found = problems("""
          domsim {
            simulation.clock = Virtual
            scheduler.placement = next-fit
            migration.algorithm = precopy
            migration.policy = kvm
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, type = hvmpv } ]
          }
          """);
      assertEquals(5, found.size(), found::toString);
      assertProblem(found.get(0), "t.conf:2: domsim.simulation.clock: ", "\"Virtual\" is not a clock; use virtual or real");
      assertProblem(found.get(1), "t.conf:3: domsim.scheduler.placement: ", "use best-fit, first-fit or worst-fit");
      assertProblem(found.get(2), "t.conf:4: domsim.migration.algorithm: ", "use post-copy, pre-copy or stop-and-copy");
      assertProblem(found.get(3), "t.conf:5: domsim.migration.policy: ", "\"kvm\" is not a pre-copy stop rule; use qemu, xen or xen-legacy");
      assertProblem(found.get(4), "t.conf:7: domsim.guests[0].type: ", "\"hvmpv\" is not a guest type; use pv, hvm, pvh or pvhvm");
    }
  }

  @Nested
  class Ranges {

    @Test
    void zeroCores() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1, cpu.cores = 0, dom0.vcpus = 1 } ]
          }
          """, "t.conf:2: domsim.nodes[0].cpu.cores: ", "0 is out of range; use a whole number of at least 1");
    }

    @Test
    void zeroVcpus() {
      assertOnlyProblem("""
          domsim {
            guest-defaults.vcpus = 0
          }
          """, "t.conf:2: domsim.guest-defaults.vcpus: ", "0 is out of range; use a whole number of at least 1");
    }

    @Test
    void zeroGroupCount() {
      assertOnlyProblem("""
          domsim {
            node-groups = [ { prefix = r-, count = 0 } ]
          }
          """, "t.conf:2: domsim.node-groups[0].count: ", "0 is out of range; use a whole number from 1 to");
    }

    @Test
    void weightOutsideXensRange() {
      List<String> found = problems("""
          domsim {
            node-defaults.dom0.weight = 0
            guest-defaults.weight = 65536
          }
          """);
      assertEquals(2, found.size(), found::toString);
      assertProblem(found.get(0), "t.conf:2: domsim.node-defaults.dom0.weight: ", "use a whole number from 1 to 65535");
      assertProblem(found.get(1), "t.conf:3: domsim.guest-defaults.weight: ", "65536 is out of range");
    }

    @Test
    void zeroGhz() {
      assertOnlyProblem("""
          domsim {
            node-defaults.cpu.ghz = 0
          }
          """, "t.conf:2: domsim.node-defaults.cpu.ghz: ", "use a number greater than 0");
    }

    @Test
    void workloadCpuIsAFraction() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, workload.cpu = 1.5 } ]
          }
          """, "t.conf:3: domsim.guests[0].workload.cpu: ", "1.5 is out of range; use a number from 0 to 1");
    }

    @Test
    void negativeRatesAndWorkingSet() {
      List<String> found = problems("""
          domsim {
            guest-defaults.workload {
              dirty-rate = -1
              io-rate = -0.5
              working-set = "-1GiB"
            }
          }
          """);
      assertEquals(3, found.size(), found::toString);
      assertProblem(found.get(0), "t.conf:3: domsim.guest-defaults.workload.dirty-rate: ", "-1 is out of range");
      assertProblem(found.get(1), "t.conf:4: domsim.guest-defaults.workload.io-rate: ", "-0.5 is out of range");
      assertProblem(found.get(2), "t.conf:5: domsim.guest-defaults.workload.working-set: ",
          "\"-1GiB\" is out of range; use a size of at least 0");
    }

    @Test
    void workingSetLargerThanTheGuest() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { name = g1, memory = 4GiB,
                workload { working-set = 8GiB } }
            ]
          }
          """, "t.conf:5: domsim.guests[0].workload.working-set: ",
          "8GiB is more than the guest's memory (4GiB); use at most 4GiB");
    }

    @Test
    void residentBelowTheWorkingSetOrAboveTheGuest() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { name = g1, memory = 4GiB,
                workload { working-set = 1GiB, resident = 0.125 } }
            ]
          }
          """, "t.conf:5: domsim.guests[0].workload.resident: ",
          "512MiB resident is less than the working set (1GiB), which lies within it; use at least 1GiB, or a"
              + " smaller working-set");
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { name = g1, memory = 4GiB,
                workload { resident = 8GiB } }
            ]
          }
          """, "t.conf:5: domsim.guests[0].workload.resident: ",
          "8GiB is more than the guest's memory (4GiB); use at most 4GiB, or a fraction such as 0.25");
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { name = g1, memory = 4GiB,
                workload { resident = 1.5 } }
            ]
          }
          """, "t.conf:5: domsim.guests[0].workload.resident: ", "1.5 is out of range; use a fraction of the"
              + " guest's memory from 0 to 1, such as 0.25, or a size such as 1GiB");
    }

    @Test
    void writeSkewIsReadAndCheckedAndUniformByDefault() throws ConfigProblems {
      GuestSpec skewed = ConfigAssertions.parse("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, workload { working-set = 128MiB, hot-fraction = 0.1, hot-write-share = 0.9 } } ]
          }
          """).guests().get(0);
      assertEquals(new WriteSkew(0.1, 0.9), skewed.workload().skew());
      assertEquals(3277, skewed.workload().skew().hotPages(32768));
      GuestSpec byDefault = ConfigAssertions.parse("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1 } ]
          }
          """).guests().get(0);
      assertEquals(WriteSkew.UNIFORM, byDefault.workload().skew());
      assertEquals(32768, byDefault.workload().skew().hotPages(32768));
      assertEquals(32768, new WriteSkew(0.25, 0.25).hotPages(32768), "share = fraction: uniform");
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, workload { hot-fraction = 0 } } ]
          }
          """, "t.conf:3: domsim.guests[0].workload.hot-fraction: ",
          "0 is out of range; use a fraction of the working set above 0 and at most 1, such as 0.1");
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, workload { hot-write-share = 1.5 } } ]
          }
          """, "t.conf:3: domsim.guests[0].workload.hot-write-share: ",
          "1.5 is out of range; use a fraction of the writes from 0 to 1, such as 0.9");
    }

    @Test
    void residentAsASizeOrAFraction() throws ConfigProblems {
      GuestSpec sized = ConfigAssertions.parse("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, memory = 4GiB, workload { working-set = 256MiB, resident = 1GiB } } ]
          }
          """).guests().get(0);
      assertEquals(1L << 30, sized.workload().resident().bytesOf(sized.memoryBytes()));
      GuestSpec fraction = ConfigAssertions.parse("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, memory = 4GiB, workload { resident = 0.25 } } ]
          }
          """).guests().get(0);
      assertEquals(1L << 30, fraction.workload().resident().bytesOf(fraction.memoryBytes()));
      GuestSpec byDefault = ConfigAssertions.parse("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [ { name = g1, memory = 4GiB } ]
          }
          """).guests().get(0);
      assertEquals(Resident.ALL, byDefault.workload().resident());
    }

    @Test
    void powerMaxBelowIdle() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1, power { idle = 200W, max = 1.5e2W } } ]
          }
          """, "t.conf:2: domsim.nodes[0].power.max: ", "150W is less than power.idle (200W); use at least 200W");
    }

    @Test
    void simulationSettings() {
      List<String> found = problems("""
          domsim {
            simulation {
              speed = 0
              duration = 0s
              seed = 1.5
            }
          }
          """);
      assertEquals(3, found.size(), found::toString);
      assertProblem(found.get(0), "t.conf:3: domsim.simulation.speed: ", "use a number of at least 0.001");
      assertProblem(found.get(1), "t.conf:4: domsim.simulation.duration: ", "\"0s\" is out of range; use a duration greater than 0");
      assertProblem(found.get(2), "t.conf:5: domsim.simulation.seed: ", "1.5 is not a whole number");
    }

    @Test
    void seedIsALong() throws ConfigProblems {
      assertEquals(Long.MAX_VALUE, parse("domsim.simulation.seed = 9223372036854775807").simulation().seed());
      assertOnlyProblem("domsim.simulation.seed = 9223372036854775808", "t.conf:1: domsim.simulation.seed: ",
          "is not a whole number (too large)");
    }

    @Test
    void sampleIntervalLongerThanTheRun() {
      assertOnlyProblem("""
          domsim {
            simulation {
              duration = 30s
              sample-interval = 1m
            }
          }
          """, "t.conf:4: domsim.simulation.sample-interval: ", "1m is longer than simulation.duration (30s)");
    }

    @Test
    void aRunShorterThanTheDefaultSampleIntervalBlamesWhatTheUserWrote() {
      assertOnlyProblem("""
          domsim {
            simulation.duration = 500ms
          }
          """, "t.conf:2: domsim.simulation.duration: ", "500ms is shorter than simulation.sample-interval (1s)");
    }

    @Test
    void zeroSampleInterval() {
      assertOnlyProblem("domsim.simulation.sample-interval = 0", "t.conf:1: domsim.simulation.sample-interval: ",
          "0 is out of range; use a duration of at least 1ms");
    }

    @Test
    void prometheusPort() throws ConfigProblems {
      assertOnlyProblem("domsim.metrics.prometheus.port = 65536", "t.conf:1: domsim.metrics.prometheus.port: ",
          "use a whole number from 0 to 65535");
      assertEquals(0, parse("domsim.metrics.prometheus.port = 0").metrics().prometheus().port(),
          "0 asks for any free port");
    }

    @Test
    void prometheusHostThatIsNoAddressNorHostName() throws ConfigProblems {
      assertOnlyProblem("domsim.metrics.prometheus.host = \"bogus host\"", "t.conf:1: domsim.metrics.prometheus.host: ",
          "\"bogus host\" is not an address or a host name; use an address to listen on, such as 127.0.0.1");
      for (String good : new String[] {"0.0.0.0", "::", "[::1]", "localhost", "metrics-1.example.org"}) {
        assertEquals(good, parse("domsim.metrics.prometheus.host = \"" + good + "\"").metrics().prometheus().host());
      }
    }
  }

  @Nested
  class Names {

    @Test
    void duplicateNodeNamesNameTheOtherLine() {
      assertOnlyProblem("""
          domsim {
            nodes = [
              { name = n1 }
              { name = n1 }
            ]
          }
          """, "t.conf:4: domsim.nodes[1].name: ", "\"n1\" is already the name of domsim.nodes[0] (t.conf:3)");
    }

    @Test
    void aGroupThatMakesAnExistingName() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = rack-2 } ]
            node-groups = [
              { prefix = rack-, count = 3 }
            ]
          }
          """, "t.conf:4: domsim.node-groups[0].prefix: ",
          "\"rack-\" with count 3 makes rack-2, already the name of domsim.nodes[0] (t.conf:2)");
    }

    @Test
    void duplicateGuestNames() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { name = g1 }
              { name = g1 }
            ]
          }
          """, "t.conf:5: domsim.guests[1].name: ", "\"g1\" is already the name of domsim.guests[0] (t.conf:4)");
    }

    @Test
    void emptyName() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = "" } ]
          }
          """, "t.conf:2: domsim.nodes[0].name: ", "\"\" is empty; use a unique node name");
    }

    @Test
    void aMissingNameIsReportedAtItsEntry() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1 } ]
            guests = [
              { memory = 2GiB }
            ]
          }
          """, "t.conf:4: domsim.guests[0].name: ", "missing; use a unique guest name");
    }
  }

  @Nested
  class Capacity {

    @Test
    void dom0MemoryMustLeaveRoomForGuests() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1, memory = 8GiB,
                        dom0.memory = 8GiB } ]
          }
          """, "t.conf:3: domsim.nodes[0].dom0.memory: ", "8GiB leaves no memory for guests on a node with 8GiB");
    }

    @Test
    void aSmallNodeWithTheDefaultDom0BlamesTheNodeEntry() {
      assertOnlyProblem("""
          domsim {
            nodes = [
              { name = n1, memory = 2GiB }
            ]
          }
          """, "t.conf:3: domsim.nodes[0].dom0.memory: ", "4GiB leaves no memory for guests on a node with 2GiB");
    }

    @Test
    void dom0VcpusAtMostTheCores() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1, cpu.cores = 4, dom0.vcpus = 8 } ]
          }
          """, "t.conf:2: domsim.nodes[0].dom0.vcpus: ", "8 is more than the node's 4 cores; use at most 4");
    }

    @Test
    void aGuestBiggerThanAnyNode() {
      assertOnlyProblem("""
          domsim {
            nodes = [
              { name = small, memory = 16GiB }
              { name = big, memory = 64GiB }
            ]
            guests = [ { name = g1, memory = 100GiB } ]
          }
          """, "t.conf:6: domsim.guests[0].memory: ",
          "100GiB does not fit on any node; the largest is big with 60GiB free after dom0");
    }

    @Test
    void aGuestPinnedToAMissingNode() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = node-1 }, { name = node-2 } ]
            guests = [ { name = g1, node = node-3 } ]
          }
          """, "t.conf:3: domsim.guests[0].node: ", "no node is named \"node-3\"; did you mean \"node-1\"?");
    }

    @Test
    void anHvmGuestPinnedToANodeWithoutHardwareSupport() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = legacy-1, cpu.hvm-support = false } ]
            guests = [
              { name = db-1, type = hvm,
                node = legacy-1 }
            ]
          }
          """, "t.conf:5: domsim.guests[0].node: ",
          "pin it to an HVM-capable node or make it type = pv");
    }

    @Test
    void anHvmGuestWithNoHvmNodeAnywhere() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = legacy-1, cpu.hvm-support = false } ]
            guests = [ { name = db-1, type = hvm } ]
          }
          """, "t.conf:3: domsim.guests[0].type: ", "no node has it; make it type = pv");
    }

    @Test
    void aPinnedGuestBiggerThanItsNode() {
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = small, memory = 16GiB }, { name = big } ]
            guests = [ { name = g1, memory = 32GiB, node = small } ]
          }
          """, "t.conf:3: domsim.guests[0].node: ",
          "small has 12GiB free after dom0, less than g1's 32GiB; pin it to a bigger node such as big");
    }

    @Test
    void guestsWithoutNodes() {
      assertOnlyProblem("""
          domsim {
            guests = [ { name = g1 } ]
          }
          """, "t.conf:2: domsim.guests: ", "1 guest but no nodes to run them; add nodes or node-groups");
    }
  }

  @Nested
  class Scenario {

    private static final String CLUSTER = """
        domsim {
          nodes = [ { name = node-1 }, { name = node-2 } ]
          guests = [ { name = web-1 } ]
        """;

    @Test
    void anUnknownGuest() {
      assertOnlyProblem(CLUSTER + """
            scenario = [ { at = 1s, action = migrate, guest = web-2, to = node-2 } ]
          }
          """, "t.conf:4: domsim.scenario[0].guest: ", "no guest is named \"web-2\"; did you mean \"web-1\"?");
    }

    @Test
    void anUnknownDestination() {
      assertOnlyProblem(CLUSTER + """
            scenario = [ { at = 1s, action = migrate, guest = web-1, to = node-9 } ]
          }
          """, "t.conf:4: domsim.scenario[0].to: ", "no node is named \"node-9\"; did you mean \"node-1\"?");
    }

    @Test
    void failingAnUnknownNode() {
      assertOnlyProblem(CLUSTER + """
            scenario = [ { at = 1s, action = fail, node = rack-1 } ]
          }
          """, "t.conf:4: domsim.scenario[0].node: ", "no node is named \"rack-1\"; the nodes are node-1 and node-2");
    }

    @Test
    void anUnknownAction() {
      assertOnlyProblem(CLUSTER + """
            scenario = [ { at = 1s, action = reboot, node = node-1 } ]
          }
          """, "t.conf:4: domsim.scenario[0].action: ", "\"reboot\" is not an action; use migrate, fail, recover, power-off, power-on, partition, degrade-link,"
          + " network-faults, ... (13 in all)");
    }

    @Test
    void aMissingDestinationIsReportedAtItsEntry() {
      assertOnlyProblem(CLUSTER + """
            scenario = [
              { at = 1s, action = migrate, guest = web-1 }
            ]
          }
          """, "t.conf:5: domsim.scenario[0].to: ", "missing");
    }

    @Test
    void aNegativeTime() {
      assertOnlyProblem(CLUSTER + """
            scenario = [ { at = -5s, action = fail, node = node-1 } ]
          }
          """, "t.conf:4: domsim.scenario[0].at: ", "\"-5s\" is out of range; use a duration of at least 0");
    }

    @Test
    void aRecoverFollowsAFailOfItsNode() throws ConfigProblems {
      ClusterSpec spec = parse(CLUSTER + """
            scenario = [
              { at = 30s, action = recover, node = node-2 }
              { at = 10s, action = fail, node = node-2 }
              { at = 40s, action = fail, node = node-2 }
              { at = 40s, action = recover, node = node-2 }
            ]
          }
          """);
      assertEquals(List.of(
          new ScenarioAction.Fail(Duration.ofSeconds(10), "node-2"),
          new ScenarioAction.Recover(Duration.ofSeconds(30), "node-2"),
          new ScenarioAction.Fail(Duration.ofSeconds(40), "node-2"),
          new ScenarioAction.Recover(Duration.ofSeconds(40), "node-2")), spec.scenario());
    }

    @Test
    void recoveringANodeThatHasNotFailedIsRefused() {
      assertOnlyProblem(CLUSTER + """
            scenario = [ { at = 5s, action = recover, node = node-1 } ]
          }
          """, "t.conf:4: domsim.scenario[0].node: ", "node node-1 is not failed at 5s, so it cannot recover; "
          + "a recover must follow a fail of the same node with no recover in between: "
          + "add { action = fail, node = node-1 } before it, or remove it");
    }

    @Test
    void aRecoverBeforeItsFailInTimeIsRefused() {
      assertOnlyProblem(CLUSTER + """
            scenario = [
              { at = 10s, action = fail, node = node-1 }
              { at = 5s, action = recover, node = node-1 }
            ]
          }
          """, "t.conf:6: domsim.scenario[1].node: ", "node node-1 is not failed at 5s");
    }

    @Test
    void powerActionsAreReadInOrder() throws ConfigProblems {
      ClusterSpec spec = parse(CLUSTER + """
            scenario = [
              { at = 10s, action = power-off, node = node-1 }
              { at = 20s, action = power-on, node = node-1 }
            ]
          }
          """);
      assertEquals(List.of(new ScenarioAction.PowerOff(Duration.ofSeconds(10), "node-1"),
          new ScenarioAction.PowerOn(Duration.ofSeconds(20), "node-1")), spec.scenario());
    }

    @Test
    void switchingOnANodeThatIsNotOffIsRefused() {
      assertOnlyProblem(CLUSTER + """
            scenario = [ { at = 5s, action = power-on, node = node-1 } ]
          }
          """, "t.conf:4: domsim.scenario[0].node: ", "node node-1 is not switched off at 5s, so it cannot be"
          + " switched on; a power-on must follow a power-off of the same node with no power-on in between: add"
          + " { action = power-off, node = node-1 } before it, or remove it");
    }

    @Test
    void anOffNodeCannotFailOrBeSwitchedOffAgainAndAFailedOneCannotBeSwitchedOff() {
      assertOnlyProblem(CLUSTER + """
            scenario = [
              { at = 10s, action = power-off, node = node-1 }
              { at = 20s, action = fail, node = node-1 }
            ]
          }
          """, "t.conf:6: domsim.scenario[1].node: ", "node node-1 is switched off at 20s, so it cannot fail;"
          + " only a running node can fail");
      assertOnlyProblem(CLUSTER + """
            scenario = [
              { at = 10s, action = power-off, node = node-1 }
              { at = 20s, action = power-off, node = node-1 }
            ]
          }
          """, "t.conf:6: domsim.scenario[1].node: ", "node node-1 is switched off at 20s, so it cannot be"
          + " switched off");
      assertOnlyProblem(CLUSTER + """
            scenario = [
              { at = 10s, action = fail, node = node-2 }
              { at = 20s, action = power-off, node = node-2 }
            ]
          }
          """, "t.conf:6: domsim.scenario[1].node: ", "node node-2 is failed at 20s, so it cannot be switched off");
    }

    @Test
    void aSecondRecoverWithoutAFailBetweenIsRefused() {
      assertOnlyProblem(CLUSTER + """
            scenario = [
              { at = 10s, action = fail, node = node-1 }
              { at = 20s, action = recover, node = node-1 }
              { at = 30s, action = fail, node = node-2 }
              { at = 40s, action = recover, node = node-1 }
            ]
          }
          """, "t.conf:8: domsim.scenario[3].node: ", "node node-1 is not failed at 40s");
    }

    @Test
    void aRecoverTakesOnlyANode() {
      assertOnlyProblem(CLUSTER + """
            scenario = [
              { at = 1s, action = fail, node = node-1 }
              { at = 2s, action = recover, node = node-1, guest = web-1 }
            ]
          }
          """, "t.conf:6: domsim.scenario[1].guest: ", "unknown key; allowed here: action, at, node");
    }

    @Test
    void actionsAreSortedByTimeStablyAndMayLieAfterTheEnd() throws ConfigProblems {
      ClusterSpec spec = parse(CLUSTER + """
            simulation.duration = 1m
            scenario = [
              { at = 2h, action = fail, node = node-2 }
              { at = 10s, action = migrate, guest = web-1, to = node-2, algorithm = post-copy, policy = qemu }
              { at = 10s, action = fail, node = node-1 }
              { at = 0, action = fail, node = node-1 }
            ]
          }
          """);
      assertEquals(List.of(
          new ScenarioAction.Fail(Duration.ZERO, "node-1"),
          new ScenarioAction.Migrate(Duration.ofSeconds(10), "web-1", "node-2",
              java.util.Optional.of("post-copy"), java.util.Optional.of("qemu")),
          new ScenarioAction.Fail(Duration.ofSeconds(10), "node-1"),
          new ScenarioAction.Fail(Duration.ofHours(2), "node-2")), spec.scenario());
    }
  }
}
