/*
 * IDE/ATA drive and channel, after ATA/ATAPI-7 volume 1 (T13/1532D) for the
 * task file, protocols and commands, and SFF-8038i rev 1.0 for bus-master DMA.
 *
 * Modelled: the task file with LBA48 high-order bytes, device control
 * (nIEN, SRST, HOB), drive select with absent slaves, IDENTIFY DEVICE, PIO
 * data-in/data-out (READ/WRITE SECTORS, MULTIPLE, and their EXT forms),
 * bus-master DMA (READ/WRITE DMA [EXT]) through a PRD table with every guest
 * address checked by the memory API, FLUSH CACHE [EXT], SET FEATURES,
 * SET MULTIPLE MODE, READ NATIVE MAX, power-mode commands, INTRQ.
 * Not modelled: ATAPI/packet devices, TCQ/NCQ, security, SMART, timing
 * registers' effects (transfers are instantaneous, like a fast drive).
 */
#include "qemu/osdep.h"
#include "hw/ide/ide.h"
#include "ide-internal.h"
#include "migration/vmstate.h"

/* Classic geometry reported for CHS addressing. */
#define IDE_HEADS 16
#define IDE_SECTORS 63

enum {
    WIN_RECAL = 0x10, WIN_READ = 0x20, WIN_READ_ONCE = 0x21, WIN_READ_EXT = 0x24,
    WIN_READDMA_EXT = 0x25, WIN_READ_NATIVE_MAX_EXT = 0x27, WIN_MULTREAD_EXT = 0x29,
    WIN_WRITE = 0x30, WIN_WRITE_ONCE = 0x31, WIN_WRITE_EXT = 0x34,
    WIN_WRITEDMA_EXT = 0x35, WIN_MULTWRITE_EXT = 0x39, WIN_VERIFY = 0x40,
    WIN_VERIFY_ONCE = 0x41, WIN_VERIFY_EXT = 0x42, WIN_SPECIFY = 0x91,
    WIN_DIAGNOSE = 0x90, WIN_MULTREAD = 0xc4, WIN_MULTWRITE = 0xc5,
    WIN_SETMULT = 0xc6, WIN_READDMA = 0xc8, WIN_READDMA_ONCE = 0xc9,
    WIN_WRITEDMA = 0xca, WIN_WRITEDMA_ONCE = 0xcb, WIN_STANDBYNOW1 = 0xe0,
    WIN_IDLEIMMEDIATE = 0xe1, WIN_STANDBY = 0xe2, WIN_SETIDLE = 0xe3,
    WIN_CHECKPOWERMODE = 0xe5, WIN_SLEEPNOW = 0xe6, WIN_FLUSH_CACHE = 0xe7,
    WIN_IDENTIFY = 0xec, WIN_FLUSH_CACHE_EXT = 0xea, WIN_SETFEATURES = 0xef,
    WIN_READ_NATIVE_MAX = 0xf8, WIN_PIDENTIFY = 0xa1, WIN_PACKET = 0xa0,
    WIN_NOP = 0x00,
};

static IDEState *ide_cur(IDEBus *bus)
{
    return &bus->ifs[bus->unit];
}

void ide_bus_update_irq(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);
    int level = s->irq_pending && !(bus->devctl & ATA_CTL_NIEN);

    if (level != bus->irq_level) {
        bus->irq_level = level;
        irq_set(bus->irq, level);
    }
}

void ide_set_irq(IDEState *s)
{
    s->irq_pending = true;
    ide_bus_update_irq(s->bus);
}

void ide_set_signature(IDEState *s)
{
    s->select &= 0xf0;   /* head 0 */
    s->nsector = 1;
    s->sector = 1;
    s->lcyl = s->is_cdrom ? 0x14 : 0;   /* packet device signature */
    s->hcyl = s->is_cdrom ? 0xeb : 0;
}

static void ide_drive_reset(IDEState *s)
{
    s->feature = s->hob_feature = 0;
    s->hob_nsector = s->hob_sector = s->hob_lcyl = s->hob_hcyl = 0;
    s->select = 0xa0 | (s->unit ? ATA_DEV_DEV : 0);
    ide_set_signature(s);
    /* Packet devices come out of reset with DRDY clear. */
    s->status = s->blk && !s->is_cdrom ? ATA_STAT_DRDY | ATA_STAT_DSC : 0;
    s->error = s->blk ? 0x01 : 0x00;     /* diagnostic code: passed */
    s->command = 0;
    s->mult_sectors = IDE_MAX_MULT;
    s->write_cache = true;
    s->irq_pending = false;
    s->xfer = IDE_XFER_NONE;
    s->data_pos = s->data_end = 0;
    s->xfer_left = 0;
}

void ide_bus_reset(IDEBus *bus)
{
    bus->unit = 0;
    bus->devctl = 0;
    bus->bm.cmd = 0;
    bus->bm.status &= BM_STAT_DMA0 | BM_STAT_DMA1;
    bus->bm.prdt = 0;
    for (int i = 0; i < 2; i++) {
        ide_drive_reset(&bus->ifs[i]);
    }
    ide_bus_update_irq(bus);
}

