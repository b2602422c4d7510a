"""Tokens signed like a CDS Hooks client, with the CDS Hooks sandbox's published test key."""

from __future__ import annotations

import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.shared_docs import INTEROP_EXAMPLES

SANDBOX_ISS = "https://sandbox.cds-hooks.org"
KEYPAIR = json.loads((INTEROP_EXAMPLES / "cds-hooks-sandbox-test-keypair.json").read_text())[
    "keys"
][0]
SANDBOX_KID = KEYPAIR["kid"]
SANDBOX_KEY = jwt.PyJWK(KEYPAIR).key
JWKS_FILE = INTEROP_EXAMPLES / "cds-hooks-sandbox-jwks.json"
OTHER_EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(
    aud: str,
    *,
    key=SANDBOX_KEY,
    alg: str = "ES384",
    kid: str | None = SANDBOX_KID,
    iss: str = SANDBOX_ISS,
    exp_in: int = 300,
    iat_ago: int = 0,
    drop: tuple[str, ...] = (),
    jti: str | None = None,
) -> str:
    now = int(time.time())
    claims = {
        "iss": iss,
        "aud": aud,
        "exp": now + exp_in,
        "iat": now - iat_ago,
        "jti": jti or str(uuid.uuid4()),
    }
    for name in drop:
        claims.pop(name)
    headers = {"typ": "JWT"}
    if kid is not None:
        headers["kid"] = kid
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def rsa_jwks(kid: str = "rsa-1") -> dict:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    return {"keys": [{**public, "kid": kid, "alg": "RS384", "use": "sig"}]}
