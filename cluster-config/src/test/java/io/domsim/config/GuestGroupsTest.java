package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.assertProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static io.domsim.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code guest-groups}: many guests from one entry, checked once at the entry. */
class GuestGroupsTest {

  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;

  @Test
  void groupsExpandAfterTheGuestsInGroupOrder() throws ConfigProblems {
    ClusterSpec spec = parse("""
        domsim {
          nodes = [ { name = n1 } ]
          guests = [ { name = solo } ]
          guest-groups = [
            { prefix = "web-", count = 3, type = pv, vcpus = 2, memory = 4GiB
              workload { cpu = 0.5, dirty-rate = 1000, working-set = 256MiB, io-rate = 300 } }
            { prefix = db-, count = 2, type = hvm, memory = 8192 }
          ]
        }
        """);
    assertEquals(List.of("solo", "web-1", "web-2", "web-3", "db-1", "db-2"),
        spec.guests().stream().map(GuestSpec::name).toList());
    // Everything the group does not say comes from guest-defaults, as for an entry of guests.
    assertEquals(new GuestSpec("web-2", GuestType.PV, 2, 4 * GIB, 256, Optional.empty(),
        new WorkloadSpec(0.5, 1000, 256 * MIB, 300, 0.1, Duration.ofSeconds(30))), spec.guest("web-2").orElseThrow());
    assertEquals(new GuestSpec("db-2", GuestType.HVM, 1, 8 * GIB, 256, Optional.empty(),
        new WorkloadSpec(0.5, 0, 0, 0, 0.1, Duration.ofSeconds(30))), spec.guest("db-2").orElseThrow(),
        "memory = 8192 is MiB, as in a guests entry");
  }

