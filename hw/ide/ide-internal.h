/*
 * Shared between hw/ide/core.c (ATA) and hw/ide/atapi.c (packet devices).
 */
#ifndef HW_IDE_INTERNAL_H
#define HW_IDE_INTERNAL_H

#include "hw/ide/ide.h"

#define ATAPI_SECTOR_SIZE 2048
/* Interrupt reason (sector count register) bits. */
#define ATAPI_INT_REASON_CD 0x01
#define ATAPI_INT_REASON_IO 0x02

void ide_set_irq(IDEState *s);
void ide_abort(IDEState *s, uint8_t err);
void ide_set_signature(IDEState *s);
/* Start a bus-master transfer of xfer_left sectors (or dma_buf_len bytes). */
void ide_dma_start(IDEState *s, bool to_mem);

void ide_atapi_identify(IDEState *s);
void ide_atapi_packet_start(IDEState *s);
void ide_atapi_packet_received(IDEState *s);
void ide_atapi_pio_chunk_done(IDEState *s);
void ide_atapi_dma_done(IDEState *s, bool ok);
void ide_atapi_media_cb(void *opaque, bool load);

#endif
