"""``oncograph``: the command line. Thin click commands over library functions.

Store selection: ``--neo4j-uri`` / ``NEO4J_URI`` picks Neo4j (with ``NEO4J_USERNAME``,
``NEO4J_PASSWORD``, ``NEO4J_DATABASE``); otherwise the embedded store at ``--store`` /
``ONCOGRAPH_STORE`` (default ``~/.local/share/oncograph/store``).
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

FORMAT_CHOICE = click.Choice(["table", "json", "csv"])
# graph_loader.sources.SOURCES by name (kept literal so that `--help` imports no loader; a test
# checks that the two agree)
SOURCE_NAMES = ("oncotree", "hgnc", "civic", "moalmanac", "ema", "fda", "nyemetoder",
                "clinicaltrials", "cohorts", "outcomes", "cbioportal")  # fmt: skip


@dataclass
class Settings:
    debug: bool
    store_dir: Path | None
    neo4j_uri: str | None
    neo4j_user: str | None
    neo4j_password: str | None
    neo4j_database: str | None
    timeout: float = 60.0

    def config(self) -> Any:
        from graph_loader.backends import Neo4jSettings, StoreConfig, default_store_dir

        if self.neo4j_uri:
            return StoreConfig(
                neo4j=Neo4jSettings(
                    uri=self.neo4j_uri,
                    username=self.neo4j_user,
                    password=self.neo4j_password,
                    database=self.neo4j_database,
                )
            )
        return StoreConfig(store_dir=self.store_dir or default_store_dir())

    def open(self, write: bool = False) -> Any:
        from graph_loader.backends import open_store

        return open_store(self.config(), read_only=not write, timeout=self.timeout)


class OncographGroup(click.Group):
    """Turns project errors into one line and an exit code; ``--debug`` shows the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from ontology.errors import OncographError

        try:
            return super().invoke(ctx)
        except OncographError as exc:
            if _debug(ctx):
                traceback.print_exc()
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # output piped into head & co.: stop quietly
            sys.stderr.close()
            ctx.exit(0)
        except Exception as exc:  # a bug: say so in one line unless --debug
            if _debug(ctx):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                err=True,
            )
            ctx.exit(70)


def _debug(ctx: click.Context) -> bool:
    obj = ctx.find_object(Settings)
    return bool(obj and obj.debug) or "--debug" in sys.argv


def _progress() -> Any:
    """A progress callback drawing a bar on a terminal, silent otherwise."""
    if not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def update(step: str, done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=total, label="writing", file=sys.stderr, width=30)
            bar.__enter__()
            state["bar"], state["done"] = bar, 0
        bar.label = f"{step:<28}"
        bar.update(done - state["done"])
        state["done"] = done
        if done >= total:
            bar.__exit__(None, None, None)
            state.clear()

    return update


@click.group(cls=OncographGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="ONCOGRAPH_STORE",
    help="Embedded store directory [env ONCOGRAPH_STORE; default ~/.local/share/oncograph/store].",
)
@click.option("--neo4j-uri", envvar="NEO4J_URI", help="Use Neo4j at this bolt:// or neo4j:// URI.")
@click.option("--neo4j-user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True)
@click.option(
    "--neo4j-password", envvar="NEO4J_PASSWORD", help="Prefer the NEO4J_PASSWORD variable."
)
@click.option("--neo4j-database", envvar="NEO4J_DATABASE", help="Default: the server's default.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    envvar="ONCOGRAPH_TIMEOUT",
    help="Time limit of one statement in seconds, 0 for none; a load's own writes are not limited "
    "[env ONCOGRAPH_TIMEOUT].",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="oncograph")
@click.pass_context
def cli(
    ctx: click.Context,
    store_dir: Path | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    neo4j_password: str | None,
    neo4j_database: str | None,
    timeout: float,
    debug: bool,
) -> None:
    """oncograph: cancer biomarkers, drugs, approvals, Norwegian reimbursement and trials in one
    graph. Uses Neo4j when a URI is given, else the embedded store."""
    from click.core import ParameterSource

    if (store_dir is not None and neo4j_uri
            and ctx.get_parameter_source("store_dir") is ParameterSource.COMMANDLINE
            and ctx.get_parameter_source("neo4j_uri") is ParameterSource.ENVIRONMENT):  # fmt: skip
        neo4j_uri = None  # --store given here wins over a NEO4J_URI left in the environment
    ctx.obj = Settings(
        debug, store_dir, neo4j_uri, neo4j_user, neo4j_password, neo4j_database, timeout
    )


@cli.command()
@click.option("--empty", is_flag=True, help="Only the schema: no bundled OncoTree and HGNC genes.")
@click.pass_obj
def init(settings: Settings, empty: bool) -> None:
    """Create the schema (constraints, indexes, typed tables) and load the bundled references
    (OncoTree, HGNC genes) the other sources normalise against; safe to run again."""
    from graph_loader import init_store

    with settings.open(write=True) as store:
        done, reports = init_store(store, references=not empty)
        click.echo(f"{store.backend} store at {store.location()}: schema ready")
        click.echo(f"  created {len(done)} item(s)" if done else "  nothing to create")
        for report in reports:
            click.echo(report.render())


@cli.command()
@click.argument("source", type=click.Choice(SOURCE_NAMES))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--source-version", help="The release, when the file name does not tell it.")
@click.option("--strict", is_flag=True, help="Fail, writing nothing, if any row is rejected.")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100000))
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Allow a load that removes more than a fifth of the source's facts (a smaller release).",
)
@click.option(
    "--report-json", type=click.Path(path_type=Path, dir_okay=False), help="Also write the report."
)
@click.pass_obj
def load(
    settings: Settings,
    source: str,
    path: Path,
    source_version: str | None,
    strict: bool,
    batch_size: int,
    allow_shrink: bool,
    report_json: Path | None,
) -> None:
    """Load a source file (a release directory for civic) into the graph; it is validated
    whole before anything is written."""
    from graph_loader import ensure_schema, load, transform_file

    with settings.open(write=True) as store:
        ensure_schema(store)  # a fresh store: the schema first, then what the source needs
        result = transform_file(source, path, version=source_version, store=store)
        report = load(store, result, strict=strict, batch_size=batch_size, progress=_progress(),
                      allow_shrink=allow_shrink)  # fmt: skip
    click.echo(report.render())
    if report_json:
        report_json.write_text(report.to_json() + "\n", encoding="utf-8")


