package dev.talon.queue.policies;

import dev.talon.queue.BookRequest;
import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.Limits;
import dev.talon.queue.Talon;
import dev.talon.queue.Ticket;
import dev.talon.queue.spi.ManualClock;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.QueueClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A UTC branch open around the clock, on a manual clock from 08:00, for the policies' rule tests. */
final class TestBranch {
  static final Instant START = Instant.parse("2026-03-02T08:00:00Z");

  final ManualClock clock = QueueClock.manual(START);
  final Branch branch;

  /** Services a, b, c; desk "1" serves all of them, desk "2" serves a and b. */
  TestBranch(Policy<?> policy) {
    this(policy, Limits.defaults());
  }

  TestBranch(Policy<?> policy, Limits limits) {
    this.branch = Talon.newBranch("rules").clock(clock).policy(policy).limits(limits)
        .service("a", "A", "a").service("b", "B", "b").service("c", "C", "c")
        .capacity("a", 100).capacity("b", 100).capacity("c", 100)
        .desk("1", "a", "b", "c").desk("2", "a", "b")
        .build();
  }

  void at(String hhmm) {
    clock.set(Instant.parse("2026-03-02T" + hhmm + ":00Z"));
  }

  void advance(int minutes) {
    clock.advance(Duration.ofMinutes(minutes));
  }

  Ticket walkIn(String service, String... categories) {
    return branch.issue(IssueRequest.walkIn(service).withCategories(categories));
  }

  /** Books the window starting at {@code hhmm} today and returns its code. */
  String book(String service, String hhmm) {
    return branch.book(BookRequest.of(service, LocalDateTime.parse("2026-03-02T" + hhmm))).code();
  }

  /** Books the window starting at {@code hhmm} and checks in now. */
  Ticket booked(String service, String hhmm) {
    return branch.checkIn(book(service, hhmm));
  }

  /** The display numbers of {@code n} calls by the desk (fewer when it runs dry). */
  List<String> calls(String desk, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      branch.callNext(desk).ifPresent(t -> out.add(t.display()));
    }
    return out;
  }

  /** The line classes of {@code n} calls by the desk. */
  List<String> classes(String desk, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      branch.callNext(desk).ifPresent(t -> out.add(t.line()));
    }
    return out;
  }

  static LocalDateTime local(Instant t) {
    return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
