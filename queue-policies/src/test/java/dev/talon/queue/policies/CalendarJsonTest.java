package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.CapacityRule;
import dev.talon.queue.OpeningCalendar;
import dev.talon.queue.TimeRange;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalendarJsonTest {
  private static final String CENTRE = """
      {
        "week": {"WEEKDAYS": ["09:00-13:00", "14:00-20:00"], "SATURDAY": ["09:00-13:00"]},
        "exceptions": {"2026-03-04": [], "2026-03-14": ["09:00-16:00"]},
        "capacity": [
          {"service": "docs", "days": ["MONDAY", "TUESDAY"], "hours": "14:00-20:00", "places": 4},
          {"service": "docs", "date": "2026-03-05", "hours": "09:00-24:00", "places": 1}
        ],
        "quotas": [
          {"service": "docs", "percent": {"WEB": 60, "CALL_CENTRE": 20, "COUNTER": 20}, "releaseBefore": "PT24H"}
        ]
      }
      """;

  @Test
  void hours_ofACentresWeekWithExceptions_readsRangesPerDayAndDate() {
    OpeningCalendar c = CalendarJson.hours(CENTRE);
    assertThat(c.rangesOn(LocalDate.parse("2026-03-02")))
        .containsExactly(TimeRange.of("09:00", "13:00"), TimeRange.of("14:00", "20:00"));
    assertThat(c.rangesOn(LocalDate.parse("2026-03-07"))).containsExactly(TimeRange.of("09:00", "13:00"));
    assertThat(c.rangesOn(LocalDate.parse("2026-03-08"))).isEmpty();
    assertThat(c.rangesOn(LocalDate.parse("2026-03-04"))).isEmpty();
    assertThat(c.isOpen(LocalDateTime.parse("2026-03-14T15:00"))).isTrue();
    assertThat(CalendarJson.hours(CalendarJson.toJson(c))).isEqualTo(c);
  }

  @Test
  void capacity_ofTheSchedule_readsWeeklyAndDatedRules() {
    List<CapacityRule> rules = CalendarJson.capacity(CENTRE);
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY);
    assertThat(rules.get(1).date()).isEqualTo(LocalDate.parse("2026-03-05"));
    assertThat(rules.get(1).matches("docs", LocalDateTime.parse("2026-03-05T23:45"))).isTrue();
  }

  @Test
  void quotas_ofTheSchedule_readSharesPerChannelAndTheReleaseTime() {
    List<dev.talon.queue.ChannelQuota> quotas = CalendarJson.quotas(CENTRE);
    assertThat(quotas).containsExactly(new dev.talon.queue.ChannelQuota("docs", java.util.Map.of(
        dev.talon.queue.Channel.WEB, 60, dev.talon.queue.Channel.CALL_CENTRE, 20, dev.talon.queue.Channel.COUNTER, 20),
        java.time.Duration.ofHours(24)));
    assertThat(CalendarJson.quotas("{}")).isEmpty();
  }

  @Test
  void quotas_withBadValues_nameTheJsonPathOfEach() {
    assertThatThrownBy(() -> CalendarJson.quotas("{\"quotas\": [{\"service\": \"docs\", \"percent\": {\"FAX\": 10}}]}"))
        .isInstanceOf(PolicyConfigException.class).hasMessageStartingWith("$.quotas[0].percent.FAX: unknown channel");
    assertThatThrownBy(() -> CalendarJson.quotas("{\"quotas\": [{\"service\": \"docs\", \"percent\": {\"WEB\": 70,"
        + " \"COUNTER\": 40}}]}")).hasMessageStartingWith("$.quotas[0]: ").hasMessageContaining("add up to 110");
    assertThatThrownBy(() -> CalendarJson.quotas("{\"quotas\": [{\"service\": \"docs\", \"percent\": {},"
        + " \"releaseBefore\": \"1 day\"}]}")).hasMessageStartingWith("$.quotas[0].releaseBefore: an ISO-8601");
  }

  @Test
  void hours_withBadValues_nameTheJsonPathOfEach() {
    assertThatThrownBy(() -> CalendarJson.hours("{\"week\": {\"MONDAY\": [\"09:00-13:00\", \"9-13\"]}}"))
        .isInstanceOf(PolicyConfigException.class).hasMessageStartingWith("$.week.MONDAY[1]: a time range");
    assertThatThrownBy(() -> CalendarJson.hours("{\"week\": {\"MOONDAY\": []}}"))
        .hasMessageStartingWith("$.week.MOONDAY: a day of the week");
    assertThatThrownBy(() -> CalendarJson.hours("{\"week\": {\"MONDAY\": [\"09:00-13:00\", \"12:00-14:00\"]}}"))
        .hasMessageStartingWith("$.week.MONDAY: ").hasMessageContaining("overlap");
    assertThatThrownBy(() -> CalendarJson.hours("{\"exceptions\": {\"2026-02-30\": []}}"))
        .hasMessageStartingWith("$.exceptions.2026-02-30: a date");
    assertThatThrownBy(() -> CalendarJson.hours("{\"weeks\": {}}")).hasMessageStartingWith("$.weeks: unknown field");
    assertThatThrownBy(() -> CalendarJson.hours("{\"week\": ")).hasMessageStartingWith("$: malformed JSON");
  }

  @Test
  void capacity_withBadValues_nameTheJsonPathOfEach() {
    assertThatThrownBy(() -> CalendarJson.capacity("{\"capacity\": [{\"service\": \"docs\", \"hours\": \"14:00-18:00\","
        + " \"places\": -1}]}")).hasMessageStartingWith("$.capacity[0].places: places must be a whole number >= 0");
    assertThatThrownBy(() -> CalendarJson.capacity("{\"capacity\": [{\"service\": \"docs\", \"places\": 1}]}"))
        .hasMessageStartingWith("$.capacity[0].hours:");
    assertThatThrownBy(() -> CalendarJson.capacity("{\"capacity\": [{\"service\": \"docs\", \"days\": [\"SUNDAY\"],"
        + " \"date\": \"2026-03-05\", \"hours\": \"14:00-18:00\", \"places\": 1}]}"))
        .hasMessageStartingWith("$.capacity[0]: a capacity rule gives days of the week or a date, not both");
  }
}
