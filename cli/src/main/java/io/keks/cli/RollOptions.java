package io.keks.cli;

import picocli.CommandLine.Option;

/** How a change to the nodes runs and whether the command waits for it: shared by apply and roll. */
final class RollOptions {
    @Option(names = "--no-wait", description = "Return once the change is handed over to the supervisor; `keks status` shows it.")
    boolean noWait;

    @Option(names = "--by-rack", description = "Restart the brokers of one rack together when every partition has replicas in"
            + " several racks.")
    boolean byRack;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", converter = PositiveSeconds.class,
            description = "Bound of each wait: for a restart to be safe, for a node to be back and caught up, for a drain to"
                    + " progress (default ${DEFAULT-VALUE}).")
    int timeoutSeconds = 300;

    /** Waiting for the change, one node at a time, each wait bounded by {@code timeoutSeconds}. */
    static RollOptions waiting(int timeoutSeconds) {
        RollOptions o = new RollOptions();
        o.timeoutSeconds = timeoutSeconds;
        return o;
    }
}
