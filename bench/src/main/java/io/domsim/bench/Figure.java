package io.domsim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A figure read from a run's report.json: an arithmetic expression ({@code + - * /}, parentheses, numbers) over
 * report fields named by path, such as {@code migrations[0].bytes_transferred / 1e6} or {@code
 * migrations[0].total_time_s / migrations[1].total_time_s}. A path is field names joined by dots, each
 * optionally indexed ({@code nodes[2].energy_joules}) or, in an array of objects, selecting the one element whose
 * field has a value ({@code guests[name=kb-pv].cpu_seconds}: a row about a named guest does not depend on the
 * report's order). Parsed once ({@link #parse}), evaluated per report.
 */
public final class Figure {
  /** One node of the expression tree. */
  private sealed interface Node permits Num, Path, Neg, Bin {}

  private record Num(double value) implements Node {}

  /** Field names, each with what it picks from an array: nothing, an index, or the element with a field's value. */
  private record Path(String text, List<String> names, List<Pick> picks) implements Node {}

  /** What a path step takes from the array it names. */
  private sealed interface Pick permits Whole, At, Where {}

  /** The field itself (not an array step). */
  private record Whole() implements Pick {}

  private record At(int index) implements Pick {}

  /** The one element whose {@code field} is {@code value} (as text). */
  private record Where(String field, String value) implements Pick {}

  private record Neg(Node of) implements Node {}

  private record Bin(char op, Node left, Node right) implements Node {}

  private final String text;
  private final Node root;

  private Figure(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  /**
   * @throws IllegalArgumentException naming where {@code text} is not an expression of numbers and paths
   */
  public static Figure parse(String text) {
    Parser p = new Parser(text);
    Node root = p.expression();
    p.skipSpace();
    if (p.at < text.length()) {
      throw p.error("an operator or the end");
    }
    return new Figure(text, root);
  }

  public String text() {
    return text;
  }

  /**
   * The figure in {@code report}.
   *
   * @throws IllegalArgumentException naming the path that is missing or not a number
   */
  public double in(JsonNode report) {
    return eval(root, report);
  }

  private static double eval(Node n, JsonNode report) {
    if (n instanceof Num num) {
      return num.value();
    }
    if (n instanceof Neg neg) {
      return -eval(neg.of(), report);
    }
    if (n instanceof Bin b) {
      double l = eval(b.left(), report);
      double r = eval(b.right(), report);
      return switch (b.op()) {
        case '+' -> l + r;
        case '-' -> l - r;
        case '*' -> l * r;
        default -> l / r;
      };
    }
    Path p = (Path) n;
    JsonNode at = report;
    for (int i = 0; i < p.names().size(); i++) {
      at = at.path(p.names().get(i));
      if (p.picks().get(i) instanceof At a) {
        at = at.path(a.index());
      } else if (p.picks().get(i) instanceof Where w) {
        at = select(at, w, p.text());
      }
    }
    if (!at.isNumber()) {
      throw new IllegalArgumentException(p.text() + " is " + (at.isMissingNode() ? "not in the report"
          : at.isNull() ? "null in the report" : "not a number in the report (" + at + ")"));
    }
    return at.asDouble();
  }

  /** The one element of {@code array} whose field {@code w.field()} has the text {@code w.value()}. */
  private static JsonNode select(JsonNode array, Where w, String path) {
    JsonNode found = MissingNode.getInstance();
    int matches = 0;
    for (JsonNode element : array) {
      JsonNode v = element.path(w.field());
      if (v.isValueNode() && v.asText().equals(w.value())) {
        found = element;
        matches++;
      }
    }
    if (matches > 1) {
      throw new IllegalArgumentException(path + ": " + matches + " elements have " + w.field() + " = " + w.value()
          + " in the report; select by a field that is unique");
    }
    return found;
  }

  /** Recursive descent: expression = term {(+|-) term}; term = factor {(*|/) factor}. */
  private static final class Parser {
    private final String s;
    private int at;

    Parser(String s) {
      this.s = s;
    }

    Node expression() {
      Node left = term();
      for (skipSpace(); at < s.length() && (s.charAt(at) == '+' || s.charAt(at) == '-'); skipSpace()) {
        char op = s.charAt(at++);
        left = new Bin(op, left, term());
      }
      return left;
    }

    Node term() {
      Node left = factor();
      for (skipSpace(); at < s.length() && (s.charAt(at) == '*' || s.charAt(at) == '/'); skipSpace()) {
        char op = s.charAt(at++);
        left = new Bin(op, left, factor());
      }
      return left;
    }

    Node factor() {
      skipSpace();
      if (at >= s.length()) {
        throw error("a number, a report field or '('");
      }
      char c = s.charAt(at);
      if (c == '-') {
        at++;
        return new Neg(factor());
      }
      if (c == '(') {
        at++;
        Node inner = expression();
        skipSpace();
        if (at >= s.length() || s.charAt(at) != ')') {
          throw error("')'");
        }
        at++;
        return inner;
      }
      if (Character.isDigit(c) || c == '.') {
        int start = at;
        while (at < s.length() && (Character.isDigit(s.charAt(at)) || s.charAt(at) == '.' || exponent(at)
            || ((s.charAt(at) == '-' || s.charAt(at) == '+') && exponent(at - 1)))) {
          at++;
        }
        try {
          return new Num(Double.parseDouble(s.substring(start, at)));
        } catch (NumberFormatException e) {
          at = start;
          throw error("a number");
        }
      }
      if (Character.isLetter(c) || c == '_') {
        return path();
      }
      throw error("a number, a report field or '('");
    }

    private Node path() {
      int start = at;
      List<String> names = new ArrayList<>();
      List<Pick> picks = new ArrayList<>();
      while (true) {
        int nameStart = at;
        while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')) {
          at++;
        }
        if (at == nameStart) {
          throw error("a field name");
        }
        names.add(s.substring(nameStart, at));
        Pick pick = new Whole();
        if (at < s.length() && s.charAt(at) == '[') {
          int close = s.indexOf(']', at);
          if (close < 0) {
            throw error("']'");
          }
          String inside = s.substring(at + 1, close).trim();
          int eq = inside.indexOf('=');
          if (eq > 0 && inside.substring(0, eq).trim().matches("[A-Za-z_][A-Za-z0-9_]*")
              && !inside.substring(eq + 1).trim().isEmpty()) {
            pick = new Where(inside.substring(0, eq).trim(), inside.substring(eq + 1).trim());
          } else {
            try {
              pick = new At(Integer.parseInt(inside));
            } catch (NumberFormatException e) {
              throw error("an index such as [0] or a selection such as [name=web-1]");
            }
          }
          at = close + 1;
        }
        picks.add(pick);
        if (at < s.length() && s.charAt(at) == '.') {
          at++;
          continue;
        }
        break;
      }
      return new Path(s.substring(start, at), List.copyOf(names), List.copyOf(picks));
    }

    private boolean exponent(int i) {
      return s.charAt(i) == 'e' || s.charAt(i) == 'E';
    }

    void skipSpace() {
      while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
        at++;
      }
    }

    IllegalArgumentException error(String expected) {
      return new IllegalArgumentException(String.format(Locale.ROOT, "\"%s\": expected %s at character %d", s,
          expected, at + 1));
    }
  }
}
