/*
 * SMBIOS tables for firmware-less boots (-kernel without -bios), written as a
 * BIOS would (DMTF DSP0134, System Management BIOS Reference Specification 2.8:
 * section 5.2.1 "SMBIOS 2.1 (32-bit) Entry Point", 6.1 "Structure standards",
 * 7 "Structure definitions"). The entry point sits on a 16-byte boundary in the
 * BIOS area (0xf0000-0xfffff), where an OS scans for "_SM_"; the structure table
 * follows it. With them, Linux prints its "DMI:" line and fills
 * /sys/class/dmi/id (the system UUID of -uuid, vendor and product names that
 * tools such as dmidecode and systemd-detect-virt read).
 *
 * Structures: BIOS (type 0), system (1, with the UUID), chassis (3), one
 * processor per CPU (4), the memory array (16), one memory device per 16 GiB
 * (17), the mapped ranges (19), boot status (32) and end of table (127).
 * Not provided: the 64-bit (SMBIOS 3.0) entry point, caches (7), slots (9),
 * OEM strings (11), -smbios overrides.
 */
#include "qemu/osdep.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"

#define SMBIOS_EP_SIZE    0x1f
#define SMBIOS_TABLE_OFF  0x20     /* the structures follow the entry point */
#define SMBIOS_DIMM_MAX   (16ULL << 30)

typedef struct SmbiosBuf {
    GByteArray *b;
    uint16_t handle;               /* the next structure's handle */
    uint16_t count;
    uint16_t max_size;             /* the largest structure, strings included */
    uint32_t start;                /* where the current structure began */
    uint8_t nr_strings;
} SmbiosBuf;

/* The formatted area of a structure: type, length, handle, then fields. */
static uint8_t *smbios_begin(SmbiosBuf *s, uint8_t type, uint8_t len)
{
    s->start = s->b->len;
    s->nr_strings = 0;
    g_byte_array_set_size(s->b, s->b->len + len);
    memset(s->b->data + s->start, 0, len);
    s->b->data[s->start] = type;
    s->b->data[s->start + 1] = len;
    stw_le_p(s->b->data + s->start + 2, s->handle);
    return s->b->data + s->start;
}

/* Append a string to the current structure; returns its number for the field
 * that refers to it (0 = no string). The pointer from smbios_begin() is stale
 * after this call. */
static uint8_t smbios_string(SmbiosBuf *s, const char *str)
{
    if (!str || !*str) {
        return 0;
    }
    g_byte_array_append(s->b, (const guint8 *)str, strlen(str) + 1);
    return ++s->nr_strings;
}

/* Close the string set (a double NUL; just two NULs when there are none). */
static uint16_t smbios_end(SmbiosBuf *s)
{
    static const uint8_t nul[2] = { 0, 0 };
    uint32_t size;

    g_byte_array_append(s->b, nul, s->nr_strings ? 1 : 2);
    size = s->b->len - s->start;
    s->max_size = MAX(s->max_size, size);
    s->count++;
    return s->handle++;
}

static uint8_t *smbios_at(SmbiosBuf *s)
{
    return s->b->data + s->start;
}

static void smbios_type0(SmbiosBuf *s, const PCSmbiosConfig *cfg)
{
    uint8_t vendor, version, date;

    smbios_begin(s, 0, 0x18);
    vendor = smbios_string(s, "mimic");
    version = smbios_string(s, cfg->bios_version);
    date = smbios_string(s, "04/01/2014");
    {
        uint8_t *t = smbios_at(s);

        t[4] = vendor;
        t[5] = version;
        stw_le_p(t + 6, cfg->bios_segment);    /* BIOS starting address segment */
        t[8] = date;
        t[9] = 0;                               /* ROM size: (n + 1) * 64 KiB */
        /* Characteristics: bit 3, "BIOS characteristics are not supported"
         * (there is no BIOS behind these tables). */
        stq_le_p(t + 10, 1u << 3);
        t[0x12] = 0;
        t[0x13] = 1u << 4;                      /* ext. byte 2: a virtual machine */
        t[0x14] = 0;                            /* BIOS release 0.0 */
        t[0x15] = 0;
        t[0x16] = 0xff;                         /* no embedded controller */
        t[0x17] = 0xff;
    }
    smbios_end(s);
}

static void smbios_type1(SmbiosBuf *s, const PCSmbiosConfig *cfg)
{
    uint8_t maker, product, version, family;

    smbios_begin(s, 1, 0x1b);
    maker = smbios_string(s, "mimic");
    product = smbios_string(s, cfg->product);
    version = smbios_string(s, cfg->machine_version);
    family = smbios_string(s, "Virtual Machine");
    {
        uint8_t *t = smbios_at(s);

        t[4] = maker;
        t[5] = product;
        t[6] = version;
        t[7] = 0;                               /* no serial number */
        /* 7.2.1: time_low, time_mid and time_hi_and_version are stored
         * little-endian; the rest in the order of the text form. */
        stl_le_p(t + 8, ldl_be_p(cfg->uuid));
        stw_le_p(t + 12, lduw_be_p(cfg->uuid + 4));
        stw_le_p(t + 14, lduw_be_p(cfg->uuid + 6));
        memcpy(t + 16, cfg->uuid + 8, 8);
        t[0x18] = 0x06;                         /* woken by the power switch */
        t[0x19] = 0;                            /* no SKU */
        t[0x1a] = family;
    }
    smbios_end(s);
}

