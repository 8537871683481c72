"""RFC 8037 Appendix A: the published Ed25519 key, thumbprint and signature, byte for byte."""

from __future__ import annotations

import pytest

from steward_desk.signing import base64url
from steward_desk.signing.errors import Refusal, SignatureError
from steward_desk.signing.keys import Jwk, SigningKey
from steward_desk.signing.verify import verify

# A.1: the private key (d) and A.2: its public key (x).
RFC_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
# A.3: the JWK thumbprint.
RFC_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
# A.4: signing "Example of Ed25519 signing" with the protected header {"alg":"EdDSA"}.
RFC_PROTECTED = "eyJhbGciOiJFZERTQSJ9"
RFC_PAYLOAD = "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
RFC_SIGNATURE = (
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)


@pytest.fixture
def rfc_key() -> SigningKey:
    return SigningKey.from_private_bytes(base64url.decode(RFC_D))


def test_the_rfc_private_key_has_the_rfc_public_key_and_thumbprint(rfc_key: SigningKey) -> None:
    assert rfc_key.jwk.to_dict() == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": RFC_X,
        "kid": RFC_THUMBPRINT,
    }
    assert Jwk.from_dict({"kty": "OKP", "crv": "Ed25519", "x": RFC_X}).kid == RFC_THUMBPRINT


def test_the_rfc_signature_is_reproduced_byte_for_byte(rfc_key: SigningKey) -> None:
    assert base64url.decode(RFC_PROTECTED) == b'{"alg":"EdDSA"}'
    assert base64url.decode(RFC_PAYLOAD) == b"Example of Ed25519 signing"
    signature = rfc_key.sign(f"{RFC_PROTECTED}.{RFC_PAYLOAD}".encode("ascii"))
    assert base64url.encode(signature) == RFC_SIGNATURE


def test_a5_the_rfc_signature_verifies_with_the_public_key_alone() -> None:
    jwk = Jwk.from_dict({"kty": "OKP", "crv": "Ed25519", "x": RFC_X})
    data = f"{RFC_PROTECTED}.{RFC_PAYLOAD}".encode("ascii")
    assert jwk.verify(base64url.decode(RFC_SIGNATURE), data)
    assert not jwk.verify(base64url.decode(RFC_SIGNATURE), data + b".")


def test_the_rfc_document_is_still_refused_as_a_steward_desk_file() -> None:
    # Valid Ed25519, but "EdDSA" is the polymorphic name RFC 9864 retires, and there is no kid.
    doc = (
        f'{{"payload":"{RFC_PAYLOAD}","protected":"{RFC_PROTECTED}","signature":"{RFC_SIGNATURE}"}}'
    ).encode()
    jwk = Jwk.from_dict({"kty": "OKP", "crv": "Ed25519", "x": RFC_X})
    with pytest.raises(SignatureError) as refused:
        verify(doc, [jwk])
    assert refused.value.reason is Refusal.BAD_ALG
    assert "Ed25519" in str(refused.value)
