package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The migration protocol's safety rules, checked by random exploration of the two pure state machines:
 * random round counts, crashes of either side at any step, failure detection after a delay. Whatever
 * happens, the guest never runs on two nodes, a failure before GO leaves it running at the source with
 * nothing left at the destination, and the source never resumes after GO (DESIGN.md invariants 1-3).
 */
class ProtocolExplorationTest {

  /** Where the guest's copies are, as the steps leave them. */
  private static final class World {
    boolean sourceExists = true;
    boolean sourceRunning = true;
    boolean targetExists;
    boolean targetRunning;
    boolean sourceCrashed;
    boolean targetCrashed;
    boolean goSent;

    void check(String context) {
      boolean runningAtSource = sourceExists && sourceRunning && !sourceCrashed;
      boolean runningAtTarget = targetExists && targetRunning && !targetCrashed;
      assertFalse(runningAtSource && runningAtTarget, "running on two nodes: " + context);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pre-copy", "post-copy", "stop-and-copy"})
  void safeUnderCrashesAtEveryStep(String name) {
    MigrationShape algorithm = Builtins.shape(name);
    int completed = 0;
    int aborted = 0;
    int lost = 0;
    for (long seed = 1; seed <= 3000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      String outcome = explore(algorithm, random, "seed " + seed + " " + algorithm);
      switch (outcome) {
        case "completed" -> completed++;
        case "aborted" -> aborted++;
        default -> lost++;
      }
    }
    assertTrue(completed > 100, "some runs complete: " + completed);
    assertTrue(aborted > 100, "some runs abort: " + aborted);
    assertTrue(lost > 0 || !algorithm.resumesBeforeMemory(), "post-copy can lose the guest");
  }

  /** One random run; returns completed, aborted or lost. */
  private static String explore(MigrationShape algorithm, SplittableRandom random, String context) {
    World w = new World();
    SourceProtocol source = new SourceProtocol(algorithm,
        Builtins.rule("xen", Duration.ofMillis(300)), (AutoConverge) null);
    TargetProtocol target = new TargetProtocol(algorithm.resumesBeforeMemory());
    // A crash happens (or not) at a random event number, on a random side.
    int crashAt = random.nextInt(14);
    boolean crashSource = random.nextBoolean();
    int event = 0;
    List<SourceStep> steps = new ArrayList<>(source.start());
    // The destination prepares (creates the paused copy) when it receives Prepare.
    boolean prepared = false;
    String result = null;
    while (result == null) {
      if (event++ == crashAt) {
        if (crashSource) {
          w.sourceCrashed = true;
          // The destination notices one latency later.
          for (TargetStep t : target.sourceLost("source failed")) {
            applyTarget(w, t);
          }
        } else {
          w.targetCrashed = true;
          for (SourceStep s : source.destinationLost("destination failed")) {
            applySource(w, s);
          }
        }
        w.check(context + " after crash");
        return settle(w, source, target, algorithm, context);
      }
      if (steps.isEmpty()) {
        break;
      }
      SourceStep step = steps.remove(0);
      applySource(w, step);
      w.check(context + " after " + step);
      if (step instanceof SourceStep.SendPrepare) {
        w.targetExists = true;
        prepared = true;
        steps.addAll(source.prepared());
      } else if (step instanceof SourceStep.SendRound s) {
        long dirty = random.nextInt(3) == 0 ? 10 : 10_000;
        steps.addAll(source.roundSent(new RoundStats(s.round(), 1000, 1000L * s.round(), dirty, 1_000_000, 1e8,
            1_000_000), dirty * 4096, 1000 * 4096));
      } else if (step instanceof SourceStep.Suspend) {
        steps.addAll(source.suspendedGuest());
      } else if (step instanceof SourceStep.SendFinalCopy) {
        steps.addAll(source.finalCopySent());
      } else if (step instanceof SourceStep.SendGo) {
        w.goSent = true;
        for (TargetStep t : target.go()) {
          applyTarget(w, t);
        }
        for (TargetStep t : target.unpaused()) {
          applyTarget(w, t);
        }
        w.check(context + " after GO");
        steps.addAll(source.resumedAtDestination());
      } else if (step instanceof SourceStep.PushRemainingPages) {
        target.allPagesArrived();
        steps.addAll(source.pushDone());
      } else if (step instanceof SourceStep.Finish f) {
        result = f.outcome() == Phase.COMPLETED ? "completed" : "aborted";
      }
    }
    assertTrue(prepared);
    assertEquals(Phase.COMPLETED, source.phase(), context);
    assertFalse(w.sourceExists, "the source copy is destroyed after the acknowledgement: " + context);
    assertTrue(w.targetExists && w.targetRunning, context);
    return "completed";
  }

  /** After a crash: check what is left and classify it. */
  private static String settle(World w, SourceProtocol source, TargetProtocol target, MigrationShape algorithm,
      String context) {
    boolean runningAtSource = w.sourceExists && w.sourceRunning && !w.sourceCrashed;
    boolean runningAtTarget = w.targetExists && w.targetRunning && !w.targetCrashed;
    // GO counts from when the source decided to send it (it may still be on the wire).
    if (!w.goSent && !source.phase().pastGo() && source.phase() != Phase.FAILED) {
      // Invariant 2: before GO the guest stays (or is again) at the source, unless the source itself died.
      assertFalse(w.targetExists && !w.targetCrashed, "no copy left at the destination: " + context);
      if (!w.sourceCrashed) {
        assertTrue(runningAtSource, "a failure before GO leaves the guest running at the source: " + context);
        return "aborted";
      }
      return "lost";
    }
    // Invariant 3: after GO the source never resumes.
    if (!w.sourceCrashed) {
      assertFalse(runningAtSource, "the source never resumes after GO: " + context);
    }
    if (runningAtTarget) {
      return "completed";
    }
    return "lost";
  }

  private static void applySource(World w, SourceStep step) {
    if (step instanceof SourceStep.Suspend) {
      w.sourceRunning = false;
    } else if (step instanceof SourceStep.ResumeSource) {
      assertFalse(w.goSent, "ResumeSource after GO");
      w.sourceRunning = true;
    } else if (step instanceof SourceStep.DestroySource) {
      w.sourceExists = false;
    }
  }

  private static void applyTarget(World w, TargetStep step) {
    if (step instanceof TargetStep.RestoreAndUnpause) {
      w.targetRunning = true;
    } else if (step instanceof TargetStep.DestroyCopy || step instanceof TargetStep.DestroyLostGuest) {
      w.targetExists = false;
      w.targetRunning = false;
    }
  }
}
