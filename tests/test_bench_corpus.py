"""The benchmark corpus (bench/corpus_scan.py), CI-sized: four generated sites through a real scan.

Each site's 政府信息公开 has 指南, 制度, 年报 and 法定主动公开内容 as sub-columns in the left-hand menu
of its section landing page, and no 依申请公开: exactly one disclosure_missing per site. Sites 02
and 04 have columns paged only by createPageHTML() (a top-level one and a sub-column of 要闻动态):
every page the generator's ground truth reaches only through those pagers must be fetched.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SITES = 4


def _corpus_scan():
    spec = importlib.util.spec_from_file_location("corpus_scan", ROOT / "bench" / "corpus_scan.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    return _corpus_scan().run(SITES, tmp_path_factory.mktemp("corpus"))


def test_one_disclosure_missing_per_site_for_application(result) -> None:
    got = {sid: s["disclosure_missing"] for sid, s in result["per_site"].items()}
    assert got == {f"site{i:02d}": ["application"] for i in range(1, SITES + 1)}


def test_every_page_the_script_pagers_declare_is_fetched(result) -> None:
    assert result["script_only_pages"] >= 40  # site02 zcwj and site04's 工作动态 sub-column
    missed = {sid: s["script_only_missed"] for sid, s in result["per_site"].items() if s["script_only_missed"]}
    assert not missed
