package io.keks.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.security.ClusterCa;
import io.keks.model.ServerProperties;
import io.keks.operator.resources.KafkaNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own client certificate for each secured cluster ({@code CN=keks-admin,O=io.keks},
 * a super user there), issued from the cluster CA in the cluster's Secrets and kept in memory: no
 * Secret holds it. A new one is issued when the CA's certificate changes or this one nears its end.
 */
final class OperatorCertificates {
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final Duration RENEW_BEFORE = Duration.ofDays(7);

    private record Issued(String caPem, long notAfterMillis, Properties tls) {
    }

    private final KubernetesClient client;
    private final Map<String, Issued> byCluster = new ConcurrentHashMap<>();

    OperatorCertificates(KubernetesClient client) {
        this.client = client;
    }

    /** Kafka client properties for mutual TLS as keks-admin with this cluster's CA. */
    Properties tls(KafkaNames names) {
        Secret cert = client.secrets().inNamespace(names.namespace()).withName(names.clusterCaCert()).get();
        Secret key = client.secrets().inNamespace(names.namespace()).withName(names.clusterCaKey()).get();
        String caPem = value(cert, "ca.crt");
        String keyPem = value(key, "ca.key");
        if (caPem == null || keyPem == null) {
            throw new IllegalStateException("the cluster CA Secrets " + names.clusterCaCert() + " and " + names.clusterCaKey()
                    + " in namespace " + names.namespace() + " are missing or incomplete; the operator makes them when it reconciles the Kafka");
        }
        String id = names.namespace() + "/" + names.cluster();
        Issued had = byCluster.get(id);
        if (had != null && had.caPem().equals(caPem) && had.notAfterMillis() - System.currentTimeMillis() > RENEW_BEFORE.toMillis()) {
            return had.tls();
        }
        ClusterCa ca = ClusterCa.load(caPem, keyPem);
        ClusterCa.UserCertificate mine = ca.issueComponent(ServerProperties.KEKS_COMMON_NAME, VALIDITY);
        Issued issued = new Issued(caPem, System.currentTimeMillis() + VALIDITY.toMillis(), ca.clientTlsProperties(mine));
        byCluster.put(id, issued);
        return issued.tls();
    }

    private static String value(Secret s, String key) {
        if (s == null || s.getData() == null || s.getData().get(key) == null) {
            return null;
        }
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }
}
