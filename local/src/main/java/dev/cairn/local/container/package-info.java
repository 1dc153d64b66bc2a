/**
 * Container releases on a local OCI runtime (Podman): building the application's image, running
 * releases and one-off migrations as containers with the releases' isolation, finding them by their
 * release label.
 */
package dev.cairn.local.container;