void ide_bus_init(IDEBus *bus, IRQLine *irq, AddressSpace *dma_as)
{
    memset(bus, 0, sizeof(*bus));
    bus->irq = irq;
    bus->dma_as = dma_as;
    for (int i = 0; i < 2; i++) {
        bus->ifs[i].bus = bus;
        bus->ifs[i].unit = i;
    }
    ide_bus_reset(bus);
}

static void ide_pad_string(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);

    memset(dst, ' ', len);
    memcpy(dst, src, MIN_U(n, len));
}

bool ide_bus_attach(IDEBus *bus, int unit, BlockBackend *blk, GError **errp)
{
    IDEState *s = &bus->ifs[unit];
    int64_t len = blk_getlength(blk);

    if (unit < 0 || unit > 1 || s->blk) {
        error_setg(errp, "IDE unit %d is not free", unit);
        return false;
    }
    if (len < IDE_SECTOR_SIZE) {
        error_setg(errp, "IDE disk '%s' is smaller than one sector", blk_name(blk));
        return false;
    }
    s->blk = blk;
    s->nb_sectors = len / IDE_SECTOR_SIZE;
    snprintf(s->serial, sizeof(s->serial), "MM%05d", (int)(g_str_hash(blk_name(blk)) % 100000));
    snprintf(s->model, sizeof(s->model), "MIMIC HARDDISK");
    bus->bm.status |= unit ? BM_STAT_DMA1 : BM_STAT_DMA0;
    ide_drive_reset(s);
    return true;
}

bool ide_bus_attach_cdrom(IDEBus *bus, int unit, BlockBackend *blk, GError **errp)
{
    IDEState *s = &bus->ifs[unit];

    if (unit < 0 || unit > 1 || s->blk) {
        error_setg(errp, "IDE unit %d is not free", unit);
        return false;
    }
    s->blk = blk;
    s->is_cdrom = true;
    s->nb_sectors = blk_is_inserted(blk) ? blk_getlength(blk) / IDE_SECTOR_SIZE : 0;
    snprintf(s->serial, sizeof(s->serial), "MC%05d", (int)(g_str_hash(blk_name(blk)) % 100000));
    snprintf(s->model, sizeof(s->model), "MIMIC DVD-ROM");
    s->media_changed = blk_is_inserted(blk);
    blk_set_change_cb(blk, ide_atapi_media_cb, s);
    bus->bm.status |= unit ? BM_STAT_DMA1 : BM_STAT_DMA0;
    ide_drive_reset(s);
    return true;
}

/* ---- addressing ---- */

static uint64_t ide_get_sector(IDEState *s)
{
    if (s->select & ATA_DEV_LBA) {
        if (s->lba48) {
            return ((uint64_t)s->hob_hcyl << 40) | ((uint64_t)s->hob_lcyl << 32) |
                   ((uint64_t)s->hob_sector << 24) | ((uint64_t)s->hcyl << 16) |
                   ((uint64_t)s->lcyl << 8) | s->sector;
        }
        return ((uint64_t)(s->select & 0x0f) << 24) | ((uint64_t)s->hcyl << 16) |
               ((uint64_t)s->lcyl << 8) | s->sector;
    }
    /* CHS: sector numbers start at 1; sector 0 is invalid (caught by range check). */
    uint64_t cyl = ((uint64_t)s->hcyl << 8) | s->lcyl;
    if (s->sector == 0) {
        return UINT64_MAX;
    }
    return (cyl * IDE_HEADS + (s->select & 0x0f)) * IDE_SECTORS + s->sector - 1;
}

static void ide_set_sector(IDEState *s, uint64_t lba)
{
    if (s->select & ATA_DEV_LBA) {
        if (s->lba48) {
            s->sector = lba;
            s->lcyl = lba >> 8;
            s->hcyl = lba >> 16;
            s->hob_sector = lba >> 24;
            s->hob_lcyl = lba >> 32;
            s->hob_hcyl = lba >> 40;
        } else {
            s->sector = lba;
            s->lcyl = lba >> 8;
            s->hcyl = lba >> 16;
            s->select = (s->select & 0xf0) | ((lba >> 24) & 0x0f);
        }
    } else {
        uint64_t cyl = lba / (IDE_HEADS * IDE_SECTORS);
        uint64_t r = lba % (IDE_HEADS * IDE_SECTORS);
        s->hcyl = cyl >> 8;
        s->lcyl = cyl;
        s->select = (s->select & 0xf0) | ((r / IDE_SECTORS) & 0x0f);
        s->sector = r % IDE_SECTORS + 1;
    }
}

static uint32_t ide_get_count(IDEState *s)
{
    if (s->lba48) {
        uint32_t n = ((uint32_t)s->hob_nsector << 8) | s->nsector;
        return n ? n : 65536;
    }
    return s->nsector ? s->nsector : 256;
}

/* ---- completion ---- */

