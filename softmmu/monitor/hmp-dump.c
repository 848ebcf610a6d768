/*
 * The monitor's memory dumps (x/FMT, xp/FMT, with /i through Capstone) and the key
 * names of sendkey. Output follows QEMU's: an address column, then 16 bytes a line
 * (8 for bytes), each value as the format asks.
 */
#include "qemu/osdep.h"
#include <ctype.h>
#include "monitor-internal.h"
#include "disas/disas.h"
#include "hw/core/cpu.h"

bool hmp_parse_format(const char *s, HmpDumpFormat *f, GError **errp)
{
    bool size_given = false;

    f->count = 1;
    f->format = 'x';
    f->size = 4;
    if (isdigit((unsigned char)*s)) {
        char *end;
        unsigned long n = strtoul(s, &end, 10);

        if (n == 0 || n > 1u << 20) {
            error_setg(errp, "invalid count '%.*s'", (int)(end - s), s);
            return false;
        }
        f->count = n;
        s = end;
    }
    for (; *s; s++) {
        switch (*s) {
        case 'x': case 'd': case 'u': case 'o': case 't': case 'c': case 'a': case 'i':
            f->format = *s;
            break;
        case 'b':
            f->size = 1;
            size_given = true;
            break;
        case 'h':
            f->size = 2;
            size_given = true;
            break;
        case 'w':
            f->size = 4;
            size_given = true;
            break;
        case 'g':
            f->size = 8;
            size_given = true;
            break;
        default:
            error_setg(errp, "invalid char in format: '%c'", *s);
            return false;
        }
    }
    if (!size_given && (f->format == 'c' || f->format == 'i')) {
        f->size = 1;
    }
    if (f->format == 'a') {
        f->size = 4;     /* both guests have 32-bit addresses */
    }
    return true;
}

static void hmp_print_char(FILE *out, uint8_t c)
{
    fputc('\'', out);
    switch (c) {
    case '\'':
        fputs("\\'", out);
        break;
    case '\\':
        fputs("\\\\", out);
        break;
    case '\n':
        fputs("\\n", out);
        break;
    case '\r':
        fputs("\\r", out);
        break;
    default:
        if (c >= 32 && c <= 126) {
            fputc(c, out);
        } else {
            fprintf(out, "\\x%02x", c);
        }
        break;
    }
    fputc('\'', out);
}

static void hmp_print_value(FILE *out, const HmpDumpFormat *f, uint64_t v)
{
    unsigned bits = f->size * 8;
    int digits;

    switch (f->format) {
    case 'o':
        digits = (bits + 2) / 3;
        fprintf(out, "%#*" PRIo64, digits, v);
        break;
    case 'u':
        digits = (bits * 10 + 32) / 33;
        fprintf(out, "%*" PRIu64, digits, v);
        break;
    case 'd': {
        int64_t sv = bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);

        digits = (bits * 10 + 32) / 33;
        fprintf(out, "%*" PRId64, digits, sv);
        break;
    }
    case 't':
        for (int i = bits - 1; i >= 0; i--) {
            fputc((v >> i) & 1 ? '1' : '0', out);
        }
        break;
    case 'c':
        hmp_print_char(out, v);
        break;
    default:    /* x, a */
        fprintf(out, "0x%0*" PRIx64, (int)(f->size * 2), v);
        break;
    }
}

static bool hmp_dump_insns(FILE *out, const HmpDumpFormat *f, uint64_t addr, bool is_phys)
{
    CPUState *cpu = first_cpu;
    size_t len = (size_t)f->count * 16;      /* longest x86 insn is 15 bytes */
    g_autofree uint8_t *buf = g_malloc(len);
    int mode;

    if (!cpu || !cpu->cc->disas_arch) {
        fprintf(out, "no disassembler for this CPU\n");
        return false;
    }
    /* Read as much as is mapped: the last instructions may run into a hole. */
    while (len > 0 && !hmp_read_memory(addr, buf, len, is_phys)) {
        len = len > 16 ? len - 16 : 0;
    }
    if (len == 0) {
        fprintf(out, "Cannot access memory\n");
        return false;
    }
    mode = cpu->cc->disas_mode;
    if (cpu->cc->disas_mode_now && cpu->cc->get_tb_cpu_state) {
        vaddr pc;
        uint32_t cs_base, flags;

        cpu->cc->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
        mode = cpu->cc->disas_mode_now(cpu, flags);
    }
    disas_print(out, cpu->cc->disas_arch, mode, buf, len, addr, f->count);
    return true;
}

