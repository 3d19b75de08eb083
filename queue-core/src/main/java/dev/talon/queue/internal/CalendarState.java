package dev.talon.queue.internal;

import dev.talon.queue.CapacityRule;
import dev.talon.queue.Hold;
import dev.talon.queue.OpeningCalendar;
import dev.talon.queue.OpeningHours;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.QueueEvent.BookingRescheduled;
import dev.talon.queue.QueueEvent.CapacityChanged;
import dev.talon.queue.QueueEvent.HoldConfirmed;
import dev.talon.queue.QueueEvent.HoldReleased;
import dev.talon.queue.QueueEvent.HoursChanged;
import dev.talon.queue.QueueEvent.PlaceHeld;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.TimeRange;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/*
 * The booking calendar's part of a branch's state, owned by the writer like the rest of the Core:
 * the opening hours changed at runtime (per date), the capacity rules added at runtime, the live
 * holds and the waiting lists. Changed only by apply() with the events of HoursChanged,
 * CapacityChanged, PlaceHeld, HoldConfirmed, HoldReleased, BookingRescheduled, WaitlistJoined,
 * WaitlistLeft and PlaceOffered, so a replay rebuilds it exactly.
 *
 * Waiting lists. An offer is a hold for the first visitor waiting (PlaceOffered), so it counts
 * against capacity, is accepted by confirm() and lapses like a hold; its lapse frees the place for
 * the next visitor. apply() marks that a place was freed; the offer pass at the end of the same
 * operation (Tx.afterOp) serves the lists only then, so operations that free nothing pay one
 * boolean.
 *
 * Hot path. issue() asks isOpen(now) on every walk-in: with a calendar open around the clock and
 * no runtime change that is one boolean; otherwise the day's ranges are cached as nano-of-day
 * bounds for the local day last asked about, so the steady state allocates nothing (the zone's
 * offset is a cached value, the rest is arithmetic, as BranchCalendar.isOpen did for OpeningHours).
 * The cache is derived and rebuilt whenever the hours of a date change.
 *
 * Holds. A hold counts in its window's taken places like a booking, so "bookings + holds never
 * exceed capacity" is the same single check as before. The earliest expiry is kept in a field so
 * that the engine's clock catch-up asks one comparison per operation (null when no hold lives).
 * A multi-window hold or booking counts in every window it covers (Core.take), with its channel.
 *
 * Cool-downs (PlaceCooling, CoolingEnded) are places nobody holds: a place freed by a
 * cancellation that no waiting visitor was offered stays taken until the cool-down ends, which
 * the clock's catch-up announces like a hold's expiry; its end frees the place (for the offer
 * pass first).
 *
 * Per-person places (SlotCalendar.personLimit) are indexed by person: each booking not cancelled,
 * live hold and waiting-list entry with its window's date, under a key that tells the three apart
 * (id * 4 + kind). Only kept when a limit is configured; a new day forgets dates that no request
 * can reach any more (the span before today), so the index follows the bookable days.
 *
 * Reads never wait. The live holds and the waiting visitors are also published in PublishedSets
 * (immutable records in a Slab, changes bracketed by a version), which Branch.liveHolds and
 * Branch.waitlist read without the writer: a reader gets the set as it was between two events.
 */
final class CalendarState {
  private final OpeningCalendar base;
  /** The configured simple hours, for the messages the engine has always given; null for a calendar. */
  private final OpeningHours simple;
  /** Dates whose hours were changed at runtime. */
  final TreeMap<LocalDate, List<TimeRange>> changed = new TreeMap<>();
  /** Capacity rules added at runtime, in order. */
  final List<CapacityRule> rules = new ArrayList<>();
  /** Live holds by id. */
  final TreeMap<Long, Hold> holds = new TreeMap<>();
  long nextHoldId = 1;
  /** Visitors on the waiting lists of full windows, by entry id (the order they joined in). */
  final TreeMap<Long, dev.talon.queue.WaitlistEntry> waiting = new TreeMap<>();
  long nextEntryId = 1;
  /** Places cooling down after a cancellation, by cooling id. */
  final TreeMap<Long, Cooling> cooling = new TreeMap<>();
  long nextCoolingId = 1;
  /** Per person: their places (key: id * 4 + kind) and the dates of their windows; see the design note. */
  final TreeMap<String, TreeMap<Long, LocalDate>> persons = new TreeMap<>();
  /** The live holds and the waiting visitors, published to readers (see the design note). */
  final PublishedSet<Hold> holdsRead = new PublishedSet<>();
  final PublishedSet<dev.talon.queue.WaitlistEntry> waitingRead = new PublishedSet<>();