void ide_abort(IDEState *s, uint8_t err)
{
    s->error = err;
    if (s->is_cdrom) {
        s->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    }
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_ERR;
    s->xfer = IDE_XFER_NONE;
    s->data_pos = s->data_end = 0;
    ide_set_irq(s);
}

static void ide_cmd_done(IDEState *s)
{
    s->error = 0;
    if (s->is_cdrom) {
        s->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    }
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC;
    s->xfer = IDE_XFER_NONE;
    ide_set_irq(s);
}

static void ide_io_error(IDEState *s, uint64_t lba, int ret)
{
    mimic_log_mask(LOG_GUEST_ERROR, "ide: I/O error at sector %" PRIu64 ": %s\n", lba,
                   g_strerror(-ret));
    ide_set_sector(s, lba);
    ide_abort(s, ret == -EINVAL ? ATA_ERR_IDNF | ATA_ERR_ABRT : ATA_ERR_UNC | ATA_ERR_ABRT);
}

/* ---- PIO ---- */

static void ide_pio_in_block(IDEState *s)
{
    uint32_t n = MIN_U(s->xfer_left, s->block_sectors);
    int r = blk_pread(s->blk, s->xfer_lba * IDE_SECTOR_SIZE, s->io_buffer,
                      (uint64_t)n * IDE_SECTOR_SIZE);

    if (r < 0) {
        ide_io_error(s, s->xfer_lba, r);
        return;
    }
    s->data_pos = 0;
    s->data_end = n * IDE_SECTOR_SIZE;
    s->xfer = IDE_XFER_PIO_IN;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
    ide_set_irq(s);
}

static void ide_pio_out_block(IDEState *s)
{
    uint32_t n = MIN_U(s->xfer_left, s->block_sectors);

    s->data_pos = 0;
    s->data_end = n * IDE_SECTOR_SIZE;
    s->xfer = IDE_XFER_PIO_OUT;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
}

/* The guest has drained (PIO in) or filled (PIO out) the buffer. */
static void ide_pio_block_done(IDEState *s)
{
    uint32_t n = s->data_end / IDE_SECTOR_SIZE;

    if (s->xfer == IDE_XFER_PIO_OUT) {
        int r = blk_pwrite(s->blk, s->xfer_lba * IDE_SECTOR_SIZE, s->io_buffer,
                           (uint64_t)n * IDE_SECTOR_SIZE);
        if (r < 0) {
            ide_io_error(s, s->xfer_lba, r);
            return;
        }
    }
    if (s->xfer_left == 0) {
        /* IDENTIFY and friends: one buffer, no disk behind it. */
        s->xfer = IDE_XFER_NONE;
        s->status = ATA_STAT_DRDY | ATA_STAT_DSC;
        return;
    }
    s->xfer_lba += n;
    s->xfer_left -= n;
    ide_set_sector(s, s->xfer_lba - 1);
    if (s->xfer_left) {
        if (s->xfer == IDE_XFER_PIO_IN) {
            ide_pio_in_block(s);
        } else {
            ide_pio_out_block(s);
            ide_set_irq(s);
        }
        return;
    }
    if (s->xfer == IDE_XFER_PIO_OUT) {
        ide_cmd_done(s);
    } else {
        s->xfer = IDE_XFER_NONE;
        s->status = ATA_STAT_DRDY | ATA_STAT_DSC;
    }
}

uint32_t ide_data_read(IDEBus *bus, unsigned size)
{
    IDEState *s = ide_cur(bus);
    uint32_t v = 0;

    if ((s->xfer != IDE_XFER_PIO_IN && s->xfer != IDE_XFER_ATAPI_IN) ||
        !(s->status & ATA_STAT_DRQ)) {
        return 0;
    }
    size = MIN_U(size, s->data_end - s->data_pos);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)s->io_buffer[s->data_pos + i] << (8 * i);
    }
    s->data_pos += size;
    if (s->data_pos >= s->data_end) {
        if (s->xfer == IDE_XFER_ATAPI_IN) {
            ide_atapi_pio_chunk_done(s);
        } else {
            ide_pio_block_done(s);
        }
    }
    return v;
}

void ide_data_write(IDEBus *bus, uint32_t val, unsigned size)
{
    IDEState *s = ide_cur(bus);

    if ((s->xfer != IDE_XFER_PIO_OUT && s->xfer != IDE_XFER_ATAPI_CMD) ||
        !(s->status & ATA_STAT_DRQ)) {
        mimic_log_mask(LOG_GUEST_ERROR, "ide: data write with no transfer\n");
        return;
    }
    size = MIN_U(size, s->data_end - s->data_pos);
    for (unsigned i = 0; i < size; i++) {
        s->io_buffer[s->data_pos + i] = val >> (8 * i);
    }
    s->data_pos += size;
    if (s->data_pos >= s->data_end) {
        if (s->xfer == IDE_XFER_ATAPI_CMD) {
            ide_atapi_packet_received(s);
        } else {
            ide_pio_block_done(s);
        }
    }
}

/* ---- IDENTIFY ---- */

