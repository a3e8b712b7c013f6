package io.domsim.kernel.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.window.WindowCoordinator;
import io.domsim.kernel.window.WindowLink;
import io.domsim.kernel.window.WindowedMember;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Members in one JVM, each an actor system on Artery TCP over loopback (port 0) with its own kernel and its end of
 * the window protocol (a {@link WindowLink}, reached by the others over the wire, Kryo and all), the first driving:
 * what crosses between them crosses as between JVMs. No windows run unless a test starts them.
 */
public final class LinkedMembers implements AutoCloseable {
  public final SortedMap<String, SimKernel> kernels = new TreeMap<>();
  public final SortedMap<String, ActorSystem<Void>> systems = new TreeMap<>();
  public final SortedMap<String, WindowLink.Links> links = new TreeMap<>();
  public final SortedMap<String, WindowedMember> members = new TreeMap<>();
  /** What serving members' links told the driver's of their failures. */
  public final CompletableFuture<WindowLink.Failed> driverHeard = new CompletableFuture<>();

  public LinkedMembers(List<String> names) {
    this(names, ConfigFactory.empty());
  }

  /** As the other, with {@code over} over each system's configuration (a member's Artery settings). */
  public LinkedMembers(List<String> names, com.typesafe.config.Config over) {
    TreeMap<String, ActorRef<WindowLink.Command>> own = new TreeMap<>();
    for (String m : names) {
      SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 1);
      WindowLink.Links transport = new WindowLink.Links();
      WindowedMember member = new WindowedMember(m, kernel, transport);
      ActorSystem<Void> system = kernel.startSystem("member-" + m, Behaviors.empty(), over.withFallback(
          ConfigFactory.parseString("""
          akka.actor.provider = remote
          akka.remote.artery.transport = tcp
          akka.remote.artery.canonical.hostname = "127.0.0.1"
          akka.remote.artery.canonical.port = 0
          """)));
      kernels.put(m, kernel);
      systems.put(m, system);
      links.put(m, transport);
      members.put(m, member);
      own.put(m, system.systemActorOf(m.equals(names.get(0)) ? WindowLink.create(member, new WindowCoordinator(names,
          1000, 1_000_000), transport, driverHeard::complete) : WindowLink.create(member, null, transport),
          "window-link", akka.actor.typed.Props.empty()));
    }
    for (String m : systems.keySet()) {
      TreeMap<String, ActorRef<WindowLink.Command>> view = new TreeMap<>();
      own.forEach((other, ref) -> view.put(other, seenFrom(systems.get(m), systems.get(other), ref)));
      links.get(m).set(systems.get(m), view, names.get(0));
    }
  }

  /** {@code ref}, an actor of {@code owner}, as {@code in} reaches it: over the wire when they differ. */
  public static <T> ActorRef<T> seenFrom(ActorSystem<?> in, ActorSystem<?> owner, ActorRef<T> ref) {
    return in == owner ? ref
        : ActorRefResolver.get(in).resolveActorRef(ActorRefResolver.get(owner).toSerializationFormat(ref));
  }

  /** {@code ref}, an actor of member {@code owner}, as member {@code in} reaches it. */
  public <T> ActorRef<T> seenFrom(String in, String owner, ActorRef<T> ref) {
    return seenFrom(systems.get(in), systems.get(owner), ref);
  }

  @Override
  public void close() throws Exception {
    for (ActorSystem<Void> s : systems.values()) {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }
}
