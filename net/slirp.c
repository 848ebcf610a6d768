/*
 * The "user" network back end on libslirp (libslirp's own documentation and
 * libslirp.h describe its contract): slirp's sockets are polled by a GSource on
 * the main loop's GLib context, its timers are mimic timers, and frames pass to
 * and from the NIC through the networking core's queue.
 *
 * Not done: IPv6 (in6 is off), tftp/bootfile/smb, guestfwd, saving slirp's
 * connection state with the VM.
 */
#include "qemu/osdep.h"
#include <arpa/inet.h>
#include <libslirp.h>
#include "qemu/log.h"
#include "qemu/timer.h"
#include "sysemu/runstate.h"
#include "net/net.h"
#include "net/slirp.h"
#include "hw/qdev.h"

typedef struct NetSlirpState NetSlirpState;

typedef struct NetSlirpSource {
    GSource source;
    NetSlirpState *s;
} NetSlirpSource;

struct NetSlirpState {
    NetClientState *nc;
    Slirp *slirp;
    NetSlirpSource *src;
    GArray *pollfds;                   /* GPollFD, registered with src */
    uint32_t timeout_ms;               /* slirp's wish at the last fill */
    int64_t last_poll_ns;
    struct in_addr net, mask, host, dhcp, dns;
    bool restricted;
    char *hostname;
    GPtrArray *fwd_specs;              /* active hostfwd rules, for info network */
};

static GPtrArray *net_slirp_states;

/* ---- libslirp callbacks ---- */

static ssize_t net_slirp_send_packet(const void *buf, size_t len, void *opaque)
{
    NetSlirpState *s = opaque;

    net_send(s->nc, buf, len);
    return len;
}

static void net_slirp_guest_error(const char *msg, void *opaque)
{
    mimic_log_mask(LOG_GUEST_ERROR, "slirp: %s\n", msg);
}

static int64_t net_slirp_clock_get_ns(void *opaque)
{
    return clock_get_ns(CLOCK_REALTIME);
}

static void *net_slirp_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    return timer_new_ns(CLOCK_REALTIME, cb, cb_opaque);
}

static void net_slirp_timer_free(void *timer, void *opaque)
{
    timer_free(timer);
}

static void net_slirp_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    timer_mod(timer, expire_ms * 1000000);
}

static void net_slirp_register_poll_fd(int fd, void *opaque)
{
    /* Nothing: every fd slirp wants is reported by slirp_pollfds_fill. */
}

static void net_slirp_notify(void *opaque)
{
    qemu_notify_event();
}

static const SlirpCb net_slirp_cb = {
    .send_packet = net_slirp_send_packet,
    .guest_error = net_slirp_guest_error,
    .clock_get_ns = net_slirp_clock_get_ns,
    .timer_new = net_slirp_timer_new,
    .timer_free = net_slirp_timer_free,
    .timer_mod = net_slirp_timer_mod,
    .register_poll_fd = net_slirp_register_poll_fd,
    .unregister_poll_fd = net_slirp_register_poll_fd,
    .notify = net_slirp_notify,
};

/* ---- polling on the main loop ---- */

static int net_slirp_add_poll(int fd, int events, void *opaque)
{
    NetSlirpState *s = opaque;
    GPollFD pfd = { .fd = fd };

    if (events & SLIRP_POLL_IN) {
        pfd.events |= G_IO_IN;
    }
    if (events & SLIRP_POLL_OUT) {
        pfd.events |= G_IO_OUT;
    }
    if (events & SLIRP_POLL_PRI) {
        pfd.events |= G_IO_PRI;
    }
    if (events & SLIRP_POLL_ERR) {
        pfd.events |= G_IO_ERR;
    }
    if (events & SLIRP_POLL_HUP) {
        pfd.events |= G_IO_HUP;
    }
    g_array_append_val(s->pollfds, pfd);
    return s->pollfds->len - 1;
}

static int net_slirp_get_revents(int idx, void *opaque)
{
    NetSlirpState *s = opaque;
    GPollFD *pfd;
    int ev = 0;

    if (idx < 0 || (guint)idx >= s->pollfds->len) {
        return 0;
    }
    pfd = &g_array_index(s->pollfds, GPollFD, idx);
    if (pfd->revents & G_IO_IN) {
        ev |= SLIRP_POLL_IN;
    }
    if (pfd->revents & G_IO_OUT) {
        ev |= SLIRP_POLL_OUT;
    }
    if (pfd->revents & G_IO_PRI) {
        ev |= SLIRP_POLL_PRI;
    }
    if (pfd->revents & G_IO_ERR) {
        ev |= SLIRP_POLL_ERR;
    }
    if (pfd->revents & G_IO_HUP) {
        ev |= SLIRP_POLL_HUP;
    }
    return ev;
}

