package io.domsim.config.plugin;

/**
 * Something a configuration chooses by name: a placement policy, a consolidation policy, a migration
 * algorithm, a pre-copy stop rule. Each kind is one interface extending this one, in the module that owns
 * the kind, and is found with {@link java.util.ServiceLoader} (a {@code META-INF/services} file naming
 * the implementation). domsim's built-ins register exactly as a user's plug-in does.
 *
 * <p>An implementation needs a public no-argument constructor; it is a factory, so it holds no state
 * of a run.
 */
public interface Plugin {

  /** The name the configuration uses, lower case with hyphens, such as {@code best-fit}. */
  String name();

  /** One sentence for {@code domsim plugins} and error messages. */
  String description();
}
