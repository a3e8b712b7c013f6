package io.domsim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same run writes the same report.html, byte for byte, in any JVM. The page's data was built partly from
 * {@code Map.of}, whose order of iteration is drawn anew in each JVM, so two runs of one configuration and seed
 * wrote their "guests" and "limits" objects' keys in different orders. Every object of the page's data now has its
 * keys in one order, sorted, whatever map built it: checked here on a run through the real command line, since
 * within one JVM two pages would agree either way.
 */
class ReportHtmlDataTest {
  @TempDir
  Path tmp;

  private static final Pattern DATA =
      Pattern.compile("<script type=\"application/json\" id=\"domsim-data\">(.*?)</script>", Pattern.DOTALL);

  @Test
  void everyObjectOfThePagesDataHasItsKeysInOneOrder() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err),
        "run", "--duration", "2m", "--out", tmp.toString(), "--no-progress");
    assertEquals(0, code, err.toString());
    Matcher m = DATA.matcher(Files.readString(tmp.resolve("report.html")));
    assertTrue(m.find(), "report.html carries its data");
    JsonNode data = new ObjectMapper().readTree(m.group(1).replace("<\\/", "</"));
    List<String> unordered = new ArrayList<>();
    walk(data, "data", unordered);
    assertTrue(unordered.isEmpty(), unordered.size() + " objects' keys are not in sorted order, among them "
        + unordered.subList(0, Math.min(5, unordered.size())));
    assertTrue(data.has("guests") && data.has("limits") && data.has("run"), "the page's data as written: " + data);
  }

  private static void walk(JsonNode node, String path, List<String> unordered) {
    if (node.isObject()) {
      String last = null;
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (last != null && last.compareTo(name) > 0) {
          unordered.add(path + " (" + last + " before " + name + ")");
        }
        last = name;
        walk(node.get(name), path + "." + name, unordered);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", unordered);
      }
    }
  }
}
