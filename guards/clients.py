"""Who is asking: the client's address, read the same way by rate limits and login throttling."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the hop our own proxies added to X-Forwarded-For."""
    if settings.NUM_PROXIES:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= settings.NUM_PROXIES:
            return _valid_ip(hops[-settings.NUM_PROXIES])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def client_group(request) -> str:
    """Whom every per-address limit counts: see `address_group`."""
    return address_group(client_ip(request))


def address_group(ip: str) -> str:
    """An IPv4 address itself; an IPv6 address as its /64's first address.

    A host is given a whole /64 and may use any address in it, so counting IPv6 addresses one
    by one would let one client past every limit. The group is an address (not `…/64`) so that
    it fits where an address is stored (django-axes' records).
    """
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return ip


def _valid_ip(value: str) -> str:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)  # an IPv4 client seen through a dual-stack socket
    return str(address)
