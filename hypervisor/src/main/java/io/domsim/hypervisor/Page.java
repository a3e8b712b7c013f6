package io.domsim.hypervisor;

/**
 * The unit of guest memory: an x86 4 KiB page, what log-dirty mode tracks and what a migration sends.
 * The one definition of its size; every module counts pages with it.
 */
public final class Page {
  /** Bytes in one page (x86 base page, 4 KiB). */
  public static final long BYTES = 4096;

  private Page() {}

  /** A guest's memory in pages (at least one). */
  public static long memoryPages(io.domsim.config.GuestSpec guest) {
    return Math.max(1, guest.memoryBytes() / BYTES);
  }

  /** A guest's working set in pages (at least one, so the dirty model is defined for idle guests). */
  public static long workingSetPages(io.domsim.config.GuestSpec guest) {
    return Math.max(1, guest.workload().workingSetBytes() / BYTES);
  }

  /**
   * The pages a guest has ever touched ({@code workload.resident}, rounded up to whole pages): at least its
   * working set, at most its memory. The others are never-touched pages, never written.
   */
  public static long residentPages(io.domsim.config.GuestSpec guest) {
    long memory = memoryPages(guest);
    long resident = guest.workload().resident().bytesOf(guest.memoryBytes());
    long pages = resident / BYTES + (resident % BYTES == 0 ? 0 : 1);
    return Math.min(memory, Math.max(workingSetPages(guest), pages));
  }
}
