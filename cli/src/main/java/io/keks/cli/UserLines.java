package io.keks.cli;

import io.keks.local.LocalUsers;
import java.io.PrintWriter;
import java.util.List;

/** One line per KafkaUser after an up or apply, like the topic lines; never a password. */
final class UserLines {
    private UserLines() {
    }

    /** Prints the lines and whether anything was written; returns how many users are not ready. */
    static int print(LocalUsers.Reconciled reconciled, PrintWriter out) {
        if (reconciled.users().isEmpty()) {
            return 0;
        }
        int failed = print(reconciled.users(), out);
        if (reconciled.writes() == 0) {
            out.println("kafkausers: Kafka already held every credential, ACL and quota; nothing written");
        }
        out.flush();
        return failed;
    }

    private static int print(List<LocalUsers.UserStatus> users, PrintWriter out) {
        int failed = 0;
        for (LocalUsers.UserStatus u : users) {
            if (u.ready()) {
                out.println("kafkauser/" + u.name() + " ready (" + describe(u) + ")");
            } else {
                failed++;
                out.println("kafkauser/" + u.name() + " not ready: " + u.reason() + ": " + u.message());
            }
        }
        out.flush();
        return failed;
    }

    static String describe(LocalUsers.UserStatus u) {
        return (u.authentication() == null ? "no authentication" : u.authentication()) + ", " + u.acls() + " ACL"
                + (u.acls() == 1 ? "" : "s") + (u.quotas() ? ", quotas" : "");
    }
}
