"""Extraction against facts read by hand from 66 real PDFs (tests/extraction/pdf_truth.csv): an independent check,
written without running the extractor (unlike the snapshots of test_cases.py, which only detect change)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from okg_paths import CORPUS_PDF

from ofsted_kg.extract.authorities import resolve
from ofsted_kg.extract.extractor import extract
from ofsted_kg.extract.read import read_source

TRUTH = Path(__file__).resolve().parent / "pdf_truth.csv"
ROWS = list(csv.DictReader(TRUTH.open(encoding="utf-8")))


def test_truth_table_spreads_over_every_kind_and_era():
    kinds = {r["kind"] for r in ROWS}
    years = {r["start_date"][:4] for r in ROWS}
    assert len(ROWS) >= 40 and {"inspection", "focused-visit", "lscb-review"} <= kinds
    assert {"2014", "2015", "2016", "2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026"} <= years


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_pdf_facts_match_hand_read_truth(row):
    path = CORPUS_PDF / row["file"]
    if not path.exists():
        pytest.skip("corpus PDF not available")
    ext = extract(read_source(path))
    authority = resolve(ext.authority_name)
    got = {
        "authority_gss": authority.gss if authority else "",
        "kind": ext.kind,
        "start_date": str(ext.start or ""),
        "end_date": str(ext.end or ""),
        "publication_date": str(ext.published or ""),
        "lead_inspector": ext.lead_inspector or "",
        "inspectors": sorted(ext.inspectors),
        "overall_grade": ext.overall_grade or "",
        "grades": [j.grade for j in ext.judgements],
        "recommendation_count": len(ext.recommendations),
    }
    want = {
        "authority_gss": row["authority_gss"],
        "kind": row["kind"],
        "start_date": row["start_date"],
        "end_date": row["end_date"],
        "publication_date": row["publication_date"],
        "lead_inspector": row["lead_inspector"],
        "inspectors": sorted(n for n in row["inspectors"].split("|") if n),
        "overall_grade": row["overall_grade"],
        "grades": [j.rsplit("=", 1)[1] for j in row["judgements"].split("|") if j],
        "recommendation_count": int(row["recommendation_count"]),
    }
    assert got == want
