package io.domsim.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the text of one cluster configuration, the user's file and every file it includes, with the checks
 * that keep a mistaken or hostile file from hanging or crashing domsim before HOCON sees it: a regular file
 * only (not {@code /dev/zero}, a FIFO or a link to one), at most {@link #MAX_TOTAL_BYTES} in all, valid UTF-8,
 * objects and lists nested at most {@link #MAX_DEPTH} deep (Typesafe Config's parser recurses per level and
 * overflows the stack near 10,000). It is also the includer: includes resolve to local files only, relative
 * to the including file (a {@code url(...)}, a {@code classpath(...)} or a URL-looking name is refused, where
 * HOCON would fetch it), and a cycle or a missing required file is a problem at the include's line.
 */
final class ConfigFiles implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {

  /** The text of a configuration and all its includes together. */
  static final long MAX_TOTAL_BYTES = 32 * Units.MIB;
  /** Objects and lists nested deeper are refused; a cluster file needs five levels. */
  static final int MAX_DEPTH = 64;
  /** Files including files, the user's counted: a chain this long is a mistake. */
  static final int MAX_INCLUDE_DEPTH = 16;

  /** A scheme such as {@code http:} or {@code file:}, two letters at least so that {@code C:\} is a path. */
  private static final Pattern URL_LIKE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  /** A problem that ends reading, with where it is; the loader turns it into a {@link ConfigProblem}. */
  static final class Refused extends RuntimeException {
    private final transient Location where;

    Refused(Location where, String message) {
      super(message, null, false, false);
      this.where = where;
    }

    Location where() {
      return where;
    }
  }

  /**
   * One file being parsed.
   *
   * @param realPath the file's real path, to find cycles; null for text that is no file
   * @param name the file as the user sees it in messages
   * @param dir the directory its relative includes resolve against
   */
  private record Frame(Path realPath, String name, Path dir, String text) {}

  private final Sources sources;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private long bytesRead;

  ConfigFiles(Sources sources) {
    this.sources = sources;
  }

  /** The user's file, as the user named it in {@code name}. */
  Config parseFile(Path file) {
    String name = file.toString();
    byte[] bytes = read(file, name, () -> new Location(name, 0));
    Path real = realPath(file, name, () -> new Location(name, 0));
    return parse(decode(bytes, name), name, real, file.toAbsolutePath().getParent(), syntaxOf(file));
  }

  /** Text that is no file, such as a bundled example; its relative includes resolve in the working directory. */
  Config parseText(String text, String name) {
    bytesRead += text.length();
    if (bytesRead > MAX_TOTAL_BYTES) {
      throw new Refused(new Location(name, 0), "the text is larger than " + Units.formatBytes(MAX_TOTAL_BYTES)
          + ", more than domsim reads");
    }
    return parse(text, name, null, Path.of("").toAbsolutePath(), ConfigSyntax.CONF);
  }

  private Config parse(String text, String name, Path realPath, Path dir, ConfigSyntax syntax) {
    checkDepth(text, name);
    stack.push(new Frame(realPath, name, dir, text));
    try {
      return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(name)
          .setSyntax(syntax).setIncluder(this).setAllowMissing(false));
    } finally {
      stack.pop();
    }
  }

  // ------------------------------------------------------------------ the includer

  @Override
  public ConfigIncluder withFallback(ConfigIncluder fallback) {
    return this; // no fallback: HOCON's own would fetch URLs and classpath resources
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    if (URL_LIKE.matcher(what).matches()) {
      throw refusedAt(what, "include", "cannot include \"" + what + "\": includes name local files only, not URLs; save "
          + "the file next to this one and include it by its path");
    }
    return includeFile(context, new File(what));
  }

  @Override
  public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
    throw refusedAt(what.toString(), "url(", "cannot include url(\"" + what + "\"): includes name local files only; "
        + "save the file next to this one and include it by its path");
  }

  @Override
  public ConfigObject includeResources(ConfigIncludeContext context, String what) {
    throw refusedAt(what, "classpath(", "cannot include classpath(\"" + what + "\"): includes name local files only; "
        + "include a file by its path");
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File what) {
    Frame from = stack.peek();
    String asWritten = what.getPath();
    Supplier<Location> at = () -> includeLine(from, asWritten, "include");
    Path wanted = what.isAbsolute() ? what.toPath() : from.dir().resolve(what.toPath());
    Path file = existing(wanted, asWritten);
    if (file == null) {
      if (context.parseOptions().getAllowMissing()) {
        return ConfigFactory.empty().root(); // HOCON: an include without required(...) may be missing
      }
      throw new Refused(at.get(), "cannot include \"" + asWritten + "\": there is no file " + wanted.normalize()
          + "; correct the name (it is relative to the including file's directory)");
    }
    String name = displayName(from, what, file);
    if (stack.size() >= MAX_INCLUDE_DEPTH) {
      throw new Refused(at.get(), "cannot include \"" + asWritten + "\": includes are nested more than "
          + MAX_INCLUDE_DEPTH + " files deep; include the files from fewer levels");
    }
    Path real = realPath(file, name, at);
    for (Frame f : stack) {
      if (real.equals(f.realPath())) {
        throw new Refused(at.get(), "cannot include \"" + asWritten + "\": it includes itself (" + cycle(real, name)
            + "); remove one of these includes");
      }
    }
    byte[] bytes = read(file, name, at);
    sources.addFile(name);
    return parse(decode(bytes, name), name, real, file.toAbsolutePath().getParent(), syntaxOf(file)).root();
  }

  /** {@code a.conf → b.conf → a.conf}: the files from the first inclusion of {@code real} on. */
  private String cycle(Path real, String name) {
    List<Frame> outermostFirst = new ArrayList<>(stack);
    Collections.reverse(outermostFirst);
    int start = 0;
    while (!real.equals(outermostFirst.get(start).realPath())) {
      start++;
    }
    return outermostFirst.subList(start, outermostFirst.size()).stream().map(Frame::name)
        .collect(Collectors.joining(" → ")) + " → " + name;
  }

  /** The file itself, or as HOCON does for a name without extension, name.conf, .json or .properties. */
  private static Path existing(Path wanted, String asWritten) {
    if (Files.exists(wanted)) {
      return wanted;
    }
    String file = wanted.getFileName() == null ? "" : wanted.getFileName().toString();
    if (!file.contains(".")) {
      for (String extension : new String[] {".conf", ".json", ".properties"}) {
        Path candidate = wanted.resolveSibling(file + extension);
        if (Files.exists(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /** An included file as the user would find it: relative to where the user's own file was named from. */
  private static String displayName(Frame from, File what, Path file) {
    if (what.isAbsolute()) {
      return file.toString();
    }
    Path parent = Path.of(from.name()).getParent();
    Path relative = Path.of(what.getPath()).resolveSibling(file.getFileName());
    return (from.realPath() == null || parent == null ? relative : parent.resolve(relative)).normalize().toString();
  }

  /**
   * The include statement's line in the including file: the first line naming the file in quotes, else (a URL
   * HOCON has normalised) the first include with {@code marker}, such as {@code url(}.
   */
  private static Location includeLine(Frame from, String asWritten, String marker) {
    String quoted = "\"" + asWritten + "\"";
    List<String> lines = List.of(from.text().split("\n", -1));
    for (String wanted : new String[] {quoted, marker}) {
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("include") && lines.get(i).contains(wanted)) {
          return new Location(from.name(), i + 1);
        }
      }
    }
    return new Location(from.name(), 0);
  }

  private Refused refusedAt(String what, String marker, String message) {
    return new Refused(includeLine(stack.peek(), what, marker), message);
  }

  // ------------------------------------------------------------------ reading

  private static Path realPath(Path file, String name, Supplier<Location> at) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      throw new Refused(at.get(), "cannot read " + name + " (" + reason(e) + ")");
    }
  }

  /** The file's bytes; refused at {@code at} when it is no regular file or the budget would be exceeded. */
  private byte[] read(Path file, String name, Supplier<Location> at) {
    if (!Files.isRegularFile(file)) { // follows links: a link to /dev/zero is no regular file
      throw new Refused(at.get(), "cannot read " + name + ": it is not a regular file (a device, a pipe or a socket); "
          + "give the path of a cluster configuration file");
    }
    long left = MAX_TOTAL_BYTES - bytesRead;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, left + 1));
      if (bytes.length > left) {
        throw new Refused(at.get(), "cannot read " + name + ": it is larger than domsim reads (a configuration and the"
            + " files it includes may have " + Units.formatBytes(MAX_TOTAL_BYTES) + " in all)");
      }
      bytesRead += bytes.length;
      return bytes;
    } catch (IOException e) {
      throw new Refused(at.get(), "cannot read " + name + " (" + reason(e) + ")");
    }
  }

  private static String reason(IOException e) {
    return e instanceof AccessDeniedException ? "permission denied; make it readable"
        : e.getMessage() == null ? "an I/O error" : e.getMessage();
  }

  /** UTF-8 text, without a byte-order mark; the first invalid byte is a problem at its line. */
  static String decode(byte[] bytes, String name) {
    int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new Refused(new Location(name, line), String.format(Locale.ROOT,
          "the file is not valid UTF-8 (byte 0x%02X on this line); save it as UTF-8", bytes[at] & 0xff));
    }
    return out.flip().toString();
  }

  private static ConfigSyntax syntaxOf(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    return name.endsWith(".json") ? ConfigSyntax.JSON
        : name.endsWith(".properties") ? ConfigSyntax.PROPERTIES : ConfigSyntax.CONF;
  }

  /**
   * Refuses text whose objects and lists nest deeper than {@link #MAX_DEPTH}, at the line where they do:
   * brackets are counted outside strings and comments (HOCON's unquoted text cannot hold one).
   */
  static void checkDepth(String text, String name) {
    int depth = 0;
    int line = 1;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
      } else if (c == '#' || (c == '/' && i + 1 < n && text.charAt(i + 1) == '/')) {
        while (i + 1 < n && text.charAt(i + 1) != '\n') {
          i++;
        }
      } else if (c == '"' && text.startsWith("\"\"\"", i)) {
        int end = text.indexOf("\"\"\"", i + 3);
        end = end < 0 ? n : end;
        for (int j = i + 3; j < end; j++) {
          line += text.charAt(j) == '\n' ? 1 : 0;
        }
        i = end + 2;
      } else if (c == '"') {
        i++;
        while (i < n && text.charAt(i) != '"' && text.charAt(i) != '\n') {
          i += text.charAt(i) == '\\' ? 2 : 1;
        }
        if (i < n && text.charAt(i) == '\n') {
          line++;
        }
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          throw new Refused(new Location(name, line), "objects and lists are nested more than " + MAX_DEPTH
              + " deep here; a cluster configuration needs a few levels, so close the brackets that are open");
        }
      } else if (c == '}' || c == ']') {
        depth = Math.max(0, depth - 1);
      }
    }
  }
}
