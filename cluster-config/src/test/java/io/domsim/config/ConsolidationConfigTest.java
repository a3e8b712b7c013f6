package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.assertProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static io.domsim.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code scheduler.consolidation { policy, parameter, selection, placement, switch-off-idle, interval }}. */
class ConsolidationConfigTest {

  private static final String NODES = "nodes = [ { name = n1 } ]";

  private static ConsolidationSpec read(String consolidation) throws ConfigProblems {
    return parse("domsim { " + NODES + "\n scheduler.consolidation { " + consolidation + " } }")
        .scheduler().consolidation();
  }

  @Test
  void byDefaultNothingIsConsolidatedSoNoRunChanges() throws ConfigProblems {
    assertEquals(new ConsolidationSpec("none", OptionalDouble.empty(), "mmt", "pabfd", false, Duration.ofMinutes(5)),
        read(""));
  }

  @ParameterizedTest
  @CsvSource({"thr, 0.8", "iqr, 1.5", "mad, 2.5", "lr, 1.2", "lrr, 1.2"})
  void eachPolicyWithoutAParameterGetsThePapersDefault(String policy, double expected) throws ConfigProblems {
    assertEquals(OptionalDouble.of(expected), read("policy = " + policy).parameter());
  }

  @Test
  void everyKeyAsWritten() throws ConfigProblems {
    assertEquals(new ConsolidationSpec("mad", OptionalDouble.of(2.0), "mc", "pabfd", true, Duration.ofMinutes(10)),
        read("policy = mad, parameter = 2, selection = mc, placement = pabfd, switch-off-idle = true, interval = 10m"));
  }

  @Test
  void aParameterOutsideThePolicysRangeNamesTheRange() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = n1 } ]
          scheduler.consolidation { policy = thr, parameter = 1.5 }
        }
        """, "t.conf:3: domsim.scheduler.consolidation.parameter: ",
        "1.5 is out of range; use a number above 0 and at most 1, such as 0.8 (thr's CPU utilisation threshold)");
  }

  @Test
  void aNegativeSafetyParameterIsRefused() {
    assertOnlyProblem("domsim { " + NODES + "\n scheduler.consolidation { policy = iqr, parameter = -1 } }",
        "t.conf:2: domsim.scheduler.consolidation.parameter: ",
        "use a number of at least 0, such as 1.5 (iqr's safety parameter)");
    assertOnlyProblem("domsim { " + NODES + "\n scheduler.consolidation { policy = lr, parameter = 0 } }",
        "t.conf:2: domsim.scheduler.consolidation.parameter: ", "use a number above 0, such as 1.2");
  }

  @Test
  void aParameterForAPolicyThatTakesNoneIsAMistake() {
    assertOnlyProblem("domsim { " + NODES + "\n scheduler.consolidation { parameter = 0.8 } }",
        "t.conf:2: domsim.scheduler.consolidation.parameter: ",
        "the consolidation policy none takes no parameter; remove it");
  }

  @Test
  void aParameterGivenOnTheCommandLineIsChecked() throws ConfigProblems {
    String text = "domsim { " + NODES + "\n scheduler.consolidation.policy = lrr }";
    assertEquals(OptionalDouble.of(1.4), parse(text, "scheduler.consolidation.parameter=1.4")
        .scheduler().consolidation().parameter());
    assertOnlyProblem(text, "--set: domsim.scheduler.consolidation.parameter: ", "is not a number",
        "scheduler.consolidation.parameter=high");
  }

  @Test
  void unknownNamesAreCheckedAgainstTheirRegistries() {
    List<String> found = problems("""
        domsim {
          nodes = [ { name = n1 } ]
          scheduler.consolidation {
            policy = thrr
            selection = mnt
            placement = best-fit
          }
        }
        """);
    assertEquals(3, found.size(), found::toString);
    assertProblem(found.get(0), "t.conf:4: domsim.scheduler.consolidation.policy: ",
        "\"thrr\" is not a consolidation policy; use iqr, lr, lrr, mad, none or thr");
    assertProblem(found.get(1), "t.conf:5: domsim.scheduler.consolidation.selection: ",
        "\"mnt\" is not a guest selection policy; use mc, mmt, mu or rs");
    assertProblem(found.get(2), "t.conf:6: domsim.scheduler.consolidation.placement: ",
        "\"best-fit\" is not a consolidation placement policy; use pabfd");
  }

  @Test
  void theFormerPlainNameSaysWhereTheNameGoesNow() {
    assertOnlyProblem("domsim { " + NODES + "\n scheduler.consolidation = thr }",
        "t.conf:2: domsim.scheduler.consolidation: ", "\"thr\" is not an object; use consolidation { policy = \"thr\" }");
  }

  @Test
  void theIntervalIsAtLeastOneSecond() {
    assertOnlyProblem("domsim { " + NODES + "\n scheduler.consolidation.interval = 500ms }",
        "t.conf:2: domsim.scheduler.consolidation.interval: ", "is out of range; use a duration from 1s to 365d");
  }

  @Test
  void anUnknownKeyIsSuggested() {
    assertOnlyProblem("domsim { " + NODES + "\n scheduler.consolidation.switch-off-idel = true }",
        "t.conf:2: domsim.scheduler.consolidation.switch-off-idel: ", "did you mean \"switch-off-idle\"?");
  }
}
