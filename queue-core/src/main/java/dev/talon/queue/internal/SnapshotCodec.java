package dev.talon.queue.internal;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.BoardView;
import dev.talon.queue.Booking;
import dev.talon.queue.BookingState;
import dev.talon.queue.DeskState;
import dev.talon.queue.Origin;
import dev.talon.queue.Ticket;
import dev.talon.queue.TicketState;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/*
 * The binary form of a branch's Core, for snapshots (EventStore.saveSnapshot) and for restoring
 * the core after a failed operation or commit.
 *
 * Layout. A header (magic, format version, a SHA-256 fingerprint of the branch configuration,
 * the seq), then every field of the state in declaration order, then the request ids that are
 * still being remembered. Maps are written in key order (slabs, tree maps and tree sets iterate
 * in key order), so equal states give equal bytes; the snapshot tests compare those bytes with the ones
 * of a full replay. Strings are length-prefixed UTF-8 (DataOutput.writeUTF stops at 64 KB, a
 * policy configuration may not); nullable values carry a presence byte; instants are seconds and
 * nanos, so nothing is rounded.
 *
 * Why a configuration fingerprint. Replaying events applies them under the configuration of the
 * engine that opens the branch (service indexes, desks, policy, estimation smoothing). A snapshot
 * is the result of a replay under the configuration that wrote it; under another one it would
 * differ from what a full replay gives. So the fingerprint covers everything the transition
 * function reads, and a mismatch makes the snapshot unusable: the engine replays the whole history
 * instead. It is computed from the configuration's records by reflection, with sets and maps in
 * sorted order, so it is the same in every JVM and picks up fields added later by itself.
 *
 * The policy in force is written as "the builder's" or as the configuration JSON of the policy a
 * PolicyChanged event switched to, resolved on reading as the replay resolves that event. Its
 * state goes through the policy's StateCodec, inside a length-prefixed block.
 *
 * Every read is checked: a wrong magic, format, fingerprint, count or enum name fails with
 * Unusable, never with a state that is silently wrong. Any damage or forgery of the bytes ends in
 * Unusable (a fuzz target, SnapshotDecodeFuzzTest, holds decode to that).
 *
 * Size (format 2, issue 14 defect 7). Format 1 wrote every ticket of the day, so a busy branch's
 * snapshot grew with the day: 1.28 MB after 30,000 events (7,496 tickets). The core now keeps only
 * the open tickets and a bounded window of ended ones (Core.ENDED_KEPT); the ended tickets that
 * left are summarised per day (DaySummary: counts and histograms of whole seconds, exactly what
 * the statistics report). The pruning happens in Core.apply, counted in events, rather than here
 * when encoding: then the live core, a replay and a snapshot plus its tail hold the same tickets,
 * so snapshot + tail is a full replay byte for byte and a ticket read answers the same on a
 * replica as on the writer. Pruning only when encoding would have made a reopened branch forget
 * tickets the running one still showed.
 */
final class SnapshotCodec {
  static final int MAGIC = 0x54414C4E; // "TALN"
  static final int FORMAT = 3;

  /** The snapshot cannot be used by this engine; the message says why. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String message) {
      super(message, null, false, false);
    }

    Unusable(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * A request id still remembered: the fingerprint of its request (a list of strings and sets of
   * strings), the ticket or booking it made, and when.
   */
  record RememberedRequest(String requestId, Object fingerprint, long resultId, Instant usedAt) {}

  /** A decoded snapshot. */
  record Decoded(Core state, List<RememberedRequest> requests) {}

  private SnapshotCodec() {}

  // ---------------------------------------------------------------- configuration fingerprint

  /** Fingerprints by configuration identity: computed once per branch configuration. */
  private static final com.github.benmanes.caffeine.cache.Cache<BranchConfig, byte[]> FINGERPRINTS =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().build();

  /** The fingerprint of everything in the configuration that a replay reads. */
  static byte[] fingerprint(BranchConfig c) {
    return FINGERPRINTS.get(c, SnapshotCodec::computeFingerprint);
  }

