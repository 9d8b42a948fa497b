package io.keks.cli;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topic a command writes to, made when Kafka does not have it (perf-test, failover-drill). */
final class MissingTopics {
    private MissingTopics() {
    }

    /** Makes {@code topic} unless Kafka has it, or another client made it meanwhile; true when this call made it. */
    static boolean create(Admin admin, NewTopic topic) throws Exception {
        if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic.name())) {
            return false;
        }
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }
}