static uint16_t smbios_type3(SmbiosBuf *s)
{
    uint8_t maker;

    smbios_begin(s, 3, 0x16);
    maker = smbios_string(s, "mimic");
    {
        uint8_t *t = smbios_at(s);

        t[4] = maker;
        t[5] = 0x01;                            /* type: other */
        t[9] = 0x03;                            /* boot-up state: safe */
        t[0x0a] = 0x03;                         /* power supply: safe */
        t[0x0b] = 0x03;                         /* thermal: safe */
        t[0x0c] = 0x02;                         /* security: unknown */
        t[0x11] = 0;                            /* height: unspecified */
        t[0x12] = 0;                            /* power cords: unspecified */
        t[0x13] = 0;                            /* no contained elements */
        t[0x14] = 3;                            /* element record length */
        t[0x15] = 0;                            /* no SKU number */
    }
    return smbios_end(s);
}

static void smbios_type4(SmbiosBuf *s, const PCSmbiosConfig *cfg, int cpu)
{
    char socket[16];
    uint8_t sock, maker, version;

    snprintf(socket, sizeof(socket), "CPU %d", cpu);
    smbios_begin(s, 4, 0x2a);
    sock = smbios_string(s, socket);
    maker = smbios_string(s, cfg->cpu_vendor);
    version = smbios_string(s, cfg->cpu_version);
    {
        uint8_t *t = smbios_at(s);

        t[4] = sock;
        t[5] = 0x03;                            /* central processor */
        t[6] = 0x01;                            /* family: other */
        t[7] = maker;
        stl_le_p(t + 8, cfg->cpuid_eax);        /* processor ID: CPUID 1 EAX, EDX */
        stl_le_p(t + 12, cfg->cpuid_edx);
        t[0x10] = version;
        t[0x11] = 0;                            /* voltage: unknown */
        stw_le_p(t + 0x12, 0);                  /* external clock: unknown */
        stw_le_p(t + 0x14, 2000);               /* max speed, MHz */
        stw_le_p(t + 0x16, 2000);               /* current speed */
        t[0x18] = 0x41;                         /* socket populated, CPU enabled */
        t[0x19] = 0x01;                         /* upgrade: other */
        stw_le_p(t + 0x1a, 0xffff);             /* no L1/L2/L3 cache structures */
        stw_le_p(t + 0x1c, 0xffff);
        stw_le_p(t + 0x1e, 0xffff);
        t[0x23] = 1;                            /* cores */
        t[0x24] = 1;                            /* cores enabled */
        t[0x25] = 1;                            /* threads */
        stw_le_p(t + 0x26, 0x02);               /* characteristics: unknown */
        stw_le_p(t + 0x28, 0x01);               /* family 2: other */
    }
    smbios_end(s);
}

static uint16_t smbios_type16(SmbiosBuf *s, uint64_t ram, unsigned nr_dimms)
{
    uint64_t kib = ram >> 10;
    uint8_t *t = smbios_begin(s, 16, 0x17);

    t[4] = 0x01;                                /* location: other */
    t[5] = 0x03;                                /* use: system memory */
    t[6] = 0x06;                                /* error correction: multi-bit */
    if (kib < 0x80000000ULL) {
        stl_le_p(t + 7, kib);
    } else {
        stl_le_p(t + 7, 0x80000000u);           /* see the extended field */
        stq_le_p(t + 0x0f, ram);
    }
    stw_le_p(t + 0x0b, 0xfffe);                 /* no error information */
    stw_le_p(t + 0x0d, nr_dimms);
    return smbios_end(s);
}

static uint16_t smbios_type17(SmbiosBuf *s, uint16_t array, uint64_t size, int n)
{
    char loc[16];
    uint8_t dev, bank, maker;
    uint64_t mib = size >> 20;

    snprintf(loc, sizeof(loc), "DIMM %d", n);
    smbios_begin(s, 17, 0x28);
    dev = smbios_string(s, loc);
    maker = smbios_string(s, "mimic");
    bank = 0;
    {
        uint8_t *t = smbios_at(s);

        stw_le_p(t + 4, array);
        stw_le_p(t + 6, 0xfffe);                /* no error information */
        stw_le_p(t + 8, 64);                    /* total width, bits */
        stw_le_p(t + 0x0a, 64);                 /* data width */
        if (mib < 0x7fff) {
            stw_le_p(t + 0x0c, mib);
        } else {
            stw_le_p(t + 0x0c, 0x7fff);         /* see the extended size */
            stl_le_p(t + 0x1c, mib);
        }
        t[0x0e] = 0x09;                         /* form factor: DIMM */
        t[0x0f] = 0;                            /* not part of a set */
        t[0x10] = dev;
        t[0x11] = bank;
        t[0x12] = 0x07;                         /* type: RAM */
        stw_le_p(t + 0x13, 0x02);               /* type detail: other */
        t[0x17] = maker;
    }
    return smbios_end(s);
}

