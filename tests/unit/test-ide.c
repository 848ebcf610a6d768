/*
 * Unit tests for hw/ide/core.c: the ATA task file driven the way a host
 * driver does (IDENTIFY, PIO in/out with and without MULTIPLE, LBA28 and
 * LBA48, bus-master DMA through a PRD table in guest RAM, FLUSH, range
 * errors, bad PRD addresses, INTRQ with nIEN, SRST signatures, an absent
 * slave) against a raw image file, and a vmstate round trip mid-transfer.
 */
#include "qemu/osdep.h"
#include "hw/ide/ide.h"
#include "migration/vmstate.h"
#include <criterion/criterion.h>
#include <unistd.h>

#define RAM_SIZE (1 << 20)
#define DISK_SECTORS 4096

static MemoryRegion ram;
static bool ram_ready;
static IDEBus bus;
static BlockBackend *blk;
static char path[64];
static int irq_level;
static uint8_t *disk_ref;

static void irq_handler(void *opaque, int n, int level)
{
    irq_level = level;
}

static void setup(void)
{
    GError *err = NULL;
    BlockBackendOpts o = { .id = "hd0" };
    int fd;

    if (!ram_ready) {
        cr_assert(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, &err));
        memory_region_add_subregion(get_system_memory(), 0, &ram);
        ram_ready = true;
    }
    snprintf(path, sizeof(path), "/tmp/mimic-ide-XXXXXX");
    fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    disk_ref = g_malloc(DISK_SECTORS * 512);
    for (int i = 0; i < DISK_SECTORS * 512; i++) {
        disk_ref[i] = (i / 512) ^ (i * 7);
    }
    cr_assert_eq(write(fd, disk_ref, DISK_SECTORS * 512), DISK_SECTORS * 512);
    close(fd);
    o.file = path;
    o.format = "raw";
    blk = blk_new_open(&o, &err);
    cr_assert_not_null(blk);
    ide_bus_init(&bus, irq_new(irq_handler, NULL, 0), &address_space_memory);
    cr_assert(ide_bus_attach(&bus, 0, blk, &err));
    irq_level = 0;
}

static void teardown(void)
{
    blk_unref(blk);
    unlink(path);
    g_free(disk_ref);
}

TestSuite(ide, .init = setup, .fini = teardown);

static void set_lba28(uint32_t lba, uint8_t count)
{
    ide_ioport_write(&bus, 6, 0xe0 | ((lba >> 24) & 0xf));
    ide_ioport_write(&bus, 2, count);
    ide_ioport_write(&bus, 3, lba);
    ide_ioport_write(&bus, 4, lba >> 8);
    ide_ioport_write(&bus, 5, lba >> 16);
}

static void set_lba48(uint64_t lba, uint16_t count)
{
    ide_ioport_write(&bus, 6, 0x40);
    ide_ioport_write(&bus, 2, count >> 8);
    ide_ioport_write(&bus, 3, lba >> 24);
    ide_ioport_write(&bus, 4, lba >> 32);
    ide_ioport_write(&bus, 5, lba >> 40);
    ide_ioport_write(&bus, 2, count);
    ide_ioport_write(&bus, 3, lba);
    ide_ioport_write(&bus, 4, lba >> 8);
    ide_ioport_write(&bus, 5, lba >> 16);
}

static void pio_read(uint8_t *buf, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i += 2) {
        stw_le_p(buf + i, ide_data_read(&bus, 2));
    }
}