  private static byte[] computeFingerprint(BranchConfig c) {
    StringBuilder sb = new StringBuilder(512);
    canonical(sb, c.branchId());
    canonical(sb, c.zone().getId());
    canonical(sb, c.hours());
    canonical(sb, c.services());
    canonical(sb, c.desks());
    canonical(sb, c.slots());
    canonical(sb, c.limits());
    canonical(sb, c.initialMode());
    canonical(sb, c.serviceLevels());
    canonical(sb, c.estimation());
    canonical(sb, describe(c.policy()));
    try {
      return MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** A policy by its configuration JSON, or by class and name when it has none. */
  static String describe(Policy<?> p) {
    return p.configuration().orElseGet(() -> p.getClass().getName() + "/" + p.name());
  }

  private static void canonical(StringBuilder sb, Object o) {
    if (o == null) {
      sb.append("null");
    } else if (o instanceof Record r) {
      sb.append(r.getClass().getSimpleName()).append('(');
      for (RecordComponent rc : r.getClass().getRecordComponents()) {
        sb.append(rc.getName()).append('=');
        try {
          canonical(sb, rc.getAccessor().invoke(r));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + rc + " of " + r.getClass().getName(), e);
        }
        sb.append(';');
      }
      sb.append(')');
    } else if (o instanceof Map<?, ?> m) {
      TreeSet<String> entries = new TreeSet<>();
      m.forEach((k, v) -> {
        StringBuilder e = new StringBuilder();
        canonical(e, k);
        e.append("->");
        canonical(e, v);
        entries.add(e.toString());
      });
      sb.append("{").append(String.join(",", entries)).append('}');
    } else if (o instanceof Set<?> s) {
      TreeSet<String> items = new TreeSet<>();
      for (Object x : s) {
        StringBuilder e = new StringBuilder();
        canonical(e, x);
        items.add(e.toString());
      }
      sb.append("{").append(String.join(",", items)).append('}');
    } else if (o instanceof Collection<?> list) {
      sb.append('[');
      for (Object x : list) {
        canonical(sb, x);
        sb.append(',');
      }
      sb.append(']');
    } else if (o instanceof String s) {
      sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    } else {
      sb.append(o); // numbers, enums, java.time values: toString is exact and stable
    }
  }

  // ---------------------------------------------------------------- writing

  /**
   * Encodes the state.
   *
   * @throws UnsupportedOperationException if the policy keeps state but has no codec for it
   * @throws Unusable if the policy's codec does not read back what it wrote
   */
  static byte[] encode(BranchConfig config, Core s, List<RememberedRequest> requests) throws Unusable {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096 + s.tickets.size() * 96);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.write(fingerprint(config));
      out.writeLong(s.seq);
      writeInstant(out, s.lastAt);
      out.writeBoolean(s.day != null);
      if (s.day != null) {
        out.writeLong(s.day.toEpochDay());
      }
      writeInstant(out, s.dayEndsAt);
      writeInts(out, s.numbers);
      out.writeLong(s.window);
      writeInstant(out, s.windowEndsAt);
      out.writeInt(s.lines.length);
      for (Line l : s.lines) {
        writeString(out, l.service);
        writeString(out, l.lineClass);
        writeLongs(out, l.ids.toArray());
        out.writeInt(l.waiting());
        out.writeLong(l.lastJoin);
      }
      out.writeInt(s.tickets.size());
      each(s.tickets, t -> writeTicket(out, t));
      writeLongs(out, s.ended.toArray());
      out.writeInt(s.summaries.size());
      for (DaySummary d : s.summaries.values()) {
        writeSummary(out, d);
      }
      out.writeInt(s.bookings.size());
      each(s.bookings, b -> writeBooking(out, b));
      out.writeInt(s.windows.size());
      for (var e : s.windows.entrySet()) {
        out.writeLong(e.getKey());
        writeInts(out, e.getValue().taken);
        writeInts(out, e.getValue().byChannel);
        writeLongs(out, e.getValue().pending.toArray());
        writeInstant(out, e.getValue().expiresAt);
      }
      out.writeLong(s.nextTicketId);
      out.writeLong(s.nextBookingId);
      out.writeLong(s.nextJoinSeq);
      boolean builders = s.policy == config.policy();
      out.writeBoolean(builders);
      if (!builders) {
        writeString(out, s.policy.configuration().orElseThrow(() -> new UnsupportedOperationException(
            "the policy in force, " + s.policy.name() + ", has no configuration()")));
      }
      writeBytes(out, policyState(s.policy, s.policyState));
      writeString(out, s.mode.name());
      writeFloor(out, s);
      s.cal.write(out); // the booking calendar's runtime changes and live holds
      List<RememberedRequest> sorted = new ArrayList<>(requests);
      sorted.sort((x, y) -> x.requestId().compareTo(y.requestId()));
      out.writeInt(sorted.size());
      for (RememberedRequest r : sorted) {
        writeString(out, r.requestId());
        writeFingerprint(out, r.fingerprint());
        out.writeLong(r.resultId());
        writeInstant(out, r.usedAt());
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** Writes one record. */
  @FunctionalInterface
  private interface RecordWriter<V> {
    void write(V value) throws IOException;
  }

  /** The slab's records in id order. */
  private static <V> void each(Slab<V> slab, RecordWriter<V> writer) {
    slab.forEach(v -> {
      try {
        writer.write(v);
      } catch (IOException e) {
        throw new UncheckedIOException("writing to memory cannot fail", e);
      }
    });
  }

  /** The policy state's bytes, checked to read back as an equal state. */
  @SuppressWarnings("unchecked")
  private static byte[] policyState(Policy<?> policy, Object state) throws IOException, Unusable {
    StateCodec<Object> codec = ((Policy<Object>) policy).stateCodec();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    codec.write(state, out);
    out.flush();
    byte[] written = bytes.toByteArray();
    Object back = codec.read(new DataInputStream(new ByteArrayInputStream(written)));
    if (!java.util.Objects.equals(back, state)) {
      throw new Unusable("the state codec of policy " + policy.name() + " wrote " + state + " but read back " + back);
    }
    return written;
  }

  private static void writeFingerprint(DataOutput out, Object fingerprint) throws IOException {
    if (!(fingerprint instanceof List<?> parts)) {
      throw new IllegalStateException("a request fingerprint is a list, was " + fingerprint);
    }
    out.writeInt(parts.size());
    for (Object part : parts) {
      if (part instanceof String str) {
        out.writeBoolean(false);
        writeString(out, str);
      } else if (part instanceof Set<?> set) {
        out.writeBoolean(true);
        List<String> items = new ArrayList<>();
        set.forEach(x -> items.add((String) x));
        items.sort(null);
        out.writeInt(items.size());
        for (String x : items) {
          writeString(out, x);
        }
      } else {
        throw new IllegalStateException("a request fingerprint holds strings and sets of strings, found " + part);
      }
    }
  }

  private static void writeTicket(DataOutput out, Ticket t) throws IOException {
    out.writeLong(t.id());
    out.writeLong(t.day().toEpochDay());
    writeString(out, t.service());
    out.writeInt(t.number());
    writeString(out, t.display());
    writeString(out, t.origin().name());
    writeString(out, t.line());
    List<String> categories = new ArrayList<>(t.categories());
    categories.sort(null);
    out.writeInt(categories.size());
    for (String c : categories) {
      writeString(out, c);
    }
    writeNullable(out, t.personId());
    out.writeLong(t.bookingId());
    writeInstant(out, t.bookedFor());
    out.writeLong(t.joinSeq());
    writeString(out, t.state().name());
    writeInstant(out, t.issuedAt());
    writeInstant(out, t.calledAt());
    writeNullable(out, t.desk());
    out.writeInt(t.recalls());
    writeInstant(out, t.startedAt());
    writeInstant(out, t.endedAt());
    writeInstant(out, t.postponedUntil());
    out.writeLong(t.parentId());
    writeNullable(out, t.returnTo());
  }

  private static void writeSummary(DataOutput out, DaySummary d) throws IOException {
    out.writeLong(d.day.toEpochDay());
    for (Map<String, DaySummary.Tally> groups : List.of(d.byService, d.byClass, d.byDesk)) {
      out.writeInt(groups.size());
      for (var e : groups.entrySet()) {
        writeString(out, e.getKey());
        DaySummary.Tally t = e.getValue();
        for (int n : new int[] {t.issued, t.served, t.noShow, t.cancelled, t.transferred, t.abandoned}) {
          out.writeInt(n);
        }
        writeHistogram(out, t.waits);
        writeHistogram(out, t.services);
      }
    }
  }

  private static void writeHistogram(DataOutput out, Map<Long, Integer> h) throws IOException {
    out.writeInt(h.size());
    for (var e : h.entrySet()) {
      out.writeLong(e.getKey());
      out.writeInt(e.getValue());
    }
  }

  private static void writeBooking(DataOutput out, Booking b) throws IOException {
    out.writeLong(b.id());
    writeString(out, b.code());
    writeString(out, b.service());
    out.writeLong(b.windowStart().toEpochSecond(ZoneOffset.UTC));
    out.writeInt(b.windowStart().getNano());
    writeInstant(out, b.startsAt());
    writeInstant(out, b.endsAt());
    writeString(out, b.state().name());
    writeNullable(out, b.personId());
    out.writeLong(b.ticketId());
    writeInstant(out, b.bookedAt());
    out.writeInt(b.windows());
    out.writeBoolean(b.channel() != null);
    if (b.channel() != null) {
      writeString(out, b.channel().name());
    }
  }

  private static void writeFloor(DataOutput out, Core f) throws IOException {
    out.writeInt(f.desks.length);
    for (int i = 0; i < f.desks.length; i++) {
      DeskSlot d = f.desks[i];
      writeString(out, d.state().name());
      writeNullable(out, d.reason());
      out.writeBoolean(d.autoCall());
      out.writeLong(f.deskCurrent[i]);
    }
    writeDoubles(out, f.serviceMean);
    writeDoubles(out, f.serviceVar);
    BoardView.Call[] calls = f.calls();
    out.writeInt(calls.length);
    for (BoardView.Call c : calls) {
      writeString(out, c.display());
      writeString(out, c.desk());
      writeInstant(out, c.at());
      out.writeInt(c.recalls());
    }
    out.writeInt(f.postponed.size());
    for (var e : f.postponed.entrySet()) {
      out.writeLong(e.getKey());
      writeInstant(out, e.getValue());
    }
    writeFlags(out, f.notified);
    writeFlags(out, f.breached);
    out.writeInt(f.lineBreached.length);
    for (boolean b : f.lineBreached) {
      out.writeBoolean(b);
    }
  }

  private static void writeFlags(DataOutput out, Set<Long> flags) throws IOException {
    out.writeInt(flags.size());
    for (long id : flags) {
      out.writeLong(id);
      out.writeBoolean(true);
    }
  }

  private static void writeInstant(DataOutput out, Instant t) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    }
  }

