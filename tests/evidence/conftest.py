import pytest


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """The cast's passwords are hashed for every test; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
