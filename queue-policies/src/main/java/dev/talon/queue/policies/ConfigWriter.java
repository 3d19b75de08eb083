package dev.talon.queue.policies;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.talon.queue.Origin;
import java.util.Collection;
import java.util.Locale;

/** Writes PolicyConfig records in their JSON form, the exact inverse of {@link ConfigReader}. */
final class ConfigWriter {
  /** Decimals read exactly, written plainly; duplicate keys refused. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private ConfigWriter() {}

  static ObjectNode write(PolicyConfig c) {
    if (c instanceof PolicyConfig.Classify k) {
      ObjectNode node = write(k.inner());
      ObjectNode classify = node.putObject("classify");
      ArrayNode rules = classify.putArray("rules");
      k.rules().forEach(r -> rules.add(rule(r)));
      if (k.otherwise() != null) {
        classify.put("otherwise", k.otherwise());
      }
      return node;
    }
    if (c instanceof PolicyConfig.Custom x) {
      return (ObjectNode) x.config();
    }
    ObjectNode n = MAPPER.createObjectNode().put("type", c.type());
    if (c instanceof PolicyConfig.Priority p) {
      strings(n.putArray("order"), p.order());
    } else if (c instanceof PolicyConfig.Ratio r) {
      ObjectNode w = n.putObject("weights");
      r.weights().forEach(w::put);
    } else if (c instanceof PolicyConfig.Deficit d) {
      ObjectNode w = n.putObject("weights");
      d.weights().forEach(w::put);
    } else if (c instanceof PolicyConfig.MaxWait m) {
      n.put("limit", m.limit().toString());
      if (!m.limits().isEmpty()) {
        ObjectNode l = n.putObject("limits");
        m.limits().forEach((k2, v) -> l.put(k2, v.toString()));
      }
      n.set("inner", write(m.inner()));
    } else if (c instanceof PolicyConfig.BookedTime b) {
      n.put("lateLimit", b.lateLimit().toString());
    } else if (c instanceof PolicyConfig.Deadline d) {
      ObjectNode t = n.putObject("targets");
      d.targets().forEach((k2, v) -> t.put(k2, v.toString()));
    } else if (c instanceof PolicyConfig.DeskPreferences d) {
      ObjectNode desks = n.putObject("desks");
      d.desks().forEach((desk, prefs) -> {
        ObjectNode p = desks.putObject(desk);
        prefs.forEach((service, pref) -> p.put(service, pref.jsonName()));
      });
      n.set("inner", write(d.inner()));
    } else if (c instanceof PolicyConfig.Schedule s) {
      ArrayNode steps = n.putArray("steps");
      for (PolicyConfig.Step step : s.steps()) {
        ObjectNode o = steps.addObject();
        if (step.from() != null) {
          o.put("from", step.from().toString());
        }
        o.set("policy", write(step.policy()));
      }
    }
    return n;
  }

  private static JsonNode rule(PolicyConfig.Rule r) {
    ObjectNode o = MAPPER.createObjectNode();
    if (!r.origins().isEmpty()) {
      ArrayNode a = o.putArray("origins");
      r.origins().forEach(x -> a.add(origin(x)));
    }
    if (!r.categories().isEmpty()) {
      strings(o.putArray("categories"), r.categories());
    }
    if (!r.services().isEmpty()) {
      strings(o.putArray("services"), r.services());
    }
    if (r.late() != null) {
      o.put("late", r.late());
    }
    return o.put("line", r.line());
  }

  static String origin(Origin o) {
    return o.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void strings(ArrayNode a, Collection<String> values) {
    values.forEach(a::add);
  }
}
