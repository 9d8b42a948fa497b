package io.keks.operator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.keks.engine.rebalance.RebalanceState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A rebalance's proposal on the API server, which keeps no object over 1 MiB: its JSON, gzip-compressed, cut into
 * parts of at most {@link #PART_BYTES}. The first part goes in the rebalance's own ConfigMap, the others in
 * ConfigMaps named {@code <rebalance>-proposal-<n>}, owned by the rebalance as the first is, so they go with it. A
 * proposal read back is checked against the digest written beside it, so a part lost or left over from another
 * proposal is found, never carried out.
 */
final class ProposalParts {
    /** What one part holds: with base64's third more and the rest of the ConfigMap, well under the 1 MiB limit. */
    static final int PART_BYTES = 640 * 1024;
    static final String KEY = "keks-proposal.json.gz";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final int partBytes;

    ProposalParts(KubernetesClient client, String namespace, int partBytes) {
        this.client = client;
        this.namespace = namespace;
        this.partBytes = partBytes;
    }

    static String partName(String rebalance, int n) {
        return rebalance + "-proposal-" + n;
    }

    static String digest(byte[] json) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the parts after the first to their own ConfigMaps, removes parts a longer proposal left, and returns the
     * binary data of the rebalance's ConfigMap: the first part.
     *
     * @param meta the metadata of a ConfigMap of the rebalance, by name
     */
    Map<String, String> write(String rebalance, byte[] json, Function<String, ObjectMeta> meta) {
        byte[] gz = gzip(json);
        int parts = Math.max(1, (gz.length + partBytes - 1) / partBytes);
        for (int n = 1; n < parts; n++) {
            ConfigMap part = new ConfigMapBuilder().withMetadata(meta.apply(partName(rebalance, n)))
                    .withBinaryData(Map.of(KEY, slice(gz, n))).build();
            client.configMaps().inNamespace(namespace).resource(part).createOr(NonDeletingOperation::update);
        }
        for (int n = parts; client.configMaps().inNamespace(namespace).withName(partName(rebalance, n)).get() != null; n++) {
            client.configMaps().inNamespace(namespace).withName(partName(rebalance, n)).delete();
        }
        return Map.of(KEY, slice(gz, 0));
    }

    /** The proposal whose first part {@code map} holds, with the parts after it, checked against its digest. */
    List<RebalanceState.Move> read(String rebalance, ConfigMap map) throws IOException {
        String first = map.getBinaryData() == null ? null : map.getBinaryData().get(KEY);
        if (first == null) {
            throw damaged(rebalance, "its first part, " + KEY + " in ConfigMap " + rebalance + ", is missing");
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        gz.writeBytes(Base64.getDecoder().decode(first));
        for (int n = 1; ; n++) {
            ConfigMap part = client.configMaps().inNamespace(namespace).withName(partName(rebalance, n)).get();
            if (part == null || part.getBinaryData() == null || !part.getBinaryData().containsKey(KEY)) {
                break;
            }
            gz.writeBytes(Base64.getDecoder().decode(part.getBinaryData().get(KEY)));
        }
        byte[] json;
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz.toByteArray()))) {
            json = in.readAllBytes();
        } catch (IOException e) {
            throw damaged(rebalance, "its parts do not make one compressed proposal (" + e.getMessage() + ")");
        }
        if (!digest(json).equals(map.getData().get(KubernetesRebalances.PROPOSAL_DIGEST))) {
            throw damaged(rebalance, "its parts do not add up to the proposal whose digest ConfigMap " + rebalance + " holds");
        }
        return JSON.readValue(json, new TypeReference<>() {
        });
    }

    private static IOException damaged(String rebalance, String why) {
        return new IOException("the proposal of KafkaRebalance " + rebalance + " cannot be read: " + why + " (ConfigMaps "
                + rebalance + " and " + partName(rebalance, 1) + ", ...); annotate it strimzi.io/rebalance=refresh for a new one");
    }

    private String slice(byte[] gz, int n) {
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(gz, n * partBytes, Math.min(gz.length, (n + 1) * partBytes)));
    }

    private static byte[] gzip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 8 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
