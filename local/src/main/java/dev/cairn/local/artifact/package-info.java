/** Build artifacts kept on the local disk by the digest of their content. */
package dev.cairn.local.artifact;
