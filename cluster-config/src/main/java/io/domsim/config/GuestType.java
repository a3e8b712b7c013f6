package io.domsim.config;

/** PV: modified kernel, hypercalls and split drivers. HVM: unmodified kernel, VM exits and a device model. */
public enum GuestType {
  PV, HVM;

  public String configName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