bool hmp_memory_dump(FILE *out, const HmpDumpFormat *f, uint64_t addr, bool is_phys)
{
    size_t line_size = f->size == 1 ? 8 : 16;
    size_t total = (size_t)f->count * f->size;

    if (f->format == 'i') {
        return hmp_dump_insns(out, f, addr, is_phys);
    }
    while (total > 0) {
        size_t n = MIN(total, line_size);
        uint8_t buf[16];

        if (is_phys) {
            fprintf(out, "%016" PRIx64 ":", addr);
        } else {
            fprintf(out, "%08" PRIx64 ":", addr & 0xffffffffu);
        }
        if (!hmp_read_memory(addr, buf, n, is_phys)) {
            fprintf(out, " Cannot access memory\n");
            return false;
        }
        for (size_t i = 0; i < n; i += f->size) {
            uint64_t v = 0;

            /* Both guests are little-endian. */
            for (unsigned b = 0; b < f->size; b++) {
                v |= (uint64_t)buf[i + b] << (8 * b);
            }
            fputc(' ', out);
            hmp_print_value(out, f, v);
        }
        fputc('\n', out);
        addr += n;
        total -= n;
    }
    return true;
}

/* QEMU's key names with their PC scancodes (set 1; 0xe0xx = extended). */
static const struct {
    const char *name;
    int code;
} hmp_keys[] = {
    { "esc", 0x01 }, { "1", 0x02 }, { "2", 0x03 }, { "3", 0x04 }, { "4", 0x05 },
    { "5", 0x06 }, { "6", 0x07 }, { "7", 0x08 }, { "8", 0x09 }, { "9", 0x0a },
    { "0", 0x0b }, { "minus", 0x0c }, { "equal", 0x0d }, { "backspace", 0x0e },
    { "tab", 0x0f }, { "q", 0x10 }, { "w", 0x11 }, { "e", 0x12 }, { "r", 0x13 },
    { "t", 0x14 }, { "y", 0x15 }, { "u", 0x16 }, { "i", 0x17 }, { "o", 0x18 },
    { "p", 0x19 }, { "bracket_left", 0x1a }, { "bracket_right", 0x1b },
    { "ret", 0x1c }, { "ctrl", 0x1d }, { "a", 0x1e }, { "s", 0x1f }, { "d", 0x20 },
    { "f", 0x21 }, { "g", 0x22 }, { "h", 0x23 }, { "j", 0x24 }, { "k", 0x25 },
    { "l", 0x26 }, { "semicolon", 0x27 }, { "apostrophe", 0x28 },
    { "grave_accent", 0x29 }, { "shift", 0x2a }, { "backslash", 0x2b }, { "z", 0x2c },
    { "x", 0x2d }, { "c", 0x2e }, { "v", 0x2f }, { "b", 0x30 }, { "n", 0x31 },
    { "m", 0x32 }, { "comma", 0x33 }, { "dot", 0x34 }, { "slash", 0x35 },
    { "shift_r", 0x36 }, { "kp_multiply", 0x37 }, { "alt", 0x38 }, { "spc", 0x39 },
    { "caps_lock", 0x3a }, { "f1", 0x3b }, { "f2", 0x3c }, { "f3", 0x3d },
    { "f4", 0x3e }, { "f5", 0x3f }, { "f6", 0x40 }, { "f7", 0x41 }, { "f8", 0x42 },
    { "f9", 0x43 }, { "f10", 0x44 }, { "num_lock", 0x45 }, { "scroll_lock", 0x46 },
    { "kp_7", 0x47 }, { "kp_8", 0x48 }, { "kp_9", 0x49 }, { "kp_subtract", 0x4a },
    { "kp_4", 0x4b }, { "kp_5", 0x4c }, { "kp_6", 0x4d }, { "kp_add", 0x4e },
    { "kp_1", 0x4f }, { "kp_2", 0x50 }, { "kp_3", 0x51 }, { "kp_0", 0x52 },
    { "kp_decimal", 0x53 }, { "less", 0x56 }, { "f11", 0x57 }, { "f12", 0x58 },
    { "kp_enter", 0xe01c }, { "ctrl_r", 0xe01d }, { "kp_divide", 0xe035 },
    { "print", 0xe037 }, { "alt_r", 0xe038 }, { "home", 0xe047 }, { "up", 0xe048 },
    { "pgup", 0xe049 }, { "left", 0xe04b }, { "right", 0xe04d }, { "end", 0xe04f },
    { "down", 0xe050 }, { "pgdn", 0xe051 }, { "insert", 0xe052 },
    { "delete", 0xe053 }, { "meta_l", 0xe05b }, { "meta_r", 0xe05c },
    { "menu", 0xe05d },
};

int hmp_key_code(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(hmp_keys); i++) {
        if (!g_ascii_strcasecmp(hmp_keys[i].name, name)) {
            return hmp_keys[i].code;
        }
    }
    /* QEMU also takes raw codes: "0x1e". */
    if (name[0] == '0' && (name[1] == 'x' || name[1] == 'X') && name[2]) {
        char *end;
        unsigned long v = strtoul(name, &end, 16);

        if (!*end && v <= 0xe0ff) {
            return v;
        }
    }
    return -1;
}
