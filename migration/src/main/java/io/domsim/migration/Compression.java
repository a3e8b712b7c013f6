package io.domsim.migration;

import io.domsim.hypervisor.Page;

/**
 * How a sender compresses each memory page before it goes on the wire, and what that costs: QEMU's
 * {@code multifd-compression} ({@code none}, {@code zlib}, {@code zstd}: each multifd channel compresses its
 * own pages, {@code migration/multifd-zlib.c}, {@code multifd-zstd.c}). A page takes {@code 1 / ratio} of its
 * size on the wire; the sending channel spends {@code compressCyclesPerPage} on it and the receiving Dom0
 * {@code decompressCyclesPerPage}.
 *
 * @param name as the configuration names it
 * @param ratio uncompressed over compressed size, at least 1
 */
public record Compression(String name, double ratio, double compressCyclesPerPage, double decompressCyclesPerPage) {
  /** Pages go as they are. */
  public static final Compression NONE = new Compression("none", 1, 0, 0);

  public Compression {
    if (name == null || !(ratio >= 1) || !(compressCyclesPerPage >= 0) || !(decompressCyclesPerPage >= 0)) {
      throw new IllegalArgumentException("compression " + name + ": the ratio must be at least 1 and the cycles"
          + " at least 0: " + ratio + ", " + compressCyclesPerPage + ", " + decompressCyclesPerPage);
    }
  }

  /** What {@code pages} whole pages take on the wire. */
  public long wireBytes(long pages) {
    long whole = pages * Page.BYTES;
    return ratio == 1 ? whole : Math.round(whole / ratio);
  }

  /** Cycles per page-sized unit of wire bytes ({@link Page#BYTES}), from cycles per page compressed. */
  public double perWirePage(double cyclesPerPage) {
    return cyclesPerPage * ratio;
  }
}
