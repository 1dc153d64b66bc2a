/** Runs' and environments' state in CAIRN_HOME: the local adapters of the runtime's stores. */
package dev.cairn.local.state;
