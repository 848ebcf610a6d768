/*
 * Networking core: client pairs, the per-client queue of frames waiting to be taken
 * (flow control towards a NIC whose receive ring is full), the -netdev / -nic
 * options, the table of NICs boards create, set_link and info network.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "net/net.h"
#include "sysemu/runstate.h"
#include "net/slirp.h"

static void net_vm_running(void *opaque);

static GPtrArray *net_clients;         /* every client, in creation order */
static GPtrArray *net_nics;            /* NICInfo * */
static bool net_nic_none;              /* -nic none */
static bool net_user_asked;            /* any -netdev or -nic given */
static int net_nic_serial;

NetClientState *net_client_new(const NetClientInfo *info, const char *name, void *opaque,
                               GError **errp)
{
    NetClientState *nc;

    if (!name || !*name) {
        error_setg(errp, "a network client needs a name");
        return NULL;
    }
    if (net_client_find(name)) {
        error_setg(errp, "duplicate network client id '%s'", name);
        return NULL;
    }
    if (!net_clients) {
        net_clients = g_ptr_array_new();
        qemu_register_run_notifier(net_vm_running, NULL);
    }
    nc = g_new0(NetClientState, 1);
    nc->info = info;
    nc->name = g_strdup(name);
    nc->opaque = opaque;
    nc->incoming = g_queue_new();
    g_ptr_array_add(net_clients, nc);
    return nc;
}

static void net_frame_free(gpointer p)
{
    g_byte_array_unref(p);
}

void net_client_purge(NetClientState *nc)
{
    g_queue_clear_full(nc->incoming, net_frame_free);
}

void net_client_free(NetClientState *nc)
{
    if (!nc) {
        return;
    }
    if (nc->peer) {
        nc->peer->peer = NULL;
        net_client_purge(nc->peer);
    }
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    net_client_purge(nc);
    g_queue_free(nc->incoming);
    g_ptr_array_remove(net_clients, nc);
    g_free(nc->name);
    g_free(nc);
}

NetClientState *net_client_find(const char *name)
{
    for (guint i = 0; net_clients && i < net_clients->len; i++) {
        NetClientState *nc = g_ptr_array_index(net_clients, i);

        if (strcmp(nc->name, name) == 0) {
            return nc;
        }
    }
    return NULL;
}

bool net_client_connect(NetClientState *a, NetClientState *b, GError **errp)
{
    if (a == b) {
        error_setg(errp, "cannot connect '%s' to itself", a->name);
        return false;
    }
    if (a->peer || b->peer) {
        error_setg(errp, "'%s' is already in use", a->peer ? a->name : b->name);
        return false;
    }
    a->peer = b;
    b->peer = a;
    return true;
}

/*
 * A guest NIC takes no frame while the VM is stopped: receiving writes guest RAM
 * and raises interrupts, which would change a stopped machine (a snapshot taken
 * then would not be the machine that was stopped). Frames wait in the queue and
 * go in when the VM runs again.
 */
static bool net_client_ready(NetClientState *nc)
{
    if (nc->info->kind == NET_CLIENT_NIC && !runstate_is_running()) {
        return false;
    }
    return !nc->info->can_receive || nc->info->can_receive(nc);
}

static void net_vm_running(void *opaque)
{
    for (guint i = 0; net_clients && i < net_clients->len; i++) {
        NetClientState *nc = g_ptr_array_index(net_clients, i);

        if (nc->info->kind == NET_CLIENT_NIC) {
            net_client_flush(nc);
        }
    }
}

/* Hand one frame to nc now; false if it refused (not consumed). */
static bool net_deliver(NetClientState *nc, const uint8_t *buf, size_t len)
{
    if (!net_client_ready(nc) || nc->info->receive(nc, buf, len) == 0) {
        return false;
    }
    nc->rx_frames++;
    return true;
}

bool net_send(NetClientState *nc, const uint8_t *buf, size_t len)
{
    NetClientState *peer = nc->peer;
    GByteArray *frame;

    if (len == 0 || len > NET_MAX_FRAME) {
        return false;
    }
    nc->tx_frames++;
    /* A pulled cable (either end) loses the frame, as the wire would. */
    if (!peer || nc->link_down || peer->link_down) {
        nc->dropped++;
        return false;
    }
    /* Keep order: only bypass the queue when nothing is waiting already. */
    if (g_queue_is_empty(peer->incoming) && net_deliver(peer, buf, len)) {
        return true;
    }
    if (g_queue_get_length(peer->incoming) >= NET_QUEUE_LIMIT) {
        peer->dropped++;
        return false;
    }
    frame = g_byte_array_sized_new(len);
    g_byte_array_append(frame, buf, len);
    g_queue_push_tail(peer->incoming, frame);
    return true;
}

