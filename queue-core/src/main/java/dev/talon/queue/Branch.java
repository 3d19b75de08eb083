package dev.talon.queue;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The queue engine of one branch (service centre), built by {@link Talon#newBranch(String)}.
 *
 * <p>All operations are thread-safe. Issue and call-next take no locks: each operation computes
 * the branch's next immutable state and installs it with one compare-and-set, retrying on
 * contention. An operation either completes, with its events in the store, or throws a
 * {@link QueueException} and changes nothing.
 *
 * <p>Every operation first lets the branch catch up with the clock: a new local day restarts the
 * numbering, slot windows rotate, and bookings never checked in expire at window end plus grace.
 */
public interface Branch extends AutoCloseable {

  /** The branch id. */
  String id();

  /** The branch's time zone; days, windows and opening hours follow it. */
  ZoneId zone();

  /** Issues a walk-in or remote ticket. Retrying with the same request id returns the same ticket. */
  Ticket issue(IssueRequest request);

  /** Books a place in a slot window. Retrying with the same request id returns the same booking. */
  Booking book(BookRequest request);

  /** Cancels a booking that is not yet checked in; its place is released. */
  Booking cancelBooking(String code);

  /** Checks a booking in and issues its ticket. */
  Ticket checkIn(String code);

  /** The desk calls the next ticket chosen by the policy; empty when nothing waits for it. */
  Optional<Ticket> callNext(String deskId);

  /** Calls the ticket again; past the recall limit it becomes a no-show. */
  Ticket recall(long ticketId);

  /** The desk hands the call back: the ticket waits again at its old place. */
  Ticket returnCall(long ticketId);

  /** The called visitor arrived at the desk. */
  Ticket startService(long ticketId);

  /** The desk finished serving the visitor. */
  Ticket finish(long ticketId);

  /** The called visitor did not come. */
  Ticket noShow(long ticketId);

  /** Cancels a waiting ticket. */
  Ticket cancel(long ticketId);

  /**
   * Postpones a waiting or called ticket for the configured postpone period; it returns to its
   * line by itself when the period ends (see {@link Limits#postponeReturn()}).
   */
  Ticket postpone(long ticketId);

  /** Postpones a waiting or called ticket for {@code period}. */
  Ticket postpone(long ticketId, java.time.Duration period);

  /** Postpones a waiting or called ticket until {@link #resume(long)} brings it back. */
  Ticket postponeIndefinitely(long ticketId);

  /** Brings a postponed ticket back to its line now. */
  Ticket resume(long ticketId);

  /**
   * Transfers a ticket being served (or called) to another service; returns the new ticket, which
   * waits in the other service's line.
   */
  Ticket transfer(long ticketId, TransferRequest request);

  /** The desk calls this ticket by name (walk-direct), bypassing the policy. */
  Ticket callTicket(String deskId, long ticketId);

  /** Opens the desk. */
  void openDesk(String deskId);

  /** Pauses the desk, saying why; a paused desk calls nothing. */
  void pauseDesk(String deskId, String reason);

  /** Closes the desk; a closed desk calls nothing. */
  void closeDesk(String deskId);

  /** Makes the desk call the next ticket by itself whenever it is open and free. */
  void setAutoCall(String deskId, boolean on);

  /** The desk's current status. */
  DeskStatus deskStatus(String deskId);

  /** The expected wait of a waiting ticket under the current policy, with a range. */
  WaitEstimate estimate(long ticketId);

  /** What a display board shows now. */
  BoardView board();

  /** The statistics of a branch-local day, up to now. */
  DailyStatistics statistics(java.time.LocalDate day);

  /**
   * The ticket's current snapshot. Tickets of earlier days that reached a terminal state are
   * forgotten when a new day starts (their events stay in the store).
   */
  Optional<Ticket> ticket(long ticketId);

  /** The booking with this code. */
  Optional<Booking> booking(String code);

  /** Where the ticket stands in its line. */
  Position position(long ticketId);

  /** The tickets waiting for the service, in line order within each line. */
  List<Ticket> waiting(String service);

  /**
   * Switches the branch's policy now, in one operation: waiting tickets keep their lines and
   * places, the new policy starts with a fresh state, and the switch is an event, so a replay
   * switches at the same point. The policy must describe itself ({@link
   * dev.talon.queue.spi.Policy#configuration()}) and the branch's policy resolver must be able to
   * rebuild it from that (see {@link Talon#policyResolver}).
   */
  void setPolicy(dev.talon.queue.spi.Policy<?> policy);

  /** The name of the policy in force. */
  String policyName();

  /** Switches between booking only, mixed and walk-in only. */
  void setAdmissionMode(AdmissionMode mode);

  /** The current admission mode. */
  AdmissionMode admissionMode();

  /**
   * Holds a place in a slot window for {@link SlotCalendar#holdTime()} while the visitor fills in
   * the booking form; the place counts against the window's capacity until the hold is confirmed,
   * released, or expires (released once, by the branch's clock). Checked like {@link #book}; a
   * retry with the same request id returns the first hold (as it is now, or as it was made if it
   * has ended since) and holds nothing twice.
   */
  Hold hold(BookRequest request);

  /** Turns a live hold into a booking of the same place (its code is the booking's). */
  Booking confirm(long holdId);

  /**
   * {@link #confirm(long)} with an idempotency key: a retry with the same request id returns the
   * booking the first one made (as it is now) and confirms nothing twice; null: no key.
   */
  Booking confirm(long holdId, String requestId);

  /** Lets a live hold go before its expiry; returns it as it was. */
  Hold releaseHold(long holdId);

  /**
   * The live holds, by id. Never waits for the writer: it reads the holds as completed operations
   * published them, so it sees every operation that returned before it began.
   */
  List<Hold> liveHolds();

  /**
   * Puts the visitor on the waiting list of a full window. When a place there frees, the first
   * visitor waiting is offered it ({@code QueueEvent.PlaceOffered}: a hold for them until
   * {@link SlotCalendar#offerTime()}); {@link #confirm} with its hold id accepts it.
   */
  WaitlistEntry joinWaitlist(BookRequest request);

  /** Takes the visitor off the waiting list; returns the entry as it was. */
  WaitlistEntry leaveWaitlist(long entryId);

  /** The visitors waiting, in the order they joined; never waits for the writer (as {@link #liveHolds}). */
  List<WaitlistEntry> waitlist();

  /**
   * Moves a booking to another window of its service, keeping its code: atomically, the new place
   * is taken and the old one freed, or nothing changes (the new window is checked like {@link #book}).
   */
  Booking reschedule(String code, java.time.LocalDateTime windowStart);

  /**
   * {@link #reschedule(String, java.time.LocalDateTime)} with an idempotency key: a retry with the
   * same request id returns the booking as it is now and moves nothing twice; null: no key.
   */
  Booking reschedule(String code, java.time.LocalDateTime windowStart, String requestId);

  /**
   * Changes the opening hours of one date at runtime (no ranges: closed all day). Bookings and holds
   * of that date whose windows fall outside the new hours are released, cancelled or moved as
   * {@code affected} says, each with its own event; returns the affected bookings as they are after.
   */
  List<Booking> changeHours(java.time.LocalDate day, List<TimeRange> ranges, AffectedBookings affected);

  /**
   * Adds a capacity rule at runtime (it wins over the configured schedule where it matches). Where
   * it leaves fewer places than are booked and held, holds go first, then the newest bookings, as
   * {@code affected} says (REFUSE: the change is refused and nothing changes); returns the affected
   * bookings as they are after.
   */
  List<Booking> changeCapacity(CapacityRule rule, AffectedBookings affected);

  /** Lets the branch catch up with the clock now (rotation, expiry, day change) without other work. */
  void rotate();

  /** The sequence number of the last event applied. */
  long lastSeq();

  /** Stops any rotation scheduler; further operations throw {@link EngineClosedException}. */
  // ---------------------------------------------------------------- asynchronous operations

  /*
   * Every operation that changes state also has an asynchronous form. It is applied exactly as its
   * blocking form (the blocking methods are thin wrappers that wait), and its future completes when
   * the blocking form would return: in SYNC and GROUP once the operation's events are committed, in
   * ASYNC and with a non-durable store once they are applied. It fails with the exception the
   * blocking form would throw (a QueueException), except that a bad argument found before the
   * operation is submitted (a null request, an admission refusal) is thrown at once. The calling
   * thread may apply queued operations (never waiting for I/O while it does); commits of
   * asynchronous operations run on the branch's commit thread.
   */

  /** Asynchronous {@link #issue}. */
  java.util.concurrent.CompletableFuture<Ticket> issueAsync(IssueRequest request);

  /** Asynchronous {@link #book}. */
  java.util.concurrent.CompletableFuture<Booking> bookAsync(BookRequest request);

  /** Asynchronous {@link #cancelBooking}. */
  java.util.concurrent.CompletableFuture<Booking> cancelBookingAsync(String code);

  /** Asynchronous {@link #checkIn}. */
  java.util.concurrent.CompletableFuture<Ticket> checkInAsync(String code);

  /** Asynchronous {@link #callNext}. */
  java.util.concurrent.CompletableFuture<Optional<Ticket>> callNextAsync(String deskId);

  /**
   * A desk that waits for its next visitor instead of polling {@link #callNext}: the future
   * completes with the ticket called at {@code deskId} as soon as one can be called there (at
   * once if one waits), by the policy's choice as {@link #callNext} would make it. Woken by the
   * branch's own state changes, not by polling. Several waits of one desk are served in the
   * order they began, each with its own ticket.
   *
   * <p>The wait ends with {@link java.util.concurrent.TimeoutException} after {@code timeout},
   * with {@link EngineClosedException} when the branch closes, with the failure of the call (e.g.
   * a desk that was closed) or when the caller cancels the future. A ticket called for a wait that
   * ended meanwhile is handed back ({@link #returnCall}) and waits again at its place. The future
   * completes on an engine or pool thread: do heavy work in an {@code ...Async} stage.
   *
   * @throws UnknownDeskException for a desk the branch does not have
   * @throws InvalidRequestException for a timeout that is not positive
   */
  java.util.concurrent.CompletableFuture<Ticket> awaitNext(String deskId, java.time.Duration timeout);

  /** Asynchronous {@link #recall}. */
  java.util.concurrent.CompletableFuture<Ticket> recallAsync(long ticketId);

  /** Asynchronous {@link #returnCall}. */
  java.util.concurrent.CompletableFuture<Ticket> returnCallAsync(long ticketId);

  /** Asynchronous {@link #startService}. */
  java.util.concurrent.CompletableFuture<Ticket> startServiceAsync(long ticketId);

  /** Asynchronous {@link #finish}. */
  java.util.concurrent.CompletableFuture<Ticket> finishAsync(long ticketId);

  /** Asynchronous {@link #noShow}. */
  java.util.concurrent.CompletableFuture<Ticket> noShowAsync(long ticketId);

  /** Asynchronous {@link #cancel}. */
  java.util.concurrent.CompletableFuture<Ticket> cancelAsync(long ticketId);

  /** Asynchronous {@link #postpone(long, java.time.Duration)}. */
  java.util.concurrent.CompletableFuture<Ticket> postponeAsync(long ticketId, java.time.Duration period);

  /** Asynchronous {@link #postponeIndefinitely}. */
  java.util.concurrent.CompletableFuture<Ticket> postponeIndefinitelyAsync(long ticketId);

  /** Asynchronous {@link #resume}. */
  java.util.concurrent.CompletableFuture<Ticket> resumeAsync(long ticketId);

  /** Asynchronous {@link #transfer}. */
  java.util.concurrent.CompletableFuture<Ticket> transferAsync(long ticketId, TransferRequest request);

  /** Asynchronous {@link #callTicket}. */
  java.util.concurrent.CompletableFuture<Ticket> callTicketAsync(String deskId, long ticketId);

  /**
   * Asynchronous {@link #openDesk}, {@link #pauseDesk} and {@link #closeDesk}: sets the desk's
   * state ({@code reason} is required for PAUSED and ignored for OPEN).
   */
  java.util.concurrent.CompletableFuture<Void> setDeskStateAsync(String deskId, DeskState state, String reason);

  /** Asynchronous {@link #setAutoCall}. */
  java.util.concurrent.CompletableFuture<Void> setAutoCallAsync(String deskId, boolean on);

  /** Asynchronous {@link #setPolicy}. */
  java.util.concurrent.CompletableFuture<Void> setPolicyAsync(dev.talon.queue.spi.Policy<?> policy);

  /** Asynchronous {@link #setAdmissionMode}. */
  java.util.concurrent.CompletableFuture<Void> setAdmissionModeAsync(AdmissionMode mode);

  /** Asynchronous {@link #rotate}. */
  java.util.concurrent.CompletableFuture<Void> rotateAsync();

  @Override
  void close();
}
