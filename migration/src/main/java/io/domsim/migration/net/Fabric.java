package io.domsim.migration.net;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Page;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTimer;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.serialization.SameMember;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The network fabric of one cluster for bulk transfers (live-migration streams): the actor shell
 * around {@link FlowNetwork}. Flows share the nodes' NICs max-min fairly; a flow's owner hears
 * {@link FlowDone} when its last byte has arrived (the last byte leaves its source, then travels one
 * network latency), or {@link FlowBroken} when an endpoint fails.
 *
 * <p>The fabric keeps exactly one pending completion timer, for the earliest finish, and moves it
 * whenever rates change. Every command that changes the network at once (the fabric's own timers, and the
 * operator's {@link NodeFailed}, {@link NodeRecovered} and {@link LinkChanged}) reads the simulated time once and
 * first brings the network up to that instant, collecting every flow that finished by then, before it is applied: so
 * it never changes a flow behind a completion that is due, even one at the same instant whose timer comes later in
 * the order, and each finished flow's last byte arrives one latency after it left, whenever it is collected. The
 * inputs that take effect later and {@link GetRate} do not: they change nothing now, so a completion due at their
 * very instant is collected at its own timer, at the same place in the order on every replica, whoever told them.
 *
 * <p>After the last byte has left the source, the flow is "in its tail" for one latency: a
 * {@link CancelFlow} still withdraws it, and a failure of either endpoint still breaks it.
 *
 * <p>Inputs that shape the rates ({@link StartFlow}, {@link CancelFlow}, {@link GuestTraffic}) take effect one
 * network latency L after their cause (L: {@code network.latency}, the least latency between nodes, the lookahead of
 * the kernel's {@code Network}): a new stream's first segment and a closed stream's FIN take that long to be felt on
 * the far NIC, and TCP's rates react on round-trip time scales anyway. So every input that shapes the rates in a
 * window [S, S + L) was caused before S, and replicas of the fabric on several members, each told every input by
 * the window's start, compute the same completions (docs/architecture.md, "Members"). The inputs of one effect
 * instant are applied together, at one timer per instant keyed (instant, {@value #INPUTS_ENTITY}, 0) so that every
 * replica agrees on it, in the order of their causes' keys ({@link SimKernel#currentEvent} when they were told;
 * inputs of one cause keep the order they were sent in), whatever the order they came in. An input that comes
 * after its effect instant's inputs were applied fails the run, naming it.
 *
 * <p>A flow's owner hears nothing before its start has taken effect but what needs no rates: {@link FlowBroken} for
 * a refused start (a duplicate id, an unknown or failed node) when it is told, and when an endpoint fails. Those,
 * and {@link NodeFailed}, {@link NodeRecovered} and {@link LinkChanged} (a crash, a boot, a cut or degraded link:
 * the operator's, which members apply at the same point of the order, "Members" 3), act at once, as a link's own
 * NIC does. After a {@link CancelFlow} the owner hears nothing more, though the flow keeps its share of the NICs
 * until the cancel takes effect.
 *
 * <p>A run over several members has a replica of the fabric on each ({@link FabricReplica}): the inputs each is told
 * by its own member's actors reach the others ({@link Replicated}) before their effect instant, and each tells only
 * its own member's owners and hypervisors.
 */
public final class Fabric extends AbstractBehavior<Fabric.Command> {
  /** The entity name of the fabric: its timers are ordered by it. */
  public static final String ENTITY = "fabric";

  /**
   * The entity name of the timers that apply the inputs of an instant: the one at instant T has the key (T, this,
   * 0), so every replica of the fabric sets it alike, whenever it learned of the inputs.
   */
  public static final String INPUTS_ENTITY = "fabric-inputs";

  public sealed interface Command {}

  /**
   * What changes the flows: stamped with the key of the event that caused it ({@link SimKernel#currentEvent} at
   * the sender, when it is told), applied in the order of those keys; those that shape the rates one latency
   * after it.
   */
  public sealed interface Input extends Command {
    EventKey cause();
  }

  /**
   * Starts a flow of {@code bytes} from {@code from} to {@code to}: its bytes move from one latency after its
   * cause. {@code capBitsPerSecond} 0 means no cap. The owner {@code replyTo} gets exactly one end ({@link
   * FlowDone} or {@link FlowBroken}) for it, unless the flow is cancelled.
   */
  public record StartFlow(FlowId flowId, String from, String to, long bytes, long capBitsPerSecond,
      ActorRef<FlowEvent> replyTo, EventKey cause, Stream stream) implements Input, CrossJvm {
    /** A {@link Stream#PLAIN} flow. */
    public StartFlow(FlowId flowId, String from, String to, long bytes, long capBitsPerSecond,
        ActorRef<FlowEvent> replyTo, EventKey cause) {
      this(flowId, from, to, bytes, capBitsPerSecond, replyTo, cause, Stream.PLAIN);
    }

    public StartFlow {
      if (flowId == null || from == null || to == null || replyTo == null || cause == null || stream == null) {
        throw new IllegalArgumentException("StartFlow needs a flow id, both ends, an owner, a cause and a stream");
      }
      if (from.equals(to)) {
        throw new IllegalArgumentException("flow " + flowId + " goes from " + from + " to itself");
      }
      if (bytes < 0 || capBitsPerSecond < 0) {
        throw new IllegalArgumentException("flow " + flowId + ": bytes (" + bytes + ") and cap ("
            + capBitsPerSecond + " bit/s) must not be negative");
      }
    }
  }

  /** When a flow's owner hears {@link FlowDone}. */
  public enum Delivery {
    /** When its last byte has arrived: one latency after it left. */
    ARRIVAL,
    /** When its last byte has left the source: a sender that goes on without waiting for the receiver. */
    DEPARTURE
  }

  /**
   * How a flow's sender works: when its owner hears it done, and what compressing and decompressing cost the
   * sending and the receiving Dom0 per {@link Page#BYTES} of the flow's bytes, besides the fabric's own per-page
   * costs.
   */
  public record Stream(Delivery doneOn, double codecSendCyclesPerPage, double codecReceiveCyclesPerPage)
      implements CrossJvm {
    /** Done on arrival, no codec. */
    public static final Stream PLAIN = new Stream(Delivery.ARRIVAL, 0, 0);

    public Stream {
      if (doneOn == null || !(codecSendCyclesPerPage >= 0) || !(codecReceiveCyclesPerPage >= 0)) {
        throw new IllegalArgumentException("a stream needs a delivery and codec cycles of at least 0: " + doneOn
            + ", " + codecSendCyclesPerPage + ", " + codecReceiveCyclesPerPage);
      }
    }
  }

  /**
   * Withdraws a flow one latency after its cause (then the others speed up); its owner hears nothing more from its
   * cause on. Unknown ids are ignored.
   */
  public record CancelFlow(FlowId flowId, EventKey cause) implements Input, CrossJvm {
    public CancelFlow {
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * Tell {@code hypervisor} what the streams to and from {@code node} cost its Dom0 ({@link
   * Hypervisor.MigrationWork}) whenever their rates change.
   */
  // SameMember: it carries a hypervisor's reference, and a hypervisor hears only its own member; across members
  // each member's part of the fabric watches its own nodes (docs/architecture.md, "Serialization").
  public record Watch(String node, ActorRef<Hypervisor.Command> hypervisor) implements Command, SameMember {}

  /**
   * What a node's guests want of its NIC for their own I/O (out and in), from one latency after its cause; they
   * share it with the flows.
   */
  public record GuestTraffic(String node, double egressBitsPerSecond, double ingressBitsPerSecond, EventKey cause)
      implements Input, CrossJvm {
    public GuestTraffic {
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * {@code node} has failed: every flow from or to it ends, and each owner gets {@link FlowBroken} at
   * once. Later flows from or to it are refused until {@link NodeRecovered}.
   */
  public record NodeFailed(String node, EventKey cause) implements Input, CrossJvm {
    public NodeFailed {
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * {@code node} is back: flows from and to it are accepted again. It boots empty: no guest traffic on its
   * NIC until its new guests report some.
   */
  public record NodeRecovered(String node, EventKey cause) implements Input, CrossJvm {
    public NodeRecovered {
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * {@code node}'s link changed (a fault, or its end): its NIC now carries {@code bitsPerSecond} each way
   * (0 while the node is cut off: its flows stall and keep their bytes), and a last byte to or from it
   * takes {@code latencyNanos} (at least the fabric's base latency).
   */
  public record LinkChanged(String node, long bitsPerSecond, long latencyNanos, EventKey cause)
      implements Input, CrossJvm {
    public LinkChanged {
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * {@code input}, told to another member's replica of the fabric by one of its member's actors, and accepted
   * there (a refused start is not sent: that replica told its owner so): this replica applies it as its own, at its
   * effect instant in the order of its cause, except that it tells the flow's owner nothing (it is not on this
   * member: that replica tells it). {@code armed}: that replica set a timer for the input's effect instant when
   * it was told (guest traffic while no flow was in the network does not; see {@code Batch}), so this one does too.
   * Only {@link StartFlow}, {@link CancelFlow} and {@link GuestTraffic} are sent: the operator tells each replica
   * its own {@link NodeFailed}, {@link NodeRecovered} and {@link LinkChanged}, at the same point of the order.
   */
  public record Replicated(Input input, boolean armed) implements Command, CrossJvm {
    public Replicated {
      if (!(input instanceof StartFlow || input instanceof CancelFlow || input instanceof GuestTraffic)) {
        throw new IllegalArgumentException("only an input that takes effect later is replicated, not " + input);
      }
    }
  }

  /** For tests and metrics: the current rate of a flow. */
  public record GetRate(FlowId flowId, ActorRef<Rate> replyTo) implements Command, CrossJvm {}

  /**
   * The answer to {@link GetRate}. {@code active} is false for an unknown flow, for one whose start has not taken
   * effect yet, and for a flow in its tail (all bytes sent, last byte in flight): then rate and remaining bytes are 0.
   * A flow whose last byte leaves at the very instant asked, before its completion's timer, is active with 0 bytes
   * remaining: it is collected at that timer.
   */
  public record Rate(FlowId flowId, boolean active, double bitsPerSecond, double remainingBytes) implements CrossJvm {}

  /**
   * What a flow's owner hears: exactly one end ({@link FlowDone} or {@link FlowBroken}) per flow that is not
   * cancelled, and before it, {@link FlowStalled} whenever the flow's rate drops to 0 (its path is cut) and
   * {@link FlowMoving} when it rises again.
   */
  public sealed interface FlowEvent extends CrossJvm {
    FlowId flowId();
  }

  /** The flow moves no byte any more (a NIC on its path carries nothing): a stream that waits, as TCP does. */
  public record FlowStalled(FlowId flowId) implements FlowEvent {}

  /** A stalled flow moves again. */
  public record FlowMoving(FlowId flowId) implements FlowEvent {}

  /**
   * All {@code bytes} have arrived, or, for a {@link Delivery#DEPARTURE} flow, left; {@code finishedNanos} is that
   * instant (now); {@code startedNanos} the instant its owner started it (its bytes moved from one latency later).
   */
  public record FlowDone(FlowId flowId, long bytes, long startedNanos, long finishedNanos) implements FlowEvent {}

  /**
   * The flow did not complete. {@code node} is the failed (or unknown) endpoint, or
   * {@value #DUPLICATE} when a flow with that id already exists (that other flow goes on).
   */
  /** The flow cannot finish: {@code node} failed (or the flow was refused); {@code bytesSent} had left the source. */
  public record FlowBroken(FlowId flowId, String node, long bytesSent) implements FlowEvent {}

  /** The {@link FlowBroken#node()} of a refused duplicate {@link StartFlow}. */
  public static final String DUPLICATE = "duplicate flow id";

  private enum CompletionTick implements Command, SameMember { INSTANCE } // its own timer

  /** The inputs of {@code atNanos} take effect. */
  private record TakeEffect(long atNanos) implements Command, SameMember {} // its own timer

  /**
   * The inputs that take effect at one instant, in the order they came. Armed (its timer set) once one of them may
   * change a rate or tell an owner; until then (guest traffic while no flow is in the network) nothing could tell
   * when it is applied, and it is applied at its instant when the fabric next acts, without a timer: a run without
   * migrations has the events it had.
   */
  private static final class Batch {
    final long atNanos;
    final List<Input> inputs = new ArrayList<>();
    boolean armed;

    Batch(long atNanos) {
      this.atNanos = atNanos;
    }
  }

  /** The last byte of {@code tail} arrives. Carries the tail itself, so a stale delivery is recognised. */
  private record Arrived(Tail tail) implements Command, SameMember {} // its own timer

  /** A flow whose bytes have all left the source; its last byte is still in flight. */
  private static final class Tail {
    final FlowNetwork.Flow<FlowId> flow;
    final ActorRef<FlowEvent> replyTo;
    SimTimer timer;

    Tail(FlowNetwork.Flow<FlowId> flow, ActorRef<FlowEvent> replyTo) {
      this.flow = flow;
      this.replyTo = replyTo;
    }
  }

  private final SimKernel kernel;
  private final SimEntity entity;
  private final long latencyNanos;
  private final FlowNetwork<FlowId> network = new FlowNetwork<>();
  /** Owners of the flows in the network, by flow id. */
  private final TreeMap<FlowId, ActorRef<FlowEvent>> owners = new TreeMap<>();
  /** The flows in the network that are not {@link Stream#PLAIN}, by flow id. */
  private final TreeMap<FlowId, Stream> streams = new TreeMap<>();
  /** Flows whose last byte is in flight, by flow id. */
  private final TreeMap<FlowId, Tail> tails = new TreeMap<>();
  private final TreeSet<String> failed = new TreeSet<>();
  /** The one pending completion timer, or null when no flow is in the network. */
  private SimTimer completionTimer;
  /** Nodes whose link is slower than the base latency, and their latency. */
  private final TreeMap<String, Long> linkLatency = new TreeMap<>();
  /** Flows whose owner has been told they stalled. */
  private final TreeSet<FlowId> stalled = new TreeSet<>();
  /** The share of a NIC's line rate that carries data ({@code network.mtu}). */
  private final double payloadFraction;
  /** What the streams cost the Dom0s, told to the hypervisors that watch. */
  private final Dom0StreamWork streamWork;
  /** The inputs waiting to take effect, by effect instant. */
  private final TreeMap<Long, Batch> pending = new TreeMap<>();
  /** The starts waiting to take effect, by flow id. */
  private final TreeMap<FlowId, StartFlow> starting = new TreeMap<>();
  /** Flows cancelled whose cancel has not taken effect: their owners hear nothing more. */
  private final TreeSet<FlowId> silenced = new TreeSet<>();
  /** The instant of the inputs applied last (-1 before any). */
  private long appliedThrough = -1;
  /** The cause of the input that acts at once applied last, or null before the first: causes never go down. */
  private EventKey lastCause;
  /** A flow at rate 0 finishes at or after this: never, for all a run is concerned. */
  private static final long NEVER = Long.MAX_VALUE / 4;
  /** The other members' replicas of this fabric, or null when there are none (one JVM). */
  private final FabricReplica replica;
  /**
   * The owner of the flows other members' replicas started ({@link Replicated}): nobody here; they hear from the
   * replica on their own member. Null in one JVM.
   */
  private final ActorRef<FlowEvent> elsewhere;
  /**
   * The key of the last effect instant at which a flow entered an empty network (arming every batch then
   * waiting), or null: an unarmed input from another replica caused before it would have been armed by it there.
   */
  private EventKey lastEntry;
  /**
   * Replicas only: the cause of each node's last failure applied here. Another member's input caused at or before it
   * that involves the node comes too late to be broken by it, as it was on the replica told it: it is dropped.
   */
  private final TreeMap<String, EventKey> lastFailure = new TreeMap<>();

  private Fabric(ActorContext<Command> context, SimKernel kernel, SortedMap<String, Long> nicBitsPerSecond,
      long latencyNanos, double sendCyclesPerPage, double receiveCyclesPerPage, double payloadFraction,
      FabricReplica replica) {
    super(context);
    this.replica = replica;
    this.elsewhere = replica == null ? null : context.getSystem().ignoreRef();
    this.payloadFraction = payloadFraction;
    this.streamWork = new Dom0StreamWork(sendCyclesPerPage, receiveCyclesPerPage);
    this.kernel = kernel;
    this.entity = kernel.entity(ENTITY);
    this.latencyNanos = latencyNanos;
    network.addNodes(payload(nicBitsPerSecond, payloadFraction));
    network.advanceTo(kernel.now());
  }

  /** What each NIC carries as data: its line rate less the frames' headers ({@code network.mtu}). */
  private static TreeMap<String, Long> payload(SortedMap<String, Long> lineBitsPerSecond, double payloadFraction) {
    TreeMap<String, Long> data = new TreeMap<>();
    lineBitsPerSecond.forEach((node, bits) -> data.put(node, payload(bits, payloadFraction)));
    return data;
  }

  private static long payload(long lineBitsPerSecond, double payloadFraction) {
    return payloadFraction == 1 ? lineBitsPerSecond : Math.max(1, Math.round(lineBitsPerSecond * payloadFraction));
  }

  /**
   * The fabric of a cluster whose nodes have the given NIC bandwidths (bits/s, each direction), with
   * one-way latency {@code latencyNanos}. Spawn it with {@link SimKernel#spawn}.
   */
  public static Behavior<Command> create(SimKernel kernel, SortedMap<String, Long> nicBitsPerSecond, long latencyNanos) {
    return create(kernel, nicBitsPerSecond, latencyNanos, 0, 0, 1);
  }

  /**
   * As {@link #create(SimKernel, SortedMap, long)}, each page a stream moves costing the sender's Dom0
   * {@code sendCyclesPerPage} and the receiver's {@code receiveCyclesPerPage} (told to {@link Watch}ers), and
   * each NIC carrying {@code payloadFraction} of its line rate (and of a changed link's, {@link LinkChanged}) as
   * data: flows, caps and guest traffic are data, the frames' headers take the rest (1 for none).
   */
  public static Behavior<Command> create(SimKernel kernel, SortedMap<String, Long> nicBitsPerSecond, long latencyNanos,
      double sendCyclesPerPage, double receiveCyclesPerPage, double payloadFraction) {
    return create(kernel, nicBitsPerSecond, latencyNanos, sendCyclesPerPage, receiveCyclesPerPage, payloadFraction,
        null);
  }

  /**
   * As {@link #create(SimKernel, SortedMap, long, double, double, double)}, as one member's replica of the fabric
   * of a run over several members ({@link FabricReplica}; null: the only one). Its flows' owners and its watching
   * hypervisors must be on its own member: it tells them (every replica tells its own).
   */
  public static Behavior<Command> create(SimKernel kernel, SortedMap<String, Long> nicBitsPerSecond, long latencyNanos,
      double sendCyclesPerPage, double receiveCyclesPerPage, double payloadFraction, FabricReplica replica) {
    if (latencyNanos <= 0) {
      throw new IllegalArgumentException("network latency must be more than 0 (inputs take effect one latency after"
          + " their cause), was " + latencyNanos + " ns");
    }
    if (!(payloadFraction > 0 && payloadFraction <= 1)) {
      throw new IllegalArgumentException("payload fraction must be in (0, 1], was " + payloadFraction);
    }
    TreeMap<String, Long> nics = new TreeMap<>(nicBitsPerSecond);
    new FlowNetwork().addNodes(nics); // fail here, in the caller, on a bad NIC
    return Behaviors.setup(ctx -> new Fabric(ctx, kernel, nics, latencyNanos, sendCyclesPerPage,
        receiveCyclesPerPage, payloadFraction, replica));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartFlow.class, this::onStart)
        .onMessage(CancelFlow.class, this::onCancel)
        .onMessage(Watch.class, w -> {
          streamWork.watch(w.node(), w.hypervisor());
          reportWork();
          return this;
        })
        .onMessage(GuestTraffic.class, this::onGuestTraffic)
        .onMessage(NodeFailed.class, this::onNodeFailed)
        .onMessage(NodeRecovered.class, this::onNodeRecovered)
        .onMessage(LinkChanged.class, this::onLinkChanged)
        .onMessage(Replicated.class, this::onReplicated)
        .onMessage(GetRate.class, this::onGetRate)
        .onMessageEquals(CompletionTick.INSTANCE, this::onTick)
        .onMessage(TakeEffect.class, this::onTakeEffect)
        .onMessage(Arrived.class, this::onArrived)
        .build();
  }

  private Behavior<Command> onStart(StartFlow s) {
    admitLater(s);
    applyOverdue();
    String refused = refusal(s);
    if (refused != null) {
      String why = refused.equals(DUPLICATE) ? "a flow with that id exists"
          : failed.contains(refused) ? "node " + refused + " has failed" : "node " + refused + " is unknown";
      getContext().getLog().warn("flow {} from {} to {} refused: {}", s.flowId(), s.from(), s.to(), why);
      s.replyTo().tell(new FlowBroken(s.flowId(), refused, 0));
      return this;
    }
    starting.put(s.flowId(), s);
    enqueue(s, true);
    replicate(s, true);
    return this;
  }

  /** Sends an input told here and accepted to the other members' replicas, if any. */
  private void replicate(Input input, boolean armed) {
    if (replica != null) {
      replica.send(new Replicated(input, armed), input.cause().time() + latencyNanos);
    }
  }

  /**
   * Another member's replica was told {@code r}'s input and accepted it: it is batched here as there, at its effect
   * instant, to be applied in its cause's order. Nothing else is done now (the network is not brought to now: this
   * replica may be anywhere in the window, and it acts at the instants every replica acts at), and its owner, on
   * that member, is told nothing from here.
   */
  private Behavior<Command> onReplicated(Replicated r) {
    if (replica == null) {
      throw new IllegalStateException("input " + r.input() + " from another member's fabric, but this fabric is the"
          + " only one");
    }
    Input input = r.input();
    long effect = input.cause().time() + latencyNanos;
    if (effect <= appliedThrough || effectKey(effect).compareTo(kernel.currentEvent()) < 0) {
      fail(input, "it came from another member at " + kernel.now() + " ns, after the inputs of its effect instant ("
          + effect + " ns) were applied here (the window protocol should have brought it before)");
    }
    if (brokenByAFailure(input)) {
      return this; // the failure, applied here before the input came, broke it where it was told (its owner knows)
    }
    // A flow entering the empty network after its cause armed it on the replica that was told it; the input came
    // here only later.
    boolean armed = r.armed() || (lastEntry != null && lastEntry.compareTo(input.cause()) > 0);
    if (input instanceof StartFlow s) {
      StartFlow here = new StartFlow(s.flowId(), s.from(), s.to(), s.bytes(), s.capBitsPerSecond(), elsewhere,
          s.cause(), s.stream());
      starting.put(here.flowId(), here);
      enqueue(here, armed);
    } else {
      enqueue(input, armed);
    }
    return this;
  }

  /**
   * Checks that an input that takes effect later comes in time: not before its cause, and before the inputs of its
   * effect instant are applied (in one JVM it comes at its cause's instant). Throwing fails the run, naming the
   * fabric.
   */
  private void admitLater(Input input) {
    EventKey cause = input.cause();
    long effect = cause.time() + latencyNanos;
    String wrong = cause.time() > kernel.now() ? "its cause is after now (" + kernel.now() + " ns)"
        : effect <= appliedThrough || effectKey(effect).compareTo(kernel.currentEvent()) < 0
            ? "it came at " + kernel.now() + " ns, after the inputs of its effect instant (" + effect
                + " ns, one latency after its cause) were applied"
            : null;
    fail(input, wrong);
  }

  /**
   * Checks that an input that acts at once comes at its cause's instant and not before the cause of such an input
   * already applied (see the class comment). Throwing fails the run, naming the fabric.
   */
  private void admitNow(Input input) {
    EventKey cause = input.cause();
    String wrong = cause.time() != kernel.now() ? "it came at " + kernel.now() + " ns, not at its cause's instant"
        : lastCause != null && cause.compareTo(lastCause) < 0 ? "an input caused by event " + lastCause
            + " has been applied before it" : null;
    fail(input, wrong);
    lastCause = cause;
  }

  private static void fail(Input input, String wrong) {
    if (wrong != null) {
      throw new IllegalStateException("fabric input " + input + " is out of the order of its cause: " + wrong
          + " (the fabric applies inputs in the order of the events that caused them, those that shape the rates"
          + " one latency after; docs/architecture.md, \"Members\")");
    }
  }

  /** The key of the timer that applies the inputs of {@code atNanos}, the same on every replica. */
  private static EventKey effectKey(long atNanos) {
    return new EventKey(atNanos, INPUTS_ENTITY, 0);
  }

  /** Why a start is refused (a node name or {@link #DUPLICATE}), or null. */
  private String refusal(StartFlow s) {
    if (network.contains(s.flowId()) || tails.containsKey(s.flowId()) || starting.containsKey(s.flowId())) {
      return DUPLICATE;
    }
    for (String node : new String[] {s.from(), s.to()}) {
      if (!network.hasNode(node) || failed.contains(node)) {
        return node;
      }
    }
    return null;
  }

  /**
   * Whether another member's {@code input} involves a node whose failure was applied here at or after its cause (the
   * replica that was told it then had it waiting, and the failure dropped it; had it been told after the failure, it
   * would have refused it and sent nothing). So a failure need not wait for the inputs caused before it to reach
   * every replica.
   */
  private boolean brokenByAFailure(Input input) {
    List<String> nodes = input instanceof StartFlow s ? List.of(s.from(), s.to())
        : input instanceof GuestTraffic g ? List.of(g.node()) : List.of();
    for (String node : nodes) {
      EventKey failure = lastFailure.get(node);
      if (failure != null && input.cause().compareTo(failure) <= 0) {
        return true;
      }
    }
    return false;
  }

  private Behavior<Command> onCancel(CancelFlow c) {
    admitLater(c);
    applyOverdue();
    StartFlow start = starting.get(c.flowId());
    if (network.contains(c.flowId()) || tails.containsKey(c.flowId())
        || (start != null && start.cause().compareTo(c.cause()) <= 0)) {
      // (A start of the same cause came before this cancel: inputs of one cause keep the order they were sent in.)
      silenced.add(c.flowId()); // its owner has let it go
    }
    enqueue(c, true);
    replicate(c, true);
    return this;
  }

  private Behavior<Command> onGuestTraffic(GuestTraffic g) {
    admitLater(g);
    applyOverdue();
    if (network.hasNode(g.node()) && !failed.contains(g.node())) { // a failed node's guests are gone
      boolean observable = network.size() > 0;
      enqueue(g, observable);
      replicate(g, observable);
    }
    return this;
  }

  /** Keeps {@code input} for its effect instant; {@code observable}: it may change a rate or tell an owner. */
  private void enqueue(Input input, boolean observable) {
    Batch batch = pending.computeIfAbsent(input.cause().time() + latencyNanos, Batch::new);
    batch.inputs.add(input);
    if (observable) {
      arm(batch);
    }
  }

  private void arm(Batch batch) {
    if (!batch.armed) {
      batch.armed = true;
      kernel.deliverAt(effectKey(batch.atNanos), getContext().getSelf(), new TakeEffect(batch.atNanos));
    }
  }

  private Behavior<Command> onTakeEffect(TakeEffect t) {
    countTimer();
    prepare();
    Batch batch = pending.get(t.atNanos());
    if (batch != null) {
      apply(batch);
    }
    return this;
  }

  /**
   * Applies the inputs of {@code batch} at its instant, in the order of their causes (a stable sort: inputs of one
   * cause keep theirs); the network stands at or before that instant.
   */
  private void apply(Batch batch) {
    pending.remove(batch.atNanos);
    appliedThrough = batch.atNanos;
    long at = batch.atNanos;
    settle(at);
    List<Input> inputs = new ArrayList<>(batch.inputs);
    inputs.sort(Comparator.comparing(Input::cause));
    for (Input input : inputs) {
      if (input instanceof StartFlow s) {
        takeEffect(s, at);
      } else if (input instanceof CancelFlow c) {
        takeEffect(c, at);
      } else if (input instanceof GuestTraffic g) {
        if (network.hasNode(g.node()) && !failed.contains(g.node())) {
          network.setGuestTraffic(g.node(), g.egressBitsPerSecond(), g.ingressBitsPerSecond(), at);
        }
      } else {
        throw new IllegalStateException("input " + input + " does not wait for its effect");
      }
    }
    rearm(kernel.now());
  }

  private void takeEffect(StartFlow s, long at) {
    if (starting.get(s.flowId()) != s) {
      return; // broken by its endpoint's failure meanwhile
    }
    starting.remove(s.flowId());
    if (s.bytes() == 0) {
      end(new FlowNetwork.Flow<>(s.flowId(), s.from(), s.to(), 0, s.capBitsPerSecond(), at), at, s.replyTo(),
          s.stream());
      return;
    }
    boolean first = network.size() == 0;
    network.addFlow(s.flowId(), s.from(), s.to(), s.bytes(), s.capBitsPerSecond(), at);
    owners.put(s.flowId(), s.replyTo());
    if (!s.stream().equals(Stream.PLAIN)) {
      streams.put(s.flowId(), s.stream());
    }
    if (first) {
      // Guest traffic waiting without a timer now shapes this flow's rate: the batches holding an input caused before
      // this event, which are all of them in one JVM. A replica running behind may already hold another member's
      // input caused later than this event: the replica told it decided at its cause whether it needed a timer.
      EventKey entry = effectKey(at);
      for (Batch waiting : pending.values()) {
        if (replica == null || waiting.inputs.stream().anyMatch(in -> in.cause().compareTo(entry) < 0)) {
          arm(waiting);
        }
      }
      lastEntry = entry;
    }
  }

  private void takeEffect(CancelFlow c, long at) {
    if (network.removeFlow(c.flowId(), at).isPresent()) {
      owners.remove(c.flowId());
      streams.remove(c.flowId());
    } else {
      Tail t = tails.remove(c.flowId());
      if (t != null) {
        t.timer.cancel();
      }
    }
    silenced.remove(c.flowId());
  }

  private Behavior<Command> onNodeFailed(NodeFailed f) {
    admitNow(f);
    long now = prepare();
    failed.add(f.node());
    if (replica != null) {
      lastFailure.put(f.node(), f.cause());
    }
    // Owners hear about their broken flows in flow-id order, whether waiting to start, running or in their tail.
    TreeMap<FlowId, ActorRef<FlowEvent>> broken = new TreeMap<>();
    TreeMap<FlowId, Long> sent = new TreeMap<>();
    for (FlowId id : network.flowsOf(f.node())) {
      sent.put(id, Math.round(network.flow(id).orElseThrow().bytes() - network.remainingBytes(id)));
    }
    for (FlowNetwork.Flow<FlowId> flow : network.removeFlowsOf(f.node(), now)) {
      broken.put(flow.id(), owners.remove(flow.id()));
      streams.remove(flow.id());
    }
    var it = tails.values().iterator();
    while (it.hasNext()) {
      Tail t = it.next();
      if (t.flow.from().equals(f.node()) || t.flow.to().equals(f.node())) {
        t.timer.cancel();
        broken.put(t.flow.id(), t.replyTo);
        sent.put(t.flow.id(), t.flow.bytes());
        it.remove();
      }
    }
    var starts = starting.values().iterator();
    while (starts.hasNext()) {
      StartFlow s = starts.next();
      if (s.from().equals(f.node()) || s.to().equals(f.node())) {
        broken.put(s.flowId(), s.replyTo());
        starts.remove();
      }
    }
    // What its guests wanted of its NIC goes with them.
    for (Batch batch : pending.values()) {
      batch.inputs.removeIf(in -> in instanceof GuestTraffic g && g.node().equals(f.node()));
    }
    rearm(now);
    for (Map.Entry<FlowId, ActorRef<FlowEvent>> e : broken.entrySet()) {
      tellOwner(e.getValue(), new FlowBroken(e.getKey(), f.node(), sent.getOrDefault(e.getKey(), 0L)));
    }
    return this;
  }

  private Behavior<Command> onNodeRecovered(NodeRecovered r) {
    admitNow(r);
    long now = prepare();
    if (network.hasNode(r.node()) && failed.remove(r.node())) {
      // The traffic its guests had at the crash is gone with them (it has no flows, so no rate changes).
      network.setGuestTraffic(r.node(), 0, 0, now);
    }
    return this;
  }

  private Behavior<Command> onLinkChanged(LinkChanged c) {
    admitNow(c);
    long now = prepare();
    if (!network.hasNode(c.node())) {
      return this;
    }
    network.setCapacity(c.node(), c.bitsPerSecond() == 0 ? 0 : payload(c.bitsPerSecond(), payloadFraction), now);
    if (c.latencyNanos() > latencyNanos) {
      linkLatency.put(c.node(), c.latencyNanos());
    } else {
      linkLatency.remove(c.node());
    }
    rearm(now);
    return this;
  }

  /**
   * A read: it answers from the network as it stands, its flows' bytes projected to now, and moves nothing. So a flow
   * whose last byte leaves at this very instant, before its completion's timer (a question from an entity ordered
   * before the fabric), is still moving, with nothing left; and asking changes nothing another replica does not do.
   */
  private Behavior<Command> onGetRate(GetRate g) {
    if (network.contains(g.flowId())) {
      g.replyTo().tell(new Rate(g.flowId(), true, network.rateOf(g.flowId()),
          network.remainingBytesAt(g.flowId(), kernel.now())));
    } else {
      g.replyTo().tell(new Rate(g.flowId(), false, 0, 0));
    }
    return this;
  }

  private Behavior<Command> onTick() {
    countTimer();
    prepare();
    return this;
  }

  private Behavior<Command> onArrived(Arrived a) {
    countTimer();
    Tail t = a.tail();
    if (tails.get(t.flow.id()) != t) {
      return this; // cancelled or broken after its timer fired
    }
    tails.remove(t.flow.id());
    tellOwner(t.replyTo, new FlowDone(t.flow.id(), t.flow.bytes(), startedNanos(t.flow), kernel.now()));
    return this;
  }

  /** Tells the owners of flows whose rate went to 0, or away from 0, since the last change (in flow order). */
  private void reportStalls() {
    stalled.removeIf(id -> !network.contains(id));
    for (FlowId id : network.flowsNow()) {
      boolean still = network.rateOf(id) <= 0 && network.completionOf(id) >= NEVER; // not just done
      if (still && stalled.add(id)) {
        tellOwner(owners.get(id), new FlowStalled(id));
      } else if (!still && stalled.remove(id)) {
        tellOwner(owners.get(id), new FlowMoving(id));
      }
    }
  }

  private void reportWork() {
    streamWork.report(network, streams);
  }

  /**
   * Readies the fabric for a command: applies the inputs whose instant came before the current event that nobody
   * could see yet (see {@link Batch}), then {@link #settle}s at now, read once for the whole command. Returns that
   * instant, at which the command must then act.
   */
  private long prepare() {
    applyOverdue();
    long now = kernel.now();
    settle(now);
    return now;
  }

  /**
   * Applies the inputs whose instant came before the current event that nobody could see yet (see {@link Batch}):
   * guest traffic that came while no flow was in the network, which has been empty since (a flow entering arms
   * every batch), so applying it moves no flow. The inputs that take effect later call only this, not {@link
   * #prepare}: they change nothing now, so they must not bring the network to now either. A completion due at this
   * very instant, whose timer comes later in the instant's order (an input from an entity ordered before {@value
   * #ENTITY}, as {@code db-1/dom0}), would be collected there, its owners told and its timer cancelled, on the replica
   * told the input, and at its timer on the others. Applying these batches here keeps them from piling up in a run
   * without migrations, where the fabric has no timer.
   */
  private void applyOverdue() {
    EventKey current = kernel.currentEvent();
    while (!pending.isEmpty() && effectKey(pending.firstKey()).compareTo(current) < 0) {
      apply(pending.firstEntry().getValue());
    }
  }

  /**
   * Brings the network to {@code at}: finished flows go into their tail, and the completion timer is moved.
   */
  private void settle(long at) {
    for (FlowNetwork.Finished<FlowId> f : network.advanceTo(at)) {
      Stream stream = streams.remove(f.flow().id());
      end(f.flow(), f.finishedNanos(), owners.remove(f.flow().id()), stream == null ? Stream.PLAIN : stream);
    }
    rearm(kernel.now());
  }

  /** One of the fabric's own timers fired: a replica counts them ({@link FabricReplica#eventsCounted}). */
  private void countTimer() {
    if (replica != null) {
      replica.timerFired();
    }
  }

  /** Tells a flow's owner {@code event}, unless the flow has been cancelled or its owner is on another member. */
  private void tellOwner(ActorRef<FlowEvent> owner, FlowEvent event) {
    if ((elsewhere == null || owner != elsewhere) && !silenced.contains(event.flowId())) {
      owner.tell(event);
    }
  }

  /** When {@code flow}'s owner started it: it entered the network one latency later. */
  private long startedNanos(FlowNetwork.Flow<FlowId> flow) {
    return flow.startedNanos() - latencyNanos;
  }

  /**
   * The last byte of {@code flow} left its source at {@code leftNanos}: its owner hears it done now ({@link
   * Delivery#DEPARTURE}) or when that byte arrives.
   */
  private void end(FlowNetwork.Flow<FlowId> flow, long leftNanos, ActorRef<FlowEvent> replyTo, Stream stream) {
    if (stream.doneOn() == Delivery.DEPARTURE) {
      tellOwner(replyTo, new FlowDone(flow.id(), flow.bytes(), startedNanos(flow), leftNanos));
    } else {
      startTail(flow, leftNanos, replyTo);
    }
  }

  /**
   * The last byte of {@code flow} left its source at {@code leftNanos}: it arrives one latency (of its
   * path) later.
   */
  private void startTail(FlowNetwork.Flow<FlowId> flow, long leftNanos, ActorRef<FlowEvent> replyTo) {
    Tail tail = new Tail(flow, replyTo);
    long latency = Math.max(latencyNanos, Math.max(linkLatency.getOrDefault(flow.from(), 0L),
        linkLatency.getOrDefault(flow.to(), 0L)));
    tail.timer = entity.sendAt(leftNanos + latency, getContext().getSelf(), new Arrived(tail));
    tails.put(flow.id(), tail);
  }

  /**
   * Keeps exactly one pending timer, at the earliest completion (none while every flow is stalled), and
   * tells owners whose flows stalled or moved again.
   */
  private void rearm(long now) {
    reportStalls();
    reportWork();
    Optional<FlowNetwork.Completion<FlowId>> next = network.nextCompletion()
        .filter(c -> c.atNanos() < NEVER);
    if (completionTimer != null) {
      if (next.isPresent() && completionTimer.time() == next.get().atNanos() && completionTimer.time() > now) {
        return; // still pending at the right instant
      }
      completionTimer.cancel();
      completionTimer = null;
    }
    if (next.isPresent()) {
      completionTimer = entity.sendAt(next.get().atNanos(), getContext().getSelf(), CompletionTick.INSTANCE);
    }
  }
}
