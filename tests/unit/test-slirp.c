/*
 * Unit tests for net/slirp.c: the user back end answers ARP for the gateway and
 * DHCP with 10.0.2.15 (or what net=/dhcpstart= say), forwards guest UDP to the
 * host loopback unless restrict=on, accepts host connections on hostfwd ports
 * through the main loop (the GSource polling slirp's sockets) and turns them into
 * a SYN to the guest, and rejects bad options and rules.
 * Only loopback addresses are used.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <poll.h>
#include "net/net.h"
#include "net/slirp.h"
#include "sysemu/runstate.h"

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static GPtrArray *got;                 /* frames slirp sent to the "guest" */
static NetClientState *guest;

static size_t guest_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    g_ptr_array_add(got, g_bytes_new(buf, len));
    return len;
}

static const NetClientInfo guest_info = {
    .type = "nic", .kind = NET_CLIENT_NIC, .receive = guest_receive,
};

static NetClientState *make_user(const char *opts)
{
    GError *err = NULL;
    char *full = g_strdup_printf("user,id=u0%s%s", *opts ? "," : "", opts);
    NetClientState *be;

    /* The guest side is a NIC, which receives only while the VM runs. */
    vm_start();
    cr_assert(net_netdev_add(full, &err), "%s", err ? err->message : "");
    g_free(full);
    be = net_client_find("u0");
    got = g_ptr_array_new();
    guest = net_client_new(&guest_info, "guest", NULL, &err);
    cr_assert(net_client_connect(guest, be, &err));
    return be;
}

static uint16_t ip_sum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < len; i += 2) {
        s += (p[i] << 8) | p[i + 1];
    }
    if (len & 1) {
        s += p[len - 1] << 8;
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return ~s;
}

/* Ethernet + IPv4 + UDP from the guest; returns the frame length. */
static size_t build_udp(uint8_t *f, const uint8_t *dmac, const char *src, const char *dst,
                        uint16_t sport, uint16_t dport, const void *data, size_t dlen)
{
    uint8_t *ip = f + 14, *udp = ip + 20;
    struct in_addr a;
    uint16_t sum;

    memcpy(f, dmac, 6);
    memcpy(f + 6, guest_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (20 + 8 + dlen) >> 8;
    ip[3] = (20 + 8 + dlen) & 0xff;
    ip[8] = 64;
    ip[9] = 17;
    inet_pton(AF_INET, src, &a);
    memcpy(ip + 12, &a, 4);
    inet_pton(AF_INET, dst, &a);
    memcpy(ip + 16, &a, 4);
    sum = ip_sum(ip, 20);
    ip[10] = sum >> 8;
    ip[11] = sum & 0xff;
    udp[0] = sport >> 8;
    udp[1] = sport & 0xff;
    udp[2] = dport >> 8;
    udp[3] = dport & 0xff;
    udp[4] = (8 + dlen) >> 8;
    udp[5] = (8 + dlen) & 0xff;
    udp[6] = udp[7] = 0;               /* no checksum (allowed for IPv4) */
    memcpy(udp + 8, data, dlen);
    return 14 + 20 + 8 + dlen;
}

static void send_arp_request(const char *target)
{
    uint8_t f[42];
    struct in_addr a;

    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    f[14] = 0; f[15] = 1;              /* Ethernet */
    f[16] = 0x08; f[17] = 0x00;        /* IPv4 */
    f[18] = 6; f[19] = 4;
    f[20] = 0; f[21] = 1;              /* request */
    memcpy(f + 22, guest_mac, 6);
    inet_pton(AF_INET, "10.0.2.15", &a);
    memcpy(f + 28, &a, 4);
    memset(f + 32, 0, 6);
    inet_pton(AF_INET, target, &a);
    memcpy(f + 38, &a, 4);
    net_send(guest, f, sizeof(f));
}

static const uint8_t *frame(guint i, size_t *len)
{
    gsize n;
    const uint8_t *p = g_bytes_get_data(g_ptr_array_index(got, i), &n);

    *len = n;
    return p;
}

Test(slirp, answers_arp_for_the_gateway_and_dns)
{
    size_t len;
    const uint8_t *f;
    struct in_addr a;

    make_user("");
    send_arp_request("10.0.2.2");
    cr_assert_eq(got->len, 1);
    f = frame(0, &len);
    cr_assert_geq(len, 42);
    cr_assert_arr_eq(f, guest_mac, 6);
    cr_assert_eq(f[12], 0x08);
    cr_assert_eq(f[13], 0x06);
    cr_assert_eq(f[21], 2, "reply");
    inet_pton(AF_INET, "10.0.2.2", &a);
    cr_assert_arr_eq(f + 28, &a, 4);
    send_arp_request("10.0.2.3");
    cr_assert_eq(got->len, 2);
    /* Nobody at .77: no answer. */
    send_arp_request("10.0.2.77");
    cr_assert_eq(got->len, 2);
}

/* A DHCPDISCOVER; returns the yiaddr of the offer (0 if none came). */
static uint32_t dhcp_discover(void)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t bootp[300] = { 0 }, f[400];
    size_t len;

    bootp[0] = 1;                      /* BOOTREQUEST */
    bootp[1] = 1;
    bootp[2] = 6;
    bootp[4] = 0x12;                   /* xid */
    memcpy(bootp + 28, guest_mac, 6);
    bootp[236] = 99; bootp[237] = 130; bootp[238] = 83; bootp[239] = 99;
    bootp[240] = 53; bootp[241] = 1; bootp[242] = 1;     /* DHCPDISCOVER */
    bootp[243] = 255;
    len = build_udp(f, bcast, "0.0.0.0", "255.255.255.255", 68, 67, bootp, sizeof(bootp));
    net_send(guest, f, len);
    for (guint i = 0; i < got->len; i++) {
        const uint8_t *r = frame(i, &len);

        if (len > 14 + 20 + 8 + 20 && r[12] == 0x08 && r[13] == 0 && r[23] == 17 &&
            r[14 + 20 + 1] == 67 && r[14 + 20 + 3] == 68) {
            return ldl_le_p(r + 14 + 20 + 8 + 16);
        }
    }
    return 0;
}

