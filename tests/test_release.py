"""`fiu release` and `fiu verify`: drafts signed as they are; any changed byte is caught."""
import base64
import json
import shutil

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiu.cli import main
from fiu.packages.assemble import write_case_packages

from tests.fiu.packages.sample_case import PARTNERS, STAMP, leaky_case

CASE = "case-0123456789ab"


def write_key(path, mode=0o600):
    key = Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(mode)
    public = path.with_suffix(".pub")
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return path, public


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def released(tmp_path):
    out = tmp_path / "out"
    assert write_case_packages(leaky_case(), PARTNERS, out, STAMP) == ["bank-a", "bank-b", "le-fed", "le-tx"]
    drafts = tree(out / "packages")
    key, public = write_key(tmp_path / "signing.pem")
    assert main(["release", CASE, "--out", str(out), "--key", str(key), "--by", "A. Analyst"]) == 0
    return out, drafts, key, public


def test_release_keeps_the_drafts_bytes_and_signs_every_file(released):
    out, drafts, _, _ = released
    after = tree(out / "packages")
    assert {name: after[name] for name in drafts} == drafts
    folder = out / "packages" / CASE / "bank-a"
    assert json.loads((folder / "package.json").read_text())["status"] == "draft"
    release = json.loads((folder / "release.json").read_text())
    assert release["status"] == "released" and release["released_by"] == "A. Analyst"
    listed = [line.split("  ")[1] for line in (folder / "SHA256SUMS").read_text().splitlines()]
    assert listed == ["brief.html", "entities.ftm.json", "identifiers.csv", "package.json", "release.json"]


def test_release_is_recorded_once_in_an_append_only_audit_log(released, capsys):
    out, _, key, _ = released
    lines = (out / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["case_id"] == CASE and entry["recipients"] == ["bank-a", "bank-b", "le-fed", "le-tx"]
    assert entry["released_by"] == "A. Analyst" and entry["released_at"].endswith("Z")
    assert set(entry["sha256_of_SHA256SUMS"]) == set(entry["recipients"])
    # A second release of the same case is refused and leaves the log as it was.
    assert main(["release", CASE, "--out", str(out), "--key", str(key)]) == 2
    assert "already released" in capsys.readouterr().err
    assert (out / "audit.jsonl").read_text().splitlines() == lines


def test_the_key_never_reaches_the_out_folder(released):
    out, _, key, _ = released
    secret = key.read_bytes()
    raw = serialization.load_pem_private_key(secret, None).private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    for data in tree(out).values():
        assert secret not in data and b"PRIVATE KEY" not in data and raw not in data
        assert base64.b64encode(raw) not in data


def test_verify_passes_on_a_released_case_with_the_pinned_key(released, capsys):
    out, _, _, public = released
    assert main(["verify", str(out / "packages" / CASE)]) == 0
    assert main(["verify", str(out / "packages" / CASE / "le-tx"), "--public-key", str(public)]) == 0
    assert capsys.readouterr().out.count("OK") == 5


def tamper_byte(folder):
    path = folder / "brief.html"
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    return "brief.html: altered"


def tamper_add(folder):
    (folder / "notes.txt").write_text("x")
    return "notes.txt: added"


def tamper_remove(folder):
    (folder / "identifiers.csv").unlink()
    return "identifiers.csv: removed"


def tamper_sums(folder):
    sums = folder / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("package.json", "package.json\n" + "0" * 64 + "  x"))
    return "SHA256SUMS.sig: signature does not match"


def tamper_release(folder):
    (folder / "release.json").unlink()
    return "release.json: removed"


@pytest.mark.parametrize("tamper", [tamper_byte, tamper_add, tamper_remove, tamper_sums, tamper_release])
def test_verify_fails_naming_the_file_on_any_change(released, capsys, tamper):
    out, _, _, _ = released
    folder = out / "packages" / CASE / "bank-a"
    expected = tamper(folder)
    assert main(["verify", str(folder)]) == 1
    assert expected in capsys.readouterr().err


