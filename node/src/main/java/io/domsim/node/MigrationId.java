package io.domsim.node;

/**
 * A migration's place in request order (1, 2, ...). It travels as {@link #wireName()} ("m1", "m2", ...):
 * in the Dom0s' messages, their records and the operator's answers.
 */
record MigrationId(int sequence) implements Comparable<MigrationId> {

  MigrationId {
    if (sequence < 1) {
      throw new IllegalArgumentException("migration numbers start at 1, not " + sequence);
    }
  }

  String wireName() {
    return "m" + sequence;
  }

  @Override
  public int compareTo(MigrationId other) {
    return Integer.compare(sequence, other.sequence);
  }

  @Override
  public String toString() {
    return wireName();
  }
}