static gboolean net_slirp_prepare(GSource *source, gint *timeout)
{
    NetSlirpState *s = ((NetSlirpSource *)source)->s;

    /* The fd set changes with slirp's sockets: rebuild it for every poll. */
    for (guint i = 0; i < s->pollfds->len; i++) {
        g_source_remove_poll(source, &g_array_index(s->pollfds, GPollFD, i));
    }
    g_array_set_size(s->pollfds, 0);
    s->timeout_ms = UINT32_MAX;
    slirp_pollfds_fill(s->slirp, &s->timeout_ms, net_slirp_add_poll, s);
    /* Only now: appending may have moved the array. */
    for (guint i = 0; i < s->pollfds->len; i++) {
        g_source_add_poll(source, &g_array_index(s->pollfds, GPollFD, i));
    }
    *timeout = s->timeout_ms == UINT32_MAX ? -1 : (gint)MIN(s->timeout_ms, G_MAXINT);
    return s->timeout_ms == 0;
}

static gboolean net_slirp_check(GSource *source)
{
    NetSlirpState *s = ((NetSlirpSource *)source)->s;

    for (guint i = 0; i < s->pollfds->len; i++) {
        if (g_array_index(s->pollfds, GPollFD, i).revents) {
            return TRUE;
        }
    }
    /* slirp's TCP timers run inside slirp_pollfds_poll: call it when they are due. */
    return s->timeout_ms != UINT32_MAX &&
           clock_get_ns(CLOCK_REALTIME) - s->last_poll_ns >=
           (int64_t)s->timeout_ms * 1000000;
}

static gboolean net_slirp_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    NetSlirpState *s = ((NetSlirpSource *)source)->s;

    s->last_poll_ns = clock_get_ns(CLOCK_REALTIME);
    slirp_pollfds_poll(s->slirp, 0, net_slirp_get_revents, s);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs net_slirp_source_funcs = {
    .prepare = net_slirp_prepare,
    .check = net_slirp_check,
    .dispatch = net_slirp_dispatch,
};

/* ---- the client ---- */

static size_t net_slirp_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    NetSlirpState *s = nc->opaque;

    slirp_input(s->slirp, buf, (int)len);
    return len;
}

static void net_slirp_info_str(NetClientState *nc, GString *out)
{
    NetSlirpState *s = nc->opaque;
    char net[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &s->net, net, sizeof(net));
    inet_ntop(AF_INET, &s->mask, mask, sizeof(mask));
    g_string_append_printf(out, "net=%s/%s%s", net, mask,
                           s->restricted ? ", restrict=on" : "");
    for (guint i = 0; i < s->fwd_specs->len; i++) {
        g_string_append_printf(out, ", hostfwd=%s",
                               (char *)g_ptr_array_index(s->fwd_specs, i));
    }
}

static void net_slirp_cleanup(NetClientState *nc)
{
    NetSlirpState *s = nc->opaque;

    g_source_destroy(&s->src->source);
    g_source_unref(&s->src->source);
    slirp_cleanup(s->slirp);
    g_array_free(s->pollfds, true);
    g_ptr_array_free(s->fwd_specs, true);
    g_ptr_array_remove(net_slirp_states, s);
    g_free(s->hostname);
    g_free(s);
}

static const NetClientInfo net_slirp_info = {
    .type = "user",
    .kind = NET_CLIENT_BACKEND,
    .receive = net_slirp_receive,
    .info_str = net_slirp_info_str,
    .cleanup = net_slirp_cleanup,
};

/* ---- options ---- */

static bool net_slirp_parse_addr(const char *s, struct in_addr *out)
{
    return inet_pton(AF_INET, s, out) == 1;
}

/* "[tcp|udp]:[HOSTADDR]:HOSTPORT": protocol, address and port; rest points after. */
static bool net_slirp_parse_host_part(const char *spec, bool *udp, struct in_addr *addr,
                                      int *port, const char **rest, GError **errp)
{
    const char *p = spec, *colon;
    char *a, *end;
    long v;

    *udp = false;
    if (g_str_has_prefix(p, "tcp:")) {
        p += 4;
    } else if (g_str_has_prefix(p, "udp:")) {
        *udp = true;
        p += 4;
    } else if (*p == ':') {
        p++;
    }
    colon = strchr(p, ':');
    if (!colon) {
        error_setg(errp, "hostfwd '%s': expected [tcp|udp]:[hostaddr]:hostport", spec);
        return false;
    }
    a = g_strndup(p, colon - p);
    addr->s_addr = htonl(INADDR_ANY);
    if (*a && !net_slirp_parse_addr(a, addr)) {
        error_setg(errp, "hostfwd '%s': bad host address '%s'", spec, a);
        g_free(a);
        return false;
    }
    g_free(a);
    errno = 0;
    v = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || v < 0 || v > 65535) {
        error_setg(errp, "hostfwd '%s': bad host port", spec);
        return false;
    }
    *port = (int)v;
    *rest = end;
    return true;
}

