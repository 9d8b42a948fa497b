package io.keks.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Node ids by Strimzi's rules: a pool keeps the ids it has; scaling up takes ids from
 * {@code strimzi.io/next-node-ids} when given, else the lowest free id; scaling down removes ids from
 * {@code strimzi.io/remove-node-ids} when given, else the highest. Pools are taken in name order.
 */
public final class NodeIdAssigner {
    public static final String NEXT_NODE_IDS = "strimzi.io/next-node-ids";
    public static final String REMOVE_NODE_IDS = "strimzi.io/remove-node-ids";
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*(?:-\\s*(\\d+)\\s*)?");

    /** What the assigner needs of one pool. {@code current} are the ids it has now (status or running). */
    public record PoolRequest(String name, int replicas, List<Integer> current, String nextIds, String removeIds) {
    }

    private NodeIdAssigner() {
    }

    /** Ids per pool name, in the order given. Throws IllegalArgumentException naming the bad annotation. */
    public static Map<String, NavigableSet<Integer>> assign(List<PoolRequest> pools) {
        Map<String, NavigableSet<Integer>> result = new LinkedHashMap<>();
        Set<Integer> used = new TreeSet<>();
        List<PoolRequest> ordered = pools.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
        for (PoolRequest pool : ordered) {
            for (int id : pool.current()) {
                if (!used.add(id)) {
                    throw new IllegalArgumentException("node id " + id + " of node pool " + pool.name()
                            + " is also used by node pool " + owner(result, id).orElse(pool.name())
                            + "; every node needs its own id");
                }
            }
            result.put(pool.name(), new TreeSet<>(pool.current()));
        }
        for (PoolRequest pool : ordered) {
            NavigableSet<Integer> ids = result.get(pool.name());
            if (ids.size() > pool.replicas()) {
                List<Integer> preferred = pool.removeIds() == null ? List.of()
                        : ranges(pool.removeIds(), REMOVE_NODE_IDS, pool.name());
                for (int id : preferred) {
                    if (ids.size() > pool.replicas() && ids.remove(id)) {
                        used.remove(id);
                    }
                }
                while (ids.size() > pool.replicas()) {
                    used.remove(ids.pollLast());
                }
            }
        }
        for (PoolRequest pool : ordered) {
            NavigableSet<Integer> ids = result.get(pool.name());
            if (ids.size() < pool.replicas()) {
                List<Integer> preferred = pool.nextIds() == null ? List.of()
                        : ranges(pool.nextIds(), NEXT_NODE_IDS, pool.name());
                for (int id : preferred) {
                    if (ids.size() < pool.replicas() && used.add(id)) {
                        ids.add(id);
                    }
                }
                int candidate = 0;
                while (ids.size() < pool.replicas()) {
                    while (used.contains(candidate)) {
                        candidate++;
                    }
                    used.add(candidate);
                    ids.add(candidate);
                }
            }
        }
        Map<String, NavigableSet<Integer>> inGivenOrder = new LinkedHashMap<>();
        pools.forEach(p -> inGivenOrder.put(p.name(), result.get(p.name())));
        return inGivenOrder;
    }

    private static Optional<String> owner(Map<String, NavigableSet<Integer>> pools, int id) {
        return pools.entrySet().stream().filter(e -> e.getValue().contains(id)).map(Map.Entry::getKey).findFirst();
    }

    /** Parses {@code [0, 3-5, 10]} into 0, 3, 4, 5, 10 (in the given order). */
    public static List<Integer> ranges(String annotation, String name, String pool) {
        String body = annotation.trim();
        if (!body.startsWith("[") || !body.endsWith("]")) {
            throw new IllegalArgumentException(badRange(annotation, name, pool));
        }
        body = body.substring(1, body.length() - 1);
        List<Integer> ids = new ArrayList<>();
        if (body.isBlank()) {
            return ids;
        }
        for (String part : body.split(",")) {
            Matcher m = RANGE.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(badRange(annotation, name, pool));
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            if (to < from) {
                throw new IllegalArgumentException(badRange(annotation, name, pool));
            }
            for (int i = from; i <= to; i++) {
                ids.add(i);
            }
        }
        return ids;
    }

    private static String badRange(String value, String name, String pool) {
        return "annotation " + name + " of node pool " + pool + " is \"" + value
                + "\"; write ids and ranges like [0, 3-5, 10]";
    }
}
