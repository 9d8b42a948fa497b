package io.keks.engine.user;

import io.keks.model.DesiredUser;
import io.keks.model.SecretValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Makes Kafka hold what the KafkaUsers describe: a SCRAM-SHA-512 credential, exactly the ACLs of
 * each user's rules, and its quotas. Three reads for all users (credentials, ACLs, quotas), then at
 * most one batched write of each kind, and none when everything is in sync. Users the manifests
 * dropped are removed with {@link #remove}.
 */
public final class UserReconciler {
    /** SCRAM's iteration count, as Strimzi's user operator uses it. */
    static final int ITERATIONS = 4096;

    /**
     * What became of one KafkaUser.
     *
     * @param username the name clients log in with and ACLs name (User:&lt;username&gt;)
     * @param reason   empty when ready; otherwise KafkaError or NotSupported
     */
    public record UserStatus(String name, String username, boolean ready, String reason, String message) {
    }

    /** @param writes Admin calls that changed something: 0 when every user was in sync */
    public record Result(List<UserStatus> statuses, int writes) {
    }

    private final Admin admin;
    private final long timeoutMs;

    public UserReconciler(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @param passwords      the password of every SCRAM user
     * @param passwordChange the users whose password changed since it was last written to Kafka (a
     *                       rotation): their credential is written even when Kafka has one
     */
    public Result reconcile(List<DesiredUser> users, Map<String, SecretValue> passwords, Set<String> passwordChange)
            throws InterruptedException {
        Map<String, String> failures = new LinkedHashMap<>();
        int writes = 0;
        writes += credentials(users, passwords, passwordChange, failures);
        writes += acls(users, failures);
        writes += quotas(users, failures);
        List<UserStatus> out = new ArrayList<>();
        for (DesiredUser u : users) {
            String failure = failures.get(u.name());
            out.add(failure == null ? new UserStatus(u.name(), u.username(), true, "", "")
                    : new UserStatus(u.name(), u.username(), false, "KafkaError", failure));
        }
        return new Result(out, writes);
    }

    /** Removes what Kafka holds for users no KafkaUser describes any more: credential, ACLs, quotas. */
    public int remove(Collection<String> names) throws InterruptedException {
        if (names.isEmpty()) {
            return 0;
        }
        Map<String, String> failures = new HashMap<>();
        List<DesiredUser> none = names.stream().map(n -> new DesiredUser(n, null, null, List.of(), null)).toList();
        // whichever way the user logged in, its ACLs and quotas go: those of its name and of its certificate's subject
        List<DesiredUser> both = new ArrayList<>(none);
        names.forEach(n -> both.add(new DesiredUser(n, DesiredUser.TLS, null, List.of(), null)));
        int writes = credentials(none, Map.of(), Set.of(), failures) + acls(both, failures) + quotas(both, failures);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove users from Kafka: " + failures);
        }
        return writes;
    }

    private int credentials(List<DesiredUser> users, Map<String, SecretValue> passwords, Set<String> passwordChange,
                            Map<String, String> failures) throws InterruptedException {
        Set<String> have = new HashSet<>();
        try {
            Map<String, UserScramCredentialsDescription> all = admin.describeUserScramCredentials().all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            all.forEach((name, d) -> {
                if (d.credentialInfos().stream().anyMatch(i -> i.mechanism() == ScramMechanism.SCRAM_SHA_512)) {
                    have.add(name);
                }
            });
        } catch (ExecutionException | TimeoutException e) {
            users.forEach(u -> failures.put(u.name(), "cannot read SCRAM credentials: " + cause(e)));
            return 0;
        }
        List<UserScramCredentialAlteration> changes = new ArrayList<>();
        for (DesiredUser u : users) {
            boolean scram = DesiredUser.SCRAM.equals(u.authentication());
            if (scram && (!have.contains(u.name()) || passwordChange.contains(u.name()))) {
                SecretValue pw = passwords.get(u.name());
                if (pw == null) {
                    failures.put(u.name(), "no password for SCRAM user " + u.name());
                    continue;
                }
                changes.add(new UserScramCredentialUpsertion(u.name(), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
                        pw.reveal()));
            } else if (!scram && have.contains(u.name())) {
                changes.add(new UserScramCredentialDeletion(u.name(), ScramMechanism.SCRAM_SHA_512));
            }
        }
        if (changes.isEmpty()) {
            return 0;
        }
        Map<String, KafkaFuture<Void>> results = admin.alterUserScramCredentials(changes).values();
        results.forEach((name, f) -> wait(f, name, "cannot write the SCRAM credential", failures));
        return 1;
    }

    private int acls(List<DesiredUser> users, Map<String, String> failures) throws InterruptedException {
        Map<String, String> principals = new HashMap<>();
        users.forEach(u -> principals.put(u.principal(), u.name()));
        Collection<AclBinding> existing;
        try {
            existing = admin.describeAcls(AclBindingFilter.ANY).values().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) {
                // no authorizer: only users without ACLs can be in sync (the model refuses the others)
                return 0;
            }
            users.forEach(u -> failures.put(u.name(), "cannot read ACLs: " + cause(e)));
            return 0;
        } catch (TimeoutException e) {
            users.forEach(u -> failures.put(u.name(), "cannot read ACLs: " + cause(e)));
            return 0;
        }
        Set<AclBinding> have = new HashSet<>();
        existing.stream().filter(b -> principals.containsKey(b.entry().principal())).forEach(have::add);
        Set<AclBinding> want = new HashSet<>();
        users.forEach(u -> want.addAll(bindings(u)));
        List<AclBinding> create = want.stream().filter(b -> !have.contains(b)).toList();
        List<AclBindingFilter> delete = have.stream().filter(b -> !want.contains(b)).map(AclBinding::toFilter).toList();
        int writes = 0;
        if (!create.isEmpty()) {
            writes++;
            admin.createAcls(create).values().forEach((b, f) -> wait(f, principals.get(b.entry().principal()),
                    "cannot create ACL " + b, failures));
        }
        if (!delete.isEmpty()) {
            writes++;
            admin.deleteAcls(delete).values().forEach((filter, f) -> wait(f, principals.get(filter.entryFilter().principal()),
                    "cannot delete ACL " + filter, failures));
        }
        return writes;
    }

    /** A user's ACL rules as Kafka bindings, one per operation. */
    static List<AclBinding> bindings(DesiredUser u) {
        List<AclBinding> out = new ArrayList<>();
        for (DesiredUser.Acl a : u.acls()) {
            ResourcePattern pattern = new ResourcePattern(resourceType(a.resourceType()), a.resourceName(),
                    a.patternType().equals("prefix") ? PatternType.PREFIXED : PatternType.LITERAL);
            for (String op : a.operations()) {
                out.add(new AclBinding(pattern, new AccessControlEntry(u.principal(), a.host(), operation(op),
                        a.type().equals("deny") ? AclPermissionType.DENY : AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    private static ResourceType resourceType(String strimzi) {
        return switch (strimzi) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "cluster" -> ResourceType.CLUSTER;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            default -> throw new IllegalArgumentException("unknown ACL resource type " + strimzi);
        };
    }

    /** Strimzi's operation names (Read, AlterConfigs, IdempotentWrite, ...) to Kafka's. */
    static AclOperation operation(String strimzi) {
        String kafka = strimzi.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        return AclOperation.valueOf(kafka);
    }

    private int quotas(List<DesiredUser> users, Map<String, String> failures) throws InterruptedException {
        Map<String, Map<String, Double>> have = new HashMap<>();
        try {
            Map<ClientQuotaEntity, Map<String, Double>> all = admin.describeClientQuotas(ClientQuotaFilter.containsOnly(
                    List.of(ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.USER)))).entities()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            all.forEach((entity, values) -> {
                String user = entity.entries().get(ClientQuotaEntity.USER);
                if (user != null && entity.entries().size() == 1) {
                    have.put(user, values);
                }
            });
        } catch (ExecutionException | TimeoutException e) {
            users.forEach(u -> failures.put(u.name(), "cannot read quotas: " + cause(e)));
            return 0;
        }
        List<ClientQuotaAlteration> changes = new ArrayList<>();
        for (DesiredUser u : users) {
            Map<String, Double> want = quotaValues(u.quotas());
            Map<String, Double> now = have.getOrDefault(u.username(), Map.of());
            List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
            want.forEach((k, v) -> {
                if (!v.equals(now.get(k))) {
                    ops.add(new ClientQuotaAlteration.Op(k, v));
                }
            });
            now.keySet().stream().filter(k -> !want.containsKey(k)).forEach(k -> ops.add(new ClientQuotaAlteration.Op(k, null)));
            if (!ops.isEmpty()) {
                changes.add(new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, u.username())), ops));
            }
        }
        if (changes.isEmpty()) {
            return 0;
        }
        Map<String, String> names = new HashMap<>();
        users.forEach(u -> names.put(u.username(), u.name()));
        admin.alterClientQuotas(changes).values().forEach((entity, f) -> wait(f, names.get(entity.entries().get(ClientQuotaEntity.USER)),
                "cannot set quotas", failures));
        return 1;
    }

    /** Kafka's quota keys for what a KafkaUser sets. */
    static Map<String, Double> quotaValues(DesiredUser.Quotas q) {
        Map<String, Double> out = new TreeMap<>();
        if (q == null) {
            return out;
        }
        if (q.producerByteRate() != null) {
            out.put("producer_byte_rate", q.producerByteRate().doubleValue());
        }
        if (q.consumerByteRate() != null) {
            out.put("consumer_byte_rate", q.consumerByteRate().doubleValue());
        }
        if (q.requestPercentage() != null) {
            out.put("request_percentage", q.requestPercentage().doubleValue());
        }
        if (q.controllerMutationRate() != null) {
            out.put("controller_mutation_rate", q.controllerMutationRate());
        }
        return out;
    }

    private void wait(KafkaFuture<?> f, String user, String what, Map<String, String> failures) {
        try {
            f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.putIfAbsent(user, what + ": interrupted");
        } catch (ExecutionException | TimeoutException e) {
            failures.putIfAbsent(user, what + ": " + cause(e));
        }
    }

    private static String cause(Exception e) {
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
