package io.domsim.cli.chaos;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A variation as a cluster file of its own, for {@code domsim chaos --out}: every key the user's file or an
 * override sets, with the value the run saw (merged and resolved: includes and substitutions done), so
 * that {@code domsim run FILE} needs nothing else and builds the same cluster.
 */
public final class VariationFile {
  private VariationFile() {}

  /**
   * @param file the user's cluster file as parsed, unresolved (only which keys it sets is used)
   * @param overrides the user's {@code --set} overrides, then the variation's
   * @param settings the variation's merged, resolved {@code domsim} subtree ({@code ClusterSpec.settings()})
   * @param header comment lines, without the leading {@code #}
   */
  public static String render(Config file, List<String> overrides, Config settings, List<String> header) {
    // The keys the user wrote (a list or a substitution is one key), then those the overrides set.
    SortedSet<String> keys = new TreeSet<>();
    ConfigValue domsim = file.root().get("domsim");
    if (domsim instanceof ConfigObject object) {
      leaves(object, List.of(), keys);
    }
    for (String o : overrides) {
      List<String> path = ConfigUtil.splitPath(o.substring(0, o.indexOf('=')).strip());
      List<String> under = path.get(0).equals("domsim") ? path.subList(1, path.size()) : path;
      keys.add(under.isEmpty() ? "" : ConfigUtil.joinPath(under));
    }
    Config out = ConfigFactory.empty();
    for (String key : keys) {
      if (key.isEmpty()) {
        out = settings.atKey("domsim");
        break;
      }
      if (settings.hasPathOrNull(key) && !settings.getIsNull(key)) {
        out = out.withValue("domsim." + key, settings.getValue(key));
      }
    }
    StringBuilder text = new StringBuilder();
    header.forEach(line -> text.append("# ").append(line.replaceAll("\\R", " ")).append('\n'));
    text.append(out.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
        .setJson(false).setFormatted(true)));
    return text.toString();
  }

  private static void leaves(ConfigObject object, List<String> at, SortedSet<String> into) {
    for (var e : object.entrySet()) {
      List<String> path = new java.util.ArrayList<>(at);
      path.add(e.getKey());
      if (e.getValue() instanceof ConfigObject inner && !inner.isEmpty()) {
        leaves(inner, path, into);
      } else {
        into.add(ConfigUtil.joinPath(path));
      }
    }
  }
}
