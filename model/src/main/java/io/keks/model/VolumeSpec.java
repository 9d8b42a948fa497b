package io.keks.model;

/**
 * One data volume of a node: a JBOD entry or the single volume of a pool.
 *
 * @param id            the JBOD volume id (0 for a single volume)
 * @param type          persistent-claim or ephemeral
 * @param sizeBytes     requested size, 0 when none was given (ephemeral)
 * @param kraftMetadata true when the KRaft metadata log lives on this volume
 */
public record VolumeSpec(int id, String type, long sizeBytes, String size, String storageClass,
                         boolean deleteClaim, boolean kraftMetadata) {
}
