/*
 * ATAPI CD-ROM on the IDE bus, after ATA/ATAPI-7 volume 2 (packet
 * protocol: PACKET, IDENTIFY PACKET DEVICE, interrupt reason, byte count
 * limit) and the MMC/SPC command sets for the commands Linux's sr driver
 * and bootloaders use: TEST UNIT READY, REQUEST SENSE, INQUIRY, START STOP
 * UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ CAPACITY, READ(10)/(12), READ
 * TOC (formats 0 and 1), GET CONFIGURATION (current profile), GET EVENT
 * STATUS NOTIFICATION (media class), MODE SENSE(10) (pages 01h, 2Ah),
 * MECHANISM STATUS, SET CD SPEED. Media change is reported as UNIT
 * ATTENTION and as a media event.
 *
 * Not modelled: audio, writing, DVD structures, multi-session, READ CD.
 */
#include "qemu/osdep.h"
#include "ide-internal.h"

enum {
    SENSE_NONE = 0, SENSE_NOT_READY = 2, SENSE_MEDIUM_ERROR = 3,
    SENSE_ILLEGAL_REQUEST = 5, SENSE_UNIT_ATTENTION = 6, SENSE_ABORTED = 0x0b,
};
enum {
    ASC_INVALID_OPCODE = 0x20, ASC_LBA_OUT_OF_RANGE = 0x21, ASC_INVALID_FIELD = 0x24,
    ASC_MEDIUM_CHANGED = 0x28, ASC_NO_MEDIUM = 0x3a, ASC_READ_ERROR = 0x11,
};

static bool atapi_has_media(IDEState *s)
{
    return blk_is_inserted(s->blk) && !s->tray_open;
}

static uint64_t atapi_sectors(IDEState *s)
{
    return atapi_has_media(s) ? blk_getlength(s->blk) / ATAPI_SECTOR_SIZE : 0;
}

static void atapi_ok(IDEState *s)
{
    s->sense_key = SENSE_NONE;
    s->asc = 0;
    s->xfer = IDE_XFER_NONE;
    s->error = 0;
    s->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC;
    ide_set_irq(s);
}

static void atapi_error(IDEState *s, uint8_t key, uint8_t asc)
{
    s->sense_key = key;
    s->asc = asc;
    ide_abort(s, (key << 4) | ATA_ERR_ABRT);
}

static void atapi_next_chunk(IDEState *s)
{
    uint32_t limit = s->atapi_limit ? s->atapi_limit : 0xfffe;
    uint32_t n;

    limit &= ~1u;
    if (limit < 2) {
        limit = 2;
    }
    n = MIN_U(MIN_U(s->atapi_left, limit), IDE_BUF_SIZE);
    if (s->atapi_from_disk) {
        int r = blk_pread(s->blk, s->atapi_pos, s->io_buffer, n);
        if (r < 0) {
            atapi_error(s, SENSE_MEDIUM_ERROR, ASC_READ_ERROR);
            return;
        }
        s->atapi_pos += n;
        s->data_pos = 0;
        s->data_end = n;
    } else {
        s->data_end = s->data_pos + n;
    }
    s->atapi_left -= n;
    s->lcyl = n & 0xff;
    s->hcyl = n >> 8;
    s->nsector = ATAPI_INT_REASON_IO;
    s->xfer = IDE_XFER_ATAPI_IN;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
    ide_set_irq(s);
}

void ide_atapi_pio_chunk_done(IDEState *s)
{
    if (s->atapi_left) {
        atapi_next_chunk(s);
    } else {
        atapi_ok(s);
    }
}

void ide_atapi_dma_done(IDEState *s, bool ok)
{
    if (ok) {
        atapi_ok(s);
    } else {
        atapi_error(s, SENSE_ABORTED, 0);
    }
}

/* Hand LEN bytes of io_buffer to the host (at most ALLOC, the CDB's allocation length). */
static void atapi_reply(IDEState *s, uint32_t len, uint32_t alloc)
{
    len = MIN_U(len, alloc);
    if (len == 0) {
        atapi_ok(s);
        return;
    }
    if (s->atapi_dma) {
        s->dma_buf_len = len;
        ide_dma_start(s, true);
        return;
    }
    s->atapi_from_disk = false;
    s->atapi_left = len;
    s->data_pos = 0;
    atapi_next_chunk(s);
}

static void atapi_read(IDEState *s, uint64_t lba, uint32_t n)
{
    if (lba > atapi_sectors(s) || n > atapi_sectors(s) - lba) {
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    if (n == 0) {
        atapi_ok(s);
        return;
    }
    if (s->atapi_dma) {
        s->dma_buf_len = 0;
        s->xfer_lba = lba * (ATAPI_SECTOR_SIZE / IDE_SECTOR_SIZE);
        s->xfer_left = n * (ATAPI_SECTOR_SIZE / IDE_SECTOR_SIZE);
        ide_dma_start(s, true);
        return;
    }
    s->atapi_from_disk = true;
    s->atapi_pos = lba * ATAPI_SECTOR_SIZE;
    s->atapi_left = n * ATAPI_SECTOR_SIZE;
    atapi_next_chunk(s);
}

static void atapi_put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        uint32_t x = lba + 150;
        p[0] = 0;
        p[1] = x / (75 * 60);
        p[2] = (x / 75) % 60;
        p[3] = x % 75;
    } else {
        stl_be_p(p, lba);
    }
}

