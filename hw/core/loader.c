/*
 * Image loaders: ELF32 executables and raw images, plus the ROM blob list that
 * re-installs boot images at machine reset.
 *
 * ELF layout follows the System V ABI (generic ELF, 32-bit class). Only PT_LOAD
 * program headers are used; section headers, relocations and symbols are ignored.
 * Every field taken from the file is range-checked against the file size before it
 * is used, and the whole image is validated before a single byte is written.
 */
#include "qemu/osdep.h"
#include "hw/loader.h"
#include "exec/memory.h"

#define ELF_EI_NIDENT   16
#define ELF_EI_CLASS    4
#define ELF_EI_DATA     5
#define ELF_EI_VERSION  6
#define ELF_ET_EXEC     2
#define ELF32_EHDR_SIZE 52
#define ELF32_PHDR_SIZE 32

typedef struct Elf32Ehdr {
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum;
} Elf32Ehdr;

typedef struct Elf32Phdr {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
} Elf32Phdr;

/* Field readers honouring the file's byte order. */
static uint16_t loader_ld16(const uint8_t *p, bool be)
{
    return be ? lduw_be_p(p) : lduw_le_p(p);
}

static uint32_t loader_ld32(const uint8_t *p, bool be)
{
    return be ? ldl_be_p(p) : ldl_le_p(p);
}

bool loader_is_elf(const uint8_t *data, size_t len)
{
    return len >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' &&
           data[3] == 'F';
}

static bool loader_parse_ehdr(const uint8_t *data, size_t len, const ElfLoadOpts *opts,
                              Elf32Ehdr *eh, bool *be, GError **errp)
{
    if (!loader_is_elf(data, len)) {
        error_setg(errp, "not an ELF file (bad magic)");
        return false;
    }
    if (len < ELF32_EHDR_SIZE) {
        error_setg(errp, "truncated ELF file: %zu bytes, header needs %d", len,
                   ELF32_EHDR_SIZE);
        return false;
    }
    if (data[ELF_EI_CLASS] != ELF_CLASS32) {
        error_setg(errp, "unsupported ELF class %u (only 32-bit ELF is loaded)",
                   data[ELF_EI_CLASS]);
        return false;
    }
    if (data[ELF_EI_DATA] != ELF_DATA_LSB && data[ELF_EI_DATA] != ELF_DATA_MSB) {
        error_setg(errp, "invalid ELF data encoding %u", data[ELF_EI_DATA]);
        return false;
    }
    if (data[ELF_EI_VERSION] != 1) {
        error_setg(errp, "invalid ELF version %u", data[ELF_EI_VERSION]);
        return false;
    }
    *be = data[ELF_EI_DATA] == ELF_DATA_MSB;
    if (opts && opts->data && opts->data != data[ELF_EI_DATA]) {
        error_setg(errp, "ELF file is %s-endian, this machine needs %s-endian",
                   *be ? "big" : "little", *be ? "little" : "big");
        return false;
    }
    eh->e_type = loader_ld16(data + 16, *be);
    eh->e_machine = loader_ld16(data + 18, *be);
    eh->e_version = loader_ld32(data + 20, *be);
    eh->e_entry = loader_ld32(data + 24, *be);
    eh->e_phoff = loader_ld32(data + 28, *be);
    eh->e_shoff = loader_ld32(data + 32, *be);
    eh->e_flags = loader_ld32(data + 36, *be);
    eh->e_ehsize = loader_ld16(data + 40, *be);
    eh->e_phentsize = loader_ld16(data + 42, *be);
    eh->e_phnum = loader_ld16(data + 44, *be);

    if (eh->e_type != ELF_ET_EXEC) {
        error_setg(errp, "ELF file is not an executable (e_type %u)", eh->e_type);
        return false;
    }
    if (opts && opts->machine && opts->machine != eh->e_machine) {
        error_setg(errp, "ELF file is for machine %u, expected %u", eh->e_machine,
                   opts->machine);
        return false;
    }
    if (eh->e_phnum == 0) {
        error_setg(errp, "ELF file has no program headers");
        return false;
    }
    if (eh->e_phentsize < ELF32_PHDR_SIZE) {
        error_setg(errp, "ELF program header size %u is too small", eh->e_phentsize);
        return false;
    }
    /* 64-bit arithmetic: phoff + phnum * phentsize cannot wrap. */
    if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize > len) {
        error_setg(errp, "truncated ELF file: program headers end at %" PRIu64
                   ", file has %zu bytes",
                   (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize, len);
        return false;
    }
    return true;
}