size_t net_client_flush(NetClientState *nc)
{
    GByteArray *frame;

    while ((frame = g_queue_peek_head(nc->incoming)) != NULL) {
        if (!net_deliver(nc, frame->data, frame->len)) {
            break;
        }
        g_queue_pop_head(nc->incoming);
        g_byte_array_unref(frame);
    }
    return g_queue_get_length(nc->incoming);
}

size_t net_client_queue_len(const NetClientState *nc)
{
    return g_queue_get_length(nc->incoming);
}

bool net_set_link(const char *name, bool up, GError **errp)
{
    NetClientState *nc = net_client_find(name);

    if (!nc) {
        error_setg(errp, "no network client named '%s'", name);
        return false;
    }
    nc->link_down = !up;
    if (nc->peer) {
        nc->peer->link_down = !up;
    }
    if (nc->info->link_status_changed) {
        nc->info->link_status_changed(nc);
    }
    if (nc->peer && nc->peer->info->link_status_changed) {
        nc->peer->info->link_status_changed(nc->peer);
    }
    return true;
}

static void net_info_one(FILE *f, NetClientState *nc, const char *indent)
{
    GString *s = g_string_new(NULL);

    if (nc->info->info_str) {
        nc->info->info_str(nc, s);
    }
    fprintf(f, "%s%s: type=%s%s%s%s, rx %" PRIu64 " tx %" PRIu64 " dropped %" PRIu64
            ", %u queued\n", indent, nc->name, nc->info->type, s->len ? ", " : "", s->str,
            nc->link_down ? ", link down" : "", nc->rx_frames, nc->tx_frames,
            nc->dropped, g_queue_get_length(nc->incoming));
    g_string_free(s, true);
}

void net_info(FILE *f)
{
    for (guint i = 0; net_clients && i < net_clients->len; i++) {
        NetClientState *nc = g_ptr_array_index(net_clients, i);

        /* Each pair once: NICs with their back end as the indented peer. */
        if (nc->info->kind == NET_CLIENT_NIC) {
            net_info_one(f, nc, "");
            if (nc->peer) {
                net_info_one(f, nc->peer, " \\ ");
            }
        } else if (!nc->peer) {
            net_info_one(f, nc, "");
        }
    }
}

/* ---- command line ---- */

/* Make a back end of type from "k=v" words (id already taken out). */
static NetClientState *net_backend_new(const char *type, const char *id, char **opts,
                                       GError **errp)
{
    if (strcmp(type, "user") == 0) {
        return net_slirp_new(id, opts, errp);
    }
    if (strcmp(type, "tap") == 0 || strcmp(type, "bridge") == 0 ||
        strcmp(type, "socket") == 0 || strcmp(type, "l2tpv3") == 0) {
        error_setg(errp, "network back end '%s' is not supported (only 'user')", type);
    } else {
        error_setg(errp, "unknown network back end '%s' (use 'user')", type);
    }
    return NULL;
}

/* Split "type,k=v,..." and take out the keys in take[] (values returned, g_free). */
static char **net_split(const char *opts, char **type, const char *const *take,
                        char **taken)
{
    char **parts = g_strsplit(opts, ",", -1);
    GPtrArray *rest = g_ptr_array_new();

    *type = g_strdup(parts[0] ? parts[0] : "");
    for (int i = 1; parts[0] && parts[i]; i++) {
        bool used = false;

        for (int k = 0; take[k]; k++) {
            size_t n = strlen(take[k]);

            if (strncmp(parts[i], take[k], n) == 0 && parts[i][n] == '=') {
                g_free(taken[k]);
                taken[k] = g_strdup(parts[i] + n + 1);
                used = true;
            }
        }
        if (!used && parts[i][0]) {
            g_ptr_array_add(rest, g_strdup(parts[i]));
        }
    }
    g_ptr_array_add(rest, NULL);
    g_strfreev(parts);
    return (char **)g_ptr_array_free(rest, false);
}

