package dev.talon.queue.policies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talon.queue.Origin;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration of a policy tree: one record per policy type, mirroring its JSON form field
 * for field. Every record validates itself in its compact constructor and throws
 * {@link PolicyConfigException} with a JSON path relative to its own node ({@code $.weights.booked});
 * {@link Policies#fromJson} re-roots the path to the whole document ({@code $.inner.weights.booked}).
 *
 * <p>Build a policy with {@link Policies#of(PolicyConfig)}, read one with
 * {@link Policies#parse(String)}, write one with {@link Policies#toJson(PolicyConfig)}.
 */
public sealed interface PolicyConfig {

  /**
   * The longest duration any policy takes (a wait limit, a service-level target, a late limit):
   * 365 days. Larger values are refused when the configuration is loaded, so that adding one to
   * a ticket's time can never overflow while the branch runs.
   */
  Duration MAX_DURATION = Duration.ofDays(365);

  /**
   * The most line classes one policy node may name (weights, ranks, limits or targets): 64.
   * Bounds the work of computing a policy's declared bypass bound and keeps that bound an int.
   */
  int MAX_CLASSES = 64;

  /** The JSON type name, e.g. {@code ratio}. */
  String type();

  /**
   * {@code {"type":"fifo"}}: first come, first served across every line a desk serves; the core's
   * {@link dev.talon.queue.spi.Policy#fifo()}.
   */
  record Fifo() implements PolicyConfig {
    @Override
    public String type() {
      return "fifo";
    }
  }

  /**
   * {@code {"type":"booked-first"}}: booked visitors who checked in on time before everyone else,
   * first come, first served among equals; the core's {@link dev.talon.queue.spi.Policy#bookedFirst()}.
   */
  record BookedFirst() implements PolicyConfig {
    @Override
    public String type() {
      return "booked-first";
    }
  }

  /**
   * {@code {"type":"priority","order":["privileged","booked","walk-in"]}}: strict priority in the
   * listed order.
   *
   * @param order line classes, highest priority first; at least two, no repeats
   */
  record Priority(List<String> order) implements PolicyConfig {
    public Priority {
      order = Validate.list("$.order", order);
      if (order.size() < 2) {
        throw new PolicyConfigException("$.order", "strict priority must rank at least 2 line classes, was " + order);
      }
      if (order.size() > MAX_CLASSES) {
        throw new PolicyConfigException("$.order", "strict priority must rank at most " + MAX_CLASSES
            + " line classes, was " + order.size());
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < order.size(); i++) {
        String at = Validate.index("$.order", i);
        Validate.name(at, "line class", order.get(i));
        if (!seen.add(order.get(i))) {
          throw new PolicyConfigException(at, "line class " + order.get(i) + " is ranked twice");
        }
      }
    }

    @Override
    public String type() {
      return "priority";
    }
  }

  /**
   * {@code {"type":"ratio","weights":{"booked":3,"privileged":1,"walk-in":1}}}: weighted round
   * robin over line classes with whole weights.
   *
   * @param weights calls per round of each line class, in JSON order (ties in the schedule go to
   *                the class listed first); each 1 to 1000, together at most 10000
   */
  record Ratio(Map<String, Integer> weights) implements PolicyConfig {
    /** The largest weight of one class. */
    public static final int MAX_WEIGHT = 1000;
    /** The largest sum of weights (the length of one round). */
    public static final int MAX_ROUND = 10_000;

    public Ratio {
      weights = Validate.classMap("$.weights", "a ratio", weights, (at, w) -> {
        if (w < 1) {
          throw new PolicyConfigException(at, "weight must be >= 1, was " + w);
        }
        if (w > MAX_WEIGHT) {
          throw new PolicyConfigException(at, "weight must be <= " + MAX_WEIGHT + ", was " + w);
        }
      });
      int total = weights.values().stream().mapToInt(Integer::intValue).sum();
      if (total > MAX_ROUND) {
        throw new PolicyConfigException("$.weights", "weights must add up to at most " + MAX_ROUND + ", was " + total);
      }
    }

    @Override
    public String type() {
      return "ratio";
    }
  }

  /**
   * {@code {"type":"deficit","weights":{"booked":2.5,"walk-in":1}}}: deficit round robin over line
   * classes, for fractional weights.
   *
   * @param weights the share of each line class, in JSON order; each 0.1 to 1000 with at most 3
   *                decimals (kept without trailing zeros)
   */
  record Deficit(Map<String, BigDecimal> weights) implements PolicyConfig {
    /** The smallest weight. */
    public static final BigDecimal MIN_WEIGHT = new BigDecimal("0.1");
    /** The largest weight. */
    public static final BigDecimal MAX_WEIGHT = new BigDecimal("1000");

    public Deficit {
      Map<String, BigDecimal> checked = Validate.classMap("$.weights", "a deficit ratio", weights, (at, w) -> {
        if (w.compareTo(MIN_WEIGHT) < 0 || w.compareTo(MAX_WEIGHT) > 0) {
          throw new PolicyConfigException(at, "weight must be between 0.1 and 1000, was " + Validate.shown(w));
        }
        if (w.stripTrailingZeros().scale() > 3) {
          throw new PolicyConfigException(at, "weight must have at most 3 decimals, was " + Validate.shown(w));
        }
      });
      Map<String, BigDecimal> normal = new LinkedHashMap<>();
      checked.forEach((k, w) -> normal.put(k, plain(w)));
      weights = Collections.unmodifiableMap(normal);
    }

    private static BigDecimal plain(BigDecimal w) {
      BigDecimal s = w.stripTrailingZeros();
      return s.scale() < 0 ? s.setScale(0) : s;
    }

    @Override
    public String type() {
      return "deficit";
    }
  }

  /**
   * {@code {"type":"max-wait","limit":"PT45M","limits":{"privileged":"PT15M"},"inner":{...}}}: a
   * ticket that has waited longer than its class's limit is called next; otherwise the inner
   * policy decides.
   *
   * @param limit  the limit of every line class not listed in {@code limits}; &gt; 0 and at most
   *               {@link #MAX_DURATION}
   * @param limits per-class limits (may be empty); each &gt; 0 and at most {@link #MAX_DURATION}
   * @param inner  the policy that decides while nobody is overdue
   */
  record MaxWait(Duration limit, Map<String, Duration> limits, PolicyConfig inner) implements PolicyConfig {
    public MaxWait {
      Validate.positive("$.limit", "the wait limit", limit);
      if (limits == null || limits.isEmpty()) {
        limits = Map.of();
      } else {
        limits = Validate.classMap("$.limits", "per-class limits", limits,
            (at, d) -> Validate.positive(at, "the wait limit", d));
      }
      Validate.required("$.inner", inner);
    }

    /** The limit of a line class. */
    public Duration limitOf(String lineClass) {
      return limits.getOrDefault(lineClass, limit);
    }

    @Override
    public String type() {
      return "max-wait";
    }
  }

  /**
   * {@code {"type":"booked-time","lateLimit":"PT15M"}}: a booked ticket counts as arriving at its
   * booked time and merges with walk-ins by that effective arrival.
   *
   * @param lateLimit a booked visitor checking in later than this after the booked start joins
   *                  the walk-in line instead; &gt;= 0 and at most {@link #MAX_DURATION}
   */
  record BookedTime(Duration lateLimit) implements PolicyConfig {
    /** The late limit when the configuration gives none. */
    public static final Duration DEFAULT_LATE_LIMIT = Duration.ofMinutes(15);

    public BookedTime {
      Validate.nonNegative("$.lateLimit", "the late limit", lateLimit);
    }

    @Override
    public String type() {
      return "booked-time";
    }
  }

  /**
   * {@code {"type":"deadline","targets":{"booked":"PT10M","walk-in":"PT45M"}}}: earliest deadline
   * first, a ticket's deadline being the start of its wait plus its class's service-level target.
   *
   * @param targets the target of each line class; each &gt;= 0 and at most {@link #MAX_DURATION}
   */
  record Deadline(Map<String, Duration> targets) implements PolicyConfig {
    public Deadline {
      targets = Validate.classMap("$.targets", "deadline targets", targets,
          (at, d) -> Validate.nonNegative(at, "the service-level target", d));
    }

    @Override
    public String type() {
      return "deadline";
    }
  }

  /**
   * {@code {"type":"desk-preferences","desks":{"4":{"id-docs":"preferred","tax":"leftovers"}},"inner":{...}}}:
   * each desk calls from its most preferred tier of services first; within a tier the inner
   * policy decides.
   *
   * @param desks per desk id, the preference of each service code; services not listed are
   *              {@link DeskPreference#NORMAL}
   * @param inner the policy that decides within a tier
   */
  record DeskPreferences(Map<String, Map<String, DeskPreference>> desks, PolicyConfig inner) implements PolicyConfig {
    public DeskPreferences {
      Validate.required("$.desks", desks);
      if (desks.isEmpty()) {
        throw new PolicyConfigException("$.desks", "desk preferences must name at least one desk, was empty");
      }
      Map<String, Map<String, DeskPreference>> copy = new LinkedHashMap<>();
      desks.forEach((desk, prefs) -> {
        String at = Validate.field("$.desks", String.valueOf(desk));
        Validate.name(at, "desk id", desk);
        Validate.required(at, prefs);
        if (prefs.isEmpty()) {
          throw new PolicyConfigException(at, "desk " + desk + " must list at least one service, was empty");
        }
        Map<String, DeskPreference> inner2 = new LinkedHashMap<>();
        prefs.forEach((service, p) -> {
          String sat = Validate.field(at, String.valueOf(service));
          Validate.name(sat, "service code", service);
          inner2.put(service, Validate.required(sat, p));
        });
        copy.put(desk, Collections.unmodifiableMap(inner2));
      });
      desks = Collections.unmodifiableMap(copy);
      Validate.required("$.inner", inner);
    }

    /** The preference of the desk for the service. */
    public DeskPreference preference(String desk, String service) {
      Map<String, DeskPreference> prefs = desks.get(desk);
      return prefs == null ? DeskPreference.NORMAL : prefs.getOrDefault(service, DeskPreference.NORMAL);
    }

    @Override
    public String type() {
      return "desk-preferences";
    }
  }

  /**
   * Classification rules on any policy node: in JSON the node's {@code "classify"} field,
   * {@code {"rules":[{"categories":["disabled","elderly"],"line":"privileged"}],"otherwise":null}}.
   * The first matching rule names the line class of a new ticket; when none matches, the class is
   * {@code otherwise}, or the inner policy's own classification when {@code otherwise} is null.
   *
   * @param rules     the rules in order; at least one
   * @param otherwise the line class when no rule matches, or null for the inner policy's choice
   * @param inner     the policy classified for (its type is the JSON node's type)
   */
  record Classify(List<Rule> rules, String otherwise, PolicyConfig inner) implements PolicyConfig {
    public Classify {
      rules = Validate.list("$.classify.rules", rules);
      if (rules.isEmpty()) {
        throw new PolicyConfigException("$.classify.rules", "classification needs at least one rule, was empty");
      }
      if (otherwise != null) {
        Validate.name("$.classify.otherwise", "line class", otherwise);
      }
      Validate.required("$", inner);
      if (inner instanceof Classify) {
        throw new PolicyConfigException("$.classify", "a node has one set of classification rules, was nested twice");
      }
    }

    @Override
    public String type() {
      return inner.type();
    }
  }

  /**
   * One classification rule: a ticket matches when every condition given matches (an empty set or
   * null means "any").
   *
   * @param origins    the ticket's origin is one of these
   * @param categories the ticket has at least one of these categories (e.g. {@code disabled})
   * @param services   the ticket's service is one of these
   * @param late       the booking checked in late ({@code true}) or not ({@code false})
   * @param line       the line class of a matching ticket
   */
  record Rule(Set<Origin> origins, Set<String> categories, Set<String> services, Boolean late, String line) {
    public Rule {
      origins = origins == null || origins.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(origins));
      categories = categories == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(categories));
      for (String c : categories) {
        if (c == null || c.isBlank()) {
          throw new PolicyConfigException("$.categories", "a category must not be blank, was " + categories);
        }
      }
      services = services == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(services));
      for (String s : services) {
        Validate.name("$.services", "service code", s);
      }
      Validate.name("$.line", "line class", line);
    }

    /** A rule sending tickets with any of the categories to the line. */
    public static Rule categories(String line, String... categories) {
      return new Rule(Set.of(), Set.of(categories), Set.of(), null, line);
    }

    /** A rule sending tickets of any of the origins to the line. */
    public static Rule origins(String line, Origin... origins) {
      return new Rule(Set.of(origins), Set.of(), Set.of(), null, line);
    }

    /** A rule sending tickets of any of the services to the line. */
    public static Rule services(String line, String... services) {
      return new Rule(Set.of(), Set.of(), Set.of(services), null, line);
    }
  }

  /**
   * {@code {"type":"schedule","steps":[{"policy":{...}},{"from":"2026-03-02T10:00:00Z","policy":{...}}]}}:
   * the policy in force changes at fixed instants. Because the steps are configuration, a branch
   * replays its history through exactly the policies that were in force; this is how a policy is
   * changed on a running branch (see {@link Policies#switchAt}).
   *
   * @param steps the first applies from the beginning (its {@code from} is null), each later one
   *              from its instant; instants strictly increase
   */
  record Schedule(List<Step> steps) implements PolicyConfig {
    public Schedule {
      steps = Validate.list("$.steps", steps);
      if (steps.isEmpty()) {
        throw new PolicyConfigException("$.steps", "a schedule needs at least one step, was empty");
      }
      if (steps.get(0).from() != null) {
        throw new PolicyConfigException("$.steps[0].from",
            "the first step applies from the beginning and takes no instant, was " + steps.get(0).from());
      }
      for (int i = 1; i < steps.size(); i++) {
        Instant from = steps.get(i).from();
        String at = Validate.index("$.steps", i) + ".from";
        Validate.required(at, from);
        Instant before = steps.get(i - 1).from();
        if (before != null && !from.isAfter(before)) {
          throw new PolicyConfigException(at, "steps must start at strictly increasing instants, was " + from
              + " after " + before);
        }
        if (steps.get(i).policy() instanceof Schedule) {
          throw new PolicyConfigException(Validate.index("$.steps", i) + ".policy", "a schedule cannot be nested in a schedule");
        }
      }
      if (steps.get(0).policy() instanceof Schedule) {
        throw new PolicyConfigException("$.steps[0].policy", "a schedule cannot be nested in a schedule");
      }
    }

    @Override
    public String type() {
      return "schedule";
    }
  }

  /**
   * One step of a {@link Schedule}.
   *
   * @param from   when it takes over; null for the first step
   * @param policy the policy in force from then on
   */
  record Step(Instant from, PolicyConfig policy) {
    public Step {
      Validate.required("$.policy", policy);
    }
  }

  /**
   * A policy of a third-party type, built by the {@link PolicyProvider} registered for
   * {@code type}. The configuration is kept as given (a private copy), with its {@code type}.
   *
   * @param type   the provider's type name
   * @param config the JSON object of the node, including {@code "type"}
   */
  record Custom(String type, JsonNode config) implements PolicyConfig {
    public Custom {
      if (type == null || type.isBlank()) {
        throw new PolicyConfigException("$.type", "a policy type must not be blank, was " + type);
      }
      Validate.required("$", config);
      if (!config.isObject() || !type.equals(config.path("type").asText(null))) {
        throw new PolicyConfigException("$", "a custom policy's configuration must be a JSON object with \"type\": \""
            + type + "\", was " + config);
      }
      config = config.deepCopy();
    }

    /** A copy of the node, so that the record stays immutable. */
    @Override
    public JsonNode config() {
      return config.deepCopy();
    }
  }
}
