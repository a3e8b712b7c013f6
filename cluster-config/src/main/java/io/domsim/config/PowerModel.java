package io.domsim.config;

/**
 * The values of {@code power.model}: the linear model, a table of the user's own, or a server whose
 * SPECpower_ssj2008 result domsim ships (the two of the PlanetLab consolidation studies, Beloglazov & Buyya
 * 2012, with CloudSim's tables). reference.conf repeats the tables with their sources.
 */
public enum PowerModel {
  /** {@code power.idle} at 0%, {@code power.max} at 100%, linear between. */
  LINEAR("linear", null),
  /** {@code power.table}: eleven points at 0%, 10%, ..., 100%. */
  TABLE("table", null),
  /**
   * HP ProLiant ML110 G4 (1 x Xeon 3040, 2 cores at 1,860 MHz, 4 GB): SPECpower_ssj2008 result
   * power_ssj2008-20110127-00342.
   */
  HP_PROLIANT_ML110_G4("hp-proliant-ml110-g4",
      new double[] {86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117}),
  /**
   * HP ProLiant ML110 G5 (1 x Xeon 3075, 2 cores at 2,660 MHz, 4 GB): SPECpower_ssj2008 result
   * power_ssj2008-20110124-00339.
   */
  HP_PROLIANT_ML110_G5("hp-proliant-ml110-g5",
      new double[] {93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135});

  private final String configName;
  private final double[] table;

  PowerModel(String configName, double[] table) {
    this.configName = configName;
    this.table = table;
  }

  public String configName() {
    return configName;
  }

  /** The shipped table of a named model; null for {@code linear} and {@code table}, which the node gives. */
  PowerCurve curve() {
    return table == null ? null : new PowerCurve(configName, table);
  }
}