Test(ide, identify)
{
    uint8_t id[512];
    char model[41];

    ide_ioport_write(&bus, 6, 0xa0);
    ide_ioport_write(&bus, 7, 0xec);
    cr_assert_eq(irq_level, 1, "IDENTIFY data ready raises INTRQ");
    cr_assert_eq(ide_status_read(&bus), ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ);
    cr_assert_eq(irq_level, 1, "alternate status does not acknowledge");
    cr_assert_eq(ide_ioport_read(&bus, 7) & ATA_STAT_DRQ, ATA_STAT_DRQ);
    cr_assert_eq(irq_level, 0, "status read acknowledges");
    pio_read(id, 512);
    cr_assert_eq(ide_ioport_read(&bus, 7), ATA_STAT_DRDY | ATA_STAT_DSC);
    for (int i = 0; i < 20; i++) {
        model[2 * i] = id[54 + 2 * i + 1];
        model[2 * i + 1] = id[54 + 2 * i];
    }
    model[40] = 0;
    cr_assert_eq(strncmp(model, "MIMIC HARDDISK", 14), 0, "model '%s'", model);
    cr_assert_eq(lduw_le_p(id + 120) | (lduw_le_p(id + 122) << 16), DISK_SECTORS);
    cr_assert_eq(ldq_le_p(id + 200), DISK_SECTORS, "LBA48 capacity");
    cr_assert(lduw_le_p(id + 166) & (1 << 10), "LBA48 supported");
    cr_assert(lduw_le_p(id + 98) & (1 << 8), "DMA supported");
}

Test(ide, pio_read_write_lba28_multiple)
{
    uint8_t buf[512 * 8], back[512 * 8];

    /* READ SECTORS: one interrupt per sector. */
    set_lba28(100, 3);
    ide_ioport_write(&bus, 7, 0x20);
    for (int s = 0; s < 3; s++) {
        cr_assert_eq(irq_level, 1);
        cr_assert_eq(ide_ioport_read(&bus, 7), ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ);
        pio_read(buf + s * 512, 512);
    }
    cr_assert_eq(memcmp(buf, disk_ref + 100 * 512, 3 * 512), 0);
    cr_assert_eq(ide_ioport_read(&bus, 7), ATA_STAT_DRDY | ATA_STAT_DSC);

    /* WRITE MULTIPLE of 8 sectors in blocks of 4, with 32-bit data accesses. */
    ide_ioport_write(&bus, 2, 4);
    ide_ioport_write(&bus, 7, 0xc6);
    cr_assert_eq(ide_ioport_read(&bus, 7), ATA_STAT_DRDY | ATA_STAT_DSC);
    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 31 + 5;
    }
    set_lba28(2000, 8);
    ide_ioport_write(&bus, 7, 0xc5);
    cr_assert_eq(irq_level, 0, "no interrupt before the first block");
    for (int blkno = 0; blkno < 2; blkno++) {
        cr_assert(ide_status_read(&bus) & ATA_STAT_DRQ);
        for (int i = 0; i < 2048; i += 4) {
            ide_data_write(&bus, ldl_le_p(buf + blkno * 2048 + i), 4);
        }
        cr_assert_eq(irq_level, 1);
        ide_ioport_read(&bus, 7);
    }
    cr_assert_eq(ide_status_read(&bus), ATA_STAT_DRDY | ATA_STAT_DSC);
    cr_assert_eq(blk_pread(blk, 2000 * 512, back, sizeof(back)), 0);
    cr_assert_eq(memcmp(buf, back, sizeof(buf)), 0);
}

static void put_prd(uint32_t at, uint32_t addr, uint32_t len, bool eot)
{
    uint8_t e[8];

    stl_le_p(e, addr);
    stl_le_p(e + 4, (len & 0xffff) | (eot ? 0x80000000u : 0));
    cr_assert(address_space_write(&address_space_memory, at, e, 8) == MEMTX_OK);
}