Test(slirp, dhcp_offers_the_first_lease)
{
    struct in_addr a;

    make_user("");
    inet_pton(AF_INET, "10.0.2.15", &a);
    cr_assert_eq(dhcp_discover(), a.s_addr);
}

Test(slirp, dhcp_follows_net_and_dhcpstart)
{
    struct in_addr a;

    make_user("net=192.168.76.0/24,dhcpstart=192.168.76.9");
    inet_pton(AF_INET, "192.168.76.9", &a);
    cr_assert_eq(dhcp_discover(), a.s_addr);
}

/* A UDP socket on the host loopback; returns its port. */
static int host_udp(int *port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    *port = ntohs(sa.sin_port);
    return fd;
}

static ssize_t host_udp_wait(int fd, char *buf, size_t len)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    if (poll(&p, 1, 500) <= 0) {
        return -1;
    }
    return recv(fd, buf, len, 0);
}

static void guest_udp_to_host(int port)
{
    uint8_t f[200], gw_mac[6];
    size_t len;

    /* Learn the gateway's MAC the way a guest would. */
    send_arp_request("10.0.2.2");
    memcpy(gw_mac, frame(got->len - 1, &len) + 6, 6);
    len = build_udp(f, gw_mac, "10.0.2.15", "10.0.2.2", 4444, port, "ping!", 5);
    net_send(guest, f, len);
}

Test(slirp, guest_udp_reaches_the_host_loopback)
{
    int port, fd = host_udp(&port);
    char buf[16];

    make_user("");
    guest_udp_to_host(port);
    cr_assert_eq(host_udp_wait(fd, buf, sizeof(buf)), 5);
    cr_assert_eq(memcmp(buf, "ping!", 5), 0);
    close(fd);
}

Test(slirp, restrict_on_keeps_the_guest_in)
{
    int port, fd = host_udp(&port);
    char buf[16];

    make_user("restrict=on");
    guest_udp_to_host(port);
    cr_assert_eq(host_udp_wait(fd, buf, sizeof(buf)), -1, "nothing left the guest");
    close(fd);
}

static int free_tcp_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

