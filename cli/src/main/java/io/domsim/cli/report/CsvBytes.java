package io.domsim.cli.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes CSV records straight into bytes: the same text Commons CSV's {@link CSVPrinter} prints with
 * {@code format} (its quoting of every string, the numbers as {@link SeriesFiles#seconds} and
 * {@link SeriesFiles#decimal} print them), without a String, a char or a lock per value. A large run's
 * series are millions of rows, and the printer, the buffered writer and the charset encoder took most of
 * the writer thread (more CPU than the simulation itself in a 1 s-sample hour). Strings are few and
 * repeat (node and guest names, states, types): each is quoted by Commons CSV once and kept as bytes.
 * CsvBytesTest checks the text against the printer's. One thread.
 */
final class CsvBytes {
  private static final long NANOS = 1_000_000_000L;

  private final OutputStream out;
  private final CSVFormat format;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private boolean newRecord = true;
  /** Each string as the printer quotes it after a delimiter; looked up, never iterated. */
  private final Map<String, byte[]> strings = new HashMap<>();
  private final Map<Enum<?>, byte[]> names = new IdentityHashMap<>();

  /** Writes the header (as the printer does, through the printer) to {@code out}. */
  CsvBytes(OutputStream out, CSVFormat format) throws IOException {
    this.out = out;
    this.format = format;
    StringBuilder header = new StringBuilder();
    new CSVPrinter(header, format).flush();
    raw(header.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Room for one number (a long's 20 digits, a sign, a point and nine decimals) and the delimiter. */
  private void room(int bytes) throws IOException {
    if (pos + bytes > buf.length) {
      flush();
    }
  }

  private void delimiter() throws IOException {
    room(40);
    if (newRecord) {
      newRecord = false;
    } else {
      buf[pos++] = ',';
    }
  }

  private void raw(byte[] b) throws IOException {
    if (b.length > buf.length - pos) {
      flush();
      if (b.length > buf.length) {
        out.write(b);
        return;
      }
    }
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  /** A string field, quoted as the printer quotes it. */
  void string(String s) throws IOException {
    if (newRecord || s == null) {
      // The printer quotes an empty first field, and prints null as its null string: not worth a cache.
      StringBuilder b = new StringBuilder();
      format.print(s, b, newRecord);
      newRecord = false;
      raw(b.toString().getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] b = strings.get(s);
    if (b == null) {
      b = quoted(s);
      strings.put(s, b);
    }
    raw(b);
  }

  /** A constant's name in lower case with dashes (SeriesFiles' states), quoted as a string. */
  void name(Enum<?> e) throws IOException {
    byte[] b = names.get(e);
    if (b == null) {
      b = quoted(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      names.put(e, b);
    }
    if (newRecord) {
      string(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    } else {
      raw(b);
    }
  }

  /** The printer's text for {@code s} after another field: its delimiter and the string, quoted if need be. */
  private byte[] quoted(String s) throws IOException {
    StringBuilder b = new StringBuilder();
    format.print(s, b, false);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A whole number, as Long.toString prints it. */
  void number(long v) throws IOException {
    delimiter();
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      buf[pos++] = '-';
      v = -v;
    }
    digits(v);
  }

  /** Simulated time in seconds, as {@link SeriesFiles#seconds} prints it. */
  void seconds(long nanos) throws IOException {
    delimiter();
    fixed(nanos / NANOS, nanos % NANOS, nanos < 0);
  }

  /** A figure, as {@link SeriesFiles#decimal} prints it. */
  void decimal(double v) throws IOException {
    delimiter();
    if (!(Math.abs(v) < 1e9)) {
      ascii(Double.toString(v));
      return;
    }
    long scaled = Math.round(v * NANOS);
    fixed(scaled / NANOS, scaled % NANOS, scaled < 0);
  }

  /** Ends the record with the format's record separator. */
  void endRecord() throws IOException {
    room(4);
    String sep = format.getRecordSeparator();
    if ("\n".equals(sep)) {
      buf[pos++] = '\n';
    } else {
      raw(sep.getBytes(StandardCharsets.UTF_8));
    }
    newRecord = true;
  }

  /** {@link SeriesFiles}' fixed point: whole, a point, nine decimals without their trailing zeros (at least one). */
  private void fixed(long whole, long fraction, boolean negative) {
    if (negative) {
      buf[pos++] = '-';
    }
    digits(Math.abs(whole));
    buf[pos++] = '.';
    int f = (int) Math.abs(fraction); // below 10^9: int arithmetic
    if (f == 0) {
      buf[pos++] = '0';
      return;
    }
    int end = 9;
    while (f % 100 == 0) {
      f /= 100;
      end -= 2;
    }
    if (f % 10 == 0) {
      f /= 10;
      end--;
    }
    putDigits(f, end); // leading zeros included
    pos += end;
  }

  /** A non-negative number's digits, two at a time from the right (a division by 100 in place of two by 10). */
  private void digits(long v) {
    int len = length(v);
    int p = pos + len;
    while (v >= Integer.MAX_VALUE) { // the digits beyond an int's, in long arithmetic
      long q = v / 100;
      int r = (int) (v - q * 100);
      buf[--p] = ONES[r];
      buf[--p] = TENS[r];
      v = q;
    }
    putDigits((int) v, p - pos);
    pos += len;
  }

  /**
   * The last {@code count} digits of {@code i} (leading zeros included) at {@code pos}, written from the right; the
   * caller moves {@code pos}.
   */
  private void putDigits(int i, int count) {
    int p = pos + count;
    while (p - pos >= 2) {
      int q = i / 100;
      int r = i - q * 100;
      buf[--p] = ONES[r];
      buf[--p] = TENS[r];
      i = q;
    }
    if (p > pos) {
      buf[--p] = (byte) ('0' + i);
    }
  }

  /** How many digits a non-negative long has. */
  private static int length(long v) {
    long bound = 10;
    for (int len = 1; len < 19; len++) {
      if (v < bound) {
        return len;
      }
      bound *= 10;
    }
    return 19;
  }

  /** The tens' and the ones' digit of 0 to 99, as bytes. */
  private static final byte[] TENS = new byte[100];
  private static final byte[] ONES = new byte[100];

  static {
    for (int i = 0; i < 100; i++) {
      TENS[i] = (byte) ('0' + i / 10);
      ONES[i] = (byte) ('0' + i % 10);
    }
  }

  /** ASCII text that the printer never quotes (a number's toString). */
  private void ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  /** Hands the buffered bytes to the stream. */
  void flush() throws IOException {
    out.write(buf, 0, pos);
    pos = 0;
  }

  /** Flushes and closes the stream. */
  void close() throws IOException {
    flush();
    out.close();
  }
}