Test(ide, dma_lba48_read_and_write)
{
    uint8_t buf[16 * 512];

    /* Read 16 sectors from 3000 into two buffers (odd split inside a sector). */
    put_prd(0x1000, 0x20000, 1000, false);
    put_prd(0x1008, 0x30000, 16 * 512 - 1000, true);
    ide_bmdma_write(&bus, BM_PRDT, 0x1000, 4);
    cr_assert_eq(ide_bmdma_read(&bus, BM_PRDT, 4), 0x1000);
    set_lba48(3000, 16);
    ide_ioport_write(&bus, 7, 0x25);
    cr_assert_eq(irq_level, 0, "nothing moves before the bus master starts");
    ide_bmdma_write(&bus, BM_CMD, BM_CMD_READ | BM_CMD_START, 1);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(ide_bmdma_read(&bus, BM_STATUS, 1) & 7, BM_STAT_INTR);
    ide_bmdma_write(&bus, BM_CMD, 0, 1);
    ide_bmdma_write(&bus, BM_STATUS, BM_STAT_INTR, 1);
    cr_assert_eq(ide_bmdma_read(&bus, BM_STATUS, 1) & 7, 0, "INTR is write-1-to-clear");
    cr_assert_eq(ide_ioport_read(&bus, 7), ATA_STAT_DRDY | ATA_STAT_DSC);
    address_space_read(&address_space_memory, 0x20000, buf, 1000);
    address_space_read(&address_space_memory, 0x30000, buf + 1000, sizeof(buf) - 1000);
    cr_assert_eq(memcmp(buf, disk_ref + 3000 * 512, sizeof(buf)), 0);

    /* Write them back to sector 10 with WRITE DMA (LBA28), started before the command. */
    put_prd(0x1000, 0x20000, 1000, false);
    put_prd(0x1008, 0x30000, 16 * 512 - 1000, true);
    ide_bmdma_write(&bus, BM_CMD, BM_CMD_START, 1);
    set_lba28(10, 16);
    ide_ioport_write(&bus, 7, 0xca);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(ide_ioport_read(&bus, 7), ATA_STAT_DRDY | ATA_STAT_DSC);
    ide_bmdma_write(&bus, BM_CMD, 0, 1);
    cr_assert_eq(blk_pread(blk, 10 * 512, buf, sizeof(buf)), 0);
    cr_assert_eq(memcmp(buf, disk_ref + 3000 * 512, sizeof(buf)), 0);

    /* FLUSH CACHE EXT */
    ide_ioport_write(&bus, 7, 0xea);
    cr_assert_eq(ide_ioport_read(&bus, 7), ATA_STAT_DRDY | ATA_STAT_DSC);
}

Test(ide, dma_errors_do_not_crash)
{
    /* PRD to an unmapped address. */
    put_prd(0x1000, 0xfff00000, 512, true);
    ide_bmdma_write(&bus, BM_PRDT, 0x1000, 4);
    set_lba28(0, 1);
    ide_ioport_write(&bus, 7, 0xc8);
    ide_bmdma_write(&bus, BM_CMD, BM_CMD_READ | BM_CMD_START, 1);
    cr_assert(ide_bmdma_read(&bus, BM_STATUS, 1) & BM_STAT_ERROR);
    cr_assert(ide_ioport_read(&bus, 7) & ATA_STAT_ERR);
    ide_bmdma_write(&bus, BM_CMD, 0, 1);
    ide_bmdma_write(&bus, BM_STATUS, BM_STAT_ERROR | BM_STAT_INTR, 1);
    /* PRD table shorter than the transfer. */
    put_prd(0x1000, 0x20000, 512, true);
    set_lba28(0, 4);
    ide_ioport_write(&bus, 7, 0xc8);
    ide_bmdma_write(&bus, BM_CMD, BM_CMD_READ | BM_CMD_START, 1);
    cr_assert(ide_bmdma_read(&bus, BM_STATUS, 1) & BM_STAT_ERROR);
    /* Sectors past the end: IDNF. */
    set_lba48(DISK_SECTORS - 1, 2);
    ide_ioport_write(&bus, 7, 0x24);
    cr_assert(ide_ioport_read(&bus, 7) & ATA_STAT_ERR);
    cr_assert(ide_ioport_read(&bus, 1) & ATA_ERR_IDNF);
    /* Unknown command: aborted. */
    ide_ioport_write(&bus, 7, 0x77);
    cr_assert(ide_ioport_read(&bus, 7) & ATA_STAT_ERR);
    cr_assert_eq(ide_ioport_read(&bus, 1), ATA_ERR_ABRT);
}

