package io.domsim.kernel.window;

import static io.domsim.kernel.window.WindowedKernelsTest.END;
import static io.domsim.kernel.window.WindowedKernelsTest.L;
import static io.domsim.kernel.window.WindowedKernelsTest.MEMBERS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.window.WindowedKernelsTest.Msg;
import io.domsim.kernel.window.WindowedKernelsTest.Post;
import io.domsim.kernel.window.WindowedKernelsTest.Start;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The window protocol between three actor systems on loopback (Artery TCP), every delivery, report and grant
 * through the wire and Kryo: the entities see what one kernel shows them.
 */
@Timeout(90)
class WindowLinkOverArteryTest {

  private static Config remote() {
    return ConfigFactory.parseString("""
        akka.actor.provider = remote
        akka.remote.artery.transport = tcp
        akka.remote.artery.canonical.hostname = "127.0.0.1"
        akka.remote.artery.canonical.port = 0
        domsim.kernel.kryo.registrations { "io.domsim.kernel.window.WindowedKernelsTest$Ping" = on }
        """);
  }

  /** {@code ref}, an actor of {@code owner}, as {@code in} reaches it: through the wire when they differ. */
  private static <T> ActorRef<T> seenFrom(ActorSystem<?> in, ActorSystem<?> owner, ActorRef<T> ref) {
    return in == owner ? ref
        : ActorRefResolver.get(in).resolveActorRef(ActorRefResolver.get(owner).toSerializationFormat(ref));
  }

  @Test
  void threeActorSystemsOverTheWireSeeWhatOneKernelSees() throws Exception {
    Map<String, List<String>> expected = WindowedKernelsTest.oneKernel();
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    TreeMap<String, ActorSystem<Void>> systems = new TreeMap<>();
    TreeMap<String, WindowedMember> members = new TreeMap<>();
    TreeMap<String, WindowLink.Links> links = new TreeMap<>();
    TreeMap<String, ActorRef<WindowLink.Command>> linkRefs = new TreeMap<>();
    TreeMap<String, Map<String, ActorRef<Msg>>> local = new TreeMap<>();
    // Each member's view of every pinger: its own, or a remote ref through its own system.
    Map<String, Map<String, ActorRef<Msg>>> dirs = new ConcurrentHashMap<>();
    try {
      for (String m : MEMBERS) {
        SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 42);
        WindowLink.Links transport = new WindowLink.Links();
        WindowedMember member = new WindowedMember(m, kernel, transport);
        Post post = (from, to, at, msg) -> {
          ActorRef<Msg> ref = dirs.get(m).get(to);
          String toMember = WindowedKernelsTest.memberOf(to);
          if (toMember.equals(m)) {
            from.sendAt(at, ref, msg);
          } else {
            member.send(from, toMember, at, ref, msg);
          }
        };
        List<String> here = WindowedKernelsTest.all().stream().filter(p -> WindowedKernelsTest.memberOf(p).equals(m))
            .toList();
        CompletableFuture<Map<String, ActorRef<Msg>>> refs = new CompletableFuture<>();
        ActorSystem<Void> system = kernel.startSystem("member-" + m, akka.actor.typed.javadsl.Behaviors.setup(ctx -> {
          TreeMap<String, ActorRef<Msg>> spawned = new TreeMap<>();
          for (String p : here) {
            spawned.put(p, kernel.spawn(ctx, WindowedKernelsTest.pinger(kernel, p, post, seen), p));
          }
          refs.complete(spawned);
          return akka.actor.typed.javadsl.Behaviors.empty();
        }), remote());
        systems.put(m, system);
        members.put(m, member);
        links.put(m, transport);
        local.put(m, refs.get(10, SECONDS));
        WindowCoordinator coordinator = m.equals(MEMBERS.get(0)) ? new WindowCoordinator(MEMBERS, L, END) : null;
        linkRefs.put(m, system.systemActorOf(WindowLink.create(member, coordinator, transport), "windows",
            akka.actor.typed.Props.empty()));
      }
      for (String m : MEMBERS) {
        TreeMap<String, ActorRef<WindowLink.Command>> view = new TreeMap<>();
        TreeMap<String, ActorRef<Msg>> dir = new TreeMap<>();
        for (String other : MEMBERS) {
          view.put(other, seenFrom(systems.get(m), systems.get(other), linkRefs.get(other)));
          local.get(other).forEach((p, ref) -> dir.put(p, seenFrom(systems.get(m), systems.get(other), ref)));
        }
        links.get(m).set(systems.get(m), view, MEMBERS.get(0));
        dirs.put(m, dir);
      }
      for (String m : MEMBERS) {
        local.get(m).values().forEach(ref -> ref.tell(new Start()));
      }
      members.values().forEach(WindowedMember::start);
      for (String m : MEMBERS) {
        assertEquals(END, members.get(m).ended().toCompletableFuture().get(60, SECONDS), m);
      }
    } finally {
      for (ActorSystem<Void> s : systems.values()) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }
    assertEquals(new TreeMap<>(expected), new TreeMap<>(seen));
  }
}
