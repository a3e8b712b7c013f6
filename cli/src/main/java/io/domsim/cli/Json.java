package io.domsim.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.domsim.config.GuestType;
import io.domsim.node.RunResult;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * The JSON of report.json and of the control API: snake_case fields in declaration order, indented,
 * and the report's enums as the words a user writes and reads (pv, hvm; running, not-started, shut-down;
 * completed, in-progress; create, destroy). Kept here so that the simulation's records need no Jackson annotations.
 */
final class Json {
  private Json() {}

  static ObjectMapper mapper() {
    SimpleModule words = new SimpleModule("domsim-words")
        .addSerializer(new AsWord<>(GuestType.class, GuestType::configName))
        .addSerializer(new AsWord<>(io.domsim.config.HypervisorKind.class, io.domsim.config.HypervisorKind::configName))
        .addSerializer(new AsWord<>(RunResult.GuestState.class, RunResult.GuestState::reportName))
        .addSerializer(new AsWord<>(RunResult.MigrationOutcome.class, RunResult.MigrationOutcome::reportName))
        .addSerializer(new AsWord<>(RunResult.OperationOutcome.class, RunResult.OperationOutcome::reportName))
        .addSerializer(new AsWord<>(io.domsim.config.GuestOp.class, io.domsim.config.GuestOp::configName))
        .addSerializer(new AsWord<>(RunResult.OperationAction.class, RunResult.OperationAction::reportName))
        .addSerializer(new AsWord<>(RunResult.Origin.class, RunResult.Origin::reportName))
        .addSerializer(new AsWord<>(io.domsim.node.ConsoleView.NodeState.class, Json::word))
        .addSerializer(new AsWord<>(io.domsim.node.ConsoleView.DomainState.class, Json::word));
    return new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .addMixIn(RunResult.NodeResult.class, NodeResultFields.class)
        .addMixIn(RunResult.GuestResult.class, GuestResultFields.class)
        .addMixIn(io.domsim.node.ConsoleView.MigrationRow.class, MigrationRowFields.class)
        .addMixIn(io.domsim.node.ConsoleView.NodeRow.class, NodeRowFields.class)
        .registerModule(words);
  }

  /** An enum constant as the console writes it: SHUTTING_DOWN is shutting-down. */
  static String word(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** A node's {@code outages} appear only for a node that was recovered: reports without recover stay as they were. */
  private abstract static class NodeResultFields {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract List<RunResult.Outage> outages();

    /** Only a type-2 node says so: reports of type-1 clusters stay as they were. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract io.domsim.config.HypervisorKind hypervisor();
  }

  /**
   * A guest's {@code created_at_s} and {@code ended_at_s} appear only for a guest created during the run or
   * destroyed or shut down: reports without lifecycle verbs stay as they were.
   */
  private abstract static class GuestResultFields {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract Double createdAtS();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract Double endedAtS();
  }

  /**
   * The console's migration phase as a word (precopy, completed); the status's records keep the protocol's
   * names (REFUSED), as they always showed them.
   */
  /** Only a type-2 node says its kind: the console's answers about Xen nodes stay as they were. */
  private abstract static class NodeRowFields {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract io.domsim.config.HypervisorKind hypervisor();
  }

  private abstract static class MigrationRowFields {
    @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = PhaseWord.class)
    abstract io.domsim.migration.Phase phase();
  }

  static final class PhaseWord extends StdSerializer<io.domsim.migration.Phase> {
    private static final long serialVersionUID = 1L;

    PhaseWord() {
      super(io.domsim.migration.Phase.class);
    }

    @Override
    public void serialize(io.domsim.migration.Phase value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(word(value));
    }
  }

  /** An enum written as one word of its own choosing. */
  private static final class AsWord<E extends Enum<E>> extends StdSerializer<E> {
    private final transient Function<E, String> word;

    AsWord(Class<E> type, Function<E, String> word) {
      super(type);
      this.word = word;
    }

    @Override
    public void serialize(E value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(word.apply(value));
    }
  }
}
