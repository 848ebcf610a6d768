/*
 * Unit tests for hw/nvram/fw_cfg.c through its I/O ports as a guest uses them:
 * the signature and feature bits, little-endian integers, reads past an item's
 * end, invalid selectors, the file directory (big-endian, sorted by name, with
 * selectors from 0x20), the DMA interface (select + read into RAM, skip, write
 * refused with the error bit, reads past the end zero-filled), the DMA register
 * signature, and vmstate.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/nvram/fw_cfg.h"
#include "exec/memory.h"
#include "migration/vmstate.h"

static MemoryRegion io, ram;
static AddressSpace as_io;
static FWCfgState *fw;

static void setup(void)
{
    GError *err = NULL;

    memory_region_init(&io, "io", 0x10000);
    address_space_init(&as_io, &io, "io");
    cr_assert(memory_region_init_ram(&ram, "ram", 1 << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    fw = fw_cfg_init_io(&io, &address_space_memory);
}

TestSuite(fw_cfg, .init = setup);

static void sel(uint16_t key)
{
    address_space_write_val(&as_io, 0x510, key, 2);
}

static uint8_t rd8(void)
{
    uint64_t v;

    address_space_read_val(&as_io, 0x511, &v, 1);
    return v;
}

static void rdbuf(void *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ((uint8_t *)buf)[i] = rd8();
    }
}

Test(fw_cfg, signature_and_id)
{
    char sig[5] = { 0 };
    uint8_t id[4];

    sel(FW_CFG_SIGNATURE);
    rdbuf(sig, 4);
    cr_assert_str_eq(sig, "QEMU");
    cr_assert_eq(rd8(), 0, "past the end reads 0");
    sel(FW_CFG_ID);
    rdbuf(id, 4);
    cr_assert_eq(ldl_le_p(id), FW_CFG_VERSION | FW_CFG_VERSION_DMA);
}

Test(fw_cfg, integers_little_endian)
{
    uint8_t b[8];

    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, 0x0000000108000000ULL);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 4);
    fw_cfg_add_i32(fw, FW_CFG_E820_TABLE, 0xdeadbeef);
    sel(FW_CFG_RAM_SIZE);
    rdbuf(b, 8);
    cr_assert_eq(ldq_le_p(b), 0x0000000108000000ULL);
    sel(FW_CFG_NB_CPUS);
    rdbuf(b, 2);
    cr_assert_eq(lduw_le_p(b), 4);
    sel(FW_CFG_E820_TABLE);
    rdbuf(b, 4);
    cr_assert_eq(ldl_le_p(b), 0xdeadbeef, "arch-local key");
    sel(FW_CFG_E820_TABLE & FW_CFG_ENTRY_MASK);
    cr_assert_eq(rd8(), 0, "not the same item as the generic key");
}

Test(fw_cfg, reselect_restarts)
{
    sel(FW_CFG_SIGNATURE);
    cr_assert_eq(rd8(), 'Q');
    cr_assert_eq(rd8(), 'E');
    sel(FW_CFG_SIGNATURE);
    cr_assert_eq(rd8(), 'Q');
}

Test(fw_cfg, invalid_selector)
{
    sel(0x3fff);
    cr_assert_eq(rd8(), 0);
    sel(FW_CFG_INVALID);
    cr_assert_eq(rd8(), 0);
}

Test(fw_cfg, file_directory)
{
    uint8_t hdr[4], ent[64];
    uint32_t n;
    char name[57] = { 0 };
    GError *err = NULL;

    cr_assert(fw_cfg_add_file(fw, "etc/zz", "zz", 2, &err));
    cr_assert(fw_cfg_add_file(fw, "etc/e820", "0123456789", 10, &err));
    cr_assert_not(fw_cfg_add_file(fw, "etc/zz", "x", 1, &err), "duplicate");
    cr_assert_not_null(err);
    g_clear_error(&err);
    sel(FW_CFG_FILE_DIR);
    rdbuf(hdr, 4);
    n = ldl_be_p(hdr);
    cr_assert_eq(n, 2);
    rdbuf(ent, 64);
    memcpy(name, ent + 8, 56);
    cr_assert_str_eq(name, "etc/e820", "sorted by name");
    cr_assert_eq(ldl_be_p(ent), 10);
    cr_assert_eq(lduw_be_p(ent + 4), FW_CFG_FILE_FIRST + 1, "second file added");
    rdbuf(ent, 64);
    memcpy(name, ent + 8, 56);
    cr_assert_str_eq(name, "etc/zz");
    cr_assert_eq(lduw_be_p(ent + 4), FW_CFG_FILE_FIRST);
    sel(FW_CFG_FILE_FIRST + 1);
    cr_assert_eq(rd8(), '0');
}

Test(fw_cfg, long_file_name_refused)
{
    GError *err = NULL;
    char name[80];

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = 0;
    cr_assert_not(fw_cfg_add_file(fw, name, "", 0, &err));
    cr_assert(strstr(err->message, "too long"));
    g_error_free(err);
}

/* Write a DMA descriptor at desc and start it through the two register halves. */
static void dma(hwaddr desc, uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t d[16];

    stl_be_p(d, control);
    stl_be_p(d + 4, len);
    stq_be_p(d + 8, addr);
    address_space_write(&address_space_memory, desc, d, 16);
    address_space_write_val(&as_io, 0x514, __builtin_bswap32((uint32_t)(desc >> 32)), 4);
    address_space_write_val(&as_io, 0x518, __builtin_bswap32((uint32_t)desc), 4);
}

