package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7, point 3: a thousand chaos runs of the small bundled cluster (examples/chaos.conf: five nodes,
 * PV and HVM guests, 20 simulated seconds each), every algorithm and stop rule, every fault kind this build
 * has, checked by the invariant monitor at every event and by the end-of-run checks: no violation. 30-40 s
 * on two cores (the runs share this JVM, two at a time; each run's result does not depend on that).
 */
class ChaosIT {
  private static final Pattern ROW = Pattern.compile("(?m)^(runs|migrations|faults|violations) +(\\d+) *(.*)$");
  private static final Pattern COUNT = Pattern.compile("([a-z-]+) (\\d+)");

  @Test
  @Timeout(600)
  void aThousandChaosRunsKeepEveryInvariant() {
    long start = System.nanoTime();
    Cli.Outcome o = Cli.run("chaos", Cli.example("chaos.conf").toString(), "--runs", "1000", "--seed", "1",
        "--jobs", "2", "--no-progress");
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("ChaosIT: 1000 chaos runs in %.1f s%n", seconds);
    assertEquals(0, o.code(), o.out() + o.err());
    assertEquals("", o.err());
    Map<String, Map<String, Integer>> rows = new TreeMap<>();
    Matcher row = ROW.matcher(o.out());
    while (row.find()) {
      Map<String, Integer> counts = new TreeMap<>();
      counts.put("total", Integer.parseInt(row.group(2)));
      Matcher c = COUNT.matcher(row.group(3));
      while (c.find()) {
        counts.put(c.group(1), Integer.parseInt(c.group(2)));
      }
      rows.put(row.group(1), counts);
    }
    assertEquals(Map.of("total", 1000, "passed", 1000, "failed", 0), rows.get("runs"), o.out());
    assertEquals(Map.of("total", 0), rows.get("violations"), o.out());
    // The runs went through every ending a migration can have, and every fault was injected many times.
    Map<String, Integer> migrations = rows.get("migrations");
    for (String outcome : new String[] {"completed", "aborted", "failed", "refused", "in-progress"}) {
      assertTrue(migrations.get(outcome) >= 50, outcome + ": " + o.out());
    }
    Map<String, Integer> faults = rows.get("faults");
    assertTrue(faults.keySet().containsAll(java.util.List.of("crash", "partition", "degrade")), o.out());
    faults.forEach((kind, n) -> assertTrue(n >= 100, kind + ": " + o.out()));
  }
}
