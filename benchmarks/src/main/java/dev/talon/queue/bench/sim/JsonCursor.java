package dev.talon.queue.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A JSON value together with its path from the document root, so that every failure can say
 * where it is ({@code $.desks[2].services[0]}) and which rule it broke. Absent fields and
 * explicit {@code null}s are treated alike.
 */
final class JsonCursor {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final JsonNode node;
  private final String path;

  private JsonCursor(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  static JsonCursor root(JsonNode node) {
    return new JsonCursor(node, "$");
  }

  String path() {
    return path;
  }

  JsonNode node() {
    return node;
  }

  /** A failure at this value. */
  ScenarioException fail(String rule) {
    return new ScenarioException(path, rule);
  }

  private String child(String field) {
    return PLAIN_NAME.matcher(field).matches() ? path + "." + field : path + "['" + field + "']";
  }

  /** Checks that this is an object whose fields are all among {@code known}. */
  JsonCursor object(String... known) {
    if (!node.isObject()) {
      throw fail("must be an object, was " + describe(node));
    }
    List<String> allowed = List.of(known);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new ScenarioException(child(name), "unknown field; the known fields here are " + new TreeSet<>(allowed));
      }
    }
    return this;
  }

  /** The field, which must be present. */
  JsonCursor get(String field) {
    return opt(field).orElseThrow(() -> new ScenarioException(child(field), "is required"));
  }

  /** The field, if present and not null. */
  Optional<JsonCursor> opt(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(new JsonCursor(v, child(field)));
  }

  /** The elements of this array; {@code nonEmpty} makes an empty array a failure. */
  List<JsonCursor> elements(boolean nonEmpty) {
    if (!node.isArray()) {
      throw fail("must be an array, was " + describe(node));
    }
    if (nonEmpty && node.isEmpty()) {
      throw fail("must not be empty");
    }
    List<JsonCursor> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new JsonCursor(node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /** The elements of this array, at most {@code max} of them. */
  List<JsonCursor> elements(boolean nonEmpty, int max) {
    List<JsonCursor> out = elements(nonEmpty);
    if (out.size() > max) {
      throw fail("must have at most " + max + " elements, was " + out.size());
    }
    return out;
  }

  /** The fields of this object in document order. */
  Map<String, JsonCursor> fields() {
    if (!node.isObject()) {
      throw fail("must be an object, was " + describe(node));
    }
    Map<String, JsonCursor> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), new JsonCursor(e.getValue(), child(e.getKey()))));
    return out;
  }

  String text() {
    if (!node.isTextual()) {
      throw fail("must be a string, was " + describe(node));
    }
    return node.textValue();
  }

  double number() {
    if (!node.isNumber()) {
      throw fail("must be a number, was " + describe(node));
    }
    return node.doubleValue();
  }

  /** A number within {@code [min, max]}. */
  double number(double min, double max) {
    double v = number();
    if (v < min || v > max) {
      throw fail("must be between " + format(min) + " and " + format(max) + ", was " + format(v));
    }
    return v;
  }

  long integer(long min, long max) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw fail("must be a whole number, was " + describe(node));
    }
    long v = node.longValue();
    if (v < min || v > max) {
      throw fail("must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  static String describe(JsonNode n) {
    String text = n.toString();
    return (text.length() > 60 ? text.substring(0, 57) + "..." : text) + " (" + n.getNodeType().name().toLowerCase() + ")";
  }

  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