  @Test
  void aGroupMergesOverGuestDefaultsLikeAGuestsEntry() throws ConfigProblems {
    ClusterSpec spec = parse("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-defaults { vcpus = 4, workload { variability = 0.3, io-rate = 50 } }
          guest-groups = [ { prefix = g, count = 2, workload { cpu = 0.9 } } ]
          guests = [ { name = solo, workload { cpu = 0.9 } } ]
        }
        """);
    GuestSpec solo = spec.guest("solo").orElseThrow();
    for (GuestSpec g : spec.guests().subList(1, 3)) {
      assertEquals(new GuestSpec(g.name(), solo.type(), solo.vcpus(), solo.memoryBytes(), solo.weight(),
          solo.node(), solo.workload()), g);
    }
    assertEquals(4, solo.vcpus());
    assertEquals(new WorkloadSpec(0.9, 0, 0, 50, 0.3, Duration.ofSeconds(30)), solo.workload());
  }

  @Test
  void aGroupMayBePinnedToOneNode() throws ConfigProblems {
    ClusterSpec spec = parse("""
        domsim {
          nodes = [ { name = n1 }, { name = n2 } ]
          guest-groups = [ { prefix = p-, count = 4, node = n2 } ]
        }
        """);
    assertEquals(4, spec.guests().size());
    assertTrue(spec.guests().stream().allMatch(g -> g.node().equals(Optional.of("n2"))), spec.guests()::toString);
  }

  @Test
  void theScenarioMayNameAGroupsGuest() throws ConfigProblems {
    ClusterSpec spec = parse("""
        domsim {
          nodes = [ { name = n1 }, { name = n2 } ]
          guest-groups = [ { prefix = web-, count = 10 } ]
          scenario = [ { at = 5s, action = migrate, guest = web-7, to = n2 } ]
        }
        """);
    assertEquals("web-7", ((ScenarioAction.Migrate) spec.scenario().get(0)).guest());
  }

  @Test
  void aProblemInALargeGroupIsReportedOnceAtTheGroup() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-groups = [
            { prefix = web-, count = 1000,
              memory = 12XB }
          ]
        }
        """, "t.conf:5: domsim.guest-groups[0].memory: ", "\"12XB\" is not a size; use a number of MiB");
  }

  @Test
  void aGroupsWorkingSetIsCheckedAgainstItsMemory() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-groups = [
            { prefix = web-, count = 50, memory = 4GiB
              workload { working-set = 8GiB } }
          ]
        }
        """, "t.conf:5: domsim.guest-groups[0].workload.working-set: ",
        "8GiB is more than the guest's memory (4GiB); use at most 4GiB");
  }

  @Test
  void prefixAndCountAreRequired() {
    List<String> found = problems("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-groups = [
            { count = 3 }
            { prefix = web- }
          ]
        }
        """);
    assertEquals(2, found.size(), found::toString);
    assertProblem(found.get(0), "t.conf:4: domsim.guest-groups[0].prefix: ", "missing; use the start of the guest names");
    assertProblem(found.get(1), "t.conf:5: domsim.guest-groups[1].count: ", "missing; use a whole number from 1 to 1000000");
  }

  @Test
  void countIsOneToAMillion() throws ConfigProblems {
    List<String> found = problems("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-groups = [
            { prefix = a-, count = 0 }
            { prefix = b-, count = 1000001 }
            { prefix = c-, count = 2.5 }
          ]
        }
        """);
    assertEquals(3, found.size(), found::toString);
    assertProblem(found.get(0), "t.conf:4: domsim.guest-groups[0].count: ", "0 is out of range; use a whole number from 1 to 1000000");
    assertProblem(found.get(1), "t.conf:5: domsim.guest-groups[1].count: ", "1000001 is out of range");
    assertProblem(found.get(2), "t.conf:6: domsim.guest-groups[2].count: ", "2.5 is not a whole number");
    assertEquals(List.of("one-1"), parse("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-groups = [ { prefix = one-, count = 1 } ]
        }
        """).guests().stream().map(GuestSpec::name).toList());
  }

  @Test
  void groupKeysAreCheckedAgainstGuestDefaults() {
    List<String> found = problems("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-groups = [
            { prefix = web-, count = 2, name = web
              workload { dirty-rte = 5 } }
          ]
        }
        """);
    assertEquals(2, found.size(), found::toString);
    assertProblem(found.get(0), "t.conf:4: domsim.guest-groups[0].name: ", "unknown key");
    assertProblem(found.get(1), "t.conf:5: domsim.guest-groups[0].workload.dirty-rte: ", "did you mean \"dirty-rate\"?");
  }

  @Test
  void aGroupThatMakesTheNameOfAListedGuest() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = n1 } ]
          guests = [ { name = web-2 } ]
          guest-groups = [
            { prefix = web-, count = 3 }
          ]
        }
        """, "t.conf:5: domsim.guest-groups[0].prefix: ",
        "\"web-\" with count 3 makes web-2, already the name of domsim.guests[0] (t.conf:3); use another prefix");
  }

  @Test
  void twoGroupsThatMakeTheSameNames() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = n1 } ]
          guest-groups = [
            { prefix = web-, count = 20 }
            { prefix = web-1, count = 5 }
          ]
        }
        """, "t.conf:5: domsim.guest-groups[1].prefix: ",
        "\"web-1\" with count 5 makes web-11, already the name of domsim.guest-groups[0] (t.conf:4) (and 4 more "
            + "names are taken)");
  }

  @Test
  void aGroupBiggerThanAnyNode() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = small, memory = 16GiB }, { name = big, memory = 64GiB } ]
          guest-groups = [
            { prefix = huge-, count = 500,
              memory = 100GiB }
          ]
        }
        """, "t.conf:5: domsim.guest-groups[0].memory: ",
        "100GiB does not fit on any node; the largest is big with 60GiB free after dom0");
  }

  @Test
  void aGroupPinnedToAMissingNode() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = node-1 }, { name = node-2 } ]
          guest-groups = [
            { prefix = web-, count = 100,
              node = node-3 }
          ]
        }
        """, "t.conf:5: domsim.guest-groups[0].node: ", "no node is named \"node-3\"; did you mean \"node-1\"?");
  }

  @Test
  void anHvmGroupPinnedToANodeWithoutHardwareSupport() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = legacy-1, cpu.hvm-support = false } ]
          guest-groups = [
            { prefix = db-, count = 3, type = hvm,
              node = legacy-1 }
          ]
        }
        """, "t.conf:5: domsim.guest-groups[0].node: ",
        "legacy-1 has no hardware virtualization (cpu.hvm-support = false) and cannot run the HVM guests "
            + "db-1 ... db-3; pin the group to an HVM-capable node or make the group type = pv");
  }

  @Test
  void anHvmGroupWithNoHvmNodeAnywhere() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = legacy-1, cpu.hvm-support = false } ]
          guest-groups = [ { prefix = db-, count = 3, type = hvm } ]
        }
        """, "t.conf:3: domsim.guest-groups[0].type: ", "no node has it; make it type = pv");
  }

  @Test
  void aPinnedGroupWhoseGuestsAreBiggerThanTheirNode() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = small, memory = 16GiB }, { name = big } ]
          guest-groups = [ { prefix = g-, count = 2, memory = 32GiB, node = small } ]
        }
        """, "t.conf:3: domsim.guest-groups[0].node: ",
        "small has 12GiB free after dom0, less than the 32GiB of each of g-1 ... g-2; pin the group to a bigger "
            + "node such as big");
  }

  @Test
  void groupsWithoutNodesCountTheirGuests() {
    assertOnlyProblem("""
        domsim {
          guest-groups = [ { prefix = g-, count = 5 } ]
        }
        """, "t.conf:2: domsim.guest-groups: ", "5 guests but no nodes to run them; add nodes or node-groups");
  }

  @Test
  void tenThousandGuestsFromOneGroup() throws ConfigProblems {
    ClusterSpec spec = parse("""
        domsim {
          node-groups = [ { prefix = node-, count = 100, memory = 512GiB } ]
          guest-groups = [
            { prefix = "web-", count = 10000, type = pv, vcpus = 2, memory = 4GiB
              workload { cpu = 0.5, dirty-rate = 1000, working-set = 256MiB, io-rate = 300 } }
          ]
        }
        """);
    List<GuestSpec> guests = spec.guests();
    assertEquals(10_000, guests.size());
    List<String> expected = new ArrayList<>();
    IntStream.rangeClosed(1, 10_000).forEach(i -> expected.add("web-" + i));
    assertEquals(expected, guests.stream().map(GuestSpec::name).toList());
    assertTrue(guests.stream().allMatch(g -> g.memoryBytes() == 4 * GIB && g.vcpus() == 2), "same values");
    // One template, renamed: the group was read once, not once per guest.
    assertSame(guests.get(0).workload(), guests.get(9_999).workload());
  }
}
