/*
 * The PC board's DSDT body (acpi-dsdt.c), written with the AML helpers of
 * acpi-aml.h; acpi-tables.c wraps it in a table header.
 */
#ifndef HW_I386_ACPI_DSDT_H
#define HW_I386_ACPI_DSDT_H

#include "hw/i386/pc.h"
#include "acpi-aml.h"

/* Link devices \_SB.LNKA..LNKD: the IRQs the DSDT offers for PIRQA-D. */
#define PC_ACPI_LINK_IRQS  ((1u << 5) | (1u << 10) | (1u << 11))

/* Append the AML of the PC's DSDT (everything after the table header). */
void pc_acpi_dsdt_build(AmlBuf *b, const PCAcpiConfig *cfg);

#endif
