package io.domsim.config;

/**
 * One JVM of a simulation spread over several (an Akka Cluster member), as {@code domsim.cluster.members}
 * lists it: started with {@code domsim run CONFIG --member NAME}, it listens on {@code host:port}.
 */
public record MemberSpec(String name, String host, int port) {

  /** {@code host:port}, as messages show it. */
  public String address() {
    return host + ":" + port;
  }
}
