package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who may call domsim's HTTP endpoints: Host, Origin and token, from the headers alone. */
class RequestGuardTest {
  private static final String TOKEN = "0123456789abcdef0123";

  private static int status(RequestGuard g, String host, String origin, String authorization) {
    Optional<RequestGuard.Refusal> r = g.check(host, origin, authorization, 9465);
    return r.map(RequestGuard.Refusal::status).orElse(200);
  }

  private static RequestGuard loopback() throws Exception {
    return new RequestGuard("127.0.0.1", InetAddress.getByName("127.0.0.1"), null);
  }

  @Test
  void onLoopbackTheLoopbackNamesWithTheRightPortPass() throws Exception {
    RequestGuard g = loopback();
    for (String host : new String[] {"127.0.0.1:9465", "localhost:9465", "LOCALHOST:9465", "[::1]:9465"}) {
      assertEquals(200, status(g, host, null, null), host);
    }
  }

  @Test
  void aRebindingDnsNameAnotherPortOrNoHostIsRefused() throws Exception {
    RequestGuard g = loopback();
    assertEquals(403, status(g, "attacker.example:9465", null, null), "DNS rebinding sends the attacker's name");
    assertEquals(403, status(g, "127.0.0.1:80", null, null));
    assertEquals(403, status(g, "127.0.0.1", null, null), "no port means 80");
    assertEquals(403, status(g, "127.0.0.1:x", null, null));
    assertEquals(403, status(g, "10.0.0.7:9465", null, null), "bound to loopback, not to every address");
    assertEquals(400, status(g, null, null, null));
    assertTrue(g.check("evil:9465", null, null, 9465).orElseThrow().sentence()
        .contains("not this endpoint's address; use 127.0.0.1 or [::1] or localhost with port 9465"));
  }

  @Test
  void aWebPageOfAnotherOriginIsRefusedItsOwnOriginIsNot() throws Exception {
    RequestGuard g = loopback();
    assertEquals(403, status(g, "127.0.0.1:9465", "http://attacker.example", null));
    assertEquals(403, status(g, "127.0.0.1:9465", "null", null), "a sandboxed page or a file");
    assertEquals(403, status(g, "127.0.0.1:9465", "https://127.0.0.1:9465", null), "not this endpoint's scheme");
    assertEquals(403, status(g, "127.0.0.1:9465", "http://127.0.0.1:8080", null), "another local service's page");
    assertEquals(200, status(g, "127.0.0.1:9465", "http://127.0.0.1:9465", null));
  }

  @Test
  void withATokenEveryRequestMustCarryItAsBearer() throws Exception {
    RequestGuard g = new RequestGuard("127.0.0.1", InetAddress.getByName("127.0.0.1"), TOKEN);
    assertEquals(401, status(g, "127.0.0.1:9465", null, null));
    assertEquals(401, status(g, "127.0.0.1:9465", null, "Bearer wrong"));
    assertEquals(401, status(g, "127.0.0.1:9465", null, "Basic " + TOKEN));
    assertEquals(401, status(g, "127.0.0.1:9465", null, "Bearer " + TOKEN + "x"));
    assertEquals(200, status(g, "127.0.0.1:9465", null, "Bearer " + TOKEN));
    assertEquals(403, status(g, "evil:9465", null, "Bearer " + TOKEN), "a token does not excuse a foreign Host");
  }

  @Test
  void boundToEveryAddressAnyIpAddressPassesButNotAName() throws Exception {
    RequestGuard g = new RequestGuard("0.0.0.0", InetAddress.getByName("0.0.0.0"), TOKEN);
    String auth = "Bearer " + TOKEN;
    assertEquals(200, status(g, "192.168.1.20:9465", null, auth));
    assertEquals(200, status(g, "[fe80::1%eth0]:9465", null, auth));
    assertEquals(200, status(g, "localhost:9465", null, auth));
    assertEquals(403, status(g, "attacker.example:9465", null, auth));
  }

  @Test
  void boundToANameThatNamePasses() throws Exception {
    RequestGuard g = new RequestGuard("sim-box", InetAddress.getByName("127.0.0.1"), null);
    assertEquals(200, status(g, "sim-box:9465", null, null));
    assertEquals(200, status(g, "Sim-Box:9465", null, null), "host names are case-insensitive");
  }

  @Test
  void aTokenMustBeLongAndPrintable() {
    assertTrue(RequestGuard.tokenProblem("short").orElseThrow().contains("at least 16"));
    assertTrue(RequestGuard.tokenProblem("0123456789 abcdef").orElseThrow().contains("printable ASCII"));
    assertTrue(RequestGuard.tokenProblem("0123456789abcdé0").orElseThrow().contains("printable ASCII"));
    assertEquals(Optional.empty(), RequestGuard.tokenProblem(TOKEN));
  }
}
