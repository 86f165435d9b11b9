"""Who each SIF-era item is addressed to, against counts read by hand from every such PDF in the corpus.

``sif_recommendations.csv`` was written by a reader of the PDF text who never ran or read the extractor
(see README.md here): local-authority items, LSCB items and priority actions per report.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from okg_paths import CORPUS_PDF

from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.read import read_source

TRUTH = Path(__file__).resolve().parent / "sif_recommendations.csv"
ROWS = [r for r in csv.DictReader(TRUTH.open(encoding="utf-8")) if r["kind"] not in {"web-page", "other"}]


def test_truth_covers_every_sif_era_kind():
    assert {"sif-inspection", "sif-reinspection", "lscb-review", "pre-2014"} <= {r["kind"] for r in ROWS}
    assert len(ROWS) >= 100


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_items_are_addressed_to_the_right_body(row):
    path = CORPUS_PDF / row["file"]
    if not path.exists():
        pytest.skip("corpus PDF not available")
    recs = extract(read_source(path)).recommendations
    got = {
        "local authority": sum(r.part != "LSCB" for r in recs),
        "LSCB": sum(r.part == "LSCB" for r in recs),
        "priority": sum(r.kind == "priority-action" for r in recs),
    }
    want = {
        "local authority": int(row["la_recommendation_count"]),
        "LSCB": int(row["lscb_recommendation_count"]),
        "priority": int(row["priority_action_count"]),
    }
    assert got == want