@cli.command()
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, help="name=value (JSON values parsed).")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.option("--write", is_flag=True, help="Allow statements that write (default: read-only).")
@click.pass_obj
def cypher(settings: Settings, query: str, params: tuple[str, ...], fmt: str, write: bool) -> None:
    """Run one Cypher statement; read-only unless --write is given."""
    from queries import parse_params
    from queries.output import render

    values = parse_params(params)
    with settings.open(write=write) as store:
        rows = store.run(query, values)
    click.echo(render(rows, fmt))


@cli.command()
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.pass_obj
def stats(settings: Settings, fmt: str) -> None:
    """Node counts per label and relationship counts per type."""
    from queries import graph_stats
    from queries.output import render

    with settings.open() as store:
        result = graph_stats(store)
        location = f"{store.backend} store at {store.location()}"
    if fmt == "table":
        click.echo(location)
    click.echo(render(result.rows(nonzero=fmt == "table"), fmt))
    if fmt == "table":
        click.echo(
            f"total: {result.total_nodes:,} nodes, {result.total_relationships:,} relationships"
        )


@cli.command()
@click.pass_obj
def sources(settings: Settings) -> None:
    """The dataset releases loaded, with licence, checksum and last run."""
    from queries import list_sources
    from queries.output import render

    with settings.open() as store:
        rows = [r.model_dump() for r in list_sources(store)]
    click.echo(render(rows))


@cli.command()
@click.argument("query")
@click.pass_obj
def tumour(settings: Settings, query: str) -> None:
    """Look up a tumour type by OncoTree code, name or previous code; show its ancestors."""
    from queries import find_tumour_type

    with settings.open() as store:
        match = find_tumour_type(store, query)
    click.echo(match.render_text())


@cli.command()
@click.argument("symbol")
@click.pass_obj
def gene(settings: Settings, symbol: str) -> None:
    """Look up a gene by HGNC symbol, alias or previous symbol."""
    from queries import find_gene

    with settings.open() as store:
        rows = find_gene(store, symbol)
    for row in rows:
        how = "approved symbol" if row.current else f"alias or previous symbol {symbol.upper()}"
        click.echo(f"{row.symbol}  {row.hgnc_id}  {row.name or ''}  (matched by {how})")


@cli.command()
@click.argument("gene")
@click.argument("alteration")
@click.option("--tumour", help="OncoTree code or name; evidence for broader types applies.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def evidence(settings: Settings, gene: str, alteration: str, tumour: str | None, fmt: str) -> None:
    """The evidence for an alteration, grouped by therapy, with each source's levels.

    Example: oncograph evidence BRAF V600E --tumour MEL (p.Val600Glu works too)."""
    from queries.evidence import evidence_for

    with settings.open() as store:
        answer = evidence_for(store, gene, alteration, tumour)
    click.echo(answer.model_dump_json(indent=2) if fmt == "json" else answer.render_text())


# drugs of the Nye Metoder sample: the demo lists their gaps first
DEMO_FOCUS = {"osimertinib", "capmatinib", "sotorasib", "olaparib", "larotrectinib",
              "entrectinib", "crizotinib", "brigatinib", "lorlatinib"}  # fmt: skip

AS_OF = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="What was in force on this date (YYYY-MM-DD): approvals, decisions, evidence "
    "published by then. Default: the current state.",
)


