package io.domsim.kernel.window;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimulationFailure;
import io.domsim.kernel.testkit.LinkedMembers;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
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

  private LinkedMembers linked;
  private SortedMap<String, SimKernel> kernels;
  private SortedMap<String, ActorSystem<Void>> systems;
  private SortedMap<String, WindowLink.Links> links;
  private SortedMap<String, WindowedMember> members;
  private CompletableFuture<WindowLink.Failed> driverHeard;

  @BeforeEach
  void start() {
    linked = new LinkedMembers(List.of("m1", "m2"));
    kernels = linked.kernels;
    systems = linked.systems;
    links = linked.links;
    members = linked.members;
    driverHeard = linked.driverHeard;
  }

  @AfterEach
  void stop() throws Exception {
    linked.close();
  }

  static <T> ActorRef<T> seenFrom(ActorSystem<?> in, ActorSystem<?> owner, ActorRef<T> ref) {
    return LinkedMembers.seenFrom(in, owner, ref);
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
    ActorRef<WindowLink.Failed> probe = systems.get("m1").systemActorOf(Behaviors.ignore(), "probe",
        akka.actor.typed.Props.empty());
    ActorRef<WindowLink.Failed> there = seenFrom(systems.get("m2"), systems.get("m1"), probe);
    WindowLink.Failed huge = new WindowLink.Failed("m2", text((int) MessageParts.MAX_MESSAGE_BYTES + 1, 'y'));
    kernels.get("m2").inject(() -> members.get("m2").tellAtOnce("m1", there, huge));
    SimulationFailure f = kernels.get("m2").whenFailed().toCompletableFuture().get(30, SECONDS);
    assertTrue(f.describe().contains("m2 would send a AtOnce of io.domsim.kernel.window.WindowLink$Failed of ")
        && f.describe().contains(" bytes to m1, more than the 64 MiB a message between members may have"),
        f.describe());
    assertTrue(!driverHeard.isDone(), "nothing reached the driver");
  }

  /**
   * A big message told to an actor of another member directly, outside the links, is dropped by Artery; the sender's
   * link hears of it and fails the sender's simulation, naming it, instead of letting the run go on without it.
   */
  @Test
  void aBigMessageToldOutsideTheLinksFailsItsSendersSimulationInsteadOfVanishing() throws Exception {
    ActorRef<WindowLink.Failed> probe = systems.get("m1").systemActorOf(Behaviors.ignore(), "probe",
        akka.actor.typed.Props.empty());
    seenFrom(systems.get("m2"), systems.get("m1"), probe).tell(new WindowLink.Failed("m2", text(2 * ARTERY_FRAME,
        'z')));
    SimulationFailure f = kernels.get("m2").whenFailed().toCompletableFuture().get(30, SECONDS);
    assertTrue(f.describe().contains("Akka's remoting dropped a io.domsim.kernel.window.WindowLink$Failed of ")
        && f.describe().contains("more than its frame of 262144 bytes") && f.describe().contains("/system/probe"),
        f.describe());
  }

  /**
   * A small message dropped (to a member gone: Akka drops what it cannot deliver) is not the frame's doing and fails
   * nothing; the big one dropped after it does, named by its size.
   */
  @Test
  void aSmallMessageDroppedIsNotAFailureOfTheRun() throws Exception {
    ActorRef<WindowLink.Failed> probe = systems.get("m1").systemActorOf(Behaviors.ignore(), "probe",
        akka.actor.typed.Props.empty());
    akka.actor.ActorRef there = akka.actor.typed.javadsl.Adapter.toClassic(seenFrom(systems.get("m2"),
        systems.get("m1"), probe));
    WindowLink.Failed small = new WindowLink.Failed("m2", "small");
    WindowLink.Failed big = new WindowLink.Failed("m2", text(2 * ARTERY_FRAME, 'z'));
    int bigBytes = akka.serialization.SerializationExtension.get(akka.actor.typed.javadsl.Adapter.toClassic(
        systems.get("m2"))).serialize(big).get().length;
    for (WindowLink.Failed m : List.of(small, big)) { // in this order to the link, through the event stream
      systems.get("m2").eventStream().tell(new akka.actor.typed.eventstream.EventStream.Publish<>(
          new akka.actor.Dropped(m, "dropped", akka.actor.ActorRef.noSender(), there)));
    }
    SimulationFailure f = kernels.get("m2").whenFailed().toCompletableFuture().get(30, SECONDS);
    assertTrue(f.describe().contains("WindowLink$Failed of " + bigBytes + " bytes for "), f.describe());
  }
}
