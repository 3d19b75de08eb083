package dev.talon.queue.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.policies.contract.PolicyTestKit;
import dev.talon.queue.spi.Policy;
import dev.talon.queue.spi.StateCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The policies' state codecs on states of real branches, and on bytes that break their form. */
class StateCodecTest {

  static final String RATIO = """
      {"type": "ratio", "weights": {"booked": 3, "walk-in": 1},
       "classify": {"rules": [{"categories": ["x"], "line": "booked"}]}}""";
  static final String DEFICIT = """
      {"type": "deficit", "weights": {"booked": 2.5, "walk-in": 1},
       "classify": {"rules": [{"categories": ["x"], "line": "booked"}]}}""";

  /** Policy trees whose state moves, each from its JSON. */
  static final List<String> TREES = List.of(
      RATIO,
      DEFICIT,
      "{\"type\": \"max-wait\", \"limit\": \"PT45M\", \"inner\": " + RATIO + "}",
      "{\"type\": \"max-wait\", \"limit\": \"PT45M\", \"limits\": {\"booked\": \"PT20M\"}, \"inner\": " + DEFICIT + "}",
      "{\"type\": \"desk-preferences\", \"desks\": {\"1\": {\"a\": \"preferred\"}}, \"inner\": " + DEFICIT + "}",
      "{\"type\": \"longest-line\", \"minimum\": 6, \"inner\": " + RATIO + "}",
      """
      {"type": "schedule", "steps": [
        {"policy": %s},
        {"from": "2026-03-02T09:00:00Z", "policy": %s},
        {"from": "2026-03-02T10:00:00Z", "policy": {"type": "fifo"}}]}""".formatted(DEFICIT, RATIO));

