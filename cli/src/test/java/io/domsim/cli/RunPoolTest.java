package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RunPoolTest {

  @Test
  void outcomesComeInRunOrderWhateverOrderTheRunsEndIn() throws InterruptedException {
    CountDownLatch lastEnded = new CountDownLatch(1);
    List<Integer> done = new ArrayList<>();
    List<String> outcomes = RunPool.runAll("test", 3, 3, i -> {
      if (i == 2) {
        lastEnded.countDown();
      } else {
        lastEnded.await(); // runs 0 and 1 end after run 2
      }
      return "run " + i + " on " + Thread.currentThread().getName();
    }, done::add);
    assertEquals(List.of("run 0 on test-run", "run 1 on test-run", "run 2 on test-run"), outcomes);
    assertEquals(List.of(1, 2, 3), done);
  }

  @Test
  void aRunThatThrowsEndsTheSessionOnceAllHaveEnded() {
    RuntimeException bug = new RuntimeException("bug");
    List<Integer> ran = new ArrayList<>();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunPool.runAll("sweep", 3, 1, i -> {
      ran.add(i);
      if (i == 1) {
        throw bug;
      }
      return i;
    }, d -> { }));
    assertEquals("a sweep run failed outside the simulation", e.getMessage());
    assertSame(bug, e.getCause());
    assertEquals(List.of(0, 1, 2), ran);
  }
}
