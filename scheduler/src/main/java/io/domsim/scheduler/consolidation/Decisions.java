package io.domsim.scheduler.consolidation;

import java.util.List;

/**
 * What one consolidation step decided, for the pool master to carry out.
 *
 * @param powerOn hosts to power on, in configuration order, before the moves to them can start
 * @param moves live migrations, in the order decided: those off overloaded hosts first, then those emptying
 *     under-loaded hosts, host by host
 * @param switchOff hosts to switch off, in configuration order, once they hold no guest (an emptied host
 *     after its guests have left; if one of those migrations fails, the host stays on)
 */
public record Decisions(List<String> powerOn, List<Move> moves, List<String> switchOff) {

  /** Nothing to do. */
  public static final Decisions NONE = new Decisions(List.of(), List.of(), List.of());

  /** Why a guest moves. */
  public enum Reason {
    /** Its host is overloaded (steps 1 to 3). */
    OVERLOAD,
    /** Its host is under-loaded and is emptied to be switched off (step 4). */
    UNDERLOAD
  }

  /** Live-migrate {@code guest} from {@code from} to {@code to}. */
  public record Move(String guest, String from, String to, Reason reason) {}

  public Decisions {
    powerOn = List.copyOf(powerOn);
    moves = List.copyOf(moves);
    switchOff = List.copyOf(switchOff);
  }

  public boolean isEmpty() {
    return powerOn.isEmpty() && moves.isEmpty() && switchOff.isEmpty();
  }
}
