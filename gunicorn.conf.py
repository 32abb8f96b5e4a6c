"""gunicorn's settings for the portal (read from the working directory by every ``gunicorn``
command: the image, docker-compose and ``make bench``). Command-line options still win.

Garbage collection. A web worker holds about 190,000 long-lived objects once it has served its
first pages (Django, the apps, compiled templates, URL patterns, serializers). Python's full
collection walks all of them; measured at 10,000 employers it took 170 ms, every dozen
requests or so, and was the whole of the audit API's p95 (212 ms against a p50 of 42 ms).
The worker moves what it has built into the permanent generation (``gc.freeze``) once the
application is loaded, and again after 50, 500 and 5,000 requests, as pages seen for the first
time compile their templates and fill the caches. The full collections then walk only what
requests create (p95 73 ms). Request garbage is collected before each freeze, so nothing
collectable is kept.

A request also leaves garbage in reference cycles (serializers and their fields, querysets,
the request and its view): about 5,000 objects for a page of the audit API. Collections
during the request move what is still in use into the older generations, where only a full
collection frees it, so the full collections every dozen requests or so still walked 50,000
to 90,000 objects (20 to 40 ms, the API's p95 again). The worker now collects once after each
request, when the request's objects are garbage: p95 78 -> 49 ms in process, and less
collection in all (mean 49 -> 46 ms with it).

The frame stack. Python 3.11 maps and unmaps a block of its frame stack whenever calls go back
and forth over the end of a block, which a list page's table cells did about 1,500 times per
request under gunicorn. The worker runs its request loop on one large block instead
(``cor_portal.stack``).
"""

import functools
import gc

from cor_portal.stack import run_on_deep_stack

# Requests after which a worker freezes what it has built since.
FREEZE_AFTER_REQUESTS = (50, 500, 5000)


def freeze() -> None:
    gc.collect()
    gc.freeze()


def post_worker_init(worker) -> None:
    freeze()
    worker.run = functools.partial(run_on_deep_stack, worker.run)


def collect() -> None:
    gc.collect()


def post_request(worker, req, environ, resp) -> None:
    if worker.nr in FREEZE_AFTER_REQUESTS:
        freeze()
    else:
        collect()
