package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/multifd.conf's four commands give README's figures (one thread, multifd 2 and 4 channels, zstd). */
class MultifdExampleIT {
  private static final String Q = "migration.stop-rules.qemu.";

  @TempDir
  Path tmp;

  private JsonNode migration(String name, String... sets) {
    List<String> args = new ArrayList<>(List.of("run", Cli.example("multifd.conf").toString(), "--out",
        tmp.resolve(name).toString(), "--no-progress"));
    for (String s : sets) {
      args.add("--set");
      args.add(Q + s);
    }
    Cli.Outcome o = Cli.run(args.toArray(String[]::new));
    assertEquals(0, o.code(), o.err());
    JsonNode m = Cli.report(tmp.resolve(name)).get("migrations").get(0);
    assertEquals("completed", m.get("outcome").asText(), m.toString());
    return m;
  }

  @Test
  void theReadmesFiguresForOneThreadMultifdAndZstd() {
    JsonNode one = migration("one");
    JsonNode two = migration("two", "multifd=true");
    JsonNode four = migration("four", "multifd=true", "multifd-channels=4");
    JsonNode zstd = migration("zstd", "multifd=true", "multifd-channels=4", "multifd-compression=zstd");
    assertEquals(8.48, one.get("total_time_s").asDouble(), 0.005);
    assertEquals(4.58, two.get("total_time_s").asDouble(), 0.005);
    assertEquals(3.89, four.get("total_time_s").asDouble(), 0.005);
    assertEquals(12.55, zstd.get("total_time_s").asDouble(), 0.005);
    assertEquals(8.27, four.get("bytes_transferred").asDouble() / (1L << 30), 0.005);
    assertEquals(3.02, zstd.get("bytes_transferred").asDouble() / (1L << 30), 0.005);
  }
}