@cli.command()
@click.argument("gene")
@click.argument("alteration")
@click.option("--tumour", help="OncoTree code or name.")
@AS_OF
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def chain(
    settings: Settings, gene: str, alteration: str, tumour: str | None, as_of: Any, fmt: str
) -> None:
    """The evidence chain: alteration -> evidence -> therapy -> approvals -> Norwegian decision.

    Example: oncograph chain EGFR "exon 19 deletion" --tumour NSCLC --as-of 2020-01-01"""
    from queries.hta import chain as build_chain

    day = as_of.date() if as_of else None
    with settings.open() as store:
        answer = build_chain(store, gene, alteration, tumour, day)
    click.echo(answer.model_dump_json(indent=2) if fmt == "json" else answer.render_text())


@cli.command()
@click.argument(
    "which",
    type=click.Choice(
        [
            "all",
            "coverage",
            "evidence-without-decision",
            "ema-without-nyemetoder",
            "not-introduced-newer",
            "fda-without-ema",
        ]
    ),  # fmt: skip
    default="all",
)
@AS_OF
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "xlsx"]),
    default="table",
    show_default=True,
    help="xlsx: a workbook with a sheet per gap (needs --output), as the web page downloads.",
)
@click.option(
    "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file instead."
)
@click.option("--limit", type=click.IntRange(0), default=0, help="At most this many rows per gap.")
@click.pass_obj
def gaps(
    settings: Settings, which: str, as_of: Any, fmt: str, output: Path | None, limit: int
) -> None:
    """Documentation gaps for HTA staff, or the coverage matrix (coverage, best as CSV).

    \b
    evidence-without-decision  clinical evidence, no Nye Metoder decision
    ema-without-nyemetoder     EMA biomarker indication, no Nye Metoder method
    not-introduced-newer       'Er ikke innført' with a newer approval or evidence
    fda-without-ema            FDA biomarker indication, no EMA counterpart
    coverage                   alteration x therapy x tumour against every source"""
    from queries.hta import GAPS, coverage, gap, render_gaps
    from queries.output import render
    from queries.snapshot import Snapshot

    day = as_of.date() if as_of else None
    if fmt == "xlsx":
        from ontology.errors import ConfigError
        from queries.office import gaps_sheets, sheets_xlsx

        if output is None:
            raise ConfigError("--format xlsx writes a workbook: give --output FILE.xlsx")
        with settings.open() as store:
            snap = Snapshot(store)
            cov = coverage(snap, day) if which == "coverage" else None
            answers = (
                []
                if cov is not None
                else [gap(snap, name, day) for name in (GAPS if which == "all" else [which])]
            )
        answers = [a.model_copy(update={"rows": a.rows[:limit]}) if limit else a for a in answers]
        title = f"oncograph gaps {which}; as of {day or 'the current state'}"
        output.write_bytes(sheets_xlsx(gaps_sheets(answers, cov), title))
        click.echo(f"wrote {output}")
        return
    with settings.open() as store:
        snap = Snapshot(store)
        if which == "coverage":
            text = render([r.model_dump() for r in coverage(snap, day)], fmt)
        else:
            names = GAPS if which == "all" else [which]
            text = render_gaps([gap(snap, name, day) for name in names], fmt, limit)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text)


@cli.command()
@click.option(
    "--by",
    type=click.Choice(["arm", "study"]),
    default=None,
    help="Trial arms and registry cohorts, or de-identified studies (default: both).",
)
@click.option(
    "--tumour-level",
    type=click.Choice(["main_type", "tumour"]),
    default="main_type",
    show_default=True,
    help="Studies: group by OncoTree main type or exact type.",
)
@click.option("--exact", is_flag=True, help="Exact small counts (internal use, not for sharing).")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.pass_obj
def cohorts(settings: Settings, by: str | None, tumour_level: str, exact: bool, fmt: str) -> None:
    """Cohort analytics: per arm the IMPRESS/DRUP two-stage decision, disease control at week 16,
    responses and median PFS; per study, treatment class and tumour type the patients, deaths
    and median OS. Counts of 1-4 are shown as <5 unless --exact."""
    from queries.cohorts import arm_summaries, render_cohorts, study_summaries

    with settings.open() as store:
        arms = arm_summaries(store, exact) if by in (None, "arm") else []
        studies = study_summaries(store, tumour_level, exact) if by in (None, "study") else []
    click.echo(render_cohorts(arms, studies, by, exact, fmt))


