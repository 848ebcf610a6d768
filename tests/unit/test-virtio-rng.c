/*
 * Unit tests for hw/virtio/virtio-rng.c and softmmu/rng.c: the PCI identity and
 * capabilities (no device-configuration capability: Linux refuses one of length
 * 0), buffers filled from the built-in source, a rng-random source with nothing
 * to give leaving requests in the ring until it has, max-bytes per period, and
 * -object errors.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-rng.h"
#include "qemu/timer.h"
#include "sysemu/rng.h"
#include "hw/qdev.h"
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include "sysemu/runstate.h"
#include "migration/vmstate.h"
#include "../../softmmu/internal.h"

#define RAM_SIZE (1 << 20)
#define RING 0x10000
#define QNUM 8
#define AVAIL (RING + 16 * QNUM)
#define USED QEMU_ALIGN_UP(AVAIL + 4 + 2 * QNUM + 2, 4096)
#define BUF(i) (0x40000 + 0x1000 * (i))

static MemoryRegion ram;
static VirtIOPCIProxy *dev;
static int irq_level;

static void wr16(uint64_t a, uint16_t v) { uint8_t b[2]; stw_le_p(b, v); address_space_write(&address_space_memory, a, b, 2); }
static void wr32(uint64_t a, uint32_t v) { uint8_t b[4]; stl_le_p(b, v); address_space_write(&address_space_memory, a, b, 4); }
static void wr64(uint64_t a, uint64_t v) { uint8_t b[8]; stq_le_p(b, v); address_space_write(&address_space_memory, a, b, 8); }
static uint16_t rd16(uint64_t a) { uint8_t b[2]; address_space_read(&address_space_memory, a, b, 2); return lduw_le_p(b); }
static uint32_t rd32(uint64_t a) { uint8_t b[4]; address_space_read(&address_space_memory, a, b, 4); return ldl_le_p(b); }

static void bus_irq(void *opaque, int n, int level)
{
    irq_level = level;
}

static int map_irq(PCIDevice *d, int pin)
{
    return 0;
}

/* A virtio-rng-pci with these -device properties ("" for none). */
static void make_dev(const char *props)
{
    static MemoryRegion pmem, pio;
    g_autoptr(GPtrArray) opts = g_ptr_array_new_with_free_func(g_free);
    static const int slots[] = { 4 };
    GError *err = NULL;
    PCIBus *bus;

    cr_assert(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_init(&pmem, "pci-mem", 1ULL << 32);
    memory_region_init(&pio, "pci-io", 65536);
    bus = pci_bus_new("pci", &pmem, &pio);
    pci_bus_irqs(bus, bus_irq, map_irq, NULL, 1);
    g_ptr_array_add(opts, g_strdup_printf("virtio-rng-pci%s", props));
    cr_assert(pci_create_user_devices(bus, opts, slots, 1, &err), "%s",
              err ? err->message : "");
    dev = (VirtIOPCIProxy *)bus->devices[PCI_DEVFN(4, 0)];
    cr_assert_not_null(dev);
    dev->pci.config[PCI_COMMAND] |= PCI_COMMAND_MASTER | PCI_COMMAND_IO;
    main_loop_init();
}

static void driver_init(void)
{
    virtio_pci_write(dev, VIRTIO_PCI_STATUS, 0, 1);
    virtio_pci_write(dev, VIRTIO_PCI_STATUS,
                     VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, 1);
    virtio_pci_write(dev, VIRTIO_PCI_QUEUE_SEL, 0, 2);
    cr_assert_eq(virtio_pci_read(dev, VIRTIO_PCI_QUEUE_NUM, 2), QNUM);
    virtio_pci_write(dev, VIRTIO_PCI_QUEUE_PFN, RING >> 12, 4);
    virtio_pci_write(dev, VIRTIO_PCI_STATUS, 7, 1);
}

/* Offer buffer i (len bytes, device-writable) and notify. */
static void request(int i, uint32_t len)
{
    uint16_t idx = rd16(AVAIL + 2);

    wr64(RING + 16 * i, BUF(i));
    wr32(RING + 16 * i + 8, len);
    wr16(RING + 16 * i + 12, VRING_DESC_F_WRITE);
    wr16(AVAIL + 4 + 2 * (idx % QNUM), i);
    wr16(AVAIL + 2, idx + 1);
    virtio_pci_write(dev, VIRTIO_PCI_QUEUE_NOTIFY, 0, 2);
}

static uint16_t used_idx(void)
{
    return rd16(USED + 2);
}

static uint32_t used_len(int n)
{
    return rd32(USED + 4 + 8 * n + 4);
}

Test(virtio_rng, identity_and_capabilities)
{
    uint8_t *cfg;
    int types = 0;

    make_dev("");
    cfg = dev->pci.config;
    cr_assert_eq(pci_get_word(cfg + PCI_VENDOR_ID), 0x1af4);
    cr_assert_eq(pci_get_word(cfg + PCI_DEVICE_ID), 0x1005);
    cr_assert_eq(pci_get_word(cfg + PCI_SUBSYSTEM_ID), 4, "virtio type: entropy");
    for (uint8_t at = cfg[PCI_CAPABILITY_LIST]; at; at = cfg[at + 1]) {
        cr_assert_neq(cfg[at + 3], 4, "no device-configuration capability");
        cr_assert_neq(ldl_le_p(cfg + at + 12), 0, "no capability of length 0");
        types |= 1 << cfg[at + 3];
    }
    cr_assert_eq(types, 0x0e, "common, notify, ISR");
}

Test(virtio_rng, builtin_fills_buffers)
{
    uint8_t a[64], b[64], zero[64] = { 0 };

    make_dev("");
    driver_init();
    request(0, 64);
    request(1, 64);
    cr_assert_eq(used_idx(), 2);
    cr_assert_eq(used_len(0), 64);
    cr_assert_eq(used_len(1), 64);
    cr_assert_eq(irq_level, 1);
    address_space_read(&address_space_memory, BUF(0), a, 64);
    address_space_read(&address_space_memory, BUF(1), b, 64);
    cr_assert(memcmp(a, zero, 64) != 0 && memcmp(a, b, 64) != 0, "random bytes");
}

Test(virtio_rng, source_without_data_waits)
{
    char fifo[64] = "/tmp/mimic-rng-XXXXXX";    /* room for the "/f" added below */
    g_autofree char *spec = NULL;
    uint8_t got[16];
    int w;

    cr_assert_not_null(mkdtemp(fifo));
    strcat(fifo, "/f");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    spec = g_strdup_printf("rng-random,id=r1,filename=%s", fifo);
    cr_assert(rng_object_add(spec, NULL));
    w = open(fifo, O_WRONLY | O_NONBLOCK);
    cr_assert_geq(w, 0);
    make_dev(",rng=r1");
    driver_init();
    request(0, 64);
    cr_assert_eq(used_idx(), 0, "nothing to give: the request waits in the ring");
    cr_assert_eq(write(w, "0123456789", 10), 10);
    for (int i = 0; i < 10 && used_idx() == 0; i++) {
        main_loop_wait(10 * 1000 * 1000);
    }
    cr_assert_eq(used_idx(), 1, "served once the source had data");
    cr_assert_eq(used_len(0), 10);
    address_space_read(&address_space_memory, BUF(0), got, 10);
    cr_assert_arr_eq(got, "0123456789", 10);
    close(w);
    unlink(fifo);
    *strrchr(fifo, '/') = '\0';
    rmdir(fifo);
}

Test(virtio_rng, max_bytes_per_period)
{
    make_dev(",max-bytes=100,period=1000");
    driver_init();
    clock_virtual_pause();         /* virtual time moves only when we say */
    clock_virtual_set(0);
    request(0, 64);
    request(1, 64);
    request(2, 64);
    cr_assert_eq(used_idx(), 2, "100 bytes this period: 64, then 36");
    cr_assert_eq(used_len(0), 64);
    cr_assert_eq(used_len(1), 36);
    clock_virtual_set(999 * 1000 * 1000);
    clock_virtual_resume();
    timers_run_expired();
    clock_virtual_pause();
    cr_assert_eq(used_idx(), 2, "still the same period");
    clock_virtual_set(1001 * 1000 * 1000);
    clock_virtual_resume();
    timers_run_expired();
    cr_assert_eq(used_idx(), 3, "the next period serves the waiting request");
    cr_assert_eq(used_len(2), 64);
}

Test(virtio_rng, bad_objects_and_properties)
{
    GError *err = NULL;
    static MemoryRegion pmem, pio;
    g_autoptr(GPtrArray) opts = g_ptr_array_new();
    static const int slots[] = { 5, 6 };
    PCIBus *bus;

    cr_assert_not(rng_object_add("memory-backend-ram,id=m,size=1G", &err));
    cr_assert_not_null(strstr(err->message, "unsupported object type"), "%s", err->message);
    g_clear_error(&err);
    cr_assert_not(rng_object_add("rng-random,filename=/dev/urandom", &err));
    cr_assert_not_null(strstr(err->message, "id= is required"), "%s", err->message);
    g_clear_error(&err);
    cr_assert_not(rng_object_add("rng-random,id=x,filename=/nonexistent/rng", &err));
    cr_assert_not_null(strstr(err->message, "cannot open"), "%s", err->message);
    g_clear_error(&err);
    cr_assert(rng_object_add("rng-builtin,id=dup", &err));
    cr_assert_not(rng_object_add("rng-builtin,id=dup", &err));
    cr_assert_not_null(strstr(err->message, "used twice"), "%s", err->message);
    g_clear_error(&err);

    memory_region_init(&pmem, "pci-mem", 1ULL << 32);
    memory_region_init(&pio, "pci-io", 65536);
    bus = pci_bus_new("pci", &pmem, &pio);
    g_ptr_array_add(opts, "virtio-rng-pci,rng=nosuch");
    cr_assert_not(pci_create_user_devices(bus, opts, slots, 1, &err));
    cr_assert_not_null(strstr(err->message, "no such object"), "%s", err->message);
    g_clear_error(&err);
    g_ptr_array_index(opts, 0) = "virtio-rng-pci,period=0";
    cr_assert_not(pci_create_user_devices(bus, opts, slots + 1, 1, &err));
    cr_assert_not_null(strstr(err->message, "above 0"), "%s", err->message);
    g_clear_error(&err);
}

/* A snapshot taken with the period's quota spent keeps it spent, and keeps the
 * refill: after loadvm the waiting request is served when the period ends. */
Test(virtio_rng, vmstate_keeps_quota_and_refill)
{
    GByteArray *ba = g_byte_array_new();
    const VMStateDescription *vmsd;
    GError *err = NULL;

    make_dev(",max-bytes=64,period=1000");
    vmsd = dev->pci.qdev.dc->vmsd;
    driver_init();
    clock_virtual_pause();
    clock_virtual_set(0);
    request(0, 64);
    request(1, 64);
    cr_assert_eq(used_idx(), 1);
    vmstate_save(vmsd, dev, ba);
    dev->pci.qdev.dc->reset(DEVICE(dev));
    cr_assert_eq(vmstate_load(vmsd, dev, ba->data, ba->len, NULL, &err), 0, "%s",
                 err ? err->message : "");
    cr_assert_eq(used_idx(), 1, "the quota is still spent after the load");
    clock_virtual_set(1001 * 1000 * 1000);
    clock_virtual_resume();
    timers_run_expired();
    cr_assert_eq(used_idx(), 2, "the loaded refill timer ends the period");
    g_byte_array_free(ba, true);
}
