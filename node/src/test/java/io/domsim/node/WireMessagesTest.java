package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import io.domsim.config.GuestType;
import io.domsim.config.Trace;
import io.domsim.dom0.Dom0;
import io.domsim.dom0.MigrationProgress;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.serialization.KryoSerializer;
import io.domsim.kernel.serialization.SameMember;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.net.Fabric;
import io.domsim.scheduler.Consolidator;
import io.domsim.scheduler.PoolMaster;
import io.domsim.scheduler.PoolProtocol;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that can cross Akka Cluster members goes through Akka's serialization (the real config,
 * every module's reference.conf) to the Kryo serializer and comes back equal, typed actor refs resolved.
 *
 * <p>The messages are found, not listed: every actor's Command interface (walking sealed hierarchies),
 * every reply type named by an {@code ActorRef<T>} inside a message, and every class on the classpath
 * that implements {@link CrossJvm}. Each message is either {@link CrossJvm} or {@link SameMember}
 * (a new message that is neither fails here), and each CrossJvm message, and each variant of every sealed
 * type it carries, is built from its record components and round-tripped.
 */
class WireMessagesTest {
  /** The actors' message interfaces (the Cluster's and the Inspector's are SameMember as a whole). */
  private static final List<Class<?>> ROOTS = List.of(Cluster.Command.class, Inspector.Command.class,
      Node.Command.class, Dom0.Command.class, Hypervisor.Command.class, Fabric.Command.class,
      PoolMaster.Command.class, Consolidator.Command.class, PoolProtocol.HostCommand.class,
      // Sent to refs given at creation, not inside a message: the node's boot report, consolidation's orders.
      Node.Booted.class, Consolidator.Orders.class);

