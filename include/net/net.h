/*
 * Networking core: clients (a NIC's front end, a back end such as user networking)
 * joined in pairs, and the queue between them. A frame sent by one side is handed to
 * its peer at once when the peer can take it, else it waits in the peer's queue (in
 * order) until the peer calls net_client_flush(), so a NIC whose receive ring is full
 * loses nothing it could still take later. Back ends are made from -netdev / -nic
 * options; boards ask net_nic_*() which NICs the user wants.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "qemu/osdep.h"

#define NET_ETH_ALEN        6
#define NET_MAX_FRAME       65536      /* largest frame a client may send */
#define NET_QUEUE_LIMIT     4096       /* frames a client may have waiting */

typedef struct NetClientState NetClientState;

typedef enum NetClientKind {
    NET_CLIENT_NIC,                    /* a guest device's front end */
    NET_CLIENT_BACKEND,                /* user, ... */
} NetClientKind;

typedef struct NetClientInfo {
    const char *type;                  /* "nic", "user" */
    NetClientKind kind;
    /* Take one frame. Returns len if consumed, 0 if it cannot take it now (it is
     * then queued and offered again at the next net_client_flush()). */
    size_t (*receive)(NetClientState *nc, const uint8_t *buf, size_t len);
    /* Optional: false when receive() would refuse (the frame is queued instead). */
    bool (*can_receive)(NetClientState *nc);
    /* Optional: the link went up or down (set_link). */
    void (*link_status_changed)(NetClientState *nc);
    /* Optional: one line of details for `info network`. */
    void (*info_str)(NetClientState *nc, GString *out);
    /* Optional: free the owner's resources (net_client_free). */
    void (*cleanup)(NetClientState *nc);
} NetClientInfo;

struct NetClientState {
    const NetClientInfo *info;
    char *name;                        /* -netdev id / NIC device id */
    NetClientState *peer;
    void *opaque;                      /* the owner's state */
    bool link_down;
    GQueue *incoming;                  /* GByteArray frames waiting for this client */
    uint64_t rx_frames, tx_frames, dropped;
};

/* Create a client; name must be unique (false/NULL + errp otherwise). */
NetClientState *net_client_new(const NetClientInfo *info, const char *name, void *opaque,
                               GError **errp);
void net_client_free(NetClientState *nc);
NetClientState *net_client_find(const char *name);
/* Join two clients (each must be free). */
bool net_client_connect(NetClientState *a, NetClientState *b, GError **errp);

/* Send one frame from nc to its peer; frames with nowhere to go are dropped (as on a
 * cable with nothing at the other end). Returns true if delivered or queued. */
bool net_send(NetClientState *nc, const uint8_t *buf, size_t len);
/* Offer this client the frames waiting for it, in order, while it takes them.
 * Returns the number still waiting. */
size_t net_client_flush(NetClientState *nc);
size_t net_client_queue_len(const NetClientState *nc);
/* Drop the frames waiting for nc (device reset). */
void net_client_purge(NetClientState *nc);

/* set_link NAME on|off (monitor): both ends of the pair see the link change. */
bool net_set_link(const char *name, bool up, GError **errp);
/* info network */
void net_info(FILE *f);

/* ---- command line (softmmu/vl.c) ---- */

/* -netdev TYPE,id=ID,...: create the back end now. */
bool net_netdev_add(const char *opts, GError **errp);
/* -nic TYPE[,model=M][,mac=..][,hostfwd=...] or -nic none: a back end plus a NIC
 * request for the board. */
bool net_nic_add(const char *opts, GError **errp);
/* After the command line: if nothing was asked for and defaults are allowed, one
 * user-networking NIC (as QEMU's default -nic user). */
bool net_init_defaults(bool nodefaults, GError **errp);

/* A NIC the user asked for (by -nic or the default); the board creates it. */
typedef struct NICInfo {
    char *model;                       /* NULL: the board's default model */
    char *macaddr;                     /* NULL: default */
    NetClientState *backend;
    bool used;                         /* a board took it */
    bool is_default;                   /* made by net_init_defaults */
} NICInfo;

int net_nic_count(void);
NICInfo *net_nic_get(int index);
/* After the board is built: warn about -nic requests no board took and -netdevs
 * nothing connects to; a default NIC the board had no place for is dropped quietly
 * (with its back end). */
void net_check_clients(void);

/* Parse "52:54:00:12:34:56". */
bool net_parse_macaddr(const char *s, uint8_t mac[NET_ETH_ALEN]);
/* Ethernet CRC-32 (IEEE 802.3, reflected, initial value ~0, no final inversion:
 * Linux's ether_crc_le, which multicast hash filters use). The FCS is its complement. */
uint32_t net_crc32_le(const uint8_t *buf, size_t len);

#endif
