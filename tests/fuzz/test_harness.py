"""The harness itself: each property it checks fails on a reader that breaks it (a fuzz suite
whose checks cannot fail proves nothing)."""

from __future__ import annotations

import time

import pytest

from graph_loader.files import RawFile
from graph_loader.framework import Rejection, TransformResult
from ontology.errors import InputFileError, LoadError
from ontology.models import MolecularProfile, SourceInfo
from ontology.normalise import normalise_alteration
from ontology.observed import Observed

from . import harness
from .harness import Reader, check

TSV = b"code\tname\nA\tone\nB\ttwo\n"  # three lines


def _reader(read, kind: str = "table") -> Reader:
    return Reader("test/reader", kind, (), read)


def _result(raw: RawFile, *rejections: Rejection) -> TransformResult:
    source = SourceInfo(name="test", version="1", licence="CC0")
    return TransformResult(source=source, rejections=list(rejections))


def test_a_good_reader_passes() -> None:
    assert check(_reader(lambda raw: _result(raw)), "t.tsv", TSV) == "read"
    refuse = _reader(lambda raw: (_ for _ in ()).throw(InputFileError(raw.name, "bad", 2)))
    assert check(refuse, "t.tsv", TSV) == "refused"


def test_an_exception_other_than_input_file_error_escapes() -> None:
    def crash(raw: RawFile):  # type: ignore[no-untyped-def]
        return {}["missing"]

    with pytest.raises(KeyError):
        check(_reader(crash), "t.tsv", TSV)


@pytest.mark.parametrize(
    ("error", "complaint"),
    [
        (InputFileError("other.tsv", "bad", 2), "names 'other.tsv'"),
        (InputFileError("t.tsv", " ", 2), "no reason"),
        (InputFileError("t.tsv", "row 2 is bad"), "no line"),
        (InputFileError("t.tsv", "bad", 9), "line 9 of a 4-line file"),
    ],
)
def test_an_input_file_error_must_name_the_file_a_reason_and_a_line(error, complaint) -> None:
    def refuse(raw: RawFile):  # type: ignore[no-untyped-def]
        raise error

    with pytest.raises(AssertionError, match=complaint):
        check(_reader(refuse), "t.tsv", TSV)


def test_a_whole_file_reason_needs_no_line() -> None:
    def refuse(raw: RawFile):  # type: ignore[no-untyped-def]
        raise InputFileError(raw.name, "broken gzip data: CRC check failed")

    assert check(_reader(refuse), "t.tsv", TSV) == "refused"


@pytest.mark.parametrize(
    ("rejection", "complaint"),
    [
        (Rejection("t.tsv", None, "malformed row"), "without a line"),
        (Rejection("t.tsv", 7, "malformed row"), "line 7 of a 4-line file"),
        (Rejection("t.tsv", 2, ""), "without a reason"),
    ],
)
def test_a_rejected_row_must_carry_a_line_and_a_reason(rejection, complaint) -> None:
    with pytest.raises(AssertionError, match=complaint):
        check(_reader(lambda raw: _result(raw, rejection)), "t.tsv", TSV)


def test_a_rejected_json_item_must_say_which() -> None:
    vague = _reader(lambda raw: _result(raw, Rejection(raw.name, None, "bad item")), "json")
    with pytest.raises(AssertionError, match="says not which"):
        check(vague, "t.json", b"[]")
    said = _reader(lambda raw: _result(raw, Rejection(raw.name, None, "bad", "item 3")), "json")
    assert check(said, "t.json", b"[]") == "read"


def test_a_result_that_cannot_be_written_fails() -> None:
    def unnamed(raw: RawFile) -> TransformResult:
        result = _result(raw)
        result.nodes.append(MolecularProfile.model_construct(id="mp:1", name=""))
        return result

    with pytest.raises(LoadError, match="lacks required name"):
        check(_reader(unnamed), "t.tsv", TSV, known=False)


def _observed(origin: str) -> Observed:
    return Observed("B", "two", normalise_alteration("B", "two"), origin)


def test_an_alteration_must_come_from_the_line_it_names() -> None:
    assert check(_reader(lambda raw: [_observed("t.tsv:3")]), "t.tsv", TSV) == "read"
    with pytest.raises(AssertionError, match="points to a line without 'two'"):
        check(_reader(lambda raw: [_observed("t.tsv:2")]), "t.tsv", TSV)
    with pytest.raises(AssertionError, match="out of the file"):
        check(_reader(lambda raw: [_observed("t.tsv:40")]), "t.tsv", TSV)


def test_a_tso500_call_must_come_from_a_line_of_its_gene_or_key() -> None:
    cvo = b"[TMB]\nTotal TMB\t12\n\n[Gene Amplifications]\nGene\tFold Change\nERBB2\t3.1\n"
    amp = Observed("ERBB2", "amplification", normalise_alteration("ERBB2", "amplification"),
                   "t.tsv:6 (Gene Amplifications)")  # fmt: skip
    tmb = Observed(None, "TMB-H", normalise_alteration(None, "TMB-H"), "t.tsv:2 (TMB)")
    assert check(_reader(lambda raw: [amp, tmb]), "t.tsv", cvo) == "read"
    wrong = Observed("ERBB2", "amplification", amp.concept, "t.tsv:5 (Gene Amplifications)")
    with pytest.raises(AssertionError, match="points to a line without 'ERBB2'"):
        check(_reader(lambda raw: [wrong]), "t.tsv", cvo)
    elsewhere = Observed(None, "TMB-H", tmb.concept, "t.tsv:6 (TMB)")
    with pytest.raises(AssertionError, match="points to a line without 'TMB'"):
        check(_reader(lambda raw: [elsewhere]), "t.tsv", cvo)


def test_line_numbers_count_line_feeds_not_form_feeds() -> None:
    # str.splitlines breaks at \x0c: a reader using it puts "two" on line 4, which is line 3
    data = b"code\tname\x0c(x)\nA\tone\nB\ttwo\n"
    assert len(harness.file_lines(data)) == 4
    with pytest.raises(AssertionError, match="points to a line without"):
        check(_reader(lambda raw: [_observed("t.tsv:4")]), "t.tsv", data)


def test_a_reader_that_does_not_return_is_stopped(monkeypatch) -> None:
    monkeypatch.setattr(harness, "TIME_LIMIT", 1)
    with pytest.raises(harness.ReaderTimeout):
        check(_reader(lambda raw: time.sleep(5)), "t.tsv", TSV)


def test_a_known_bug_is_tolerated_only_where_it_is(monkeypatch) -> None:
    monkeypatch.setattr(harness, "KNOWN_BUGS", (
        harness.KnownBug("a codon of thousands of digits", "ontology/normalise.py", ("",),
                         ValueError, r"Exceeds the limit \(\d+ digits\) for integer string"),
        harness.KnownBug("blank trial title", "graph_loader/cohorts.py", ("cohorts/",),
                         LoadError, r"^(Trial|TrialArm) .* lacks required (title|name)$"),
    ))  # fmt: skip

    def huge(raw: RawFile):  # type: ignore[no-untyped-def]
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")

    assert check(_reader(huge), "t.tsv", TSV) == "known"
    with pytest.raises(ValueError):
        check(_reader(huge), "t.tsv", TSV, known=False)
    other = Reader("hgnc/tsv", "table", (), lambda raw: _result(raw))

    def untitled(raw: RawFile):  # type: ignore[no-untyped-def]
        raise LoadError("Trial 'registry:x' lacks required title")

    with pytest.raises(LoadError):  # the known cohorts bug, but not from the cohorts reader
        check(Reader(other.id, "table", (), untitled), "t.tsv", TSV)
