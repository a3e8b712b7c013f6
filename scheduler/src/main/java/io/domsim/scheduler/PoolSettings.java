package io.domsim.scheduler;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The pool master's timing ({@code domsim.scheduler}): how long it waits for a host before taking it as
 * down, and how often it repeats a request meanwhile.
 */
public record PoolSettings(long hostTimeoutNanos, long retryIntervalNanos) {

  public PoolSettings {
    if (hostTimeoutNanos <= 0) {
      throw new IllegalArgumentException("scheduler.host-timeout must be greater than 0");
    }
    if (retryIntervalNanos <= 0 || retryIntervalNanos > hostTimeoutNanos) {
      throw new IllegalArgumentException("scheduler.retry-interval must be greater than 0 and at most"
          + " scheduler.host-timeout (" + Duration.ofNanos(hostTimeoutNanos).toMillis() + " ms)");
    }
  }

  /** With no repeat before the host timeout. */
  public static PoolSettings withoutRetries(long hostTimeoutNanos) {
    return new PoolSettings(hostTimeoutNanos, hostTimeoutNanos);
  }

  /** Reads {@code scheduler.host-timeout} and {@code scheduler.retry-interval} of a run's settings. */
  public static PoolSettings from(Config settings) {
    return new PoolSettings(settings.getDuration("scheduler.host-timeout").toNanos(),
        settings.getDuration("scheduler.retry-interval").toNanos());
  }
}
