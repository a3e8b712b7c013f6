package io.domsim.migration.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.testkit.SimHarness;
import io.domsim.migration.FlowPurpose;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A migration's streams, end to end on the fabric: a sender that starts each live round when the last byte of the
 * one before has left (pipelined rounds, {@link Fabric.Delivery#DEPARTURE}), then the final copy, done when its
 * last byte has arrived. Each flow's bytes move one latency after its start, so the whole takes one latency more
 * per flow than it did when flows moved at once: with four rounds and the final copy, six latencies (a start for
 * each of the five flows, and the final copy's last byte) instead of one.
 */
@Timeout(60)
class FabricLookaheadTest {
  static final long GIB = 1L << 30;
  static final long GBIT = 1_000_000_000L;
  static final long LATENCY = 100_000; // 100 µs

  /** Starts each flow when the one before is done; records when each was done. */
  private static Behavior<Object> sender(SimKernel kernel, ActorRef<Fabric.Command> fabric, long[] rounds,
      long finalCopy, ConcurrentLinkedQueue<Long> done) {
    return Behaviors.setup(ctx -> {
      ActorRef<Fabric.FlowEvent> self = ctx.getSelf().narrow();
      int[] sent = {0};
      Runnable next = () -> {
        int i = sent[0]++;
        if (i < rounds.length) {
          fabric.tell(new Fabric.StartFlow(new FlowId("m1", new FlowPurpose.Round(i + 1, 0)), "src", "dst",
              rounds[i], 0, self, kernel.currentEvent(), new Fabric.Stream(Fabric.Delivery.DEPARTURE, 0, 0)));
        } else if (i == rounds.length) {
          fabric.tell(new Fabric.StartFlow(new FlowId("m1", FlowPurpose.FINAL_COPY), "src", "dst", finalCopy, 0,
              self, kernel.currentEvent()));
        }
      };
      return Behaviors.receiveMessage(m -> {
        if (m instanceof Fabric.FlowDone d) {
          done.add(d.finishedNanos());
        }
        next.run(); // "go", or the flow before is done
        return Behaviors.same();
      });
    });
  }

  @ParameterizedTest
  @EnumSource(ClockKind.class)
  void aMigrationsRoundsAndFinalCopyTakeOneLatencyMorePerFlow(ClockKind clock) throws Exception {
    long[] rounds = {GIB, GIB / 4, GIB / 16, GIB / 64};
    long finalCopy = 4L << 20;
    TreeMap<String, Long> nics = new TreeMap<>();
    nics.put("src", 10 * GBIT);
    nics.put("dst", 10 * GBIT);
    ConcurrentLinkedQueue<Long> done = new ConcurrentLinkedQueue<>();
    try (SimHarness<ActorRef<Object>> h = new SimHarness<>(clock, FabricHarness.REAL_SPEED, 1, (ctx, k) -> {
      ActorRef<Fabric.Command> fabric = k.spawn(ctx, Fabric.create(k, nics, LATENCY), "fabric");
      return k.spawn(ctx, sender(k, fabric, rounds, finalCopy, done), "sender");
    })) {
      h.runUntil(0);
      h.inject(() -> h.refs.tell("go"));
      h.runUntil(10_000_000_000L);
      List<Long> ends = List.copyOf(done);
      assertEquals(rounds.length + 1, ends.size(), ends::toString);
      double bytesOverTheNic = 0; // each flow alone on a 10 Gbit/s NIC
      for (long r : rounds) {
        bytesOverTheNic += r * 8 / 10.0;
      }
      bytesOverTheNic += finalCopy * 8 / 10.0;
      double before = bytesOverTheNic + LATENCY; // flows moving at once: only the final copy's last byte in flight
      double now = bytesOverTheNic + (rounds.length + 1) * LATENCY + LATENCY;
      long total = ends.get(ends.size() - 1);
      assertEquals(now, total, rounds.length + 1, "each finish is rounded up to the nanosecond");
      assertEquals((rounds.length + 1) * LATENCY, total - before, rounds.length + 1, "one latency per flow");
      for (int i = 0; i < rounds.length; i++) {
        double round = rounds[i] * 8 / 10.0 + LATENCY;
        long took = ends.get(i) - (i == 0 ? 0 : ends.get(i - 1));
        assertEquals(round, took, 1, "round " + (i + 1) + ": its start, then its bytes");
      }
    }
  }
}
