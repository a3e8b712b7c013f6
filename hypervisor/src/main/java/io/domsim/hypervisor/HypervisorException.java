package io.domsim.hypervisor;

/** A hypercall that fails, with the errno and a sentence saying why. */
public final class HypervisorException extends RuntimeException {
  private final Errno errno;

  public HypervisorException(Errno errno, String message) {
    super(message);
    this.errno = errno;
  }

  public Errno errno() {
    return errno;
  }
}
