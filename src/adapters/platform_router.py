"""One Platform in front of several: each transaction goes to the gateway the catalogue names.

The FSI platform takes most transactions; the local mobile-payment centre takes the 6xxx group in
its own envelope. Callers (the journal, the use cases) see one port either way.
"""
from __future__ import annotations

from collections.abc import Mapping

from ports.catalogue import Catalogue
from ports.platform import Platform, PlatformReply, PlatformRequest, PlatformUnreachable


class GatewayRouter(Platform):
    def __init__(self, catalogue: Catalogue, default: Platform, by_gateway: Mapping[str, Platform | None]):
        self.catalogue, self.default, self.by_gateway = catalogue, default, dict(by_gateway)

    def execute(self, request: PlatformRequest) -> PlatformReply:
        tx = self.catalogue.get(request.infno)
        gateway = tx.gateway if tx else "platform"
        if gateway not in self.by_gateway:
            return self.default.execute(request)
        target = self.by_gateway[gateway]
        if target is None:  # nothing configured: refuse before anything leaves
            raise PlatformUnreachable(f"no {gateway} gateway is configured for {request.infno}", request.msgid)
        return target.execute(request)

    def close(self) -> None:
        for platform in {id(p): p for p in [self.default, *self.by_gateway.values()] if p is not None}.values():
            platform.close()
