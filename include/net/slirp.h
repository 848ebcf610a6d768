/*
 * User-mode networking on libslirp: a NAT'ed 10.0.2.0/24 network (gateway/host
 * 10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15) with no privileges needed, port
 * forwarding from the host into the guest, and restrict=on isolation.
 */
#ifndef NET_SLIRP_H
#define NET_SLIRP_H

#include "net/net.h"

/* Create a user back end named id from the option string after "user," (without
 * id=): net=ADDR[/MASK], host=, dhcpstart=, dns=, hostname=, restrict=on|off,
 * hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (repeatable). */
NetClientState *net_slirp_new(const char *id, char **opts, GError **errp);

/* hostfwd_add / hostfwd_remove (monitor). netdev may be NULL when there is only one
 * user back end. remove takes [tcp|udp]:[HOSTADDR]:HOSTPORT. */
bool net_slirp_hostfwd_add(const char *netdev, const char *spec, GError **errp);
bool net_slirp_hostfwd_remove(const char *netdev, const char *spec, GError **errp);

#endif
