package io.domsim.cli;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who may talk to domsim's HTTP endpoints, decided from a request's headers alone (pure, no DNS).
 *
 * <p>A web page must not be able to drive them: a page on another site sends its {@code Origin} (refused
 * unless it is the endpoint's own), and a page that rebinds its own DNS name to 127.0.0.1 still sends
 * its name as {@code Host} (refused unless it names the address the endpoint is bound to). With a token,
 * every request must also carry {@code Authorization: Bearer TOKEN}.
 *
 * <p>Names accepted in {@code Host} (and in a same-origin {@code Origin}), with the bound port: the host as
 * the user wrote it, the bound address itself, {@code localhost}, {@code 127.0.0.1} and {@code [::1]} when
 * bound to loopback, and any IP address when bound to all addresses (0.0.0.0 or ::).
 */
final class RequestGuard {
  /** A token shorter than this is too easy to guess over the network. */
  static final int MIN_TOKEN_LENGTH = 16;

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(%[0-9a-z._-]+)?]");

  /** Why a request is turned away: the status and the sentence. */
  record Refusal(int status, String sentence) {}

  private final Set<String> hostNames = new TreeSet<>();
  private final boolean anyAddress;
  private final byte[] expectedAuthorization;

  /**
   * @param hostAsWritten the listening address as the user gave it (a name or an address)
   * @param bound what it resolved to
   * @param token the bearer token every request must carry, or null for none
   */
  RequestGuard(String hostAsWritten, InetAddress bound, String token) {
    hostNames.add(hostAsWritten.toLowerCase(Locale.ROOT));
    hostNames.add(literal(bound));
    if (bound.isLoopbackAddress()) {
      hostNames.addAll(Set.of("localhost", "127.0.0.1", "[::1]"));
    }
    anyAddress = bound.isAnyLocalAddress();
    if (anyAddress) {
      hostNames.add("localhost");
    }
    expectedAuthorization = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  /** An address as it appears in a URL's authority: IPv6 in brackets. */
  static String literal(InetAddress a) {
    String s = a.getHostAddress().toLowerCase(Locale.ROOT);
    return a instanceof Inet6Address ? "[" + s + "]" : s;
  }

  /** Whether a token is usable, or the sentence that says why not (for launch, before anything starts). */
  static Optional<String> tokenProblem(String token) {
    if (token.length() < MIN_TOKEN_LENGTH) {
      return Optional.of("the API token is " + token.length() + " characters long; use at least " + MIN_TOKEN_LENGTH
          + " random ones (e.g. openssl rand -hex 16)");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return Optional.of("the API token has a space, a control character or a non-ASCII character; use printable"
          + " ASCII only (e.g. openssl rand -hex 16)");
    }
    return Optional.empty();
  }

  /**
   * Checks one request; empty when it may proceed.
   *
   * @param host the Host header (null if absent)
   * @param origin the Origin header (null if absent)
   * @param authorization the Authorization header (null if absent)
   * @param localPort the port the request came in on
   */
  Optional<Refusal> check(String host, String origin, String authorization, int localPort) {
    if (host == null || host.isEmpty()) {
      return Optional.of(new Refusal(400, "the request has no Host header; send one naming this address"));
    }
    if (!allowed(host, localPort)) {
      return Optional.of(new Refusal(403, "Host " + HttpService.cut(host) + " is not this endpoint's address; use "
          + String.join(" or ", hostNames) + " with port " + localPort
          + (anyAddress ? " (or any IP address of this machine)" : "")));
    }
    if (origin != null && !sameOrigin(origin, localPort)) {
      return Optional.of(new Refusal(403, "requests from web pages are refused (Origin " + HttpService.cut(origin)
          + "); use domsim's commands or curl"));
    }
    if (expectedAuthorization != null) {
      if (authorization == null) {
        return Optional.of(new Refusal(401, "this endpoint wants a token: send Authorization: Bearer TOKEN"
            + " (domsim's commands read it from --api-token or DOMSIM_API_TOKEN)"));
      }
      // Constant time, so that the answer's timing does not tell how much of a guess was right.
      if (!MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8))) {
        return Optional.of(new Refusal(401, "the token is wrong; use the one the launch was given"
            + " (--api-token or DOMSIM_API_TOKEN)"));
      }
    }
    return Optional.empty();
  }

  /** {@code name[:port]} naming this endpoint. */
  private boolean allowed(String authority, int localPort) {
    String a = authority.toLowerCase(Locale.ROOT);
    String name = a;
    int port = 80;
    int colon = a.lastIndexOf(':');
    if (colon >= 0 && colon > a.lastIndexOf(']')) {
      name = a.substring(0, colon);
      try {
        port = Integer.parseInt(a.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (port != localPort) {
      return false;
    }
    return hostNames.contains(name) || anyAddress && (IPV4.matcher(name).matches() || IPV6.matcher(name).matches());
  }

  /** A browser on this very endpoint's own origin (harmless: it serves no pages), or anyone else. */
  private boolean sameOrigin(String origin, int localPort) {
    String prefix = "http://";
    return origin.regionMatches(true, 0, prefix, 0, prefix.length())
        && allowed(origin.substring(prefix.length()), localPort);
  }
}
