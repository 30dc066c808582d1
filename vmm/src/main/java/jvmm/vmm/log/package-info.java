/**
 * The VMM's logging back end for the Log4j 2 API: one line per event on stderr, no configuration
 * files, no plugins. It replaces Log4j Core, whose start-up (configuration parsing, plugin
 * discovery, reflection) took about 4 s of a VMM start inside the KVM sandbox.
 */
package jvmm.vmm.log;
