package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario migrates a guest it creates, whose create is refused (its node has failed): `domsim run` refuses the
 * migration with the reason, prints it with no type in the table, and writes the report (the operator and the table
 * took every migration's guest to have a type; `domsim chaos` found it once its variations created guests).
 */
class RefusedCreateIT {
  @TempDir
  Path tmp;

  @Test
  void theMigrationOfAGuestNeverCreatedIsRefusedAndReported() throws IOException {
    Path config = tmp.resolve("refused-create.conf");
    Files.writeString(config, """
        domsim {
          simulation { duration = 10s, seed = 1 }
          node-defaults { cpu { cores = 4 }, memory = 8GiB, dom0.memory = 1GiB }
          nodes = [ { name = a }, { name = b }, { name = c } ]
          guests = [ { name = web, type = pv, memory = 256MiB, node = a } ]
          scenario = [
            { at = 1s, action = fail, node = b }
            { at = 2s, action = create, guest { name = late, type = pvh, memory = 128MiB, node = b } }
            { at = 3s, action = migrate, guest = late, to = c }
          ]
        }
        """);
    Cli.Outcome o = Cli.run("run", config.toString(), "--out", tmp.resolve("out").toString(), "--no-progress");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().lines().anyMatch(l -> l.matches("3s\\s+late\\s+-\\s+- -> c\\s+.*refused.*")), o.out());
    JsonNode m = Cli.report(tmp.resolve("out")).get("migrations").get(0);
    assertEquals("refused", m.get("outcome").asText());
    assertTrue(m.get("type").isNull(), m::toString);
    assertEquals("guest late is not running (its xl create was refused); only a running guest can migrate",
        m.get("reason").asText());
  }
}
