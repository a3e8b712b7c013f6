package io.domsim.kernel.window;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimulationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two members' links over Artery on loopback: a message bigger than Artery's frame (256 KiB; Artery drops such a
 * message with a line in its log) crosses in parts and is handled whole, in the order sent among smaller ones; one
 * above {@link MessageParts#MAX_MESSAGE_BYTES} fails its sender's simulation with a sentence.
 */
@Timeout(60)
class WindowLinkPartsTest {
  static final int ARTERY_FRAME = 256 * 1024;

  private final TreeMap<String, SimKernel> kernels = new TreeMap<>();
  private final TreeMap<String, ActorSystem<Void>> systems = new TreeMap<>();
  private final TreeMap<String, WindowLink.Links> links = new TreeMap<>();
  private final TreeMap<String, WindowedMember> members = new TreeMap<>();
  private final CompletableFuture<WindowLink.Failed> driverHeard = new CompletableFuture<>();

  @BeforeEach
  void start() throws Exception {
    TreeMap<String, ActorRef<WindowLink.Command>> own = new TreeMap<>();
    for (String m : List.of("m1", "m2")) {
      SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 1);
      WindowLink.Links transport = new WindowLink.Links();
      WindowedMember member = new WindowedMember(m, kernel, transport);
      ActorSystem<Void> system = kernel.startSystem("member-" + m, Behaviors.empty(), ConfigFactory.parseString("""
          akka.actor.provider = remote
          akka.remote.artery.transport = tcp
          akka.remote.artery.canonical.hostname = "127.0.0.1"
          akka.remote.artery.canonical.port = 0
          """));
      kernels.put(m, kernel);
      systems.put(m, system);
      links.put(m, transport);
      members.put(m, member);
      own.put(m, system.systemActorOf(m.equals("m1") ? WindowLink.create(member, new WindowCoordinator(List.of("m1",
          "m2"), 1000, 1_000_000), transport, driverHeard::complete) : WindowLink.create(member, null, transport),
          "window-link", akka.actor.typed.Props.empty()));
    }
    for (String m : systems.keySet()) {
      TreeMap<String, ActorRef<WindowLink.Command>> view = new TreeMap<>();
      own.forEach((other, ref) -> view.put(other, seenFrom(systems.get(m), systems.get(other), ref)));
      links.get(m).set(view, "m1");
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<Void> s : systems.values()) {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }

  /** {@code ref}, an actor of {@code owner}, as {@code in} reaches it: over the wire when they differ. */
  static <T> ActorRef<T> seenFrom(ActorSystem<?> in, ActorSystem<?> owner, ActorRef<T> ref) {
    return in == owner ? ref
        : ActorRefResolver.get(in).resolveActorRef(ActorRefResolver.get(owner).toSerializationFormat(ref));
  }

  static String text(int chars, char c) {
    return String.valueOf(c).repeat(chars);
  }

  /** A serving member's failure of a MiB (its sentence, say a long stack of causes) reaches the driver whole. */
  @Test
  void aMessageBiggerThanAFrameReachesTheDriverWhole() throws Exception {
    String failure = text(1 << 20, 'x') + "end";
    links.get("m2").failed("m2", failure);
    WindowLink.Failed heard = driverHeard.get(20, SECONDS);
    assertEquals(new WindowLink.Failed("m2", failure), heard);
  }

  /**
   * Messages told at once to an actor of another member, small and several frames big in turn, arrive whole and in the
   * order told (the big ones in parts, put together before the small ones after them are handled).
   */
  @Test
  void bigAndSmallMessagesToAnActorElsewhereArriveWholeInTheOrderTold() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    List<String> told = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      told.add(i % 3 == 1 ? text(3 * ARTERY_FRAME + i, (char) ('a' + i)) : "small " + i);
    }
    ActorRef<WindowLink.Failed> probe = systems.get("m2").systemActorOf(Behaviors.receiveMessage(f -> {
      seen.add(f.failure());
      if (seen.size() == told.size()) {
        all.complete(null);
      }
      return Behaviors.same();
    }), "probe", akka.actor.typed.Props.empty());
    ActorRef<WindowLink.Failed> probeFromM1 = seenFrom(systems.get("m1"), systems.get("m2"), probe);
    kernels.get("m1").inject(() -> told.forEach(t -> members.get("m1").tellAtOnce("m2", probeFromM1,
        new WindowLink.Failed("m1", t))));
    all.get(30, SECONDS);
    assertEquals(told.size(), seen.size());
    for (int i = 0; i < told.size(); i++) {
      assertEquals(told.get(i), seen.get(i), "message " + i);
    }
  }

  /** A message above the most a message between members may have is not sent: its sender's simulation fails. */
  @Test
  void aMessageAboveTheLimitFailsItsSendersSimulationWithASentence() throws Exception {
    links.get("m2").failed("m2", text((int) MessageParts.MAX_MESSAGE_BYTES + 1, 'y'));
    SimulationFailure f = kernels.get("m2").whenFailed().toCompletableFuture().get(30, SECONDS);
    assertTrue(f.describe().contains("m2 would send a Failed of ") && f.describe().contains(
        " bytes to akka://member-m1@127.0.0.1:") && f.describe().contains("more than the 64 MiB a message between"
        + " members may have"), f.describe());
    assertTrue(!driverHeard.isDone(), "nothing reached the driver");
  }
}
