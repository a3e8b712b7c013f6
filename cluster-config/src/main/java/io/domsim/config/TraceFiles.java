package io.domsim.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the workload traces one configuration names ({@code workload.trace}, a group's {@code traces}), each
 * file once: a file that several guests name is one shared {@link Trace}, and a bad one is reported once. A
 * path is relative to the configuration file that writes it. Problems in a file point at its line.
 */
final class TraceFiles {

  /** A trace file larger than this is refused: 64 MiB is some 20 million values, years of 5-minute values. */
  static final long MAX_TRACE_BYTES = 64 * Units.MIB;

  private static final String FORMAT = "a trace has one whole percent from 0 to 100 per line, as the PlanetLab"
      + " traces do";

  /** By absolute, normalised path: the trace, or empty when the file was refused (and reported). */
  private final Map<Path, Optional<Trace>> read = new HashMap<>();

  /** A path as written at {@code field}, resolved; null (after reporting it) when it is no path. */
  Path resolve(Section section, Section.Field field, String written) {
    try {
      Path path = Path.of(written);
      if (path.isAbsolute()) {
        return path.normalize();
      }
      Path from;
      try {
        from = Path.of(section.fileOf(field));
      } catch (InvalidPathException e) {
        from = Path.of("x"); // a source that names no file: the working directory
      }
      return from.resolveSibling(path).normalize();
    } catch (InvalidPathException e) {
      section.report(field, Section.render(field.value()) + " is not a path (" + e.getReason() + "); give the path of"
          + " a trace file, relative to this configuration file");
      return null;
    }
  }

  /**
   * The trace in {@code file} (resolved), or null when it cannot be used: missing, no regular file, empty, too
   * large, or with a bad line. {@code field} is what named it, for the problem's path and the message.
   */
  Trace trace(Section section, Section.Field field, Path file) {
    Path key = file.toAbsolutePath().normalize();
    Optional<Trace> known = read.get(key);
    if (known != null) {
      return known.orElse(null);
    }
    Trace trace = load(section, field, file);
    read.put(key, Optional.ofNullable(trace));
    return trace;
  }

  /**
   * The trace files of a directory, in file-name order (by character, as {@code LC_ALL=C ls}): regular files
   * whose names do not start with a dot. Null (after reporting it) when it is no directory or holds none.
   */
  List<Path> directory(Section section, Section.Field field, Path dir) {
    String named = " (named at " + field.location() + ")";
    if (!Files.isDirectory(dir)) {
      section.report(field, Files.exists(dir)
          ? dir + " is not a directory; traces names a directory with one trace file per guest (for one file, use"
              + " workload.trace)"
          : "there is no directory " + dir + "; correct the path (it is relative to this configuration file)");
      return null;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(entry)) {
          files.add(entry);
        }
      }
    } catch (IOException e) {
      section.report(field, "cannot read the directory " + dir + " (" + reason(e) + ")");
      return null;
    }
    if (files.isEmpty()) {
      section.report(field, dir + " holds no trace files" + named + "; give a directory with one file per guest");
      return null;
    }
    files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return files;
  }

  private Trace load(Section section, Section.Field field, Path file) {
    String named = " (named at " + field.location() + ")";
    if (!Files.exists(file)) {
      section.report(field, "there is no trace file " + file + "; correct the path (it is relative to this"
          + " configuration file)");
      return null;
    }
    if (!Files.isRegularFile(file)) {
      section.report(field, file + " is not a regular file; give the path of a trace file, " + FORMAT);
      return null;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) MAX_TRACE_BYTES + 1);
    } catch (IOException e) {
      section.report(field, "cannot read the trace file " + file + " (" + reason(e) + ")");
      return null;
    }
    if (bytes.length > MAX_TRACE_BYTES) {
      section.report(new Location(file.toString(), 0), field, "the trace is larger than "
          + Units.formatBytes(MAX_TRACE_BYTES) + ", more than domsim reads" + named);
      return null;
    }
    return parse(section, field, file, bytes, named);
  }

  /** One value per line; a last line without its newline counts, and the newline after it is no empty line. */
  private static Trace parse(Section section, Section.Field field, Path file, byte[] bytes, String named) {
    if (bytes.length == 0) {
      section.report(new Location(file.toString(), 1), field, "the trace file is empty" + named + "; " + FORMAT);
      return null;
    }
    byte[] values = new byte[bytes.length / 2 + 1]; // every value takes a digit and a newline, but the last
    int count = 0;
    int line = 0;
    int firstBadLine = 0;
    String firstBad = null;
    int bad = 0;
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      line++;
      int value = percent(bytes, start, end);
      if (value < 0) {
        if (bad++ == 0) {
          firstBadLine = line;
          firstBad = describe(bytes, start, end, value);
        }
      } else {
        values[count++] = (byte) value;
      }
      start = end + 1;
    }
    if (bad > 0) {
      String more = bad > 1 ? " (and " + (bad - 1) + " more bad " + (bad == 2 ? "line" : "lines") + ")" : "";
      section.report(new Location(file.toString(), firstBadLine), field, firstBad + named + more + "; " + FORMAT);
      return null;
    }
    return new Trace(file.toString(), java.util.Arrays.copyOf(values, count));
  }

  private static final int EMPTY = -1;
  private static final int NOT_A_NUMBER = -2;
  private static final int OUT_OF_RANGE = -3;

  /** The percent on bytes[start, end), spaces, tabs and a carriage return around it allowed; or EMPTY, ... */
  private static int percent(byte[] bytes, int start, int end) {
    while (start < end && isBlank(bytes[start])) {
      start++;
    }
    while (end > start && isBlank(bytes[end - 1])) {
      end--;
    }
    if (start == end) {
      return EMPTY;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (b < '0' || b > '9') {
        return NOT_A_NUMBER;
      }
      value = Math.min(value * 10 + (b - '0'), 1000);
    }
    return value > 100 ? OUT_OF_RANGE : (int) value;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\r';
  }

  private static String describe(byte[] bytes, int start, int end, int problem) {
    if (problem == EMPTY) {
      return "the line is empty";
    }
    String text = new String(bytes, start, Math.min(end - start, 40), StandardCharsets.UTF_8).strip();
    String quoted = "\"" + text + (end - start > 40 ? "..." : "") + "\"";
    return problem == OUT_OF_RANGE ? quoted + " is more than 100%" : quoted + " is not a whole percent";
  }

  private static String reason(IOException e) {
    return e instanceof AccessDeniedException ? "permission denied; make it readable"
        : e.getMessage() == null ? "an I/O error" : e.getMessage();
  }
}
