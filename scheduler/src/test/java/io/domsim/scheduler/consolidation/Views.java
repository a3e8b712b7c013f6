package io.domsim.scheduler.consolidation;

import java.util.List;

/** Small data centres for the consolidation tests: hosts of 2 x 1,000 MHz unless said otherwise. */
final class Views {
  private Views() {}

  static final long GIB = 1L << 30;
  static final double INTERVAL = 300;

  /** A host being described. */
  static final class H {
    private final String name;
    private int cores = 2;
    private double mhz = 1000;
    private long memory = 8 * GIB;
    private long free = 8 * GIB;
    private long overhead = 0;
    private boolean hvm = true;
    private DataCentre.Power power = DataCentre.Power.ON;
    private PowerCurve curve = PowerCurve.linear(100, 200);
    private double rate = 125_000_000; // half of 2 Gbit/s: 1 GiB in about 8.6 s

    private H(String name) {
      this.name = name;
    }

    H mhz(double mhzPerCore) {
      this.mhz = mhzPerCore;
      return this;
    }

    H free(long bytes) {
      this.free = bytes;
      return this;
    }

    H noHvm() {
      this.hvm = false;
      return this;
    }

    H power(DataCentre.Power p) {
      this.power = p;
      return this;
    }

    H curve(PowerCurve c) {
      this.curve = c;
      return this;
    }

    H rate(double bytesPerSecond) {
      this.rate = bytesPerSecond;
      return this;
    }

    DataCentre.Host build() {
      return new DataCentre.Host(name, cores, mhz, memory, free, overhead, hvm, power, curve, rate);
    }
  }

  static H host(String name) {
    return new H(name);
  }

  /** A running guest of 1,000 MHz capacity. */
  static DataCentre.Guest guest(String name, String host, long memory, double demandMhz, double... history) {
    return DataCentre.Guest.running(name, host, memory, 1000, demandMhz, history);
  }

  static DataCentre.Guest migrating(String name, String from, String to, long memory, double demandMhz) {
    return new DataCentre.Guest(name, from, memory, false, 1000, demandMhz, new double[0], to);
  }

  static DataCentre dc(List<H> hosts, DataCentre.Guest... guests) {
    return new DataCentre(hosts.stream().map(H::build).toList(), List.of(guests), INTERVAL);
  }
}