@cli.command()
@click.option("--alteration", required=True, help='The patient\'s alteration: "BRAF V600E".')
@click.option("--tumour", required=True, help="OncoTree code or name.")
@click.option("--all-statuses", is_flag=True, help="Also closed and completed arms.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.pass_obj
def arms(settings: Settings, alteration: str, tumour: str, all_statuses: bool, fmt: str) -> None:
    """Open trial arms and cohorts that accept a patient's alteration in a tumour type, exactly or
    via the alteration and OncoTree hierarchies, saying which.

    Example: oncograph arms --alteration "BRAF V600E" --tumour COAD"""
    from queries.cohorts import arm_options
    from queries.evidence import split_gene_alteration
    from queries.output import render

    gene, rest = split_gene_alteration(alteration)
    with settings.open() as store:
        options = arm_options(store, gene, rest, tumour, include_closed=all_statuses)
    rows = [o.model_dump(exclude={"synthetic"}) | {"arm_id": o.arm_id + (" (synthetic)" if
            o.synthetic else "")} for o in options]  # fmt: skip
    if fmt == "table" and not rows:
        which = "" if all_statuses else "open "
        click.echo(f"no {which}arm accepts {alteration} in {tumour}")
        return
    click.echo(render(rows, fmt, max_width=48))


@cli.command()
@click.option(
    "--patient",
    "patient",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A list (BRAF V600E; ERBB2 amplification), a .maf, a VEP/SnpEff .vcf or a TSO500 "
    "CombinedVariantOutput.tsv.",
)
@click.option("--alterations", help='The alterations inline: "BRAF V600E; EML4::ALK".')
@click.option(
    "--fusions",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A fusion list (one GENE1::GENE2 per line).",
)
@click.option(
    "--copy-number",
    "copy_number",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A copy-number list (one 'GENE amplification|deletion' per line).",
)
@click.option("--tumour", required=True, help="OncoTree code or name.")
@click.option("--sample", help="Which sample of a multi-sample MAF/VCF (default: the only one).")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the HTML report here (and the JSON beside it, .json).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table")
@click.pass_obj
def report(
    settings: Settings,
    patient: Path | None,
    alterations: str | None,
    fusions: Path | None,
    copy_number: Path | None,
    tumour: str,
    sample: str | None,
    output: Path | None,
    fmt: str,
) -> None:
    """The tumour-board report: each alteration matched at every granularity, options ranked and
    tiered (ESCAT-like, with reasons), approvals, Nye Metoder status, open arms and outcomes.

    Example: oncograph report --alterations "BRAF V600E" --tumour COAD --output board.html"""
    from graph_loader.patient import read_patient_inputs
    from queries.board import board_report
    from queries.report import render_html

    given = read_patient_inputs(patient, alterations, fusions, copy_number, sample)
    with settings.open() as store:
        result = board_report(store, given.observed, tumour, sample=given.sample,
                              measurements=given.measurements, skipped=given.skipped)  # fmt: skip
    if output:
        output.write_text(render_html(result), encoding="utf-8")
        output.with_suffix(".json").write_text(result.model_dump_json(indent=2), "utf-8")
        click.echo(f"wrote {output} and {output.with_suffix('.json')}")
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    elif fmt == "html" and not output:
        click.echo(render_html(result))
    elif fmt == "table":
        click.echo(result.render_table())


@cli.command()
@click.option("--arm", help="The cohort: TRIAL/COHORT (IMPRESS-SYNTHETIC/C05).")
@click.option("--alteration", help='Or the combination: the biomarker ("ERBB2 amplification"),')
@click.option("--tumour", help="its tumour type (OncoTree code or name)")
@click.option("--therapy", help='and the therapy ("trastuzumab + pertuzumab").')
@click.option("--list", "list_", is_flag=True, help="The index: every cohort, decision and gap.")
@click.option(
    "--all",
    "all_",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write every cohort's dossier (HTML and XLSX) into this folder, with the index.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the dossier here: .html (and the XLSX beside it), .xlsx or .json.",
)
@click.option("--exact", is_flag=True, help="Exact small counts and per-patient rows (internal).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "html"]),
    default="table",
    show_default=True,
)
@click.pass_obj
def dossier(
    settings: Settings,
    arm: str | None,
    alteration: str | None,
    tumour: str | None,
    therapy: str | None,
    list_: bool,
    all_: Path | None,
    output: Path | None,
    exact: bool,
    fmt: str,
) -> None:
    """The evidence dossier of one cohort (tumour type x biomarker x drug) for Nye Metoder: the
    cohort and its two-stage history, outcomes with exact intervals and Kaplan-Meier curves, the
    same combination in knowledge bases, labels, other cohorts and Nye Metoder, the gap, and
    pay-for-performance weeks. For sharing unless --exact (counts of 1-4 shown as <5).

    Examples: oncograph dossier --list; oncograph dossier --arm IMPRESS-SYNTHETIC/C05 --output
    c05.html"""
    from queries.dossier import dossier as make
    from queries.dossier import dossier_index
    from queries.dossier_render import (
        dossier_xlsx,
        render_dossier_html,
        render_dossier_text,
        render_index_html,
    )
    from queries.evidence import split_gene_alteration
    from queries.output import render
    from queries.snapshot import Snapshot

    if sum(bool(x) for x in (arm, alteration, list_, all_)) != 1:
        raise click.UsageError("give one of --arm, --alteration (with --tumour and --therapy), "
                               "--list or --all")  # fmt: skip
    with settings.open() as store:
        snap = Snapshot(store)
        if list_:
            rows = dossier_index(snap)
            text = (render_index_html(rows) if fmt == "html" else
                    render([r.model_dump() for r in rows], fmt, max_width=60))  # fmt: skip
            if output:
                output.write_text(text + "\n", encoding="utf-8")
                click.echo(f"wrote {output}")
            else:
                click.echo(text)
            return
        if all_:
            all_.mkdir(parents=True, exist_ok=True)
            rows = dossier_index(snap)
            (all_ / "index.html").write_text(render_index_html(rows), encoding="utf-8")
            for r in rows:
                d = make(snap, r.arm_id, exact=exact)
                stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", r.arm_id)
                (all_ / f"{stem}.html").write_text(render_dossier_html(d), encoding="utf-8")
                (all_ / f"{stem}.xlsx").write_bytes(dossier_xlsx(d))
            click.echo(f"wrote {len(rows)} dossiers (HTML and XLSX) and index.html to {all_}")
            return
        combination = None
        if alteration:
            if not tumour or not therapy:
                raise click.UsageError("--alteration needs --tumour and --therapy")
            combination = split_gene_alteration(alteration)
        d = make(snap, arm, alteration=combination, tumour=tumour, therapy=therapy, exact=exact)
    if output:
        suffix = output.suffix.lower()
        if suffix == ".xlsx":
            output.write_bytes(dossier_xlsx(d))
            click.echo(f"wrote {output}")
        elif suffix == ".json":
            output.write_text(d.model_dump_json(indent=2), encoding="utf-8")
            click.echo(f"wrote {output}")
        else:
            output.write_text(render_dossier_html(d), encoding="utf-8")
            output.with_suffix(".xlsx").write_bytes(dossier_xlsx(d))
            click.echo(f"wrote {output} and {output.with_suffix('.xlsx')}")
        return
    if fmt == "json":
        click.echo(d.model_dump_json(indent=2))
    elif fmt == "html":
        click.echo(render_dossier_html(d))
    else:
        click.echo(render_dossier_text(d))


@cli.command()
@click.argument("maf", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--tumour", help="One tumour type for every row (OncoTree code or name).")
@click.option(
    "--tumour-column",
    default="ONCOTREE_CODE",
    show_default=True,
    help="Else the column holding each row's OncoTree code.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The annotated rows (TSV).",
)
@click.pass_obj
def annotate(
    settings: Settings, maf: Path, tumour: str | None, tumour_column: str, output: Path
) -> None:
    """Annotate a whole cohort MAF in one run: per protein-changing row the alteration, its best
    tier and options, approvals, Nye Metoder status and open arms (TSV)."""
    import time

    from graph_loader.files import read_file
    from graph_loader.patient import maf_records
    from queries import find_tumour_type
    from queries.batch import BatchStats, annotate_maf, write_tsv
    from queries.snapshot import Snapshot

    started = time.perf_counter()
    raw = read_file(maf)
    stats = BatchStats()
    with settings.open() as store:
        snap = Snapshot(store)
        code = find_tumour_type(snap, tumour).tumour_type.code if tumour else None
        records = maf_records(raw, None if code else tumour_column)
        with output.open("w", encoding="utf-8", newline="") as out:
            n = write_tsv(annotate_maf(snap, records, code, stats, raw.base_name), out)
    click.echo(
        f"annotated {n:,} of {stats.rows:,} rows ({stats.skipped:,} not protein-changing) in "
        f"{time.perf_counter() - started:.1f} s; {stats.distinct_alterations:,} distinct "
        f"alterations, {stats.distinct_matches:,} distinct matches; wrote {output}"
    )


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["graphml", "jsonl", "kgx"]), required=True)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="A file (graphml, jsonl) or a directory (kgx: nodes.tsv, edges.tsv).",
)
@click.option("--alteration", help='Only the subgraph around it: "BRAF V600E".')
@click.option("--drug", help="Only the subgraph around a drug.")
@click.option("--tumour", help="Only the subgraph around a tumour type.")
@click.option("--depth", type=click.IntRange(1, 6), default=2, show_default=True)
@click.option(
    "--allow-restricted",
    is_flag=True,
    help="Also export sources whose owners restrict sharing (patient-level data).",
)
@click.pass_obj
def export(
    settings: Settings,
    fmt: str,
    output: Path,
    alteration: str | None,
    drug: str | None,
    tumour: str | None,
    depth: int,
    allow_restricted: bool,
) -> None:
    """Export the graph, or a subgraph, as GraphML (Cytoscape, Gephi), JSON Lines or KGX TSV
    (Biolink categories and predicates); every node and edge keeps its source and licence."""
    from queries.export import (
        around,
        centre_key,
        check_shareable,
        to_networkx,
        write_graphml,
        write_jsonl,
        write_kgx,
    )

    with settings.open() as store:
        g = to_networkx(store)
        if alteration or drug or tumour:
            g = around(g, centre_key(store, alteration, drug, tumour), depth)
    if not allow_restricted:
        check_shareable(g)
    if fmt == "graphml":
        write_graphml(g, output)
    elif fmt == "jsonl":
        with output.open("w", encoding="utf-8") as out:
            write_jsonl(g, out)
    else:
        write_kgx(g, output)
    click.echo(f"wrote {output}: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges")