bool net_netdev_add(const char *opts, GError **errp)
{
    static const char *const take[] = { "id", NULL };
    char *taken[2] = { NULL, NULL };
    char *type;
    char **rest = net_split(opts, &type, take, taken);
    bool ok = false;

    if (!taken[0] || !*taken[0]) {
        error_setg(errp, "-netdev %s: id= is required", opts);
    } else {
        ok = net_backend_new(type, taken[0], rest, errp) != NULL;
    }
    net_user_asked = true;
    g_free(type);
    g_free(taken[0]);
    g_strfreev(rest);
    return ok;
}

bool net_nic_add(const char *opts, GError **errp)
{
    static const char *const take[] = { "model", "mac", "id", NULL };
    char *taken[4] = { NULL, NULL, NULL, NULL };
    char *type, *id = NULL;
    char **rest = net_split(opts, &type, take, taken);
    NetClientState *be;
    bool ok = false;
    uint8_t mac[NET_ETH_ALEN];

    net_user_asked = true;
    if (strcmp(type, "none") == 0) {
        net_nic_none = true;
        ok = true;
        goto out;
    }
    if (taken[1] && !net_parse_macaddr(taken[1], mac)) {
        error_setg(errp, "-nic: invalid mac address '%s'", taken[1]);
        goto out;
    }
    id = taken[2] ? g_strdup(taken[2]) : g_strdup_printf("__nic%d", net_nic_serial);
    be = net_backend_new(type, id, rest, errp);
    if (be) {
        NICInfo *ni = g_new0(NICInfo, 1);

        ni->model = taken[0];
        ni->macaddr = taken[1];
        taken[0] = taken[1] = NULL;
        ni->backend = be;
        if (!net_nics) {
            net_nics = g_ptr_array_new();
        }
        g_ptr_array_add(net_nics, ni);
        net_nic_serial++;
        ok = true;
    }
out:
    g_free(id);
    g_free(type);
    for (int k = 0; k < 3; k++) {
        g_free(taken[k]);
    }
    g_strfreev(rest);
    return ok;
}

bool net_init_defaults(bool nodefaults, GError **errp)
{
    if (nodefaults || net_nic_none || net_user_asked) {
        return true;
    }
    if (!net_nic_add("user", errp)) {
        return false;
    }
    net_nic_get(net_nic_count() - 1)->is_default = true;
    return true;
}

int net_nic_count(void)
{
    return (net_nics && !net_nic_none) ? (int)net_nics->len : 0;
}

NICInfo *net_nic_get(int index)
{
    if (index < 0 || index >= net_nic_count()) {
        return NULL;
    }
    return g_ptr_array_index(net_nics, index);
}

void net_check_clients(void)
{
    for (int i = 0; i < net_nic_count(); i++) {
        NICInfo *ni = net_nic_get(i);

        if (!ni->used && ni->is_default) {
            net_client_free(ni->backend);
            ni->backend = NULL;
        } else if (!ni->used) {
            error_report("warning: -nic %s: this board has no place for this NIC",
                        ni->model ? ni->model : "(default model)");
        }
    }
    for (guint i = 0; net_clients && i < net_clients->len; i++) {
        NetClientState *nc = g_ptr_array_index(net_clients, i);

        if (nc->info->kind == NET_CLIENT_BACKEND && !nc->peer) {
            error_report("warning: netdev %s is not connected to any device", nc->name);
        }
    }
}

bool net_parse_macaddr(const char *s, uint8_t mac[NET_ETH_ALEN])
{
    for (int i = 0; i < NET_ETH_ALEN; i++) {
        char *end;
        unsigned long v;

        if (!g_ascii_isxdigit(s[0])) {
            return false;
        }
        v = strtoul(s, &end, 16);
        if (v > 0xff || end - s > 2 || (i < 5 && *end != ':' && *end != '-') ||
            (i == 5 && *end)) {
            return false;
        }
        mac[i] = v;
        s = end + (i < 5);
    }
    return true;
}

uint32_t net_crc32_le(const uint8_t *buf, size_t len)
{
    static uint32_t table[256];
    uint32_t crc = 0xffffffff;

    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;

            for (int k = 0; k < 8; k++) {
                c = (c & 1) ? (c >> 1) ^ 0xedb88320 : c >> 1;
            }
            table[i] = c;
        }
    }
    for (size_t i = 0; i < len; i++) {
        crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    }
    return crc;
}
