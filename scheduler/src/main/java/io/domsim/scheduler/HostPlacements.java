package io.domsim.scheduler;

import io.domsim.scheduler.PoolProtocol.HostReply;
import java.util.TreeMap;

/**
 * A host's record of the pool master's requests, by placement id: the pure core that makes the host side
 * of the pool protocol idempotent. A request may arrive twice, late, or after the master gave up on it;
 * the record says what to do, so that a repeat gets the first answer and never a second claim or domain,
 * and a released id is never claimed again. The Dom0 carries the steps out with hypercalls.
 */
public final class HostPlacements {

  /** Where one placement id stands on this host. */
  public enum Stage {
    /** The claim hypercall is under way. */
    CLAIMING,
    /** The memory is claimed; the answer was Reserved. */
    CLAIMED,
    /** The claim was refused (the answer says why). */
    REFUSED,
    /** The domain is being built from the claim. */
    STARTING,
    /** The domain runs; the answer was Started. */
    STARTED,
    /** The build failed and the claim is gone; the answer was StartFailed. */
    FAILED,
    /** The master gave up: no claim is held under this id, and none will be made. */
    RELEASED
  }

  /** What the host does with a request. */
  public enum Step {
    /** Claim the memory (Reserve) or build the domain (Commit). */
    PROCEED,
    /** Send the answer given before ({@link #answer}). */
    REPEAT,
    /** Refuse: the commit names no claim here. */
    REFUSE,
    /** Give the claim back (Release of a held claim). */
    RELEASE_CLAIM,
    /** Nothing: the request is already under way, or was given up. */
    NOTHING
  }

  private static final class Entry {
    Stage stage;
    HostReply reserveAnswer;
    HostReply commitAnswer;

    Entry(Stage stage) {
      this.stage = stage;
    }
  }

  private final TreeMap<String, Entry> entries = new TreeMap<>();

  /** Where {@code id} stands, or null for an id never seen. */
  public Stage stage(String id) {
    Entry e = entries.get(id);
    return e == null ? null : e.stage;
  }

  /** A Reserve arrives. PROCEED means: claim now (the id is CLAIMING from here on). */
  public Step reserve(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      entries.put(id, new Entry(Stage.CLAIMING));
      return Step.PROCEED;
    }
    return e.reserveAnswer != null && e.stage != Stage.RELEASED ? Step.REPEAT : Step.NOTHING;
  }

  /**
   * The claim hypercall succeeded, {@code answer} being the Reserved to send. False when the master gave
   * up meanwhile: then release the claim and answer nothing.
   */
  public boolean claimed(String id, HostReply answer) {
    Entry e = entries.get(id);
    if (e.stage == Stage.RELEASED) {
      return false;
    }
    e.stage = Stage.CLAIMED;
    e.reserveAnswer = answer;
    return true;
  }

  /** The claim was refused, {@code answer} being the refusal. False when the master gave up meanwhile (answer nothing). */
  public boolean refused(String id, HostReply answer) {
    Entry e = entries.get(id);
    if (e.stage == Stage.RELEASED) {
      return false;
    }
    e.stage = Stage.REFUSED;
    e.reserveAnswer = answer;
    return true;
  }

  /** A Commit arrives. PROCEED means: build from the claim now (the id is STARTING from here on). */
  public Step commit(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      return Step.REFUSE;
    }
    return switch (e.stage) {
      case CLAIMED -> {
        e.stage = Stage.STARTING;
        yield Step.PROCEED;
      }
      case STARTED, FAILED -> Step.REPEAT;
      case REFUSED, RELEASED -> Step.REFUSE;
      // Not answered yet (the master commits only after Reserved, so a claim under way cannot be it).
      case CLAIMING, STARTING -> Step.NOTHING;
    };
  }

  /** The build ended: {@code started} or not, {@code answer} being what to send (now and to any repeat). */
  public void built(String id, boolean started, HostReply answer) {
    Entry e = entries.get(id);
    e.stage = started ? Stage.STARTED : Stage.FAILED;
    e.commitAnswer = answer;
  }

  /**
   * A Release arrives. RELEASE_CLAIM: give the held claim back. Afterwards the id is RELEASED unless its
   * commit went ahead (the master never releases a committed id; should one come, the domain stays).
   * Either way the host answers Released.
   */
  public Step release(String id) {
    Entry e = entries.computeIfAbsent(id, x -> new Entry(Stage.RELEASED));
    return switch (e.stage) {
      case CLAIMED -> {
        e.stage = Stage.RELEASED;
        yield Step.RELEASE_CLAIM;
      }
      case CLAIMING, REFUSED -> {
        e.stage = Stage.RELEASED; // a claim under way is given back when it completes (see claimed)
        yield Step.NOTHING;
      }
      default -> Step.NOTHING;
    };
  }

  /** The answer given to {@code id}'s reserve or commit, for a REPEAT. */
  public HostReply answer(String id, boolean toCommit) {
    Entry e = entries.get(id);
    return toCommit ? e.commitAnswer : e.reserveAnswer;
  }
}