static void ide_put_string(uint16_t *w, const char *src, int words)
{
    char buf[64];

    ide_pad_string(buf, words * 2, src);
    for (int i = 0; i < words; i++) {
        /* ATA strings: first character in the high byte of each word. */
        w[i] = ((uint8_t)buf[2 * i] << 8) | (uint8_t)buf[2 * i + 1];
    }
}

static void ide_identify(IDEState *s)
{
    uint16_t w[256] = { 0 };
    uint64_t n = s->nb_sectors;
    uint64_t cyls = MIN_U(n / (IDE_HEADS * IDE_SECTORS), 16383);
    uint32_t lba28 = MIN_U(n, 0x0fffffff);
    uint8_t mode = s->xfer_mode;

    w[0] = 0x0040;                          /* fixed, non-removable ATA device */
    w[1] = cyls;
    w[3] = IDE_HEADS;
    w[6] = IDE_SECTORS;
    ide_put_string(&w[10], s->serial, 10);
    w[20] = 3;                              /* obsolete: buffer type */
    w[21] = 512;
    ide_put_string(&w[23], "1.0", 4);
    ide_put_string(&w[27], s->model, 20);
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[49] = (1 << 9) | (1 << 8);            /* LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x200;                          /* PIO timing mode 2 */
    w[53] = 7;                              /* words 54-58, 64-70 and 88 valid */
    w[54] = cyls;
    w[55] = IDE_HEADS;
    w[56] = IDE_SECTORS;
    w[57] = (cyls * IDE_HEADS * IDE_SECTORS) & 0xffff;
    w[58] = (cyls * IDE_HEADS * IDE_SECTORS) >> 16;
    w[59] = s->mult_sectors ? 0x100 | s->mult_sectors : 0;
    w[60] = lba28 & 0xffff;
    w[61] = lba28 >> 16;
    w[63] = 0x07 | ((mode & 0xf8) == 0x20 ? 0x100 << (mode & 7) : 0);
    w[64] = 0x03;                           /* PIO 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x00f0;                         /* ATA-4 to ATA-7 */
    w[81] = 0x0016;
    w[82] = (1 << 14) | (1 << 5);           /* NOP, write cache */
    w[83] = (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10);  /* FLUSH [EXT], LBA48 */
    w[84] = 1 << 14;
    w[85] = (1 << 14) | (s->write_cache ? 1 << 5 : 0);
    w[86] = (1 << 13) | (1 << 12) | (1 << 10);
    w[87] = 1 << 14;
    w[88] = 0x3f | ((mode & 0xf8) == 0x40 ? 0x100 << (mode & 7) : 0);
    w[93] = 1 | (1 << 14) | (1 << 13);      /* 80-conductor cable detected */
    w[100] = n;
    w[101] = n >> 16;
    w[102] = n >> 32;
    w[103] = n >> 48;
    for (int i = 0; i < 256; i++) {
        stw_le_p(s->io_buffer + 2 * i, w[i]);
    }
    s->xfer_left = 0;
    s->data_pos = 0;
    s->data_end = 512;
    s->xfer = IDE_XFER_PIO_IN;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
    ide_set_irq(s);
}

/* ---- bus-master DMA ---- */

