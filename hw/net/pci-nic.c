/*
 * PCI network cards as boards create them: the registry of NIC models and the
 * creation of a NIC for a -nic request or a -device entry (see hw/net/pci-nic.h).
 */
#include "qemu/osdep.h"
#include "hw/net/pci-nic.h"

#define PCI_NIC_MAX_MODELS 8

static const PCIDeviceClass *pci_nic_models[PCI_NIC_MAX_MODELS];
static int pci_nic_nb_models;

void pci_nic_register_model(const PCIDeviceClass *pc)
{
    assert(pci_nic_nb_models < PCI_NIC_MAX_MODELS);
    pci_nic_models[pci_nic_nb_models++] = pc;
    pci_user_class_register(pc);    /* -device MODEL */
}

const PCIDeviceClass *pci_nic_find_model(const char *name)
{
    for (int i = 0; i < pci_nic_nb_models; i++) {
        if (strcmp(pci_nic_models[i]->parent.name, name) == 0) {
            return pci_nic_models[i];
        }
    }
    return NULL;
}

NetClientState *pci_nic_attach(PCIDevice *d, const char *model, const NetClientInfo *info,
                               const char *id, void *opaque, const char *mac_str,
                               const char *netdev, NetClientState *backend,
                               uint8_t mac[NET_ETH_ALEN], GError **errp)
{
    static const uint8_t def_mac[NET_ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    NetClientState *nc;

    if (!d->bus) {
        error_setg(errp, "%s: a PCI card needs a PCI bus (this board cannot place it)",
                   model);
        return NULL;
    }
    memcpy(mac, def_mac, NET_ETH_ALEN);
    if (mac_str && !net_parse_macaddr(mac_str, mac)) {
        error_setg(errp, "%s: invalid mac address '%s'", model, mac_str);
        return NULL;
    }
    if (netdev) {
        backend = net_client_find(netdev);
        if (!backend || backend->info->kind != NET_CLIENT_BACKEND) {
            error_setg(errp, "%s: no network back end '%s' (use -netdev)", model, netdev);
            return NULL;
        }
    }
    nc = net_client_new(info, id, opaque, errp);
    if (nc && backend && !net_client_connect(nc, backend, errp)) {
        net_client_free(nc);
        nc = NULL;
    }
    return nc;
}

static void pci_nic_list_models(GString *out)
{
    for (int i = 0; i < pci_nic_nb_models; i++) {
        g_string_append_printf(out, "%s%s", i ? ", " : "", pci_nic_models[i]->parent.name);
    }
}

PCIDevice *pci_nic_create(PCIBus *bus, const int *slots, int nslots, NICInfo *ni,
                          const char *default_model, GError **errp)
{
    const char *model = ni->model ? ni->model : default_model;
    const PCIDeviceClass *pc = pci_nic_find_model(model);
    PCIDevice *d;
    int devfn;

    if (!pc) {
        GString *known = g_string_new(NULL);

        pci_nic_list_models(known);
        error_setg(errp, "-nic model=%s: unknown NIC model (this board has: %s)", model,
                   known->str);
        g_string_free(known, true);
        return NULL;
    }
    devfn = pci_free_devfn(bus, slots, nslots);
    if (devfn < 0) {
        error_setg(errp, "no free PCI slot for NIC model %s", model);
        return NULL;
    }
    d = pci_new(bus, devfn, pc, NULL, errp);
    if (!d) {
        return NULL;
    }
    qdev_prop_set_ptr(DEVICE(d), "backend", ni->backend);
    if (ni->macaddr) {
        qdev_prop_set_string(DEVICE(d), "mac", ni->macaddr);
    }
    if (!qdev_realize(DEVICE(d), errp)) {
        return NULL;
    }
    ni->used = true;
    return d;
}