Test(slirp, hostfwd_connection_becomes_a_syn_to_the_guest)
{
    int port = free_tcp_port(), fd;
    char *opt = g_strdup_printf("hostfwd=tcp:127.0.0.1:%d-:80,restrict=on", port);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    bool syn = false;
    char *text = NULL;
    size_t textlen = 0;
    FILE *mf;

    make_user(opt);
    send_arp_request("10.0.2.2");      /* slirp learns our MAC from the request */
    g_ptr_array_set_size(got, 0);
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
                 "the forwarded port listens");
    /* slirp accepts from the main loop, then opens the connection to the guest. */
    for (int i = 0; i < 200 && !syn; i++) {
        main_loop_wait(10 * 1000 * 1000);
        for (guint k = 0; k < got->len; k++) {
            size_t len;
            const uint8_t *f = frame(k, &len);

            if (len >= 14 + 20 + 20 && f[12] == 0x08 && f[13] == 0 && f[23] == 6 &&
                f[14 + 20 + 2] == 0 && f[14 + 20 + 3] == 80 && (f[14 + 20 + 13] & 0x02)) {
                syn = true;
            }
        }
    }
    cr_assert(syn, "a SYN to 10.0.2.15:80 came out of slirp");
    mf = open_memstream(&text, &textlen);
    net_info(mf);
    fclose(mf);
    cr_assert_not_null(strstr(text, "restrict=on"));
    cr_assert_not_null(strstr(text, "hostfwd=tcp:127.0.0.1:"));
    free(text);
    close(fd);
    g_free(opt);
}

Test(slirp, hostfwd_add_and_remove)
{
    GError *err = NULL;
    int port = free_tcp_port();
    char *spec = g_strdup_printf("tcp:127.0.0.1:%d-:22", port);
    char *key = g_strdup_printf("tcp:127.0.0.1:%d", port);

    make_user("");
    cr_assert(net_slirp_hostfwd_add(NULL, spec, &err), "%s", err ? err->message : "");
    cr_assert_not(net_slirp_hostfwd_add("u0", spec, &err), "port taken");
    g_clear_error(&err);
    cr_assert(net_slirp_hostfwd_remove("u0", key, &err), "%s", err ? err->message : "");
    cr_assert_not(net_slirp_hostfwd_remove("u0", key, &err), "already gone");
    g_clear_error(&err);
    cr_assert(net_slirp_hostfwd_add("u0", spec, &err), "free again");
    cr_assert_not(net_slirp_hostfwd_add("guest", spec, &err), "not a user back end");
    g_clear_error(&err);
    {
        char *uspec = g_strdup_printf("udp:127.0.0.1:%d-10.0.2.15:53", port);
        char *ukey = g_strdup_printf("udp:127.0.0.1:%d", port);

        cr_assert(net_slirp_hostfwd_add("u0", uspec, &err), "%s", err ? err->message : "");
        cr_assert(net_slirp_hostfwd_remove("u0", ukey, &err));
        g_free(uspec);
        g_free(ukey);
    }
    cr_assert_not(net_slirp_hostfwd_add(NULL, "tcp:127.0.0.1:x-:22", &err));
    g_clear_error(&err);
    cr_assert_not(net_slirp_hostfwd_add(NULL, "tcp:127.0.0.1:1234", &err));
    g_clear_error(&err);
    cr_assert_not(net_slirp_hostfwd_add(NULL, "tcp:127.0.0.1:1234-:0", &err));
    g_clear_error(&err);
    cr_assert_not(net_slirp_hostfwd_add(NULL, "tcp:1.2.3:1234-:22", &err));
    g_clear_error(&err);
    g_free(spec);
    g_free(key);
}

Test(slirp, bad_options_are_refused)
{
    static const char *const bad[] = {
        "user,id=x,net=10.0.2.0/33", "user,id=x,net=foo", "user,id=x,restrict=maybe",
        "user,id=x,dhcpstart=192.168.1.5", "user,id=x,frobnicate=1",
        "user,id=x,hostfwd=tcp:127.0.0.1:99999-:22", "user,id=x,host=10.0.3.2",
    };
    GError *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        cr_assert_not(net_netdev_add(bad[i], &err), "%s accepted", bad[i]);
        cr_assert_not_null(err);
        g_clear_error(&err);
        cr_assert_null(net_client_find("x"));
    }
    cr_assert(net_netdev_add("user,id=x,net=10.9.0.0/255.255.0.0,restrict=on", &err));
}