/* Move the pending DMA command's data through the PRD table. */
static void ide_dma_run(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);
    BMDMAState *bm = &bus->bm;
    bool to_mem = s->xfer == IDE_XFER_DMA_IN;
    uint64_t disk = s->xfer_lba * IDE_SECTOR_SIZE;
    uint64_t left = s->dma_buf_len ? s->dma_buf_len : (uint64_t)s->xfer_left * IDE_SECTOR_SIZE;
    uint64_t bufpos = 0;
    uint32_t prd = bm->prdt;
    uint8_t *bounce = NULL;
    bool eot = false;
    int r = 0;

    if ((s->xfer != IDE_XFER_DMA_IN && s->xfer != IDE_XFER_DMA_OUT) ||
        !(bm->cmd & BM_CMD_START)) {
        return;
    }
    if (!!(bm->cmd & BM_CMD_READ) != to_mem) {
        mimic_log_mask(LOG_GUEST_ERROR, "ide: bus master direction does not match command\n");
    }
    bounce = g_malloc(65536);
    /* A PRD table lives in one 64 KiB region: at most 8192 entries. */
    for (int i = 0; i < 8192 && left && !eot; i++, prd += 8) {
        uint8_t e[8];
        if (address_space_read(bus->dma_as, prd, e, 8) != MEMTX_OK) {
            r = -EFAULT;
            break;
        }
        uint32_t addr = ldl_le_p(e) & ~1u;
        uint32_t cnt = lduw_le_p(e + 4) & ~1u;
        eot = e[7] & 0x80;
        if (cnt == 0) {
            cnt = 65536;
        }
        cnt = MIN_U(cnt, left);
        if (to_mem && s->dma_buf_len) {
            /* Response data of a packet command, not the medium. */
            memcpy(bounce, s->io_buffer + bufpos, cnt);
            bufpos += cnt;
            if (address_space_write(bus->dma_as, addr, bounce, cnt) != MEMTX_OK) {
                r = -EFAULT;
            }
        } else if (to_mem) {
            r = blk_pread(s->blk, disk, bounce, cnt);
            if (r == 0 && address_space_write(bus->dma_as, addr, bounce, cnt) != MEMTX_OK) {
                r = -EFAULT;
            }
        } else {
            if (address_space_read(bus->dma_as, addr, bounce, cnt) != MEMTX_OK) {
                r = -EFAULT;
            } else {
                r = blk_pwrite(s->blk, disk, bounce, cnt);
            }
        }
        if (r < 0) {
            break;
        }
        disk += cnt;
        left -= cnt;
    }
    g_free(bounce);
    bm->status &= ~BM_STAT_ACTIVE;
    bm->status |= BM_STAT_INTR;
    s->dma_buf_len = 0;
    if (s->is_cdrom) {
        if (r == -EFAULT || (left && r == 0)) {
            bm->status |= BM_STAT_ERROR;
        }
        s->xfer = IDE_XFER_NONE;
        ide_atapi_dma_done(s, r == 0 && !left);
        return;
    }
    if (r == -EFAULT || (left && r == 0)) {
        /* Bad PRD address or a table shorter than the transfer. */
        mimic_log_mask(LOG_GUEST_ERROR, "ide: DMA %s\n",
                       r == -EFAULT ? "to an unmapped address" : "PRD table too short");
        bm->status |= BM_STAT_ERROR;
        ide_abort(s, ATA_ERR_ABRT);
        return;
    }
    if (r < 0) {
        ide_io_error(s, disk / IDE_SECTOR_SIZE, r);
        return;
    }
    ide_set_sector(s, disk / IDE_SECTOR_SIZE - 1);
    s->xfer_left = 0;
    ide_cmd_done(s);
}

void ide_dma_start(IDEState *s, bool to_mem)
{
    s->xfer = to_mem ? IDE_XFER_DMA_IN : IDE_XFER_DMA_OUT;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
    ide_dma_run(s->bus);
}

uint32_t ide_bmdma_read(IDEBus *bus, unsigned off, unsigned size)
{
    uint32_t v;

    switch (off) {
    case BM_CMD:
        v = bus->bm.cmd;
        break;
    case BM_STATUS:
        v = bus->bm.status;
        break;
    case BM_PRDT: case BM_PRDT + 1: case BM_PRDT + 2: case BM_PRDT + 3:
        v = bus->bm.prdt >> (8 * (off - BM_PRDT));
        break;
    default:
        v = 0;
        break;
    }
    if (size == 4 && off == BM_PRDT) {
        return bus->bm.prdt;
    }
    if (size == 2 && (off == BM_PRDT || off == BM_PRDT + 2)) {
        return (bus->bm.prdt >> (8 * (off - BM_PRDT))) & 0xffff;
    }
    return v & 0xff;
}

void ide_bmdma_write(IDEBus *bus, unsigned off, uint32_t val, unsigned size)
{
    BMDMAState *bm = &bus->bm;

    switch (off) {
    case BM_CMD:
        if (!(val & BM_CMD_START)) {
            /* Stopping: an unfinished transfer is abandoned. */
            bm->status &= ~BM_STAT_ACTIVE;
            bm->cmd = val & 0x09;
            return;
        }
        if (!(bm->cmd & BM_CMD_START)) {
            bm->status |= BM_STAT_ACTIVE;
        }
        bm->cmd = val & 0x09;
        ide_dma_run(bus);
        return;
    case BM_STATUS:
        bm->status = (bm->status & (BM_STAT_ACTIVE | 0x80)) |
                     (val & (BM_STAT_DMA0 | BM_STAT_DMA1)) |
                     (bm->status & ~val & (BM_STAT_ERROR | BM_STAT_INTR));
        return;
    case BM_PRDT: case BM_PRDT + 1: case BM_PRDT + 2: case BM_PRDT + 3: {
        unsigned shift = 8 * (off - BM_PRDT);
        uint32_t mask = (size >= 4 ? 0xffffffffu : ((1u << (8 * size)) - 1)) << shift;
        bm->prdt = ((bm->prdt & ~mask) | ((val << shift) & mask)) & ~3u;
        return;
    }
    default:
        return;
    }
}

/* ---- commands ---- */

static bool ide_check_range(IDEState *s, uint64_t lba, uint32_t count)
{
    if (lba == UINT64_MAX || lba > s->nb_sectors || count > s->nb_sectors - lba) {
        mimic_log_mask(LOG_GUEST_ERROR, "ide: sectors %" PRIu64 "+%u beyond the disk\n",
                       lba, count);
        ide_abort(s, ATA_ERR_IDNF | ATA_ERR_ABRT);
        return false;
    }
    return true;
}

