"""The performance benchmark (``make bench``): the pages, the reference admin and the runner.

See ``cor_portal.bench.run`` and the README's Performance section.
"""
