"""The drawn demonstrations on the pages (issue 16): the plan cards, the exercise page with the
key frames for reduced motion, and the session player's figures timed to the dose."""

import json
import re

import pytest
from django.test import Client

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.figure import dose_spans
from hipalign.core.figure.demo import steps_lit
from hipalign.core.library import default_library
from hipalign.core.library.catalog import default_demos


def _json(html: str, element_id: str) -> object:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, element_id
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_every_plan_card_shows_the_end_position_and_fetches_the_movement_on_a_tap(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    html = owner_client.get("/plan").content.decode()
    cards = html.count('data-testid="card-figure"')
    assert cards >= 1 and cards == html.count('<article class="card exercise"')
    assert 'role="img"' in html and "Drawing of " in html  # each still says what it shows
    assert "/static/hipalign/js/demo.js" in html
    # The page carries stills only: the moving figures are fetched from our own route.
    assert "<animate" not in html
    urls = re.findall(r'class="demo-play" data-src="([^"]+)"', html)
    assert len(urls) == cards and all(u.startswith("/exercises/") for u in urls)
    moving = owner_client.get(urls[0].replace("&amp;", "&"))
    assert moving.status_code == 200
    assert moving["Content-Type"].startswith("image/svg+xml")
    assert b"<animate" in moving.content and b"Moving drawing of " in moving.content


@pytest.mark.django_db
def test_the_moving_figure_is_cached_by_its_etag_and_answers_304_when_unchanged(
    owner_client: Client,
) -> None:
    first = owner_client.get("/exercises/clamshell/figure/left.svg?lang=en")
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, max-age=86400"
    assert b"left side" in first.content and b"right side" not in first.content
    again = owner_client.get(
        "/exercises/clamshell/figure/left.svg?lang=en", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    right = owner_client.get("/exercises/clamshell/figure/right.svg?lang=en")
    assert right["ETag"] != first["ETag"]  # another drawing, another tag


@pytest.mark.django_db
def test_the_moving_figure_of_an_unknown_exercise_or_side_is_404_and_needs_a_sign_in(
    owner_client: Client, client: Client
) -> None:
    assert owner_client.get("/exercises/not_an_exercise/figure/left.svg").status_code == 404
    assert owner_client.get("/exercises/clamshell/figure/middle.svg").status_code == 404
    assert client.get("/exercises/clamshell/figure/left.svg").status_code == 302


@pytest.mark.django_db
def test_the_exercise_page_moves_shows_each_key_frame_and_ties_steps_to_frames(
    owner_client: Client,
) -> None:
    html = owner_client.get("/exercises/side_hip_abduction").content.decode()
    demo = default_demos()["side_hip_abduction"]
    assert html.count("<animate") >= 1
    assert html.count('class="demo-caption"') == len(demo.frames)
    timing = _json(html, "demo-timing")
    assert isinstance(timing, dict)
    assert timing["steps"] == [demo.index_of(n) for n in demo.steps]
    # One lit step per frame, from the core's rule (demo.js highlights exactly that one).
    spans = dose_spans(demo, default_library()["side_hip_abduction"])
    assert [f["step"] for f in timing["frames"]] == steps_lit(demo, spans)
    assert ">Right side</text>" in html
    left = owner_client.get("/exercises/side_hip_abduction?side=left").content.decode()
    assert ">Left side</text>" in left and ">Right side</text>" not in left


@pytest.mark.django_db
def test_an_unknown_side_falls_back_to_the_right_and_an_unknown_exercise_is_404(
    owner_client: Client,
) -> None:
    html = owner_client.get("/exercises/clamshell?side=%3Cx%3E").content.decode()
    assert ">Right side</text>" in html and "<x>" not in html
    assert owner_client.get("/exercises/not_an_exercise").status_code == 404


@pytest.mark.django_db
def test_the_player_has_a_figure_for_each_exercise_and_side_timed_to_its_dose(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    html = owner_client.get("/today").content.decode()
    player = _json(html, "player-data")
    timing = _json(html, "player-demo-timing")
    assert isinstance(player, dict) and isinstance(timing, dict)
    wanted = {
        f"{s['exercise']}:{s['side'] or 'right'}"
        for s in player["script"]["steps"]
        if s["kind"] in ("reps", "hold")
    }
    assert wanted <= set(timing)
    for step in player["script"]["steps"]:
        if step["kind"] == "hold":
            frames = timing[f"{step['exercise']}:{step['side'] or 'right'}"]["frames"]
            holds = [f for f in frames if f["phase"] == "hold"]
            assert holds and all(f["duration_s"] == step["duration_s"] for f in holds)
        if step["kind"] == "reps":
            t = timing[f"{step['exercise']}:{step['side'] or 'right'}"]
            per_rep = step["duration_s"] / step["count"]
            assert t["cycle_s"] == pytest.approx(per_rep * t["reps_per_cycle"])
    assert html.count("<template data-key=") == len(timing)
