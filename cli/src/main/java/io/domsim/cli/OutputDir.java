package io.domsim.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The results directory of a run ({@code --out DIR}).
 *
 * <p>{@link #prepare} runs before the cluster starts: it creates the directory, removes the previous
 * run's results (report.json, domsim.log) and any temporary file a killed write left behind, and proves
 * the directory writable by creating a file in it. So a bad {@code --out} is refused before anything
 * runs, and a run that dies (kill -9, power) leaves no report at all rather than an older one that looks
 * like its own.
 *
 * <p>{@link #write} writes a result atomically: into a temporary file in the same directory, synced
 * to disk, then renamed over the target. A reader sees the old file (none, after prepare) or the whole
 * new one, never a partial one. domsim.log is the exception by nature: a log written as things happen.
 */
final class OutputDir {
  static final String REPORT = "report.json";
  static final String HTML = "report.html";
  /** What a run leaves in DIR (and its series in DIR/series): removed by the next run before it starts. */
  static final List<String> RESULTS = List.of(REPORT, HTML, RunLog.FILE_NAME);
  /** Temporary files end so; one found at the start is a killed write's, and is removed. */
  static final String TEMP_SUFFIX = ".domsim-tmp";

  private static final AtomicLong TEMPS = new AtomicLong();

  /** The directory cannot take the results: the sentence that says why, naming the fix. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String sentence) {
      super(sentence, null, false, false);
    }
  }

  /** Writes a file's content. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private final Path dir;

  private OutputDir(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path resolve(String name) {
    return dir.resolve(name);
  }

  /** Makes {@code dir} ready for a run's results, or says why it cannot be used. */
  static OutputDir prepare(Path dir) throws Unusable {
    Path series = dir.resolve(io.domsim.cli.report.SeriesFiles.DIR);
    try {
      // first: a killed run's temporary series directory is not a file the general clean-up could remove
      io.domsim.cli.report.SeriesFiles.removePrevious(series);
    } catch (IOException e) {
      throw new Unusable("cannot remove the previous run's time series in " + series + " (" + reason(e) + ")"
          + "; choose another with --out DIR.");
    }
    return prepare(dir, RESULTS);
  }

  /** Makes {@code dir} ready for a command that leaves {@code results} there (the previous ones removed). */
  static OutputDir prepare(Path dir, List<String> results) throws Unusable {
    String fix = "; choose another with --out DIR.";
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new Unusable("cannot create the output directory " + dir + " (" + reason(e) + ")" + fix);
    }
    for (String name : results) {
      Path p = dir.resolve(name);
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new Unusable(p + " is a directory, where the run would write its " + name + "; remove it" + fix);
      }
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw new Unusable("cannot remove the previous run's " + p + " (" + reason(e) + ")" + fix);
      }
    }
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "*" + TEMP_SUFFIX)) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    } catch (IOException e) {
      throw new Unusable("cannot clean the output directory " + dir + " (" + reason(e) + ")" + fix);
    }
    OutputDir out = new OutputDir(dir);
    try {
      Path probe = out.temp("probe");
      Files.write(probe, new byte[] {'\n'}, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.delete(probe);
    } catch (IOException e) {
      throw new Unusable("cannot write to the output directory " + dir + " (" + reason(e) + ")" + fix);
    }
    return out;
  }

  /** Writes {@code name} atomically: a temporary file, synced, renamed over it. */
  void write(String name, Content content) throws IOException {
    Path target = dir.resolve(name);
    Path temp = temp(name);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory();
  }

  /** Makes the rename itself durable, where the platform lets a directory be synced (Linux does). */
  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // the file is complete and renamed; only its survival of a power cut is less certain here
    }
  }

  /** A fresh name in the same directory (a rename within one file system is atomic). */
  private Path temp(String name) {
    return dir.resolve("." + name + "." + ProcessHandle.current().pid() + "-" + TEMPS.incrementAndGet()
        + TEMP_SUFFIX);
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    String name = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
    return e.getMessage() == null ? name : name.toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage();
  }
}
