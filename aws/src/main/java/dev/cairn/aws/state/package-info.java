/** The runtime's stores of runs and environments in S3, changed by compare-and-swap. */
package dev.cairn.aws.state;
