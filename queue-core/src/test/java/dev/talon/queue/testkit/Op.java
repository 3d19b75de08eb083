package dev.talon.queue.testkit;

import dev.talon.queue.AdmissionMode;
import dev.talon.queue.BookRequest;
import dev.talon.queue.Branch;
import dev.talon.queue.IssueRequest;
import dev.talon.queue.TransferRequest;
import dev.talon.queue.spi.ManualClock;
import java.time.Instant;

/**
 * One concrete operation on a branch, with every id and code already resolved, so that it can be
 * applied to an engine and to the {@link ReferenceModel} alike, and replayed later unchanged.
 * {@link SetClock} moves the clock and calls nothing.
 */
public sealed interface Op {

  record Issue(IssueRequest request) implements Op {}

  record Book(BookRequest request) implements Op {}

  record CancelBooking(String code) implements Op {}

  record CheckIn(String code) implements Op {}

  record CallNext(String desk) implements Op {}

  record Recall(long ticketId) implements Op {}

  record ReturnCall(long ticketId) implements Op {}

  record Start(long ticketId) implements Op {}

  record Finish(long ticketId) implements Op {}

  record NoShow(long ticketId) implements Op {}

  record Cancel(long ticketId) implements Op {}

  record SetMode(AdmissionMode mode) implements Op {}

  record Rotate() implements Op {}

  record SetClock(Instant at) implements Op {}

  /** {@code indefinitely}, else for {@code period}, or for the configured period when that is null. */
  record Postpone(long ticketId, java.time.Duration period, boolean indefinitely) implements Op {}

  record Resume(long ticketId) implements Op {}

  record Transfer(long ticketId, TransferRequest request) implements Op {}

  record CallTicket(String desk, long ticketId) implements Op {}

  record OpenDesk(String desk) implements Op {}

  record PauseDesk(String desk, String reason) implements Op {}

  record CloseDesk(String desk) implements Op {}

  record SetAutoCall(String desk, boolean on) implements Op {}

  /** Runs the operation on the engine; the clock is only touched by {@link SetClock}. */
  default Outcome applyTo(Branch b, ManualClock clock) {
    return Outcome.of(() -> call(b, clock));
  }

  private Object call(Branch b, ManualClock clock) {
    if (this instanceof Issue o) {
      return b.issue(o.request());
    } else if (this instanceof Book o) {
      return b.book(o.request());
    } else if (this instanceof CancelBooking o) {
      return b.cancelBooking(o.code());
    } else if (this instanceof CheckIn o) {
      return b.checkIn(o.code());
    } else if (this instanceof CallNext o) {
      return b.callNext(o.desk());
    } else if (this instanceof Recall o) {
      return b.recall(o.ticketId());
    } else if (this instanceof ReturnCall o) {
      return b.returnCall(o.ticketId());
    } else if (this instanceof Start o) {
      return b.startService(o.ticketId());
    } else if (this instanceof Finish o) {
      return b.finish(o.ticketId());
    } else if (this instanceof NoShow o) {
      return b.noShow(o.ticketId());
    } else if (this instanceof Cancel o) {
      return b.cancel(o.ticketId());
    } else if (this instanceof SetMode o) {
      b.setAdmissionMode(o.mode());
      return null;
    } else if (this instanceof Rotate) {
      b.rotate();
      return null;
    } else if (this instanceof Postpone o) {
      if (o.indefinitely()) {
        return b.postponeIndefinitely(o.ticketId());
      }
      return o.period() == null ? b.postpone(o.ticketId()) : b.postpone(o.ticketId(), o.period());
    } else if (this instanceof Resume o) {
      return b.resume(o.ticketId());
    } else if (this instanceof Transfer o) {
      return b.transfer(o.ticketId(), o.request());
    } else if (this instanceof CallTicket o) {
      return b.callTicket(o.desk(), o.ticketId());
    } else if (this instanceof OpenDesk o) {
      b.openDesk(o.desk());
      return null;
    } else if (this instanceof PauseDesk o) {
      b.pauseDesk(o.desk(), o.reason());
      return null;
    } else if (this instanceof SetAutoCall o) {
      b.setAutoCall(o.desk(), o.on());
      return null;
    } else if (this instanceof CloseDesk o) {
      b.closeDesk(o.desk());
      return null;
    } else if (this instanceof SetClock o) {
      clock.set(o.at());
      return null;
    }
    throw new IllegalStateException("unhandled op " + this);
  }
}
