"""The manifest's hash of the installed fiu code (versions.code_sha256)."""
import hashlib

from fiu.manifest import code_files, code_sha256


def test_code_hash_covers_the_library_pipelines_rules_and_suites_in_sorted_order():
    names = [name for name, _ in code_files()]
    assert names == sorted(names)
    assert "fiu/io/readers.py" in names and "fiu/pipelines/run.py" in names
    assert any(n.startswith("fiu/rules/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("fiu/expectations/") and n.endswith(".json") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_code_hash_is_sha256_over_paths_and_contents():
    digest = hashlib.sha256()
    for name, item in code_files():
        data = item.read_bytes()
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    assert code_sha256() == digest.hexdigest()
