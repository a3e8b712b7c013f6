package io.domsim.kernel;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.concurrent.ThreadFactory;

/**
 * Plugs a kernel's {@link SimLoop} into Akka as the executor of the simulation dispatcher. Akka
 * instantiates this class by name from the dispatcher's {@code executor} key; the kernel comes with the
 * actor system's setup ({@link KernelSetup}, put there by {@link SimKernel#startSystem}).
 */
public final class SimExecutorConfigurator extends ExecutorServiceConfigurator {
  private final SimKernel kernel;

  public SimExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    this.kernel = prerequisites.settings().setup().get(KernelSetup.class)
        .orElseThrow(() -> new IllegalStateException("the simulation dispatcher runs only in an actor system "
            + "started by SimKernel.startSystem, which supplies its kernel"))
        .kernel;
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    return () -> kernel.startLoop(threadFactory);
  }
}
