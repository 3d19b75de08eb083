package dev.talon.queue.bench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.talon.queue.AdmissionMode;
import dev.talon.queue.CapacityRule;
import dev.talon.queue.OpeningCalendar;
import dev.talon.queue.TimeRange;
import dev.talon.queue.bench.sim.Scenario.CalendarSpec;
import dev.talon.queue.bench.sim.Scenario.CitizenSpec;
import dev.talon.queue.policies.CalendarJson;
import dev.talon.queue.policies.PolicyConfigException;
import java.time.DayOfWeek;
import dev.talon.queue.Desk;
import dev.talon.queue.LateArrival;
import dev.talon.queue.Limits;
import dev.talon.queue.QueueException;
import dev.talon.queue.Service;
import dev.talon.queue.bench.sim.Scenario.AfterClosing;
import dev.talon.queue.bench.sim.Scenario.BookingSpec;
import dev.talon.queue.bench.sim.Scenario.Change;
import dev.talon.queue.bench.sim.Scenario.DeskSpec;
import dev.talon.queue.bench.sim.Scenario.PolicySpec;
import dev.talon.queue.bench.sim.Scenario.RateStep;
import dev.talon.queue.bench.sim.Scenario.ServiceSpec;
import dev.talon.queue.bench.sim.Scenario.VisitorSpec;
import dev.talon.queue.spi.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads scenario files: JSON (comments allowed, duplicate keys refused) into a validated
 * {@link Scenario}. Every rule is checked here, before anything runs, and a broken one fails with
 * a {@link ScenarioException} naming the file, the JSON path and the rule; unknown fields are
 * refused too, so that a misspelt setting does not silently fall back to its default.
 */
public final class ScenarioReader {
  /** The scenario the command line runs when given none. */
  public static final String DEFAULT_SCENARIO = "booking-dropped-morning";

  /** The scenarios shipped in the jar, under {@code /scenarios/<name>.json}. */
  public static final List<String> BUNDLED = List.of("booking-dropped-morning", "booking-only-day", "calendar-week",
      "mmc-validation");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
  private static final int DAY_MINUTES = 24 * 60;

  /*
   * Bounds. Every value has one, and the values are checked together, so that whatever is
   * accepted runs to its end in bounded time and memory without overflowing the simulated clock
   * (nanoseconds in a long, about 292 years).
   */
  /** Any time a scenario gives (a distribution's parameter, a recall delay): one day, either way. */
  static final double MAX_MINUTES = DAY_MINUTES;
  /** The most visitors one run may expect (arrivals per hour × opening hours × days, all services). */
  static final long MAX_VISITORS = 1_000_000;
  /** How long the desks may stay busy after the last closing, by the expected work of a service. */
  static final double MAX_OVERTIME_MINUTES = 7 * DAY_MINUTES;
  /** The most queue-length samples of one run. */
  static final long MAX_SAMPLES = 10_000;
  static final int MAX_SERVICES = 50;
  static final int MAX_DESKS = 500;
  static final int MAX_CHANGES = 200;
  static final int MAX_POLICIES = 20;
  static final int MAX_CATEGORIES = 50;
  static final LocalDate FIRST_DATE = LocalDate.of(1900, 1, 1);
  static final LocalDate LAST_DATE = LocalDate.of(2999, 12, 31);

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final PolicyResolver policies;

  /** A reader that resolves policies with {@code policies}. */
  public ScenarioReader(PolicyResolver policies) {
    this.policies = policies;
  }

  /**
   * Reads the scenario file at {@code pathOrName}, or the bundled scenario of that name when no such
   * file exists.
   */
  public Scenario load(String pathOrName) {
    Path file = Path.of(pathOrName);
    if (Files.isRegularFile(file)) {
      return read(file);
    }
    if (BUNDLED.contains(pathOrName)) {
      return bundled(pathOrName);
    }
    throw new ScenarioException("$", "no scenario file " + file.toAbsolutePath() + " and no bundled scenario named \""
        + pathOrName + "\"; the bundled ones are " + BUNDLED).in(pathOrName);
  }

  /** Reads a scenario file. */
  public Scenario read(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    return parse(json, file.toString());
  }

  /** Reads a bundled scenario by name (see {@link #BUNDLED}). */
  public Scenario bundled(String name) {
    try (InputStream in = ScenarioReader.class.getResourceAsStream("/scenarios/" + name + ".json")) {
      if (in == null || !BUNDLED.contains(name)) {
        throw new ScenarioException("$", "no bundled scenario named \"" + name + "\"; the bundled ones are " + BUNDLED)
            .in(name);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled:" + name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled scenario " + name, e);
    }
  }

