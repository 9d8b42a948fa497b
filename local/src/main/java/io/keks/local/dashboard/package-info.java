/**
 * The local dashboard page: the cluster at a glance from the Admin API and the nodes' metrics, served by the supervisor.
 */
package io.keks.local.dashboard;
