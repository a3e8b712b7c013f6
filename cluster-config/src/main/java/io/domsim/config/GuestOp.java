package io.domsim.config;

import java.util.Locale;

/**
 * The toolstack's verbs on one guest, as a scenario (or the live operator) asks for them: {@code xl create},
 * {@code xl destroy} (at once, as pulling the plug), {@code xl pause} and {@code xl unpause} (the domain keeps
 * its memory, its vCPUs get no time), {@code xl shutdown} (the guest's own orderly shutdown: it runs on for its
 * shutdown time, then its domain is gone).
 */
public enum GuestOp {
  CREATE, DESTROY, PAUSE, UNPAUSE, SHUTDOWN;

  /** create, destroy, pause, unpause, shutdown: the word a scenario's {@code action} and report.json use. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