static void smbios_type19(SmbiosBuf *s, uint16_t array, uint64_t start, uint64_t size)
{
    uint8_t *t = smbios_begin(s, 19, 0x1f);
    uint64_t end = start + size - 1;

    if (end >> 10 < 0xffffffffULL) {
        stl_le_p(t + 4, start >> 10);           /* KiB */
        stl_le_p(t + 8, end >> 10);
    } else {
        stl_le_p(t + 4, 0xffffffffu);           /* see the extended addresses */
        stl_le_p(t + 8, 0xffffffffu);
        stq_le_p(t + 0x0f, start);
        stq_le_p(t + 0x17, end);
    }
    stw_le_p(t + 0x0c, array);
    t[0x0e] = 1;                                /* partition width */
    smbios_end(s);
}

static uint8_t smbios_sum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return sum;
}

GByteArray *pc_smbios_tables(const PCSmbiosConfig *cfg, uint16_t *count,
                             uint16_t *max_size)
{
    SmbiosBuf s = { .b = g_byte_array_new(), .handle = 0 };
    uint64_t ram = cfg->ram_below_4g + cfg->ram_above_4g;
    unsigned nr_dimms = (ram + SMBIOS_DIMM_MAX - 1) / SMBIOS_DIMM_MAX;
    uint16_t array;

    smbios_type0(&s, cfg);
    smbios_type1(&s, cfg);
    smbios_type3(&s);
    for (int i = 0; i < cfg->nr_cpus; i++) {
        smbios_type4(&s, cfg, i);
    }
    array = smbios_type16(&s, ram, nr_dimms);
    for (unsigned i = 0; i < nr_dimms; i++) {
        uint64_t left = ram - (uint64_t)i * SMBIOS_DIMM_MAX;

        smbios_type17(&s, array, MIN(left, SMBIOS_DIMM_MAX), i);
    }
    smbios_type19(&s, array, 0, cfg->ram_below_4g);
    if (cfg->ram_above_4g) {
        smbios_type19(&s, array, PC_HIGHMEM_BASE, cfg->ram_above_4g);
    }
    smbios_begin(&s, 32, 0x0b);                 /* boot status: no errors */
    smbios_end(&s);
    smbios_begin(&s, 127, 4);                   /* end of table */
    smbios_end(&s);
    *count = s.count;
    *max_size = s.max_size;
    return s.b;
}

bool pc_smbios_build(const PCSmbiosConfig *cfg, GError **errp)
{
    uint16_t count, max_size;
    GByteArray *tables = pc_smbios_tables(cfg, &count, &max_size);
    uint32_t len = SMBIOS_TABLE_OFF + tables->len;
    uint8_t *area, *ep;
    bool ok;

    if (len > PC_SMBIOS_AREA_SIZE) {
        error_setg(errp, "SMBIOS tables: %u bytes do not fit in the %u bytes of the "
                   "BIOS area set aside for them (too many CPUs?)", len,
                   PC_SMBIOS_AREA_SIZE);
        g_byte_array_free(tables, TRUE);
        return false;
    }
    area = g_malloc0(len);
    ep = area;
    memcpy(ep, "_SM_", 4);
    ep[5] = SMBIOS_EP_SIZE;
    ep[6] = 2;                                  /* SMBIOS 2.8 */
    ep[7] = 8;
    stw_le_p(ep + 8, max_size);
    ep[10] = 0;                                 /* entry point revision */
    memcpy(ep + 0x10, "_DMI_", 5);
    stw_le_p(ep + 0x16, tables->len);
    stl_le_p(ep + 0x18, cfg->low_addr + SMBIOS_TABLE_OFF);
    stw_le_p(ep + 0x1c, count);
    ep[0x1e] = 0x28;                            /* BCD revision 2.8 */
    /* The intermediate checksum covers the "_DMI_" part, the whole one all. */
    ep[0x15] = -smbios_sum(ep + 0x10, 0x0f);
    ep[4] = -smbios_sum(ep, SMBIOS_EP_SIZE);
    memcpy(area + SMBIOS_TABLE_OFF, tables->data, tables->len);
    g_byte_array_free(tables, TRUE);
    ok = rom_add_blob("smbios", NULL, cfg->rom_addr, area, len, errp);
    g_free(area);
    return ok;
}