static bool net_slirp_add_fwd(NetSlirpState *s, const char *spec, GError **errp)
{
    bool udp;
    struct in_addr haddr, gaddr = s->dhcp;
    int hport, gport;
    const char *rest, *colon;
    char *end;
    long v;

    if (!net_slirp_parse_host_part(spec, &udp, &haddr, &hport, &rest, errp)) {
        return false;
    }
    if (*rest != '-' || !(colon = strchr(rest + 1, ':'))) {
        error_setg(errp, "hostfwd '%s': expected ...-[guestaddr]:guestport", spec);
        return false;
    }
    if (colon > rest + 1) {
        char *a = g_strndup(rest + 1, colon - rest - 1);
        bool ok = net_slirp_parse_addr(a, &gaddr);

        g_free(a);
        if (!ok) {
            error_setg(errp, "hostfwd '%s': bad guest address", spec);
            return false;
        }
    }
    errno = 0;
    v = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || v < 1 || v > 65535) {
        error_setg(errp, "hostfwd '%s': bad guest port", spec);
        return false;
    }
    gport = (int)v;
    if (slirp_add_hostfwd(s->slirp, udp, haddr, hport, gaddr, gport) < 0) {
        error_setg(errp, "hostfwd '%s': could not set up the forwarding (%s)", spec,
                   g_strerror(errno ? errno : EADDRINUSE));
        return false;
    }
    g_ptr_array_add(s->fwd_specs, g_strdup(spec));
    return true;
}

static bool net_slirp_parse_net(const char *v, struct in_addr *net, struct in_addr *mask)
{
    char *slash = strchr(v, '/');
    char *a = g_strndup(v, slash ? (gsize)(slash - v) : strlen(v));
    bool ok = net_slirp_parse_addr(a, net);

    g_free(a);
    if (!ok) {
        return false;
    }
    if (slash) {
        char *end;
        long bits = strtol(slash + 1, &end, 10);

        if (*end == 0 && end != slash + 1) {
            if (bits < 8 || bits > 30) {
                return false;
            }
            mask->s_addr = htonl(0xffffffffu << (32 - bits));
        } else if (!net_slirp_parse_addr(slash + 1, mask)) {
            return false;
        }
    }
    net->s_addr &= mask->s_addr;
    return true;
}

