package io.domsim.kernel.serialization;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.util.Try;

class KryoSerializerTest {
  enum Phase { PRE_COPY, STOP_AND_COPY }

  record Sample(String name, long count, Optional<String> note, List<Integer> values, Duration latency,
                ActorRef<String> replyTo) implements CrossJvm {}

  record Carrier(List<Object> items, Phase phase, Map<String, Long> counters) implements CrossJvm {}

  record Unlisted(String x) implements CrossJvm {}

  /** Registered only in a second system, to shift the registration IDs. */
  record Aaa(int x) implements CrossJvm {}

  private ActorSystem<Void> system;
  private Serialization serialization;

  @BeforeEach
  void start() {
    system = ActorSystem.create(Behaviors.empty(), "kryo-test");
    serialization = SerializationExtension.get(Adapter.toClassic(system));
  }

  @AfterEach
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
  }

  private Object roundTrip(Serialization ser, Object message) {
    Serializer serializer = ser.findSerializerFor(message);
    byte[] bytes = ser.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    return ser.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  @Test
  void crossJvmRecordRoundTripsThroughAkkaSerialization() throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    ActorRef<String> receiver = system.systemActorOf(Behaviors.<String>receiveMessage(m -> {
      received.complete(m);
      return Behaviors.same();
    }), "receiver", Props.empty());

    List<Integer> values = new ArrayList<>(List.of(1, 2, 3));
    Sample sample = new Sample("vm-7", 1L << 40, Optional.of("migrating"), values,
        Duration.ofMillis(1500).plusNanos(7), receiver);

    Serializer serializer = serialization.findSerializerFor(sample);
    assertInstanceOf(KryoSerializer.class, serializer);
    assertEquals(KryoSerializer.IDENTIFIER, serializer.identifier());
    assertTrue(serializer.includeManifest());

    Object back = roundTrip(serialization, sample);
    assertEquals(sample, back);
    assertNotSame(sample, back);
    Sample s = (Sample) back;
    assertEquals(ArrayList.class, s.values().getClass());

    // The decoded reference is a working reference to the same actor.
    s.replyTo().tell("hello");
    assertEquals("hello", received.get(10, SECONDS));

    // Immutable JDK collections and an empty Optional also pass.
    Sample immutable = new Sample("", -1, Optional.empty(), List.of(), Duration.ZERO, receiver);
    assertEquals(immutable, roundTrip(serialization, immutable));
    Carrier carrier = new Carrier(List.of("a", 2L, 3.5, Optional.of(4), List.of(5, 6)), Phase.STOP_AND_COPY,
        Map.of("dirty", 12L));
    assertEquals(carrier, roundTrip(serialization, carrier));
  }

  @Test
  void unregisteredClassFailsNamingTheClassAndTheConfigKey() {
    Try<byte[]> direct = serialization.serialize(new Unlisted("x"));
    assertTrue(direct.isFailure());
    String message = direct.failed().get().getMessage();
    assertTrue(message.contains(Unlisted.class.getName()), message);
    assertTrue(message.contains(KryoSerializer.REGISTRATIONS_KEY), message);

    // Nested inside a registered message: the inner class is the one named.
    Try<byte[]> nested = serialization.serialize(new Carrier(List.of(new Unlisted("y")), Phase.PRE_COPY, Map.of()));
    assertTrue(nested.isFailure());
    String nestedMessage = nested.failed().get().getMessage();
    assertTrue(nestedMessage.contains(Unlisted.class.getName()), nestedMessage);
    assertTrue(nestedMessage.contains(KryoSerializer.REGISTRATIONS_KEY + " { \"" + Unlisted.class.getName() + "\" = on }"),
        nestedMessage);
  }

  @Test
  void differentRegistrationSetsAreDetectedNotSilentlyMisread() throws Exception {
    Sample sample = new Sample("vm", 1, Optional.empty(), List.of(1), Duration.ofSeconds(1),
        system.systemActorOf(Behaviors.<String>empty(), "r", Props.empty()));
    byte[] bytes = serialization.serialize(sample).get();

    Config other = ConfigFactory.parseString(
            KryoSerializer.REGISTRATIONS_KEY + " { \"" + Aaa.class.getName() + "\" = on }")
        .withFallback(ConfigFactory.load()).resolve();
    ActorSystem<Void> second = ActorSystem.create(Behaviors.empty(), "kryo-other", other);
    try {
      Serialization ser2 = SerializationExtension.get(Adapter.toClassic(second));
      KryoSerializer k2 = (KryoSerializer) ser2.serializerFor(Sample.class);
      // Sorted among the kernel's own classes, it moves every id after it: the test's Sample's among them.
      assertTrue(k2.configuredRegistrations().indexOf(Aaa.class) < k2.configuredRegistrations().indexOf(Sample.class),
          k2.configuredRegistrations().toString());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> k2.fromBinaryJava(bytes, Sample.class));
      assertTrue(e.getMessage().contains(KryoSerializer.REGISTRATIONS_KEY), e.getMessage());
    } finally {
      second.terminate();
      second.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }

  @Test
  void registrationsFromSeveralReferenceConfsAreAllKeptInEitherClasspathOrder(@TempDir Path dir) throws Exception {
    Path a = module(dir, "a", "domsim.kernel.kryo.registrations {\n  \"x.A1\" = on\n  \"x.A2\" = on\n}\n");
    Path b = module(dir, "b", "domsim.kernel.kryo.registrations.\"x.B1\" = on\n");
    // The test's own and the kernel's main ones (EventKey).
    List<String> ours = List.of(Sample.class.getName(), Carrier.class.getName(), Phase.class.getName(),
        io.domsim.kernel.EventKey.class.getName());
    for (Path[] order : new Path[][] {{a, b}, {b, a}}) {
      try (URLClassLoader loader = new URLClassLoader(
          new URL[] {order[0].toUri().toURL(), order[1].toUri().toURL()}, getClass().getClassLoader())) {
        ConfigFactory.invalidateCaches();
        List<String> list = List.copyOf(
            ConfigFactory.defaultReference(loader).getObject(KryoSerializer.REGISTRATIONS_KEY).keySet());
        assertTrue(list.containsAll(List.of("x.A1", "x.A2", "x.B1")), list.toString());
        assertTrue(list.containsAll(ours), list.toString());
        assertEquals(List.of("x.A1", "x.A2", "x.B1"), list.stream().filter(n -> n.startsWith("x.")).sorted().toList(),
            "each module's keys once");
      }
    }
    ConfigFactory.invalidateCaches();
  }

  private static Path module(Path root, String name, String referenceConf) throws IOException {
    Path d = Files.createDirectories(root.resolve(name));
    Files.writeString(d.resolve("reference.conf"), referenceConf);
    return d;
  }

  @Test
  void aMissingConfiguredClassFailsFastWithTheKey() {
    Config c = ConfigFactory.parseString(KryoSerializer.REGISTRATIONS_KEY + " { \"io.domsim.NoSuchThing\" = on }");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KryoSerializer.loadRegistrations(c, getClass().getClassLoader()));
    assertTrue(e.getMessage().contains("io.domsim.NoSuchThing"), e.getMessage());
    assertTrue(e.getMessage().contains(KryoSerializer.REGISTRATIONS_KEY), e.getMessage());
  }

  @Test
  void configuredClassesAreRegisteredInSortedOrder() {
    Config c = ConfigFactory.parseString(KryoSerializer.REGISTRATIONS_KEY
        + " { \"java.time.DayOfWeek\" = on, \"java.lang.Thread$State\" = on, \"java.time.Month\" = off }");
    assertEquals(List.of(Thread.State.class, java.time.DayOfWeek.class),
        KryoSerializer.loadRegistrations(c, getClass().getClassLoader()));
  }

  @Test
  void aRegistrationThatIsNotOnOrOffIsRefusedNamingTheClass() {
    Config c = ConfigFactory.parseString(KryoSerializer.REGISTRATIONS_KEY + " { \"java.time.Month\" = 1 }");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KryoSerializer.loadRegistrations(c, getClass().getClassLoader()));
    assertTrue(e.getMessage().contains("java.time.Month\" = on"), e.getMessage());
  }
}
