"""The address of the client a request comes from, behind as many proxies as the site says.

Every proxy in front of the app appends the address it was connected from to `X-Forwarded-For`
(nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`). Whatever the client
itself sent comes first, so only the entries the site's own proxies wrote can be believed: with
`PROXY_COUNT` proxies, the client is the `PROXY_COUNT`-th entry from the right. The login lockout
(django-axes, `AXES_CLIENT_IP_CALLABLE`) and the sign-up limit both key on this address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, normalized (`2001:DB8::1` is `2001:db8::1`), or None if unknown.

    `PROXY_COUNT` 0: the peer of the connection (`REMOTE_ADDR`); `X-Forwarded-For` is ignored,
    since anyone can send it. N: the N-th address from the right of `X-Forwarded-For`. A chain
    shorter than N (a proxy that did not append) gives its right-most entry, which the proxy the
    app talks to wrote; no header, or an entry that is not an address, gives `REMOTE_ADDR`. An
    entry left of the N-th, which the client may have made up, is never used.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    header = request.headers.get("x-forwarded-for", "")
    chain = [entry.strip() for entry in header.split(",") if entry.strip()]
    if not chain:
        return remote
    entry = chain[-count] if len(chain) >= count else chain[-1]
    return _address(entry) or remote


def _address(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        # `::ffff:192.0.2.1` is the IPv4 client of a dual-stack listener: one client, one key.
        return str(address.ipv4_mapped)
    return str(address)