static void ide_start_rw(IDEState *s, bool lba48, bool write, bool dma, bool multiple)
{
    uint64_t lba;
    uint32_t count;

    s->lba48 = lba48;
    lba = ide_get_sector(s);
    count = ide_get_count(s);
    if (!ide_check_range(s, lba, count)) {
        return;
    }
    if (write && blk_is_read_only(s->blk)) {
        ide_abort(s, ATA_ERR_ABRT);
        return;
    }
    if (multiple && !s->mult_sectors) {
        ide_abort(s, ATA_ERR_ABRT);
        return;
    }
    s->xfer_lba = lba;
    s->xfer_left = count;
    s->block_sectors = multiple ? s->mult_sectors : 1;
    if (dma) {
        s->xfer = write ? IDE_XFER_DMA_OUT : IDE_XFER_DMA_IN;
        s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
        ide_dma_run(s->bus);
    } else if (write) {
        ide_pio_out_block(s);
    } else {
        ide_pio_in_block(s);
    }
}

static void ide_exec_cmd(IDEState *s, uint8_t cmd)
{
    int r;

    s->command = cmd;
    if (s->xfer != IDE_XFER_NONE && cmd != WIN_DIAGNOSE) {
        /* A new command abandons the old transfer (the host reset it). */
        s->xfer = IDE_XFER_NONE;
    }
    s->lba48 = false;
    if (s->is_cdrom) {
        switch (cmd) {
        case WIN_PIDENTIFY:
            ide_atapi_identify(s);
            return;
        case WIN_PACKET:
            ide_atapi_packet_start(s);
            return;
        case 0x08:                           /* DEVICE RESET */
            ide_set_signature(s);
            s->status = 0;
            s->error = 0x01;
            s->xfer = IDE_XFER_NONE;
            return;
        case WIN_DIAGNOSE: case WIN_SETFEATURES: case WIN_CHECKPOWERMODE:
        case WIN_STANDBYNOW1: case WIN_IDLEIMMEDIATE: case WIN_STANDBY: case WIN_SETIDLE:
        case WIN_SLEEPNOW: case WIN_NOP:
            break;                           /* as for a disk */
        default:
            /* IDENTIFY and the disk commands: abort, signature tells why. */
            ide_set_signature(s);
            ide_abort(s, ATA_ERR_ABRT);
            return;
        }
    }
    switch (cmd) {
    case WIN_IDENTIFY:
        ide_identify(s);
        return;
    case WIN_READ: case WIN_READ_ONCE:
        ide_start_rw(s, false, false, false, false);
        return;
    case WIN_READ_EXT:
        ide_start_rw(s, true, false, false, false);
        return;
    case WIN_MULTREAD:
        ide_start_rw(s, false, false, false, true);
        return;
    case WIN_MULTREAD_EXT:
        ide_start_rw(s, true, false, false, true);
        return;
    case WIN_WRITE: case WIN_WRITE_ONCE:
        ide_start_rw(s, false, true, false, false);
        return;
    case WIN_WRITE_EXT:
        ide_start_rw(s, true, true, false, false);
        return;
    case WIN_MULTWRITE:
        ide_start_rw(s, false, true, false, true);
        return;
    case WIN_MULTWRITE_EXT:
        ide_start_rw(s, true, true, false, true);
        return;
    case WIN_READDMA: case WIN_READDMA_ONCE:
        ide_start_rw(s, false, false, true, false);
        return;
    case WIN_READDMA_EXT:
        ide_start_rw(s, true, false, true, false);
        return;
    case WIN_WRITEDMA: case WIN_WRITEDMA_ONCE:
        ide_start_rw(s, false, true, true, false);
        return;
    case WIN_WRITEDMA_EXT:
        ide_start_rw(s, true, true, true, false);
        return;
    case WIN_VERIFY: case WIN_VERIFY_ONCE: case WIN_VERIFY_EXT:
        s->lba48 = cmd == WIN_VERIFY_EXT;
        if (ide_check_range(s, ide_get_sector(s), ide_get_count(s))) {
            ide_cmd_done(s);
        }
        return;
    case WIN_FLUSH_CACHE: case WIN_FLUSH_CACHE_EXT:
        r = blk_flush(s->blk);
        if (r < 0) {
            ide_io_error(s, 0, r);
        } else {
            ide_cmd_done(s);
        }
        return;
    case WIN_SETMULT:
        if (s->nsector > IDE_MAX_MULT || (s->nsector & (s->nsector - 1))) {
            ide_abort(s, ATA_ERR_ABRT);
        } else {
            s->mult_sectors = s->nsector;
            ide_cmd_done(s);
        }
        return;
    case WIN_SETFEATURES:
        switch (s->feature) {
        case 0x02: case 0x82:                /* write cache on/off */
            s->write_cache = s->feature == 0x02;
            ide_cmd_done(s);
            return;
        case 0x03: {                         /* transfer mode */
            uint8_t m = s->nsector;
            if (((m & 0xf8) == 0x08 && (m & 7) <= 4) || m <= 1 ||
                ((m & 0xf8) == 0x20 && (m & 7) <= 2) || ((m & 0xf8) == 0x40 && (m & 7) <= 5)) {
                s->xfer_mode = m;
                ide_cmd_done(s);
            } else {
                ide_abort(s, ATA_ERR_ABRT);
            }
            return;
        }
        case 0xaa: case 0x55: case 0x66: case 0xcc:   /* look-ahead, defaults */
            ide_cmd_done(s);
            return;
        default:
            mimic_log_mask(LOG_UNIMP, "ide: SET FEATURES 0x%02x\n", s->feature);
            ide_abort(s, ATA_ERR_ABRT);
            return;
        }
    case WIN_NOP:
        ide_abort(s, ATA_ERR_ABRT);          /* NOP always aborts */
        return;
    case WIN_READ_NATIVE_MAX: case WIN_READ_NATIVE_MAX_EXT:
        s->lba48 = cmd == WIN_READ_NATIVE_MAX_EXT;
        s->select |= ATA_DEV_LBA;
        ide_set_sector(s, s->nb_sectors - 1);
        ide_cmd_done(s);
        return;
    case WIN_CHECKPOWERMODE:
        s->nsector = 0xff;                   /* active or idle */
        ide_cmd_done(s);
        return;
    case WIN_STANDBYNOW1: case WIN_IDLEIMMEDIATE: case WIN_STANDBY: case WIN_SETIDLE:
    case WIN_SLEEPNOW: case WIN_RECAL: case WIN_SPECIFY:
        ide_cmd_done(s);
        return;
    case WIN_DIAGNOSE:
        for (int i = 0; i < 2; i++) {
            IDEState *d = &s->bus->ifs[i];
            ide_set_signature(d);
            d->error = d->blk ? 0x01 : 0x00;
            d->status = d->blk && !d->is_cdrom ? ATA_STAT_DRDY | ATA_STAT_DSC : 0;
            d->xfer = IDE_XFER_NONE;
        }
        ide_set_irq(&s->bus->ifs[0]);
        return;
    case WIN_PIDENTIFY: case WIN_PACKET:
        /* Not a packet device: abort with the ATA signature in place. */
        ide_set_signature(s);
        ide_abort(s, ATA_ERR_ABRT);
        return;
    default:
        mimic_log_mask(LOG_UNIMP, "ide: unsupported command 0x%02x\n", cmd);
        ide_abort(s, ATA_ERR_ABRT);
        return;
    }
}