Test(ide, nien_srst_and_absent_slave)
{
    ide_ctrl_write(&bus, ATA_CTL_NIEN);
    ide_ioport_write(&bus, 7, 0xe7);
    cr_assert_eq(irq_level, 0, "nIEN masks INTRQ");
    ide_ctrl_write(&bus, 0);
    cr_assert_eq(irq_level, 1, "pending interrupt shows once unmasked");
    ide_ioport_read(&bus, 7);
    cr_assert_eq(irq_level, 0);

    ide_ioport_write(&bus, 2, 0x55);
    ide_ctrl_write(&bus, ATA_CTL_SRST);
    cr_assert(ide_status_read(&bus) & ATA_STAT_BSY);
    ide_ctrl_write(&bus, 0);
    cr_assert_eq(ide_status_read(&bus), ATA_STAT_DRDY | ATA_STAT_DSC);
    cr_assert_eq(ide_ioport_read(&bus, 2), 1);
    cr_assert_eq(ide_ioport_read(&bus, 3), 1);
    cr_assert_eq(ide_ioport_read(&bus, 4), 0);
    cr_assert_eq(ide_ioport_read(&bus, 5), 0);
    cr_assert_eq(ide_ioport_read(&bus, 1), 1, "diagnostic code");

    ide_ioport_write(&bus, 6, 0xb0);           /* slave: absent */
    cr_assert_eq(ide_ioport_read(&bus, 7), 0);
    ide_ioport_write(&bus, 7, 0xec);
    cr_assert_eq(irq_level, 0, "an absent drive ignores commands");
}

Test(ide, vmstate_round_trip_mid_transfer)
{
    uint8_t first[256], rest[512];
    GByteArray *ba = g_byte_array_new();
    GError *err = NULL;

    set_lba28(42, 1);
    ide_ioport_write(&bus, 7, 0x20);
    ide_ioport_read(&bus, 7);
    pio_read(first, 256);
    vmstate_save(&vmstate_ide_bus, &bus, ba);
    ide_bus_reset(&bus);
    cr_assert_eq(ide_status_read(&bus) & ATA_STAT_DRQ, 0);
    cr_assert_eq(vmstate_load(&vmstate_ide_bus, &bus, ba->data, ba->len, NULL, &err), 0);
    pio_read(rest, 256);
    cr_assert_eq(memcmp(first, disk_ref + 42 * 512, 256), 0);
    cr_assert_eq(memcmp(rest, disk_ref + 42 * 512 + 256, 256), 0);
    cr_assert_eq(ide_status_read(&bus), ATA_STAT_DRDY | ATA_STAT_DSC);
    g_byte_array_free(ba, true);
}

/* ---- ATAPI CD-ROM ---- */

static IDEBus cdbus;
static BlockBackend *cdblk;
static char cdpath[64], cdpath2[64];
static int cd_irq;

static void cd_irq_handler(void *opaque, int n, int level)
{
    cd_irq = level;
}

static void make_iso(char *p, int sectors, uint8_t salt)
{
    uint8_t *d = g_malloc(sectors * 2048);
    int fd;

    snprintf(p, 64, "/tmp/mimic-cd-XXXXXX");
    fd = mkstemp(p);
    for (int i = 0; i < sectors * 2048; i++) {
        d[i] = (i / 2048) + salt + i * 5;
    }
    cr_assert_eq(write(fd, d, sectors * 2048), sectors * 2048);
    close(fd);
    g_free(d);
}

static void cd_setup(void)
{
    GError *err = NULL;

    setup();
    make_iso(cdpath, 100, 0);
    make_iso(cdpath2, 50, 7);
    cdblk = blk_new_open(&(BlockBackendOpts){ .file = cdpath, .id = "cd0", .read_only = true,
                                              .removable = true }, &err);
    cr_assert_not_null(cdblk);
    ide_bus_init(&cdbus, irq_new(cd_irq_handler, NULL, 0), &address_space_memory);
    cr_assert(ide_bus_attach_cdrom(&cdbus, 0, cdblk, &err));
    cd_irq = 0;
}

