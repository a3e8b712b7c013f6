package io.domsim.kernel.window;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.kernel.serialization.CrossJvm;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A member's end of the window protocol over Akka: it hands the deliveries and grants that other members send
 * to its {@link WindowedMember}, and, on the driving member, runs the {@link WindowCoordinator} on the reports.
 * Not a simulation actor (it runs on Akka's default dispatcher): it moves messages between JVMs, and the
 * member injects what it gets into its kernel. The protocol's counts do not rely on message order; a
 * {@link Revocation} does: it must come after the delivery it takes back, which Akka's order between each pair of
 * members ensures (both go from the sender's member to the receiver's).
 *
 * <p>Whatever a member sends another member's link over the wire, {@link Links} writes with the system's Kryo serializer
 * and sends as {@link Part}s of at most {@link MessageParts#PART_BYTES}, one message's parts one after the other; the
 * receiving link puts them together and handles the message as if it had come whole. So no message between members is
 * ever bigger than one of Artery's frames (256 KiB), which Artery would drop with a line in its log. What goes to a link
 * of this JVM is told as it is.
 */
public final class WindowLink extends AbstractBehavior<WindowLink.Command> {
  public sealed interface Command {}

  /** A delivery for an actor of this member. */
  public record Deliver(TimedDelivery<?> delivery) implements InWindow, CrossJvm {}

  /** What another member's barrier event told actors of this member at zero time. */
  public record Tells(BarrierTells tells) implements InWindow, CrossJvm {}

  /** A delivery's revocation, for this member. */
  public record Revoke(Revocation revocation) implements InWindow, CrossJvm {}

  /**
   * Inputs for this member's replicas from one other member's window, in the order sent: the fabric's guest traffic
   * comes from every node at every sample, and one message each cost more than the simulation (found on scale-1000
   * over three members: 240,000 messages for two simulated minutes).
   */
  public record ReplicateAll(java.util.List<ReplicaInput<?>> inputs) implements Command, CrossJvm {
    public ReplicateAll {
      inputs = java.util.List.copyOf(inputs);
    }
  }

  /**
   * What one member sent another in a window (deliveries, revocations, barrier tells), in the order sent, in one
   * message before the window's report: the receiver cannot use any of it before the window after, which waits for that
   * report, so sending each as it comes bought nothing, and a burst of them (a setup's creates, a consolidation round's
   * orders) could overflow Artery's outbound queue, which drops what does not fit. A window's messages to a member are
   * now two or three (this, the replica inputs, the records), in parts when big.
   */
  public record Batch(java.util.List<InWindow> commands) implements Command, CrossJvm {
    public Batch {
      commands = java.util.List.copyOf(commands);
    }
  }

  /** What a member sends another inside a window, in its {@link Batch}. */
  public sealed interface InWindow extends Command permits Deliver, Revoke, Tells {}

  /** The driver's answer to the last window's reports. */
  public record Granted(WindowCoordinator.Grant grant) implements Command, CrossJvm {}

  /** A member's report, for the driver's coordinator. */
  public record Reported(WindowCoordinator.Report report) implements Command, CrossJvm {}

  /**
   * From the driver, once the run's setup at time 0 is over: report the setup, and run the windows as granted. It
   * comes after every setup message the driver sent this member (Akka keeps the order of the messages between two
   * members' systems), so the member has handled them all before it reports.
   */
  public record Begin() implements Command, CrossJvm {}

  /** On the driver, from outside (launch's stop, Ctrl-C): the run ends at the next boundary, on every member. */
  public record Stop() implements Command, io.domsim.kernel.serialization.SameMember {} // the driver's own link

  /**
   * On the driver, from its watch over the members: {@code member} is lost for good (its process died); the windows
   * go on without it ({@link WindowCoordinator#lose}).
   */
  public record Lose(String member) implements Command, io.domsim.kernel.serialization.SameMember {}

  /** From the driver: {@code member} is lost, and what it sent after {@code lastWindow} is to be dropped. */
  public record Lost(String member, long lastWindow) implements Command, CrossJvm {}

  /**
   * From a serving member, before its report of {@code window}: what it recorded in the window for the driver (the
   * invariant monitor's facts), in the order recorded, in parts. The report comes after them (Akka's order between
   * two members), so the driver holds everything a member recorded up to its last report, even if it is then lost.
   */
  public record Recorded(String member, long window, java.util.List<?> records) implements Command, CrossJvm {
    public Recorded {
      records = java.util.List.copyOf(records);
    }
  }

  /** From a serving member whose simulation failed: the run cannot go on (its windows would never come). */
  public record Failed(String member, String failure) implements Command, CrossJvm {}

  /**
   * Outside simulated time (the setup before the clock starts, the end's gathering, a console's question): {@code
   * tell} for an actor of this member, told as it comes ({@link WindowedMember#tellAtOnce}).
   */
  public record AtOnce(BarrierTells.Tell<?> tell) implements Command, CrossJvm {}

  /**
   * Part {@code index} (from 0) of {@code count} of message number {@code message} from member {@code member}'s link:
   * the bytes the Kryo serializer wrote for a {@link Command}, cut at {@link MessageParts#PART_BYTES}.
   */
  public record Part(String member, long message, int index, int count, byte[] bytes) implements Command, CrossJvm {
    public Part {
      if (member == null || bytes == null || count < 1 || index < 0 || index >= count) {
        throw new IllegalArgumentException("part " + index + " of " + count + " of message " + message + " from "
            + member + ": a part needs its member, its bytes and an index below its count");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Part p && member.equals(p.member) && message == p.message && index == p.index
          && count == p.count && java.util.Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(member, message, index, count, java.util.Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
      return "Part[" + member + " #" + message + ", " + (index + 1) + " of " + count + ", " + bytes.length + " bytes]";
    }
  }

  /** Akka dropped a message of this system (the event stream's {@code Dropped}), for the link to judge. */
  private record Dropped(akka.actor.Dropped dropped) implements Command,
      io.domsim.kernel.serialization.SameMember {} // from this system's event stream

  /**
   * Every member's link, by member name, and which member drives: how a {@link WindowedMember} reaches the
   * others (its {@link WindowedMember.Transport}). Set once every link exists, before any member starts.
   */
  public static final class Links implements WindowedMember.Transport {
    private volatile SortedMap<String, ActorRef<Command>> links;
    private volatile String driver;
    /** The system's Kryo serializer when some link is over the wire; null when all are in this JVM. */
    private volatile io.domsim.kernel.serialization.KryoSerializer kryo;
    /** This member's name (its own link's), for the sentences. */
    private volatile String self;
    /** The number of the next message sent in parts (each receiver puts them together by sending member). */
    private long nextMessage;
    /** Members lost: what would go to them is dropped (their process is gone). */
    private final java.util.Set<String> forgotten = java.util.concurrent.ConcurrentHashMap.newKeySet();
    @Override
    public void record(String member, long window, java.util.List<?> records) {
      send(driver, new Recorded(member, window, records)); // in parts when big, as anything between members
    }

    @Override
    public void forget(String member) {
      forgotten.add(member);
      replicaInputs.remove(member);
      batches.remove(member);
    }



    /**
     * @param system this member's actor system (its serializer writes what goes over the wire)
     * @param links every member's link: this member's own (an actor of {@code system}), the others' as it reaches them
     *     (over Akka's remoting; or, in one JVM, actors of other local systems, told directly)
     */
    public void set(akka.actor.typed.ActorSystem<?> system, SortedMap<String, ActorRef<Command>> links, String driver) {
      if (!links.containsKey(driver)) {
        throw new IllegalArgumentException("the driver " + driver + " has no link among " + links.keySet());
      }
      String local = null;
      boolean remote = false;
      for (Map.Entry<String, ActorRef<Command>> l : links.entrySet()) {
        if (l.getValue().path().address().hasLocalScope()) {
          local = local == null ? l.getKey() : local;
        } else {
          remote = true;
        }
      }
      this.self = local;
      this.kryo = remote ? kryoOf(system) : null;
      this.links = new TreeMap<>(links);
      this.driver = driver;
    }

    /**
     * Sends {@code command} to {@code member}'s link: as it is to a link of this JVM; over the wire written with Kryo
     * and cut into {@link Part}s, which go out one after the other (Akka keeps their order to the receiver).
     *
     * @throws IllegalStateException when it cannot be written, or is bigger than {@link MessageParts#MAX_MESSAGE_BYTES}
     *     (on the simulation thread, that fails the run, naming the actor that sent it)
     */
    void send(String member, Command command) {
      if (forgotten.contains(member)) {
        return; // lost: its process is gone
      }
      ActorRef<Command> to = of(member);
      if (kryo == null || to.path().address().hasLocalScope()) {
        to.tell(command);
        return;
      }
      byte[] bytes;
      try {
        bytes = kryo.toBinary(command);
      } catch (RuntimeException e) {
        throw new IllegalStateException(self + " could not write a " + what(command) + " for " + member + ": "
            + e.getMessage(), e);
      }
      if (bytes.length > MessageParts.MAX_MESSAGE_BYTES) {
        throw new IllegalStateException(self + " would send a " + what(command) + " of " + bytes.length + " bytes to "
            + member + ", more than the " + (MessageParts.MAX_MESSAGE_BYTES >> 20) + " MiB a message between members"
            + " may have: the run cannot go on without it (a run this big needs another way to hand it over)");
      }
      synchronized (this) { // the simulation thread, the driver's link (grants) and others send: parts stay together
        for (Part p : MessageParts.split(self, nextMessage++, bytes, MessageParts.PART_BYTES)) {
          to.tell(p);
        }
      }
    }

    ActorRef<Command> of(String member) {
      ActorRef<Command> link = links == null ? null : links.get(member);
      if (link == null) {
        throw new IllegalStateException("no link to member " + member + (links == null ? " (links not set yet)" : ""));
      }
      return link;
    }

    /** Replica inputs sent in the window running, by member: sent together before the window's report. */
    private final TreeMap<String, java.util.List<ReplicaInput<?>>> replicaInputs = new TreeMap<>();

    @Override
    public void report(WindowCoordinator.Report report) {
      // What the window sent each member, in one message each (the report counts the deliveries).
      for (var each : batches.entrySet()) {
        send(each.getKey(), new Batch(each.getValue())); // in parts when big
      }
      batches.clear();
      // The window's replica inputs (the report counts them; the receiver waits for them in any case).
      for (var each : replicaInputs.entrySet()) {
        send(each.getKey(), new ReplicateAll(each.getValue())); // in parts when big
      }
      replicaInputs.clear();
      send(driver, new Reported(report));
    }

    @Override
    public void ship(String member, TimedDelivery<?> delivery) {
      batch(member, new Deliver(delivery));
    }

    @Override
    public void revoke(String member, Revocation revocation) {
      batch(member, new Revoke(revocation));
    }

    @Override
    public void shipTells(String member, BarrierTells tells) {
      batch(member, new Tells(tells));
    }

    /** What the window running sent each member, in order (the simulation thread's): sent at the report. */
    private final TreeMap<String, java.util.List<InWindow>> batches = new TreeMap<>();

    /** On the member's simulation thread, in a window: kept for {@code member}'s batch ({@link Batch}). */
    private void batch(String member, InWindow command) {
      if (forgotten.contains(member)) {
        return; // lost: its process is gone
      }
      of(member); // fails now for a member with no link
      batches.computeIfAbsent(member, m -> new java.util.ArrayList<>()).add(command);
    }

    /** The driver's word to a serving member that its windows begin ({@link Begin}). */
    public void begin(String member) {
      send(member, new Begin());
    }

    /** On the driver, from any thread: {@code member} is lost for good ({@link Lose}). */
    public void lose(String member) {
      send(driver, new Lose(member));
    }

    /** On the driver: the run stops at the next boundary ({@link Stop}). */
    public void stop() {
      send(driver, new Stop());
    }

    /** A serving member's word to the driver that its simulation failed. */
    public void failed(String member, String failure) {
      send(driver, new Failed(member, failure));
    }

    @Override
    public void tellAtOnce(String member, BarrierTells.Tell<?> tell) {
      send(member, new AtOnce(tell));
    }

    /** On the member's simulation thread, as its other calls here: kept until the window's report. */
    @Override
    public void replicate(String member, ReplicaInput<?> input) {
      if (forgotten.contains(member)) {
        return;
      }
      of(member); // fails now for a member with no link
      replicaInputs.computeIfAbsent(member, m -> new java.util.ArrayList<>()).add(input);
    }
  }

  private final WindowedMember member;
  private final WindowCoordinator coordinator; // on the driver only
  private final Links links;
  private final java.util.function.Consumer<Failed> onFailed;
  private final java.util.function.Consumer<Recorded> onRecorded;
  /** Messages put together from the parts other members' links send here. */
  private final MessageParts.Assembly assembly = new MessageParts.Assembly();
  /** The system's Kryo serializer, as Akka's remoting would use it; found when first needed. */
  private io.domsim.kernel.serialization.KryoSerializer kryo;

  private WindowLink(ActorContext<Command> ctx, WindowedMember member, WindowCoordinator coordinator, Links links,
      java.util.function.Consumer<Failed> onFailed, java.util.function.Consumer<Recorded> onRecorded) {
    super(ctx);
    this.member = member;
    this.coordinator = coordinator;
    this.links = links;
    this.onFailed = onFailed;
    this.onRecorded = onRecorded;
    // What crosses members outside the links (a direct tell to an actor elsewhere) is not cut into parts: should Akka's
    // remoting drop one for its size, the run must fail, not go on without it.
    ctx.getSystem().eventStream().tell(new akka.actor.typed.eventstream.EventStream.Subscribe<>(
        akka.actor.Dropped.class, ctx.messageAdapter(akka.actor.Dropped.class, Dropped::new)));
  }

  /**
   * @param member this member, made with {@code links} as its transport
   * @param coordinator the run's coordinator on the driving member, null on the others
   */
  public static Behavior<Command> create(WindowedMember member, WindowCoordinator coordinator, Links links) {
    return create(member, coordinator, links, f -> {
      throw new IllegalStateException(f.member() + " failed (" + f.failure() + "), but " + member.name()
          + " does not drive the run");
    });
  }

  /** As the other, on the driver: {@code onFailed} hears of a serving member whose simulation failed. */
  public static Behavior<Command> create(WindowedMember member, WindowCoordinator coordinator, Links links,
      java.util.function.Consumer<Failed> onFailed) {
    return create(member, coordinator, links, onFailed, r -> { });
  }

  /** As the other, on the driver: {@code onRecorded} gets what serving members recorded ({@link Recorded}). */
  public static Behavior<Command> create(WindowedMember member, WindowCoordinator coordinator, Links links,
      java.util.function.Consumer<Failed> onFailed, java.util.function.Consumer<Recorded> onRecorded) {
    return Behaviors.setup(ctx -> new WindowLink(ctx, member, coordinator, links, onFailed, onRecorded));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Command.class, this::handle).build();
  }

  private io.domsim.kernel.serialization.KryoSerializer kryo() {
    if (kryo == null) {
      kryo = kryoOf(getContext().getSystem());
    }
    return kryo;
  }

  /** {@code system}'s Kryo serializer, as Akka's remoting uses it for the links' messages. */
  static io.domsim.kernel.serialization.KryoSerializer kryoOf(akka.actor.typed.ActorSystem<?> system) {
    akka.serialization.Serializer bound;
    try {
      bound = akka.serialization.SerializationExtension.get(akka.actor.typed.javadsl.Adapter.toClassic(system))
          .serializerFor(Part.class);
    } catch (java.io.NotSerializableException e) {
      throw new IllegalStateException("the window link's messages have no serializer: " + e.getMessage(), e);
    }
    if (!(bound instanceof io.domsim.kernel.serialization.KryoSerializer k)) {
      throw new IllegalStateException("the window link's messages are bound to " + bound.getClass().getName()
          + ", not domsim's Kryo serializer (akka.actor.serialization-bindings of CrossJvm)");
    }
    return k;
  }

  /**
   * A failure of the link's work (a message whose parts do not follow each other or cannot be read, one Akka dropped
   * for its size) fails this member's simulation, as a failure in a delivery does: a serving member tells the driver,
   * which ends the run (exit 1); the link itself goes on, so the failure reaches the driver.
   */
  private Behavior<Command> fail(String sentence) {
    getContext().getLog().error(sentence);
    member.fail(sentence);
    return this;
  }

  /** What a command carries, for a failure's sentence: its class and, for a tell or a delivery, the message's. */
  static String what(Command c) {
    if (c instanceof AtOnce a) {
      return "AtOnce of " + a.tell().message().getClass().getName();
    } else if (c instanceof Deliver d) {
      return "Deliver of " + d.delivery().message().getClass().getName();
    } else if (c instanceof Tells t) {
      return "Tells of " + t.tells().tells().size() + " barrier tells";
    }
    return c.getClass().getSimpleName();
  }

  private Behavior<Command> onPart(Part p) {
    byte[] whole;
    try {
      whole = assembly.add(p);
    } catch (IllegalStateException e) {
      return fail(member.name() + " cannot put a message together: " + e.getMessage());
    }
    if (whole == null) {
      return this;
    }
    Object message;
    try {
      message = kryo().fromBinaryJava(whole, Command.class);
    } catch (RuntimeException e) {
      return fail(member.name() + " could not read message " + p.message() + " from " + p.member() + " ("
          + whole.length + " bytes in " + p.count() + " parts): " + e.getMessage());
    }
    if (!(message instanceof Command c) || message instanceof Part) {
      return fail(member.name() + " got " + message.getClass().getName() + " in parts from " + p.member()
          + ", which is not a message between links");
    }
    return handle(c); // as if it had come whole, in the order its last part came
  }

  private Behavior<Command> handle(Command command) {
    if (command instanceof Part p) {
      return onPart(p);
    } else if (command instanceof Batch b) {
      for (InWindow c : b.commands()) {
        handle(c); // a Deliver, Revoke or Tells, each handled in place
      }
    } else if (command instanceof Deliver d) {
      member.receive(d.delivery());
    } else if (command instanceof Tells t) {
      member.receive(t.tells());
    } else if (command instanceof Revoke r) {
      member.receive(r.revocation());
    } else if (command instanceof ReplicateAll r) {
      r.inputs().forEach(member::receive);
    } else if (command instanceof AtOnce a) {
      a.tell().tell();
    } else if (command instanceof Granted g) {
      member.grant(g.grant());
    } else if (command instanceof Begin) {
      member.start();
    } else if (command instanceof Stop) {
      if (coordinator == null) {
        throw new IllegalStateException(member.name() + " was told to stop the run, which it does not drive");
      }
      if (!coordinator.ended()) {
        coordinator.stop();
      }
    } else if (command instanceof Lost l) {
      member.lose(l.member(), l.lastWindow());
    } else if (command instanceof Recorded r) {
      try {
        onRecorded.accept(r);
      } catch (RuntimeException e) {
        // What the driver cannot take fails the run (the link, stopped by the exception, would leave every member
        // waiting, and a stop could not reach it).
        onFailed.accept(new Failed(r.member(), "the driver could not take what it recorded in window " + r.window()
            + ": " + e.getMessage()));
      }
    } else if (command instanceof Lose l) {
      onLose(l);
    } else if (command instanceof Failed f) {
      onFailed.accept(f);
    } else if (command instanceof Reported r) {
      onReported(r);
    } else if (command instanceof Dropped d) {
      return onDropped(d.dropped());
    } else {
      throw new IllegalStateException("a window link cannot handle " + command);
    }
    return this;
  }

  /**
   * A message of the run (a {@code CrossJvm} one) that Akka's remoting dropped because it does not fit one of its frames
   * fails this member's simulation, naming it; other drops (a member gone: its loss is judged elsewhere) are left to
   * Akka's log. Whether it was too big is measured, not read from Akka's reason.
   */
  private Behavior<Command> onDropped(akka.actor.Dropped d) {
    Object message = d.message();
    if (!(message instanceof io.domsim.kernel.serialization.CrossJvm) || d.recipient() == null
        || d.recipient().path().address().hasLocalScope()) {
      return this;
    }
    long frame = getContext().getSystem().settings().config().getBytes("akka.remote.artery.advanced.maximum-frame-size");
    int bytes;
    try {
      bytes = kryo().toBinary(message).length;
    } catch (RuntimeException e) {
      return this; // it could not be written at all: Akka's log says why
    }
    if (bytes < frame) {
      return this;
    }
    return fail("Akka's remoting dropped a " + message.getClass().getName() + " of " + bytes + " bytes for "
        + d.recipient().path() + ": more than its frame of " + frame + " bytes. It was told to an actor of another"
        + " member directly; tell it through the members' window links (WindowedMember.tellAtOnce, Network"
        + ".answerOperator), which send a big message in parts");
  }

  private void onLose(Lose l) {
    if (coordinator == null) {
      throw new IllegalStateException(member.name() + " was told " + l.member() + " is lost, but does not drive the run");
    }
    WindowCoordinator.Loss loss = coordinator.lose(l.member());
    if (loss == null) {
      return;
    }
    // Every member hears of the loss before any grant that leaves the lost member out (the same pair's order).
    for (String m : links.links.keySet()) {
      links.send(m, new Lost(l.member(), loss.lastWindow()));
    }
    loss.grants().forEach((m, g) -> links.send(m, new Granted(g)));
  }

  private void onReported(Reported r) {
    if (coordinator == null) {
      throw new IllegalStateException(r.report().member() + " reported to " + member.name()
          + ", which does not drive the run");
    }
    Map<String, WindowCoordinator.Grant> grants;
    try {
      grants = coordinator.report(r.report());
    } catch (IllegalArgumentException e) {
      // A protocol error: the run fails (the link, stopped by the exception, would leave every member waiting).
      onFailed.accept(new Failed(r.report().member(), "the driver's coordinator refused its report: "
          + e.getMessage()));
      return;
    }
    for (Map.Entry<String, WindowCoordinator.Grant> g : grants.entrySet()) {
      try {
        links.send(g.getKey(), new Granted(g.getValue()));
      } catch (IllegalStateException e) { // a grant that cannot be written (it is a few numbers): the run cannot go on
        onFailed.accept(new Failed(g.getKey(), e.getMessage()));
      }
    }
  }
}
