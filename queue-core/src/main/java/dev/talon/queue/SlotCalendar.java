package dev.talon.queue;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The booking calendar: the day, in the branch's time zone, is cut into windows of
 * {@code windowLength} starting at local midnight; each window holds {@code capacity.get(service)}
 * bookings of each service.
 *
 * @param windowLength       length of a slot window; divides 24 hours; at least one minute
 * @param capacity           places per window per service code; services not listed take no bookings
 * @param bookingHorizonDays how many days ahead booking opens (0 = today only)
 */
public record SlotCalendar(Duration windowLength, Map<String, Integer> capacity, int bookingHorizonDays) {
  /** The usual window: 15 minutes. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

  public SlotCalendar {
    if (windowLength == null || windowLength.compareTo(Duration.ofMinutes(1)) < 0
        || windowLength.toMillis() % 60_000 != 0 || 24 * 60 % windowLength.toMinutes() != 0) {
      throw new InvalidConfigurationException(
          "slot window length must be whole minutes that divide 24 hours, was " + windowLength);
    }
    if (capacity != null && capacity.keySet().stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidConfigurationException("slot capacity must name a service, was a null key in " + capacity);
    }
    capacity = capacity == null ? Map.of() : Map.copyOf(new TreeMap<>(capacity));
    capacity.forEach((service, places) -> {
      if (places == null || places < 0) {
        throw new InvalidConfigurationException(
            "capacity of service " + service + " must be >= 0, was " + places);
      }
    });
    if (bookingHorizonDays < 0 || bookingHorizonDays > 366) {
      throw new InvalidConfigurationException(
          "booking horizon must be between 0 and 366 days, was " + bookingHorizonDays);
    }
  }

  /** 15-minute windows, no capacity yet, booking 14 days ahead. */
  public static SlotCalendar defaults() {
    return new SlotCalendar(DEFAULT_WINDOW, Map.of(), 14);
  }

  /** A copy with {@code places} per window for the service. */
  public SlotCalendar withCapacity(String service, int places) {
    Map<String, Integer> copy = new TreeMap<>(capacity);
    copy.put(service, places);
    return new SlotCalendar(windowLength, copy, bookingHorizonDays);
  }

  /** A copy with another window length. */
  public SlotCalendar withWindowLength(Duration length) {
    return new SlotCalendar(length, capacity, bookingHorizonDays);
  }

  /** A copy with another booking horizon. */
  public SlotCalendar withBookingHorizonDays(int days) {
    return new SlotCalendar(windowLength, capacity, days);
  }

  /** Places per window for the service; 0 when it takes no bookings. */
  public int capacityOf(String service) {
    return capacity.getOrDefault(service, 0);
  }

  /** Number of windows in a day. */
  public int windowsPerDay() {
    return (int) (24 * 60 / windowLength.toMinutes());
  }
}
