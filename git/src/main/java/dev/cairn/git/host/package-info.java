/**
 * The git host's own API (GitHub's REST API): commit statuses and deployments that show a run's
 * outcome where people look, written once for the local loop and the AWS notifier.
 */
package dev.cairn.git.host;
