"""AES-GCM under a key derived from CRMFLOW_SECRET_KEY, bound to the company and the name."""

from __future__ import annotations

import pytest

from crmflow.vault import crypto
from tests.vault.conftest import KEY, OTHER_KEY


def test_a_value_round_trips_and_is_not_stored_in_clear() -> None:
    stored = crypto.encrypt(KEY, company_id=1, name="TOKEN", value="s3cr3t-value")
    assert "s3cr3t" not in stored and stored.startswith("v1.")
    assert crypto.decrypt(KEY, company_id=1, name="TOKEN", stored=stored) == "s3cr3t-value"
    # A fresh nonce each time: equal values do not give equal ciphertexts.
    assert stored != crypto.encrypt(KEY, company_id=1, name="TOKEN", value="s3cr3t-value")


@pytest.mark.parametrize(("company_id", "name"), [(2, "TOKEN"), (1, "OTHER")])
def test_a_ciphertext_moved_to_another_row_does_not_decrypt(company_id: int, name: str) -> None:
    stored = crypto.encrypt(KEY, company_id=1, name="TOKEN", value="s3cr3t-value")
    with pytest.raises(crypto.SecretUnreadable, match="altered or copied"):
        crypto.decrypt(KEY, company_id=company_id, name=name, stored=stored)


def test_another_key_is_named_as_the_reason() -> None:
    stored = crypto.encrypt(KEY, company_id=1, name="TOKEN", value="s3cr3t-value")
    with pytest.raises(crypto.SecretUnreadable, match="another CRMFLOW_SECRET_KEY") as caught:
        crypto.decrypt(OTHER_KEY, company_id=1, name="TOKEN", stored=stored)
    assert "s3cr3t" not in str(caught.value)


def test_a_tampered_value_is_refused() -> None:
    stored = crypto.encrypt(KEY, company_id=1, name="TOKEN", value="s3cr3t-value")
    flipped = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(KEY, company_id=1, name="TOKEN", stored=flipped)
    with pytest.raises(crypto.SecretUnreadable, match="format"):
        crypto.decrypt(KEY, company_id=1, name="TOKEN", stored="plain text")


@pytest.mark.parametrize("setting", [None, "", "short-key"])
def test_no_usable_key_names_the_setting(setting: str | None) -> None:
    with pytest.raises(crypto.SecretKeyMissing, match="CRMFLOW_SECRET_KEY"):
        crypto.encrypt(setting, company_id=1, name="TOKEN", value="x")
    with pytest.raises(crypto.SecretKeyMissing, match="CRMFLOW_SECRET_KEY"):
        crypto.decrypt(setting, company_id=1, name="TOKEN", stored="v1.abc.def")
