"""Settings for the test suite: the real PostgreSQL, a fast password hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")

from twinproject.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = [".localhost", "localhost", "testserver"]

# The whole suite chats from 127.0.0.1 within a minute; tests of the limits set their own.
CHAT_RATE_PER_KEY = CHAT_RATE_PER_IP = CHAT_RATE_PER_OWNER = "100000/min"