static void cd_teardown(void)
{
    blk_unref(cdblk);
    unlink(cdpath);
    unlink(cdpath2);
    teardown();
}

/* Send a packet (PIO, byte count limit LIMIT); returns the status after the packet. */
static uint8_t cd_packet(const uint8_t *cdb, uint16_t limit, bool dma)
{
    ide_ioport_write(&cdbus, 6, 0xa0);
    ide_ioport_write(&cdbus, 1, dma ? 1 : 0);
    ide_ioport_write(&cdbus, 4, limit & 0xff);
    ide_ioport_write(&cdbus, 5, limit >> 8);
    ide_ioport_write(&cdbus, 7, 0xa0);
    cr_assert_eq(ide_status_read(&cdbus) & ATA_STAT_DRQ, ATA_STAT_DRQ);
    cr_assert_eq(ide_ioport_read(&cdbus, 2) & 3, 1, "interrupt reason: command");
    for (int i = 0; i < 12; i += 2) {
        ide_data_write(&cdbus, cdb[i] | (cdb[i + 1] << 8), 2);
    }
    return ide_status_read(&cdbus);
}

/* Read all PIO data of the current packet command into buf; returns bytes. */
static unsigned cd_pio_in(uint8_t *buf, unsigned max, unsigned *chunks)
{
    unsigned total = 0;

    *chunks = 0;
    while (ide_status_read(&cdbus) & ATA_STAT_DRQ) {
        unsigned n = ide_ioport_read(&cdbus, 4) | (ide_ioport_read(&cdbus, 5) << 8);
        cr_assert_eq(ide_ioport_read(&cdbus, 2) & 3, 2, "interrupt reason: data in");
        cr_assert_eq(cd_irq, 1);
        ide_ioport_read(&cdbus, 7);
        for (unsigned i = 0; i < n; i += 2) {
            uint16_t w = ide_data_read(&cdbus, 2);
            if (total + i + 1 < max) {
                stw_le_p(buf + total + i, w);
            }
        }
        total += n;
        (*chunks)++;
    }
    return total;
}

TestSuite(atapi, .init = cd_setup, .fini = cd_teardown);

Test(atapi, signature_and_identify_packet)
{
    uint8_t id[512];

    cr_assert_eq(ide_ioport_read(&cdbus, 4), 0x14);
    cr_assert_eq(ide_ioport_read(&cdbus, 5), 0xeb);
    ide_ioport_write(&cdbus, 7, 0xec);
    cr_assert(ide_ioport_read(&cdbus, 7) & ATA_STAT_ERR, "IDENTIFY DEVICE aborts");
    cr_assert_eq(ide_ioport_read(&cdbus, 4), 0x14, "with the packet signature");
    ide_ioport_write(&cdbus, 7, 0xa1);
    ide_ioport_read(&cdbus, 7);
    for (int i = 0; i < 512; i += 2) {
        stw_le_p(id + i, ide_data_read(&cdbus, 2));
    }
    cr_assert_eq(lduw_le_p(id), 0x85c0);
}

