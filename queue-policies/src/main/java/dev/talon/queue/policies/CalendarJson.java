package dev.talon.queue.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talon.queue.CapacityRule;
import dev.talon.queue.Channel;
import dev.talon.queue.ChannelQuota;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.OpeningCalendar;
import dev.talon.queue.TimeRange;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON form of a branch's booking calendar: opening hours per day of the week with dated
 * exceptions, and a capacity schedule. Errors name the JSON path of the offending value, as the
 * policies' do ({@link PolicyConfigException}), e.g. {@code $.week.MONDAY[1]: a time range reads
 * "HH:mm-HH:mm", was "9-13"}.
 *
 * <pre>{@code
 * {
 *   "week": {"MONDAY": ["09:00-13:00", "14:00-20:00"], "SATURDAY": ["09:00-13:00"]},
 *   "exceptions": {"2026-03-04": [], "2026-03-14": ["09:00-16:00"]},
 *   "capacity": [
 *     {"service": "docs", "days": ["MONDAY", "TUESDAY"], "hours": "14:00-20:00", "places": 4},
 *     {"service": "docs", "date": "2026-03-05", "hours": "09:00-12:00", "places": 1}
 *   ],
 *   "quotas": [
 *     {"service": "docs", "percent": {"WEB": 60, "CALL_CENTRE": 20, "COUNTER": 20}, "releaseBefore": "PT24H"}
 *   ]
 * }
 * }</pre>
 *
 * A quota's {@code releaseBefore} is an ISO-8601 duration (absent: never released); see
 * {@link ChannelQuota} for the rule.
 *
 * {@code "WEEKDAYS"} names Monday to Friday at once; {@code "24:00"} ends a range at midnight.
 */
public final class CalendarJson {
  private CalendarJson() {}

  /** The opening calendar of a JSON document ({@code week} and {@code exceptions}). */
  public static OpeningCalendar hours(String json) {
    return hours(Policies.parseTree(json));
  }

