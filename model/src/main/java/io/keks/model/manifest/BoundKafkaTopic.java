package io.keks.model.manifest;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/**
 * A KafkaTopic as manifests are bound to: the same resource, with its names stated. Strimzi's class
 * leaves its plural to be derived, and the constructor every instance runs derives it twice with
 * regular expressions: about 0.2 s of binding 10,000 KafkaTopics. The names here are those the
 * derivation gives (a test compares them), so the kind, API version and CRD name are unchanged.
 */
@Group("kafka.strimzi.io")
@Version("v1")
@Kind("KafkaTopic")
@Plural("kafkatopics")
@Singular("kafkatopic")
public final class BoundKafkaTopic extends KafkaTopic {
    private static final long serialVersionUID = 1L;
}
