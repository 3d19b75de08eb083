package dev.talon.queue.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talon.queue.Origin;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/*
 * Reads a policy tree from its JSON form into PolicyConfig records.
 *
 * Paths. Every error names the JSON path of the offending value from the document's root. The
 * reader checks shapes and types itself (a weight that is not a whole number, an unknown field);
 * the rules of the values themselves are the records' own, checked in their compact constructors
 * with paths relative to the record's node, which construct() re-roots under the node's path.
 * Nested nodes are read before their parent is constructed, so their errors already carry full
 * paths and are not re-rooted twice.
 */
final class ConfigReader {
  private static final Set<String> ALWAYS = Set.of("type", "classify");
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "fifo", Set.of(),
      "booked-first", Set.of(),
      "priority", Set.of("order"),
      "ratio", Set.of("weights"),
      "deficit", Set.of("weights"),
      "max-wait", Set.of("limit", "limits", "inner"),
      "booked-time", Set.of("lateLimit"),
      "deadline", Set.of("targets"),
      "desk-preferences", Set.of("desks", "inner"),
      "schedule", Set.of("steps"));

  private ConfigReader() {}

  /** The configuration of the node at {@code path}. */
  static PolicyConfig read(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new PolicyConfigException(path, "a policy must be a JSON object with a \"type\", was " + describe(node));
    }
    String type = text(required(node, "type", path), Validate.field(path, "type"));
    JsonNode classify = present(node.get("classify"));
    PolicyConfig base;
    if (FIELDS.containsKey(type)) {
      checkFields(node, path, type, FIELDS.get(type));
      base = builtIn(type, node, path);
    } else if (Providers.all().containsKey(type)) {
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      copy.remove("classify");
      base = construct(path, () -> new PolicyConfig.Custom(type, copy));
    } else {
      throw new PolicyConfigException(Validate.field(path, "type"), "unknown policy type \"" + type
          + "\"; known types are " + Providers.knownTypes());
    }
    return classify == null ? base : classify(classify, path, base);
  }

  private static PolicyConfig builtIn(String type, JsonNode n, String path) {
    switch (type) {
      case "fifo":
        return new PolicyConfig.Fifo();
      case "booked-first":
        return new PolicyConfig.BookedFirst();
      case "priority": {
        List<String> order = list(n.get("order"), Validate.field(path, "order"), ConfigReader::text);
        return construct(path, () -> new PolicyConfig.Priority(order));
      }
      case "ratio": {
        Map<String, Integer> weights = map(n.get("weights"), Validate.field(path, "weights"), ConfigReader::wholeNumber);
        return construct(path, () -> new PolicyConfig.Ratio(weights));
      }
      case "deficit": {
        Map<String, BigDecimal> weights = map(n.get("weights"), Validate.field(path, "weights"), ConfigReader::number);
        return construct(path, () -> new PolicyConfig.Deficit(weights));
      }
      case "max-wait": {
        Duration limit = duration(n.get("limit"), Validate.field(path, "limit"));
        JsonNode limitsNode = present(n.get("limits"));
        Map<String, Duration> limits = limitsNode == null ? Map.of()
            : map(limitsNode, Validate.field(path, "limits"), ConfigReader::duration);
        PolicyConfig inner = read(required(n, "inner", path), Validate.field(path, "inner"));
        return construct(path, () -> new PolicyConfig.MaxWait(limit, limits, inner));
      }
      case "booked-time": {
        JsonNode late = present(n.get("lateLimit"));
        Duration lateLimit = late == null ? PolicyConfig.BookedTime.DEFAULT_LATE_LIMIT
            : duration(late, Validate.field(path, "lateLimit"));
        return construct(path, () -> new PolicyConfig.BookedTime(lateLimit));
      }
      case "deadline": {
        Map<String, Duration> targets = map(n.get("targets"), Validate.field(path, "targets"), ConfigReader::duration);
        return construct(path, () -> new PolicyConfig.Deadline(targets));
      }
      case "desk-preferences": {
        Map<String, Map<String, DeskPreference>> desks = map(n.get("desks"), Validate.field(path, "desks"),
            (node, at) -> map(node, at, ConfigReader::preference));
        PolicyConfig inner = read(required(n, "inner", path), Validate.field(path, "inner"));
        return construct(path, () -> new PolicyConfig.DeskPreferences(desks, inner));
      }
      case "schedule": {
        List<PolicyConfig.Step> steps = list(n.get("steps"), Validate.field(path, "steps"), ConfigReader::step);
        return construct(path, () -> new PolicyConfig.Schedule(steps));
      }
      default:
        throw new IllegalStateException("no reader for built-in type " + type);
    }
  }

  private static PolicyConfig.Step step(JsonNode n, String path) {
    if (n == null || !n.isObject()) {
      throw new PolicyConfigException(path, "a schedule step must be a JSON object {\"from\": ..., \"policy\": ...}, was "
          + describe(n));
    }
    checkFields(n, path, "schedule step", Set.of("from", "policy"), Set.of());
    JsonNode fromNode = present(n.get("from"));
    Instant from = fromNode == null ? null : instant(fromNode, Validate.field(path, "from"));
    PolicyConfig policy = read(required(n, "policy", path), Validate.field(path, "policy"));
    return construct(path, () -> new PolicyConfig.Step(from, policy));
  }

  private static PolicyConfig classify(JsonNode n, String nodePath, PolicyConfig inner) {
    String path = Validate.field(nodePath, "classify");
    if (!n.isObject()) {
      throw new PolicyConfigException(path, "classification must be a JSON object {\"rules\": [...]}, was " + describe(n));
    }
    checkFields(n, path, "classify", Set.of("rules", "otherwise"), Set.of());
    List<PolicyConfig.Rule> rules = list(n.get("rules"), Validate.field(path, "rules"), ConfigReader::rule);
    JsonNode otherwiseNode = present(n.get("otherwise"));
    String otherwise = otherwiseNode == null ? null : text(otherwiseNode, Validate.field(path, "otherwise"));
    return construct(nodePath, () -> new PolicyConfig.Classify(rules, otherwise, inner));
  }

  private static PolicyConfig.Rule rule(JsonNode n, String path) {
    if (n == null || !n.isObject()) {
      throw new PolicyConfigException(path, "a rule must be a JSON object such as {\"categories\": [\"disabled\"], "
          + "\"line\": \"privileged\"}, was " + describe(n));
    }
    checkFields(n, path, "rule", Set.of("origins", "categories", "services", "late", "line"), Set.of());
    Set<Origin> origins = new LinkedHashSet<>(strings(n.get("origins"), Validate.field(path, "origins"), ConfigReader::origin));
    Set<String> categories = new LinkedHashSet<>(strings(n.get("categories"), Validate.field(path, "categories"), ConfigReader::text));
    Set<String> services = new LinkedHashSet<>(strings(n.get("services"), Validate.field(path, "services"), ConfigReader::text));
    JsonNode lateNode = present(n.get("late"));
    if (lateNode != null && !lateNode.isBoolean()) {
      throw new PolicyConfigException(Validate.field(path, "late"), "must be true or false, was " + describe(lateNode));
    }
    Boolean late = lateNode == null ? null : lateNode.booleanValue();
    String line = text(required(n, "line", path), Validate.field(path, "line"));
    return construct(path, () -> new PolicyConfig.Rule(origins, categories, services, late, line));
  }

  // ---------------------------------------------------------------- values

  private static <T> T construct(String path, Supplier<T> record) {
    try {
      return record.get();
    } catch (PolicyConfigException e) {
      throw e.under(path);
    }
  }

  private static void checkFields(JsonNode n, String path, String type, Set<String> allowed) {
    checkFields(n, path, "a " + type + " policy", allowed, ALWAYS);
  }

  private static void checkFields(JsonNode n, String path, String what, Set<String> allowed, Set<String> always) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f) && !always.contains(f)) {
        Set<String> known = new TreeSet<>(allowed);
        known.addAll(always);
        throw new PolicyConfigException(Validate.field(path, f), "unknown field \"" + f + "\"; " + what
            + " has the fields " + known);
      }
    }
  }

  /** The node, or null for an absent field or an explicit JSON null. */
  private static JsonNode present(JsonNode n) {
    return n == null || n.isNull() ? null : n;
  }

  private static JsonNode required(JsonNode obj, String field, String path) {
    JsonNode n = present(obj.get(field));
    if (n == null) {
      throw new PolicyConfigException(Validate.field(path, field), "is required");
    }
    return n;
  }

  static String text(JsonNode n, String path) {
    if (present(n) == null) {
      throw new PolicyConfigException(path, "is required");
    }
    if (!n.isTextual()) {
      throw new PolicyConfigException(path, "must be a string, was " + describe(n));
    }
    return n.textValue();
  }

  private static Integer wholeNumber(JsonNode n, String path) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new PolicyConfigException(path, "weight must be a whole number, was " + describe(n));
    }
    return n.intValue();
  }

  private static BigDecimal number(JsonNode n, String path) {
    if (n == null || !n.isNumber()) {
      throw new PolicyConfigException(path, "weight must be a number, was " + describe(n));
    }
    return n.decimalValue();
  }

  private static Duration duration(JsonNode n, String path) {
    return iso(n, path, Duration::parse, "duration such as \"PT45M\"");
  }

  private static Instant instant(JsonNode n, String path) {
    return iso(n, path, Instant::parse, "instant such as \"2026-03-02T10:00:00Z\"");
  }

  private static <T> T iso(JsonNode n, String path, java.util.function.Function<String, T> parse, String example) {
    String s = text(n, path);
    try {
      return parse.apply(s);
    } catch (DateTimeParseException e) {
      throw new PolicyConfigException(path, "must be an ISO-8601 " + example + ", was \"" + s + "\"");
    }
  }

  private static Origin origin(JsonNode n, String path) {
    String s = text(n, path);
    for (Origin o : Origin.values()) {
      if (o.name().equalsIgnoreCase(s.replace('-', '_'))) {
        return o;
      }
    }
    throw new PolicyConfigException(path, "unknown origin \"" + s + "\"; origins are [walk-in, booked, transferred, remote]");
  }

  private static DeskPreference preference(JsonNode n, String path) {
    String s = text(n, path);
    try {
      return DeskPreference.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new PolicyConfigException(path, "unknown desk preference \"" + s
          + "\"; preferences are [preferred, normal, leftovers, exclude]");
    }
  }

  private static <V> Map<String, V> map(JsonNode n, String path, BiFunction<JsonNode, String, V> value) {
    n = present(n);
    if (n == null) {
      throw new PolicyConfigException(path, "is required");
    }
    if (!n.isObject()) {
      throw new PolicyConfigException(path, "must be a JSON object, was " + describe(n));
    }
    Map<String, V> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), value.apply(e.getValue(), Validate.field(path, e.getKey())));
    }
    return out;
  }

  private static <V> List<V> list(JsonNode n, String path, BiFunction<JsonNode, String, V> value) {
    n = present(n);
    if (n == null) {
      throw new PolicyConfigException(path, "is required");
    }
    if (!n.isArray()) {
      throw new PolicyConfigException(path, "must be a JSON array, was " + describe(n));
    }
    List<V> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      out.add(value.apply(n.get(i), Validate.index(path, i)));
    }
    return out;
  }

  /** An optional list of strings that may also be written as one string. */
  private static <V> List<V> strings(JsonNode n, String path, BiFunction<JsonNode, String, V> value) {
    n = present(n);
    if (n == null) {
      return List.of();
    }
    return n.isTextual() ? List.of(value.apply(n, path)) : list(n, path, value);
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    String s = n.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
