package io.domsim.config.plugin;

/** A plug-in whose name and sentence are fixed at construction: the usual base of a built-in. */
public abstract class NamedPlugin implements Plugin {
  private final String name;
  private final String description;

  protected NamedPlugin(String name, String description) {
    this.name = name;
    this.description = description;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }
}