/* ---- registers ---- */

uint32_t ide_ioport_read(IDEBus *bus, unsigned reg)
{
    IDEState *s = ide_cur(bus);
    bool hob = bus->devctl & ATA_CTL_HOB;

    if (reg == 0) {
        return ide_data_read(bus, 2);
    }
    if (!bus->ifs[0].blk && !bus->ifs[1].blk) {
        return 0xff;        /* no drive: the bus floats high */
    }
    if (!s->blk) {
        return 0;           /* absent slave (or master): nobody drives the lines */
    }
    switch (reg) {
    case 1: return s->error;
    case 2: return hob ? s->hob_nsector : s->nsector;
    case 3: return hob ? s->hob_sector : s->sector;
    case 4: return hob ? s->hob_lcyl : s->lcyl;
    case 5: return hob ? s->hob_hcyl : s->hcyl;
    case 6: return s->select;
    case 7:
        s->irq_pending = false;
        ide_bus_update_irq(bus);
        return s->status;
    default:
        return 0xff;
    }
}

uint32_t ide_status_read(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);

    if (!bus->ifs[0].blk && !bus->ifs[1].blk) {
        return 0xff;
    }
    return s->blk ? s->status : 0;
}

void ide_ioport_write(IDEBus *bus, unsigned reg, uint32_t val)
{
    val &= 0xff;
    if (reg == 0) {
        ide_data_write(bus, val, 2);
        return;
    }
    /* Writing any command block register clears HOB. */
    bus->devctl &= ~ATA_CTL_HOB;
    for (int i = 0; i < 2 && reg >= 1 && reg <= 6; i++) {
        IDEState *d = &bus->ifs[i];
        switch (reg) {
        case 1: d->hob_feature = d->feature; d->feature = val; break;
        case 2: d->hob_nsector = d->nsector; d->nsector = val; break;
        case 3: d->hob_sector = d->sector; d->sector = val; break;
        case 4: d->hob_lcyl = d->lcyl; d->lcyl = val; break;
        case 5: d->hob_hcyl = d->hcyl; d->hcyl = val; break;
        case 6: d->select = val | 0xa0; break;
        }
    }
    if (reg == 6) {
        bus->unit = (val >> 4) & 1;
        ide_bus_update_irq(bus);
        return;
    }
    if (reg == 7) {
        IDEState *s = ide_cur(bus);
        if (!s->blk) {
            return;     /* an absent drive ignores commands */
        }
        if ((s->status & ATA_STAT_BSY) && val != WIN_DIAGNOSE) {
            mimic_log_mask(LOG_GUEST_ERROR, "ide: command 0x%02x while busy\n", val);
            return;
        }
        s->irq_pending = false;
        ide_exec_cmd(s, val);
        ide_bus_update_irq(bus);
    }
}

