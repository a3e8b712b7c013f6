package io.domsim.config;

/** The pre-copy stop rule: xen (5 rounds, &lt; 50 pages), xen-legacy (29 rounds or 3x memory), qemu (downtime limit). */
public enum PrecopyPolicy {
  XEN, XEN_LEGACY, QEMU;

  public String configName() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
