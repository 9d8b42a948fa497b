package io.keks.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.AdminTimeouts;
import io.keks.engine.roll.NodeRuntime;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.operator.resources.IdentityData;
import io.keks.operator.resources.KafkaNames;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** How the operator reaches a cluster's Kafka through the Admin API. */
public interface KafkaAccess {

    /** The Admin client properties that reach the cluster's brokers (no timeouts: the two uses below set theirs). */
    Properties connection(DesiredCluster cluster);

    /** Where the controllers reach a controller: its pod's DNS name and the control-plane listener's port. */
    default NodeRuntime.HostPort controlPlane(DesiredCluster cluster, DesiredNode controller) {
        return new NodeRuntime.HostPort(KafkaNames.of(cluster).host(controller), ListenerSpec.CONTROLPLANE.port());
    }

    /** For questions Kafka answers at once: a request unanswered in 5 s fails. */
    default Admin admin(DesiredCluster cluster) {
        return Admin.create(AdminTimeouts.quick(connection(cluster)));
    }

    /** For batched work over many topics, whose single calls may take Kafka's controller a while. */
    default Admin topicAdmin(DesiredCluster cluster) {
        return Admin.create(AdminTimeouts.bulk(connection(cluster)));
    }

    /**
     * Inside Kubernetes: every broker's replication listener by its pod's DNS name (the network
     * policy lets the operator's pods in). With internal TLS (every cluster this operator made, and any
     * secured one) that listener asks for a certificate of the cluster CA: the operator issues itself
     * one as {@code keks-admin} (a super user) from the CA in the cluster's Secrets, kept in memory only.
     */
    static KafkaAccess inCluster(KubernetesClient client) {
        OperatorCertificates certificates = new OperatorCertificates(client);
        return cluster -> {
            KafkaNames names = KafkaNames.of(cluster);
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.brokers().stream()
                    .map(b -> names.host(b) + ":" + ListenerSpec.REPLICATION.port()).collect(Collectors.joining(",")));
            p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "keks-operator");
            if (cluster.secured() || internalTls(client, names)) {
                p.putAll(certificates.tls(names));
            }
            return p;
        };
    }

    /** Whether the cluster's identity says its internal listeners run mutual TLS (every cluster this operator made). */
    private static boolean internalTls(KubernetesClient client, KafkaNames names) {
        var identity = client.configMaps().inNamespace(names.namespace()).withName(names.identity()).get();
        return identity != null && identity.getData() != null
                && "true".equals(identity.getData().get(IdentityData.INTERNAL_TLS));
    }
}