void ide_ctrl_write(IDEBus *bus, uint32_t val)
{
    uint8_t old = bus->devctl;

    bus->devctl = val & (ATA_CTL_NIEN | ATA_CTL_SRST | ATA_CTL_HOB);
    if ((val & ATA_CTL_SRST) && !(old & ATA_CTL_SRST)) {
        for (int i = 0; i < 2; i++) {
            IDEState *d = &bus->ifs[i];
            d->status = d->blk ? ATA_STAT_BSY | ATA_STAT_DSC : 0;
            d->xfer = IDE_XFER_NONE;
            d->irq_pending = false;
        }
    } else if (!(val & ATA_CTL_SRST) && (old & ATA_CTL_SRST)) {
        for (int i = 0; i < 2; i++) {
            IDEState *d = &bus->ifs[i];
            ide_set_signature(d);
            d->error = d->blk ? 0x01 : 0x00;
            d->status = d->blk && !d->is_cdrom ? ATA_STAT_DRDY | ATA_STAT_DSC : 0;
            d->mult_sectors = IDE_MAX_MULT;
        }
        bus->unit = 0;
    }
    ide_bus_update_irq(bus);
}

/* ---- save/restore ---- */

static const VMStateField ide_drive_fields[] = {
    VMSTATE_UINT8(feature, IDEState), VMSTATE_UINT8(nsector, IDEState),
    VMSTATE_UINT8(sector, IDEState), VMSTATE_UINT8(lcyl, IDEState),
    VMSTATE_UINT8(hcyl, IDEState), VMSTATE_UINT8(hob_feature, IDEState),
    VMSTATE_UINT8(hob_nsector, IDEState), VMSTATE_UINT8(hob_sector, IDEState),
    VMSTATE_UINT8(hob_lcyl, IDEState), VMSTATE_UINT8(hob_hcyl, IDEState),
    VMSTATE_UINT8(select, IDEState), VMSTATE_UINT8(status, IDEState),
    VMSTATE_UINT8(error, IDEState), VMSTATE_UINT8(command, IDEState),
    VMSTATE_BOOL(lba48, IDEState), VMSTATE_UINT8(mult_sectors, IDEState),
    VMSTATE_UINT8(xfer_mode, IDEState), VMSTATE_BOOL(write_cache, IDEState),
    VMSTATE_BOOL(irq_pending, IDEState), VMSTATE_UINT8(xfer, IDEState),
    VMSTATE_UINT64(xfer_lba, IDEState), VMSTATE_UINT32(xfer_left, IDEState),
    VMSTATE_UINT32(block_sectors, IDEState), VMSTATE_UINT32(data_pos, IDEState),
    VMSTATE_UINT32(data_end, IDEState), VMSTATE_BUFFER(io_buffer, IDEState),
    VMSTATE_BOOL(media_changed, IDEState), VMSTATE_BOOL(tray_open, IDEState),
    VMSTATE_UINT8(sense_key, IDEState), VMSTATE_UINT8(asc, IDEState),
    VMSTATE_UINT16(atapi_limit, IDEState), VMSTATE_BOOL(atapi_dma, IDEState),
    VMSTATE_BOOL(atapi_from_disk, IDEState), VMSTATE_UINT64(atapi_pos, IDEState),
    VMSTATE_UINT32(atapi_left, IDEState), VMSTATE_UINT32(dma_buf_len, IDEState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_ide_drive = {
    .name = "ide-drive",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = ide_drive_fields,
};

static const VMStateField bmdma_fields[] = {
    VMSTATE_UINT8(cmd, BMDMAState), VMSTATE_UINT8(status, BMDMAState),
    VMSTATE_UINT32(prdt, BMDMAState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_bmdma = {
    .name = "ide-bmdma",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = bmdma_fields,
};

static int ide_bus_post_load(void *opaque, int version_id)
{
    IDEBus *bus = opaque;

    /* Keep a loaded buffer position inside the buffer whatever the stream said. */
    for (int i = 0; i < 2; i++) {
        IDEState *s = &bus->ifs[i];
        if (s->data_end > IDE_BUF_SIZE || s->data_pos > s->data_end ||
            s->xfer > IDE_XFER_ATAPI_IN || s->block_sectors > IDE_MAX_MULT ||
            s->dma_buf_len > IDE_BUF_SIZE) {
            return -EINVAL;
        }
    }
    bus->unit &= 1;
    bus->irq_level = -1;
    ide_bus_update_irq(bus);
    return 0;
}

static const VMStateField ide_bus_fields[] = {
    VMSTATE_STRUCT_ARRAY(ifs, IDEBus, 2, vmstate_ide_drive, IDEState),
    VMSTATE_UINT8(unit, IDEBus),
    VMSTATE_UINT8(devctl, IDEBus),
    VMSTATE_STRUCT(bm, IDEBus, vmstate_bmdma, BMDMAState),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_ide_bus = {
    .name = "ide-bus",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = ide_bus_post_load,
    .fields = ide_bus_fields,
};
