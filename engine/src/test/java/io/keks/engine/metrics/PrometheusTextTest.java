package io.keks.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void readsWhatItWritesIncludingEscapedLabelValues() {
        String text = new PrometheusText.Writer()
                .family("kafka_consumergroup_lag", "gauge", "Lag of a group on a partition")
                .sample("kafka_consumergroup_lag", 42, "consumergroup", "a \"quoted\", odd\\group", "topic", "t", "partition", "3")
                .sample("kafka_brokers", 3)
                .sample("x_ratio", 0.25)
                .sample("x_inf", Double.POSITIVE_INFINITY)
                .text();
        List<PrometheusText.Sample> samples = PrometheusText.parse(text);
        assertThat(samples).hasSize(4);
        assertThat(samples.get(0).labels()).containsExactly(Map.entry("consumergroup", "a \"quoted\", odd\\group"),
                Map.entry("topic", "t"), Map.entry("partition", "3"));
        assertThat(samples.get(0).value()).isEqualTo(42);
        assertThat(PrometheusText.value(samples, "kafka_brokers", Map.of())).hasValue(3.0);
        assertThat(PrometheusText.value(samples, "x_ratio", Map.of())).hasValue(0.25);
        assertThat(samples.get(3).value()).isInfinite();
    }

    @Test
    void readsTheExportersOwnFormattingWithExponentsAndTimestamps() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP jvm_memory_used_bytes Used bytes of a given JVM memory area.
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",} 2.5810008E8
                process_open_fds 161.0 1700000000000
                """);
        assertThat(PrometheusText.value(samples, "jvm_memory_used_bytes", Map.of("area", "heap"))).hasValue(2.5810008E8);
        assertThat(PrometheusText.value(samples, "process_open_fds", Map.of())).hasValue(161.0);
    }

    @Test
    void aLineThatIsNotASampleIsNamed() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=b} 2\n"))
                .hasMessageContaining("line 2");
    }
}