  /** Parses scenario JSON; {@code source} names it in error messages. */
  public Scenario parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new ScenarioException("$", "is not valid JSON"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
          + e.getOriginalMessage()).in(source);
    }
    if (root == null || root.isMissingNode()) {
      throw new ScenarioException("$", "is empty; a scenario is a JSON object").in(source);
    }
    try {
      return scenario(JsonCursor.root(root));
    } catch (ScenarioException e) {
      throw e.in(source);
    }
  }

  // ---------------------------------------------------------------- the document

  private Scenario scenario(JsonCursor c) {
    c.object("name", "description", "seed", "zone", "date", "days", "hours", "afterClosing", "warmUpMinutes",
        "admissionMode", "limits", "windowMinutes", "recallAfterMinutes", "services", "desks", "visitors", "changes",
        "policies", "report", "calendar");
    JsonCursor nameAt = c.get("name");
    String name = nameAt.text();
    if (!NAME.matcher(name).matches()) {
      throw nameAt.fail("must be 1 to 64 letters, digits, '-' or '_' starting with a letter or digit (it names the"
          + " report directory), was \"" + name + "\"");
    }
    String description = c.opt("description").map(JsonCursor::text).orElse("");
    long seed = c.opt("seed").map(s -> s.integer(Long.MIN_VALUE, Long.MAX_VALUE)).orElse(1L);
    ZoneId zone = c.opt("zone").map(ScenarioReader::zone).orElse(ZoneId.of("UTC"));
    LocalDate date = c.opt("date").map(ScenarioReader::date).orElse(LocalDate.of(2026, 1, 5));
    int days = c.opt("days").map(d -> (int) d.integer(1, 366)).orElse(1);

    JsonCursor hours = c.get("hours").object("opens", "closes");
    LocalTime opens = time(hours.get("opens"));
    JsonCursor closesAt = hours.get("closes");
    int closes = "24:00".equals(closesAt.node().asText()) ? DAY_MINUTES : minuteOfDay(time(closesAt));
    if (closes <= minuteOfDay(opens)) {
      throw closesAt.fail("the branch must close after it opens at " + opens + ", was " + closesAt.node().asText());
    }
    int opensMinute = minuteOfDay(opens);
    double spanMinutes = (days - 1) * (double) DAY_MINUTES + closes - opensMinute;

    AfterClosing afterClosing = c.opt("afterClosing")
        .map(a -> choice(a, Map.of("serve-waiting", AfterClosing.SERVE_WAITING, "send-home", AfterClosing.SEND_HOME)))
        .orElse(AfterClosing.SERVE_WAITING);
    double warmUp = c.opt("warmUpMinutes").map(w -> w.number(0, spanMinutes - 1)).orElse(0.0);
    AdmissionMode mode = c.opt("admissionMode").map(ScenarioReader::mode).orElse(AdmissionMode.MIXED);
    int window = c.opt("windowMinutes").map(w -> (int) w.integer(1, DAY_MINUTES)).orElse(15);
    if (DAY_MINUTES % window != 0) {
      throw c.get("windowMinutes").fail("slot windows must divide the day evenly (1440 minutes), was " + window);
    }
    Limits limits = c.opt("limits").map(ScenarioReader::limits).orElse(Limits.defaults());
    double recallAfter = c.opt("recallAfterMinutes").map(ScenarioReader::positiveMinutes).orElse(1.0);

    List<ServiceSpec> services = services(c.get("services"), opensMinute, closes);
    List<DeskSpec> desks = desks(c.get("desks"), services);
    VisitorSpec visitors = c.opt("visitors").map(ScenarioReader::visitors)
        .orElse(new VisitorSpec(new Distribution.Fixed(0), null, null, 0, new Distribution.Fixed(0), Map.of()));
    List<Change> changes = c.opt("changes").map(ch -> changes(ch, desks, opensMinute, closes)).orElse(List.of());
    List<PolicySpec> policySpecs = policies(c.get("policies"));

    double onTime = 10;
    double sample = 0; // chosen from the length of the day
    double serviceLevel = 30;
    if (c.opt("report").isPresent()) {
      JsonCursor report = c.get("report").object("onTimeMinutes", "sampleMinutes", "serviceLevelMinutes");
      onTime = report.opt("onTimeMinutes").map(o -> o.number(0, DAY_MINUTES)).orElse(onTime);
      sample = report.opt("sampleMinutes").map(s -> s.number(0.1, spanMinutes)).orElse(sample);
      serviceLevel = report.opt("serviceLevelMinutes").map(s -> s.number(0, DAY_MINUTES)).orElse(serviceLevel);
    }
    CalendarSpec calendar = c.opt("calendar").map(k -> calendar(k, opensMinute, closes, services)).orElse(null);
    Scenario scenario = new Scenario(name, description, seed, zone, date, days, opens, closes, afterClosing, warmUp,
        mode, limits, window, recallAfter, services, desks, visitors, changes, policySpecs, onTime, sample,
        serviceLevel, calendar);
    checkRun(scenario);
    return scenario;
  }

  private static List<ServiceSpec> services(JsonCursor c, int opens, int closes) {
    List<ServiceSpec> out = new ArrayList<>();
    Map<String, String> codes = new HashMap<>();
    Map<String, String> prefixes = new HashMap<>();
    for (JsonCursor s : c.elements(true, MAX_SERVICES)) {
      s.object("code", "prefix", "name", "serviceMinutes", "arrivalsPerHour", "booking");
      String code = s.get("code").text();
      String prefix = s.get("prefix").text();
      String label = s.opt("name").map(JsonCursor::text).orElse(code);
      try {
        new Service(code, prefix, label);
      } catch (QueueException e) {
        throw s.fail(e.getMessage());
      }
      String firstCode = codes.putIfAbsent(code, s.path());
      if (firstCode != null) {
        throw s.get("code").fail("service codes must be unique; \"" + code + "\" is also used at " + firstCode);
      }
      String firstPrefix = prefixes.putIfAbsent(prefix, s.path());
      if (firstPrefix != null) {
        throw s.get("prefix").fail("ticket prefixes must be unique so that board numbers never collide; \"" + prefix
            + "\" is also used at " + firstPrefix);
      }
      Distribution serviceTime = nonNegative(s.get("serviceMinutes"));
      if (!(serviceTime.mean() > 0)) {
        throw s.get("serviceMinutes").fail("the mean service time must be > 0, was " + serviceTime.mean());
      }
      List<RateStep> steps = new ArrayList<>();
      TreeMap<Integer, RateStep> byTime = new TreeMap<>();
      for (Map.Entry<String, JsonCursor> e : s.get("arrivalsPerHour").fields().entrySet()) {
        LocalTime from = parseTime(e.getValue(), e.getKey());
        int m = minuteOfDay(from);
        if (m < opens || m >= closes) {
          throw e.getValue().fail("a rate must start within opening hours " + hhmm(opens) + "–" + hhmm(closes)
              + ", was at " + e.getKey());
        }
        byTime.put(m, new RateStep(from, e.getValue().number(0, 1_000_000)));
      }
      steps.addAll(byTime.values());
      BookingSpec booking = s.opt("booking").map(ScenarioReader::booking).orElse(null);
      out.add(new ServiceSpec(code, prefix, label, serviceTime, steps, booking));
    }
    return out;
  }

  /** The longest hold or offer time, in minutes: the booking night must fit a hold and an offer. */
  static final double MAX_HOLD_MINUTES = 240;

  /**
   * The booking calendar: the hours and capacity in {@link CalendarJson}'s form (read by it, its
   * JSON paths put under {@code $.calendar}), every range within the scenario's {@code hours}, and
   * every capacity rule for a service that books.
   */
  private static CalendarSpec calendar(JsonCursor c, int opens, int closes, List<ServiceSpec> services) {
    c.object("week", "exceptions", "capacity", "holdMinutes", "offerMinutes", "citizens");
    ObjectNode own = JsonNodeFactory.instance.objectNode();
    for (String f : List.of("week", "exceptions", "capacity")) {
      if (c.node().has(f)) {
        own.set(f, c.node().get(f));
      }
    }
    OpeningCalendar hours;
    List<CapacityRule> capacity;
    try {
      hours = CalendarJson.hours(own);
      capacity = CalendarJson.capacity(own);
    } catch (PolicyConfigException e) {
      PolicyConfigException at = e.under(c.path());
      throw new ScenarioException(at.path(), at.rule());
    } catch (QueueException e) {
      throw c.fail(e.getMessage());
    }
    hours.week().forEach((day, ranges) -> withinHours(c.get("week"), weekKey(c.get("week"), day), ranges, opens,
        closes));
    hours.exceptions().forEach((date, ranges) -> withinHours(c.get("exceptions"), date.toString(), ranges, opens,
        closes));
    if (hours.week().isEmpty()) {
      throw c.fail("a calendar must open on some day of the week (\"week\"), was closed every day");
    }
    Set<String> booking = new TreeSet<>();
    services.stream().filter(s -> s.booking() != null).forEach(s -> booking.add(s.code()));
    if (booking.isEmpty()) {
      throw c.fail("a calendar needs a service that takes bookings (a \"booking\" in $.services)");
    }
    for (int i = 0; i < capacity.size(); i++) {
      if (!booking.contains(capacity.get(i).service())) {
        throw c.get("capacity").elements(false).get(i).get("service").fail("a capacity rule must name a service that"
            + " takes bookings " + booking + ", was \"" + capacity.get(i).service() + "\"");
      }
    }
    double hold = c.opt("holdMinutes").map(h -> h.number(1, MAX_HOLD_MINUTES)).orElse(20.0);
    double offer = c.opt("offerMinutes").map(h -> h.number(1, MAX_HOLD_MINUTES)).orElse(30.0);
    if (opens < 2 * (hold + offer)) {
      JsonCursor at = c.opt("holdMinutes").orElse(c);
      throw at.fail("visitors book in the night before the doors open, which must last at least twice a hold and an"
          + " offer (" + JsonCursor.format(2 * (hold + offer)) + " minutes); the branch opens at " + hhmm(opens)
          + ": open later or shorten the hold (" + JsonCursor.format(hold) + ") or the offer ("
          + JsonCursor.format(offer) + ")");
    }
    CitizenSpec citizens = c.opt("citizens").map(ScenarioReader::citizens)
        .orElse(new CitizenSpec(new Distribution.Fixed(5), 0, 0, 0, 0, new Distribution.Fixed(5)));
    return new CalendarSpec(hours, capacity, hold, offer, citizens, own.toString());
  }

  /** The key of {@code week} that gave this day its ranges: its own name, or WEEKDAYS. */
  private static String weekKey(JsonCursor week, DayOfWeek day) {
    return week.node().has(day.name()) ? day.name() : "WEEKDAYS";
  }

  private static void withinHours(JsonCursor parent, String key, List<TimeRange> ranges, int opens, int closes) {
    for (TimeRange r : ranges) {
      int from = minuteOfDay(r.from());
      int to = r.to().equals(LocalTime.MAX) ? DAY_MINUTES : minuteOfDay(r.to());
      if (from < opens || to > closes) {
        throw parent.get(key).fail("the calendar's ranges must lie within the scenario's hours " + hhmm(opens) + "–"
            + hhmm(closes) + " (arrivals and changes follow those), was " + hhmm(from) + "–" + hhmm(to));
      }
    }
  }

  private static CitizenSpec citizens(JsonCursor c) {
    c.object("formMinutes", "abandonShare", "cancelShare", "waitlistShare", "acceptShare", "acceptMinutes");
    return new CitizenSpec(
        c.opt("formMinutes").map(ScenarioReader::nonNegative).orElse(new Distribution.Fixed(5)),
        c.opt("abandonShare").map(s -> s.number(0, 1)).orElse(0.0),
        c.opt("cancelShare").map(s -> s.number(0, 1)).orElse(0.0),
        c.opt("waitlistShare").map(s -> s.number(0, 1)).orElse(0.0),
        c.opt("acceptShare").map(s -> s.number(0, 1)).orElse(0.0),
        c.opt("acceptMinutes").map(ScenarioReader::nonNegative).orElse(new Distribution.Fixed(5)));
  }

  private static BookingSpec booking(JsonCursor b) {
    b.object("share", "capacityPerWindow", "showUp");
    return new BookingSpec(b.get("share").number(0, 1), (int) b.get("capacityPerWindow").integer(1, 100_000),
        b.opt("showUp").map(s -> s.number(0, 1)).orElse(1.0));
  }

  private static List<DeskSpec> desks(JsonCursor c, List<ServiceSpec> services) {
    Set<String> known = new TreeSet<>();
    services.forEach(s -> known.add(s.code()));
    List<DeskSpec> out = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    Set<String> served = new HashSet<>();
    for (JsonCursor d : c.elements(true, MAX_DESKS)) {
      d.object("id", "services");
      String id = d.get("id").text();
      List<String> serves = new ArrayList<>();
      for (JsonCursor s : d.get("services").elements(true)) {
        String code = s.text();
        if (!known.contains(code)) {
          throw s.fail("unknown service \"" + code + "\"; the services are " + known);
        }
        if (serves.contains(code)) {
          throw s.fail("service \"" + code + "\" is listed twice");
        }
        serves.add(code);
      }
      try {
        new Desk(id, Set.copyOf(serves));
      } catch (QueueException e) {
        throw d.fail(e.getMessage());
      }
      String first = ids.putIfAbsent(id, d.path());
      if (first != null) {
        throw d.get("id").fail("desk ids must be unique; \"" + id + "\" is also used at " + first);
      }
      served.addAll(serves);
      out.add(new DeskSpec(id, serves));
    }
    for (int i = 0; i < services.size(); i++) {
      ServiceSpec s = services.get(i);
      boolean demand = s.arrivals().stream().anyMatch(r -> r.perHour() > 0);
      if (demand && !served.contains(s.code())) {
        throw new ScenarioException("$.services[" + i + "]", "service \"" + s.code()
            + "\" has arrivals but no desk serves it; its visitors would wait forever");
      }
    }
    return out;
  }

  private static VisitorSpec visitors(JsonCursor v) {
    v.object("bookedArrivalMinutes", "patienceMinutes", "cancelShare", "walkToDeskMinutes", "categories");
    Distribution bookedArrival = v.opt("bookedArrivalMinutes").map(ScenarioReader::distribution)
        .orElse(new Distribution.Fixed(0));
    Distribution walkInPatience = null;
    Distribution bookedPatience = null;
    if (v.opt("patienceMinutes").isPresent()) {
      JsonCursor p = v.get("patienceMinutes").object("walk-in", "booked");
      walkInPatience = p.opt("walk-in").map(ScenarioReader::nonNegative).orElse(null);
      bookedPatience = p.opt("booked").map(ScenarioReader::nonNegative).orElse(null);
    }
    double cancelShare = v.opt("cancelShare").map(s -> s.number(0, 1)).orElse(0.0);
    Distribution walk = v.opt("walkToDeskMinutes").map(ScenarioReader::nonNegative).orElse(new Distribution.Fixed(0));
    Map<String, Double> categories = new TreeMap<>();
    if (v.opt("categories").isPresent()) {
      Map<String, JsonCursor> fields = v.get("categories").fields();
      if (fields.size() > MAX_CATEGORIES) {
        throw v.get("categories").fail("must name at most " + MAX_CATEGORIES + " categories, was " + fields.size());
      }
      for (Map.Entry<String, JsonCursor> e : fields.entrySet()) {
        if (e.getKey().isBlank()) {
          throw e.getValue().fail("a category name must not be blank");
        }
        categories.put(e.getKey(), e.getValue().number(0, 1));
      }
    }
    return new VisitorSpec(bookedArrival, walkInPatience, bookedPatience, cancelShare, walk, categories);
  }

  private static List<Change> changes(JsonCursor c, List<DeskSpec> desks, int opens, int closes) {
    Set<String> known = new TreeSet<>();
    desks.forEach(d -> known.add(d.id()));
    List<Change> out = new ArrayList<>();
    int last = -1;
    String lastPath = null;
    for (JsonCursor ch : c.elements(false, MAX_CHANGES)) {
      ch.object("at", "admissionMode", "closeDesks", "openDesks");
      JsonCursor atCursor = ch.get("at");
      LocalTime at = time(atCursor);
      int m = minuteOfDay(at);
      if (m < opens || m >= closes) {
        throw atCursor.fail("a change must happen within opening hours " + hhmm(opens) + "–" + hhmm(closes)
            + ", was at " + at);
      }
      if (m < last) {
        throw atCursor.fail("changes must be listed in time order; " + at + " comes after " + hhmm(last) + " at "
            + lastPath);
      }
      last = m;
      lastPath = atCursor.path();
      AdmissionMode mode = ch.opt("admissionMode").map(ScenarioReader::mode).orElse(null);
      List<String> close = deskIds(ch.opt("closeDesks"), known);
      List<String> open = deskIds(ch.opt("openDesks"), known);
      for (String id : close) {
        if (open.contains(id)) {
          throw ch.get("openDesks").fail("desk \"" + id + "\" cannot be closed and opened by the same change");
        }
      }
      if (mode == null && close.isEmpty() && open.isEmpty()) {
        throw ch.fail("a change must set \"admissionMode\", \"closeDesks\" or \"openDesks\"");
      }
      out.add(new Change(at, mode, close, open));
    }
    return out;
  }

  private static List<String> deskIds(Optional<JsonCursor> list, Set<String> known) {
    List<String> out = new ArrayList<>();
    if (list.isEmpty()) {
      return out;
    }
    for (JsonCursor d : list.get().elements(true)) {
      String id = d.text();
      if (!known.contains(id)) {
        throw d.fail("unknown desk \"" + id + "\"; the desks are " + known);
      }
      out.add(id);
    }
    return out;
  }

  private List<PolicySpec> policies(JsonCursor c) {
    List<PolicySpec> out = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (JsonCursor p : c.elements(true, MAX_POLICIES)) {
      if (!p.node().isObject()) {
        throw p.fail("a policy must be an object such as {\"type\":\"fifo\"}, was " + JsonCursor.describe(p.node()));
      }
      ObjectNode spec = ((ObjectNode) p.node()).deepCopy();
      JsonNode labelNode = spec.remove("label");
      Policy<?> policy;
      try {
        policy = policies.resolve(spec);
      } catch (ScenarioException e) {
        throw e;
      } catch (RuntimeException e) {
        throw p.fail(e.getMessage() == null ? e.toString() : e.getMessage());
      }
      if (policy == null) {
        throw p.fail("the policy resolver returned no policy for " + spec);
      }
      String label = policy.name();
      if (labelNode != null) {
        label = p.get("label").text();
        if (label.isBlank()) {
          throw p.get("label").fail("a policy label must not be blank");
        }
      }
      String first = labels.putIfAbsent(label, p.path());
      if (first != null) {
        throw p.fail("policy labels must be unique; \"" + label + "\" is also used at " + first
            + " (give one of them a \"label\")");
      }
      out.add(new PolicySpec(label, policy, spec.toString()));
    }
    return out;
  }

  // ---------------------------------------------------------------- values

  /**
   * A distribution: a number (always that value) or an object with a {@code type} and its
   * parameters, e.g. {@code {"type":"lognormal","mean":9,"sd":4}}.
   */
  static Distribution distribution(JsonCursor c) {
    if (c.node().isNumber()) {
      return new Distribution.Fixed(timeMinutes(c));
    }
    if (!c.node().isObject() || c.opt("type").isEmpty()) {
      throw c.fail("a distribution is a number or an object with a \"type\" (" + String.join(", ", DISTRIBUTIONS.keySet())
          + "), was " + JsonCursor.describe(c.node()));
    }
    String type = c.get("type").text();
    Function<JsonCursor, Distribution> parser = DISTRIBUTIONS.get(type);
    if (parser == null) {
      throw c.get("type").fail("unknown distribution type \"" + type + "\"; the known types are " + DISTRIBUTIONS.keySet());
    }
    return parser.apply(c);
  }

  private static final Map<String, Function<JsonCursor, Distribution>> DISTRIBUTIONS = distributions();

  private static Map<String, Function<JsonCursor, Distribution>> distributions() {
    Map<String, Function<JsonCursor, Distribution>> m = new TreeMap<>();
    m.put("fixed", c -> new Distribution.Fixed(timeMinutes(c.object("type", "value").get("value"))));
    m.put("exponential", c -> new Distribution.Exponential(positiveMinutes(c.object("type", "mean").get("mean"))));
    m.put("uniform", c -> {
      c.object("type", "min", "max");
      double min = timeMinutes(c.get("min"));
      double max = timeMinutes(c.get("max"));
      if (max < min) {
        throw c.get("max").fail("max must be >= min " + JsonCursor.format(min) + ", was " + JsonCursor.format(max));
      }
      return new Distribution.Uniform(min, max);
    });
    m.put("normal", c -> {
      c.object("type", "mean", "sd", "min", "max");
      double min = c.opt("min").map(ScenarioReader::timeMinutes).orElse(Double.NEGATIVE_INFINITY);
      double max = c.opt("max").map(ScenarioReader::timeMinutes).orElse(Double.POSITIVE_INFINITY);
      if (max < min) {
        throw c.get("max").fail("max must be >= min " + JsonCursor.format(min) + ", was " + JsonCursor.format(max));
      }
      return new Distribution.Normal(timeMinutes(c.get("mean")), spread(c.get("sd")), min, max);
    });
    m.put("lognormal", c -> {
      c.object("type", "mean", "sd");
      return new Distribution.LogNormal(positiveMinutes(c.get("mean")), spread(c.get("sd")));
    });
    m.put("triangular", c -> {
      c.object("type", "min", "mode", "max");
      double min = timeMinutes(c.get("min"));
      double mode = timeMinutes(c.get("mode"));
      double max = timeMinutes(c.get("max"));
      if (!(min <= mode && mode <= max && min < max)) {
        throw c.fail("a triangular distribution needs min <= mode <= max and min < max, was "
            + JsonCursor.format(min) + ", " + JsonCursor.format(mode) + ", " + JsonCursor.format(max));
      }
      return new Distribution.Triangular(min, mode, max);
    });
    return m;
  }

  /** A time in minutes within one day either way: a parameter of a distribution. */
  private static double timeMinutes(JsonCursor c) {
    double v = c.number();
    if (!(v >= -MAX_MINUTES && v <= MAX_MINUTES)) {
      throw c.fail("a time in a scenario must be between -" + JsonCursor.format(MAX_MINUTES) + " and "
          + JsonCursor.format(MAX_MINUTES) + " minutes (one day either way), was " + JsonCursor.format(v));
    }
    return v;
  }

  /** A time in minutes, > 0 and at most one day. */
  private static double positiveMinutes(JsonCursor c) {
    double v = spread(c);
    if (!(v > 0)) {
      throw c.fail("must be > 0, was " + JsonCursor.format(v));
    }
    return v;
  }

  /** A time in minutes, >= 0 and at most one day (a standard deviation, a mean, a delay). */
  private static double spread(JsonCursor c) {
    double v = c.number();
    if (!(v >= 0 && v <= MAX_MINUTES)) {
      throw c.fail("a time in a scenario must be between 0 and " + JsonCursor.format(MAX_MINUTES)
          + " minutes (one day), was " + JsonCursor.format(v));
    }
    return v;
  }

  /**
   * The checks of values taken together: how many visitors the run brings, and how long the
   * desks stay busy after the last closing with the expected work of each service (its visitors
   * times its mean service time, shared by the desks that serve it). Without them a valid-looking
   * file could run for years of simulated time, overflow the clock or exhaust the memory. The
   * simulator checks again after its overrides ({@code --days}).
   */
  static void checkRun(Scenario sc) {
    List<ServiceSpec> services = sc.services();
    int days = sc.days();
    int closes = sc.closesMinute();
    double spanMinutes = (days - 1) * (double) DAY_MINUTES + closes - minuteOfDay(sc.opens());
    double sample = sc.sampleMinutes();
    if (sample > 0 && spanMinutes / sample > MAX_SAMPLES) {
      throw new ScenarioException("$.report.sampleMinutes", "a run is sampled at most " + MAX_SAMPLES
          + " times: must be at least " + JsonCursor.format(spanMinutes / MAX_SAMPLES) + " minutes here, was "
          + JsonCursor.format(sample));
    }
    double total = 0;
    double[] visitors = new double[services.size()];
    for (int i = 0; i < services.size(); i++) {
      List<RateStep> steps = services.get(i).arrivals();
      for (int k = 0; k < steps.size(); k++) {
        int end = k + 1 < steps.size() ? minuteOfDay(steps.get(k + 1).from()) : closes;
        visitors[i] += steps.get(k).perHour() * (end - minuteOfDay(steps.get(k).from())) / 60.0 * days;
      }
      total += visitors[i];
    }
    if (total > MAX_VISITORS) {
      throw new ScenarioException("$.services", "the run would bring about " + Math.round(total)
          + " visitors (arrivals per hour × opening hours × " + days + " days, all services); a run simulates at most "
          + MAX_VISITORS);
    }
    if (sc.afterClosing() == AfterClosing.SEND_HOME) {
      return; // nobody is served after closing
    }
    for (int i = 0; i < services.size(); i++) {
      ServiceSpec s = services.get(i);
      long serving = sc.desks().stream().filter(d -> d.services().contains(s.code())).count();
      if (serving == 0) {
        continue; // no arrivals (checked with the desks)
      }
      double busy = visitors[i] * s.serviceMinutes().mean() / serving;
      if (busy > spanMinutes + MAX_OVERTIME_MINUTES) {
        throw new ScenarioException("$.services[" + i + "].serviceMinutes", "service \"" + s.code()
            + "\" would keep its " + serving + " desk(s) busy for about " + Math.round(busy) + " minutes, more than the run's "
            + JsonCursor.format(spanMinutes) + " minutes plus 7 days (" + JsonCursor.format(spanMinutes + MAX_OVERTIME_MINUTES)
            + "); lower its arrivals or its service time, add desks, or send the waiting home at closing");
      }
    }
  }

  /** A distribution of a duration, which can never be negative. */
  private static Distribution nonNegative(JsonCursor c) {
    Distribution d = distribution(c);
    if (d.lowerBound() < 0) {
      throw c.fail("a duration cannot be negative, but this distribution reaches "
          + (Double.isInfinite(d.lowerBound()) ? "-infinity (give a normal distribution \"min\": 0)"
              : JsonCursor.format(d.lowerBound())));
    }
    return d;
  }

  private static Limits limits(JsonCursor c) {
    c.object("earlyCheckInMinutes", "lateCheckInMinutes", "lateArrival", "recallLimit", "bookingGraceMinutes");
    Limits l = Limits.defaults();
    try {
      if (c.opt("earlyCheckInMinutes").isPresent()) {
        l = l.withEarlyCheckIn(minutes(c.get("earlyCheckInMinutes")));
      }
      if (c.opt("lateCheckInMinutes").isPresent()) {
        l = l.withLateCheckIn(minutes(c.get("lateCheckInMinutes")));
      }
      if (c.opt("lateArrival").isPresent()) {
        l = l.withLateArrival(choice(c.get("lateArrival"),
            Map.of("walk-in-line", LateArrival.WALK_IN_LINE, "refuse", LateArrival.REFUSE)));
      }
      if (c.opt("recallLimit").isPresent()) {
        l = l.withRecallLimit((int) c.get("recallLimit").integer(0, 100));
      }
      if (c.opt("bookingGraceMinutes").isPresent()) {
        l = l.withBookingGrace(minutes(c.get("bookingGraceMinutes")));
      }
    } catch (QueueException e) {
      throw c.fail(e.getMessage());
    }
    return l;
  }

  private static Duration minutes(JsonCursor c) {
    return Duration.ofMillis(Math.round(c.number(0, 7 * DAY_MINUTES) * 60_000));
  }

  private static AdmissionMode mode(JsonCursor c) {
    return choice(c, Map.of("booking-only", AdmissionMode.BOOKING_ONLY, "mixed", AdmissionMode.MIXED,
        "walk-in-only", AdmissionMode.WALK_IN_ONLY));
  }

  private static <E> E choice(JsonCursor c, Map<String, E> values) {
    String text = c.text();
    E v = values.get(text);
    if (v == null) {
      throw c.fail("must be one of " + new TreeSet<>(values.keySet()) + ", was \"" + text + "\"");
    }
    return v;
  }

  private static ZoneId zone(JsonCursor c) {
    try {
      return ZoneId.of(c.text());
    } catch (DateTimeException e) {
      throw c.fail("must be a time zone id such as \"Asia/Almaty\" or \"UTC\", was \"" + c.text() + "\"");
    }
  }

  private static LocalDate date(JsonCursor c) {
    LocalDate d;
    try {
      d = LocalDate.parse(c.text());
    } catch (DateTimeException e) {
      throw c.fail("must be a date as YYYY-MM-DD, was \"" + c.text() + "\"");
    }
    if (d.isBefore(FIRST_DATE) || d.isAfter(LAST_DATE)) {
      throw c.fail("must be a date between " + FIRST_DATE + " and " + LAST_DATE + ", was \"" + c.text() + "\"");
    }
    return d;
  }

  private static LocalTime time(JsonCursor c) {
    return parseTime(c, c.text());
  }

  private static LocalTime parseTime(JsonCursor c, String text) {
    if (!TIME.matcher(text).matches()) {
      throw c.fail("must be a time of day as HH:mm (00:00 to 23:59), was \"" + text + "\"");
    }
    return LocalTime.parse(text);
  }

  static int minuteOfDay(LocalTime t) {
    return t.getHour() * 60 + t.getMinute();
  }

  static String hhmm(int minuteOfDay) {
    return String.format(Locale.ROOT, "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60);
  }
}
