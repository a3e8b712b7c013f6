package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control API's request bodies: a JSON object of strings with exactly the route's fields. */
class ControlServerTest {

  private static Map<String, String> migrate(String body) {
    return ControlServer.fields(body.getBytes(StandardCharsets.UTF_8), "/migrate", List.of("guest", "to"),
        List.of("algorithm", "policy"));
  }

  private static String refusal(String body) {
    return assertThrows(IllegalArgumentException.class, () -> migrate(body)).getMessage();
  }

  @Test
  void theFieldsOfAWellFormedBody() {
    assertEquals(Map.of("guest", "web", "to", "b"), migrate("{\"guest\": \"web\", \"to\": \"b\"}"));
    assertEquals(Map.of("guest", "web", "to", "b", "algorithm", "post-copy"),
        migrate("{\"guest\": \"web\", \"to\": \"b\", \"algorithm\": \"post-copy\", \"policy\": null}"));
    assertEquals(Map.of(), ControlServer.fields(new byte[0], "/stop", List.of(), List.of()), "no body is {}");
  }

  @Test
  void everyMalformedBodyIsRefusedWithWhatTheRouteTakes() {
    String takes = "/migrate takes a JSON object with \"guest\", \"to\" and optionally \"algorithm\", \"policy\"";
    assertEquals("missing field to; " + takes, refusal("{\"guest\": \"web\"}"));
    assertEquals("unknown field \"node\"; " + takes, refusal("{\"guest\": \"web\", \"to\": \"b\", \"node\": \"c\"}"));
    assertEquals("field to must be a non-empty string; " + takes, refusal("{\"guest\": \"web\", \"to\": 3}"));
    assertEquals("field to must be a non-empty string; " + takes, refusal("{\"guest\": \"web\", \"to\": \" \"}"));
    assertEquals("the body is not a JSON object; " + takes, refusal("[\"web\", \"b\"]"));
    assertEquals("the body is not a JSON object; " + takes, refusal("\"web\""));
    assertTrue(refusal("{\"guest\": \"web\"").startsWith("the body is not JSON ("), refusal("{\"guest\": \"web\""));
    assertTrue(refusal("{\"guest\": \"a\", \"guest\": \"b\", \"to\": \"c\"}").contains("Duplicate field 'guest'"),
        "a duplicated field is ambiguous");
    assertTrue(refusal("guest=web&to=b").startsWith("the body is not JSON"));
    String stop = assertThrows(IllegalArgumentException.class,
        () -> ControlServer.fields("{\"now\": \"yes\"}".getBytes(StandardCharsets.UTF_8), "/stop", List.of(),
            List.of())).getMessage();
    assertEquals("unknown field \"now\"; /stop takes {}", stop);
  }
}
