package io.domsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The validation table's parts: figures over report.json, cases read from HOCON, verdicts and the table. */
class ValidationCaseTest {
  private static final JsonNode REPORT;

  static {
    try {
      REPORT = new ObjectMapper().readTree("""
          { "summary": { "energy_kwh": 2.5 },
            "guests": [ { "name": "kb-pv", "cpu_seconds": 103.0, "useful_cpu_seconds": 100.0 },
                        { "name": "kb-hvm", "cpu_seconds": 100.5, "useful_cpu_seconds": 100.0 },
                        { "name": "twin", "cpu_seconds": 1 }, { "name": "twin", "cpu_seconds": 2 } ],
            "migrations": [ { "total_time_s": 80.0, "downtime_s": 0.026, "bytes_transferred": 1157541888 },
                            { "total_time_s": 40.0, "downtime_s": null } ] }
          """);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void figuresAreArithmeticOverReportFields() {
    assertEquals(0.026, Figure.parse("migrations[0].downtime_s").in(REPORT));
    assertEquals(26, Figure.parse("migrations[0].downtime_s * 1000").in(REPORT), 1e-9);
    assertEquals(1157.541888, Figure.parse("migrations[0].bytes_transferred / 1e6").in(REPORT), 1e-9);
    assertEquals(2, Figure.parse("migrations[0].total_time_s / migrations[1].total_time_s").in(REPORT));
    assertEquals(-7, Figure.parse("-(1 + 2) * 2 - 1").in(REPORT));
    assertEquals(1.5e-3, Figure.parse("1.5e-3").in(REPORT));
    assertEquals(2.5, Figure.parse(" summary.energy_kwh ").in(REPORT));
    assertEquals(0.03, Figure.parse("guests[name=kb-pv].cpu_seconds / guests[name=kb-pv].useful_cpu_seconds - 1")
        .in(REPORT), 1e-12, "an element chosen by a field's value, whatever its place");
    assertEquals(100.5, Figure.parse("guests[ name = kb-hvm ].cpu_seconds").in(REPORT));
    assertEquals("guests[name=kb-pvh].cpu_seconds is not in the report", assertThrows(IllegalArgumentException.class,
        () -> Figure.parse("guests[name=kb-pvh].cpu_seconds").in(REPORT)).getMessage());
    assertEquals("guests[name=twin].cpu_seconds: 2 elements have name = twin in the report; select by a field that"
        + " is unique", assertThrows(IllegalArgumentException.class,
        () -> Figure.parse("guests[name=twin].cpu_seconds").in(REPORT)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Figure.parse("guests[=x].cpu_seconds"));
    assertThrows(IllegalArgumentException.class, () -> Figure.parse("guests[name=].cpu_seconds"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Figure.parse("migrations[2].downtime_s").in(REPORT));
    assertEquals("migrations[2].downtime_s is not in the report", missing.getMessage());
    assertEquals("migrations[1].downtime_s is null in the report", assertThrows(IllegalArgumentException.class,
        () -> Figure.parse("migrations[1].downtime_s").in(REPORT)).getMessage());
    assertEquals("\"1 +\": expected a number, a report field or '(' at character 4",
        assertThrows(IllegalArgumentException.class, () -> Figure.parse("1 +")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Figure.parse("(1"));
    assertThrows(IllegalArgumentException.class, () -> Figure.parse("a b"));
  }

  private static List<ValidationCase> cases(String hocon) {
    return ValidationCase.read(ConfigFactory.parseString(hocon), "cases.conf");
  }

  @Test
  void casesAreReadWithTheirDefaultsAndRefusedWithASentence() {
    List<ValidationCase> cases = cases("""
        cases = [
          { case = "downtime", source = "Clark 2005", published = 210, unit = ms,
            figure = "migrations[0].downtime_s * 1000", config = "clark.conf", reason = "no hot pages" }
          { case = "time", source = "Clark 2005", published = 71, unit = s, figure = "migrations[0].total_time_s",
            config = "clark.conf", set = ["simulation.seed=2"], tolerance = 0.1 }
        ]
        """);
    assertEquals(2, cases.size());
    assertEquals(ValidationCase.DEFAULT_TOLERANCE, cases.get(0).tolerance());
    assertEquals(List.of("clark.conf"), cases.get(0).run());
    assertEquals(List.of("clark.conf", "simulation.seed=2"), cases.get(1).run());
    String noFigure = assertThrows(IllegalArgumentException.class, () -> cases("""
        cases = [ { case = "x", source = "s", published = 1, config = "c.conf" } ]
        """)).getMessage();
    assertTrue(noFigure.startsWith("cases.conf: case 1 (x): "), noFigure);
    assertTrue(noFigure.contains("figure"), noFigure);
    assertThrows(IllegalArgumentException.class, () -> cases("cases = 3"));
    assertThrows(IllegalArgumentException.class, () -> cases("other = []"));
    assertThrows(IllegalArgumentException.class, () -> cases("""
        cases = [ { case = "x", source = "s", published = 0, figure = "1", config = "c.conf" } ]
        """));
  }

  @Test
  void aRowOutsideItsToleranceNeedsAReason() {
    List<ValidationCase> cases = cases("""
        cases = [
          { case = "downtime", source = "Clark 2005", published = 210, unit = ms, figure = "1", config = "c.conf",
            reason = "no restart time" }
          { case = "time", source = "Clark 2005", published = 71, unit = s, figure = "1", config = "c.conf" }
        ]
        """);
    ValidationTable table = new ValidationTable();
    table.add(new ValidationTable.Row(cases.get(0), 26.0, null));
    table.add(new ValidationTable.Row(cases.get(1), 80.9, null));
    assertTrue(table.acceptable(), "26 ms is off by 88% but says why; 80.9 s is within 25%");
    assertTrue(cases.get(1).within(71 * 1.25));
    assertFalse(cases.get(1).within(71 * 1.26));
    table.add(new ValidationTable.Row(cases.get(1), 100.0, null));
    assertFalse(table.acceptable(), "100 s is 41% off without a reason");
    ValidationTable failed = new ValidationTable();
    failed.add(new ValidationTable.Row(cases.get(0), null, "domsim run exited 2: bad"));
    assertFalse(failed.acceptable(), "a row without a figure is not acceptable, reason or not");
    String md = table.markdown();
    assertTrue(md.startsWith("| case | source | published | domsim | deviation | within tolerance | config |\n"), md);
    assertTrue(md.contains("| downtime | Clark 2005 | 210 ms | 26.0 ms | -88% (±25%) | no: no restart time | `c.conf` |"),
        md);
    assertTrue(md.contains("| time | Clark 2005 | 71.0 s | 80.9 s | +14% (±25%) | yes | `c.conf` |"), md);
    assertTrue(md.contains("| **NO** (no reason given) |"), md);
    ValidationCase percent = cases("""
        cases = [ { case = "x", source = "s", published = 3, unit = "%", figure = "1", config = "c.conf" } ]
        """).get(0);
    assertEquals("0.129%", percent.show(0.1291));
  }
}
