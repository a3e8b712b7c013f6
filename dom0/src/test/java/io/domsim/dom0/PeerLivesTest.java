package io.domsim.dom0;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a Dom0 knows of the other nodes' lives, whatever order the news comes in. */
class PeerLivesTest {

  @Test
  void aNodeIsInItsFirstLifeUntilToldOtherwise() {
    PeerLives p = new PeerLives();
    assertFalse(p.ended("b", 0));
    p.down("b", 0);
    assertTrue(p.ended("b", 0), "b crashed");
    p.up("b", 1);
    assertTrue(p.ended("b", 0), "its first life stays over");
    assertFalse(p.ended("b", 1), "its second has begun");
    p.down("b", 1);
    assertTrue(p.ended("b", 1));
    assertFalse(p.ended("c", 0), "other nodes are not concerned");
  }

  @Test
  void lateNewsOfAnEarlierLifeChangesNothing() {
    PeerLives p = new PeerLives();
    p.up("b", 1);
    p.down("b", 0); // the crash of b's first life, heard after its reboot
    assertFalse(p.ended("b", 1), "b runs in its second life");
    assertTrue(p.ended("b", 0));
  }

  @Test
  void aBootingDom0IsToldTheOthersLives() {
    PeerLives p = new PeerLives(Map.of("b", new Dom0.PeerLife(0, false), "c", new Dom0.PeerLife(2, true)));
    assertTrue(p.ended("b", 0), "b is down");
    assertTrue(p.ended("c", 1), "c has booted again since its second life");
    assertFalse(p.ended("c", 2));
    assertFalse(p.ended("d", 0), "a node not named is up in its first life");
  }
}
