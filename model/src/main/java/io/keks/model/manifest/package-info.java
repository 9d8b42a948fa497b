/**
 * Reading manifests: YAML with line numbers, strict binding into io.strimzi:api, and problems that name the
 * file, line and field.
 */
package io.keks.model.manifest;