static void loader_parse_phdr(const uint8_t *p, bool be, Elf32Phdr *ph)
{
    ph->p_type = loader_ld32(p + 0, be);
    ph->p_offset = loader_ld32(p + 4, be);
    ph->p_vaddr = loader_ld32(p + 8, be);
    ph->p_paddr = loader_ld32(p + 12, be);
    ph->p_filesz = loader_ld32(p + 16, be);
    ph->p_memsz = loader_ld32(p + 20, be);
    ph->p_flags = loader_ld32(p + 24, be);
    ph->p_align = loader_ld32(p + 28, be);
}

/* Check one PT_LOAD segment; on success *phys is where it goes. */
static bool loader_check_segment(const uint8_t *data, size_t len, const ElfLoadOpts *opts,
                                 unsigned idx, const Elf32Phdr *ph, hwaddr *phys,
                                 GError **errp)
{
    hwaddr pa = ph->p_paddr;

    (void)data;
    if (ph->p_filesz > ph->p_memsz) {
        error_setg(errp, "ELF segment %u: file size 0x%" PRIx32 " exceeds memory size 0x%"
                   PRIx32, idx, ph->p_filesz, ph->p_memsz);
        return false;
    }
    /* Even without RAM limits, a segment is a host allocation: keep it sane. */
    if (ph->p_memsz > LOADER_MAX_FILE_SIZE) {
        error_setg(errp, "ELF segment %u is too large (memory size 0x%" PRIx32 ")", idx,
                   ph->p_memsz);
        return false;
    }
    if ((uint64_t)ph->p_offset + ph->p_filesz > len) {
        error_setg(errp, "truncated ELF file: segment %u needs bytes up to %" PRIu64
                   ", file has %zu", idx, (uint64_t)ph->p_offset + ph->p_filesz, len);
        return false;
    }
    if (opts && opts->translate) {
        if (!opts->translate(opts->translate_opaque, ph->p_paddr, &pa)) {
            error_setg(errp, "ELF segment %u: address 0x%08" PRIx32
                       " has no physical translation on this machine", idx, ph->p_paddr);
            return false;
        }
    }
    if (opts && (opts->phys_low || opts->phys_high)) {
        if (pa < opts->phys_low || pa + (uint64_t)ph->p_memsz > opts->phys_high) {
            error_setg(errp, "ELF segment %u (physical 0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx
                       ") lies outside RAM (0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx ")", idx,
                       pa, pa + ph->p_memsz, opts->phys_low, opts->phys_high);
            return false;
        }
    }
    *phys = pa;
    return true;
}

