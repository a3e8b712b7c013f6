package io.domsim.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GridTest {

  @Test
  void everyCombinationTimesEverySeedTheFirstSettingSlowest() throws Exception {
    Grid g = Grid.parse(List.of("a=1,2", "b=x,y,z"), "3..4");
    assertEquals(List.of(List.of("1", "x"), List.of("1", "y"), List.of("1", "z"), List.of("2", "x"), List.of("2", "y"),
        List.of("2", "z")), g.points().stream().map(Grid.Point::values).toList());
    List<Grid.Run> runs = g.runs();
    assertEquals(12, runs.size());
    assertEquals(new Grid.Run(0, new Grid.Point(List.of("1", "x")), 3), runs.get(0));
    assertEquals(new Grid.Run(1, new Grid.Point(List.of("1", "x")), 4), runs.get(1));
    assertEquals(new Grid.Run(11, new Grid.Point(List.of("2", "z")), 4), runs.get(11));
    assertEquals(List.of("a=2", "b=z", "simulation.seed=4"), g.overrides(runs.get(11)));
    assertEquals("a=2 b=z", g.describe(runs.get(11).point()));
  }

  @Test
  void seedsAreARangeOrAList() throws Exception {
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), Grid.seeds("1..5"));
    assertEquals(List.of(7L), Grid.seeds("7..7"));
    assertEquals(List.of(42L, 1L, 7L), Grid.seeds("42, 1,7"));
  }

  @Test
  void badInputIsRefusedWithTheFix() {
    assertRefused(List.of(), "1", "at least one setting");
    assertRefused(List.of("a"), "1", "is not KEY=V1,V2");
    assertRefused(List.of("=1,2"), "1", "is not KEY=V1,V2");
    assertRefused(List.of("a=1,,2"), "1", "empty value");
    assertRefused(List.of("a=1,1"), "1", "lists 1 twice");
    assertRefused(List.of("a=1", "a=2"), "1", "names a twice");
    assertRefused(List.of("simulation.seed=1,2"), "1", "--seeds");
    assertRefused(List.of("a=1"), "5..1", "runs backwards");
    assertRefused(List.of("a=1"), "1..x", "non-negative whole");
    assertRefused(List.of("a=1"), "-1", "non-negative whole");
    assertRefused(List.of("a=1"), "1,2,1", "seed 1 twice");
    assertRefused(List.of("a=1"), "0..999999", "more than");
    assertRefused(List.of("a=1,2,3,4,5,6,7,8,9,10"), "1..20000", "would make 200000 runs");
  }

  private static void assertRefused(List<String> varies, String seeds, String expected) {
    Grid.Invalid e = assertThrows(Grid.Invalid.class, () -> Grid.parse(varies, seeds));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
