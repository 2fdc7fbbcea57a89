"""What the tests need from outside Python: axe-core vendored with a checksum (no Node, no npm), and the Debian packages
from one script that both `.ci/run` and `make test` run; publishing waits for the tests."""

import hashlib
import re

import yaml

from briefing.paths import ROOT
from support import harness


def test_axe_core_is_vendored_with_its_checksum():
    data = harness.AXE_JS.read_bytes()
    assert hashlib.sha256(data).hexdigest() == harness.AXE_SHA256
    assert data.startswith(f"/*! axe v{harness.AXE_VERSION}".encode())


def test_nothing_needs_node_or_npm():
    assert not (ROOT / "package.json").exists() and not (ROOT / "package-lock.json").exists()
    for f in ("Makefile", ".ci/run", ".ci/system-deps.sh", ".github/workflows/test.yml"):
        path = ROOT / f
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert "npm" not in text and "node_modules" not in text and "setup-node" not in text, f


def test_one_script_installs_the_system_packages_for_ci_and_make_test():
    assert "bash .ci/system-deps.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    from support import make_dry_run

    assert make_dry_run("test").splitlines()[0] == "bash .ci/system-deps.sh"  # the first thing `make test` does
    script = (ROOT / ".ci" / "system-deps.sh").read_text(encoding="utf-8")
    for package in ("chromium", "fonts-noto-cjk", "python3-venv"):
        assert package in script


def test_publishing_waits_for_the_tests_on_the_same_commit():
    publish = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    test = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8"))
    trigger = publish[True]  # YAML reads the key `on` as True
    assert set(trigger) == {"workflow_run"}, "publish runs only when the test workflow has run"
    assert trigger["workflow_run"]["workflows"] == [test["name"]] and trigger["workflow_run"]["types"] == ["completed"]
    deploy = publish["jobs"]["deploy"]
    assert deploy["if"].strip() == "github.event.workflow_run.conclusion == 'success'"


def test_publish_deploys_the_site_the_tests_built():
    """Publishing ships the artifact of the test run that passed, byte for byte: it builds nothing itself."""
    workflows = ROOT / ".github" / "workflows"
    test = yaml.safe_load((workflows / "test.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((workflows / "publish.yml").read_text(encoding="utf-8"))
    uploads = [s for s in test["jobs"]["test"]["steps"] if "upload-artifact" in s.get("uses", "")
               and s.get("with", {}).get("name") == "site"]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"
    steps = [s for job in publish["jobs"].values() for s in job["steps"]]
    assert not [s for s in steps if "run" in s], "the publish workflow must not build or run anything"
    download = [s for s in steps if "download-artifact" in s.get("uses", "")]
    assert download and download[0]["with"]["name"] == "site"
    assert "workflow_run.id" in download[0]["with"]["run-id"]


def test_every_install_is_from_a_hashed_lock():
    """Installs take nothing unpinned: pip installs uv from requirements-uv.lock, uv installs the locks, each with
    --require-hashes; the project itself is built offline. (Before issue 27, `make lock` fetched an unpinned uv.)"""
    from support import make_dry_run

    for target in ("setup", "lab-setup", "lock"):
        installs = [ln for ln in make_dry_run(target).splitlines() if re.search(r"\b(install|sync)\b", ln)]
        assert installs, target
        for line in installs:
            assert "--require-hashes" in line or ("--no-index" in line and "-e ." in line), f"{target}: {line}"
    pinned = (ROOT / "requirements-uv.lock").read_text(encoding="utf-8")
    assert re.search(r"^uv==[\d.]+ \\\n\s+--hash=sha256:[0-9a-f]{64}$", pinned, re.M)