  static final int BOOKING = 0;
  static final int HOLD = 1;
  static final int ENTRY = 2;

  /** A place cooling down: one window of a service, counted in its channel until {@code until}. */
  record Cooling(long id, String service, LocalDateTime windowStart, dev.talon.queue.Channel channel, Instant until) {}

  private final dev.talon.queue.BookingLimit limit;
  /**
   * A place was freed since the waiting lists were last served (set by apply, cleared by the
   * offer pass at the end of the same operation; derived, so neither encoded nor compared).
   */
  boolean freed;

  // ---- derived
  private Instant nextExpiry;
  private Instant nextCoolEnd;
  private boolean alwaysOpen;
  private long cachedDay = Long.MIN_VALUE;
  private long[] cachedBounds = new long[0];

  CalendarState(OpeningCalendar base, OpeningHours simple, dev.talon.queue.BookingLimit limit) {
    this.base = base;
    this.simple = simple;
    this.limit = limit;
    this.alwaysOpen = base.isAlwaysOpen();
  }

  // ---------------------------------------------------------------- hours

  List<TimeRange> rangesOn(LocalDate day) {
    List<TimeRange> c = changed.isEmpty() ? null : changed.get(day);
    return c != null ? c : base.rangesOn(day);
  }

  boolean covers(LocalDateTime start, LocalDateTime end) {
    return OpeningCalendar.covers(rangesOn(start.toLocalDate()), start, end);
  }

