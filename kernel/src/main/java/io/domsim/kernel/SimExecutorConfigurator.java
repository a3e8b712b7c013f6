package io.domsim.kernel;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.concurrent.ThreadFactory;

/**
 * Plugs a kernel's {@link SimLoop} into Akka as the executor of the simulation dispatcher. Akka
 * instantiates this class by name from the dispatcher's {@code executor} key; {@code kernel-id} in the
 * same block says which kernel (one per actor system).
 */
public final class SimExecutorConfigurator extends ExecutorServiceConfigurator {
  private final String kernelId;

  public SimExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    this.kernelId = config.getString("kernel-id");
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    SimKernel kernel = SimKernel.lookup(kernelId);
    return () -> kernel.startLoop(threadFactory);
  }
}
