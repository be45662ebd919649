package io.github.whatsappai.webhook;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable, case-insensitive header map of a {@link WebhookRequest}: names and value lists in
 * two small arrays sorted case-insensitively (the iteration order of a {@code TreeMap} with
 * {@link String#CASE_INSENSITIVE_ORDER}), looked up by a linear case-insensitive scan. A request
 * carries a handful of headers, so this is cheaper to build and to read than a tree or hash map.
 * Names differing only in case are merged, values in order; the first spelling is kept.
 * Thread-safe (immutable).
 */
final class HeaderMap extends AbstractMap<String, List<String>> {

    private static final HeaderMap EMPTY = new HeaderMap(new String[0], newValues(0), 0);

    private final String[] names;
    private final List<String>[] values;
    private final int size;

    private HeaderMap(String[] names, List<String>[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    /** {@code headers} as a header map; returns it unchanged when it already is one. */
    static HeaderMap of(Map<String, List<String>> headers) {
        if (headers instanceof HeaderMap h) {
            return h;
        }
        int capacity = headers.size();
        if (capacity == 0) {
            return EMPTY;
        }
        String[] names = new String[capacity];
        List<String>[] values = newValues(capacity);
        int n = 0;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "header name");
            List<String> v = List.copyOf(e.getValue());
            int at = indexOf(names, n, name);
            if (at >= 0) {
                List<String> all = new ArrayList<>(values[at]);
                all.addAll(v);
                values[at] = List.copyOf(all);
                continue;
            }
            // insertion sort: keeps the arrays in case-insensitive order
            int i = n++;
            while (i > 0 && String.CASE_INSENSITIVE_ORDER.compare(names[i - 1], name) > 0) {
                names[i] = names[i - 1];
                values[i] = values[i - 1];
                i--;
            }
            names[i] = name;
            values[i] = v;
        }
        return new HeaderMap(names, values, n);
    }

    @SuppressWarnings("unchecked")
    private static List<String>[] newValues(int n) {
        return (List<String>[]) new List<?>[n];
    }

    private static int indexOf(String[] names, int n, String name) {
        for (int i = 0; i < n; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public List<String> get(Object key) {
        int at = indexOf(names, size, (String) Objects.requireNonNull(key, "header name"));
        return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, List<String>>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, List<String>> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
