from hypothesis import given, strategies as st

from ofsted_kg.extract.clean import BULLET, clean_text
from ofsted_kg.extract.segment import segment


def paragraphs(raw, media="text/plain"):
    return clean_text(raw, media).split("\n\n")


def test_fffe_and_soft_hyphen_become_hyphens():
    assert "multi-agency work" in clean_text("timely multi\ufffeagency work.")
    assert "multi-agency work" in clean_text("timely multi\ufffe\nagency work.")


def test_crlf_and_wrapped_lines_join_into_one_paragraph():
    assert paragraphs("Children are seen\r\nregularly by workers.\r\n\r\nNext one.") == [
        "Children are seen regularly by workers.", "Next one."]


def test_private_use_and_square_bullets_are_normalised():
    out = paragraphs("What needs to improve?\n\uf06e The quality of plans.\n◼ The quality of supervision.")
    assert out[1:] == [f"{BULLET} The quality of plans.", f"{BULLET} The quality of supervision."]


def test_running_header_and_page_number_removed_and_paragraph_rejoined():
    raw = ("Inspection of Stockport local authority children's services\n\nInspection dates: 12 to 23 May 2025\n\n"
           + "\n\n".join(f"Filler paragraph {i} ends here." for i in range(12))
           + "\n\n47. There has been a lack of pace in addressing\n\n"
           "Inspection of Stockport local authority children's services\n12 to 23 May 2025\n\n10\n\n"
           "some known practice shortfalls effectively.")
    out = paragraphs(raw)
    assert "47. There has been a lack of pace in addressing some known practice shortfalls effectively." in out
    assert out[0] == "Inspection of Stockport local authority children's services"
    assert "10" not in out


def test_repeated_page_edge_lines_are_dropped_across_form_feeds():
    body = "\n\n".join(f"Sentence {n} of the page ends here." for n in range(20))
    pages = [f"Report title footer\n\n{body}\n\n{i + 1}" for i in range(5)]
    out = paragraphs("\f".join(pages))
    assert sum("footer" in p for p in out) == 1  # kept once in the title block, dropped as a running header


def test_letterhead_block_is_not_text():
    raw = "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\nT 0300 123 1231\nenquiries@ofsted.gov.uk\n\nDear Ms X"
    assert paragraphs(raw) == ["Dear Ms X"]


def test_html_fragments_are_stripped():
    out = paragraphs("<p>Summary</p> <p>Children are safe &amp; well.</p>", "text/html")
    assert out == ["Summary", "Children are safe & well."]


def test_dash_items_under_a_heading_are_bullets_but_lost_hyphens_join():
    out = paragraphs("What needs to improve in this area\n- the quality of plans\n- the quality of audits.")
    assert out[1:] == [f"{BULLET} the quality of plans", f"{BULLET} the quality of audits."]
    joined = paragraphs("91. The board has a business\n\n- plan is detailed but could be improved.")
    assert joined == ["91. The board has a business - plan is detailed but could be improved."]


@given(st.text(max_size=400))
def test_clean_never_raises_and_blocks_point_at_their_text(raw):
    canonical = clean_text(raw)
    for block in segment(canonical):
        assert canonical[block.start:block.end] == block.text
