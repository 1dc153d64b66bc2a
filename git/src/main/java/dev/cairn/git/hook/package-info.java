/** The post-receive hook that tells Cairn about pushes to a local bare repository. */
package dev.cairn.git.hook;
