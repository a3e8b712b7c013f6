package io.domsim.dom0;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a Dom0 knows of the other nodes' lives. A node's life is its boot: 0 until it first crashes, 1
 * after its first recovery, and so on. A message or stream of a life that has ended (the node crashed, or
 * booted again since) is dropped, as a TCP connection to a crashed host is reset: its late messages must
 * start nothing here.
 *
 * <p>Each node's knowledge is one number that only grows, {@code 2 × boot + (down ? 1 : 0)}: life b up,
 * then life b down, then life b + 1 up. News that comes late (a NodeDown of a life already known to be
 * over) changes nothing, whatever order it arrives in.
 */
final class PeerLives {
  private final TreeMap<String, Integer> known = new TreeMap<>();

  PeerLives() {}

  /** What a booting Dom0 is told of the others (a node not named is in its first life, up). */
  PeerLives(Map<String, Dom0.PeerLife> others) {
    others.forEach((node, life) -> learn(node, life.boot(), !life.up()));
  }

  /** Life {@code boot} of {@code node} has ended: it crashed. */
  void down(String node, int boot) {
    learn(node, boot, true);
  }

  /** {@code node} runs again, in life {@code boot}. */
  void up(String node, int boot) {
    learn(node, boot, false);
  }

  /** Has life {@code boot} of {@code node} ended (it crashed, or the node has booted again since)? */
  boolean ended(String node, int boot) {
    return 2 * boot + 1 <= known.getOrDefault(node, 0);
  }

  private void learn(String node, int boot, boolean down) {
    known.merge(node, 2 * boot + (down ? 1 : 0), Math::max);
  }
}
