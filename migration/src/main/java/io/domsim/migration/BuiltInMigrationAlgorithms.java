package io.domsim.migration;

import com.typesafe.config.Config;
import io.domsim.config.plugin.NamedPlugin;
import io.domsim.migration.MigrationShape.FinalCopy;

/** domsim's own migration algorithms, registered as plug-ins like anyone's. */
public final class BuiltInMigrationAlgorithms {
  private BuiltInMigrationAlgorithms() {}

  /** A built-in: a name, a sentence and a fixed shape. */
  private abstract static class Fixed extends NamedPlugin implements MigrationAlgorithm {
    private final MigrationShape shape;

    Fixed(MigrationShape shape, String description) {
      super(shape.algorithm(), description);
      this.shape = shape;
    }

    @Override
    public MigrationShape shape(Config settings) {
      return shape;
    }
  }

  /** Xen's and QEMU's default: rounds while the guest runs, then the rest with the guest suspended. */
  public static final class PreCopy extends Fixed {
    public PreCopy() {
      super(new MigrationShape("pre-copy", true, FinalCopy.DIRTY_PAGES, false),
          "rounds of dirty pages while the guest runs, then a short stop-and-copy (Clark et al. 2005)");
    }
  }

  /** Resume at the destination at once; memory follows (Hines and Gopalan 2009). */
  public static final class PostCopy extends Fixed {
    public PostCopy() {
      super(new MigrationShape("post-copy", false, FinalCopy.STATE_ONLY, true),
          "CPU state first, the guest resumes at the destination and its pages are pushed after it");
    }
  }

  /** The non-live form: suspend, send everything, resume. */
  public static final class StopAndCopy extends Fixed {
    public StopAndCopy() {
      super(new MigrationShape("stop-and-copy", false, FinalCopy.ALL_MEMORY, false),
          "suspend the guest, send all its memory, resume it at the destination");
    }
  }
}
