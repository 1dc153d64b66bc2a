package dev.cairn.engine.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The field map of an object node with a handful of fields, such as an event's details ({@code
 * name} and {@code input}, {@code name} and {@code index}): names and values side by side in one
 * array, looked up by a linear scan, in insertion order like Jackson's own {@code LinkedHashMap}.
 *
 * <p>Why: a Map over 10,000 items records 40,006 events, all held until the trigger's batch is
 * persisted. With a {@code LinkedHashMap} each details object was four objects of about 240 bytes
 * (the map, its 16-slot table, an entry per field), about 10 MB for the batch, which the first
 * young collection of a short-lived {@code states run} had to copy. Here it is two objects of about
 * 56 bytes. Any number of fields works; past a dozen a lookup is slower than a hash map's.
 */
final class SmallFieldMap extends AbstractMap<String, JsonNode> {
  /** Names at even positions, their values after them. */
  private Object[] slots;

  private int size;
  private int modifications;

  SmallFieldMap(int capacity) {
    slots = new Object[Math.max(1, capacity) * 2];
  }

  private int indexOf(Object key) {
    int end = size * 2;
    for (int i = 0; i < end; i += 2) {
      if (Objects.equals(slots[i], key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public JsonNode get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (JsonNode) slots[i + 1];
  }

  /** Replaces the value of a name in place (keeping its position), or adds the name at the end. */
  @Override
  public JsonNode put(String key, JsonNode value) {
    int i = indexOf(key);
    if (i >= 0) {
      JsonNode previous = (JsonNode) slots[i + 1];
      slots[i + 1] = value;
      return previous;
    }
    int end = size * 2;
    if (end == slots.length) {
      slots = Arrays.copyOf(slots, slots.length * 2);
    }
    slots[end] = key;
    slots[end + 1] = value;
    size++;
    modifications++;
    return null;
  }

  @Override
  public JsonNode remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    JsonNode previous = (JsonNode) slots[i + 1];
    removeAt(i);
    return previous;
  }

  private void removeAt(int i) {
    int end = size * 2;
    System.arraycopy(slots, i + 2, slots, i, end - i - 2);
    slots[end - 2] = null;
    slots[end - 1] = null;
    size--;
    modifications++;
  }

  @Override
  public void clear() {
    Arrays.fill(slots, 0, size * 2, null);
    size = 0;
    modifications++;
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, JsonNode>> iterator() {
        return new Entries();
      }

      @Override
      public void clear() {
        SmallFieldMap.this.clear();
      }
    };
  }

  /** The entries in order; {@code remove} is supported, as Jackson's {@code retain} needs it. */
  private final class Entries implements Iterator<Map.Entry<String, JsonNode>> {
    private int next;
    private int last = -1;
    private int expected = modifications;

    @Override
    public boolean hasNext() {
      return next < size * 2;
    }

    @Override
    public Map.Entry<String, JsonNode> next() {
      if (expected != modifications) {
        throw new ConcurrentModificationException();
      }
      if (next >= size * 2) {
        throw new NoSuchElementException();
      }
      last = next;
      next += 2;
      return new Field(last);
    }

    @Override
    public void remove() {
      if (last < 0) {
        throw new IllegalStateException();
      }
      if (expected != modifications) {
        throw new ConcurrentModificationException();
      }
      removeAt(last);
      next = last;
      last = -1;
      expected = modifications;
    }
  }

  /** One field, reading and writing through to the array. */
  private final class Field implements Map.Entry<String, JsonNode> {
    private final int at;

    Field(int at) {
      this.at = at;
    }

    @Override
    public String getKey() {
      return (String) slots[at];
    }

    @Override
    public JsonNode getValue() {
      return (JsonNode) slots[at + 1];
    }

    @Override
    public JsonNode setValue(JsonNode value) {
      JsonNode previous = getValue();
      slots[at + 1] = value;
      return previous;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Map.Entry<?, ?> entry
          && Objects.equals(getKey(), entry.getKey())
          && Objects.equals(getValue(), entry.getValue());
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }
}
