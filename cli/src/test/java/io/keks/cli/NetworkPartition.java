package io.keks.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One local process cut off from every other on this machine's loopback, until closed. Its own packets are dropped by
 * an nftables rule matching the net_cls cgroup (v1) it is moved into, and the packets others send to the ports it
 * listens on by a rule matching those ports; connections that exist stay open and go silent, as over a real partition.
 * Needs root, nft (Debian's nftables) and ss (iproute2).
 */
final class NetworkPartition implements AutoCloseable {
    private static final String TABLE = "keks_partition_test";
    private static final String CLASS_ID = "0x00100001";
    private static final Pattern LISTEN = Pattern.compile(":(\\d+)\\s.*pid=(\\d+),");

    private final long pid;
    private final Path root;
    private final Path group;
    private final boolean mountedHere;

    private NetworkPartition(long pid, Path root, Path group, boolean mountedHere) {
        this.pid = pid;
        this.root = root;
        this.group = group;
        this.mountedHere = mountedHere;
    }

    /** Cuts {@code pid} off; the ports it listens on are read from ss. */
    static NetworkPartition isolate(long pid) throws Exception {
        TreeSet<Integer> ports = new TreeSet<>();
        for (String line : run("ss", "-ltnpH").lines().toList()) {
            Matcher m = LISTEN.matcher(line);
            if (m.find() && Long.parseLong(m.group(2)) == pid) {
                ports.add(Integer.parseInt(m.group(1)));
            }
        }
        if (ports.isEmpty()) {
            throw new IllegalStateException("process " + pid + " listens on no port");
        }
        Path root = Path.of("/sys/fs/cgroup/net_cls");
        boolean mountedHere = false;
        if (!Files.exists(root.resolve("net_cls.classid"))) {
            root = Files.createTempDirectory("keks-net-cls");
            run("mount", "-t", "cgroup", "-o", "net_cls", "net_cls", root.toString());
            mountedHere = true;
        }
        Path group = Files.createDirectories(root.resolve("keks-isolated"));
        Files.writeString(group.resolve("net_cls.classid"), CLASS_ID);
        NetworkPartition partition = new NetworkPartition(pid, root, group, mountedHere);
        try {
            // every thread of the process, and the sockets it holds, take the class
            Files.writeString(group.resolve("cgroup.procs"), String.valueOf(pid));
            String rules = "table inet " + TABLE + " {\n chain out {\n  type filter hook output priority 0; policy accept;\n"
                    + "  meta cgroup " + CLASS_ID + " drop\n"
                    + "  tcp dport { " + ports.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " } drop\n }\n}\n";
            Path file = Files.createTempFile("keks-partition", ".nft");
            Files.writeString(file, rules);
            run("nft", "-f", file.toString());
            Files.delete(file);
        } catch (Exception e) {
            partition.close();
            throw e;
        }
        return partition;
    }

    /** Heals the partition: the rules go, and the process back to the root group. */
    @Override
    public void close() throws Exception {
        try {
            run("nft", "delete", "table", "inet", TABLE);
        } catch (IllegalStateException e) {
            // not made yet
        }
        if (ProcessHandle.of(pid).isPresent()) {
            Files.writeString(root.resolve("cgroup.procs"), String.valueOf(pid));
        }
        Files.deleteIfExists(group);
        if (mountedHere) {
            run("umount", root.toString());
            Files.deleteIfExists(root);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out.strip());
        }
        return out;
    }
}
