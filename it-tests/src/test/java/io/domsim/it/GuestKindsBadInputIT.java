package io.domsim.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest type or hypervisor kind a node cannot have is the user's to fix: FILE:LINE, a sentence, exit 2. */
class GuestKindsBadInputIT {

  @TempDir
  Path tmp;

  private BadInputs.Both both(String name, String text) throws IOException {
    return BadInputs.both(Files.writeString(tmp.resolve(name), text), tmp);
  }

  @Test
  void anUnknownHypervisorKind() throws IOException {
    BadInputs.refused(both("kind.conf", """
        domsim {
          nodes = [ { name = a, hypervisor.kind = hosted } ]
        }
        """), tmp.resolve("kind.conf") + ":2: domsim.nodes[0].hypervisor.kind: ", "is not a hypervisor kind; use type-1 or type-2");
  }

  @Test
  void aPvGuestPinnedToATypeTwoNode() throws IOException {
    BadInputs.refused(both("pinned.conf", """
        domsim {
          nodes = [ { name = a }, { name = kvm, hypervisor.kind = type-2 } ]
          guests = [ { name = g, type = pv, node = kvm } ]
        }
        """), tmp.resolve("pinned.conf") + ":3: domsim.guests[0].node: ", "pin it to a type-1 node or make it type = hvm or pvhvm");
  }

  @Test
  void aNegativePageTableUpdateRate() throws IOException {
    BadInputs.refused(both("rate.conf", """
        domsim {
          nodes = [ { name = a } ]
          guest-defaults.workload.pt-update-rate = -5
        }
        """), tmp.resolve("rate.conf") + ":3: domsim.guest-defaults.workload.pt-update-rate: ", "a number of at least 0");
  }
}
