package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link EventCodec#read(String)}, which reads every stored event when a branch opens: any
 * input either is an event, which writes back to JSON that reads as the same event, or fails with
 * a {@link StorageException}; any other exception is a finding.
 *
 * <p>In a plain build this replays the corpus in {@code EventCodecFuzzTestInputs/}; with
 * {@code -Pfuzz} Jazzer mutates it for 20 s.
 */
class EventCodecFuzzTest {
  private static final EventCodec CODEC = new EventCodec();

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({"\"type\"", "\"TicketIssued\"", "\"TicketCalled\"", "\"BookingMade\"", "\"seq\"", "\"at\"",
      "\"ticketId\"", "\"day\"", "\"personId\"", "\"categories\"", "\"origin\"", "\"WALK_IN\"", "\"BOOKED\"",
      "\"2026-11-24T09:12:03Z\"", "\"2026-11-24\"", "\"PT15M\"", "\"desk\"", "\"line\"", "null", "[]"})
  void read_anyInput_isAnEventOrAStorageException(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    QueueEvent event;
    try {
      event = CODEC.read(json);
    } catch (StorageException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(event).isNotNull();
    assertThat(CODEC.read(CODEC.write(event))).isEqualTo(event);
  }
}
