"""The ``cqkg`` command: wires the pipeline modules to flags and nothing more.

Exit codes (as pySHACL's): 0 success or conforms, 1 the data violates the shapes,
2 an error (malformed input, missing build, bad query). Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from cqkg import __version__
from cqkg.query.engines import ENGINES
from cqkg.errors import CqkgError, ValidationFailed
from cqkg.release.dumps import FORMATS, SELECTIONS
from cqkg.settings import SETTINGS, Settings


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: sys.argv[1:]) and return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env(root=args.root, build_dir=args.build_dir)
    try:
        return args.run(args, settings)
    except ValidationFailed as error:
        report = getattr(error, "report", None)
        if report is not None:
            for finding in report.findings:
                print(finding.line(), file=sys.stderr)
        print(f"cqkg: {error.message}", file=sys.stderr)
        return error.exit_code
    except CqkgError as error:
        print(f"cqkg: error: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``cqkg settings | head -1``): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the interpreter's final flush cannot fail again
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cqkg", description="The knowledge graph of Chongqing's innovation ecosystem.")
    parser.add_argument("--version", action="version", version=f"cqkg {__version__}")
    parser.add_argument("--root", type=Path, help="project folder (default: CQKG_ROOT or the source checkout)")
    parser.add_argument("--build-dir", type=Path, help="build folder (default: CQKG_BUILD_DIR or <root>/build)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="validate, reason and write the dataset (skipped when current)")
    build.add_argument("--force", action="store_true", help="rebuild even if the inputs did not change")
    build.set_defaults(run=_build)

    validate = commands.add_parser("validate", help="check the data against the SHACL shapes")
    validate.set_defaults(run=_validate)

    query = commands.add_parser("query", help="run a SPARQL query (a .rq file or the query text)")
    query.add_argument("query", help="path of a .rq file, or the query itself")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.set_defaults(run=_query)

    stats = commands.add_parser("stats", help="entities per class, sentences, labels and links")
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.set_defaults(run=_stats)

    export = commands.add_parser("export", help="write the release: dumps in every format, VoID, CSV tables")
    export.add_argument("--out", type=Path, help="release folder (default: CQKG_DIST_DIR or <root>/dist)")
    export.add_argument("--format", action="append", choices=[f.extension for f in FORMATS],
                        help="only these formats (repeatable; default: all)")
    export.add_argument("--select", action="append", choices=SELECTIONS,
                        help="all graphs, asserted only or inferred only (repeatable; default: all)")
    export.add_argument("--no-gzip", action="store_true", help="do not write gzip-compressed copies")
    export.set_defaults(run=_export)

    diff = commands.add_parser("diff", help="triples added and removed per graph between two releases")
    diff.add_argument("old", type=Path, help="release folder, or .nq/.trig dump (optionally .gz)")
    diff.add_argument("new", type=Path)
    diff.add_argument("--summary", action="store_true", help="only the counts per graph")
    diff.set_defaults(run=_diff)

    publish = commands.add_parser("publish", help="replace each named graph in an external store (Graph Store Protocol)")
    publish.add_argument("--to", required=True, metavar="URL", help="the store's Graph Store endpoint, e.g. http://host:7878/store "
                         "(user:password@host when the store asks for credentials)")
    publish.set_defaults(run=_publish)

    link = commands.add_parser("link", help="propose links from an external dump (TSV), or accept reviewed ones",
                               description="`cqkg link DUMP` proposes matches; `cqkg link accept TSV` writes the accepted ones.")
    link.add_argument("paths", nargs="+", metavar="DUMP | accept TSV")
    link.add_argument("--format", choices=("wikidata", "ror", "geonames", "rdf"), help="dump format (default: from the name)")
    link.add_argument("--out", type=Path, help="proposals TSV (default: links.tsv) or, with accept, the links file")
    link.add_argument("--threshold", type=int, default=80, help="score at or above which a row is pre-accepted")
    link.set_defaults(run=_link)

    imports = commands.add_parser("import", help="import organisation facts and links from ROR records (TriG)")
    imports.add_argument("registry", choices=("ror",))
    imports.add_argument("records", nargs="+", type=Path, metavar="RECORDS", help="ROR JSON record files or folders")
    imports.add_argument("--mapping", type=Path, help="cqkg IRI → ROR ID TSV (default: data/links/ror-mapping.tsv)")
    imports.add_argument("--out", type=Path, help="TriG file to write (default: standard output)")
    imports.add_argument("--commit", help="commit of ror-records the records were read at (cited)")
    imports.set_defaults(run=_import)

    serve = commands.add_parser("serve", help="serve the SPARQL endpoint with a production WSGI server")
    serve.add_argument("--host", help="address to listen on (default: CQKG_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: CQKG_PORT or 8000)")
    serve.add_argument("--fronts", type=int, help="web server processes (default: CQKG_FRONTS or 2)")
    serve.add_argument("--threads", type=int, help="threads per web server process (default: CQKG_THREADS or 16)")
    serve.add_argument("--workers", type=int, help="query worker processes per web server process (default: CQKG_WORKERS or 2)")
    serve.add_argument("--engine", choices=ENGINES, help="query engine (default: CQKG_ENGINE or oxigraph)")
    serve.set_defaults(run=_serve)

    settings = commands.add_parser("settings", help="list every setting with its value and help")
    settings.set_defaults(run=_settings)
    return parser


def _build(args, settings: Settings) -> int:
    from cqkg.build.pipeline import build
    result = build(settings.root, settings.build_dir, force=args.force, log=lambda m: print(m, file=sys.stderr))
    if result.report:
        for finding in result.report.findings:
            print(finding.line(), file=sys.stderr)
    return 0


def _validate(args, settings: Settings) -> int:
    from cqkg.build.pipeline import validate_inputs
    report = validate_inputs(settings.root)
    for finding in report.findings:
        print(finding.line())
    counts = report.counts()
    print(f"{'conforms' if report.conforms else 'does not conform'}: "
          f"{counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos")
    return 0 if report.conforms else 1


def _query(args, settings: Settings) -> int:
    from cqkg.build.pipeline import ensure_built
    from cqkg.query.render import render
    from cqkg.store import KnowledgeGraph
    text = _query_text(args.query)
    ensure_built(settings.root, settings.build_dir, log=lambda m: print(m, file=sys.stderr))
    result = KnowledgeGraph.open(settings.build_dir).query(text)
    sys.stdout.write(render(result, args.format))
    return 0


def _query_text(argument: str) -> str:
    """The query: the file ``argument`` names when it ends in .rq or is an existing file, else the text itself."""
    if argument.endswith(".rq") or _is_file(argument):
        if not _is_file(argument):
            raise CqkgError(f"no such query file: {argument[:200]}")
        return Path(argument).read_text(encoding="utf-8")
    return argument


def _is_file(argument: str) -> bool:
    try:
        return "\n" not in argument and Path(argument).is_file()
    except (OSError, ValueError):  # too long or otherwise impossible as a file name
        return False


def _stats(args, settings: Settings) -> int:
    from cqkg import stats
    from cqkg.build.pipeline import ensure_built
    from cqkg.store import KnowledgeGraph
    ensure_built(settings.root, settings.build_dir, log=lambda m: print(m, file=sys.stderr))
    figures = stats.compute(KnowledgeGraph.open(settings.build_dir))
    sys.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False) + "\n" if args.json else stats.render(figures))
    return 0


def _export(args, settings: Settings) -> int:
    import time

    from cqkg.build.pipeline import ensure_built
    from cqkg.release.folder import release
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    ensure_built(settings.root, settings.build_dir, log=log)
    started = time.perf_counter()
    written = release(settings.build_dir, args.out or settings.dist_dir, tuple(args.select or ("all",)),
                      args.format, not args.no_gzip, log=log)
    log(f"exported {len(written)} files in {time.perf_counter() - started:.2f} s")
    return 0


def _diff(args, settings: Settings) -> int:
    from cqkg.release.diff import diff, render
    sys.stdout.write(render(diff(args.old, args.new), show_triples=not args.summary))
    return 0


def _publish(args, settings: Settings) -> int:
    from cqkg.build.pipeline import ensure_built
    from cqkg.release.publish import publish, without_credentials
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    ensure_built(settings.root, settings.build_dir, log=log)
    replaced = publish(settings.build_dir, args.to, log=log)
    print(f"published {len(replaced)} graphs to {without_credentials(args.to)}")
    return 0


def _link(args, settings: Settings) -> int:
    from cqkg.build.pipeline import ensure_built
    from cqkg.store import KnowledgeGraph
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    ensure_built(settings.root, settings.build_dir, log=log)
    kg = KnowledgeGraph.open(settings.build_dir)
    if args.paths[0] == "accept":
        return _link_accept(args, settings, kg)
    if len(args.paths) != 1:
        raise CqkgError("give one dump to link (or: cqkg link accept TSV)")
    from cqkg.link.run import guess_format, propose
    dump = Path(args.paths[0])
    propose(kg, dump, args.format or guess_format(dump), args.out or Path("links.tsv"), args.threshold, log=log)
    return 0


def _link_accept(args, settings: Settings, kg) -> int:
    from cqkg.link.review import accept
    if len(args.paths) != 2:
        raise CqkgError("usage: cqkg link accept PROPOSALS.tsv [--out data/links/NAME.trig]")
    tsv = Path(args.paths[1])
    out = args.out or settings.root / "data" / "links" / (tsv.stem + "-accepted.trig")
    existing = {}
    for row in kg.select("SELECT ?e ?x WHERE { ?e skos:exactMatch|owl:sameAs|skos:closeMatch ?x }"):
        existing.setdefault(row["e"], set()).add(row["x"])
    written, problems = accept(tsv, out, existing)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{written} links written to {out}" if written else "no link accepted")
    return 0


def _import(args, settings: Settings) -> int:
    from cqkg.link.ror_import import run
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    mapping = args.mapping or settings.root / "data" / "links" / "ror-mapping.tsv"
    result = run(settings.root, args.records, mapping, args.out, commit=args.commit, log=log)
    if args.out is None:
        sys.stdout.write(result.text)
    log(f"{result.organisations} organisations imported: "
        + ", ".join(f"{count} {kind}" for kind, count in result.counts.items())
        + f"; {len(result.conflicts)} conflicts" + (f", written to {args.out}" if args.out else ""))
    return 0


def _serve(args, settings: Settings) -> int:
    from cqkg.build.pipeline import ensure_built
    from cqkg.release.folder import ensure_released
    from cqkg.web.serve import serve
    overrides = {name: getattr(args, name) for name in ("host", "port", "fronts", "threads", "workers", "engine")
                 if getattr(args, name)}
    settings = Settings({**settings.values, **overrides})
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    ensure_built(settings.root, settings.build_dir, log=log)
    ensure_released(settings.build_dir, settings.dist_dir, log=log)
    serve(settings)
    return 0


def _settings(args, settings: Settings) -> int:
    for setting in SETTINGS:
        print(f"{setting.env}={getattr(settings, setting.name)}\n    {setting.help}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
