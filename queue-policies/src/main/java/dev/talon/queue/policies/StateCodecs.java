package dev.talon.queue.policies;

import dev.talon.queue.spi.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/*
 * What the policies' state codecs (Policy.stateCodec) share.
 *
 * Design. A codec writes the plain exact form of a state with DataOutput's fixed-width primitives:
 * a count before the items it counts, map entries in increasing key order (so that equal states
 * are equal bytes whatever a map's iteration order), a boolean as one byte 0 or 1. No type tags
 * and no version: the engine's snapshot has its own header, and a codec expects the bytes of a
 * policy of its own configuration (checks against the configuration catch some mismatches, such
 * as another round length or number of classes, not all). Reading checks everything the reading
 * policy can know (counts, indexes against its configuration, the desk id syntax, keys strictly
 * increasing) and throws an IOException that states the rule and the value; running out of bytes
 * is the EOFException of DataInput. So bytes that break the form fail rather than decode into
 * some state, and the canonical form is the only one accepted. (A value altered into another
 * valid value cannot be told from the real one here.)
 */
final class StateCodecs {
  /** The most desks a per-desk state map may hold: far above any service centre, far below memory limits. */
  static final int MAX_DESKS = 1 << 16;
  /** The engine's rule for desk ids ({@link dev.talon.queue.Desk}), which is the same as for type names. */
  private static final java.util.regex.Pattern DESK_ID = Validate.NAME;

  private StateCodecs() {}

  /**
   * The codec of a state that is one map from desk id to {@code T}: the desk count, then each desk
   * id (UTF, in increasing order) followed by its value.
   */
  static <S, T> StateCodec<S> perDesk(String policy, Function<S, Map<String, T>> desks,
      Function<Map<String, T>, S> state, StateCodec<T> value) {
    return new PerDesk<>(policy, desks, state, value);
  }

  private record PerDesk<S, T>(String policy, Function<S, Map<String, T>> desks, Function<Map<String, T>, S> state,
      StateCodec<T> value) implements StateCodec<S> {

    @Override
    public void write(S s, DataOutput out) throws IOException {
      Objects.requireNonNull(s, () -> "a " + policy + " policy's state is never null");
      Map<String, T> map = desks.apply(s);
      if (map.size() > MAX_DESKS) {
        throw new IllegalArgumentException("a " + policy + " state holds at most " + MAX_DESKS + " desks, was " + map.size());
      }
      out.writeInt(map.size());
      for (Map.Entry<String, T> e : new TreeMap<>(map).entrySet()) {
        out.writeUTF(e.getKey());
        value.write(e.getValue(), out);
      }
    }

    @Override
    public S read(DataInput in) throws IOException {
      int count = in.readInt();
      if (count < 0 || count > MAX_DESKS) {
        throw new IOException("the desk count of a " + policy + " state must be in [0, " + MAX_DESKS + "], was " + count);
      }
      TreeMap<String, T> map = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        String desk = in.readUTF();
        if (!DESK_ID.matcher(desk).matches()) {
          throw new IOException("a desk id in a " + policy + " state must be 1 to 32 letters, digits, '-' or '_', was '"
              + desk + "'");
        }
        if (!map.isEmpty() && map.lastKey().compareTo(desk) >= 0) {
          throw new IOException("the desks of a " + policy + " state must be in strictly increasing order, but '" + desk
              + "' follows '" + map.lastKey() + "'");
        }
        map.put(desk, value.read(in));
      }
      return state.apply(Map.copyOf(map));
    }
  }

  /** Reads an index that must be in {@code [0, size)}. */
  static int readIndex(DataInput in, String what, int size) throws IOException {
    int i = in.readInt();
    if (i < 0 || i >= size) {
      throw new IOException(what + " must be in [0, " + size + "), was " + i);
    }
    return i;
  }

  /** Reads a boolean written as one byte, which must be 0 or 1. */
  static boolean readBoolean(DataInput in, String what) throws IOException {
    byte b = in.readByte();
    if (b != 0 && b != 1) {
      throw new IOException(what + " must be written as the byte 0 or 1, was " + b);
    }
    return b == 1;
  }
}
