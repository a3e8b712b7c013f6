package io.domsim.node.members;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.domsim.config.MemberSpec;
import io.domsim.config.MembersSpec;
import java.util.List;

/**
 * The Akka configuration of one member of a run spread over several JVMs: an Akka Cluster node on Artery
 * TCP at the member's address, with the member's name as its role (so that the others can say who is
 * missing), joining the first member listed (the driver, which joins itself).
 */
public final class MemberAkka {

  /** Every member's actor system has this name: Akka Cluster joins only systems of one name. */
  public static final String SYSTEM = "domsim";

  private MemberAkka() {}

  /**
   * Room in Artery's queue of messages waiting to go to one other member. Artery drops what does not fit, with a line in
   * its log (measured: 20,000 tells at once from one thread, 13,422 dropped at the default 3,072). The setup and the
   * end tell every node elsewhere at once (a run of 10,000 nodes over three members: 3,333 `GetSnapshot`s and as many
   * `ReportInFlight`s to each serving member; as many `Booted`s and `PoolEndpoint`s back); a window's deliveries are
   * bursts too. The queue is an array of references made at its full size: 262,144 of them are 2 MiB for each member.
   */
  public static final Config QUEUES = ConfigFactory.parseString(
      "akka.remote.artery.advanced.outbound-message-queue-size = 262144");

  /** The actor system's configuration for {@code me}, over the defaults. */
  public static Config config(MembersSpec members, MemberSpec me) {
    MemberSpec driver = members.driver();
    return ConfigFactory.parseString("""
            akka.actor.provider = cluster
            akka.remote.artery.transport = tcp
            # Members are started by hand or by a test; none should die because another is slow to come.
            akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = off
            akka.cluster.jmx.enabled = off
            akka.cluster.log-info = off
            # The CLI ends the process itself once the member has left.
            akka.coordinated-shutdown.exit-jvm = off
            """)
        .withFallback(QUEUES)
        .withValue("akka.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(me.host()))
        .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(me.port()))
        .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(List.of(me.name())))
        .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of(address(driver))));
  }

  /** The name of each member's end of the window protocol, a system actor: {@code /system/window-link}. */
  public static final String WINDOW_LINK = "window-link";

  /**
   * Every member's window link, by name: {@code own} for {@code me}, the others' resolved by their path (they need
   * not be up yet), for {@code WindowLink.Links.set}.
   */
  public static java.util.TreeMap<String, akka.actor.typed.ActorRef<io.domsim.kernel.window.WindowLink.Command>>
      windowLinks(akka.actor.typed.ActorSystem<?> system, MembersSpec members, MemberSpec me,
      akka.actor.typed.ActorRef<io.domsim.kernel.window.WindowLink.Command> own) {
    akka.actor.typed.ActorRefResolver resolver = akka.actor.typed.ActorRefResolver.get(system);
    java.util.TreeMap<String, akka.actor.typed.ActorRef<io.domsim.kernel.window.WindowLink.Command>> refs =
        new java.util.TreeMap<>();
    for (MemberSpec m : members.members()) {
      refs.put(m.name(), m.equals(me) ? own : resolver.resolveActorRef(address(m) + "/system/" + WINDOW_LINK));
    }
    return refs;
  }

  /** The member's Akka address, {@code akka://domsim@host:port}. */
  public static String address(MemberSpec m) {
    return "akka://" + SYSTEM + "@" + m.host() + ":" + m.port();
  }
}