  /** The opening calendar of a JSON node ({@code week} and {@code exceptions}). */
  public static OpeningCalendar hours(JsonNode root) {
    object(root, "$");
    known(root, "$", Set.of("week", "exceptions", "capacity", "quotas"));
    EnumMap<DayOfWeek, List<TimeRange>> week = new EnumMap<>(DayOfWeek.class);
    JsonNode w = root.get("week");
    if (w != null) {
      object(w, "$.week");
      for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = Validate.field("$.week", e.getKey());
        List<TimeRange> ranges = ranges(e.getValue(), path);
        for (DayOfWeek d : days(e.getKey(), path)) {
          if (week.put(d, ranges) != null) {
            throw new PolicyConfigException(path, d + " is given twice");
          }
        }
      }
    }
    TreeMap<LocalDate, List<TimeRange>> exceptions = new TreeMap<>();
    JsonNode x = root.get("exceptions");
    if (x != null) {
      object(x, "$.exceptions");
      for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = Validate.field("$.exceptions", e.getKey());
        exceptions.put(date(e.getKey(), path), ranges(e.getValue(), path));
      }
    }
    return new OpeningCalendar(week, exceptions);
  }

  /** The capacity schedule of a JSON document (its {@code capacity} array; none: empty). */
  public static List<CapacityRule> capacity(String json) {
    return capacity(Policies.parseTree(json));
  }

  /** The capacity schedule of a JSON node (its {@code capacity} array; none: empty). */
  public static List<CapacityRule> capacity(JsonNode root) {
    object(root, "$");
    JsonNode c = root.get("capacity");
    List<CapacityRule> rules = new ArrayList<>();
    if (c == null) {
      return rules;
    }
    if (!c.isArray()) {
      throw new PolicyConfigException("$.capacity", "must be an array of capacity rules, was " + c.getNodeType());
    }
    for (int i = 0; i < c.size(); i++) {
      String path = Validate.index("$.capacity", i);
      JsonNode r = c.get(i);
      object(r, path);
      known(r, path, Set.of("service", "days", "date", "hours", "places"));
      JsonNode service = r.get("service");
      if (service == null || !service.isTextual()) {
        throw new PolicyConfigException(path + ".service", "a capacity rule must name a service");
      }
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      JsonNode d = r.get("days");
      if (d != null) {
        if (!d.isArray()) {
          throw new PolicyConfigException(path + ".days", "must be an array of days of the week");
        }
        for (int k = 0; k < d.size(); k++) {
          days.addAll(days(d.get(k).asText(), Validate.index(path + ".days", k)));
        }
      }
      LocalDate date = r.hasNonNull("date") ? date(r.get("date").asText(), path + ".date") : null;
      if (date != null && !days.isEmpty()) {
        throw new PolicyConfigException(path, "a capacity rule gives days of the week or a date, not both");
      }
      JsonNode hours = r.get("hours");
      if (hours == null) {
        throw new PolicyConfigException(path + ".hours", "a capacity rule must give its hours, e.g. \"14:00-18:00\"");
      }
      JsonNode places = r.get("places");
      if (places == null || !places.canConvertToInt() || !places.isIntegralNumber() || places.intValue() < 0) {
        throw new PolicyConfigException(path + ".places", "places must be a whole number >= 0, was " + places);
      }
      rules.add(new CapacityRule(service.asText(), days, date, range(hours, path + ".hours"), places.intValue()));
    }
    return rules;
  }

  /** The channel quotas of a JSON document (its {@code quotas} array; none: empty). */
  public static List<ChannelQuota> quotas(String json) {
    return quotas(Policies.parseTree(json));
  }

  /** The channel quotas of a JSON node (its {@code quotas} array; none: empty). */
  public static List<ChannelQuota> quotas(JsonNode root) {
    object(root, "$");
    JsonNode q = root.get("quotas");
    List<ChannelQuota> out = new ArrayList<>();
    if (q == null) {
      return out;
    }
    if (!q.isArray()) {
      throw new PolicyConfigException("$.quotas", "must be an array of channel quotas, was " + q.getNodeType());
    }
    for (int i = 0; i < q.size(); i++) {
      String path = Validate.index("$.quotas", i);
      JsonNode r = q.get(i);
      object(r, path);
      known(r, path, Set.of("service", "percent", "releaseBefore"));
      JsonNode service = r.get("service");
      if (service == null || !service.isTextual()) {
        throw new PolicyConfigException(path + ".service", "a channel quota must name a service");
      }
      JsonNode percent = r.get("percent");
      object(percent, path + ".percent");
      EnumMap<Channel, Integer> shares = new EnumMap<>(Channel.class);
      for (Iterator<Map.Entry<String, JsonNode>> it = percent.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = Validate.field(path + ".percent", e.getKey());
        Channel channel;
        try {
          channel = Channel.valueOf(e.getKey());
        } catch (IllegalArgumentException bad) {
          throw new PolicyConfigException(at, "unknown channel; channels are " + List.of(Channel.values()));
        }
        JsonNode v = e.getValue();
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() > 100) {
          throw new PolicyConfigException(at, "a share is a whole percentage from 0 to 100, was " + v);
        }
        shares.put(channel, v.intValue());
      }
      Duration release = Duration.ZERO;
      JsonNode rb = r.get("releaseBefore");
      if (rb != null) {
        try {
          release = Duration.parse(rb.asText());
        } catch (DateTimeParseException bad) {
          throw new PolicyConfigException(path + ".releaseBefore", "an ISO-8601 duration such as \"PT24H\", was " + rb);
        }
      }
      try {
        out.add(new ChannelQuota(service.asText(), shares, release));
      } catch (InvalidConfigurationException bad) {
        throw new PolicyConfigException(path, bad.getMessage());
      }
    }
    return out;
  }

  /** The JSON form of a calendar ({@code week} and {@code exceptions}); {@link #hours(String)} reads it back. */
  public static String toJson(OpeningCalendar calendar) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode week = root.putObject("week");
    calendar.week().forEach((day, ranges) -> write(week.putArray(day.name()), ranges));
    ObjectNode x = root.putObject("exceptions");
    calendar.exceptions().forEach((date, ranges) -> write(x.putArray(date.toString()), ranges));
    return root.toString();
  }

  private static void write(ArrayNode out, List<TimeRange> ranges) {
    for (TimeRange r : ranges) {
      out.add(r.from() + "-" + (r.to().equals(LocalTime.MAX) ? "24:00" : r.to().toString()));
    }
  }

  private static List<TimeRange> ranges(JsonNode node, String path) {
    if (!node.isArray()) {
      throw new PolicyConfigException(path, "must be an array of time ranges (empty: closed), was " + node.getNodeType());
    }
    List<TimeRange> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(range(node.get(i), Validate.index(path, i)));
    }
    try {
      return OpeningCalendar.checked(path, out);
    } catch (InvalidConfigurationException e) {
      throw new PolicyConfigException(path, e.getMessage());
    }
  }

  private static TimeRange range(JsonNode node, String path) {
    String text = node.isTextual() ? node.asText() : null;
    int dash = text == null ? -1 : text.indexOf('-');
    if (dash < 0) {
      throw new PolicyConfigException(path, "a time range reads \"HH:mm-HH:mm\", was " + node);
    }
    try {
      return TimeRange.of(text.substring(0, dash).strip(), text.substring(dash + 1).strip());
    } catch (InvalidConfigurationException e) {
      throw new PolicyConfigException(path, "a time range reads \"HH:mm-HH:mm\" and starts before it ends, was "
          + node);
    }
  }

  private static Set<DayOfWeek> days(String name, String path) {
    if ("WEEKDAYS".equalsIgnoreCase(name)) {
      return EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    }
    try {
      return EnumSet.of(DayOfWeek.valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new PolicyConfigException(path, "a day of the week (MONDAY ... SUNDAY, or WEEKDAYS), was \"" + name + '"');
    }
  }

  private static LocalDate date(String text, String path) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new PolicyConfigException(path, "a date reads YYYY-MM-DD, was \"" + text + '"');
    }
  }

  private static void object(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new PolicyConfigException(path, "must be a JSON object, was " + (node == null ? "missing" : node.getNodeType()));
    }
  }

  private static void known(JsonNode node, String path, Set<String> fields) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new PolicyConfigException(Validate.field(path, f), "unknown field; known fields are "
            + fields.stream().sorted().toList());
      }
    }
  }
}
