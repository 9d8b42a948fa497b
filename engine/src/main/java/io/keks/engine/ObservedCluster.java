package io.keks.engine;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the Admin API says about a running cluster at one moment.
 *
 * @param brokers        ids of registered brokers
 * @param fencedBrokers  ids of registered brokers that are still fenced (not serving)
 * @param quorumLeader   the active controller, empty when the quorum has no leader
 * @param voters         ids of the controllers that are voters of the metadata quorum
 * @param voterLag       per voter, how many records it is behind the leader's log end
 * @param observers      ids of the nodes that follow the metadata log without voting: brokers, and controllers
 *                       not yet added to the quorum
 */
public record ObservedCluster(String clusterId, Set<Integer> brokers, Set<Integer> fencedBrokers,
                              OptionalInt quorumLeader, Set<Integer> voters, Map<Integer, Long> voterLag, Set<Integer> observers) {

    public boolean brokerServing(int id) {
        return brokers.contains(id) && !fencedBrokers.contains(id);
    }

    /** The registered brokers that are not fenced. */
    public Set<Integer> servingBrokers() {
        return brokers.stream().filter(b -> !fencedBrokers.contains(b)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
