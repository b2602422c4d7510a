import pytest


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _stores_every_contract_field() -> bool:
    from recurrence.guideline.case import Case as ContractCase
    from recurrence.models import Case

    names = {f.name for f in Case._meta.get_fields()}
    wanted = set(ContractCase.__dataclass_fields__) - {"sites", "symptomatic_sites", "workup"}
    return wanted <= names


# Reading a stored case back needs a column for every field of the engine's contract; while
# the engine is ahead of the case model (contract 2.0 before its migration), skip and say so.
stores_contract = pytest.mark.skipif(
    not _stores_every_contract_field(),
    reason="the Case model does not yet store every field of the engine's contract",
)
