/*
 * IDE/ATA: one bus (channel) with a master and a slave drive, the ATA task
 * file, PIO data transfers, and the bus-master DMA engine (SFF-8038i) that
 * PCI IDE controllers such as the PIIX3/PIIX4 put in front of each channel.
 */
#ifndef HW_IDE_IDE_H
#define HW_IDE_IDE_H

#include "qemu/osdep.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "block/block-backend.h"

#define IDE_SECTOR_SIZE 512
#define IDE_MAX_MULT 16
/* Largest PIO block: IDE_MAX_MULT sectors. */
#define IDE_BUF_SIZE (IDE_MAX_MULT * IDE_SECTOR_SIZE)

/* Status register */
#define ATA_STAT_ERR  0x01
#define ATA_STAT_DRQ  0x08
#define ATA_STAT_DSC  0x10
#define ATA_STAT_DF   0x20
#define ATA_STAT_DRDY 0x40
#define ATA_STAT_BSY  0x80
/* Error register */
#define ATA_ERR_ABRT  0x04
#define ATA_ERR_IDNF  0x10
#define ATA_ERR_UNC   0x40
/* Device control register */
#define ATA_CTL_NIEN  0x02
#define ATA_CTL_SRST  0x04
#define ATA_CTL_HOB   0x80
/* Device/head register */
#define ATA_DEV_LBA   0x40
#define ATA_DEV_DEV   0x10

/* Bus master IDE registers (offsets within a channel's 8 bytes). */
#define BM_CMD        0
#define BM_STATUS     2
#define BM_PRDT       4
#define BM_CMD_START  0x01
#define BM_CMD_READ   0x08     /* bus master writes memory (device -> memory) */
#define BM_STAT_ACTIVE 0x01
#define BM_STAT_ERROR  0x02
#define BM_STAT_INTR   0x04
#define BM_STAT_DMA0   0x20
#define BM_STAT_DMA1   0x40

typedef enum IDEXfer {
    IDE_XFER_NONE,
    IDE_XFER_PIO_IN,       /* device -> host through the data register */
    IDE_XFER_PIO_OUT,
    IDE_XFER_DMA_IN,       /* waiting for the bus master: disk -> memory */
    IDE_XFER_DMA_OUT,
    IDE_XFER_ATAPI_CMD,    /* receiving a 12-byte ATAPI packet */
    IDE_XFER_ATAPI_IN,     /* ATAPI data-in through the data register */
} IDEXfer;

struct IDEBus;

typedef struct IDEState {
    struct IDEBus *bus;
    int unit;                       /* 0 master, 1 slave */
    BlockBackend *blk;              /* NULL: no drive */
    uint64_t nb_sectors;
    char serial[21];
    char model[41];

    /* Task file; hob_* hold the previous write (LBA48 "high order byte"). */
    uint8_t feature, nsector, sector, lcyl, hcyl;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t select, status, error;
    uint8_t command;
    bool lba48;

    uint8_t mult_sectors;           /* SET MULTIPLE MODE */
    uint8_t xfer_mode;              /* SET FEATURES 03h value */
    bool write_cache;
    bool irq_pending;

    /* ATAPI CD-ROM (hw/ide/atapi.c). */
    bool is_cdrom;
    bool media_changed;             /* report UNIT ATTENTION / a media event once */
    bool tray_open;
    uint8_t sense_key, asc;
    uint16_t atapi_limit;           /* byte count limit of the current packet */
    bool atapi_dma;                 /* packet data by bus master */
    bool atapi_from_disk;           /* data-in from the medium, else from io_buffer */
    uint64_t atapi_pos;             /* next medium byte (from_disk) */
    uint32_t atapi_left;            /* data-in bytes not yet handed out */
    uint32_t dma_buf_len;           /* DMA from io_buffer instead of the disk */

    /* Current transfer. */
    uint8_t xfer;                   /* IDEXfer */
    uint64_t xfer_lba;              /* next sector */
    uint32_t xfer_left;             /* sectors not yet moved through the buffer */
    uint32_t block_sectors;         /* sectors in the current PIO block */
    uint32_t data_pos, data_end;    /* within io_buffer */
    uint8_t io_buffer[IDE_BUF_SIZE];
} IDEState;

typedef struct BMDMAState {
    uint8_t cmd;
    uint8_t status;
    uint32_t prdt;
} BMDMAState;

typedef struct IDEBus {
    IDEState ifs[2];
    uint8_t unit;                   /* selected drive */
    uint8_t devctl;
    IRQLine *irq;
    int irq_level;
    BMDMAState bm;
    AddressSpace *dma_as;           /* where bus-master DMA goes */
    void *owner;                    /* the controller, for its register decoding */
    int channel;
} IDEBus;

void ide_bus_init(IDEBus *bus, IRQLine *irq, AddressSpace *dma_as);
/* Attach a disk (BlockBackend) as drive UNIT; false + errp if unusable. */
bool ide_bus_attach(IDEBus *bus, int unit, BlockBackend *blk, GError **errp);
void ide_bus_reset(IDEBus *bus);
/* Attach an ATAPI CD-ROM (BLK may have no medium: an empty drive). */
bool ide_bus_attach_cdrom(IDEBus *bus, int unit, BlockBackend *blk, GError **errp);

/* Command block (offset 0-7) and control block (alt status / device control). */
uint32_t ide_ioport_read(IDEBus *bus, unsigned reg);
void ide_ioport_write(IDEBus *bus, unsigned reg, uint32_t val);
uint32_t ide_data_read(IDEBus *bus, unsigned size);
void ide_data_write(IDEBus *bus, uint32_t val, unsigned size);
uint32_t ide_status_read(IDEBus *bus);          /* alternate status: no IRQ ack */
void ide_ctrl_write(IDEBus *bus, uint32_t val);

/* Bus master registers of this channel (offset 0-7 of its BMIBA window). */
uint32_t ide_bmdma_read(IDEBus *bus, unsigned off, unsigned size);
void ide_bmdma_write(IDEBus *bus, unsigned off, uint32_t val, unsigned size);

/* Re-drive the IRQ line from the saved state (vmstate post_load). */
void ide_bus_update_irq(IDEBus *bus);

extern const struct VMStateDescription vmstate_ide_bus;

#endif
