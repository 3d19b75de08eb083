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
  /**
   * A place was freed since the waiting lists were last served (set by apply, cleared by the
   * offer pass at the end of the same operation; derived, so neither encoded nor compared).
   */
  boolean freed;

  // ---- derived
  private Instant nextExpiry;
  private boolean alwaysOpen;
  private long cachedDay = Long.MIN_VALUE;
  private long[] cachedBounds = new long[0];

  CalendarState(OpeningCalendar base, OpeningHours simple) {
    this.base = base;
    this.simple = simple;
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
    List<Long> due = new ArrayList<>();
    for (Hold h : holds.values()) {
      if (!now.isBefore(h.expiresAt())) {
        due.add(h.id());
      }
    }
    return due;
  }

  /** Live holds of the service in the window, newest first. */
  List<Hold> holdsIn(String service, LocalDateTime windowStart) {
    List<Hold> out = new ArrayList<>();
    for (Hold h : holds.descendingMap().values()) {
      if (h.service().equals(service) && h.windowStart().equals(windowStart)) {
        out.add(h);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- applying

  static boolean handles(QueueEvent e) {
    return e instanceof HoursChanged || e instanceof CapacityChanged || e instanceof PlaceHeld
        || e instanceof HoldConfirmed || e instanceof HoldReleased || e instanceof BookingRescheduled
        || e instanceof QueueEvent.WaitlistJoined || e instanceof QueueEvent.WaitlistLeft
        || e instanceof QueueEvent.PlaceOffered;
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
      held(c, p.holdId(), p.service(), p.window(), p.windowStart(), p.personId(), p.at(), p.expiresAt());
    } else if (e instanceof HoldConfirmed x) {
      release(c, x.holdId()); // the booking made next takes the place again, in the same operation
    } else if (e instanceof HoldReleased x) {
      release(c, x.holdId());
      freed = true;
    } else if (e instanceof BookingRescheduled r) {
      c.moveBooking(r.bookingId(), r.window(), r.windowStart(), r.at());
      freed = true;
    } else if (e instanceof QueueEvent.WaitlistJoined j) {
      waiting.put(j.entryId(), new dev.talon.queue.WaitlistEntry(j.entryId(), j.service(), j.windowStart(),
          j.personId(), j.at()));
      nextEntryId = Math.max(nextEntryId, j.entryId() + 1);
    } else if (e instanceof QueueEvent.WaitlistLeft l) {
      waiting.remove(l.entryId());
    } else if (e instanceof QueueEvent.PlaceOffered o) {
      waiting.remove(o.entryId());
      held(c, o.holdId(), o.service(), o.window(), o.windowStart(), o.personId(), o.at(), o.expiresAt());
    }
  }

  private void held(Core c, long id, String service, long window, LocalDateTime start, String person, Instant at,
      Instant expiresAt) {
    holds.put(id, new Hold(id, service, start, person, at, expiresAt));
    c.window(window, c.calendar.endOf(window)).taken[c.config.indexOf(service)]++;
    nextHoldId = Math.max(nextHoldId, id + 1);
    nextExpiry = nextExpiry == null || expiresAt.isBefore(nextExpiry) ? expiresAt : nextExpiry;
  }

  private void release(Core c, long holdId) {
    Hold h = holds.remove(holdId);
    WindowBookings wb = c.windows.get(c.calendar.windowIndex(h.windowStart()));
    if (wb != null) { // a window past its expiry with nothing pending is dropped; its count went with it
      wb.taken[c.config.indexOf(h.service())]--;
    }
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
      writePlace(out, h.id(), h.service(), h.windowStart(), h.personId());
      writeInstant(out, h.heldAt());
      writeInstant(out, h.expiresAt());
    }
    out.writeLong(nextHoldId);
    out.writeInt(waiting.size());
    for (dev.talon.queue.WaitlistEntry w : waiting.values()) {
      writePlace(out, w.id(), w.service(), w.windowStart(), w.personId());
      writeInstant(out, w.joinedAt());
    }
    out.writeLong(nextEntryId);
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
      long id = in.readLong();
      String service = in.readUTF();
      LocalDateTime start = LocalDate.ofEpochDay(in.readLong()).atTime(LocalTime.ofNanoOfDay(in.readLong()));
      String person = in.readBoolean() ? in.readUTF() : null;
      Hold h = new Hold(id, service, start, person, readInstant(in), readInstant(in));
      holds.put(id, h);
      nextExpiry = nextExpiry == null || h.expiresAt().isBefore(nextExpiry) ? h.expiresAt() : nextExpiry;
    }
    nextHoldId = in.readLong();
    for (int n = count(in); n > 0; n--) {
      long id = in.readLong();
      String service = in.readUTF();
      LocalDateTime start = LocalDate.ofEpochDay(in.readLong()).atTime(LocalTime.ofNanoOfDay(in.readLong()));
      String person = in.readBoolean() ? in.readUTF() : null;
      waiting.put(id, new dev.talon.queue.WaitlistEntry(id, service, start, person, readInstant(in)));
    }
    nextEntryId = in.readLong();
  }

  /** A hold's or a waiting visitor's id, service, window and person (read back by the readers above). */
  private static void writePlace(DataOutput out, long id, String service, LocalDateTime start, String person)
      throws IOException {
    out.writeLong(id);
    out.writeUTF(service);
    out.writeLong(start.toLocalDate().toEpochDay());
    out.writeLong(start.toLocalTime().toNanoOfDay());
    out.writeBoolean(person != null);
    if (person != null) {
      out.writeUTF(person);
    }
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
        && waiting.equals(s.waiting) && nextEntryId == s.nextEntryId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(changed, rules, holds, nextHoldId);
  }

  @Override
  public String toString() {
    return "CalendarState[changed=" + changed + ", rules=" + rules + ", holds=" + holds.keySet() + "]";
  }

  /** Bookings still waiting for check-in in the window, newest first. */
  static List<Booking> pendingIn(Core c, long window, String service) {
    List<Booking> out = new ArrayList<>();
    WindowBookings wb = c.windows.get(window);
    if (wb != null) {
      long[] ids = wb.pending.toArray();
      for (int i = ids.length - 1; i >= 0; i--) {
        Booking b = c.bookings.get(ids[i]);
        if (b != null && b.state() == BookingState.BOOKED && (service == null || b.service().equals(service))) {
          out.add(b);
        }
      }
    }
    out.sort((x, y) -> Long.compare(y.id(), x.id()));
    return out;
  }
}
