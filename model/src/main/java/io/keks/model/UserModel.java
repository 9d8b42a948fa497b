package io.keks.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserQuotas;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads KafkaUser resources into {@link DesiredUser}s, checking them against the cluster: the
 * {@code strimzi.io/cluster} label, an authentication keks serves, ACLs only where the Kafka has an
 * authorizer, and a given password's Secret among the manifests.
 */
public final class UserModel {
    /** Kafka's SCRAM user names may hold more, but a KafkaUser's name is a Kubernetes name. */
    private static final Pattern USER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,62}[a-z0-9])?");

    private UserModel() {
    }

    static List<DesiredUser> users(List<Sourced<KafkaUser>> resources, String cluster, AuthorizationSpec authorization,
                                   List<Sourced<Secret>> secrets, List<Problem> problems) {
        List<DesiredUser> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Sourced<KafkaUser> u : resources) {
            KafkaUser user = u.resource();
            String name = user.getMetadata().getName();
            if (!ClusterModel.labelledFor(u, "KafkaUser", cluster, problems)) {
                continue;
            }
            if (!USER_NAME.matcher(name).matches()) {
                problems.add(u.error("/metadata/name", "\"" + name + "\" is not a valid KafkaUser name; use lower-case letters,"
                        + " digits, '-' and '.', at most 64"));
                continue;
            }
            if (seen.putIfAbsent(name, 1) != null) {
                problems.add(u.error("/metadata/name", "a second KafkaUser named " + name + "; each user is described once"));
                continue;
            }
            var spec = user.getSpec();
            String authentication = null;
            SecretValue given = null;
            if (spec != null && spec.getAuthentication() != null) {
                if (spec.getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication scram) {
                    authentication = DesiredUser.SCRAM;
                    if (scram.getPassword() != null) {
                        given = givenPassword(u, scram, secrets, problems);
                    }
                } else if (spec.getAuthentication() instanceof KafkaUserTlsClientAuthentication) {
                    authentication = DesiredUser.TLS;
                } else {
                    problems.add(u.error("/spec/authentication/type", "authentication type \""
                            + spec.getAuthentication().getType() + "\" is not supported yet; use scram-sha-512 or tls"));
                    continue;
                }
            }
            List<DesiredUser.Acl> acls = List.of();
            if (spec != null && spec.getAuthorization() != null) {
                if (!(spec.getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
                    problems.add(u.error("/spec/authorization/type", "authorization type \"" + spec.getAuthorization().getType()
                            + "\" is not supported; use simple"));
                    continue;
                }
                if (authorization == null) {
                    problems.add(u.error("/spec/authorization", "KafkaUser " + name + " has ACLs, but Kafka " + cluster
                            + " has no authorizer to apply them; add `authorization: {type: simple}` under the Kafka's"
                            + " spec.kafka, or remove spec.authorization here"));
                    continue;
                }
                acls = acls(u, simple, problems);
            }
            DesiredUser.Quotas quotas = spec != null && spec.getQuotas() != null ? quotas(u, spec.getQuotas(), problems) : null;
            out.add(new DesiredUser(name, authentication, given, acls, quotas));
        }
        return out;
    }

    /** spec.quotas, each rate checked (a problem is reported, the user is kept). */
    private static DesiredUser.Quotas quotas(Sourced<KafkaUser> u, KafkaUserQuotas q, List<Problem> problems) {
        if (q.getRequestPercentage() != null && (q.getRequestPercentage() < 0 || q.getRequestPercentage() > 100)) {
            problems.add(u.error("/spec/quotas/requestPercentage", "requestPercentage must be 0 to 100"));
        }
        checkNotNegative(u, "producerByteRate", q.getProducerByteRate(), problems);
        checkNotNegative(u, "consumerByteRate", q.getConsumerByteRate(), problems);
        if (q.getControllerMutationRate() != null && q.getControllerMutationRate() < 0) {
            problems.add(u.error("/spec/quotas/controllerMutationRate", "controllerMutationRate must be 0 or more"));
        }
        return new DesiredUser.Quotas(q.getProducerByteRate(), q.getConsumerByteRate(), q.getRequestPercentage(),
                q.getControllerMutationRate());
    }

    private static void checkNotNegative(Sourced<KafkaUser> u, String field, Integer value, List<Problem> problems) {
        if (value != null && value < 0) {
            problems.add(u.error("/spec/quotas/" + field, field + " must be 0 or more (bytes per second)"));
        }
    }

    private static SecretValue givenPassword(Sourced<KafkaUser> u, KafkaUserScramSha512ClientAuthentication scram,
                                             List<Sourced<Secret>> secrets, List<Problem> problems) {
        String at = "/spec/authentication/password/valueFrom/secretKeyRef";
        var from = scram.getPassword().getValueFrom();
        if (from == null || from.getSecretKeyRef() == null || from.getSecretKeyRef().getName() == null
                || from.getSecretKeyRef().getKey() == null) {
            problems.add(u.error(at, "a given password needs valueFrom.secretKeyRef with name and key"));
            return null;
        }
        String secret = from.getSecretKeyRef().getName();
        String key = from.getSecretKeyRef().getKey();
        for (Sourced<Secret> s : secrets) {
            if (!secret.equals(s.resource().getMetadata().getName())) {
                continue;
            }
            Map<String, String> string = s.resource().getStringData();
            if (string != null && string.containsKey(key)) {
                return new SecretValue(string.get(key));
            }
            Map<String, String> data = s.resource().getData();
            if (data != null && data.containsKey(key)) {
                try {
                    return new SecretValue(new String(Base64.getDecoder().decode(data.get(key).trim()), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    problems.add(s.error("/data/" + key, "is not base64; put the password under stringData instead"));
                    return null;
                }
            }
            problems.add(u.error(at + "/key", "Secret " + secret + " has no key \"" + key + "\""));
            return null;
        }
        problems.add(u.error(at + "/name", "no Secret named " + secret + " in these manifests; add it (kind: Secret,"
                + " with the password under stringData." + key + ") or drop spec.authentication.password to have one generated"));
        return null;
    }

    /** The first operation of an ACL rule that Kafka does not have, named with the ones it has. */
    private static Problem unknownOperation(Sourced<KafkaUser> u, String at) {
        JsonNode rule = u.document().tree().at(at);
        String where = at + "/operation";
        String name = rule.path("operation").asText("");
        JsonNode list = rule.path("operations");
        for (int i = 0; i < list.size(); i++) {
            if (AclOperation.forValue(list.get(i).asText()) == null) {
                where = at + "/operations/" + i;
                name = list.get(i).asText();
                break;
            }
        }
        return u.error(where, "\"" + name + "\" is not an ACL operation Kafka has; use " + Arrays.stream(AclOperation.values())
                .map(AclOperation::toValue).collect(Collectors.joining(", ")));
    }

    private static List<DesiredUser.Acl> acls(Sourced<KafkaUser> u, KafkaUserAuthorizationSimple simple, List<Problem> problems) {
        List<DesiredUser.Acl> out = new ArrayList<>();
        List<AclRule> rules = simple.getAcls() == null ? List.of() : simple.getAcls();
        for (int i = 0; i < rules.size(); i++) {
            AclRule r = rules.get(i);
            String at = "/spec/authorization/acls/" + i;
            if (r.getResource() == null) {
                problems.add(u.error(at + "/resource", "an ACL rule needs a resource (type topic, group, cluster or transactionalId)"));
                continue;
            }
            List<AclOperation> ops = new ArrayList<>();
            if (r.getOperations() != null) {
                ops.addAll(r.getOperations());
            }
            if (r.getOperation() != null) {
                ops.add(r.getOperation());
            }
            if (ops.isEmpty()) {
                problems.add(u.error(at + "/operations", "an ACL rule needs operations, e.g. [Read, Describe]"));
                continue;
            }
            if (ops.contains(null)) {
                problems.add(unknownOperation(u, at));
                continue;
            }
            String type;
            String name;
            String pattern;
            switch (r.getResource()) {
                case AclRuleTopicResource t -> {
                    type = "topic";
                    name = t.getName();
                    pattern = t.getPatternType() == null ? "literal" : t.getPatternType().toValue();
                }
                case AclRuleGroupResource g -> {
                    type = "group";
                    name = g.getName();
                    pattern = g.getPatternType() == null ? "literal" : g.getPatternType().toValue();
                }
                case AclRuleTransactionalIdResource t -> {
                    type = "transactionalId";
                    name = t.getName();
                    pattern = t.getPatternType() == null ? "literal" : t.getPatternType().toValue();
                }
                case AclRuleClusterResource c -> {
                    type = "cluster";
                    name = "kafka-cluster";
                    pattern = "literal";
                }
                default -> {
                    problems.add(u.error(at + "/resource/type", "resource type \"" + r.getResource().getType()
                            + "\" is not known; use topic, group, cluster or transactionalId"));
                    continue;
                }
            }
            if (name == null || name.isEmpty()) {
                problems.add(u.error(at + "/resource/name", "the " + type + " resource needs a name (\"*\" for all)"));
                continue;
            }
            out.add(new DesiredUser.Acl(type, name, pattern, r.getType() == null ? "allow" : r.getType().toValue(),
                    r.getHost() == null ? "*" : r.getHost(), ops.stream().map(AclOperation::toValue).distinct().toList()));
        }
        return out;
    }
}
