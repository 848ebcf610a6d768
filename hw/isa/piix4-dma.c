/*
 * The two cascaded 8237A DMA controllers inside the PIIX4's ISA bridge (82371AB
 * datasheet, section 4.2 "DMA registers"; Intel 8237A datasheet): channel address
 * and count registers behind the byte-pointer flip-flop, command/status, request,
 * single and all-channel masks, mode, master clear, and the page registers at
 * 0x80-0x8f. Linux on the Malta programs them at boot (it enables cascade channel
 * 4), and ISA drivers read them back.
 *
 * Not modelled: transfers. No device on this board requests ISA DMA (the Super I/O
 * floppy and parallel port are not modelled), so DREQ never rises and the
 * registers never count. The PIIX4 high page registers (0x480) are not decoded.
 */
#include "qemu/osdep.h"
#include "hw/pci/piix4.h"
#include "migration/vmstate.h"

/* Register numbers (port offset >> shift). */
enum {
    DMA_REG_STATUS_CMD = 8, DMA_REG_REQUEST = 9, DMA_REG_SINGLE_MASK = 10,
    DMA_REG_MODE = 11, DMA_REG_CLEAR_FF = 12, DMA_REG_TEMP_MASTER_CLEAR = 13,
    DMA_REG_CLEAR_MASK = 14, DMA_REG_ALL_MASK = 15,
};

static void piix4_dma_ctrl_reset(PIIX4DMACtrl *c)
{
    /* Master clear: command, status, request, temp and flip-flop cleared, all
     * channels masked; address/count/mode registers are left alone. */
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->temp = 0;
    c->flipflop = 0;
    c->mask = 0x0f;
}

static uint8_t piix4_dma_rw16(PIIX4DMACtrl *c, uint16_t *reg, bool write, uint8_t val)
{
    uint8_t r = 0;

    if (write) {
        *reg = c->flipflop ? (*reg & 0x00ff) | (uint16_t)val << 8 : (*reg & 0xff00) | val;
    } else {
        r = c->flipflop ? *reg >> 8 : *reg & 0xff;
    }
    c->flipflop ^= 1;
    return r;
}

static uint64_t piix4_dma_ctrl_read(PIIX4DMACtrl *c, unsigned reg)
{
    unsigned ch = (reg >> 1) & 3;
    uint8_t v;

    if (reg < 8) {
        return piix4_dma_rw16(c, (reg & 1) ? &c->cur_count[ch] : &c->cur_addr[ch], false, 0);
    }
    switch (reg) {
    case DMA_REG_STATUS_CMD:
        v = c->status | (c->request << 4);
        c->status &= 0xf0;          /* terminal-count bits clear on read */
        return v;
    case DMA_REG_TEMP_MASTER_CLEAR:
        return c->temp;
    case DMA_REG_ALL_MASK:
        return c->mask | 0xf0;      /* PIIX4: readable mask register */
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "piix4-dma: read of write-only register %u\n", reg);
        return 0xff;
    }
}

static void piix4_dma_ctrl_write(PIIX4DMACtrl *c, unsigned reg, uint8_t val)
{
    unsigned ch = val & 3;

    if (reg < 8) {
        unsigned rch = (reg >> 1) & 3;
        bool ff = c->flipflop;

        /* Writes load both the base and the current register. */
        if (reg & 1) {
            piix4_dma_rw16(c, &c->base_count[rch], true, val);
            c->flipflop = ff;
            piix4_dma_rw16(c, &c->cur_count[rch], true, val);
        } else {
            piix4_dma_rw16(c, &c->base_addr[rch], true, val);
            c->flipflop = ff;
            piix4_dma_rw16(c, &c->cur_addr[rch], true, val);
        }
        return;
    }
    switch (reg) {
    case DMA_REG_STATUS_CMD:
        c->command = val;
        break;
    case DMA_REG_REQUEST:
        c->request = (val & 4) ? c->request | 1u << ch : c->request & ~(1u << ch);
        if (val & 4) {
            mimic_log_mask(LOG_UNIMP, "piix4-dma: software DMA request on channel %u\n", ch);
        }
        break;
    case DMA_REG_SINGLE_MASK:
        c->mask = (val & 4) ? c->mask | 1u << ch : c->mask & ~(1u << ch);
        break;
    case DMA_REG_MODE:
        c->mode[ch] = val & 0xfc;
        break;
    case DMA_REG_CLEAR_FF:
        c->flipflop = 0;
        break;
    case DMA_REG_TEMP_MASTER_CLEAR:
        piix4_dma_ctrl_reset(c);
        break;
    case DMA_REG_CLEAR_MASK:
        c->mask = 0;
        break;
    case DMA_REG_ALL_MASK:
        c->mask = val & 0x0f;
        break;
    }
}

