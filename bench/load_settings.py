"""Settings for `make load`: the production settings with a bare JSON view added (bench/load.py)."""

from config.settings import *  # noqa: F403  (the production settings, unchanged but for the URLs)

ROOT_URLCONF = "bench.load_urls"
