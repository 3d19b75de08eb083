package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.talon.queue.AdmissionMode;
import dev.talon.queue.Origin;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private final EventCodec codec = new EventCodec();

  @Test
  void writeThenRead_everyEventTypeWithRandomValues_givesAnEqualEvent() {
    AtomicInteger cases = new AtomicInteger();
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      for (Class<? extends QueueEvent> type : SampleEvents.TYPES) {
        QueueEvent e = SampleEvents.random(type, 1 + r.nextInt(1_000_000), r);
        String json = codec.write(e);
        assertThat(codec.read(json)).as(json).isEqualTo(e);
        cases.incrementAndGet();
      }
    });
    assertThat(cases.get()).isEqualTo(300 * SampleEvents.TYPES.size());
  }

  @Test
  void read_callEventsStoredBeforeDisplayAndService_decodeWithNullsForThem() {
    Instant at = Instant.parse("2026-11-24T09:12:03Z");
    String head = "\"seq\":7,\"at\":\"2026-11-24T09:12:03Z\",\"ticketId\":3";

    assertThat(codec.read("{\"type\":\"TicketCalled\"," + head + ",\"desk\":\"4\",\"line\":\"booked\",\"direct\":false}"))
        .isEqualTo(new QueueEvent.TicketCalled(7, at, 3, "4", "booked", false, null, null));
    assertThat(codec.read("{\"type\":\"TicketRecalled\"," + head + ",\"desk\":\"4\",\"recalls\":2}"))
        .isEqualTo(new QueueEvent.TicketRecalled(7, at, 3, "4", 2, null, null));
    assertThat(codec.read("{\"type\":\"CallReturned\"," + head + ",\"desk\":\"4\"}"))
        .isEqualTo(new QueueEvent.CallReturned(7, at, 3, "4", null, null));
    assertThat(codec.read("{\"type\":\"TicketTransferred\"," + head + ",\"newTicketId\":4,\"toService\":\"tax\"}"))
        .isEqualTo(new QueueEvent.TicketTransferred(7, at, 3, 4, "tax", null, null));
  }

  @Test
  void write_ticketCalled_carriesTheDisplayNumberAndService() {
    QueueEvent e = new QueueEvent.TicketCalled(7, Instant.parse("2026-11-24T09:12:03Z"), 3, "4", "booked", false,
        "A-017", "id-docs");

    assertThat(codec.write(e)).contains("\"display\":\"A-017\"", "\"service\":\"id-docs\"");
  }

  @Test
  void typeNames_areTheSimpleNamesOfEveryPermittedRecord() {
    assertThat(EventCodec.typeNames()).hasSize(QueueEvent.class.getPermittedSubclasses().length)
        .contains("TicketIssued", "TicketCalled", "BookingMade", "AdmissionModeChanged");
  }

  @Test
  void write_ticketIssued_isReadableJsonWithTypeAndIsoTimes() {
    QueueEvent e = new QueueEvent.TicketIssued(7, Instant.parse("2026-11-24T09:12:03.5Z"), 3,
        LocalDate.parse("2026-11-24"), "id-docs", 17, "A-017", Origin.WALK_IN, "walk-in", Set.of("elderly"), null, 0,
        null, 5, "req-1", 0, null);
    String json = codec.write(e);
    assertThat(json).startsWith("{\"type\":\"TicketIssued\",\"seq\":7,\"at\":\"2026-11-24T09:12:03.500Z\"")
        .contains("\"day\":\"2026-11-24\"", "\"display\":\"A-017\"", "\"origin\":\"WALK_IN\"",
            "\"categories\":[\"elderly\"]")
        .doesNotContain("personId", "bookedFor");
  }

  @Test
  void module_onAForeignMapper_readsWhatTheCodecWrote() throws Exception {
    ObjectMapper foreign = JsonMapper.builder().addModule(new JavaTimeModule()).addModule(EventCodec.module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    QueueEvent e = new QueueEvent.AdmissionModeChanged(4, Instant.parse("2026-11-24T10:00:00Z"), AdmissionMode.MIXED,
        AdmissionMode.BOOKING_ONLY);
    assertThat(foreign.readValue(codec.write(e), QueueEvent.class)).isEqualTo(e);
    assertThat(codec.read(foreign.writerFor(QueueEvent.class).writeValueAsString(e))).isEqualTo(e);
  }

  @Test
  void read_unknownType_throwsNamingTheKnownTypes() {
    assertThatThrownBy(() -> codec.read("{\"type\":\"TicketTeleported\",\"seq\":1,\"at\":\"2026-11-24T10:00:00Z\"}"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("known types").hasMessageContaining("TicketIssued");
  }

  @Test
  void read_wrongValueType_namesTheFieldButNotTheValue() {
    assertThatThrownBy(() -> codec.read("{\"type\":\"TicketCancelled\",\"seq\":1,\"at\":\"2026-11-24T10:00:00Z\","
        + "\"ticketId\":\"secret-person-770101\"}"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("ticketId")
        .hasMessageNotContaining("secret-person");
  }

  @Test
  void read_malformedJson_namesThePosition() {
    assertThatThrownBy(() -> codec.read("{\"type\":\"TicketCancelled\",\"seq\":1,"))
        .isInstanceOf(StorageException.class).hasMessageContaining("malformed").hasMessageContaining("column");
  }

  @Test
  void read_missingType_throws() {
    assertThatThrownBy(() -> codec.read("{\"seq\":1,\"at\":\"2026-11-24T10:00:00Z\",\"ticketId\":3}"))
        .isInstanceOf(StorageException.class);
  }

  @Test
  void read_typeNameInAnArray_isAStorageExceptionNotNull() {
    // found by EventCodecFuzzTest: Jackson's array form of a type id read as a null event
    assertThatThrownBy(() -> codec.read("[\"TicketCalled\"]"))
        .isInstanceOf(StorageException.class).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> codec.read("  null "))
        .isInstanceOf(StorageException.class).hasMessageContaining("must be a JSON object");
  }

  @Test
  void read_trailingContentAfterTheEvent_isAStorageException() {
    assertThatThrownBy(() -> codec.read("{\"type\":\"TicketCancelled\",\"seq\":1,\"at\":\"2026-11-24T10:00:00Z\","
        + "\"ticketId\":3}KL"))
        .isInstanceOf(StorageException.class).hasMessageContaining("malformed").hasMessageNotContaining("KL");
  }
}
