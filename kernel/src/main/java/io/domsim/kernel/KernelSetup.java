package io.domsim.kernel;

import akka.actor.setup.Setup;

/**
 * Hands a kernel to the actor system it runs, through the system's {@link akka.actor.setup.ActorSystemSetup}:
 * the simulation dispatcher's executor ({@link SimExecutorConfigurator}) reads it there, so no kernel
 * is kept in a static registry.
 */
final class KernelSetup extends Setup {
  final SimKernel kernel;

  KernelSetup(SimKernel kernel) {
    this.kernel = kernel;
  }
}