  private static ActorSystem<Void> system;
  private static Serialization serialization;
  private static ActorRef<Object> probe;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "wire-messages");
    serialization = SerializationExtension.get(Adapter.toClassic(system));
    probe = system.systemActorOf(Behaviors.ignore(), "probe", Props.empty());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void everyMessageIsEitherCrossJvmOrSameMember() {
    List<String> undecided = new ArrayList<>();
    for (Class<?> c : messages()) {
      if (!CrossJvm.class.isAssignableFrom(c) && !SameMember.class.isAssignableFrom(c)) {
        undecided.add(c.getName());
      }
      if (CrossJvm.class.isAssignableFrom(c) && SameMember.class.isAssignableFrom(c)) {
        undecided.add(c.getName() + " (both)");
      }
    }
    assertEquals(List.of(), undecided,
        "each message implements CrossJvm (it may cross members) or SameMember (it never does, and why)");
  }

  @Test
  void everyCrossJvmMessageAndWhatItCarriesIsRegistered() throws Exception {
    KryoSerializer kryo = (KryoSerializer) serialization.serializerFor(Dom0.Migrate.class);
    Set<Class<?>> registered = Set.copyOf(kryo.configuredRegistrations());
    TreeSet<String> missing = new TreeSet<>();
    for (Class<?> c : carriedClosure(crossJvmMessages())) {
      if (!registered.contains(c)) {
        missing.add("domsim.kernel.kryo.registrations { \"" + c.getName() + "\" = on }");
      }
    }
    assertEquals(List.of(), List.copyOf(missing), "add these to the owning module's reference.conf");
  }

  @Test
  void everyCrossJvmMessageRoundTripsThroughAkkaSerialization() throws Exception {
    List<Class<?>> messages = crossJvmMessages();
    assertTrue(messages.size() > 40, "found only " + messages);
    for (Class<?> c : messages) {
      Object sample = sample(c, c.getSimpleName());
      akka.serialization.Serializer serializer = serialization.findSerializerFor(sample);
      assertInstanceOf(KryoSerializer.class, serializer, c.getName() + " is bound to " + serializer);
      byte[] bytes = serialization.serialize(sample).get();
      Object back = serialization.deserialize(bytes, serializer.identifier(),
          Serializers.manifestFor(serializer, sample)).get();
      assertEquals(sample, back, c.getName());
      if (!c.isEnum()) {
        assertNotSame(sample, back, c.getName());
      }
    }
  }

  /** Each variant of every sealed type a message carries (FlowPurpose's, ScenarioAction's, ...) survives. */
  @Test
  void everyVariantOfWhatMessagesCarryRoundTrips() throws Exception {
    KryoSerializer kryo = (KryoSerializer) serialization.serializerFor(Dom0.Migrate.class);
    for (Class<?> c : carriedClosure(crossJvmMessages())) {
      if (c.isRecord() || (!c.isEnum() && !c.isInterface() && c != Trace.class)) {
        Object sample = sample(c, c.getSimpleName());
        assertEquals(sample, kryo.fromBinary(kryo.toBinary(sample), c), c.getName());
      }
    }
  }

  /**
   * The pool-master and consolidation roles cross members: their messages name the plug-in (with its settings)
   * and the receiving Dom0 makes it from its own registry; an instance could not cross.
   */
  @Test
  void theRolesMessagesNameTheirPlugInsAndCrossMembers() throws Exception {
    assertTrue(crossJvmMessages().containsAll(List.of(Dom0.BecomePoolMaster.class, Dom0.StartConsolidation.class)));
    com.typesafe.config.Config domsim = com.typesafe.config.ConfigFactory.load().getConfig("domsim");
    io.domsim.scheduler.SchedulerPlugins roles = Plugins.onClassPath().scheduler();
    Dom0.BecomePoolMaster m = new Dom0.BecomePoolMaster(List.of(new PoolMaster.Host("a", probe.unsafeUpcast())),
        roles.placementChoice("worst-fit", domsim), io.domsim.scheduler.PoolSettings.from(domsim), List.of(),
        probe.unsafeUpcast());
    Dom0.BecomePoolMaster back = (Dom0.BecomePoolMaster) serialization.deserialize(
        serialization.serialize(m).get(), Dom0.BecomePoolMaster.class).get();
    assertEquals(m, back);
    assertEquals(io.domsim.scheduler.PlacementPolicy.WORST_FIT, roles.placement(back.policy()));
  }

  /** The typed refs inside a message arrive as refs to the same actor. */
  @Test
  void typedActorRefsResolveToTheSameActor() throws Exception {
    Dom0.GetPoolEndpoint m = new Dom0.GetPoolEndpoint(probe.unsafeUpcast());
    Dom0.GetPoolEndpoint back = (Dom0.GetPoolEndpoint) serialization.deserialize(
        serialization.serialize(m).get(), Dom0.GetPoolEndpoint.class).get();
    assertEquals(probe.path(), back.replyTo().path());
    assertEquals(probe, back.replyTo());
  }

  /** What is not yet known travels as null (a record in flight, progress of an unknown migration). */
  @Test
  void nullComponentsRoundTrip() throws Exception {
    MigrationRecord inFlight = MigrationRecord.requested("m1", "g1", GuestType.HVM, "a", "b", "xen", null, 1.5);
    List<Object> messages = List.of(new Dom0.StreamProgress("m1", inFlight),
        new MigrationProgress("m9", false, null, null, null, 0, 0),
        new PoolProtocol.GuestLoad("g1", 1L << 30, true, 2000, 1000, 900, null));
    KryoSerializer kryo = (KryoSerializer) serialization.serializerFor(Dom0.Migrate.class);
    for (Object m : messages) {
      assertEquals(m, kryo.fromBinary(kryo.toBinary(m), m.getClass()));
    }
  }

  // ---- finding the messages ----

  /** Every message class reachable from the roots and every CrossJvm class on the classpath, by name. */
  static List<Class<?>> messages() {
    TreeMap<String, Class<?>> found = new TreeMap<>();
    Deque<Class<?>> todo = new ArrayDeque<>(ROOTS);
    todo.addAll(crossJvmOnClasspath());
    while (!todo.isEmpty()) {
      Class<?> c = todo.pop();
      if (found.containsKey(c.getName())) {
        continue;
      }
      if (c.isSealed()) {
        found.put(c.getName(), c); // marked interfaces are listed too: harmless, they are checked the same way
        todo.addAll(List.of(c.getPermittedSubclasses()));
        continue;
      }
      if (c.isInterface()) {
        continue;
      }
      found.put(c.getName(), c);
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          refTargets(rc.getGenericType(), todo);
        }
      }
    }
    found.values().removeIf(Class::isInterface);
    return List.copyOf(found.values());
  }

  /** Message types named as {@code ActorRef<T>} anywhere in {@code t} (nested records included). */
  private static void refTargets(Type t, Collection<Class<?>> out) {
    if (t instanceof ParameterizedType p) {
      if (p.getRawType() == ActorRef.class) {
        Type arg = p.getActualTypeArguments()[0];
        if (arg instanceof Class<?> c) {
          out.add(c);
        } else if (arg instanceof ParameterizedType pa && pa.getRawType() instanceof Class<?> c) {
          out.add(c);
        }
        return;
      }
      for (Type a : p.getActualTypeArguments()) {
        refTargets(a, out);
      }
    } else if (t instanceof Class<?> c && c.isRecord() && c.getName().startsWith("io.domsim.")) {
      for (RecordComponent rc : c.getRecordComponents()) {
        if (rc.getType() != c) {
          refTargets(rc.getGenericType(), out);
        }
      }
    }
  }

  static List<Class<?>> crossJvmMessages() {
    return messages().stream().filter(CrossJvm.class::isAssignableFrom).toList();
  }

  /** The io.domsim classes that implement CrossJvm, from the classpath's directories and jars. */
  private static List<Class<?>> crossJvmOnClasspath() {
    List<Class<?>> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Paths.get(entry);
      if (entry.endsWith("-tests.jar") || p.endsWith("test-classes")) {
        continue; // modules' test samples (the kernel's serialization and window tests), not the model's messages
      }
      List<String> names = new ArrayList<>();
      try {
        if (Files.isDirectory(p)) {
          Path base = p.resolve("io/domsim");
          if (Files.isDirectory(base)) {
            try (Stream<Path> s = Files.walk(base)) {
              s.filter(f -> f.toString().endsWith(".class"))
                  .forEach(f -> names.add(p.relativize(f).toString()));
            }
          }
        } else if (entry.endsWith(".jar") && Files.isRegularFile(p) && p.getFileName().toString().matches(
            "(cluster-config|kernel|hypervisor|migration|scheduler|dom0|node)-.*\\.jar")) {
          try (JarFile jar = new JarFile(p.toFile())) {
            jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/domsim/") && n.endsWith(".class"))
                .forEach(names::add);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + p, e);
      }
      for (String n : names) {
        String cn = n.substring(0, n.length() - ".class".length()).replace('/', '.').replace('\\', '.');
        try {
          Class<?> c = Class.forName(cn, false, WireMessagesTest.class.getClassLoader());
          if (CrossJvm.class.isAssignableFrom(c) && c != CrossJvm.class) {
            out.add(c);
          }
        } catch (ClassNotFoundException | LinkageError e) {
          // not loadable here: not one of ours at run time
        }
      }
    }
    return out;
  }

  /** The classes Kryo must know for these messages: them, and every io.domsim type their components carry. */
  static List<Class<?>> carriedClosure(List<Class<?>> roots) {
    TreeMap<String, Class<?>> seen = new TreeMap<>();
    Deque<Type> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      Type t = todo.pop();
      if (t instanceof ParameterizedType p) {
        if (p.getRawType() == ActorRef.class) {
          continue; // the ref itself travels as a path
        }
        todo.push(p.getRawType());
        todo.addAll(List.of(p.getActualTypeArguments()));
        continue;
      }
      if (t instanceof WildcardType w) {
        todo.addAll(List.of(w.getUpperBounds()));
        continue;
      }
      if (!(t instanceof Class<?> c) || !c.getName().startsWith("io.domsim.") || seen.containsKey(c.getName())) {
        continue;
      }
      if (c.isSealed()) {
        todo.addAll(List.of(c.getPermittedSubclasses()));
        continue;
      }
      if (c.isInterface()) {
        continue;
      }
      seen.put(c.getName(), c);
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          todo.add(rc.getGenericType());
        }
      }
    }
    return List.copyOf(seen.values());
  }

  // ---- building a sample of each ----

  /** A sample value of {@code t}, with values that differ from the defaults (so a lost field shows). */
  private static Object sample(Type t, String name) {
    if (t instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == ActorRef.class) {
        return probe;
      }
      if (raw == List.class || raw == Collection.class) {
        return List.of(sample(args[0], name + "-0"), sample(args[0], name + "-1"));
      }
      if (raw == Set.class || raw == SortedSet.class) {
        return new TreeSet<>(List.of(sample(args[0], name + "-0")));
      }
      if (raw == SortedMap.class || raw == Map.class || raw == TreeMap.class) {
        TreeMap<Object, Object> m = new TreeMap<>();
        m.put(sample(args[0], name + "-k"), sample(args[1], name + "-v"));
        return raw == Map.class ? Map.copyOf(m) : m;
      }
      if (raw == Optional.class) {
        return Optional.of(sample(args[0], name));
      }
      return sample(raw, name);
    }
    if (t instanceof WildcardType w) {
      // Anything (a member's records for the driver): a string stands for Object, as for a type variable.
      return w.getUpperBounds()[0] == Object.class ? name : sample(w.getUpperBounds()[0], name);
    }
    if (t instanceof java.lang.reflect.TypeVariable<?> v) {
      // A generic message carrier (a TimedDelivery's message): anything its bound allows; a string for Object.
      Type bound = v.getBounds()[0];
      return bound == Object.class ? name : sample(bound, name);
    }
    Class<?> c = (Class<?>) t;
    if (c == int.class || c == Integer.class) {
      return 3 + name.length();
    }
    if (c == long.class || c == Long.class) {
      return 1_000_000_007L + name.length();
    }
    if (c == double.class || c == Double.class) {
      return 2.5 + name.length();
    }
    if (c == boolean.class || c == Boolean.class) {
      return true;
    }
    if (c == String.class) {
      return name;
    }
    if (c == Duration.class) {
      return Duration.ofMillis(1500 + name.length());
    }
    if (c == OptionalDouble.class) {
      return OptionalDouble.of(1.75);
    }
    if (c == OptionalLong.class) {
      return OptionalLong.of(42);
    }
    if (c == OptionalInt.class) {
      return OptionalInt.of(7);
    }
    if (c == byte[].class) {
      return name.getBytes(java.nio.charset.StandardCharsets.UTF_8); // a link's part of a message's bytes
    }
    if (c == Trace.class) {
      return new Trace(name + ".txt", new byte[] {10, 90, 35});
    }
    if (c == io.domsim.config.WriteSkew.class) {
      return new io.domsim.config.WriteSkew(0.1, 0.9); // both are fractions, checked
    }
    if (c == io.domsim.kernel.window.WindowLink.Part.class) {
      return new io.domsim.kernel.window.WindowLink.Part("m2", 12, 2, 3, name.getBytes(
          java.nio.charset.StandardCharsets.UTF_8)); // its index below its count, checked
    }
    if (c == io.domsim.scheduler.PoolSettings.class) {
      return new io.domsim.scheduler.PoolSettings(2_000_000_000L, 200_000_000L); // the retry within the timeout, checked
    }
    if (c == io.domsim.config.PowerCurve.class) {
      return new io.domsim.config.PowerCurve("table", new double[] {86, 92.6, 117}); // a class: its checked constructor
    }
    if (c == io.domsim.config.Resident.class) {
      return io.domsim.config.Resident.ofBytes(1L << 30); // its components are one of two shapes, checked
    }
    if (c.isEnum()) {
      Object[] constants = c.getEnumConstants();
      return constants[constants.length - 1];
    }
    if (c.isSealed()) {
      Class<?> first = c.getPermittedSubclasses()[0];
      return sample(first, name);
    }
    if (c.isRecord()) {
      RecordComponent[] rcs = c.getRecordComponents();
      Object[] values = new Object[rcs.length];
      Class<?>[] types = new Class<?>[rcs.length];
      for (int i = 0; i < rcs.length; i++) {
        values[i] = sample(rcs[i].getGenericType(), name + "." + rcs[i].getName());
        types[i] = rcs[i].getType();
      }
      try {
        Constructor<?> k = c.getDeclaredConstructor(types);
        k.setAccessible(true);
        return k.newInstance(values);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot build a sample " + c.getName() + ": " + e.getCause(), e);
      }
    }
    if (Modifier.isAbstract(c.getModifiers()) || c.isInterface()) {
      fail("a message carries " + c.getName() + ", which the sample builder cannot make (an open interface "
          + "or abstract class: a plug-in instance cannot cross members; send its name)");
    }
    fail("no sample for " + c.getName() + " (teach WireMessagesTest.sample)");
    return null;
  }
}