@cli.group()
def graph() -> None:
    """Graph analytics with networkx: neighbourhoods, reachable drugs, gene centrality."""


@graph.command("neighbourhood")
@click.option("--alteration")
@click.option("--drug")
@click.option("--tumour")
@click.option("--depth", type=click.IntRange(1, 3), default=1, show_default=True)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.pass_obj
def graph_neighbourhood(settings: Settings, alteration: str | None, drug: str | None,
                        tumour: str | None, depth: int, fmt: str) -> None:  # fmt: skip
    """What lies within DEPTH steps of a biomarker, drug or tumour type."""
    from queries.export import centre_key, neighbourhood, to_networkx
    from queries.output import render

    with settings.open() as store:
        centre = centre_key(store, alteration, drug, tumour)
        rows = neighbourhood(to_networkx(store), centre, depth)
    click.echo(render(rows, fmt))


@graph.command("reach")
@click.option("--alteration", required=True, help='"BRAF V600E"')
@click.option("--steps", type=click.IntRange(1, 6), default=3, show_default=True)
@click.pass_obj
def graph_reach(settings: Settings, alteration: str, steps: int) -> None:
    """The drugs reachable from an alteration within STEPS steps, each with a shortest path."""
    from queries.export import centre_key, drugs_within, to_networkx

    with settings.open() as store:
        centre = centre_key(store, alteration, None, None)
        found = drugs_within(to_networkx(store), centre, steps)
    for name, path in found:
        click.echo(f"{name}: {' -> '.join(path)}")
    click.echo(f"({len(found)} drugs within {steps} steps)")


