/**
 * ACPI tables for a hardware-reduced x86 VM: one class per table (RSDP, XSDT, FADT, MADT, DSDT), a
 * small AML encoder for the DSDT, and {@link jvmm.vmm.acpi.AcpiTables}, which writes them all.
 */
package jvmm.vmm.acpi;
