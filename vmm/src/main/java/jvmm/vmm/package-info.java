/** The VMM: composition root, x86 platform, boot, legacy devices, vCPUs, CLI. */
package jvmm.vmm;
