package io.domsim.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The run's log, {@code DIR/domsim.log} next to report.json: every warning and error logged during the
 * run, with stack traces. A simulation failure's stack trace goes only here (logback.xml keeps that
 * logger off the terminal), so that stderr gets one line about it. The file appears only when something
 * is logged (one left by an earlier run is removed with the other results, {@link OutputDir#prepare}). It is
 * the one file under the output directory not written atomically: a log is written as things happen.
 */
final class RunLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  /** Where the kernel logs a simulation failure (io.domsim.kernel.SimulationFailure). */
  static final String FAILURE_LOGGER = "io.domsim.kernel.SimulationFailure";
  static final String FILE_NAME = "domsim.log";

  private final Path file;
  private final PatternLayout layout = new PatternLayout();
  private Logger[] loggers = {};
  private Writer writer;

  private RunLog(Path file) {
    this.file = file;
  }

  static RunLog open(Path dir) {
    RunLog log = new RunLog(dir.resolve(FILE_NAME));
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      log.setContext(context);
      log.setName("run-log");
      log.layout.setContext(context);
      // PatternLayout appends each event's stack trace by itself.
      log.layout.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n");
      log.layout.start();
      log.start();
      log.loggers = new Logger[] {context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), context.getLogger(FAILURE_LOGGER)};
      for (Logger l : log.loggers) {
        l.addAppender(log);
      }
    } // else another SLF4J backend decides where logs go
    return log;
  }

  Path file() {
    return file;
  }

  @Override
  protected void append(ILoggingEvent event) {
    try {
      if (writer == null) {
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      }
      writer.write(layout.doLayout(event));
      writer.flush();
    } catch (IOException e) {
      addError("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    for (Logger l : loggers) {
      l.detachAppender(this);
    }
    stop();
    synchronized (this) {
      try {
        if (writer != null) {
          writer.close();
        }
      } catch (IOException e) {
        // the run is over; nothing more to say about its log
      }
    }
  }
}
