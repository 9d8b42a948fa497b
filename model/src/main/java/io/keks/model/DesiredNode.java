package io.keks.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One Kafka node as the manifests want it. {@code rack} is null when the cluster is not rack-aware.
 * {@code machineConfig}: Kafka settings keks sizes for a machine that runs every node (locally); the
 * cluster's {@code spec.kafka.config} overrides each of them. Empty where each node has its own machine.
 */
public record DesiredNode(int id, String pool, Set<Role> roles, String rack, List<VolumeSpec> volumes,
                          HeapSpec heap, Map<String, String> machineConfig) {

    public DesiredNode {
        // sorted, so that a node's server.properties come out the same each time
        machineConfig = Collections.unmodifiableMap(new TreeMap<>(machineConfig));
    }

    public DesiredNode(int id, String pool, Set<Role> roles, String rack, List<VolumeSpec> volumes, HeapSpec heap) {
        this(id, pool, roles, rack, volumes, heap, Map.of());
    }

    public boolean isBroker() {
        return roles.contains(Role.BROKER);
    }

    public boolean isController() {
        return roles.contains(Role.CONTROLLER);
    }

    /** The volume that holds the KRaft metadata log: the one marked shared, else the lowest id. */
    public VolumeSpec metadataVolume() {
        return volumes.stream().filter(VolumeSpec::kraftMetadata).findFirst().orElse(volumes.get(0));
    }

    public String processRoles() {
        return String.join(",", roles.stream().sorted().map(Role::kafkaName).toList());
    }
}
