package io.domsim.dom0;

/** Where a Dom0 reports migration events for its node's meters. Called on the simulation thread. */
public interface MigrationObserver {
  void started();

  void completed(long downtimeNanos);

  void aborted();

  void bytesSent(long bytes);

  void bytesReceived(long bytes);

  MigrationObserver NONE = new MigrationObserver() {
    @Override public void started() { }
    @Override public void completed(long downtimeNanos) { }
    @Override public void aborted() { }
    @Override public void bytesSent(long bytes) { }
    @Override public void bytesReceived(long bytes) { }
  };
}
