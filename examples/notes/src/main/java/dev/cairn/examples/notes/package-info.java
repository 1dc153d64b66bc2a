/** The sample application deployed by the demo. */
package dev.cairn.examples.notes;
