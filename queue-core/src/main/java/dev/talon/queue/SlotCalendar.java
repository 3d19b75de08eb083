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
 * @param schedule           capacity by time range, weekday and date, overriding {@code capacity} where a
 *                           rule matches (see {@link CapacityRule}); later rules win
 * @param holdTime           how long a {@link Branch#hold held} place waits for its confirmation
 * @param offerTime          how long a place offered to the first visitor on a waiting list waits for acceptance
 * @param minLeadTime        how long before its start a window can still be booked, held or moved to (0: until it ends)
 * @param quotas             shares of a service's windows reserved per {@link Channel}; at most one per service
 * @param cooldown           how long a place freed by a cancellation (or left by a reschedule) stays closed to new
 *                           bookings when nobody waits for it (0: none); a waiting list is offered it at once
 * @param personLimit        how many places a person may have within a span of days; null for no limit
 */
public record SlotCalendar(Duration windowLength, Map<String, Integer> capacity, int bookingHorizonDays,
    java.util.List<CapacityRule> schedule, Duration holdTime, Duration offerTime, Duration minLeadTime,
    java.util.List<ChannelQuota> quotas, Duration cooldown, BookingLimit personLimit) {
  /** How long a held place waits for confirmation by default: 20 minutes (as Berlin's ZMS). */
  public static final Duration DEFAULT_HOLD = Duration.ofMinutes(20);

  /** How long an offer to a visitor on a waiting list waits for acceptance by default: 60 minutes. */
  public static final Duration DEFAULT_OFFER = Duration.ofMinutes(60);

  /** A calendar without a capacity schedule, holding places for {@link #DEFAULT_HOLD} and offering for {@link #DEFAULT_OFFER}. */
  public SlotCalendar(Duration windowLength, Map<String, Integer> capacity, int bookingHorizonDays) {
    this(windowLength, capacity, bookingHorizonDays, java.util.List.of(), DEFAULT_HOLD, DEFAULT_OFFER, Duration.ZERO);
  }

  /** A calendar without channel quotas, cool-down or per-person limit. */
  public SlotCalendar(Duration windowLength, Map<String, Integer> capacity, int bookingHorizonDays,
      java.util.List<CapacityRule> schedule, Duration holdTime, Duration offerTime, Duration minLeadTime) {
    this(windowLength, capacity, bookingHorizonDays, schedule, holdTime, offerTime, minLeadTime, java.util.List.of(),
        Duration.ZERO, null);
  }

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
    if (schedule == null || schedule.stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidConfigurationException("capacity schedule must be a list of rules, was " + schedule);
    }
    schedule = java.util.List.copyOf(schedule);
    if (holdTime == null || holdTime.compareTo(Duration.ofSeconds(1)) < 0 || holdTime.compareTo(Duration.ofDays(1)) > 0) {
      throw new InvalidConfigurationException("hold time must be between 1 second and 1 day, was " + holdTime);
    }
    if (offerTime == null || offerTime.compareTo(Duration.ofSeconds(1)) < 0 || offerTime.compareTo(Duration.ofDays(1)) > 0) {
      throw new InvalidConfigurationException("offer time must be between 1 second and 1 day, was " + offerTime);
    }
    if (minLeadTime == null || minLeadTime.isNegative() || minLeadTime.compareTo(Duration.ofDays(366)) > 0) {
      throw new InvalidConfigurationException("minimum lead time must be between 0 and 366 days, was " + minLeadTime);
    }
    if (quotas == null || quotas.stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidConfigurationException("channel quotas must be a list of quotas, was " + quotas);
    }
    if (quotas.stream().map(ChannelQuota::service).distinct().count() < quotas.size()) {
      throw new InvalidConfigurationException("channel quotas must name each service once, were " + quotas);
    }
    quotas = java.util.List.copyOf(quotas);
    if (cooldown == null || cooldown.isNegative() || cooldown.compareTo(Duration.ofDays(1)) > 0) {
      throw new InvalidConfigurationException("cool-down must be between 0 and 1 day, was " + cooldown);
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
    return new SlotCalendar(windowLength, copy, bookingHorizonDays, schedule, holdTime, offerTime, minLeadTime,
        quotas, cooldown, personLimit);
  }

  /** A copy with another window length. */
  public SlotCalendar withWindowLength(Duration length) {
    return new SlotCalendar(length, capacity, bookingHorizonDays, schedule, holdTime, offerTime, minLeadTime,
        quotas, cooldown, personLimit);
  }

  /** A copy with another booking horizon. */
  public SlotCalendar withBookingHorizonDays(int days) {
    return new SlotCalendar(windowLength, capacity, days, schedule, holdTime, offerTime, minLeadTime,
        quotas, cooldown, personLimit);
  }

  /** A copy with these capacity rules added after the existing ones (so they win where they match). */
  public SlotCalendar withSchedule(CapacityRule... rules) {
    java.util.List<CapacityRule> all = new java.util.ArrayList<>(schedule);
    all.addAll(java.util.Arrays.asList(rules));
    return new SlotCalendar(windowLength, capacity, bookingHorizonDays, all, holdTime, offerTime, minLeadTime,
        quotas, cooldown, personLimit);
  }

  /** A copy that holds places for this long. */
  public SlotCalendar withHoldTime(Duration time) {
    return new SlotCalendar(windowLength, capacity, bookingHorizonDays, schedule, time, offerTime, minLeadTime,
        quotas, cooldown, personLimit);
  }

  /** A copy in which a window can be booked only this long before its start. */
  public SlotCalendar withMinLeadTime(Duration lead) {
    return new SlotCalendar(windowLength, capacity, bookingHorizonDays, schedule, holdTime, offerTime, lead,
        quotas, cooldown, personLimit);
  }

  /** A copy that offers freed places to visitors on a waiting list for this long. */
  public SlotCalendar withOfferTime(Duration time) {
    return new SlotCalendar(windowLength, capacity, bookingHorizonDays, schedule, holdTime, time, minLeadTime,
        quotas, cooldown, personLimit);
  }

  /** A copy with these channel quotas (replacing any earlier ones). */
  public SlotCalendar withQuotas(ChannelQuota... quotas) {
    return new SlotCalendar(windowLength, capacity, bookingHorizonDays, schedule, holdTime, offerTime, minLeadTime,
        java.util.List.of(quotas), cooldown, personLimit);
  }

  /** A copy in which a cancelled place stays closed this long when nobody waits for it. */
  public SlotCalendar withCooldown(Duration time) {
    return new SlotCalendar(windowLength, capacity, bookingHorizonDays, schedule, holdTime, offerTime, minLeadTime,
        quotas, time, personLimit);
  }

  /** A copy with this per-person limit (null: none). */
  public SlotCalendar withPersonLimit(BookingLimit limit) {
    return new SlotCalendar(windowLength, capacity, bookingHorizonDays, schedule, holdTime, offerTime, minLeadTime,
        quotas, cooldown, limit);
  }

  /** The channel quota of the service; null when its windows reserve nothing. */
  public ChannelQuota quotaOf(String service) {
    for (int i = 0; i < quotas.size(); i++) {
      if (quotas.get(i).service().equals(service)) {
        return quotas.get(i);
      }
    }
    return null;
  }

  /**
   * Places of the service in the window starting at this local time, under the schedule and then
   * these extra rules (given at runtime; they win over the schedule).
   */
  public int capacityAt(String service, java.time.LocalDateTime windowStart, java.util.List<CapacityRule> extra) {
    int dated = -1;
    int weekly = -1;
    for (int pass = 0; pass < 2; pass++) {
      java.util.List<CapacityRule> rules = pass == 0 ? schedule : extra;
      for (int i = 0; i < rules.size(); i++) {
        CapacityRule r = rules.get(i);
        if (r.matches(service, windowStart)) {
          if (r.date() != null) {
            dated = r.places();
          } else {
            weekly = r.places();
          }
        }
      }
    }
    return dated >= 0 ? dated : weekly >= 0 ? weekly : capacityOf(service);
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
