/*
 * Unit tests for net/net.c: client pairs, delivery and the queue that holds frames
 * a client cannot take yet (order kept, limit, purge), pulled links, names, the
 * -netdev / -nic options and the default NIC, MAC parsing, the Ethernet CRC.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "net/net.h"
#include "sysemu/runstate.h"

typedef struct TestClient {
    bool ready;
    GPtrArray *got;
    int link_events;
} TestClient;

static size_t tc_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    TestClient *t = nc->opaque;

    if (!t->ready) {
        return 0;
    }
    g_ptr_array_add(t->got, g_bytes_new(buf, len));
    return len;
}

static bool tc_can_receive(NetClientState *nc)
{
    return ((TestClient *)nc->opaque)->ready;
}

static void tc_link(NetClientState *nc)
{
    ((TestClient *)nc->opaque)->link_events++;
}

static const NetClientInfo tc_nic_info = {
    .type = "nic", .kind = NET_CLIENT_NIC, .receive = tc_receive,
    .can_receive = tc_can_receive, .link_status_changed = tc_link,
};
static const NetClientInfo tc_be_info = {
    .type = "test", .kind = NET_CLIENT_BACKEND, .receive = tc_receive,
    .link_status_changed = tc_link,
};

static TestClient ta, tb;
static NetClientState *a, *b;

static void setup(void)
{
    GError *err = NULL;

    /* A guest NIC receives only while the VM runs. */
    vm_start();
    ta = (TestClient) { .ready = true, .got = g_ptr_array_new() };
    tb = (TestClient) { .ready = true, .got = g_ptr_array_new() };
    a = net_client_new(&tc_nic_info, "a", &ta, &err);
    b = net_client_new(&tc_be_info, "b", &tb, &err);
    cr_assert(a && b);
    cr_assert(net_client_connect(a, b, &err));
}

TestSuite(net, .init = setup);

static uint8_t frame_id(GPtrArray *got, guint i)
{
    return ((const uint8_t *)g_bytes_get_data(g_ptr_array_index(got, i), NULL))[0];
}

Test(net, delivers_to_the_peer)
{
    uint8_t f[64] = { 7 };

    cr_assert(net_send(b, f, sizeof(f)));
    cr_assert_eq(ta.got->len, 1);
    cr_assert_eq(g_bytes_get_size(g_ptr_array_index(ta.got, 0)), 64);
    cr_assert(net_send(a, f, 10));
    cr_assert_eq(tb.got->len, 1);
    cr_assert_eq(a->rx_frames, 1);
    cr_assert_eq(a->tx_frames, 1);
    cr_assert_not(net_send(a, f, 0), "empty frames are refused");
}

Test(net, queue_holds_frames_in_order_until_flush)
{
    uint8_t f[1];

    ta.ready = false;
    for (int i = 0; i < 10; i++) {
        f[0] = i;
        cr_assert(net_send(b, f, 1));
    }
    cr_assert_eq(ta.got->len, 0);
    cr_assert_eq(net_client_queue_len(a), 10);
    /* Still not ready: flushing keeps them. */
    cr_assert_eq(net_client_flush(a), 10);
    ta.ready = true;
    /* A new frame may not overtake the waiting ones. */
    f[0] = 10;
    net_send(b, f, 1);
    cr_assert_eq(ta.got->len, 0);
    cr_assert_eq(net_client_flush(a), 0);
    cr_assert_eq(ta.got->len, 11);
    for (guint i = 0; i < 11; i++) {
        cr_assert_eq(frame_id(ta.got, i), i);
    }
}

Test(net, queue_limit_and_purge)
{
    uint8_t f[1] = { 0 };

    ta.ready = false;
    for (int i = 0; i < NET_QUEUE_LIMIT; i++) {
        cr_assert(net_send(b, f, 1));
    }
    cr_assert_not(net_send(b, f, 1));
    cr_assert_eq(a->dropped, 1);
    net_client_purge(a);
    cr_assert_eq(net_client_queue_len(a), 0);
}

Test(net, pulled_link_drops_and_notifies)
{
    GError *err = NULL;
    uint8_t f[1] = { 0 };

    cr_assert(net_set_link("a", false, &err));
    cr_assert(a->link_down && b->link_down);
    cr_assert_eq(ta.link_events, 1);
    cr_assert_eq(tb.link_events, 1);
    cr_assert_not(net_send(b, f, 1));
    cr_assert_not(net_send(a, f, 1));
    cr_assert_eq(ta.got->len + tb.got->len, 0);
    cr_assert(net_set_link("b", true, &err));
    cr_assert(net_send(b, f, 1));
    cr_assert_eq(ta.got->len, 1);
    cr_assert_not(net_set_link("nobody", true, &err));
    cr_assert_not_null(err);
    g_clear_error(&err);
}