bool load_elf32_bytes(GBytes *file, const ElfLoadOpts *opts, ElfLoadInfo *info,
                      GError **errp)
{
    size_t len;
    const uint8_t *data = g_bytes_get_data(file, &len);
    Elf32Ehdr eh;
    bool be;
    hwaddr low = UINT64_MAX, high = 0;
    unsigned nseg = 0;
    LoaderWriteFn write = opts && opts->write ? opts->write : loader_write_rom;
    void *wopaque = opts && opts->write ? opts->write_opaque : NULL;

    if (!loader_parse_ehdr(data, len, opts, &eh, &be, errp)) {
        return false;
    }

    /* Pass 1: validate everything, so a bad file writes nothing. */
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32Phdr ph;
        hwaddr pa;

        loader_parse_phdr(data + eh.e_phoff + (size_t)i * eh.e_phentsize, be, &ph);
        if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (!loader_check_segment(data, len, opts, i, &ph, &pa, errp)) {
            return false;
        }
        low = MIN_U(low, pa);
        high = MAX(high, pa + ph.p_memsz);
        nseg++;
    }
    if (nseg == 0) {
        error_setg(errp, "ELF file has no loadable segments");
        return false;
    }

    /*
     * Pass 2: write each segment, its bss as a count of zeros. The segment's bytes
     * are a slice of the file's: a ROM blob keeps that, where a buffer of memsz
     * (file bytes, then zeros) and the blob's copy of it would have meant two more
     * copies of the image to allocate and fill (20 MiB for the Malta vmlinuz).
     */
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32Phdr ph;
        hwaddr pa;
        GBytes *seg;
        bool ok;

        loader_parse_phdr(data + eh.e_phoff + (size_t)i * eh.e_phentsize, be, &ph);
        if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (!loader_check_segment(data, len, opts, i, &ph, &pa, errp)) {
            return false;
        }
        seg = g_bytes_new_from_bytes(file, ph.p_offset, ph.p_filesz);
        ok = write(wopaque, pa, seg, ph.p_memsz - ph.p_filesz, errp);
        g_bytes_unref(seg);
        if (!ok) {
            return false;
        }
    }

    if (info) {
        info->entry = eh.e_entry;
        info->phys_low = low;
        info->phys_high = high;
        info->data = be ? ELF_DATA_MSB : ELF_DATA_LSB;
        info->machine = eh.e_machine;
        info->nr_segments = nseg;
    }
    return true;
}

GBytes *load_file_bytes(const char *filename, uint64_t max_size, GError **errp)
{
    GError *local = NULL;
    gchar *contents = NULL;
    gsize size = 0;

    if (max_size > LOADER_MAX_FILE_SIZE) {
        max_size = LOADER_MAX_FILE_SIZE;
    }
    if (!g_file_test(filename, G_FILE_TEST_IS_REGULAR)) {
        if (!g_file_test(filename, G_FILE_TEST_EXISTS)) {
            error_setg(errp, "could not open '%s': No such file or directory", filename);
        } else {
            error_setg(errp, "'%s' is not a regular file", filename);
        }
        return NULL;
    }
    if (!g_file_get_contents(filename, &contents, &size, &local)) {
        error_setg(errp, "could not read '%s': %s", filename, local->message);
        g_error_free(local);
        return NULL;
    }
    if (size > max_size) {
        error_setg(errp, "'%s' is too large: %zu bytes, at most %" PRIu64 " fit",
                   filename, (size_t)size, max_size);
        g_free(contents);
        return NULL;
    }
    return g_bytes_new_take(contents, size);
}

bool load_file(const char *filename, uint64_t max_size, uint8_t **data, size_t *len,
               GError **errp)
{
    GBytes *b = load_file_bytes(filename, max_size, errp);
    gsize size;

    if (!b) {
        return false;
    }
    /* The only reference: hands back the buffer without a copy. */
    *data = g_bytes_unref_to_data(b, &size);
    *len = size;
    return true;
}

bool load_elf32_buf(const uint8_t *data, size_t len, const ElfLoadOpts *opts,
                    ElfLoadInfo *info, GError **errp)
{
    GBytes *file = g_bytes_new(data, len);
    bool ok = load_elf32_bytes(file, opts, info, errp);

    g_bytes_unref(file);
    return ok;
}

bool load_elf32(const char *filename, const ElfLoadOpts *opts, ElfLoadInfo *info,
                GError **errp)
{
    GBytes *file = load_file_bytes(filename, LOADER_MAX_FILE_SIZE, errp);
    GError *local = NULL;
    bool ok;

    if (!file) {
        return false;
    }
    ok = load_elf32_bytes(file, opts, info, &local);
    g_bytes_unref(file);
    if (!ok) {
        error_setg(errp, "%s: %s", filename, local->message);
        g_error_free(local);
    }
    return ok;
}

bool load_image_targphys(const char *filename, hwaddr addr, uint64_t max_size,
                         uint64_t *size, LoaderWriteFn write, void *write_opaque,
                         GError **errp)
{
    GBytes *data = load_file_bytes(filename, max_size, errp);
    bool ok;

    if (!data) {
        return false;
    }
    if (!write) {
        write = loader_write_rom;
        write_opaque = NULL;
    }
    ok = write(write_opaque, addr, data, 0, errp);
    if (ok && size) {
        *size = g_bytes_get_size(data);
    }
    g_bytes_unref(data);
    return ok;
}

