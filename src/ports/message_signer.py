"""Message signing: the envelope's own signature (signtype + cainfo), which some deployments
check on every request (Hubei's Huangshi sends signtype "SM2" and a cainfo). It is not the
gateway's x-tif signature, which every request carries anyway.

Adapters: `adapters.yb_http.sm2_signer` (SM3withSM2, Base64). None is configured by default:
the envelope then carries the configured signtype and cainfo (both "" unless set).
"""
from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class MessageSignature:
    signtype: str
    cainfo: str


class MessageSigner(abc.ABC):
    @abc.abstractmethod
    def sign(self, envelope: Mapping[str, object]) -> MessageSignature:
        """Sign one request envelope as it will be sent (input included), once the returned
        signtype and cainfo are put in it: the returned signtype is part of what was signed."""
