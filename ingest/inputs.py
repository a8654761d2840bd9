"""Everything a run reads, read before anything is written.

The payload and its companion files (e.g. model_versions.csv for benchmark tables) are
fetched here, outside the write transaction: network retries and backoff sleeps never
hold the database's write lock. The unchanged check hashes all inputs together, so a
change to a companion alone re-parses the source.
"""

import dataclasses
import hashlib

from django.conf import settings

from .fetch import FetchError, Payload, fetch_url, read_path


@dataclasses.dataclass
class Inputs:
    payload: Payload
    companions: dict[str, bytes] = dataclasses.field(default_factory=dict)

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256(self.payload.data)
        for name in sorted(self.companions):
            # Length-prefixed, so moving bytes between files cannot give the same digest.
            data = self.companions[name]
            digest.update(f"\0{name}\0{len(data)}\0".encode())
            digest.update(data)
        return digest.hexdigest()


def read_companion(location: str, source) -> bytes:
    max_bytes = settings.CLAIMWATCH_INGEST_MAX_BYTES
    try:
        if location.startswith(("http://", "https://")):
            payload = fetch_url(location, max_bytes=max_bytes, timeout=settings.CLAIMWATCH_INGEST_TIMEOUT,
                                attempts=getattr(settings, "CLAIMWATCH_INGEST_ATTEMPTS", 4),
                                backoff=getattr(settings, "CLAIMWATCH_INGEST_BACKOFF", 1.0),
                                allow_private=settings.DEBUG or (source.options or {}).get("allow_private", False))
        else:
            payload = read_path(location, max_bytes)
    except FetchError as exc:
        raise FetchError(f"cannot read the companion file {location}: {exc}") from None
    return payload.data


def read_inputs(payload: Payload, locations: dict[str, str], source) -> Inputs:
    return Inputs(payload, {name: read_companion(where, source) for name, where in locations.items()})
