package io.domsim.config;

/**
 * One JVM of a simulation spread over several (an Akka Cluster member), as {@code domsim.cluster.members}
 * lists it: started with {@code domsim run CONFIG --member NAME}, it listens on {@code host:port}.
 *
 * @param metricsPort where it serves its nodes' Prometheus meters when {@code metrics.prometheus.enabled}; null for
 *     the default ({@link MembersSpec#metricsPort})
 */
public record MemberSpec(String name, String host, int port, Integer metricsPort) {

  /** A member with the default metrics port. */
  public MemberSpec(String name, String host, int port) {
    this(name, host, port, null);
  }

  /** {@code host:port}, as messages show it. */
  public String address() {
    return host + ":" + port;
  }
}