NetClientState *net_slirp_new(const char *id, char **opts, GError **errp)
{
    NetSlirpState *s = g_new0(NetSlirpState, 1);
    SlirpConfig cfg = { .version = 4 };
    GPtrArray *fwds = g_ptr_array_new();
    bool host_given = false, dhcp_given = false, dns_given = false;
    uint32_t net, mask;

    inet_pton(AF_INET, "10.0.2.0", &s->net);
    inet_pton(AF_INET, "255.255.255.0", &s->mask);
    for (int i = 0; opts && opts[i]; i++) {
        char *eq = strchr(opts[i], '=');
        const char *k = opts[i], *v = eq ? eq + 1 : "";
        size_t klen = eq ? (size_t)(eq - k) : strlen(k);
        bool ok = true;

#define KEY(name) (klen == strlen(name) && strncmp(k, name, klen) == 0)
        if (KEY("hostfwd")) {
            g_ptr_array_add(fwds, (gpointer)v);
        } else if (KEY("net")) {
            ok = net_slirp_parse_net(v, &s->net, &s->mask);
        } else if (KEY("host")) {
            ok = host_given = net_slirp_parse_addr(v, &s->host);
        } else if (KEY("dhcpstart")) {
            ok = dhcp_given = net_slirp_parse_addr(v, &s->dhcp);
        } else if (KEY("dns")) {
            ok = dns_given = net_slirp_parse_addr(v, &s->dns);
        } else if (KEY("restrict")) {
            if (!*v) {
                s->restricted = true;
            } else if (!qdev_parse_bool(v, &s->restricted)) {
                ok = false;
            }
        } else if (KEY("hostname")) {
            g_free(s->hostname);
            s->hostname = g_strdup(v);
        } else if (KEY("ipv4")) {
            bool on;

            ok = qdev_parse_bool(v, &on) && on;
        } else {
            error_setg(errp, "-netdev user: unknown option '%.*s'", (int)klen, k);
            goto fail;
        }
#undef KEY
        if (!ok) {
            error_setg(errp, "-netdev user: bad value in '%s'", opts[i]);
            goto fail;
        }
    }

    /* Defaults relative to the network, as QEMU's: .2 host, .3 DNS, .15 first lease. */
    net = ntohl(s->net.s_addr);
    mask = ntohl(s->mask.s_addr);
    if (!host_given) {
        s->host.s_addr = htonl(net | 2);
    }
    if (!dns_given) {
        s->dns.s_addr = htonl(net | 3);
    }
    if (!dhcp_given) {
        s->dhcp.s_addr = htonl(net | 15);
    }
    if ((ntohl(s->host.s_addr) & mask) != net || (ntohl(s->dns.s_addr) & mask) != net ||
        (ntohl(s->dhcp.s_addr) & mask) != net) {
        error_setg(errp, "-netdev user: host, dns and dhcpstart must be inside net=");
        goto fail;
    }

    cfg.restricted = s->restricted;
    cfg.in_enabled = true;
    cfg.vnetwork = s->net;
    cfg.vnetmask = s->mask;
    cfg.vhost = s->host;
    cfg.vhostname = s->hostname;
    cfg.vdhcp_start = s->dhcp;
    cfg.vnameserver = s->dns;
    cfg.if_mtu = 1500;
    cfg.if_mru = 1500;
    s->pollfds = g_array_new(false, true, sizeof(GPollFD));
    s->fwd_specs = g_ptr_array_new_with_free_func(g_free);
    s->slirp = slirp_new(&cfg, &net_slirp_cb, s);
    if (!s->slirp) {
        error_setg(errp, "-netdev user: libslirp refused the configuration");
        goto fail;
    }
    s->nc = net_client_new(&net_slirp_info, id, s, errp);
    if (!s->nc) {
        slirp_cleanup(s->slirp);
        goto fail;
    }
    s->src = (NetSlirpSource *)g_source_new(&net_slirp_source_funcs,
                                            sizeof(NetSlirpSource));
    s->src->s = s;
    g_source_attach(&s->src->source, NULL);
    if (!net_slirp_states) {
        net_slirp_states = g_ptr_array_new();
    }
    g_ptr_array_add(net_slirp_states, s);
    for (guint i = 0; i < fwds->len; i++) {
        if (!net_slirp_add_fwd(s, g_ptr_array_index(fwds, i), errp)) {
            g_ptr_array_free(fwds, true);
            net_client_free(s->nc);
            return NULL;
        }
    }
    g_ptr_array_free(fwds, true);
    return s->nc;

fail:
    g_ptr_array_free(fwds, true);
    if (s->pollfds) {
        g_array_free(s->pollfds, true);
    }
    if (s->fwd_specs) {
        g_ptr_array_free(s->fwd_specs, true);
    }
    g_free(s->hostname);
    g_free(s);
    return NULL;
}

static NetSlirpState *net_slirp_lookup(const char *netdev, GError **errp)
{
    if (netdev) {
        NetClientState *nc = net_client_find(netdev);

        if (!nc || nc->info != &net_slirp_info) {
            error_setg(errp, "'%s' is not a user network back end", netdev);
            return NULL;
        }
        return nc->opaque;
    }
    if (!net_slirp_states || net_slirp_states->len == 0) {
        error_setg(errp, "there is no user network back end");
        return NULL;
    }
    if (net_slirp_states->len > 1) {
        error_setg(errp, "several user network back ends: name one");
        return NULL;
    }
    return g_ptr_array_index(net_slirp_states, 0);
}

bool net_slirp_hostfwd_add(const char *netdev, const char *spec, GError **errp)
{
    NetSlirpState *s = net_slirp_lookup(netdev, errp);

    return s && net_slirp_add_fwd(s, spec, errp);
}

bool net_slirp_hostfwd_remove(const char *netdev, const char *spec, GError **errp)
{
    NetSlirpState *s = net_slirp_lookup(netdev, errp);
    bool udp;
    struct in_addr haddr;
    int hport;
    const char *rest;

    if (!s || !net_slirp_parse_host_part(spec, &udp, &haddr, &hport, &rest, errp)) {
        return false;
    }
    if (*rest) {
        error_setg(errp, "hostfwd_remove '%s': expected [tcp|udp]:[hostaddr]:hostport",
                   spec);
        return false;
    }
    if (slirp_remove_hostfwd(s->slirp, udp, haddr, hport) < 0) {
        error_setg(errp, "no host forwarding rule for '%s'", spec);
        return false;
    }
    /* Forget the rule's text: any spec whose host part matches. */
    for (guint i = 0; i < s->fwd_specs->len; i++) {
        const char *fs = g_ptr_array_index(s->fwd_specs, i);
        bool fu;
        struct in_addr fa;
        int fp;
        const char *frest;

        if (net_slirp_parse_host_part(fs, &fu, &fa, &fp, &frest, NULL) && fu == udp &&
            fp == hport && fa.s_addr == haddr.s_addr) {
            g_ptr_array_remove_index(s->fwd_specs, i);
            break;
        }
    }
    return true;
}