/* Controller 1 registers are at consecutive ports, controller 2's every 2 ports. */
static uint64_t piix4_dma1_read(void *opaque, hwaddr off, unsigned size)
{
    PIIX4DMAState *d = opaque;

    return piix4_dma_ctrl_read(&d->ctrl[0], off & 15);
}

static void piix4_dma1_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIX4DMAState *d = opaque;

    piix4_dma_ctrl_write(&d->ctrl[0], off & 15, val);
}

static uint64_t piix4_dma2_read(void *opaque, hwaddr off, unsigned size)
{
    PIIX4DMAState *d = opaque;

    return (off & 1) ? 0xff : piix4_dma_ctrl_read(&d->ctrl[1], (off >> 1) & 15);
}

static void piix4_dma2_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIX4DMAState *d = opaque;

    if (!(off & 1)) {
        piix4_dma_ctrl_write(&d->ctrl[1], (off >> 1) & 15, val);
    }
}

static uint64_t piix4_dma_page_read(void *opaque, hwaddr off, unsigned size)
{
    PIIX4DMAState *d = opaque;

    return d->page[off & 15];
}

static void piix4_dma_page_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIX4DMAState *d = opaque;

    d->page[off & 15] = val;
}

static const MemoryRegionOps piix4_dma_ops[2] = {
    {
        .read = piix4_dma1_read,
        .write = piix4_dma1_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .impl = { .min_access_size = 1, .max_access_size = 1 },
    }, {
        .read = piix4_dma2_read,
        .write = piix4_dma2_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .impl = { .min_access_size = 1, .max_access_size = 1 },
    },
};

static const MemoryRegionOps piix4_dma_page_ops = {
    .read = piix4_dma_page_read,
    .write = piix4_dma_page_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void piix4_dma_reset(PIIX4DMAState *dma)
{
    for (int i = 0; i < 2; i++) {
        PIIX4DMACtrl *c = &dma->ctrl[i];

        memset(c->mode, 0, sizeof(c->mode));
        piix4_dma_ctrl_reset(c);
    }
}

void piix4_dma_init(PIIX4DMAState *dma, MemoryRegion *isa_io)
{
    memory_region_init_io(&dma->ctrl_io[0], &piix4_dma_ops[0], dma, "dma-chan0-3", 16);
    memory_region_init_io(&dma->ctrl_io[1], &piix4_dma_ops[1], dma, "dma-chan4-7", 32);
    memory_region_init_io(&dma->page_io, &piix4_dma_page_ops, dma, "dma-page", 16);
    if (isa_io) {
        memory_region_add_subregion(isa_io, 0x00, &dma->ctrl_io[0]);
        memory_region_add_subregion(isa_io, 0xc0, &dma->ctrl_io[1]);
        memory_region_add_subregion(isa_io, 0x80, &dma->page_io);
    }
    piix4_dma_reset(dma);
}

static const VMStateField piix4_dma_ctrl_fields[] = {
    VMSTATE_UINT16_ARRAY(base_addr, PIIX4DMACtrl, 4),
    VMSTATE_UINT16_ARRAY(base_count, PIIX4DMACtrl, 4),
    VMSTATE_UINT16_ARRAY(cur_addr, PIIX4DMACtrl, 4),
    VMSTATE_UINT16_ARRAY(cur_count, PIIX4DMACtrl, 4),
    VMSTATE_UINT8_ARRAY(mode, PIIX4DMACtrl, 4),
    VMSTATE_UINT8(command, PIIX4DMACtrl),
    VMSTATE_UINT8(status, PIIX4DMACtrl),
    VMSTATE_UINT8(request, PIIX4DMACtrl),
    VMSTATE_UINT8(mask, PIIX4DMACtrl),
    VMSTATE_UINT8(temp, PIIX4DMACtrl),
    VMSTATE_UINT8(flipflop, PIIX4DMACtrl),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription piix4_dma_ctrl_vmstate = {
    .name = "piix4-dma-ctrl",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = piix4_dma_ctrl_fields,
};

static const VMStateField piix4_dma_fields[] = {
    VMSTATE_STRUCT_ARRAY(ctrl, PIIX4DMAState, 2, piix4_dma_ctrl_vmstate, PIIX4DMACtrl),
    VMSTATE_UINT8_ARRAY(page, PIIX4DMAState, 16),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription piix4_dma_vmstate = {
    .name = "piix4-dma",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = piix4_dma_fields,
};
