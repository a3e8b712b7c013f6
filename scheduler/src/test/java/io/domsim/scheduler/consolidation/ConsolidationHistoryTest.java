package io.domsim.scheduler.consolidation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.scheduler.PoolProtocol.GuestLoad;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsolidationHistoryTest {

  static GuestLoad load(String guest, double mean) {
    return new GuestLoad(guest, 1L << 30, false, 2000, mean + 1, mean, null);
  }

  @Test
  void aGuestsHistoryFollowsItFromHostToHostInConfigurationOrder() {
    ConsolidationHistory h = new ConsolidationHistory(List.of("b", "a"));
    List<DataCentre.Guest> first = h.record(List.of(load("a", 100), load("zz", 5), load("b", 200)),
        Map.of("a", "n1", "b", "n2", "zz", "n1"));
    assertEquals(List.of("b", "a", "zz"), first.stream().map(DataCentre.Guest::name).toList(),
        "configured guests in configuration order, others after by name");
    List<DataCentre.Guest> second = h.record(List.of(load("a", 300)), Map.of("a", "n2"));
    assertEquals("n2", second.get(0).host());
    assertArrayEquals(new double[] {100, 300}, second.get(0).history());
    assertEquals(301, second.get(0).demandMhz());
    assertArrayEquals(new double[] {200}, h.of("b"), "b was not reported: it keeps its history");
  }

  @Test
  void aHistoryKeepsTheLastThirtyValues() {
    ConsolidationHistory h = new ConsolidationHistory(List.of("a"));
    for (int i = 1; i <= 40; i++) {
      h.record(List.of(load("a", i)), Map.of("a", "n"));
    }
    double[] values = h.of("a");
    assertEquals(DataCentre.HISTORY_LENGTH, values.length);
    assertEquals(11, values[0]);
    assertEquals(40, values[values.length - 1]);
  }
}