  private static void writeString(DataOutput out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static void writeNullable(DataOutput out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static void writeBytes(DataOutput out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static void writeInts(DataOutput out, int[] a) throws IOException {
    out.writeInt(a.length);
    for (int x : a) {
      out.writeInt(x);
    }
  }

  private static void writeLongs(DataOutput out, long[] a) throws IOException {
    out.writeInt(a.length);
    for (long x : a) {
      out.writeLong(x);
    }
  }

  private static void writeDoubles(DataOutput out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double x : a) {
      out.writeDouble(x); // the exact bits: a replay computes the same doubles
    }
  }

  // ---------------------------------------------------------------- reading

  /** Decodes a snapshot written by {@link #encode} under the same configuration. */
  static Decoded decode(BranchConfig config, byte[] bytes) throws Unusable {
    In in = new In(bytes);
    try {
      if (in.readInt() != MAGIC) {
        throw new Unusable("it is not a Talon snapshot (wrong magic number)");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new Unusable("it has format " + format + " and this engine reads format " + FORMAT);
      }
      byte[] print = new byte[32];
      in.readFully(print);
      if (!Arrays.equals(print, fingerprint(config))) {
        throw new Unusable("it was written under another configuration of the branch (services, desks, slots,"
            + " limits, estimation or policy differ)");
      }
      Core c = new Core(config, new BranchCalendar(config.zone(), config.slots().windowLength().toMinutes(),
          config.slots().windowsPerDay()), config.initialMode());
      c.seq = in.readLong();
      c.lastAt = in.instant();
      c.day = in.readBoolean() ? LocalDate.ofEpochDay(in.readLong()) : null;
      c.dayEndsAt = in.instant();
      c.numbers = in.ints(config.services().size());
      c.window = in.readLong();
      c.windowEndsAt = in.instant();
      Line[] lines = new Line[in.count("lines", 1 << 20)];
      for (int i = 0; i < lines.length; i++) {
        String service = in.string();
        String lineClass = in.string();
        long[] idArray = in.longs();
        LongRing ids = new LongRing(idArray.length);
        for (long id : idArray) {
          ids.addLast(id);
        }
        int waiting = in.readInt();
        lines[i] = new Line(service, lineClass, ids, in.readLong());
        if (config.indexOf(service) < 0 || waiting != ids.size()) {
          throw new Unusable("line " + service + "/" + lineClass + " does not fit the configuration");
        }
      }
      c.lines = lines;
      long first = 0;
      for (int n = in.count("tickets", Integer.MAX_VALUE); n > 0; n--) {
        Ticket t = readTicket(in);
        first = checkId("ticket", t.id(), first, c.tickets);
        c.tickets.put(t.id(), t);
      }
      for (long id : in.longs()) {
        Ticket t = c.tickets.get(id);
        if (t == null || !t.state().isTerminal()) {
          throw new Unusable("ended ticket " + id + " is not an ended ticket of the snapshot");
        }
        c.ended.addLast(id);
      }
      java.util.TreeMap<LocalDate, DaySummary> summaries = new java.util.TreeMap<>();
      for (int n = in.count("day summaries", 1 << 16); n > 0; n--) {
        DaySummary d = readSummary(in);
        if (summaries.put(d.day, d) != null) {
          throw new Unusable("two summaries of day " + d.day);
        }
      }
      c.summaries = java.util.Collections.unmodifiableNavigableMap(summaries);
      first = 0;
      for (int n = in.count("bookings", Integer.MAX_VALUE); n > 0; n--) {
        Booking b = readBooking(in);
        first = checkId("booking", b.id(), first, c.bookings);
        c.bookings.put(b.id(), b);
      }
      for (int n = in.count("windows", Integer.MAX_VALUE); n > 0; n--) {
        long w = in.readLong();
        int[] taken = in.ints(config.services().size());
        int[] byChannel = in.ints(config.services().size() * WindowBookings.CHANNELS);
        long[] ids = in.longs();
        LongRing pending = new LongRing(ids.length);
        for (long id : ids) {
          pending.addLast(id);
        }
        c.windows.put(w, new WindowBookings(taken, byChannel, pending, in.instant()));
      }
      c.nextTicketId = in.readLong();
      c.nextBookingId = in.readLong();
      c.nextJoinSeq = in.readLong();
      @SuppressWarnings("unchecked")
      Policy<Object> policy = (Policy<Object>) (in.readBoolean() ? config.policy() : resolve(config, in.string()));
      c.policy = policy;
      c.policyState = readPolicyState(policy, in.bytes());
      c.mode = in.constant(AdmissionMode.class);
      readFloor(config, in, c);
      c.cal.read(in);
      List<RememberedRequest> requests = new ArrayList<>();
      for (int n = in.count("request ids", Integer.MAX_VALUE); n > 0; n--) {
        requests.add(new RememberedRequest(in.string(), readFingerprint(in), in.readLong(), in.instant()));
      }
      if (in.available() != 0) {
        throw new Unusable(in.available() + " bytes follow the end of the state");
      }
      return new Decoded(c, requests);
    } catch (IOException | RuntimeException e) {
      throw new Unusable("it cannot be read: " + e, e);
    }
  }

  /** Ids of one slab's records span at most this many (a live slab's table covers its span too). */
  static final long MAX_ID_SPAN = 1L << 25;

  /**
   * Checks the id of the next record of a slab (written in increasing id order, within
   * MAX_ID_SPAN of the first, so that a damaged id cannot make the slab allocate gigabytes);
   * starts the slab at the first id. Returns the first id.
   */
  private static long checkId(String what, long id, long first, Slab<?> slab) throws Unusable {
    if (first == 0) {
      if (id < 1) {
        throw new Unusable(what + " id " + id + " is not positive");
      }
      slab.startAt(id);
      return id;
    }
    if (id <= first || id - first >= MAX_ID_SPAN || slab.get(id) != null) {
      throw new Unusable(what + " id " + id + " is repeated or outside " + first + ".." + (first + MAX_ID_SPAN - 1));
    }
    return first;
  }

  private static Policy<?> resolve(BranchConfig config, String json) throws Unusable {
    Policy<?> p = null;
    try {
      p = config.policyResolver() == null ? null : config.policyResolver().apply(json);
    } catch (RuntimeException e) {
      throw new Unusable("the policy resolver cannot rebuild the policy in force, " + json + ": " + e.getMessage(), e);
    }
    p = p != null ? p : Policy.builtIn(json).orElse(null);
    if (p == null) {
      throw new Unusable("no policy resolver knows the policy in force, " + json);
    }
    return p;
  }

  @SuppressWarnings("unchecked")
  private static Object readPolicyState(Policy<?> policy, byte[] bytes) throws IOException, Unusable {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    Object state = ((Policy<Object>) policy).stateCodec().read(in);
    if (in.available() != 0) {
      throw new Unusable("the state codec of policy " + policy.name() + " left " + in.available() + " bytes unread");
    }
    return state;
  }

  private static List<Object> readFingerprint(In in) throws IOException {
    int n = in.count("fingerprint parts", 64);
    List<Object> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (in.readBoolean()) {
        int items = in.count("fingerprint set", 1 << 16);
        List<String> set = new ArrayList<>(items);
        for (int j = 0; j < items; j++) {
          set.add(in.string());
        }
        parts.add(Set.copyOf(set));
      } else {
        parts.add(in.string());
      }
    }
    return List.copyOf(parts);
  }

  private static Ticket readTicket(In in) throws IOException {
    long id = in.readLong();
    LocalDate day = LocalDate.ofEpochDay(in.readLong());
    String service = in.string();
    int number = in.readInt();
    String display = in.string();
    Origin origin = in.constant(Origin.class);
    String line = in.string();
    int n = in.count("categories", 1 << 16);
    List<String> categories = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      categories.add(in.string());
    }
    return new Ticket(id, day, service, number, display, origin, line, Set.copyOf(categories), in.nullable(),
        in.readLong(), in.instant(), in.readLong(), in.constant(TicketState.class), in.instant(), in.instant(),
        in.nullable(), in.readInt(), in.instant(), in.instant(), in.instant(), in.readLong(), in.nullable());
  }

