package io.domsim.kernel.window;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member's {@link Network.Remote}: messages to nodes of other members go through its {@link WindowedMember}
 * as timed deliveries, and are revoked through it.
 */
public final class MemberRoute implements Network.Remote {
  private final String self;
  private final WindowedMember member;
  private final TreeMap<String, String> memberOfNode;
  private final String driver;

  /**
   * @param memberOfNode every node's member, this member's nodes included
   * @param driver the driving member, where the operator is
   */
  public MemberRoute(WindowedMember member, Map<String, String> memberOfNode, String driver) {
    this.self = member.name();
    this.driver = driver;
    this.member = member;
    this.memberOfNode = new TreeMap<>(memberOfNode);
  }

  private String memberOf(String node) {
    String m = memberOfNode.get(node);
    if (m == null) {
      throw new IllegalArgumentException("node " + node + " is on no member; the nodes are " + memberOfNode.keySet());
    }
    return m;
  }

  @Override
  public boolean elsewhere(String node) {
    return !memberOf(node).equals(self);
  }

  @Override
  public <T> Runnable ship(SimEntity sender, String node, long atNanos, ActorRef<T> target, T message) {
    String to = memberOf(node);
    EventKey key = member.send(sender, to, atNanos, target, message);
    return () -> member.revoke(to, key);
  }

  @Override
  public boolean operatorElsewhere() {
    return !driver.equals(self);
  }

  @Override
  public <T> void shipToOperator(SimEntity sender, long atNanos, ActorRef<T> target, T message) {
    // A barrier there: this window's report names it, since the driver may report before it has received it, and
    // the coordinator would then grant a window past it (ClusterOverMembersTest.reportsReachingTheDriverLate...).
    member.sendToBarrier(sender, driver, atNanos, target, message);
  }

  @Override
  public <T> void tellOperatorAtOnce(ActorRef<T> target, T message) {
    member.tellAtOnce(driver, target, message);
  }
}
