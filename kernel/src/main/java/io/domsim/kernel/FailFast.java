package io.domsim.kernel;

import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Signal;
import akka.actor.typed.Terminated;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;

/**
 * Wraps every simulation actor ({@link SimKernel#spawn}): whatever its behavior throws, in its setup,
 * on a message or on a signal, fails the run at once with the actor's path and the simulated time, and
 * the actor stops quietly (the kernel logs the failure once, with its stack trace). Akka's default would
 * stop the actor, log, and let the rest of the world run on without it.
 *
 * <p>Simulation actors never stop during a run, so a child that stops for any other reason (it returns
 * {@code Behaviors.stopped()}, or fails in Akka's machinery outside its behavior) fails the run too:
 * its parent watches it, and the {@link Terminated} signal ends here instead of reaching the parent's
 * behavior.
 */
final class FailFast extends BehaviorInterceptor<Object, Object> {
  private final SimKernel kernel;

  private FailFast(SimKernel kernel) {
    super(Object.class);
    this.kernel = kernel;
  }

  @SuppressWarnings("unchecked")
  static <T> Behavior<T> wrap(SimKernel kernel, Behavior<T> behavior) {
    Behavior<Object> inner = (Behavior<Object>) behavior;
    return (Behavior<T>) Behaviors.intercept(() -> new FailFast(kernel), inner);
  }

  @Override
  public Behavior<Object> aroundStart(TypedActorContext<Object> ctx, PreStartTarget<Object> target) {
    try {
      return target.start(ctx);
    } catch (Throwable e) {
      return failed(ctx, e);
    }
  }

  @Override
  public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
    try {
      return target.apply(ctx, msg);
    } catch (Throwable e) {
      return failed(ctx, e);
    }
  }

  @Override
  public Behavior<Object> aroundSignal(TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
    if (signal instanceof Terminated t) {
      String child = t.getRef().path().toStringWithoutAddress();
      Throwable cause = t instanceof ChildFailed f ? f.getCause()
          : new IllegalStateException("simulation actor " + child + " stopped during the run");
      kernel.fail(child, cause);
      return Behaviors.same();
    }
    try {
      return target.apply(ctx, signal);
    } catch (Throwable e) {
      return failed(ctx, e);
    }
  }

  private Behavior<Object> failed(TypedActorContext<Object> ctx, Throwable e) {
    kernel.fail(ctx.asJava().getSelf().path().toStringWithoutAddress(), e);
    return Behaviors.stopped();
  }
}
