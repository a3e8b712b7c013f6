package io.domsim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.hypervisor.NodeSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.Test;

/** CsvBytes prints, byte for byte, what Commons CSV's printer printed for the series before it. */
class CsvBytesTest {
  private static final CSVFormat FORMAT =
      CSVFormat.DEFAULT.builder().setHeader("a", "b", "c", "d", "e").setRecordSeparator("\n").get();

  private static final String[] NAMES = {"node-1", "web-0042", "", " lead", "trail ", "a,b", "say \"hi\"", "line\nbreak",
      "#hash", "!bang", "ünï", "-x", "0", "a\rb", "d\u00e9j\u00e0 vu"};

  @Test
  void randomRowsPrintAsThePrinterPrintsThem() throws IOException {
    SplittableRandom random = new SplittableRandom(8);
    StringBuilder expected = new StringBuilder();
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    CsvBytes bytes = new CsvBytes(actual, FORMAT);
    try (CSVPrinter printer = new CSVPrinter(expected, FORMAT)) {
      for (int row = 0; row < 20_000; row++) {
        List<Object> values = new ArrayList<>();
        int fields = 1 + random.nextInt(6);
        for (int f = 0; f < fields; f++) {
          switch (random.nextInt(6)) {
            case 0 -> {
              String s = random.nextInt(4) == 0 ? null : NAMES[random.nextInt(NAMES.length)];
              values.add(s);
              bytes.string(s);
            }
            case 1 -> {
              NodeSample.State st = NodeSample.State.values()[random.nextInt(3)];
              values.add(st.name().toLowerCase(java.util.Locale.ROOT));
              bytes.name(st);
            }
            case 2 -> {
              long v = switch (random.nextInt(4)) {
                case 0 -> random.nextLong();
                case 1 -> random.nextInt(1000) - 500;
                case 2 -> Long.MIN_VALUE;
                default -> Long.MAX_VALUE;
              };
              values.add(v);
              bytes.number(v);
            }
            case 3 -> {
              long nanos = random.nextInt(3) == 0 ? random.nextLong() : random.nextLong(1L << 45) * (random.nextBoolean() ? 1 : 1000);
              values.add(SeriesFiles.seconds(nanos));
              bytes.seconds(nanos);
            }
            default -> {
              double v = figure(random);
              values.add(SeriesFiles.decimal(v));
              bytes.decimal(v);
            }
          }
        }
        printer.printRecord(values);
        bytes.endRecord();
      }
    }
    bytes.close();
    assertEquals(expected.toString(), actual.toString(StandardCharsets.UTF_8));
  }

  private static double figure(SplittableRandom random) {
    return switch (random.nextInt(8)) {
      case 0 -> 0;
      case 1 -> Double.NaN;
      case 2 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 3 -> (random.nextDouble() - 0.5) * 2e9; // near and past the 1e9 switch to Double.toString
      case 4 -> random.nextInt(100) / 8.0; // few decimals
      case 5 -> -random.nextDouble() * 1e-6; // below the last decimal: -0.0 and friends
      case 6 -> Math.scalb(random.nextDouble(), random.nextInt(80) - 40);
      default -> random.nextDouble() * 1000 - 500;
    };
  }
}