  /**
   * Plays a morning on the policy: walk-ins for a and b (every third one of category x), calls by
   * desks 1 and 2 in turn, the clock moving 7 minutes per round; after every call the engine's
   * policy state must round-trip. Returns the last state.
   */
  static Object morning(Policy<?> policy, int rounds) throws IOException {
    TestBranch b = new TestBranch(policy);
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < 4; i++) {
        b.walkIn(i % 2 == 0 ? "a" : "b", (r + i) % 3 == 0 ? new String[] {"x"} : new String[0]);
      }
      for (String desk : new String[] {"1", "2", "1"}) {
        if (b.branch.callNext(desk).isPresent()) {
          assertRoundTrips(policy, PolicyTestKit.policyState(b.branch));
        }
      }
      b.advance(7);
    }
    return PolicyTestKit.policyState(b.branch);
  }

  static void assertRoundTrips(Policy<?> policy, Object state) throws IOException {
    byte[] bytes = PolicyTestKit.encode(policy, state);
    Object read = PolicyTestKit.decode(policy, bytes);
    assertThat(read).isEqualTo(state);
    assertThat(PolicyTestKit.encode(policy, read)).isEqualTo(bytes);
  }

  @Test
  void stateCodec_policyTreesFromJson_roundTripTheirStateAfterEveryCall() throws IOException {
    for (String json : TREES) {
      Policy<?> policy = Policies.fromJson(json);
      Object last = morning(policy, 20);

      assertThat(last).as(json).isNotNull().isNotEqualTo(policy.initialState());
      // recovery reads the snapshot with a policy rebuilt from the recorded JSON
      Policy<?> rebuilt = Policies.fromJson(Policies.toJson(policy));
      assertThat(PolicyTestKit.decode(rebuilt, PolicyTestKit.encode(policy, last))).as(json).isEqualTo(last);
    }
  }

  @Test
  void stateCodec_scheduleOfDeficitAndRatio_writesTheStepAndThatStepsState() throws IOException {
    Policy<?> policy = Policies.fromJson(TREES.get(TREES.size() - 1));

    SchedulePolicy.State underDeficit = (SchedulePolicy.State) morning(policy, 5); // calls from 08:00 to 08:28
    SchedulePolicy.State underRatio = (SchedulePolicy.State) morning(policy, 12); // calls from 08:00 to 09:17

    assertThat(underDeficit.step()).isZero();
    assertThat(underDeficit.inner()).isInstanceOf(DeficitPolicy.State.class);
    assertThat(underRatio.step()).isEqualTo(1);
    assertThat(underRatio.inner()).isInstanceOf(RatioPolicy.State.class);
    byte[] bytes = PolicyTestKit.encode(policy, underRatio);
    assertThat(Arrays.copyOf(bytes, 4)).containsExactly(0, 0, 0, 1);
  }

  @Test
  void stateCodec_delegatingPolicies_useTheInnerPolicysCodec() {
    Policy<?> ratio = Policies.fromJson(RATIO);
    Policy<?> maxWait = Policies.fromJson("{\"type\": \"max-wait\", \"limit\": \"PT45M\", \"inner\": " + RATIO + "}");
    RatioPolicy.State state = new RatioPolicy.State(Map.of("1", 2, "2", 3));

    assertThat(PolicyTestKit.encode(maxWait, state)).isEqualTo(PolicyTestKit.encode(ratio, state));
    assertThat(Policies.fromJson("{\"type\": \"fifo\"}").stateCodec()).isSameAs(StateCodec.stateless());
  }

  @Test
  void read_truncatedBytes_failsWithEOFException() throws IOException {
    for (String json : TREES) {
      Policy<?> policy = Policies.fromJson(json);
      byte[] bytes = PolicyTestKit.encode(policy, morning(policy, 6));

      for (int n = 0; n < bytes.length; n++) {
        byte[] cut = Arrays.copyOf(bytes, n);
        assertThatThrownBy(() -> PolicyTestKit.decode(policy, cut)).as("%s cut to %s of %s bytes", json, n, bytes.length)
            .isInstanceOf(EOFException.class);
      }
    }
  }

  @Test
  void write_equalStatesOfMapsInAnotherOrder_writeTheSameBytes() throws IOException {
    Map<String, Integer> forward = new LinkedHashMap<>();
    Map<String, Integer> backward = new LinkedHashMap<>();
    for (int d = 1; d <= 12; d++) {
      forward.put("d" + d, d % 4);
      backward.put("d" + (13 - d), (13 - d) % 4);
    }
    Policy<?> ratio = Policies.fromJson(RATIO);

    byte[] bytes = PolicyTestKit.encode(ratio, new RatioPolicy.State(forward));

    assertThat(PolicyTestKit.encode(ratio, new RatioPolicy.State(backward))).isEqualTo(bytes);
    assertThat(PolicyTestKit.decode(ratio, bytes)).isEqualTo(new RatioPolicy.State(forward));
  }

  @Test
  void write_nullState_failsWithTheRule() {
    assertThatThrownBy(() -> PolicyTestKit.encode(Policies.fromJson(RATIO), null))
        .isInstanceOf(NullPointerException.class).hasMessage("a ratio policy's state is never null");
    assertThatThrownBy(() -> PolicyTestKit.encode(Policies.fromJson(TREES.get(TREES.size() - 1)), null))
        .isInstanceOf(NullPointerException.class).hasMessage("a schedule policy's state is never null");
  }

  // ---------------------------------------------------------------- bytes that break the form

  interface Writes {
    void to(DataOutput out) throws IOException;
  }

  static byte[] bytes(Writes w) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    w.to(new DataOutputStream(b));
    return b.toByteArray();
  }

  static void assertRefused(String json, Writes w, String message) throws IOException {
    byte[] garbage = bytes(w);
    assertThatThrownBy(() -> PolicyTestKit.decode(Policies.fromJson(json), garbage))
        .isInstanceOf(IOException.class).hasMessage(message);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE, StateCodecs.MAX_DESKS + 1})
  void read_deskCountOutOfRange_failsWithTheRule(int count) throws IOException {
    assertRefused(RATIO, out -> out.writeInt(count),
        "the desk count of a ratio state must be in [0, 65536], was " + count);
  }

  @Test
  void read_desksOutOfOrderOrTwice_failsWithTheRule() throws IOException {
    assertRefused(RATIO, out -> {
      out.writeInt(2);
      out.writeUTF("2");
      out.writeInt(0);
      out.writeUTF("1");
      out.writeInt(0);
    }, "the desks of a ratio state must be in strictly increasing order, but '1' follows '2'");
    assertRefused(DEFICIT, out -> {
      out.writeInt(2);
      out.writeUTF("1");
      round(out, 0, 1, 2, 0, 0);
      out.writeUTF("1");
    }, "the desks of a deficit state must be in strictly increasing order, but '1' follows '1'");
  }

  @Test
  void read_badDeskId_failsWithTheRule() throws IOException {
    assertRefused(RATIO, out -> {
      out.writeInt(1);
      out.writeUTF("desk 1");
    }, "a desk id in a ratio state must be 1 to 32 letters, digits, '-' or '_', was 'desk 1'");
  }

  @Test
  void read_ratioSlotOutsideTheRound_failsWithTheRule() throws IOException {
    assertRefused(RATIO, out -> {
      out.writeInt(1);
      out.writeUTF("1");
      out.writeInt(4);
    }, "a desk's next slot in a ratio round of 4 must be in [0, 4), was 4");
  }

  static void round(DataOutput out, int current, int credited, int classes, long... deficit) throws IOException {
    out.writeInt(current);
    out.writeByte(credited);
    out.writeInt(classes);
    for (long d : deficit) {
      out.writeLong(d);
    }
  }

  @Test
  void read_deficitRoundBreakingARule_failsWithTheRule() throws IOException {
    Writes oneDesk = out -> {
      out.writeInt(1);
      out.writeUTF("1");
    };
    assertRefused(DEFICIT, out -> {
      oneDesk.to(out);
      round(out, 2, 1, 2, 0, 0);
    }, "the class a deficit round visits must be in [0, 2), was 2");
    assertRefused(DEFICIT, out -> {
      oneDesk.to(out);
      round(out, 0, 2, 2, 0, 0);
    }, "the credited flag of a deficit round must be written as the byte 0 or 1, was 2");
    assertRefused(DEFICIT, out -> {
      oneDesk.to(out);
      round(out, 0, 1, 3, 0, 0, 0);
    }, "a deficit round must hold one deficit per class, 2, was 3");
    assertRefused(DEFICIT, out -> {
      oneDesk.to(out);
      round(out, 0, 1, 2, 3500, 0);
    }, "the deficit of class 0 must be below COST + its quantum, 3500, was 3500");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 3})
  void read_scheduleStepOutOfRange_failsWithTheRule(int step) throws IOException {
    assertRefused(TREES.get(TREES.size() - 1), out -> out.writeInt(step),
        "the step of a schedule state must be in [0, 3), was " + step);
  }
}
