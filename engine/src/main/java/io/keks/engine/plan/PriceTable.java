package io.keks.engine.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link CapacityPlanner} prices and checks a plan with: instance types (memory, baseline network and EBS
 * bandwidth, instance storage, price), EBS volume types (price and limits) and cross-zone transfer, read from a dated
 * CSV. keks ships one (aws-us-east-1.csv beside this class); {@code keks plan --prices FILE} reads another.
 */
public record PriceTable(String source, String date, String region, List<Instance> instances, Map<String, Volume> volumes,
                         double crossZonePerGb) {
    /** Hours in a month, as AWS prices a month. */
    public static final double HOURS_PER_MONTH = 730;

    /**
     * @param networkGbps baseline network bandwidth
     * @param ebsMbps     baseline EBS bandwidth (megabits)
     * @param nvmeGb      instance store, 0 when none
     */
    public record Instance(String type, int vcpu, int memoryGib, double networkGbps, double ebsMbps, int nvmeGb, double perHour) {
        /** Baseline network bandwidth in MB/s. */
        public double networkMBps() {
            return networkGbps * 1000 / 8;
        }

        /** Baseline EBS bandwidth in MB/s. */
        public double ebsMBps() {
            return ebsMbps / 8;
        }

        public double perMonth() {
            return perHour * HOURS_PER_MONTH;
        }
    }

    /** An EBS volume type: its price per GiB-month, its largest size and throughput, and what IOPS and throughput cost beyond what comes with it. */
    public record Volume(String type, double perGibMonth, long maxGib, double maxMibps, double includedMibps, double perMibpsMonth,
                         long includedIops, long maxIops, double perIopsMonth) {
    }

    /** The table keks ships. */
    public static PriceTable bundled() {
        try (InputStream in = PriceTable.class.getResourceAsStream("aws-us-east-1.csv")) {
            return read("the bundled price table", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("the bundled price table cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a table; a bad line fails with its number and what the line should hold. */
    public static PriceTable read(String source, String text) {
        String date = "";
        String region = "";
        List<Instance> instances = new ArrayList<>();
        Map<String, Volume> volumes = new LinkedHashMap<>();
        double crossZone = -1;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("# date:")) {
                date = line.substring(7).strip();
            } else if (line.startsWith("# region:")) {
                region = line.substring(9).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",");
            try {
                switch (f[0]) {
                    case "instance" -> {
                        need(f, 8);
                        instances.add(new Instance(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]),
                                Double.parseDouble(f[5]), Integer.parseInt(f[6]), Double.parseDouble(f[7])));
                    }
                    case "volume" -> {
                        need(f, 10);
                        volumes.put(f[1], new Volume(f[1], Double.parseDouble(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]),
                                Double.parseDouble(f[5]), Double.parseDouble(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                                Double.parseDouble(f[9])));
                    }
                    case "transfer" -> {
                        need(f, 3);
                        crossZone = Double.parseDouble(f[2]);
                    }
                    default -> throw new IllegalArgumentException("starts with \"" + f[0] + "\"; use instance, volume or transfer");
                }
            } catch (IllegalArgumentException e) {
                String why = e instanceof NumberFormatException ? "holds a value that is not a number (" + e.getMessage() + ")" : e.getMessage();
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": the line " + why + "; see the comments of the bundled"
                        + " table (keks plan --print-prices) for the columns", e);
            }
        }
        for (String t : List.of("gp3", "st1", "io2")) {
            if (!volumes.containsKey(t)) {
                throw new IllegalArgumentException(source + ": no volume line for " + t + "; every table needs gp3, st1 and io2");
            }
        }
        if (instances.isEmpty() || crossZone < 0) {
            throw new IllegalArgumentException(source + ": a table needs instance lines and a transfer,cross-zone line");
        }
        return new PriceTable(source, date, region, List.copyOf(instances), Map.copyOf(volumes), crossZone);
    }

    private static void need(String[] f, int n) {
        if (f.length != n) {
            throw new IllegalArgumentException("has " + f.length + " fields where " + n + " belong");
        }
    }
}
