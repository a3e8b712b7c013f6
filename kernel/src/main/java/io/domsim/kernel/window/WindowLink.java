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
 */
public final class WindowLink extends AbstractBehavior<WindowLink.Command> {
  public sealed interface Command {}

  /** A delivery for an actor of this member. */
  public record Deliver(TimedDelivery<?> delivery) implements Command, CrossJvm {}

  /** What another member's barrier event told actors of this member at zero time. */
  public record Tells(BarrierTells tells) implements Command, CrossJvm {}

  /** A delivery's revocation, for this member. */
  public record Revoke(Revocation revocation) implements Command, CrossJvm {}

  /** An input for one of this member's replicas (the fabric's), from that replica on another member. */
  public record Replicate(ReplicaInput<?> input) implements Command, CrossJvm {}

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
   * Every member's link, by member name, and which member drives: how a {@link WindowedMember} reaches the
   * others (its {@link WindowedMember.Transport}). Set once every link exists, before any member starts.
   */
  public static final class Links implements WindowedMember.Transport {
    private volatile SortedMap<String, ActorRef<Command>> links;
    private volatile String driver;
    /** Members lost: what would go to them is dropped (their process is gone). */
    private final java.util.Set<String> forgotten = java.util.concurrent.ConcurrentHashMap.newKeySet();
    @Override
    public void record(String member, long window, java.util.List<?> records) {
      for (int from = 0; from < records.size(); from += RECORDS_PER_MESSAGE) {
        of(driver).tell(new Recorded(member, window, records.subList(from, Math.min(records.size(),
            from + RECORDS_PER_MESSAGE))));
      }
    }

    @Override
    public void forget(String member) {
      forgotten.add(member);
      replicaInputs.remove(member);
    }

    /** The link to {@code member}, or null when it is lost. */
    private ActorRef<Command> to(String member) {
      return forgotten.contains(member) ? null : of(member);
    }

    private void tell(String member, Command message) {
      ActorRef<Command> link = to(member);
      if (link != null) {
        link.tell(message);
      }
    }

    public void set(SortedMap<String, ActorRef<Command>> links, String driver) {
      if (!links.containsKey(driver)) {
        throw new IllegalArgumentException("the driver " + driver + " has no link among " + links.keySet());
      }
      this.links = new TreeMap<>(links);
      this.driver = driver;
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
      // The window's replica inputs first (the report counts them; the receiver waits for them in any case).
      for (var each : replicaInputs.entrySet()) {
        java.util.List<ReplicaInput<?>> all = each.getValue();
        for (int from = 0; from < all.size(); from += REPLICA_INPUTS_PER_MESSAGE) {
          tell(each.getKey(), new ReplicateAll(all.subList(from, Math.min(all.size(),
              from + REPLICA_INPUTS_PER_MESSAGE))));
        }
      }
      replicaInputs.clear();
      of(driver).tell(new Reported(report));
    }

    @Override
    public void ship(String member, TimedDelivery<?> delivery) {
      tell(member, new Deliver(delivery));
    }

    @Override
    public void revoke(String member, Revocation revocation) {
      tell(member, new Revoke(revocation));
    }

    @Override
    public void shipTells(String member, BarrierTells tells) {
      tell(member, new Tells(tells));
    }

    /** The driver's word to a serving member that its windows begin ({@link Begin}). */
    public void begin(String member) {
      of(member).tell(new Begin());
    }

    /** On the driver, from any thread: {@code member} is lost for good ({@link Lose}). */
    public void lose(String member) {
      of(driver).tell(new Lose(member));
    }

    /** On the driver: the run stops at the next boundary ({@link Stop}). */
    public void stop() {
      of(driver).tell(new Stop());
    }

    /** A serving member's word to the driver that its simulation failed. */
    public void failed(String member, String failure) {
      of(driver).tell(new Failed(member, failure));
    }

    /** On the member's simulation thread, as its other calls here: kept until the window's report. */
    @Override
    public void replicate(String member, ReplicaInput<?> input) {
      if (to(member) == null) {
        return;
      }
      replicaInputs.computeIfAbsent(member, m -> new java.util.ArrayList<>()).add(input);
    }
  }

  /** Replica inputs in one message: about 150 bytes each, well under Artery's 256 KiB frames. */
  static final int REPLICA_INPUTS_PER_MESSAGE = 500;

  /** Records in one message: the monitor's facts are about 100 bytes each. */
  static final int RECORDS_PER_MESSAGE = 1000;

  private final WindowedMember member;
  private final WindowCoordinator coordinator; // on the driver only
  private final Links links;
  private final java.util.function.Consumer<Failed> onFailed;
  private final java.util.function.Consumer<Recorded> onRecorded;

  private WindowLink(ActorContext<Command> ctx, WindowedMember member, WindowCoordinator coordinator, Links links,
      java.util.function.Consumer<Failed> onFailed, java.util.function.Consumer<Recorded> onRecorded) {
    super(ctx);
    this.member = member;
    this.coordinator = coordinator;
    this.links = links;
    this.onFailed = onFailed;
    this.onRecorded = onRecorded;
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
    return newReceiveBuilder()
        .onMessage(Deliver.class, d -> {
          member.receive(d.delivery());
          return this;
        })
        .onMessage(Tells.class, t -> {
          member.receive(t.tells());
          return this;
        })
        .onMessage(Revoke.class, r -> {
          member.receive(r.revocation());
          return this;
        })
        .onMessage(Replicate.class, r -> {
          member.receive(r.input());
          return this;
        })
        .onMessage(ReplicateAll.class, r -> {
          r.inputs().forEach(member::receive);
          return this;
        })
        .onMessage(Granted.class, g -> {
          member.grant(g.grant());
          return this;
        })
        .onMessage(Begin.class, b -> {
          member.start();
          return this;
        })
        .onMessage(Stop.class, stop -> {
          if (coordinator == null) {
            throw new IllegalStateException(member.name() + " was told to stop the run, which it does not drive");
          }
          if (!coordinator.ended()) {
            coordinator.stop();
          }
          return this;
        })
        .onMessage(Lost.class, l -> {
          member.lose(l.member(), l.lastWindow());
          return this;
        })
        .onMessage(Recorded.class, r -> {
          onRecorded.accept(r);
          return this;
        })
        .onMessage(Lose.class, l -> {
          if (coordinator == null) {
            throw new IllegalStateException(member.name() + " was told " + l.member() + " is lost, but does not drive"
                + " the run");
          }
          WindowCoordinator.Loss loss = coordinator.lose(l.member());
          if (loss == null) {
            return this;
          }
          // Every member hears of the loss before any grant that leaves the lost member out (the same pair's order).
          for (String m : links.links.keySet()) {
            links.tell(m, new Lost(l.member(), loss.lastWindow()));
          }
          loss.grants().forEach((m, g) -> links.of(m).tell(new Granted(g)));
          return this;
        })
        .onMessage(Failed.class, f -> {
          onFailed.accept(f);
          return this;
        })
        .onMessage(Reported.class, r -> {
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
            return this;
          }
          for (Map.Entry<String, WindowCoordinator.Grant> g : grants.entrySet()) {
            links.of(g.getKey()).tell(new Granted(g.getValue()));
          }
          return this;
        })
        .build();
  }
}
