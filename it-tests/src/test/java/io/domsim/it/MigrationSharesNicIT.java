package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, point 5: migration streams share the NIC with the guests' own I/O. */
class MigrationSharesNicIT {

  @TempDir
  Path tmp;

  private static final String TEMPLATE = """
      domsim {
        simulation { duration = 60s }
        node-defaults { cpu { cores = 8 }, memory = 32GiB, nic = 1Gbps, dom0 { vcpus = 2, memory = 2GiB } }
        nodes = [ { name = a }, { name = b } ]
        guests = [
          { name = mover, type = pv, vcpus = 1, memory = 2GiB, node = a
            workload { cpu = 0.1, dirty-rate = 0, working-set = 0, io-rate = 0, variability = 0 } }
          { name = chatty, type = pv, vcpus = 2, memory = 2GiB, node = a
            workload { cpu = 0.2, io-rate = %d, variability = 0 } }
        ]
        scenario = [ { at = 5s, action = migrate, guest = mover, to = b } ]
      }
      """;

  private double migrationSeconds(int chattyIoRate) throws IOException {
    Path conf = tmp.resolve("nic-" + chattyIoRate + ".conf");
    Files.writeString(conf, String.format(Locale.ROOT, TEMPLATE, chattyIoRate));
    Path out = tmp.resolve("out-" + chattyIoRate);
    Cli.Outcome o = Cli.run("run", conf.toString(), "--out", out.toString(), "--no-progress");
    assertEquals(0, o.code(), o.err());
    JsonNode m = Cli.report(out).get("migrations").get(0);
    assertEquals("completed", m.get("outcome").asText(), m.toString());
    return m.get("total_time_s").asDouble();
  }

  @Test
  void aNeighboursNetworkIoSlowsTheMigrationByItsShareOfTheNic() throws IOException {
    double quiet = migrationSeconds(0);
    // 30,000 I/O per second x 2 KiB on the NIC, half of it outgoing: 245.8 Mbit/s out of a's NIC, below
    // the max-min share of 500 Mbit/s, so the guests get all of it and the stream the rest.
    int io = 30_000;
    double guestOut = io * 2048 * 8 / 2.0;
    double busy = migrationSeconds(io);
    assertEquals(quiet * 1e9 / (1e9 - guestOut), busy, busy * 0.02,
        "quiet " + quiet + " s, beside a chatty guest " + busy + " s");
  }
}