/* data then zero_len zeros at addr; false with errp set where nothing is mapped. */
static bool loader_put(AddressSpace *as, hwaddr addr, GBytes *data, size_t zero_len,
                       GError **errp)
{
    size_t len = 0;
    const void *buf = data ? g_bytes_get_data(data, &len) : NULL;

    if ((len && address_space_write_rom(as, addr, buf, len) != MEMTX_OK) ||
        (zero_len && address_space_zero_rom(as, addr + len, zero_len) != MEMTX_OK)) {
        error_setg(errp, "cannot write %zu bytes at physical 0x%" HWADDR_PRIx
                   ": no memory there", len + zero_len, addr);
        return false;
    }
    return true;
}

bool loader_write_rom(void *opaque, hwaddr addr, GBytes *data, size_t zero_len,
                      GError **errp)
{
    return loader_put(opaque ? opaque : &address_space_memory, addr, data, zero_len, errp);
}

/* ---- ROM blobs ---- */

typedef struct RomBlob {
    char *name;
    AddressSpace *as;
    hwaddr addr;
    GBytes *data;
    size_t zero_len;             /* zeros after data, not stored */
} RomBlob;

static GPtrArray *rom_blobs;

static void rom_blob_free(gpointer p)
{
    RomBlob *rom = p;

    g_free(rom->name);
    g_bytes_unref(rom->data);
    g_free(rom);
}

bool rom_add_bytes(const char *name, AddressSpace *as, hwaddr addr, GBytes *data,
                   size_t zero_len, GError **errp)
{
    RomBlob *rom;

    if (!as) {
        as = &address_space_memory;
    }
    if (!loader_put(as, addr, data, zero_len, errp)) {
        return false;
    }
    if (!rom_blobs) {
        rom_blobs = g_ptr_array_new_with_free_func(rom_blob_free);
    }
    rom = g_new0(RomBlob, 1);
    rom->name = g_strdup(name ? name : "blob");
    rom->as = as;
    rom->addr = addr;
    rom->data = g_bytes_ref(data);
    rom->zero_len = zero_len;
    g_ptr_array_add(rom_blobs, rom);
    return true;
}

bool rom_add_blob(const char *name, AddressSpace *as, hwaddr addr, const void *data,
                  size_t len, GError **errp)
{
    GBytes *b = g_bytes_new(data, len);
    bool ok = rom_add_bytes(name, as, addr, b, 0, errp);

    g_bytes_unref(b);
    return ok;
}

bool loader_write_rom_blob(void *opaque, hwaddr addr, GBytes *data, size_t zero_len,
                           GError **errp)
{
    return rom_add_bytes("image", opaque, addr, data, zero_len, errp);
}

void rom_reset_all(void)
{
    if (!rom_blobs) {
        return;
    }
    for (guint i = 0; i < rom_blobs->len; i++) {
        RomBlob *rom = g_ptr_array_index(rom_blobs, i);

        /* Validated when added; memory layout does not shrink after machine init. */
        if (!loader_put(rom->as, rom->addr, rom->data, rom->zero_len, NULL)) {
            error_report("rom '%s' at 0x%" HWADDR_PRIx " could not be restored",
                         rom->name, rom->addr);
        }
    }
}

void rom_free_all(void)
{
    if (rom_blobs) {
        g_ptr_array_free(rom_blobs, TRUE);
        rom_blobs = NULL;
    }
}

void rom_info(FILE *f)
{
    if (!rom_blobs) {
        return;
    }
    for (guint i = 0; i < rom_blobs->len; i++) {
        RomBlob *rom = g_ptr_array_index(rom_blobs, i);

        fprintf(f, "addr=%016" HWADDR_PRIx " size=0x%06zx mem=%s name=\"%s\"\n",
                rom->addr, g_bytes_get_size(rom->data) + rom->zero_len,
                rom->as->name ? rom->as->name : "?", rom->name);
    }
}
