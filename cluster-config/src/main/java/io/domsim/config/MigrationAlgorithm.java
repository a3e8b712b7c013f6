package io.domsim.config;

public enum MigrationAlgorithm {
  PRE_COPY, POST_COPY, STOP_AND_COPY;

  public String configName() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
