package io.keks.cli;

import io.keks.local.LocalCluster;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dashboard", description = {"Show where the cluster's dashboard is: a local web page with the cluster at a glance.",
        "It shows brokers online, the active controller, under-replicated, offline and under-min-ISR partitions,",
        "per-node throughput, log size and heap, and consumer lag per group, on live charts. The cluster's supervisor",
        "serves it while the cluster runs (`keks up`); it looks at the nodes only while the page is open."},
        footerHeading = "%nExamples:%n",
        footer = {"  keks dashboard               print the URL and check that the page answers",
                "  keks dashboard --open        also open it in this desktop's browser"})
final class DashboardCommand implements Callable<Integer> {
    @Mixin
    ClusterOption cluster;

    @Option(names = "--open", description = "Open the page with the desktop's opener (xdg-open, or open on macOS).")
    boolean open;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalCluster c = cluster.open();
        String url = c.dashboardUrl();
        if (SuperviseCommand.running(c.dir()).isEmpty()) {
            err.println("error: cluster " + c.desired().name() + " is not running, so nothing serves its dashboard; start it with"
                    + " `./keks up` (or `./keks up -d` to get the terminal back), then run `./keks dashboard` again");
            return 1;
        }
        if (!answers(url)) {
            err.println("error: the supervisor of cluster " + c.desired().name() + " runs but " + url + " does not answer; its"
                    + " port may be taken by another program (see " + c.dir().resolve("supervisor.log") + ")");
            return 1;
        }
        out.println("Dashboard of cluster " + c.desired().name() + ": " + url);
        if (open) {
            String opener = opener();
            if (opener == null) {
                out.println("no desktop opener (xdg-open or open) on this machine: open the URL in a browser yourself");
            } else {
                new ProcessBuilder(opener, url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            }
        }
        out.flush();
        return 0;
    }

    private static boolean answers(String url) {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String opener() {
        for (String name : List.of("xdg-open", "open")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }
}
