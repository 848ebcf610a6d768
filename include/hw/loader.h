/*
 * Image loaders: ELF32 executables (little- and big-endian) and raw images.
 *
 * Every loader reads the whole file into host memory first and validates it with
 * explicit bounds checks, so a garbage or truncated file produces a clear GError,
 * never a crash or a partial load. Images can be registered as "ROM blobs": they are
 * written now and re-written at every machine reset (a rebooted guest finds the
 * kernel it was started with, not the one it left behind in RAM).
 */
#ifndef HW_LOADER_H
#define HW_LOADER_H

#include "qemu/osdep.h"

struct AddressSpace;

/* ELF identification and machine numbers used by the boards. */
#define ELF_CLASS32   1
#define ELF_DATA_LSB  1          /* little-endian */
#define ELF_DATA_MSB  2          /* big-endian */
#define ELF_EM_386    3
#define ELF_EM_MIPS   8
#define ELF_PT_LOAD   1

/* Largest file any loader accepts (a sanity limit against /dev/zero and friends). */
#define LOADER_MAX_FILE_SIZE (1ULL << 30)

/*
 * Where loaded bytes go: data (possibly empty) at addr, then zero_len zero bytes (an
 * ELF segment's bss). The writer may keep a reference to data instead of copying it.
 * Returns false with errp set if the range cannot be written.
 */
typedef bool (*LoaderWriteFn)(void *opaque, hwaddr addr, GBytes *data, size_t zero_len,
                              GError **errp);
/* ELF address (p_paddr) to guest physical address; false if it has no translation. */
typedef bool (*LoaderTranslateFn)(void *opaque, uint64_t elf_addr, hwaddr *phys);

typedef struct ElfLoadOpts {
    uint16_t machine;            /* ELF_EM_*, 0 = accept any */
    uint8_t data;                /* ELF_DATA_LSB / ELF_DATA_MSB, 0 = accept either */
    LoaderTranslateFn translate; /* NULL = identity */
    void *translate_opaque;
    /* Every byte of every PT_LOAD segment (memsz) must land in [phys_low, phys_high). */
    hwaddr phys_low, phys_high;  /* both 0 = no limit */
    LoaderWriteFn write;         /* NULL = loader_write_rom on address_space_memory */
    void *write_opaque;
} ElfLoadOpts;

typedef struct ElfLoadInfo {
    uint64_t entry;              /* e_entry, untranslated (a virtual address) */
    hwaddr phys_low, phys_high;  /* extent [low, high) of what was loaded */
    uint8_t data;                /* ELF_DATA_* of the file */
    uint16_t machine;
    unsigned nr_segments;        /* PT_LOAD segments with memsz > 0 */
} ElfLoadInfo;

/* Validate and load an ELF32 image held in memory (segments are slices of file:
 * a ROM blob writer keeps them without a copy). */
bool load_elf32_bytes(GBytes *file, const ElfLoadOpts *opts, ElfLoadInfo *info,
                      GError **errp);
/* Same from a plain buffer (copied once). */
bool load_elf32_buf(const uint8_t *data, size_t len, const ElfLoadOpts *opts,
                    ElfLoadInfo *info, GError **errp);
/* Same, from a file. */
bool load_elf32(const char *filename, const ElfLoadOpts *opts, ElfLoadInfo *info,
                GError **errp);
/* Is this buffer an ELF file at all (magic only)? */
bool loader_is_elf(const uint8_t *data, size_t len);

/* Read a whole file (at most max_size bytes, else an error). g_free(*data) after. */
bool load_file(const char *filename, uint64_t max_size, uint8_t **data, size_t *len,
               GError **errp);
/* The same as GBytes (NULL on error): ROM blobs can share it instead of copying. */
GBytes *load_file_bytes(const char *filename, uint64_t max_size, GError **errp);
/* Raw image at guest physical addr, at most max_size bytes; returns its size in *size. */
bool load_image_targphys(const char *filename, hwaddr addr, uint64_t max_size,
                         uint64_t *size, LoaderWriteFn write, void *write_opaque,
                         GError **errp);

/* Write into ROM or RAM of an address space (opaque = AddressSpace *, NULL = memory). */
bool loader_write_rom(void *opaque, hwaddr addr, GBytes *data, size_t zero_len,
                      GError **errp);

/* ROM blobs: copied into the address space now and again by rom_reset_all(). */
bool rom_add_blob(const char *name, struct AddressSpace *as, hwaddr addr,
                  const void *data, size_t len, GError **errp);
/* The same keeping a reference to data (no copy), with zero_len zero bytes after it;
 * the zeros are not stored, and RAM that is zero already is not written. */
bool rom_add_bytes(const char *name, struct AddressSpace *as, hwaddr addr, GBytes *data,
                   size_t zero_len, GError **errp);
/* A LoaderWriteFn that registers a blob (opaque = AddressSpace *, NULL = memory). */
bool loader_write_rom_blob(void *opaque, hwaddr addr, GBytes *data, size_t zero_len,
                           GError **errp);
/* Re-write every blob (machine reset). */
void rom_reset_all(void);
/* Forget every blob (tests, machine teardown). */
void rom_free_all(void);
/* info roms */
void rom_info(FILE *f);

#endif
