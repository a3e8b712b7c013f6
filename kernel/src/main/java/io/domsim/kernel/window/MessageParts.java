package io.domsim.kernel.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a message crosses members whatever its size: its bytes (Kryo's, as Akka would write them) go as {@link
 * WindowLink.Part}s of at most {@link #PART_BYTES}, which the receiving link puts together in arrival order (Akka keeps
 * the order of the messages from one actor to another) before it handles the message as if it had come whole. Artery
 * drops a message bigger than its frame (256 KiB) with a line in its log and nothing else: a pool master's guests, a
 * barrier's orders or a consolidation role's hosts would be lost, and the run would go on without them.
 */
final class MessageParts {

  /**
   * The most bytes of a message in one part: half of Artery's frame (256 KiB, {@code
   * akka.remote.artery.advanced.maximum-frame-size}), so that a part, its sending member's name, the envelope's
   * recipient path and headers always fit with room to spare; bigger parts would save only a few headers a MiB.
   */
  static final int PART_BYTES = 128 * 1024;

  /**
   * A message bigger than this is not sent: the run fails naming it. 64 MiB is 512 parts, 50 times the biggest message
   * a bundled example makes (scale-1000's 10,000 guests for the pool master: 1.3 MB); a message that size is a model
   * bug, or a run that needs another way to hand over its data, not something to push through a link that also
   * carries the windows' reports and grants.
   */
  static final long MAX_MESSAGE_BYTES = 64L << 20;

  private MessageParts() {}

  /**
   * {@code bytes} as the parts of message number {@code message} from member {@code member}, each at most {@code
   * partBytes} long: one part for 0 to {@code partBytes} bytes (an empty one for none), two for one byte more.
   */
  static List<WindowLink.Part> split(String member, long message, byte[] bytes, int partBytes) {
    if (partBytes <= 0) {
      throw new IllegalArgumentException("a part must hold at least one byte, not " + partBytes);
    }
    int count = Math.max(1, (bytes.length + partBytes - 1) / partBytes);
    if (count == 1) {
      return List.of(new WindowLink.Part(member, message, 0, 1, bytes)); // most messages: no copy
    }
    List<WindowLink.Part> parts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = i * partBytes;
      parts.add(new WindowLink.Part(member, message, i, count, Arrays.copyOfRange(bytes, from,
          Math.min(bytes.length, from + partBytes))));
    }
    return parts;
  }

  /**
   * The parts on their way from each sending member, put together as they come. Not thread-safe: one link's actor
   * owns it.
   */
  static final class Assembly {
    /** The message each member is sending in parts, by member (looked up, never iterated). */
    private final Map<String, Partial> partial = new TreeMap<>();

    private static final class Partial {
      final long message;
      final int count;
      final List<byte[]> parts = new ArrayList<>();
      long bytes;

      Partial(long message, int count) {
        this.message = message;
        this.count = count;
      }
    }

    /**
     * Takes {@code part}; returns the whole message's bytes once its last part has come, else null.
     *
     * @throws IllegalStateException when a part does not follow the one before from its member (one lost, or out of
     *     order): the message cannot be put together, and what it said would be lost
     */
    byte[] add(WindowLink.Part part) {
      Partial p = partial.get(part.member());
      if (p == null) {
        if (part.index() != 0) {
          throw new IllegalStateException("part " + (part.index() + 1) + " of " + part.count() + " of message "
              + part.message() + " from " + part.member() + " came without the parts before it");
        }
        if (part.count() == 1) {
          return part.bytes();
        }
        p = new Partial(part.message(), part.count());
        partial.put(part.member(), p);
      } else if (part.message() != p.message || part.count() != p.count || part.index() != p.parts.size()) {
        throw new IllegalStateException("part " + (part.index() + 1) + " of " + part.count() + " of message "
            + part.message() + " from " + part.member() + " came while part " + (p.parts.size() + 1) + " of "
            + p.count + " of message " + p.message + " was due");
      }
      p.parts.add(part.bytes());
      p.bytes += part.bytes().length;
      if (p.parts.size() < p.count) {
        return null;
      }
      partial.remove(part.member());
      byte[] whole = new byte[Math.toIntExact(p.bytes)];
      int at = 0;
      for (byte[] b : p.parts) {
        System.arraycopy(b, 0, whole, at, b.length);
        at += b.length;
      }
      return whole;
    }

    /** Whether a message from {@code member} is still missing parts. */
    boolean waitingFor(String member) {
      return partial.containsKey(member);
    }
  }
}
