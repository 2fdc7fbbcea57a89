"""Shared fixtures, and the declared-reads check that runs after each notebook under nbval."""

from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import pytest

from briefing.cache import declared
from briefing import paths

READS_EXPRESSION = "__import__('briefing.paths', fromlist=['reads']).reads()"


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the whole run: its sync API refuses to start while another instance's event loop
    is running, so the book's and the lab's browser fixtures share this one."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    """One headless Chromium per worker, launched as the book's browser tests and the lab both need it
    (``support.harness.launch``: one binary, one set of arguments)."""
    from support import harness

    if not shutil.which(harness.CHROMIUM):
        pytest.fail(f"no Chromium at {harness.CHROMIUM} (Debian: apt-get install chromium)")
    b = harness.launch(playwright)
    yield b
    b.close()


def pytest_configure(config):
    config.addinivalue_line("markers", "needs(*tables): the briefing fixture runs the test only against the "
                            "briefings whose data package has these tables (support.memory.having)")


def pytest_generate_tests(metafunc):
    """A test that reads the register through ``briefing`` (or ``loaded_briefing``, ``broken``) runs once per briefing
    of ``support.memory.BRIEFINGS``, or, marked ``needs(table, …)``, once per briefing having those tables: its id
    then says which briefings lack them, so a test run against this book only says why."""
    if "briefing" not in metafunc.fixturenames:
        return
    from support.memory import BRIEFINGS, having, tables

    marker = metafunc.definition.get_closest_marker("needs")
    needed = marker.args if marker else ()
    names = having(*needed)
    if not names:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: no briefing has the tables {needed}")
    lacking = [f"{n} has no {', '.join(sorted(set(needed) - tables(n)))}" for n in BRIEFINGS if n not in names]
    ids = [f"{n} ({'; '.join(lacking)})" if lacking else n for n in names]
    metafunc.parametrize("briefing", names, ids=ids, indirect=True)


@pytest.fixture
def briefing(request):
    """The briefing a test runs against (its name): the kit's configuration and paths are its (``config.use``)
    for the test's duration, so picks, rules and ``data_copy`` read it."""
    from briefing import config
    from support.memory import BRIEFINGS

    with config.use(BRIEFINGS[request.param]):
        yield request.param


@pytest.fixture
def loaded_briefing(briefing):
    """The briefing's register, its package and its findings, loaded once per session per briefing (picks reads
    the same register)."""
    from support.memory import loaded

    return loaded(briefing)


@pytest.fixture(scope="session")
def the_book():
    """This book's register, package and findings (the same objects as ``loaded_briefing`` in this book), for the
    tests of this book's content."""
    from support.memory import loaded

    return loaded("book")


@pytest.fixture
def broken(loaded_briefing):
    """A deep copy of the briefing's register to break in memory (support.memory.Briefing): edit a cell, run one
    rule."""
    from support.memory import Briefing

    return Briefing(*loaded_briefing)


@pytest.fixture
def data_copy(request, tmp_path: Path) -> Path:
    """A copy of the current briefing (data/ and briefing.yml, in ``tmp_path``): returns the path of its
    datapackage.json. In a test run per briefing, that briefing's."""
    if "briefing" in request.fixturenames:
        request.getfixturevalue("briefing")  # entered before the copy is made
    target = tmp_path / "data"
    shutil.copytree(paths.data(), target)
    shutil.copy(paths.root() / "briefing.yml", tmp_path / "briefing.yml")
    return target / "datapackage.json"


class DeclaredReads(pytest.Item):
    """Runs in a notebook's nbval kernel after its last cell: the resources the loader recorded while the cells
    ran must be exactly those the notebook declares in its metadata (which the build cache relies on)."""

    def runtest(self):
        found = declared(Path(self.parent.path))
        expected = None if found is None else sorted(found)
        kernel = self.parent.kernel
        if kernel is None or not kernel.is_alive():
            pytest.fail("the notebook's kernel is not running")
        msg_id = kernel.kc.execute("", silent=True, user_expressions={"reads": READS_EXPRESSION})
        while True:
            reply = kernel.kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        result = reply["content"]["user_expressions"]["reads"]
        if result.get("status") != "ok":
            pytest.fail(f"could not ask the kernel what it read: {result}")
        actual = sorted(ast.literal_eval(result["data"]["text/plain"]))
        if expected != actual:
            pytest.fail(f"{self.parent.path.name}: the notebook's metadata declares briefing.reads = {expected}, but "
                        f"it read {actual}. Set its metadata to \"briefing\": {{\"reads\": {json.dumps(actual)}}}.",
                        pytrace=False)

    def reportinfo(self):
        return self.path, None, f"{self.parent.path.name}: declared reads"


def pytest_collection_modifyitems(session, config, items):
    """After the last cell of each notebook that nbval runs, check its declared reads in the same kernel. Running
    notebooks is slow: `make test-fast` leaves them out (-m "not slow"). Then the longest groups first (see
    :func:`_cost`), so that on two workers the last to start are the shortest."""
    last = {}
    for i, item in enumerate(items):
        if type(item.parent).__name__ == "IPyNbFile":
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.notebook)
            last[item.parent] = i
    for parent, i in sorted(last.items(), key=lambda kv: kv[1], reverse=True):
        check = DeclaredReads.from_parent(parent, name="declared reads")
        check.add_marker(pytest.mark.slow)
        check.add_marker(pytest.mark.notebook)
        items.insert(i + 1, check)
    # Stable, by group: a file's (and a notebook's) items stay together and keep their order.
    cost: dict[str, int] = {}
    for item in items:
        scope = _scope(item.nodeid)
        cost[scope] = min(cost.get(scope, 2), _cost(item))
    items[:] = sorted(items, key=lambda item: cost[_scope(item.nodeid)])


# Folders whose tests share one expensive session fixture, so that `--dist loadfile` keeps each on one worker:
# the browser tests one Chromium and one audit of every page (the audit and the byte budgets), the lab one
# JupyterLab. Every other file is a group of its own, as loadfile has it.
SHARED_FIXTURE_FOLDERS = ("tests/lab/", "tests/browser/")


def _scope(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return next((f for f in SHARED_FIXTURE_FOLDERS if path.startswith(f)), path)


def _cost(item) -> int:
    """Which groups start first: the folders with a shared browser or JupyterLab (minutes each), then the files
    that build a book or run notebooks (any item marked slow: seconds to tens of seconds), then the rest."""
    if _scope(item.nodeid) in SHARED_FIXTURE_FOLDERS:
        return 0
    return 1 if item.get_closest_marker("slow") else 2


# The lab's run is a chain of waits (kernel, server, Chromium, one step after another) that CPU contention stretches:
# beside the other worker it took half as long again as alone. A worker lowers its own priority when it first runs
# anything else, so the build subprocesses, kernels and Chromium it starts from then on fill the lab's gaps instead
# of competing with it (the lab's own processes were started before, and keep theirs).
LOWER_PRIORITY_BY = 10
_lowered = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global _lowered
    if (not _lowered and _scope(item.nodeid) != "tests/lab/" and hasattr(os, "nice")
            and os.environ.get("PYTEST_XDIST_WORKER")):  # a make test worker; never a developer's own run
        os.nice(LOWER_PRIORITY_BY)
        _lowered = True


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LoadFolderOrFile(LoadFileScheduling):
        """loadfile with the shared-fixture folders as one group each, handed out in collection order (the order
        :func:`_cost` gives), not xdist's default of the group with the most tests first."""
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

    config.option.loadscopereorder = False
    return LoadFolderOrFile(config, log)
