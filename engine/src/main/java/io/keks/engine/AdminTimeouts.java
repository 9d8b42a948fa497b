package io.keks.engine;

import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** The Admin client timeouts for the two kinds of work keks asks of Kafka. */
public final class AdminTimeouts {
    /** How long one batched topic call may take, and each of its requests half of it. */
    public static final int BULK_CALL_MS = 120_000;

    private AdminTimeouts() {
    }

    /**
     * For questions Kafka answers at once (status, readiness, node configs): a request unanswered in
     * 5 s fails, so a stopped node is noticed quickly.
     */
    public static Properties quick(Properties connection) {
        return with(connection, 5_000, 10_000);
    }

    /**
     * For batched work over thousands of topics. One createTopics of 2,500 topics can keep Kafka's
     * controller busy for over ten seconds on a loaded machine; a client that gave up on the request
     * after 5 s would send it again and get "already exists" for the topics the first one created,
     * doubling the work (this made a 10,000-topic apply take four times as long as needed).
     */
    public static Properties bulk(Properties connection) {
        return with(connection, BULK_CALL_MS / 2, BULK_CALL_MS);
    }

    private static Properties with(Properties connection, int requestMs, int callMs) {
        Properties p = new Properties();
        p.putAll(connection);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(requestMs));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(callMs));
        return p;
    }
}