static void atapi_read_toc(IDEState *s, const uint8_t *cdb)
{
    uint8_t *b = s->io_buffer;
    bool msf = cdb[1] & 2;
    int format = cdb[2] & 0x0f;
    uint32_t alloc = lduw_be_p(cdb + 7);

    if (!format) {
        format = cdb[9] >> 6;
    }
    memset(b, 0, 32);
    switch (format) {
    case 0:
        b[2] = 1;                 /* first track */
        b[3] = 1;                 /* last track */
        b[5] = 0x14;              /* track 1: data, ADR 1 */
        b[6] = 1;
        atapi_put_addr(b + 8, 0, msf);
        b[13] = 0x16;             /* lead-out */
        b[14] = 0xaa;
        atapi_put_addr(b + 16, atapi_sectors(s), msf);
        stw_be_p(b, 18);
        atapi_reply(s, 20, alloc);
        return;
    case 1:
        stw_be_p(b, 10);
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        atapi_put_addr(b + 8, 0, msf);
        atapi_reply(s, 12, alloc);
        return;
    default:
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
}

static void atapi_mode_sense(IDEState *s, const uint8_t *cdb)
{
    uint8_t *b = s->io_buffer;
    int page = cdb[2] & 0x3f;
    uint32_t alloc = lduw_be_p(cdb + 7), len = 8;

    memset(b, 0, 64);
    b[2] = atapi_has_media(s) ? 0x01 : 0x70;     /* medium type: data CD / no disc */
    if (page == 0x01 || page == 0x3f) {
        b[len] = 0x01;
        b[len + 1] = 6;
        b[len + 3] = 5;                          /* read retry count */
        len += 8;
    }
    if (page == 0x2a || page == 0x3f) {
        uint8_t *p = b + len;
        p[0] = 0x2a;
        p[1] = 0x14;
        p[2] = 0x3b;                             /* reads CD-R, CD-RW, methods */
        p[4] = 0x71;
        p[5] = 0x7f;
        p[6] = 0x29;                             /* lock, eject, tray loader */
        stw_be_p(p + 8, 706);                    /* 4x, kB/s */
        stw_be_p(p + 10, 2);
        stw_be_p(p + 12, 512);
        stw_be_p(p + 14, 706);
        len += 22;
    }
    if (len == 8) {
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    stw_be_p(b, len - 2);
    atapi_reply(s, len, alloc);
}

static void atapi_exec(IDEState *s, const uint8_t *cdb)
{
    uint8_t *b = s->io_buffer;

    /* Commands that touch the medium first report a change or its absence. */
    switch (cdb[0]) {
    case 0x00: case 0x25: case 0x28: case 0xa8: case 0x43:
        if (s->media_changed && atapi_has_media(s)) {
            s->media_changed = false;
            atapi_error(s, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED);
            return;
        }
        if (!atapi_has_media(s)) {
            atapi_error(s, SENSE_NOT_READY, ASC_NO_MEDIUM);
            return;
        }
        break;
    }
    switch (cdb[0]) {
    case 0x00:                                   /* TEST UNIT READY */
        atapi_ok(s);
        return;
    case 0x03: {                                 /* REQUEST SENSE */
        memset(b, 0, 18);
        b[0] = 0x70;
        b[2] = s->sense_key;
        b[7] = 10;
        b[12] = s->asc;
        s->sense_key = 0;
        s->asc = 0;
        atapi_reply(s, 18, cdb[4]);
        return;
    }
    case 0x12:                                   /* INQUIRY */
        memset(b, 0, 36);
        b[0] = 0x05;                             /* CD/DVD device */
        b[1] = 0x80;                             /* removable */
        b[2] = 0x05;
        b[3] = 0x32;
        b[4] = 31;
        memcpy(b + 8, "MIMIC   ", 8);
        memcpy(b + 16, "DVD-ROM         ", 16);
        memcpy(b + 32, "1.0 ", 4);
        atapi_reply(s, 36, lduw_be_p(cdb + 3));
        return;
    case 0x1b:                                   /* START STOP UNIT */
        if (cdb[4] & 2) {
            s->tray_open = !(cdb[4] & 1);
            if (!s->tray_open) {
                s->media_changed = blk_is_inserted(s->blk);
            }
        }
        atapi_ok(s);
        return;
    case 0x1e:                                   /* PREVENT ALLOW MEDIUM REMOVAL */
    case 0xbb:                                   /* SET CD SPEED */
        atapi_ok(s);
        return;
    case 0x25:                                   /* READ CAPACITY */
        stl_be_p(b, atapi_sectors(s) - 1);
        stl_be_p(b + 4, ATAPI_SECTOR_SIZE);
        atapi_reply(s, 8, 8);
        return;
    case 0x28:                                   /* READ(10) */
        atapi_read(s, ldl_be_p(cdb + 2), lduw_be_p(cdb + 7));
        return;
    case 0xa8:                                   /* READ(12) */
        atapi_read(s, ldl_be_p(cdb + 2), ldl_be_p(cdb + 6));
        return;
    case 0x43:                                   /* READ TOC/PMA/ATIP */
        atapi_read_toc(s, cdb);
        return;
    case 0x46:                                   /* GET CONFIGURATION */
        memset(b, 0, 8);
        stl_be_p(b, 4);
        stw_be_p(b + 6, atapi_has_media(s) ? 0x0008 : 0);   /* profile: CD-ROM */
        atapi_reply(s, 8, lduw_be_p(cdb + 7));
        return;
    case 0x4a:                                   /* GET EVENT STATUS NOTIFICATION */
        if (!(cdb[1] & 1)) {
            atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        memset(b, 0, 8);
        b[3] = 0x10;                             /* supported: media class */
        if (cdb[4] & 0x10) {
            stw_be_p(b, 6);
            b[2] = 4;
            b[4] = s->media_changed ? 2 : 0;     /* new media */
            b[5] = (atapi_has_media(s) ? 2 : 0) | (s->tray_open ? 1 : 0);
            s->media_changed = false;
            atapi_reply(s, 8, lduw_be_p(cdb + 7));
        } else {
            stw_be_p(b, 2);
            b[2] = 0x80;                         /* no event available */
            atapi_reply(s, 4, lduw_be_p(cdb + 7));
        }
        return;
    case 0x5a:                                   /* MODE SENSE(10) */
        atapi_mode_sense(s, cdb);
        return;
    case 0xbd:                                   /* MECHANISM STATUS */
        memset(b, 0, 8);
        b[5] = 1;
        atapi_reply(s, 8, lduw_be_p(cdb + 8));
        return;
    default:
        mimic_log_mask(LOG_UNIMP, "atapi: command 0x%02x not supported\n", cdb[0]);
        atapi_error(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        return;
    }
}

void ide_atapi_packet_start(IDEState *s)
{
    s->atapi_dma = s->feature & 1;
    s->atapi_limit = s->lcyl | (s->hcyl << 8);
    s->data_pos = 0;
    s->data_end = 12;
    s->xfer = IDE_XFER_ATAPI_CMD;
    s->nsector = ATAPI_INT_REASON_CD;
    s->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
}

void ide_atapi_packet_received(IDEState *s)
{
    uint8_t cdb[12];

    memcpy(cdb, s->io_buffer, 12);
    s->xfer = IDE_XFER_NONE;
    s->data_pos = s->data_end = 0;
    atapi_exec(s, cdb);
}

static void atapi_put_string(uint16_t *w, const char *src, int words)
{
    char buf[64];
    size_t n = strlen(src);

    memset(buf, ' ', sizeof(buf));
    memcpy(buf, src, MIN_U(n, sizeof(buf)));
    for (int i = 0; i < words; i++) {
        w[i] = ((uint8_t)buf[2 * i] << 8) | (uint8_t)buf[2 * i + 1];
    }
}

void ide_atapi_identify(IDEState *s)
{
    uint16_t w[256] = { 0 };
    uint8_t mode = s->xfer_mode;

    w[0] = 0x85c0;                 /* ATAPI, CD-ROM, removable, 12-byte packets */
    atapi_put_string(&w[10], s->serial, 10);
    atapi_put_string(&w[23], "1.0", 4);
    atapi_put_string(&w[27], s->model, 20);
    w[49] = (1 << 9) | (1 << 8);   /* LBA, DMA */
    w[53] = 7;
    w[63] = 0x07 | ((mode & 0xf8) == 0x20 ? 0x100 << (mode & 7) : 0);
    w[64] = 0x03;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[71] = w[72] = 30;
    w[80] = 0x1e;                  /* ATA/ATAPI-1 to 4 */
    w[82] = (1 << 14) | (1 << 4);  /* PACKET feature set */
    w[83] = 1 << 14;
    w[84] = 1 << 14;
    w[85] = (1 << 14) | (1 << 4);
    w[87] = 1 << 14;
    w[88] = 0x3f | ((mode & 0xf8) == 0x40 ? 0x100 << (mode & 7) : 0);
    w[93] = 1 | (1 << 14) | (1 << 13);
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

void ide_atapi_media_cb(void *opaque, bool load)
{
    IDEState *s = opaque;

    s->media_changed = true;
    s->tray_open = false;
    s->nb_sectors = load ? blk_getlength(s->blk) / IDE_SECTOR_SIZE : 0;
}