  private static DaySummary readSummary(In in) throws IOException {
    DaySummary d = new DaySummary(LocalDate.ofEpochDay(in.readLong()));
    for (Map<String, DaySummary.Tally> groups : List.of(d.byService, d.byClass, d.byDesk)) {
      for (int n = in.count("summary groups", 1 << 20); n > 0; n--) {
        String key = in.string();
        DaySummary.Tally t = new DaySummary.Tally();
        t.issued = in.counter();
        t.served = in.counter();
        t.noShow = in.counter();
        t.cancelled = in.counter();
        t.transferred = in.counter();
        t.abandoned = in.counter();
        readHistogram(in, t.waits);
        readHistogram(in, t.services);
        if (groups.put(key, t) != null) {
          throw new IOException("two summary groups named " + key);
        }
      }
    }
    return d;
  }

  private static void readHistogram(In in, Map<Long, Integer> h) throws IOException {
    for (int n = in.count("histogram entries", in.available() / 12); n > 0; n--) {
      long value = in.readLong();
      int count = in.readInt();
      if (count < 1 || h.put(value, count) != null) {
        throw new IOException("histogram count " + count + " for " + value + " is not positive or repeats");
      }
    }
  }

  private static Booking readBooking(In in) throws IOException {
    long id = in.readLong();
    String code = in.string();
    String service = in.string();
    LocalDateTime windowStart = LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC);
    Instant starts = in.instant();
    Instant ends = in.instant();
    BookingState state = in.constant(BookingState.class);
    String person = in.nullable();
    long ticket = in.readLong();
    Instant bookedAt = in.instant();
    int windows = in.readInt();
    if (windows < 1 || windows > dev.talon.queue.BookRequest.MAX_WINDOWS) {
      throw new IOException("booking " + id + " takes " + windows + " windows");
    }
    dev.talon.queue.Channel channel = in.readBoolean() ? in.constant(dev.talon.queue.Channel.class) : null;
    return new Booking(id, code, service, windowStart, starts, ends, state, person, ticket, bookedAt, windows,
        channel);
  }

  private static void readFloor(BranchConfig config, In in, Core c) throws IOException, Unusable {
    int desks = in.count("desks", 1 << 20);
    if (desks != config.desks().size()) {
      throw new Unusable("it has " + desks + " desks and the configuration " + config.desks().size());
    }
    for (int i = 0; i < desks; i++) {
      c.desks[i] = new DeskSlot(in.constant(DeskState.class), in.nullable(), in.readBoolean());
      c.deskCurrent[i] = in.readLong();
    }
    c.serviceMean = in.doubles(config.services().size());
    c.serviceVar = in.doubles(config.services().size());
    BoardView.Call[] calls = new BoardView.Call[in.count("board calls", Core.BOARD_CALLS)];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = new BoardView.Call(in.string(), in.string(), in.instant(), in.readInt());
    }
    c.restoreCalls(calls);
    for (int n = in.count("postponements", Integer.MAX_VALUE); n > 0; n--) {
      c.postponed.put(in.readLong(), in.instant());
    }
    readFlags(in, c.notified);
    readFlags(in, c.breached);
    int lines = in.count("line breaches", config.services().size());
    if (lines != config.services().size()) {
      throw new Unusable("it has " + lines + " line-breach flags for " + config.services().size() + " services");
    }
    for (int i = 0; i < lines; i++) {
      c.lineBreached[i] = in.readBoolean();
    }
  }

  private static void readFlags(In in, Set<Long> flags) throws IOException {
    for (int n = in.count("flags", Integer.MAX_VALUE); n > 0; n--) {
      long id = in.readLong();
      if (in.readBoolean()) {
        flags.add(id);
      }
    }
  }

  /** A checked reader: counts are bounded by what is left, enum names must exist. */
  private static final class In extends DataInputStream {
    private final int length;

    In(byte[] bytes) {
      super(new ByteArrayInputStream(bytes));
      this.length = bytes.length;
    }

    int count(String what, int max) throws IOException {
      int n = readInt();
      if (n < 0 || n > max || n > length) {
        throw new IOException("the count of " + what + " is " + n + ", outside 0.." + Math.min(max, length));
      }
      return n;
    }

    String string() throws IOException {
      int n = count("string bytes", available());
      byte[] b = new byte[n];
      readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    /** A count that cannot be negative. */
    int counter() throws IOException {
      int n = readInt();
      if (n < 0) {
        throw new IOException("a counter is negative: " + n);
      }
      return n;
    }

    String nullable() throws IOException {
      return readBoolean() ? string() : null;
    }

    byte[] bytes() throws IOException {
      byte[] b = new byte[count("bytes", available())];
      readFully(b);
      return b;
    }

    Instant instant() throws IOException {
      return readBoolean() ? Instant.ofEpochSecond(readLong(), readInt()) : null;
    }

    <E extends Enum<E>> E constant(Class<E> type) throws IOException {
      String name = string();
      try {
        return Enum.valueOf(type, name);
      } catch (IllegalArgumentException e) {
        throw new IOException(type.getSimpleName() + " has no constant " + name);
      }
    }

    int[] ints(int expected) throws IOException {
      int n = count("ints", available() / 4);
      if (n != expected) {
        throw new IOException("expected " + expected + " counters, found " + n);
      }
      int[] a = new int[n];
      for (int i = 0; i < n; i++) {
        a[i] = readInt();
      }
      return a;
    }

    long[] longs() throws IOException {
      long[] a = new long[count("longs", available() / 8)];
      for (int i = 0; i < a.length; i++) {
        a[i] = readLong();
      }
      return a;
    }

    double[] doubles(int expected) throws IOException {
      int n = count("doubles", available() / 8);
      if (n != expected) {
        throw new IOException("expected " + expected + " per-service values, found " + n);
      }
      double[] a = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = readDouble();
      }
      return a;
    }
  }
}
