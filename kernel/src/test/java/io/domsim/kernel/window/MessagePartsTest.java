package io.domsim.kernel.window;

import static io.domsim.kernel.window.MessageParts.PART_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A message's bytes cut into parts of at most {@link MessageParts#PART_BYTES} and put together again. */
class MessagePartsTest {

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b); // seeded: the same bytes every run
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, PART_BYTES - 1, PART_BYTES, PART_BYTES + 1, 2 * PART_BYTES, 3 * PART_BYTES + 5})
  void aMessageOfAnySizeComesBackWholeFromItsParts(int size) {
    byte[] message = bytes(size);
    List<WindowLink.Part> parts = MessageParts.split("m2", 7, message, PART_BYTES);
    int expected = size == 0 ? 1 : (size + PART_BYTES - 1) / PART_BYTES;
    assertEquals(expected, parts.size(), size + " bytes");
    for (int i = 0; i < parts.size(); i++) {
      WindowLink.Part p = parts.get(i);
      assertTrue(p.bytes().length <= PART_BYTES && (i == parts.size() - 1 || p.bytes().length == PART_BYTES), p
          .toString());
      assertEquals(List.of("m2", 7L, i, parts.size()), List.of(p.member(), p.message(), p.index(), p.count()));
    }
    MessageParts.Assembly assembly = new MessageParts.Assembly();
    for (int i = 0; i < parts.size() - 1; i++) {
      assertNull(assembly.add(parts.get(i)), "not whole before its last part");
      assertTrue(assembly.waitingFor("m2"));
    }
    assertArrayEquals(message, assembly.add(parts.get(parts.size() - 1)));
    assertTrue(!assembly.waitingFor("m2"));
  }

  @Test
  void exactlyAPartIsOnePartAndOneByteMoreIsTwo() {
    assertEquals(1, MessageParts.split("m1", 0, bytes(PART_BYTES), PART_BYTES).size());
    List<WindowLink.Part> two = MessageParts.split("m1", 0, bytes(PART_BYTES + 1), PART_BYTES);
    assertEquals(List.of(PART_BYTES, 1), two.stream().map(p -> p.bytes().length).toList());
    assertEquals(1, MessageParts.split("m1", 0, new byte[0], PART_BYTES).get(0).count());
  }

  /** Members' parts interleave at a receiver (each member's come in order): each message is put together apart. */
  @Test
  void partsOfSeveralMembersInterleavedArePutTogetherByMember() {
    byte[] a = bytes(5 * 1000 + 3);
    byte[] b = bytes(3 * 1000);
    List<WindowLink.Part> fromM2 = MessageParts.split("m2", 1, a, 1000);
    List<WindowLink.Part> fromM3 = MessageParts.split("m3", 1, b, 1000);
    MessageParts.Assembly assembly = new MessageParts.Assembly();
    byte[] wholeA = null;
    byte[] wholeB = null;
    for (int i = 0; i < fromM2.size(); i++) {
      wholeA = assembly.add(fromM2.get(i));
      if (i < fromM3.size()) {
        wholeB = assembly.add(fromM3.get(i));
      }
    }
    assertArrayEquals(a, wholeA);
    assertArrayEquals(b, wholeB);
    // The next message of a member after a whole one.
    assertArrayEquals(new byte[] {4}, assembly.add(MessageParts.split("m2", 2, new byte[] {4}, 1000).get(0)));
  }

  /** A part that does not follow the one before from its member (lost, or out of order) is an error, not a guess. */
  @Test
  void aPartOutOfOrderIsRefusedWithASentence() {
    List<WindowLink.Part> parts = MessageParts.split("m2", 9, bytes(3000), 1000);
    MessageParts.Assembly skipping = new MessageParts.Assembly();
    skipping.add(parts.get(0));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> skipping.add(parts.get(2)));
    assertEquals("part 3 of 3 of message 9 from m2 came while part 2 of 3 of message 9 was due", e.getMessage());
    IllegalStateException first = assertThrows(IllegalStateException.class,
        () -> new MessageParts.Assembly().add(parts.get(1)));
    assertEquals("part 2 of 3 of message 9 from m2 came without the parts before it", first.getMessage());
    MessageParts.Assembly another = new MessageParts.Assembly();
    another.add(parts.get(0));
    assertThrows(IllegalStateException.class, () -> another.add(MessageParts.split("m2", 10, bytes(10), 1000)
        .get(0)), "a new message while one is half come");
  }
}
