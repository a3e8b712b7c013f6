package io.domsim.hypervisor;

/**
 * The unit of guest memory: an x86 4 KiB page, what log-dirty mode tracks and what a migration sends.
 * The one definition of its size; every module counts pages with it.
 */
public final class Page {
  /** Bytes in one page (x86 base page, 4 KiB). */
  public static final long BYTES = 4096;

  private Page() {}
}
