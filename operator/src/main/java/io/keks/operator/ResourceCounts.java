package io.keks.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The custom resources the operator holds in its informer caches, by kind and namespace, as the
 * gauge {@code keks_resources}. Counted from the caches when scraped: no API call, and a resource
 * deleted while the operator was down is not counted.
 */
final class ResourceCounts {
    private final MultiGauge gauge;
    private final Map<String, Supplier<Stream<? extends HasMetadata>>> caches = new ConcurrentHashMap<>();

    ResourceCounts(MeterRegistry registry) {
        this.gauge = MultiGauge.builder("keks.resources")
                .description("Custom resources the operator holds in its caches, by kind and namespace.")
                .register(registry);
    }

    /** Counts {@code kind} from {@code cache} at every scrape from now on. */
    void count(String kind, Supplier<Stream<? extends HasMetadata>> cache) {
        caches.put(kind, cache);
    }

    /** Brings the gauge up to date; a kind or namespace left with no resources drops out. */
    void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        new TreeMap<>(caches).forEach((kind, cache) -> {
            Map<String, Long> byNamespace = cache.get().collect(Collectors.groupingBy(
                    r -> r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace(), TreeMap::new,
                    Collectors.counting()));
            byNamespace.forEach((ns, n) -> rows.add(MultiGauge.Row.of(Tags.of("kind", kind, "namespace", ns), n)));
        });
        gauge.register(rows, true);
    }
}
