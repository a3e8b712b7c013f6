package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** The merged reference.conf of every module (this module's tests see them all) costs nothing to resolve. */
class ReferenceConfTest {

  /**
   * No substitution under {@code domsim}: Typesafe Config re-resolves every one at each {@code resolve()} (each
   * run's configuration, each actor system), and a list extended with {@code +=} in ~90 lines is a chain of
   * self-references that made every run 2.6x slower and three times bigger (the Kryo registrations, now an
   * object of one key per class).
   */
  @Test
  void theDomsimDefaultsHaveNoSubstitutionToResolve() {
    assertTrue(ConfigFactory.defaultReferenceUnresolved().withOnlyPath("domsim").isResolved(),
        "a reference.conf under domsim uses ${...} or +=; write plain values (an object of keys instead of a"
            + " list that modules extend)");
  }
}