Test(fw_cfg, dma_read_skip_and_zero_fill)
{
    uint8_t buf[8];

    memset(buf, 0xaa, sizeof(buf));
    address_space_write(&address_space_memory, 0x2000, buf, sizeof(buf));
    dma(0x1000, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP | (FW_CFG_SIGNATURE << 16),
        1, 0);
    cr_assert_eq(ldl_be_p(memory_region_get_ram_ptr(&ram) + 0x1000), 0, "completed");
    dma(0x1000, FW_CFG_DMA_CTL_READ, 6, 0x2000);
    address_space_read(&address_space_memory, 0x2000, buf, sizeof(buf));
    cr_assert_eq(memcmp(buf, "EMU\0\0\0\xaa\xaa", 8), 0, "skip 1, 3 bytes + 3 zeroes");
    cr_assert_eq(ldl_be_p(memory_region_get_ram_ptr(&ram) + 0x1000), 0);
}

Test(fw_cfg, dma_write_sets_error)
{
    dma(0x1000, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE | (FW_CFG_ID << 16), 4,
        0x2000);
    cr_assert_eq(ldl_be_p(memory_region_get_ram_ptr(&ram) + 0x1000),
                 FW_CFG_DMA_CTL_ERROR);
}

Test(fw_cfg, dma_register_signature)
{
    uint64_t hi, lo;

    address_space_read_val(&as_io, 0x514, &hi, 4);
    address_space_read_val(&as_io, 0x518, &lo, 4);
    cr_assert_eq(__builtin_bswap32((uint32_t)hi), 0x51454d55);   /* "QEMU" */
    cr_assert_eq(__builtin_bswap32((uint32_t)lo), 0x20434647);   /* " CFG" */
}

Test(fw_cfg, vmstate_roundtrip)
{
    GByteArray *blob = g_byte_array_new();
    const VMStateDescription *vmsd = fw->parent.dc->vmsd;

    sel(FW_CFG_SIGNATURE);
    rd8();
    rd8();
    vmstate_save(vmsd, fw, blob);
    fw->parent.dc->reset(DEVICE(fw));
    sel(FW_CFG_ID);
    cr_assert_eq(vmstate_load(vmsd, fw, blob->data, blob->len, NULL, NULL), 0);
    cr_assert_eq(rd8(), 'M', "selector and offset restored");
    g_byte_array_free(blob, true);
}
