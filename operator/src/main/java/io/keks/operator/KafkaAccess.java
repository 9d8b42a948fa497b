package io.keks.operator;

import io.keks.model.DesiredCluster;
import io.keks.model.ListenerSpec;
import io.keks.operator.resources.KafkaNames;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** How the operator reaches a cluster's Kafka through the Admin API. */
public interface KafkaAccess {

    Admin admin(DesiredCluster cluster);

    /**
     * Inside Kubernetes: every broker's replication listener by its pod's DNS name (the network
     * policy lets the operator's pods in).
     */
    static KafkaAccess inCluster() {
        return cluster -> {
            KafkaNames names = KafkaNames.of(cluster);
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.brokers().stream()
                    .map(b -> names.host(b) + ":" + ListenerSpec.REPLICATION.port()).collect(Collectors.joining(",")));
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
            p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "keks-operator");
            return Admin.create(p);
        };
    }
}
