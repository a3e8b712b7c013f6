package io.domsim.kernel.serialization;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.JSerializer;
import akka.serialization.Serialization;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Akka serializer for {@link CrossJvm} messages, built on Kryo 5 with registration required: a class
 * that is not registered is refused (with a message saying where to register it) instead of being
 * written by name.
 *
 * <p>Registered are: Kryo's built-ins (primitives, their boxes, String), a fixed set of JDK types
 * (collections including {@code List.of}/{@code Set.of}/{@code Map.of}, Optional, Duration, Instant,
 * UUID, arrays; see {@link #registerJdkTypes}), Akka actor references (typed, through
 * {@link ActorRefResolver}; classic, through their serialized path), and every class named in
 * {@code domsim.kernel.kryo.registrations}. Records are written with Kryo's RecordSerializer
 * (components in name order, through the canonical constructor), enums by ordinal, other classes
 * field by field (no constructor needed).
 *
 * <p>Registration IDs: the fixed types come first, in code order; configured classes follow in sorted
 * name order, so the IDs do not depend on the classpath order in which reference.conf files are
 * merged. They do depend on the set: every JVM of a cluster must list the same classes (run the same
 * modules). A mismatch is detected when the decoded object is not of the class Akka's manifest names.
 *
 * <p>Thread-safe: Kryo instances (which are not) come from a pool.
 */
public final class KryoSerializer extends JSerializer {
  /** The serializer's id in Akka's wire format. Never change it once JVMs of different builds talk. */
  public static final int IDENTIFIER = 742001;

  /** The config object whose keys are the fully qualified class names to register (value {@code on}). */
  public static final String REGISTRATIONS_KEY = "domsim.kernel.kryo.registrations";

  private static final int INITIAL_BUFFER = 256;
  private static final int MAX_POOLED_BUFFER = 1 << 20;

  private final ExtendedActorSystem system;
  private final List<Class<?>> configured;
  private final Pool<Kit> pool;
  private volatile ActorRefResolver resolver;

  public KryoSerializer(ExtendedActorSystem system) {
    this.system = system;
    this.configured = loadRegistrations(system.settings().config(), system.dynamicAccess().classLoader());
    this.pool = new Pool<>(true, false, 64) {
      @Override
      protected Kit create() {
        return new Kit(newKryo());
      }
    };
    // Build one Kryo now: a registration Kryo cannot handle fails the system's start, not a send.
    pool.free(pool.obtain());
  }

  /**
   * Reads the configured class names (the keys set to {@code on} in the registrations object), sorts them
   * and loads the classes (failing fast).
   */
  static List<Class<?>> loadRegistrations(Config config, ClassLoader loader) {
    if (!config.hasPath(REGISTRATIONS_KEY)) {
      return List.of();
    }
    ConfigObject listed = config.getObject(REGISTRATIONS_KEY);
    TreeSet<String> names = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : listed.entrySet()) {
      // Config.getBoolean's spellings ("on" is a string in HOCON); a quoted key with dots is not a path.
      boolean on = switch (String.valueOf(e.getValue().unwrapped())) {
        case "true", "on", "yes" -> true;
        case "false", "off", "no" -> false;
        default -> throw new IllegalArgumentException(REGISTRATIONS_KEY + " sets \"" + e.getKey() + "\" to "
            + e.getValue().render() + " (" + e.getValue().origin().description() + "); write \"" + e.getKey()
            + "\" = on, or off to leave it out.");
      };
      if (on) {
        names.add(e.getKey().trim());
      }
    }
    List<Class<?>> classes = new ArrayList<>(names.size());
    for (String n : names) {
      try {
        classes.add(Class.forName(n, false, loader));
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalArgumentException(
            REGISTRATIONS_KEY + " lists \"" + n + "\", but that class cannot be loaded (" + e + "). "
                + "Fix or remove the entry in the reference.conf that adds it.",
            e);
      }
    }
    return List.copyOf(classes);
  }

  /** The configured classes, in registration order (for diagnostics and tests). */
  public List<Class<?>> configuredRegistrations() {
    return configured;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return true;
  }

  @Override
  public byte[] toBinary(Object o) {
    Kit kit = pool.obtain();
    try {
      Output out = kit.output;
      out.reset();
      kit.kryo.writeClassAndObject(out, o);
      return out.toBytes();
    } catch (KryoException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "domsim-kryo cannot serialize " + o.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      kit.recycle();
      pool.free(kit);
    }
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    Kit kit = pool.obtain();
    Object result;
    try {
      kit.input.setBuffer(bytes);
      result = kit.kryo.readClassAndObject(kit.input);
    } catch (KryoException | IllegalArgumentException e) {
      throw new IllegalArgumentException("domsim-kryo cannot deserialize "
          + (manifest == null ? "a message" : manifest.getName()) + " (" + bytes.length + " bytes): "
          + e.getMessage() + ". If the sender runs other modules, the registration lists ("
          + REGISTRATIONS_KEY + ") differ.", e);
    } finally {
      kit.input.setBuffer(Kit.EMPTY);
      pool.free(kit);
    }
    if (manifest != null && result != null && !manifest.isInstance(result)) {
      throw new IllegalArgumentException("domsim-kryo decoded a " + result.getClass().getName()
          + " where the manifest says " + manifest.getName() + ": the JVMs' " + REGISTRATIONS_KEY
          + " lists differ (same modules must be on every JVM's classpath).");
    }
    return result;
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }

  /** A Kryo configured for this system. Registration order defines the wire IDs: keep it stable. */
  Kryo newKryo() {
    Kryo kryo = new DomsimKryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setClassLoader(system.dynamicAccess().classLoader());
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    registerJdkTypes(kryo);
    kryo.register(ActorRef.class, new TypedActorRefSerializer());
    kryo.register(akka.actor.ActorRef.class, new ClassicActorRefSerializer());
    for (Class<?> c : configured) {
      try {
        kryo.register(c);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(REGISTRATIONS_KEY + " lists " + c.getName()
            + ", but Kryo cannot make a serializer for it: " + e.getMessage(), e);
      }
    }
    return kryo;
  }

  /** The fixed JDK types, after Kryo's own built-ins (int, String, float, boolean, byte, char, short, long, double, void). */
  static void registerJdkTypes(Kryo kryo) {
    kryo.register(byte[].class);
    kryo.register(int[].class);
    kryo.register(long[].class);
    kryo.register(double[].class);
    kryo.register(boolean[].class);
    kryo.register(String[].class);
    kryo.register(Object[].class);
    kryo.register(BigInteger.class);
    kryo.register(BigDecimal.class);
    kryo.register(UUID.class, new DefaultSerializers.UUIDSerializer());

    kryo.register(ArrayList.class);
    kryo.register(LinkedList.class);
    kryo.register(ArrayDeque.class);
    kryo.register(HashMap.class);
    kryo.register(LinkedHashMap.class);
    kryo.register(TreeMap.class);
    kryo.register(HashSet.class);
    kryo.register(LinkedHashSet.class);
    kryo.register(TreeSet.class);
    kryo.register(Arrays.asList().getClass());
    kryo.register(Collections.emptyList().getClass());
    kryo.register(Collections.emptySet().getClass());
    kryo.register(Collections.emptyMap().getClass());
    kryo.register(Collections.singletonList(0).getClass());
    kryo.register(Collections.singleton(0).getClass());
    kryo.register(Collections.singletonMap(0, 0).getClass());
    // List.of, Set.of, Map.of and their copyOf variants (JDK-internal classes, read back immutable).
    ImmutableCollectionsSerializers.registerSerializers(kryo);

    kryo.register(Optional.class);
    kryo.register(OptionalInt.class);
    kryo.register(OptionalLong.class);
    kryo.register(OptionalDouble.class);
    kryo.register(Duration.class);
    kryo.register(Instant.class);
  }

  /** Maps every actor-ref implementation to the registration of its interface; explains unregistered classes. */
  private static final class DomsimKryo extends Kryo {
    @Override
    @SuppressWarnings("rawtypes")
    public Registration getRegistration(Class type) {
      Registration r = getClassResolver().getRegistration(type);
      if (r != null) {
        return r;
      }
      if (ActorRef.class.isAssignableFrom(type)) {
        return super.getRegistration(ActorRef.class);
      }
      if (akka.actor.ActorRef.class.isAssignableFrom(type)) {
        return super.getRegistration(akka.actor.ActorRef.class);
      }
      return super.getRegistration(type);
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected String unregisteredClassMessage(Class type) {
      String name = type.getName();
      return "class " + name + " is not registered for Kryo. Add it to " + REGISTRATIONS_KEY
          + " in the reference.conf of the module that owns it: " + REGISTRATIONS_KEY + " { \"" + name
          + "\" = on }";
    }
  }

  /** Typed refs travel as their serialization format (a path with the address) and are resolved on arrival. */
  private final class TypedActorRefSerializer extends Serializer<ActorRef<?>> {
    TypedActorRefSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, ActorRef<?> ref) {
      output.writeString(resolver().toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
      return resolver().resolveActorRef(input.readString());
    }
  }

  private final class ClassicActorRefSerializer extends Serializer<akka.actor.ActorRef> {
    ClassicActorRefSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, akka.actor.ActorRef ref) {
      output.writeString(Serialization.serializedActorPath(ref));
    }

    @Override
    public akka.actor.ActorRef read(Kryo kryo, Input input, Class<? extends akka.actor.ActorRef> type) {
      return system.provider().resolveActorRef(input.readString());
    }
  }

  /** One Kryo with its buffers; used by one thread at a time. */
  private static final class Kit {
    static final byte[] EMPTY = new byte[0];

    final Kryo kryo;
    Output output = new Output(INITIAL_BUFFER, -1);
    final Input input = new Input();

    Kit(Kryo kryo) {
      this.kryo = kryo;
    }

    /** Drops a buffer grown by a huge message, and any state a failed write left behind. */
    void recycle() {
      if (output.getBuffer().length > MAX_POOLED_BUFFER) {
        output = new Output(INITIAL_BUFFER, -1);
      }
      output.reset();
      kryo.reset();
    }
  }
}
