"""Download bodies compressed by their views, not by GZipMiddleware, for clients that accept gzip.

The middleware compresses every response again on every request, at level 6: with
``Accept-Encoding: gzip`` (every browser, curl --compressed) a benchmark's 5 MB file at ten
million scores cost 140-160 ms CPU a request instead of 1.5, and a 2.7 MB browse download at
100,000 claims 145-160 ms instead of 20-35. So:

- a whole file held in memory (measures.series_downloads.HELD) is compressed once, held with
  it, and sent compressed as is (HELD.gzipped()): 1.6-2.9 ms CPU a request after the first;
- a streamed browse download is compressed as it streams, at level 1: about 7 ms a MB where
  level 6 takes 28, for a file about a quarter larger (``gzip_stream``); that 2.7 MB download
  costs 42-49 ms CPU.

A response that already says Content-Encoding is left alone by the middleware. Either way the
response varies on Accept-Encoding, so a shared cache keeps the two apart.
"""

import zlib

from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

# Compressing a stream: fast, since it is redone for every request.
STREAM_LEVEL = 1
# Below this a body is not worth compressing (the middleware's own threshold).
MIN_BYTES = 200


def accepts_gzip(request) -> bool:
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def mark(response, compressed: bool):
    """Say how the body is encoded, and that it depends on Accept-Encoding."""
    patch_vary_headers(response, ("Accept-Encoding",))
    if compressed:
        response["Content-Encoding"] = "gzip"
    return response


def gzip_stream(chunks):
    """The gzip stream of ``chunks`` (str, encoded as UTF-8), a compressed piece per chunk as it comes."""
    compressor = zlib.compressobj(STREAM_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: a gzip header
    for chunk in chunks:
        # Flushed per chunk (a thousand claims), so the client receives each as it is read.
        out = compressor.compress(chunk.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)
        if out:
            yield out
    yield compressor.flush()
