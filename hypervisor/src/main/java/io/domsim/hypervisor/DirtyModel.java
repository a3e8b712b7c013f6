package io.domsim.hypervisor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Locale;

/**
 * How log-dirty mode counts dirty pages ({@code domsim.hypervisor.dirty-model}; reference.conf of this
 * module says what each costs and proves).
 */
public enum DirtyModel {
  /** The expected count for uniform writes over the working set: any size, O(1). */
  ANALYTIC,
  /** A real bitmap with seeded writes and per-page versions: exact, memory grows with the guest. */
  PAGE;

  private static final String PATH = "hypervisor.dirty-model";

  /**
   * Reads {@code hypervisor.dirty-model} from the {@code domsim} subtree.
   *
   * @throws ConfigException.BadValue naming the setting and the values it takes
   */
  public static DirtyModel from(Config domsim) {
    String name = domsim.getString(PATH);
    for (DirtyModel m : values()) {
      if (m.configName().equals(name)) {
        return m;
      }
    }
    throw new ConfigException.BadValue(domsim.getValue(PATH).origin(), PATH,
        "\"" + name + "\" is not a dirty-page model; use analytic or page");
  }

  /** The name the configuration uses. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Makes each domain's log; {@code seed} seeds the page model's writes. */
  public DirtyLog.Factory factory(long seed) {
    return this == PAGE ? DirtyLog.pageLevel(seed) : DirtyLog.analytic();
  }
}
