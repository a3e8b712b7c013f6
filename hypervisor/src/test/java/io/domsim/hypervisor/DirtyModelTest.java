package io.domsim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.GuestType;
import org.junit.jupiter.api.Test;

class DirtyModelTest {

  private static Config domsim(String model) {
    return ConfigFactory.parseString("hypervisor.dirty-model = " + model);
  }

  @Test
  void readsTheTwoModelsByTheirConfigNames() {
    assertEquals(DirtyModel.ANALYTIC, DirtyModel.from(domsim("analytic")));
    assertEquals(DirtyModel.PAGE, DirtyModel.from(domsim("page")));
  }

  @Test
  void theShippedDefaultIsAnalytic() {
    assertEquals(DirtyModel.ANALYTIC, DirtyModel.from(ConfigFactory.defaultReference().getConfig("domsim")));
  }

  @Test
  void anUnknownModelIsABadValueNamingTheChoices() {
    ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class,
        () -> DirtyModel.from(domsim("PAGE")));
    assertTrue(e.getMessage().contains("hypervisor.dirty-model"), e.getMessage());
    assertTrue(e.getMessage().contains("\"PAGE\" is not a dirty-page model; use analytic or page"), e.getMessage());
  }

  @Test
  void eachModelMakesItsOwnKindOfLog() {
    Domain d = new Domain(1, Fixtures.guest("g", GuestType.PV, 1, Fixtures.workload(0.5, 0)), DomainState.RUNNING);
    assertTrue(DirtyModel.PAGE.factory(1).create(d).exact());
    assertFalse(DirtyModel.ANALYTIC.factory(1).create(d).exact());
  }
}