@graph.command("centrality")
@click.option("--top", type=click.IntRange(1, 500), default=15, show_default=True)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.pass_obj
def graph_centrality(settings: Settings, top: int, fmt: str) -> None:
    """Genes ranked by degree centrality in the evidence graph (gene -> therapies and tumour
    types their alterations' evidence names)."""
    from queries.export import gene_centrality, to_networkx
    from queries.output import render

    with settings.open() as store:
        ranked = gene_centrality(to_networkx(store), top)
    click.echo(render([{"gene": g, "centrality": round(c, 4), "neighbours": n}
                       for g, c, n in ranked], fmt))  # fmt: skip


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, help="name=value (JSON values parsed).")
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Run your own .cypher file (read-only) instead of a catalog query.",
)
@click.option("--list", "list_", is_flag=True, help="List the catalog queries.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "graphml"]),
    default="table",
    show_default=True,
)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here.")
@click.option("--explain", is_flag=True, help="Show the plan instead of running (Neo4j).")
@click.option(
    "--cookbook",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the cookbook (every catalog query with its answer on this store) to this file.",
)
@click.pass_obj
def query(
    settings: Settings,
    name: str | None,
    params: tuple[str, ...],
    file: Path | None,
    list_: bool,
    fmt: str,
    output: Path | None,
    explain: bool,
    cookbook: Path | None,
) -> None:
    """Run a saved (catalog) query by name, or your own Cypher file, with parameters.

    Examples: oncograph query --list; oncograph query tumour_type_ancestors --param code=LUAD;
    oncograph query --file my.cypher --param gene=BRAF --format csv"""
    from ontology.errors import ConfigError
    from queries import parse_params
    from queries.catalog import catalog, get
    from queries.output import render, rows_to_graphml

    if cookbook is not None:
        from queries.cookbook import cookbook_markdown

        with settings.open() as store:
            cookbook.write_text(cookbook_markdown(store), encoding="utf-8")
        click.echo(f"wrote {cookbook}")
        return
    if list_:
        rows = [{"name": n, "question": q.question, "params": q.params}
                for n, q in sorted(catalog().items())]  # fmt: skip
        click.echo(render(rows, "table" if fmt == "graphml" else fmt, max_width=70))
        return
    if (name is None) == (file is None):
        raise ConfigError("give a catalog query NAME or --file (see --list)")
    if file is not None:
        text = file.read_text(encoding="utf-8")
    else:
        entry = get(name or "")
        if entry.placeholders:
            raise ConfigError(f"{name} is a template over labels; use `oncograph stats`")
        text = entry.text
    values = parse_params(params)
    with settings.open() as store:
        if explain:
            click.echo(store.explain(text, values))
            return
        rows = store.run(text, values)
    out = rows_to_graphml(rows) if fmt == "graphml" else render(rows, fmt)
    if output:
        output.write_text(out + "\n", encoding="utf-8")
        click.echo(f"wrote {output} ({len(rows)} rows)")
    else:
        click.echo(out)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def schema(settings: Settings, fmt: str) -> None:
    """Every label and relationship type with its meaning, where its facts come from, its
    properties and how many there are in this store (docs/data-model.md has the same)."""
    from queries.describe import render_schema, schema_description

    with settings.open() as store:
        description = schema_description(store)
    click.echo(json.dumps(description, indent=2) if fmt == "json" else render_schema(description))