  /** True if the branch is open at this instant; allocation-free once the day's bounds are cached. */
  boolean isOpen(BranchCalendar calendar, Instant at) {
    if (alwaysOpen) {
      return true;
    }
    long local = at.getEpochSecond() + calendar.zone().getRules().getOffset(at).getTotalSeconds();
    long day = Math.floorDiv(local, 86_400L);
    long nanoOfDay = Math.floorMod(local, 86_400L) * 1_000_000_000L + at.getNano();
    if (day != cachedDay) {
      List<TimeRange> ranges = rangesOn(LocalDate.ofEpochDay(day));
      long[] bounds = new long[ranges.size() * 2];
      for (int i = 0; i < ranges.size(); i++) {
        bounds[2 * i] = ranges.get(i).from().toNanoOfDay();
        bounds[2 * i + 1] = ranges.get(i).to().toNanoOfDay();
      }
      cachedBounds = bounds;
      cachedDay = day;
    }
    long[] b = cachedBounds;
    for (int i = 0; i < b.length; i += 2) {
      if (nanoOfDay >= b[i] && nanoOfDay < b[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /** Why the branch is closed at this local time (the simple hours keep their old wording). */
  String openText(LocalDate day, String except) {
    if (simple != null && !changed.containsKey(day)) {
      return simple.opens() + "–" + simple.closes() + (simple.closedDays().isEmpty() ? "" : except + simple.closedDays());
    }
    List<TimeRange> r = rangesOn(day);
    return r.isEmpty() ? "closed all day on " + day : r.toString().replace("[", "").replace("]", "") + " on " + day;
  }

  // ---------------------------------------------------------------- capacity

  int capacityAt(BranchConfig config, String service, LocalDateTime windowStart) {
    return config.slots().capacityAt(service, windowStart, rules);
  }

  /** True when capacity depends only on the service (no schedule, no runtime rule). */
  boolean flatCapacity(BranchConfig config) {
    return rules.isEmpty() && config.slots().schedule().isEmpty();
  }

  // ---------------------------------------------------------------- holds

  boolean holdDue(Instant now) {
    Instant e = nextExpiry;
    return e != null && !now.isBefore(e);
  }

  /** The ids of the holds due at {@code now}, in id order. */
  List<Long> dueHolds(Instant now) {
    return due(holds.values(), now, Hold::expiresAt, Hold::id);
  }

  /** The ids of the items whose end has come at {@code now}, in the collection's order. */
  private static <T> List<Long> due(java.util.Collection<T> items, Instant now,
      java.util.function.Function<T, Instant> end, java.util.function.ToLongFunction<T> id) {
    List<Long> due = new ArrayList<>();
    for (T x : items) {
      if (!now.isBefore(end.apply(x))) {
        due.add(id.applyAsLong(x));
      }
    }
    return due;
  }

  /** Live holds of the service (null: any) covering the window, newest first. */
  List<Hold> holdsIn(BranchCalendar calendar, String service, long window) {
    List<Hold> out = new ArrayList<>();
    for (Hold h : holds.descendingMap().values()) {
      long first = calendar.windowIndex(h.windowStart());
      if ((service == null || h.service().equals(service)) && first <= window && window < first + h.windows()) {
        out.add(h);
      }
    }
    return out;
  }

  /** Places of the service (null: any) cooling down in the window, oldest first. */
  List<Cooling> coolingIn(String service, LocalDateTime windowStart) {
    List<Cooling> out = new ArrayList<>();
    for (Cooling x : cooling.values()) {
      if ((service == null || x.service().equals(service)) && x.windowStart().equals(windowStart)) {
        out.add(x);
      }
    }
    return out;
  }

  boolean coolingDue(Instant now) {
    Instant e = nextCoolEnd;
    return e != null && !now.isBefore(e);
  }

  /** The ids of the cool-downs over at {@code now}, in id order. */
  List<Long> dueCooling(Instant now) {
    return due(cooling.values(), now, Cooling::until, Cooling::id);
  }

  // ---------------------------------------------------------------- per-person places

  /** Records ({@code date} non-null) or forgets a person's place; only while a limit is configured. */
  void personPlace(int kind, long id, String person, LocalDate date) {
    if (limit == null || person == null) {
      return;
    }
    long key = id * 4 + kind;
    if (date != null) {
      persons.computeIfAbsent(person, k -> new TreeMap<>()).put(key, date);
    } else {
      TreeMap<Long, LocalDate> mine = persons.get(person);
      if (mine != null && mine.remove(key) != null && mine.isEmpty()) {
        persons.remove(person);
      }
    }
  }

  /** A new day: places on dates no request can reach within the span any more are forgotten. */
  void forgetPersonPlaces(LocalDate today) {
    if (limit == null || persons.isEmpty()) {
      return;
    }
    LocalDate oldest = today.minusDays(limit.days() - 1L);
    persons.values().forEach(m -> m.values().removeIf(d -> d.isBefore(oldest)));
    persons.values().removeIf(TreeMap::isEmpty);
  }

  /** The person's places on dates less than the limit's span from {@code day}. */
  int placesNear(String person, LocalDate day) {
    TreeMap<Long, LocalDate> mine = persons.get(person);
    if (mine == null) {
      return 0;
    }
    int n = 0;
    for (LocalDate d : mine.values()) {
      if (Math.abs(d.toEpochDay() - day.toEpochDay()) < limit.days()) {
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- applying

  static boolean handles(QueueEvent e) {
    return e instanceof HoursChanged || e instanceof CapacityChanged || e instanceof PlaceHeld
        || e instanceof HoldConfirmed || e instanceof HoldReleased || e instanceof BookingRescheduled
        || e instanceof QueueEvent.WaitlistJoined || e instanceof QueueEvent.WaitlistLeft
        || e instanceof QueueEvent.PlaceOffered || e instanceof QueueEvent.PlaceCooling
        || e instanceof QueueEvent.CoolingEnded;
  }

  void apply(Core c, QueueEvent e) {
    if (e instanceof HoursChanged h) {
      changed.put(h.day(), List.copyOf(h.ranges()));
      alwaysOpen = false;
      cachedDay = Long.MIN_VALUE;
    } else if (e instanceof CapacityChanged x) {
      rules.add(x.rule());
      freed = true;
    } else if (e instanceof PlaceHeld p) {
      held(c, new Hold(p.holdId(), p.service(), p.windowStart(), p.personId(), p.at(), p.expiresAt(), p.windows(),
          p.channel()), p.window());
    } else if (e instanceof HoldConfirmed x) {
      release(c, x.holdId()); // the booking made next takes the place again, in the same operation
    } else if (e instanceof HoldReleased x) {
      release(c, x.holdId());
      freed = true;
    } else if (e instanceof BookingRescheduled r) {
      c.moveBooking(r.bookingId(), r.window(), r.windowStart(), r.at());
      freed = true;
    } else if (e instanceof QueueEvent.WaitlistJoined j) {
      dev.talon.queue.WaitlistEntry w = new dev.talon.queue.WaitlistEntry(j.entryId(), j.service(), j.windowStart(),
          j.personId(), j.at(), j.channel());
      waiting.put(j.entryId(), w);
      waitingRead.put(w.id(), w);
      nextEntryId = Math.max(nextEntryId, j.entryId() + 1);
      personPlace(ENTRY, w.id(), w.personId(), w.windowStart().toLocalDate());
    } else if (e instanceof QueueEvent.WaitlistLeft l) {
      left(l.entryId());
    } else if (e instanceof QueueEvent.PlaceOffered o) {
      left(o.entryId());
      held(c, new Hold(o.holdId(), o.service(), o.windowStart(), o.personId(), o.at(), o.expiresAt(), 1, o.channel()),
          o.window());
    } else if (e instanceof QueueEvent.PlaceCooling p) {
      cooling.put(p.coolingId(), new Cooling(p.coolingId(), p.service(), p.windowStart(), p.channel(), p.until()));
      c.take(p.window(), 1, c.config.indexOf(p.service()), p.channel(), 1);
      nextCoolingId = Math.max(nextCoolingId, p.coolingId() + 1);
      nextCoolEnd = nextCoolEnd == null || p.until().isBefore(nextCoolEnd) ? p.until() : nextCoolEnd;
    } else if (e instanceof QueueEvent.CoolingEnded x) {
      Cooling gone = cooling.remove(x.coolingId());
      c.take(c.calendar.windowIndex(gone.windowStart()), 1, c.config.indexOf(gone.service()), gone.channel(), -1);
      nextCoolEnd = null;
      for (Cooling o : cooling.values()) {
        nextCoolEnd = nextCoolEnd == null || o.until().isBefore(nextCoolEnd) ? o.until() : nextCoolEnd;
      }
      freed = true;
    }
  }

  private void left(long entryId) {
    dev.talon.queue.WaitlistEntry w = waiting.remove(entryId);
    waitingRead.remove(entryId);
    personPlace(ENTRY, entryId, w.personId(), null);
  }

  private void held(Core c, Hold h, long window) {
    holds.put(h.id(), h);
    holdsRead.put(h.id(), h);
    c.take(window, h.windows(), c.config.indexOf(h.service()), h.channel(), 1);
    nextHoldId = Math.max(nextHoldId, h.id() + 1);
    nextExpiry = nextExpiry == null || h.expiresAt().isBefore(nextExpiry) ? h.expiresAt() : nextExpiry;
    personPlace(HOLD, h.id(), h.personId(), h.windowStart().toLocalDate());
  }

  private void release(Core c, long holdId) {
    Hold h = holds.remove(holdId);
    holdsRead.remove(holdId);
    c.take(c.calendar.windowIndex(h.windowStart()), h.windows(), c.config.indexOf(h.service()), h.channel(), -1);
    personPlace(HOLD, holdId, h.personId(), null);
    if (h.expiresAt().equals(nextExpiry)) {
      nextExpiry = null;
      for (Hold o : holds.values()) {
        if (nextExpiry == null || o.expiresAt().isBefore(nextExpiry)) {
          nextExpiry = o.expiresAt();
        }
      }
    }
  }

  // ---------------------------------------------------------------- snapshots

  void write(DataOutput out) throws IOException {
    out.writeInt(changed.size());
    for (var e : changed.entrySet()) {
      out.writeLong(e.getKey().toEpochDay());
      writeRanges(out, e.getValue());
    }
    out.writeInt(rules.size());
    for (CapacityRule r : rules) {
      out.writeUTF(r.service());
      int days = 0;
      for (DayOfWeek d : r.days()) {
        days |= 1 << d.ordinal();
      }
      out.writeInt(days);
      out.writeLong(r.date() == null ? Long.MIN_VALUE : r.date().toEpochDay());
      writeRanges(out, List.of(r.hours()));
      out.writeInt(r.places());
    }
    out.writeInt(holds.size());
    for (Hold h : holds.values()) {
      writePlace(out, h.id(), h.service(), h.windowStart(), h.personId(), h.channel());
      writeInstant(out, h.heldAt());
      writeInstant(out, h.expiresAt());
      out.writeInt(h.windows());
    }
    out.writeLong(nextHoldId);
    out.writeInt(waiting.size());
    for (dev.talon.queue.WaitlistEntry w : waiting.values()) {
      writePlace(out, w.id(), w.service(), w.windowStart(), w.personId(), w.channel());
      writeInstant(out, w.joinedAt());
    }
    out.writeLong(nextEntryId);
    out.writeInt(cooling.size());
    for (Cooling x : cooling.values()) {
      writePlace(out, x.id(), x.service(), x.windowStart(), null, x.channel());
      writeInstant(out, x.until());
    }
    out.writeLong(nextCoolingId);
    out.writeInt(persons.size());
    for (var p : persons.entrySet()) {
      out.writeUTF(p.getKey());
      out.writeInt(p.getValue().size());
      for (var k : p.getValue().entrySet()) {
        out.writeLong(k.getKey());
        out.writeLong(k.getValue().toEpochDay());
      }
    }
  }

  void read(DataInput in) throws IOException {
    for (int n = count(in); n > 0; n--) {
      changed.put(LocalDate.ofEpochDay(in.readLong()), readRanges(in));
      alwaysOpen = false;
    }
    for (int n = count(in); n > 0; n--) {
      String service = in.readUTF();
      int bits = in.readInt();
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (DayOfWeek d : DayOfWeek.values()) {
        if ((bits & (1 << d.ordinal())) != 0) {
          days.add(d);
        }
      }
      long date = in.readLong();
      TimeRange hours = readRanges(in).get(0);
      rules.add(new CapacityRule(service, days, date == Long.MIN_VALUE ? null : LocalDate.ofEpochDay(date), hours,
          in.readInt()));
    }
    for (int n = count(in); n > 0; n--) {
      Place p = readPlace(in);
      Hold h = new Hold(p.id, p.service, p.start, p.person, readInstant(in), readInstant(in), windows(in), p.channel);
      holds.put(h.id(), h);
      holdsRead.put(h.id(), h);
      nextExpiry = nextExpiry == null || h.expiresAt().isBefore(nextExpiry) ? h.expiresAt() : nextExpiry;
    }
    nextHoldId = in.readLong();
    for (int n = count(in); n > 0; n--) {
      Place p = readPlace(in);
      dev.talon.queue.WaitlistEntry w = new dev.talon.queue.WaitlistEntry(p.id, p.service, p.start, p.person,
          readInstant(in), p.channel);
      waiting.put(w.id(), w);
      waitingRead.put(w.id(), w);
    }
    nextEntryId = in.readLong();
    for (int n = count(in); n > 0; n--) {
      Place p = readPlace(in);
      Cooling x = new Cooling(p.id, p.service, p.start, p.channel, readInstant(in));
      cooling.put(x.id(), x);
      nextCoolEnd = nextCoolEnd == null || x.until().isBefore(nextCoolEnd) ? x.until() : nextCoolEnd;
    }
    nextCoolingId = in.readLong();
    for (int n = count(in); n > 0; n--) {
      TreeMap<Long, LocalDate> mine = new TreeMap<>();
      persons.put(in.readUTF(), mine);
      for (int k = count(in); k > 0; k--) {
        mine.put(in.readLong(), LocalDate.ofEpochDay(in.readLong()));
      }
    }
  }

  private record Place(long id, String service, LocalDateTime start, String person, dev.talon.queue.Channel channel) {}

  private static int windows(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 1 || n > dev.talon.queue.BookRequest.MAX_WINDOWS) {
      throw new IOException("a hold of " + n + " windows is out of range");
    }
    return n;
  }

  /** A hold's, waiting visitor's or cool-down's id, service, window, person and channel (read by readPlace). */
  private static void writePlace(DataOutput out, long id, String service, LocalDateTime start, String person,
      dev.talon.queue.Channel channel) throws IOException {
    out.writeLong(id);
    out.writeUTF(service);
    out.writeLong(start.toLocalDate().toEpochDay());
    out.writeLong(start.toLocalTime().toNanoOfDay());
    out.writeBoolean(person != null);
    if (person != null) {
      out.writeUTF(person);
    }
    out.writeByte(channel == null ? -1 : channel.ordinal());
  }

  private static Place readPlace(DataInput in) throws IOException {
    long id = in.readLong();
    String service = in.readUTF();
    LocalDateTime start = LocalDate.ofEpochDay(in.readLong()).atTime(LocalTime.ofNanoOfDay(in.readLong()));
    String person = in.readBoolean() ? in.readUTF() : null;
    int ch = in.readByte();
    if (ch < -1 || ch >= dev.talon.queue.Channel.values().length) {
      throw new IOException("channel " + ch + " is out of range");
    }
    return new Place(id, service, start, person, ch < 0 ? null : dev.talon.queue.Channel.values()[ch]);
  }

  private static int count(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1 << 24) {
      throw new IOException("a calendar count of " + n + " is out of range");
    }
    return n;
  }

  private static void writeRanges(DataOutput out, List<TimeRange> ranges) throws IOException {
    out.writeInt(ranges.size());
    for (TimeRange r : ranges) {
      out.writeLong(r.from().toNanoOfDay());
      out.writeLong(r.to().toNanoOfDay());
    }
  }

  private static List<TimeRange> readRanges(DataInput in) throws IOException {
    List<TimeRange> out = new ArrayList<>();
    for (int n = count(in); n > 0; n--) {
      out.add(new TimeRange(LocalTime.ofNanoOfDay(in.readLong()), LocalTime.ofNanoOfDay(in.readLong())));
    }
    return List.copyOf(out);
  }

  private static void writeInstant(DataOutput out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant readInstant(DataInput in) throws IOException {
    return Instant.ofEpochSecond(in.readLong(), in.readInt());
  }

  /** Equal when the state that events built is equal (the derived caches aside). */
  @Override
  public boolean equals(Object o) {
    return o instanceof CalendarState s && changed.equals(s.changed) && rules.equals(s.rules)
        && holds.equals(s.holds) && nextHoldId == s.nextHoldId && Objects.equals(nextExpiry, s.nextExpiry)
        && waiting.equals(s.waiting) && nextEntryId == s.nextEntryId && cooling.equals(s.cooling)
        && nextCoolingId == s.nextCoolingId && Objects.equals(nextCoolEnd, s.nextCoolEnd) && persons.equals(s.persons);
  }

  @Override
  public int hashCode() {
    return Objects.hash(changed, rules, holds, nextHoldId);
  }

  @Override
  public String toString() {
    return "CalendarState[changed=" + changed + ", rules=" + rules + ", holds=" + holds.keySet() + "]";
  }

  /**
   * Bookings still waiting for check-in that cover the window (their first window is this one, or
   * an earlier one and they take several), newest first.
   */
  static List<Booking> pendingIn(Core c, long window, String service) {
    List<Booking> out = new ArrayList<>();
    long from = window - dev.talon.queue.BookRequest.MAX_WINDOWS + 1;
    for (var e : c.windows.subMap(from, true, window, true).entrySet()) {
      long[] ids = e.getValue().pending.toArray();
      for (int i = ids.length - 1; i >= 0; i--) {
        Booking b = c.bookings.get(ids[i]);
        if (b != null && b.state() == BookingState.BOOKED && (service == null || b.service().equals(service))
            && e.getKey() + b.windows() > window) {
          out.add(b);
        }
      }
    }
    out.sort((x, y) -> Long.compare(y.id(), x.id()));
    return out;
  }
}
