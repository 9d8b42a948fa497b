package io.keks.cli;

import io.keks.local.LocalCluster;
import io.keks.model.DesiredNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "roll", sortOptions = false,
        description = {"Restart nodes of the running cluster one at a time in the safe order, as a change would.",
                "The order: nodes that are down or crash-looping first, then controllers (the active one last), then brokers. Before",
                "each restart keks waits until a caught-up majority of the controller quorum remains without the",
                "node and no partition would drop below its min.insync.replicas; after it, until the node is back",
                "and caught up (a controller fetched to the leader's log end since it restarted; a broker",
                "unfenced and in every ISR it belongs to). Every wait is bounded by --timeout; one that runs out",
                "stops the roll, leaves the nodes not yet restarted as they are, and shows in `keks status`."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks roll                          every node",
                "  keks roll cluster-broker-1         one node (its name or id)",
                "  keks roll --by-rack                brokers a rack at a time when every partition spans racks",
                "  keks roll --renew-ca               renew the cluster CA's certificate and every node's, then restart",
                "  keks roll --no-wait && keks status"})
final class RollCommand implements Callable<Integer> {
    @Mixin
    ClusterOption cluster;

    @Parameters(paramLabel = "NODE", arity = "0..*", description = "Nodes to restart, by name or id (default: all).")
    List<String> nodes = new ArrayList<>();

    @Mixin
    RollOptions roll;

    @Option(names = "--renew-ca", description = {"First renew the cluster CA's certificate (same key: clients keep trusting it) and",
            "issue every node a new certificate, then restart the nodes to serve them. keks up and apply do this by",
            "themselves when a certificate expires within spec.clusterCa.renewalDays."})
    boolean renewCa;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalCluster c = cluster.open();
        Set<Integer> ids = new TreeSet<>();
        for (String n : nodes) {
            DesiredNode node = c.desired().nodes().stream()
                    .filter(d -> c.nodeName(d).equals(n) || String.valueOf(d.id()).equals(n)).findFirst().orElse(null);
            if (node == null) {
                err.println("error: cluster " + c.desired().name() + " has no node " + n + "; its nodes are "
                        + c.desired().nodes().stream().map(c::nodeName).toList());
                return 2;
            }
            ids.add(node.id());
        }
        if (renewCa) {
            if (!nodes.isEmpty()) {
                err.println("error: --renew-ca renews every node's certificate, so it restarts every node that has one; name no nodes");
                return 2;
            }
            // renewed certificates are served only after a restart: make sure one can follow before renewing
            var refused = RollFollower.refusal(c);
            if (refused.isPresent()) {
                err.println("error: " + refused.get());
                return 1;
            }
            c.reconcileCertificates(true, m -> {
                out.println("  " + m);
                out.flush();
            });
            // the nodes restart to serve their new certificates: the change of nodes sees they started with others
            return RollFollower.request(c, Set.of(), roll, 0, out, err);
        }
        if (ids.isEmpty()) {
            c.desired().nodes().forEach(d -> ids.add(d.id()));
        }
        return RollFollower.request(c, ids, roll, 0, out, err);
    }
}