@cli.command()
@click.option(
    "--against",
    "against",
    type=click.Path(path_type=Path, file_okay=False),
    help="The other (earlier) embedded store directory.",
)
@click.option("--against-neo4j-database", help="The other database on the same Neo4j server.")
@click.option("--source", default="civic", show_default=True, help="Whose evidence to compare.")
@click.option(
    "--sentinels",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Cases to re-answer, one 'BRAF V600E | MEL' per line.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Changes shown per kind (table).",
)
@click.pass_obj
def diff(
    settings: Settings,
    against: Path | None,
    against_neo4j_database: str | None,
    source: str,
    sentinels: Path | None,
    fmt: str,
    limit: int,
) -> None:
    """Compare this store with an earlier one: evidence added, removed and changed (level,
    significance, ...), approvals and decisions that changed, and sentinel cases whose top
    answers moved.

    Example: oncograph --store new-store diff --against old-store --sentinels cases.txt"""
    import dataclasses

    from graph_loader.backends import StoreConfig, open_store
    from ontology.errors import ConfigError
    from queries.diff import diff as compare
    from queries.diff import read_sentinels

    if (against is None) == (against_neo4j_database is None):
        raise ConfigError("give --against DIR or --against-neo4j-database NAME")
    if against is not None:
        other = StoreConfig(store_dir=against)
    else:
        config = settings.config()
        if config.neo4j is None:
            raise ConfigError("--against-neo4j-database needs a Neo4j store (--neo4j-uri)")
        other = StoreConfig(neo4j=dataclasses.replace(config.neo4j,
                                                      database=against_neo4j_database))  # fmt: skip
    cases = read_sentinels(sentinels.read_text("utf-8")) if sentinels else None
    with open_store(other) as before, settings.open() as after:
        report = compare(before, after, source, cases)
    click.echo(report.model_dump_json(indent=2) if fmt == "json" else report.render_text(limit))


@cli.command()
@click.argument("name")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.pass_obj
def drug(settings: Settings, name: str, fmt: str) -> None:
    """The alterations and tumour types a drug has evidence for, per therapy and source."""
    from queries.evidence import evidence_for_drug
    from queries.output import render

    with settings.open() as store:
        rows = [r.model_dump() for r in evidence_for_drug(store, name)]
    click.echo(render(rows, fmt, max_width=40))


@cli.command()
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.pass_obj
def conflicts(settings: Settings, fmt: str) -> None:
    """Alteration, therapy and tumour type with both supporting sensitivity and resistance
    evidence."""
    from queries.evidence import conflicts as find_conflicts
    from queries.output import render

    with settings.open() as store:
        rows = [r.model_dump() for r in find_conflicts(store)]
    click.echo(render(rows, fmt, max_width=40))


@cli.command()
@click.pass_obj
def doctor(settings: Settings) -> None:
    """Which backend, where, reachable, schema present, versions."""
    import platform

    from ontology.errors import OncographError

    config = settings.config()
    click.echo(f"oncograph {_version()} on Python {platform.python_version()}")
    where = config.neo4j.display() if config.neo4j else str(config.store_dir)
    click.echo(f"backend: {config.backend} ({where})")
    try:
        with settings.open() as store:
            info = store.info()
    except OncographError as exc:
        click.echo(f"reachable: no ({exc})")
        sys.exit(exc.exit_code)
    click.echo("reachable: yes")
    click.echo(f"server: {info.server_version} {info.edition or ''}".rstrip())
    click.echo(f"client library: {info.driver_version}")
    if info.schema_present:
        click.echo("schema: present")
    else:
        shown = ", ".join(info.schema_missing[:5])
        more = f" and {len(info.schema_missing) - 5} more" if len(info.schema_missing) > 5 else ""
        click.echo(f"schema: missing {shown}{more} (run `oncograph init`)")
        sys.exit(1)