def test_verify_fails_on_a_swapped_signature(released, capsys):
    out, _, _, _ = released
    a, b = out / "packages" / CASE / "bank-a", out / "packages" / CASE / "bank-b"
    shutil.copy(b / "SHA256SUMS.sig", a / "SHA256SUMS.sig")
    assert main(["verify", str(a)]) == 1
    assert "SHA256SUMS.sig: signature does not match" in capsys.readouterr().err


def test_verify_fails_when_signed_by_another_key_than_the_pinned_one(released, tmp_path, capsys):
    out, _, _, _ = released
    folder = out / "packages" / CASE / "le-fed"
    other_key, other_public = write_key(tmp_path / "other.pem")
    assert main(["verify", str(folder), "--public-key", str(other_public)]) == 1
    err = capsys.readouterr().err
    assert "SHA256SUMS.pub: not the pinned public key" in err and "signature does not match" in err
    # Re-signing everything with another key and swapping the key beside it is caught too.
    key = serialization.load_pem_private_key(other_key.read_bytes(), None)
    (folder / "SHA256SUMS.sig").write_bytes(base64.b64encode(key.sign((folder / "SHA256SUMS").read_bytes())))
    shutil.copy(other_public, folder / "SHA256SUMS.pub")
    assert main(["verify", str(folder)]) == 0
    assert main(["verify", str(folder), "--public-key", str(released[3])]) == 1


def test_unreleased_drafts_do_not_verify(tmp_path, capsys):
    write_case_packages(leaky_case(), PARTNERS, tmp_path, STAMP)
    assert main(["verify", str(tmp_path / "packages")]) == 1
    assert "SHA256SUMS: missing" in capsys.readouterr().err


def test_a_key_open_to_others_is_refused_with_exit_2(tmp_path, capsys):
    write_case_packages(leaky_case(), PARTNERS, tmp_path / "out", STAMP)
    key, _ = write_key(tmp_path / "open.pem", mode=0o640)
    assert main(["release", CASE, "--out", str(tmp_path / "out"), "--key", str(key)]) == 2
    err = capsys.readouterr().err
    assert "open to group or others (mode 0640)" in err and "PRIVATE" not in err
    assert not (tmp_path / "out" / "audit.jsonl").exists()
    assert not (tmp_path / "out" / "packages" / CASE / "bank-a" / "SHA256SUMS").exists()


def test_the_key_comes_from_the_environment_when_not_given(tmp_path, monkeypatch):
    write_case_packages(leaky_case(), PARTNERS, tmp_path / "out", STAMP)
    key, _ = write_key(tmp_path / "env.pem")
    monkeypatch.setenv("FIU_SIGNING_KEY", str(key))
    assert main(["release", CASE, "--out", str(tmp_path / "out"), "--by", "B"]) == 0
    monkeypatch.delenv("FIU_SIGNING_KEY")
    assert main(["release", CASE, "--out", str(tmp_path / "out")]) == 2


def test_a_foreign_file_in_a_draft_folder_is_not_signed(tmp_path, capsys):
    write_case_packages(leaky_case(), PARTNERS, tmp_path / "out", STAMP)
    (tmp_path / "out" / "packages" / CASE / "le-tx" / "scratch.txt").write_text("x")
    key, _ = write_key(tmp_path / "k.pem")
    assert main(["release", CASE, "--out", str(tmp_path / "out"), "--key", str(key)]) == 2
    assert "scratch.txt: not a file a run writes" in capsys.readouterr().err


def test_same_input_gives_byte_identical_packages(tmp_path):
    write_case_packages(leaky_case(), PARTNERS, tmp_path / "one", STAMP)
    shuffled = leaky_case()
    shuffled["records"].reverse()
    shuffled["subjects"].reverse()
    write_case_packages(shuffled, list(reversed(PARTNERS)), tmp_path / "two", STAMP)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    # Two banks with four files each, two law-enforcement partners with three.
    assert len(tree(tmp_path / "one")) == 14
