package dev.talon.queue.jdbc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.talon.queue.QueueEvent;
import dev.talon.queue.StorageException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON form of {@link QueueEvent}s: one object per event, its fields by record component name
 * and its kind in a {@code "type"} property holding the record's simple name, e.g.
 * {@code {"type":"TicketCalled","seq":7,"at":"2026-11-24T09:12:03Z","ticketId":3,"desk":"4","line":"booked"}}.
 * Times and durations are ISO-8601 strings; absent optional values are left out.
 *
 * <p>queue-core has no Jackson dependency, so the type information is attached here, through a
 * mix-in on the sealed interface and one named subtype per permitted record. Other modules that
 * keep their own {@link ObjectMapper} register {@link #module()} to read and write events the same
 * way. An instance is immutable and thread-safe.
 */
public final class EventCodec {
  /** The name of the JSON property that holds the event type. */
  public static final String TYPE_PROPERTY = "type";

  private static final Map<String, Class<? extends QueueEvent>> TYPES = types();

  private final ObjectMapper mapper;

  /** A codec with its own mapper. */
  public EventCodec() {
    this.mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }

  /**
   * The Jackson module that makes a mapper read and write {@link QueueEvent} polymorphically; the
   * mapper also needs the JSR-310 module ({@code JavaTimeModule}) for the times.
   */
  public static Module module() {
    SimpleModule m = new SimpleModule("talon-events", Version.unknownVersion());
    m.setMixInAnnotation(QueueEvent.class, EventMixin.class);
    TYPES.forEach((name, type) -> m.registerSubtypes(new NamedType(type, name)));
    return m;
  }

  /** The type name of the event: its record's simple name, e.g. {@code TicketIssued}. */
  public static String typeName(QueueEvent event) {
    return event.getClass().getSimpleName();
  }

  /** Every event type name, in the order queue-core declares them. */
  public static Set<String> typeNames() {
    return TYPES.keySet();
  }

  /** The event as one JSON object. */
  public String write(QueueEvent event) {
    if (event == null) {
      throw new IllegalArgumentException("event must not be null");
    }
    try {
      return mapper.writerFor(QueueEvent.class).writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new StorageException("event " + event.seq() + " of type " + typeName(event)
          + " could not be written as JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * Reads one event. The message of the exception thrown for malformed input names the type and
   * the field path where reading failed, never the values, which may be personal data.
   *
   * @throws StorageException if the JSON is not an event of a known type
   */
  public QueueEvent read(String json) {
    if (json == null) {
      throw new StorageException("event JSON must not be null");
    }
    // Jackson would also take a type id in array form (["TicketCalled", {...}]) and read
    // ["TicketCalled"] or null as a null event (found by EventCodecFuzzTest): only an object is one
    String start = json.stripLeading();
    if (!start.startsWith("{")) {
      throw new StorageException("event JSON must be a JSON object with a \"" + TYPE_PROPERTY + "\", was "
          + (start.isEmpty() ? "empty" : "not one (it starts with '" + start.charAt(0) + "')"));
    }
    try {
      QueueEvent event = mapper.readValue(json, QueueEvent.class);
      if (event == null) {
        throw new StorageException("event JSON must be a JSON object with a \"" + TYPE_PROPERTY + "\", was read as null");
      }
      return event;
    } catch (JsonMappingException e) {
      throw new StorageException("event JSON could not be read as a QueueEvent (known types: " + TYPES.keySet()
          + "); the problem is at " + path(e) + ": " + e.getClass().getSimpleName());
    } catch (JsonProcessingException e) {
      throw new StorageException("event JSON is malformed at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr());
    }
  }

  /** The mapper this codec uses (configured as described above); do not reconfigure it. */
  public ObjectMapper mapper() {
    return mapper;
  }

  private static String path(JsonMappingException e) {
    String p = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
    return p.isEmpty() ? "the top level" : "field " + p;
  }

  private static Map<String, Class<? extends QueueEvent>> types() {
    Map<String, Class<? extends QueueEvent>> types = new LinkedHashMap<>();
    Arrays.stream(QueueEvent.class.getPermittedSubclasses())
        .map(c -> c.asSubclass(QueueEvent.class))
        .forEach(c -> types.put(c.getSimpleName(), c));
    return Collections.unmodifiableMap(types);
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = TYPE_PROPERTY)
  private interface EventMixin {}
}
