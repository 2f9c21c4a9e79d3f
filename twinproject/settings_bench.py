"""Settings for the benchmarks (``make bench``): the project's own settings plus the floor endpoint.

``BENCH_FLOOR`` (on by default here, absent from every other settings module) adds the
floor URL of ``bench/floor.py``: the rows of a chat turn written in one transaction,
without routing or realizing, the yardstick the chat turn is measured against.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")

from twinproject.env import env_bool
from twinproject.settings import *  # noqa: F403

BENCH_FLOOR = env_bool("BENCH_FLOOR", True)
if BENCH_FLOOR:
    ROOT_URLCONF = "bench.floor"

# The load generator sends thousands of turns a minute from one address with a handful of keys.
# A limit that high would keep every request of the last minute in the throttle's history
# (read and written whole on each request), a cost no real limit has: the limits are off.
CHAT_RATE_PER_KEY = CHAT_RATE_PER_IP = CHAT_RATE_PER_OWNER = None

if env_bool("BENCH_COLD_TEXT", True):
    MIDDLEWARE = [*MIDDLEWARE, "bench.floor.ColdTextMiddleware"]  # noqa: F405