Test(net, names_and_connections)
{
    GError *err = NULL;
    NetClientState *c;

    cr_assert_null(net_client_new(&tc_be_info, "a", NULL, &err), "duplicate");
    g_clear_error(&err);
    c = net_client_new(&tc_be_info, "c", NULL, &err);
    cr_assert_not_null(c);
    cr_assert_not(net_client_connect(a, c, &err), "a is taken");
    g_clear_error(&err);
    cr_assert_not(net_client_connect(c, c, &err));
    g_clear_error(&err);
    cr_assert_eq(net_client_find("c"), c);
    /* Freeing one end leaves the other without a peer; its frames go nowhere. */
    net_client_free(b);
    cr_assert_null(a->peer);
    cr_assert_null(net_client_find("b"));
    cr_assert_not(net_send(a, (const uint8_t *)"x", 1));
}

Test(net, info_network_lists_pairs)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    net_info(f);
    fclose(f);
    cr_assert_not_null(strstr(text, "a: type=nic"));
    cr_assert_not_null(strstr(text, " \\ b: type=test"));
    free(text);
}

Test(net, command_line_options)
{
    GError *err = NULL;
    NICInfo *ni;

    cr_assert_not(net_netdev_add("user", &err), "id= is required");
    g_clear_error(&err);
    cr_assert_not(net_netdev_add("tap,id=t0", &err));
    cr_assert_not_null(strstr(err->message, "not supported"));
    g_clear_error(&err);
    cr_assert_not(net_netdev_add("bogus,id=t0", &err));
    g_clear_error(&err);
    cr_assert(net_netdev_add("user,id=u0", &err), "%s", err ? err->message : "");
    cr_assert_not_null(net_client_find("u0"));
    cr_assert_not(net_netdev_add("user,id=u0", &err), "duplicate id");
    g_clear_error(&err);
    /* A -netdev given: no default NIC. */
    cr_assert(net_init_defaults(false, &err));
    cr_assert_eq(net_nic_count(), 0);
    cr_assert(net_nic_add("user,model=pcnet,mac=52:54:00:aa:bb:cc", &err));
    cr_assert_eq(net_nic_count(), 1);
    ni = net_nic_get(0);
    cr_assert_str_eq(ni->model, "pcnet");
    cr_assert_str_eq(ni->macaddr, "52:54:00:aa:bb:cc");
    cr_assert_not_null(ni->backend);
    cr_assert_not(net_nic_add("user,mac=zz", &err));
    g_clear_error(&err);
    cr_assert(net_nic_add("none", &err));
    cr_assert_eq(net_nic_count(), 0, "-nic none wins");
    cr_assert_null(net_nic_get(0));
}

Test(net, default_nic_unless_nodefaults)
{
    GError *err = NULL;

    cr_assert(net_init_defaults(true, &err));
    cr_assert_eq(net_nic_count(), 0);
    cr_assert(net_init_defaults(false, &err));
    cr_assert_eq(net_nic_count(), 1);
    cr_assert(net_nic_get(0)->is_default);
    cr_assert_null(net_nic_get(0)->model);
    /* A board with no place for it drops it quietly, back end and all. */
    net_check_clients();
    cr_assert_null(net_nic_get(0)->backend);
}

Test(net, macaddr_and_crc)
{
    uint8_t m[6];
    static const uint8_t want[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0xab };

    cr_assert(net_parse_macaddr("52:54:00:12:34:ab", m));
    cr_assert_arr_eq(m, want, 6);
    cr_assert(net_parse_macaddr("52-54-00-12-34-AB", m));
    cr_assert_arr_eq(m, want, 6);
    cr_assert_not(net_parse_macaddr("52:54:00:12:34", m));
    cr_assert_not(net_parse_macaddr("52:54:00:12:34:ab:cd", m));
    cr_assert_not(net_parse_macaddr("52:54:00:12:34:1ab", m));
    cr_assert_not(net_parse_macaddr("", m));
    /* The standard CRC-32 check value is the complement of ours. */
    cr_assert_eq(~net_crc32_le((const uint8_t *)"123456789", 9), 0xcbf43926);
}

/*
 * While the VM is stopped a guest NIC takes nothing (receiving would change the
 * stopped machine's RAM, and a snapshot taken then): frames wait and go in, in
 * order, when it runs again. Backends still get the NIC's frames.
 */
Test(net, stopped_vm_queues_frames_for_the_nic)
{
    uint8_t f[64] = { 1 };

    vm_stop(RUN_STATE_PAUSED);
    cr_assert(net_send(b, f, sizeof(f)));
    f[0] = 2;
    cr_assert(net_send(b, f, sizeof(f)));
    cr_assert_eq(ta.got->len, 0, "nothing reaches a NIC of a stopped VM");
    cr_assert_eq(net_client_queue_len(a), 2);
    cr_assert(net_send(a, f, 10));
    cr_assert_eq(tb.got->len, 1);
    vm_start();
    cr_assert_eq(ta.got->len, 2, "the queue goes in when the VM runs");
    cr_assert_eq(frame_id(ta.got, 0), 1);
    cr_assert_eq(frame_id(ta.got, 1), 2);
    cr_assert_eq(net_client_queue_len(a), 0);
}
