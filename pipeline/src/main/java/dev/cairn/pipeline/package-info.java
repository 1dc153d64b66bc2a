/** The pipeline domain: the pipeline file, its compilation to ASL, runs and the ports. */
package dev.cairn.pipeline;
