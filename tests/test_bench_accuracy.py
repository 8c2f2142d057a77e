"""The scorer of ``bench/accuracy.py`` on hand-made cases: snippet pages (trafilatura's
evaluation data) count the "with" snippets found and the "without" snippets absent."""

from __future__ import annotations

import json
from pathlib import Path

from bench_support import load_bench


def _accuracy():
    return load_bench("accuracy")


GOLD = {
    "file": "pages/x/a.html",
    "with": ["first  paragraph\nends here", "Second one."],
    "without": ["Impressum", "Share this"],
}


def test_snippets_are_matched_with_whitespace_folded_and_case_kept():
    accuracy = _accuracy()
    body = "First paragraph ends here.\n\nSecond one.\n\nimpressum\n\nShare   this"
    scores = accuracy.score_page(accuracy.Prediction(body=body), GOLD, True, snippets=True)
    # "first paragraph" differs in case: lost; "Share this" is there across spaces: kept.
    assert scores["with"] == 0.5
    assert scores["without"] == 0.5
    assert (scores["snip_tp"], scores["snip_fn"], scores["snip_fp"], scores["snip_tn"]) == (
        1,
        1,
        1,
        1,
    )


def test_a_page_without_body_finds_no_snippet_and_keeps_none():
    accuracy = _accuracy()
    scores = accuracy.score_snippets(accuracy.Prediction(is_article=False), GOLD)
    assert scores["with"] == 0.0
    assert scores["without"] == 1.0


def test_set_figures_are_summed_over_snippets_not_averaged_over_pages():
    accuracy = _accuracy()
    big = {**GOLD, "with": [f"w{i}" for i in range(6)]}
    per_page = {
        "a": accuracy.score_snippets(accuracy.Prediction(body="w0 w1 w2 w3 w4 w5"), big),
        "b": accuracy.score_snippets(accuracy.Prediction(body="Impressum"), GOLD),
    }
    means = accuracy.summary(per_page)
    assert means["with"] == 0.5  # per page: 1.0 and 0.0
    assert means["snip_r"] == 6 / 8  # per snippet
    assert means["snip_p"] == 6 / 7
    assert round(means["snip_f1"], 6) == round(12 / 15, 6)


def test_snippet_set_is_skipped_cleanly_without_its_pages(tmp_path: Path, capsys):
    accuracy = _accuracy()
    gold = tmp_path / "gold-snippets.json"
    gold.write_text(json.dumps([GOLD]), encoding="utf-8")
    gold_set = accuracy.GoldSet("snippets", gold, (tmp_path,), body_only=True, snippets=True)
    result = accuracy.evaluate(gold_set, ["archiver"], verbose=False)
    assert result is not None and result.pages == 0 and result.absent == 1
    accuracy.print_set(result)
    assert "1 absent, skipped" in capsys.readouterr().out


def test_worst_pages_are_listed_lowest_body_score_first_with_hand_made_ones_marked():
    accuracy = _accuracy()
    gold_set = accuracy.GoldSet("generic", Path("gold.json"), (), body_only=True)
    result = accuracy.SetResult(gold_set, synthetic={"pages/r/b.html"})
    page = {"body_p": 1.0, "body_r": 0.5}
    result.scores["archiver"] = {
        "pages/r/a.html": {**page, "body4": 0.9},
        "pages/r/b.html": {**page, "body4": 0.2},
        "pages/r/c.html": {**page, "body4": 0.99},
    }
    lines = accuracy.worst_pages(result, 2)
    assert len(lines) == 2
    assert "F1 0.200" in lines[0] and lines[0].endswith("pages/r/b.html [hand-made]")
    assert lines[1].endswith("pages/r/a.html")


def test_a_gold_keeping_the_comments_after_dragnets_marker_is_scored_without_them_too(capsys):
    accuracy = _accuracy()
    text = "the council voted on tuesday to close the old ferry terminal by december"
    comments = "first comment says the ferry was never cheap to run anyway"
    gold = {
        "file": "pages/dragnet/1.html",
        "body": f"{text}\n\n{accuracy.COMMENTS_MARK}\n\n{comments}",
    }
    scores = accuracy.score_page(accuracy.Prediction(body=text), gold, True)
    assert scores["body_p"] == 1.0 and scores["body_r"] < 0.6
    assert (scores["own_p"], scores["own_r"], scores["own4"]) == (1.0, 1.0, 1.0)
    plain = accuracy.score_page(accuracy.Prediction(body=text), {"body": text}, True)
    assert "own4" not in plain
    accuracy._print_without_comments({"archiver": {"a": scores, "b": {**plain, "body4": 0.5}}})
    assert "body 4g 0.750" in capsys.readouterr().out