@cli.command()
@click.pass_obj
def demo(settings: Settings) -> None:
    """Load the bundled data (OncoTree, HGNC cancer genes, CIViC, a MOAlmanac subset, EMA and FDA
    lists, a Nye Metoder sample, NCI-MATCH, SYNTHETIC cohorts and outcomes) and print the HTA gap
    list."""
    from graph_loader import load_bundled
    from queries import graph_stats
    from queries.hta import demo_gap_list

    with settings.open(write=True) as store:
        click.echo(f"oncograph demo: {store.backend} store at {store.location()}")
        for report in load_bundled(store, progress=_progress()):
            click.echo(report.render())
        stats = graph_stats(store)
        click.echo(
            f"\ngraph: {stats.total_nodes:,} nodes, {stats.total_relationships:,} relationships"
        )
        click.echo("\n" + demo_gap_list(store, DEMO_FOCUS))
    click.echo(
        '\nTry: oncograph chain EGFR "exon 19 deletion" --tumour NSCLC; '
        "oncograph gaps fda-without-ema; oncograph gaps coverage --format csv --output "
        "coverage.csv; oncograph chain ALK fusion --tumour NSCLC --as-of 2018-01-01; "
        'oncograph cohorts; oncograph arms --alteration "BRAF V600E" --tumour COAD'
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (each keeps its own snapshot).")  # fmt: skip
@click.option("--token", envvar="ONCOGRAPH_TOKEN", help="Require this token (Bearer header, or "
              "the sign-in page for browsers) [env ONCOGRAPH_TOKEN].")  # fmt: skip
@click.option("--behind-proxy", is_flag=True, help="A reverse proxy authenticates the users "
              "(hospital single sign-on): bind beyond localhost without --token.")  # fmt: skip
@click.option("--allow-cypher", is_flag=True, help="Enable POST /api/v1/cypher (read-only guard "
              "and --timeout apply).")  # fmt: skip
@click.option("--demo-if-empty", is_flag=True, help="Load the bundled demo first if the store "
              "holds no source (make serve).")  # fmt: skip
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int, token: str | None,
          behind_proxy: bool, allow_cypher: bool, demo_if_empty: bool) -> None:  # fmt: skip
    """Serve the web application and the HTTP API (read-only) on HOST:PORT.

    Pages for tumour boards (search, the evidence chain, a patient's report from a TSO500, MAF,
    VCF or list, as HTML, JSON or PowerPoint) and HTA staff (gaps and coverage with filters, CSV
    and XLSX, Nye Metoder decisions); the API under /api/v1 (its OpenAPI document at
    /api/v1/openapi.json). A load that completes is served without a restart. Example:
    oncograph serve --port 8000"""
    import ipaddress
    import logging
    import os

    import uvicorn

    from ontology.errors import ConfigError

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not token and not behind_proxy:
        raise ConfigError(f"--host {host} serves beyond this machine: give --token (or "
                          "ONCOGRAPH_TOKEN), or --behind-proxy when a reverse proxy "
                          "authenticates the users (docs/web.md)")  # fmt: skip
    if demo_if_empty:
        _demo_if_empty(settings)
    # the workers read their settings from the environment (uvicorn starts them afresh)
    config = settings.config()
    env = {"ONCOGRAPH_TIMEOUT": str(settings.timeout), "ONCOGRAPH_TOKEN": token or "",
           "ONCOGRAPH_ALLOW_CYPHER": "1" if allow_cypher else ""}  # fmt: skip
    if config.neo4j is not None:
        env |= {"NEO4J_URI": config.neo4j.uri, "NEO4J_USERNAME": config.neo4j.username or "",
                "NEO4J_PASSWORD": config.neo4j.password or "",
                "NEO4J_DATABASE": config.neo4j.database or ""}  # fmt: skip
    else:
        env["ONCOGRAPH_STORE"] = str(config.store_dir)
        os.environ.pop("NEO4J_URI", None)
    os.environ.update(env)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s "
                        "%(message)s")  # fmt: skip
    where = config.neo4j.display() if config.neo4j else str(config.store_dir)
    click.echo(f"oncograph serve: {config.backend} store at {where}; http://{host}:{port}/ "
               f"({workers} worker{'s' if workers > 1 else ''}"
               f"{', token required' if token else ''})", err=True)  # fmt: skip
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_level="info", timeout_graceful_shutdown=10)  # fmt: skip


def _demo_if_empty(settings: Settings) -> None:
    from graph_loader.backends import open_store
    from ontology.errors import SchemaMissingError

    try:
        with open_store(settings.config(), read_only=True) as store:
            empty = not store.read("MATCH (s:Source) RETURN count(s) AS n")[0]["n"]
    except SchemaMissingError:
        empty = True
    if empty:
        click.echo("the store holds no source: loading the bundled demo first", err=True)
        from graph_loader import load_bundled

        with settings.open(write=True) as store:
            for report in load_bundled(store):
                click.echo(report.render(), err=True)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("oncograph")
    except PackageNotFoundError:
        return "(not installed)"


def main() -> None:
    cli(prog_name="oncograph")


if __name__ == "__main__":
    main()
