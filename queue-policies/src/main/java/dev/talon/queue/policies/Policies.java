package dev.talon.queue.policies;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import dev.talon.queue.InvalidConfigurationException;
import dev.talon.queue.spi.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy library: a static factory for every built-in policy, and the JSON form of a policy
 * tree.
 *
 * <pre>{@code
 * Policy<?> policy = Policies.fromJson("""
 *     {"type": "max-wait", "limit": "PT45M",
 *      "inner": {"type": "ratio", "weights": {"booked": 3, "privileged": 1, "walk-in": 1},
 *                "classify": {"rules": [{"categories": ["disabled", "elderly", "pregnant", "veteran"],
 *                                        "line": "privileged"}]}}}
 *     """);
 * Branch branch = Talon.newBranch("almaty-1").service("id-docs", "A", "ID documents")
 *     .desk("4", "id-docs").policy(policy).build();
 * }</pre>
 *
 * <table>
 * <caption>The built-in policies</caption>
 * <tr><th>type</th><th>factory</th><th>rule</th><th>declared bypass</th></tr>
 * <tr><td>{@code fifo}</td><td>{@link #fifo()}</td><td>earliest-joined head</td><td>0</td></tr>
 * <tr><td>{@code booked-first}</td><td>{@link #bookedFirst()}</td><td>booked on time, then earliest-joined head</td><td>unbounded</td></tr>
 * <tr><td>{@code priority}</td><td>{@link #priority}</td><td>highest-ranked class first</td><td>unbounded</td></tr>
 * <tr><td>{@code ratio}</td><td>{@link #ratio}</td><td>weighted round robin, per desk</td>
 *     <td>longest run of other classes in the round (3 for 3:1)</td></tr>
 * <tr><td>{@code deficit}</td><td>{@link #deficit}</td><td>deficit round robin, fractional weights</td>
 *     <td>max over c of ceil(1/w(c)) &times; &sum;<sub>x&ne;c</sub> floor(w(x) + 0.999)</td></tr>
 * <tr><td>{@code max-wait}</td><td>{@link #maxWait}</td><td>overdue heads first, else inner</td>
 *     <td>inner's with one limit; unbounded with per-class limits</td></tr>
 * <tr><td>{@code booked-time}</td><td>{@link #bookedTime}</td><td>booked count as arriving at their time</td><td>unbounded</td></tr>
 * <tr><td>{@code deadline}</td><td>{@link #deadline}</td><td>earliest start + class target</td><td>unbounded</td></tr>
 * <tr><td>{@code desk-preferences}</td><td>{@link #deskPreferences}</td><td>best tier of services, then inner</td>
 *     <td>inner's when all normal; else unbounded</td></tr>
 * <tr><td>{@code schedule}</td><td>{@link #switchAt}</td><td>the step in force at the call</td>
 *     <td>the step's when one; else unbounded</td></tr>
 * </table>
 *
 * <p>The bypass bound is counted per turn, as the package documentation defines. Every node of a
 * tree may carry classification rules ({@link #classify}; {@code "classify"} in JSON). Policies of
 * third-party types come from {@link PolicyProvider}s. A policy built here knows its configuration
 * ({@link #configOf}), so a tree can be written back as JSON ({@link #toJson(Policy)}).
 *
 * <p>Validation. Every value is checked where it is given (a weight of 0 fails at once). Whether
 * the weights, ranks and targets cover every line class the classification produces is a
 * property of the whole tree: it is checked by {@link #of}, {@link #fromJson} and
 * {@link #classify}, which see the tree's classification. The other factory methods build the
 * tree from the inside out and cannot know the rules that will wrap it; a line of a class without
 * a weight, rank or target is served by each policy's fallback (documented with it).
 */
public final class Policies {
  private static final PolicyConfig VALIDATION_ONLY = new PolicyConfig.Fifo();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Policies.class);

  private Policies() {}

  // ---------------------------------------------------------------- the built-in policies

  /** First come, first served across every line a desk serves. Bound 0. The same policy as {@link Policy#fifo()}. */
  public static Policy<?> fifo() {
    return Policy.fifo();
  }

  /**
   * Booked visitors who checked in on time first, then everyone else; first come, first served
   * among equals. Bound: unbounded. The same policy as {@link Policy#bookedFirst()}.
   */
  public static Policy<?> bookedFirst() {
    return Policy.bookedFirst();
  }

  /**
   * Strict priority: the desk calls from the highest-ranked line class with a waiting ticket.
   * Bound: unbounded (a lower class waits while higher ones keep arriving).
   *
   * @param order line classes, highest first; they must cover every class the classification
   *              produces (by default {@code booked} and {@code walk-in})
   */
  public static Policy<?> priority(String... order) {
    return new PriorityPolicy(new PolicyConfig.Priority(List.of(order)));
  }

  /**
   * Weighted round robin over line classes with whole weights, e.g. 3 booked : 1 walk-in. Each
   * desk follows its own interleaved round; classes with nothing waiting are passed over without
   * banking their turn. Bound: the longest run of other classes' slots in the round (3 for 3:1,
   * 4 for 3:1:1).
   *
   * @param weights calls per round of each line class; iteration order breaks ties, so pass a
   *                {@link LinkedHashMap} (or {@code Map.of} for one order or another)
   */
  public static Policy<?> ratio(Map<String, Integer> weights) {
    return new RatioPolicy(new PolicyConfig.Ratio(weights));
  }

  /**
   * Deficit round robin over line classes, for fractional weights, e.g. 2.5 booked : 1 walk-in.
   * Bound: the largest, over classes c, of ceil(1 / w(c)) times the sum over the other classes x
   * of floor(w(x) + 0.999); for whole weights the same as {@link #ratio}'s worst class.
   *
   * @param weights the share of each line class (0.1 to 1000, at most 3 decimals)
   */
  public static Policy<?> deficit(Map<String, ? extends Number> weights) {
    Map<String, BigDecimal> exact = new LinkedHashMap<>();
    weights.forEach((k, v) -> exact.put(k, v == null ? null : new BigDecimal(v.toString())));
    return new DeficitPolicy(new PolicyConfig.Deficit(exact));
  }

  /**
   * Maximum-wait escalation around {@code inner}: while a head has waited longer than
   * {@code limit}, the desk calls in join order (the most overdue first); otherwise {@code inner}
   * decides. Bound: {@code inner}'s.
   */
  public static Policy<?> maxWait(Duration limit, Policy<?> inner) {
    return maxWait(limit, Map.of(), inner);
  }

  /**
   * Maximum-wait escalation with per-class limits: the most overdue head (earliest issue + its
   * class's limit) is called first. Bound: {@code inner}'s when every limit is the same; otherwise
   * unbounded (a class with a shorter limit overtakes within the difference).
   */
  public static Policy<?> maxWait(Duration limit, Map<String, Duration> limits, Policy<?> inner) {
    PolicyConfig.MaxWait c = new PolicyConfig.MaxWait(limit, limits, innerOf(inner));
    return new MaxWaitPolicy(c.limit(), c.limits(), inner);
  }

  /**
   * Booked-time interleave: a booked ticket counts as arriving at its booked start and merges
   * with walk-ins by that effective arrival; a booked visitor checking in more than
   * {@code lateLimit} after the start joins the walk-in line. Bound: unbounded.
   */
  public static Policy<?> bookedTime(Duration lateLimit) {
    return new BookedTimePolicy(new PolicyConfig.BookedTime(lateLimit));
  }

  /**
   * Earliest deadline first, a deadline being the start of the wait plus the class's
   * service-level target. Bound: unbounded in count; nobody arriving more than (largest target -
   * smallest target) after a ticket is called before it.
   */
  public static Policy<?> deadline(Map<String, Duration> targets) {
    return new DeadlinePolicy(new PolicyConfig.Deadline(targets));
  }

  /**
   * Desk preferences around {@code inner}: each desk calls from its best tier of services that
   * has a waiting ticket. Bound: {@code inner}'s when every preference is normal, else unbounded.
   *
   * @param desks per desk id, the preference of each service code (unlisted: normal)
   */
  public static Policy<?> deskPreferences(Map<String, Map<String, DeskPreference>> desks, Policy<?> inner) {
    PolicyConfig.DeskPreferences c = new PolicyConfig.DeskPreferences(desks, innerOf(inner));
    return new DeskPreferencesPolicy(c.desks(), inner);
  }

  /**
   * Classification rules in front of {@code inner}: the first matching rule names a new ticket's
   * line class; when none matches, {@code otherwise} does, or {@code inner}'s own classification
   * when {@code otherwise} is null.
   *
   * @throws PolicyConfigException when a class the rules can produce has no weight, rank or
   *         target in {@code inner}'s tree
   */
  public static Policy<?> classify(List<PolicyConfig.Rule> rules, String otherwise, Policy<?> inner) {
    if (inner instanceof ClassifiedPolicy) {
      throw new PolicyConfigException("$.classify", "a node has one set of classification rules, was nested twice");
    }
    PolicyConfig.Classify c = new PolicyConfig.Classify(rules, otherwise, innerOf(inner));
    return checked(new ClassifiedPolicy(c.rules(), c.otherwise(), inner));
  }

  /**
   * The policy of a running branch changed from {@code from} on: a {@link PolicyConfig.Schedule}
   * with {@code next} appended (or made of {@code current} and {@code next}). Reopen the branch on
   * its store with the result (and keep its JSON with the branch's configuration): the history up
   * to {@code from} replays through the old steps, later calls go to {@code next}, and every
   * waiting ticket stays in its line.
   *
   * @param current the policy the branch runs now (built by this class)
   * @param from    when the new policy takes over; after every step already in the schedule
   * @param next    the new policy
   */
  public static Policy<?> switchAt(Policy<?> current, Instant from, PolicyConfig next) {
    PolicyConfig now = configOf(current);
    List<PolicyConfig.Step> steps = new ArrayList<>();
    if (now instanceof PolicyConfig.Schedule s) {
      steps.addAll(s.steps());
    } else {
      steps.add(new PolicyConfig.Step(null, now));
    }
    steps.add(new PolicyConfig.Step(from, next));
    return of(new PolicyConfig.Schedule(steps));
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Builds the policy tree a configuration describes.
   *
   * @throws PolicyConfigException when it breaks a rule, e.g. a line class the classification
   *         produces without a weight; the path is relative to {@code config}'s node
   */
  public static Policy<?> of(PolicyConfig config) {
    if (config == null) {
      throw new PolicyConfigException("$", "a policy configuration is required, was null");
    }
    return checked(build(config, "$"));
  }

  /** Reads a policy tree's configuration from JSON without building it. */
  public static PolicyConfig parse(String json) {
    return parse(parseTree(json));
  }

  /** Reads JSON into a tree, with the errors of a configuration (also for the calendar's JSON). */
  static JsonNode parseTree(String json) {
    if (json == null) {
      throw new PolicyConfigException("$", "a configuration is required, was null");
    }
    JsonNode node;
    try (JsonParser parser = ConfigWriter.MAPPER.createParser(json)) {
      try {
        node = ConfigWriter.MAPPER.readTree(parser);
      } catch (NumberFormatException e) {
        // A number JSON allows but a BigDecimal cannot hold (an exponent beyond 32 bits).
        throw new PolicyConfigException(pathOf(parser.getParsingContext()),
            "a number's exponent must fit in 32 bits, was " + shorten(parser.getText()));
      }
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      String why = e.getOriginalMessage();
      int cut = why.indexOf(" (start marker at");
      why = cut > 0 ? why.substring(0, cut) : why;
      cut = why.indexOf('\n');
      throw new PolicyConfigException("$", "malformed JSON" + where + ": " + (cut > 0 ? why.substring(0, cut) : why));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a policy configuration from a string failed", e);
    }
    return node;
  }

  /** The JSON path of the value the parser stands on, e.g. {@code $.inner.weights.booked}. */
  private static String pathOf(JsonStreamContext context) {
    List<JsonStreamContext> chain = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      chain.add(0, c);
    }
    String path = "$";
    for (JsonStreamContext c : chain) {
      if (c.inArray()) {
        path = Validate.index(path, Math.max(0, c.getCurrentIndex()));
      } else if (c.getCurrentName() != null) {
        path = Validate.field(path, c.getCurrentName());
      }
    }
    return path;
  }

  private static String shorten(String s) {
    return s == null ? "nothing" : s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** Reads a policy tree's configuration from a JSON node without building it. */
  public static PolicyConfig parse(JsonNode json) {
    return ConfigReader.read(json, "$");
  }

  /**
   * Builds a policy tree from JSON, e.g.
   * {@code {"type":"max-wait","limit":"PT45M","inner":{"type":"ratio","weights":{"booked":3,"walk-in":1}}}}.
   *
   * @throws PolicyConfigException naming the JSON path and the rule broken, e.g.
   *         {@code $.inner.weights.booked: weight must be >= 1, was 0}; an unknown type lists the
   *         known ones
   */
  public static Policy<?> fromJson(String json) {
    return of(parse(json));
  }

  /** Builds a policy tree from a JSON node; see {@link #fromJson(String)}. */
  public static Policy<?> fromJson(JsonNode json) {
    return of(parse(json));
  }

  /**
   * The configuration of a policy built by this class or through a {@link PolicyProvider}.
   *
   * @throws InvalidConfigurationException for any other policy (it has no JSON form)
   */
  public static PolicyConfig configOf(Policy<?> policy) {
    if (policy == null) {
      throw new InvalidConfigurationException("policy must not be null");
    }
    return Configured.configOf(policy);
  }

  /** The compact JSON form of a policy tree; {@link #fromJson(String)} reads it back. */
  public static String toJson(Policy<?> policy) {
    return toJson(configOf(policy));
  }

  /** The compact JSON form of a configuration. */
  public static String toJson(PolicyConfig config) {
    try {
      return ConfigWriter.MAPPER.writeValueAsString(toJsonNode(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a policy configuration could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON form of a configuration as a tree. */
  public static JsonNode toJsonNode(PolicyConfig config) {
    return ConfigWriter.write(config);
  }

  /** Every policy type usable in JSON: the built-in ones and those of registered providers. */
  public static Set<String> types() {
    return Providers.knownTypes();
  }

  // ---------------------------------------------------------------- building

  private static PolicyConfig innerOf(Policy<?> inner) {
    if (inner == null) {
      throw new PolicyConfigException("$.inner", "is required");
    }
    return VALIDATION_ONLY;
  }

  /**
   * Checks the tree's class-aware settings against its classification, as a root; logs a warning
   * for each class with a setting that nothing produces (see {@link #unusedClasses}).
   */
  private static Policy<?> checked(Policy<?> root) {
    List<String> unused = new ArrayList<>();
    Configured.checkClasses(root, Configured.classesOf(root), "$", unused);
    for (String note : unused) {
      LOG.warn("policy configuration: {} (accepted; that class's line never forms)", note);
    }
    return root;
  }

  /**
   * The line classes a policy tree gives a weight, rank or target although its classification
   * never produces them, one note per class naming its JSON path, e.g.
   * {@code $.order: line class vip has a rank but no classification rule produces it; the classes
   * produced are [booked, walk-in]}. Such a configuration is accepted ({@link #fromJson} logs each
   * note as a warning when it loads it): the setting is simply never used. It is usually a typing
   * mistake or a forgotten {@code "classify"} rule, so a tool that edits configurations should
   * show these notes. Empty for a policy not built by this class.
   */
  public static List<String> unusedClasses(Policy<?> policy) {
    List<String> unused = new ArrayList<>();
    Configured.checkClasses(policy, Configured.classesOf(policy), "$", unused);
    return List.copyOf(unused);
  }

  static Policy<?> build(PolicyConfig c, String path) {
    if (c instanceof PolicyConfig.Fifo) {
      return Policy.fifo();
    } else if (c instanceof PolicyConfig.BookedFirst) {
      return Policy.bookedFirst();
    } else if (c instanceof PolicyConfig.Priority p) {
      return new PriorityPolicy(p);
    } else if (c instanceof PolicyConfig.Ratio r) {
      return new RatioPolicy(r);
    } else if (c instanceof PolicyConfig.Deficit d) {
      return new DeficitPolicy(d);
    } else if (c instanceof PolicyConfig.MaxWait m) {
      return new MaxWaitPolicy(m.limit(), m.limits(), build(m.inner(), path + ".inner"));
    } else if (c instanceof PolicyConfig.BookedTime b) {
      return new BookedTimePolicy(b);
    } else if (c instanceof PolicyConfig.Deadline d) {
      return new DeadlinePolicy(d);
    } else if (c instanceof PolicyConfig.DeskPreferences d) {
      return new DeskPreferencesPolicy(d.desks(), build(d.inner(), path + ".inner"));
    } else if (c instanceof PolicyConfig.Classify k) {
      return new ClassifiedPolicy(k.rules(), k.otherwise(), build(k.inner(), path));
    } else if (c instanceof PolicyConfig.Schedule s) {
      List<Instant> from = new ArrayList<>();
      List<Policy<?>> steps = new ArrayList<>();
      for (int i = 0; i < s.steps().size(); i++) {
        from.add(s.steps().get(i).from());
        steps.add(build(s.steps().get(i).policy(), path + ".steps[" + i + "].policy"));
      }
      return new SchedulePolicy(from, steps);
    } else if (c instanceof PolicyConfig.Custom x) {
      return provided(x, path);
    }
    throw new IllegalStateException("no builder for " + c);
  }

  private static Policy<?> provided(PolicyConfig.Custom x, String path) {
    PolicyProvider provider = Providers.all().get(x.type());
    if (provider == null) {
      throw new PolicyConfigException(path + ".type", "unknown policy type \"" + x.type() + "\"; known types are "
          + Providers.knownTypes());
    }
    Policy<?> made;
    try {
      made = provider.create(x.config(), path, (node, at) -> build(ConfigReader.read(node, at), at));
    } catch (PolicyConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PolicyConfigException(path, "policy provider " + provider.getClass().getName() + " for type "
          + x.type() + " failed: " + e);
    }
    if (made == null) {
      throw new PolicyConfigException(path, "policy provider " + provider.getClass().getName() + " for type "
          + x.type() + " created no policy");
    }
    return new ProvidedPolicy(x, made);
  }
}