Test(atapi, unit_attention_then_read_pio_in_chunks)
{
    uint8_t cdb[12] = { 0 }, buf[8192];
    unsigned chunks;

    /* TEST UNIT READY: first the media change, then ready. */
    cr_assert(cd_packet(cdb, 0, false) & ATA_STAT_ERR);
    cr_assert_eq(ide_ioport_read(&cdbus, 1) >> 4, 6, "UNIT ATTENTION");
    cr_assert_eq(cd_packet(cdb, 0, false) & ATA_STAT_ERR, 0);
    /* READ CAPACITY */
    cdb[0] = 0x25;
    cd_packet(cdb, 8, false);
    cr_assert_eq(cd_pio_in(buf, sizeof(buf), &chunks), 8);
    cr_assert_eq(ldl_be_p(buf), 99);
    cr_assert_eq(ldl_be_p(buf + 4), 2048);
    cr_assert_eq(ide_ioport_read(&cdbus, 2) & 3, 3, "interrupt reason: status");
    /* READ(10) of 3 sectors from 10 with a 1000-byte limit: 7 chunks. */
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = 0x28;
    stl_be_p(cdb + 2, 10);
    stw_be_p(cdb + 7, 3);
    cd_packet(cdb, 1000, false);
    cr_assert_eq(cd_pio_in(buf, sizeof(buf), &chunks), 3 * 2048);
    cr_assert_eq(chunks, 7);
    cr_assert_eq(buf[0], (uint8_t)(10 + 10 * 2048 * 5));
    cr_assert_eq(ide_status_read(&cdbus) & (ATA_STAT_ERR | ATA_STAT_DRQ), 0);
    /* Past the end: ILLEGAL REQUEST, then REQUEST SENSE says so. */
    stl_be_p(cdb + 2, 99);
    cr_assert(cd_packet(cdb, 0, false) & ATA_STAT_ERR);
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = 0x03;
    cdb[4] = 18;
    cd_packet(cdb, 18, false);
    cr_assert_eq(cd_pio_in(buf, sizeof(buf), &chunks), 18);
    cr_assert_eq(buf[2], 5);
    cr_assert_eq(buf[12], 0x21);
}

Test(atapi, read_by_dma)
{
    uint8_t cdb[12] = { 0 }, buf[4096];

    cd_packet(cdb, 0, false);              /* consume the unit attention */
    put_prd(0x1000, 0x40000, 4096, true);
    ide_bmdma_write(&cdbus, BM_PRDT, 0x1000, 4);
    cdb[0] = 0x28;
    stl_be_p(cdb + 2, 20);
    stw_be_p(cdb + 7, 2);
    ide_bmdma_write(&cdbus, BM_CMD, BM_CMD_READ | BM_CMD_START, 1);
    cd_packet(cdb, 0, true);
    cr_assert_eq(ide_bmdma_read(&cdbus, BM_STATUS, 1) & 7, BM_STAT_INTR);
    cr_assert_eq(ide_ioport_read(&cdbus, 7) & (ATA_STAT_ERR | ATA_STAT_DRQ), 0);
    address_space_read(&address_space_memory, 0x40000, buf, sizeof(buf));
    cr_assert_eq(buf[0], (uint8_t)(20 + 20 * 2048 * 5));
    cr_assert_eq(buf[4095], (uint8_t)(21 + (20 * 2048 + 4095) * 5));
}

Test(atapi, eject_and_change_media)
{
    uint8_t cdb[12] = { 0 }, buf[64];
    unsigned chunks;
    GError *err = NULL;

    cd_packet(cdb, 0, false);
    cr_assert(blk_eject(cdblk, false, &err));
    cr_assert(cd_packet(cdb, 0, false) & ATA_STAT_ERR);
    cr_assert_eq(ide_ioport_read(&cdbus, 1) >> 4, 2, "NOT READY: no medium");
    cr_assert(blk_change_media(cdblk, cdpath2, "raw", &err));
    /* GET EVENT STATUS NOTIFICATION reports the new medium once. */
    cdb[0] = 0x4a;
    cdb[1] = 1;
    cdb[4] = 0x10;
    stw_be_p(cdb + 7, 8);
    cd_packet(cdb, 8, false);
    cr_assert_eq(cd_pio_in(buf, sizeof(buf), &chunks), 8);
    cr_assert_eq(buf[4], 2, "new media event");
    cr_assert_eq(buf[5], 2, "media present");
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = 0x25;
    cd_packet(cdb, 8, false);
    cd_pio_in(buf, sizeof(buf), &chunks);
    cr_assert_eq(ldl_be_p(buf), 49, "capacity of the new disc");
}
