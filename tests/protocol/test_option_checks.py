"""Option values refused with one line (option_checks, shared by plugin and CLI)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mkdocs_handshake.protocol.option_checks import (
    OptionError,
    check_date,
    check_inside_root,
    check_int,
    check_number,
    check_output_dir,
    strict_date,
)


@pytest.mark.parametrize("text", ["2025-13-01", "2026-02-30", "whenever", "2025-01-01 NOT APPROVED", "20250101", "2025-W01-1", "", "2025-1-1"])
def test_strict_date_refuses_what_is_not_a_real_yyyy_mm_dd_date(text: str) -> None:
    assert strict_date(text) is None


def test_strict_date_accepts_real_dates_and_yaml_dates() -> None:
    assert strict_date(" 2024-02-29 ") == dt.date(2024, 2, 29)
    assert strict_date(dt.date(2026, 11, 20)) == dt.date(2026, 11, 20)
    assert strict_date(dt.datetime(2026, 11, 20, 10, 30)) == dt.date(2026, 11, 20)


def test_check_date_names_the_option() -> None:
    with pytest.raises(OptionError) as caught:
        check_date("as_of", "2026-02-30")
    assert str(caught.value) == "option 'as_of': '2026-02-30' is not a date (write YYYY-MM-DD, a day that exists)"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("../../x", "option 'output_dir': '../../x' leaves the site folder ('..'); give a folder inside it, e.g. 'governance'"),
        ("a/../../b", "leaves the site folder"),
        ("/abs", "option 'output_dir': '/abs' is an absolute path; give a folder relative to the site, e.g. 'governance'"),
        ("C:\\site", "is an absolute path"),
        ("", "option 'output_dir': is empty; generated pages would replace the site's own home page (use e.g. 'governance')"),
        (".", "option 'output_dir': '.' is the site's top folder; generated pages would replace the site's own home page"),
        ("./", "is the site's top folder"),
        ("assets", "option 'output_dir': 'assets' is a folder the theme or a plugin writes (assets); choose another name"),
        ("Search/governance", "is a folder the theme or a plugin writes (Search)"),
        (5, "option 'output_dir': 5 is not a folder name"),
    ],
)
def test_output_dir_outside_or_over_the_site_is_refused_with_one_line(value: object, said: str) -> None:
    with pytest.raises(OptionError) as caught:
        check_output_dir(value, ["assets", "search"])
    assert said in str(caught.value) and "\n" not in str(caught.value)


def test_output_dir_inside_the_site_is_normalised() -> None:
    assert check_output_dir("governance", ["assets"]) == "governance"
    assert check_output_dir("./docs//governance/", ["assets"]) == "docs/governance"


@pytest.mark.parametrize(("value", "said"), [(0, "0 is out of range (at least 1)"), (-5, "-5 is out of range (at least 1)"), (True, "True is not a whole number"), ("60", "'60' is not a whole number")])
def test_integer_options_are_range_checked(value: object, said: str) -> None:
    with pytest.raises(OptionError) as caught:
        check_int("dag_max_nodes", value, 1)
    assert str(caught.value) == f"option 'dag_max_nodes': {said}"
    assert check_int("dag_max_nodes", 1, 1) == 1


@pytest.mark.parametrize(("value", "said"), [(0, "0 is out of range (more than 0 and at most 3600)"), (-1.5, "-1.5 is out of range"), (7200, "7200 is out of range"), (float("nan"), "nan is not a number")])
def test_number_options_are_range_checked(value: object, said: str) -> None:
    with pytest.raises(OptionError) as caught:
        check_number("dot_timeout", value, 0, 3600)
    assert said in str(caught.value)
    assert check_number("dot_timeout", 0.5, 0, 3600) == 0.5


@pytest.mark.parametrize("value", ["../elsewhere", "/etc", "docs/../../x"])
def test_governance_paths_outside_the_root_are_refused(tmp_path: Path, value: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    with pytest.raises(OptionError) as caught:
        check_inside_root("packets", value, root)
    assert str(caught.value) == f"option 'packets': {value!r} is outside the root folder {root}; give a path inside it"
    assert check_inside_root("packets", "docs/task_packets", root) == "docs/task_packets"
