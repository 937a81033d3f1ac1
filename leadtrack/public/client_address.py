"""The address a request really came from, trusting exactly as many proxies as the
deployment has (``LEADTRACK_TRUSTED_PROXY_COUNT``), so a client cannot pick its own
address with a forged X-Forwarded-For header."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR with no trusted proxy, else the address the
    outermost trusted proxy saw, counted from the right of X-Forwarded-For."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.LEADTRACK_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request bypassed a proxy; use what connected.
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def rate_limit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: the client address, with IPv6 clients grouped by /64 (one
    household or server usually holds a whole /64)."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
