/**
 * Runs build jobs as local processes: inside bubblewrap and cgroup limits where the machine allows,
 * as plain processes with a warning otherwise.
 */
package dev.cairn.local.job;
