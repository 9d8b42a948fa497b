package io.keks.operator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** Each log line is one JSON object in ECS field names, carrying the resource it is about. */
class JsonLogsTest {
    @Test
    void aLineNamesItsResourceAndEscapesItsText() throws Exception {
        PrintStream previous = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // the provider writes to the stdout it found when loaded; a new one here finds the capture
            JsonLogs captured = new JsonLogs();
            Logger log = captured.getLoggerFactory().getLogger("io.keks.operator.KafkaReconciliation");
            captured.getMDCAdapter().put("resource.namespace", "kafka");
            captured.getMDCAdapter().put("resource.name", "cluster");
            log.info("restarting {}: \"{}\"", "cluster-broker-0", "a\nb");
            captured.getLoggerFactory().getLogger("org.apache.kafka.clients.NetworkClient").info("not shown below WARN");
            log.debug("not shown at INFO");
        } finally {
            System.setOut(previous);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        assertThat(line.path("log.level").asText()).isEqualTo("INFO");
        assertThat(line.path("resource.namespace").asText()).isEqualTo("kafka");
        assertThat(line.path("resource.name").asText()).isEqualTo("cluster");
        assertThat(line.path("message").asText()).isEqualTo("restarting cluster-broker-0: \"a\nb\"");
        assertThat(line.path("@timestamp").asText()).endsWith("Z");
    }
}
