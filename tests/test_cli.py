"""The cqkg command as a user runs it: exit codes, one-line errors, output formats."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest


@pytest.fixture()
def project(root, tmp_path):
    """A writable copy of the project's inputs."""
    for folder in ("ontology", "data", "sources"):
        shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


def _one_error_line(result):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_malformed_turtle_gives_file_line_column_and_exit_2(cli, project):
    broken = project / "data" / "parks.trig"
    lines = broken.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if "cq:locatedIn cqplace:yongchuan-district" in line)
    lines[target] = lines[target].replace("cqplace:yongchuan-district .", 'cqplace:yongchuan-district "unclosed .')
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("build", root=project, build_dir=project / "build")
    assert result.returncode == 2
    line = _one_error_line(result)
    assert line.startswith(f"cqkg: error: data/parks.trig:{target + 1}:"), line


def test_undefined_prefix_is_reported_with_its_position(cli, project):
    (project / "data" / "extra.trig").write_text("<https://w3id.org/cqkg/graph/curated> {\n  nope:x a nope:Y .\n}\n", encoding="utf-8")
    result = cli("validate", root=project)
    assert result.returncode == 2
    line = _one_error_line(result)
    assert line.startswith("cqkg: error: data/extra.trig:2:") and "nope" in line


def test_validate_shipped_data_exits_0(cli):
    result = cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms: 0 violations, 2 warnings" in result.stdout


def test_validate_reports_violations_with_file_and_exits_1(cli, project):
    data = project / "data" / "parks.trig"
    data.write_text(data.read_text(encoding="utf-8").replace(
        'rdfs:label "永川国家机器人产业示范基地"@zh ;', ""), encoding="utf-8")
    result = cli("validate", root=project)
    assert result.returncode == 1
    assert "Violation: data/parks.trig: <https://w3id.org/cqkg/id/park/yongchuan-robot-industry-demonstration-base>" in result.stdout
    assert "no Chinese label" in result.stdout
    assert "does not conform: 1 violations" in result.stdout


def test_build_stops_on_violations_with_exit_1(cli, project):
    data = project / "data" / "parks.trig"
    data.write_text(data.read_text(encoding="utf-8").replace('rdfs:label "永川国家机器人产业示范基地"@zh ;', ""), encoding="utf-8")
    result = cli("build", root=project, build_dir=project / "build")
    assert result.returncode == 1
    assert "no Chinese label" in result.stderr and not (project / "build" / "store").exists()


def test_query_formats(cli, build_dir):
    text = "SELECT ?code WHERE { cqplace:yuzhong-district cq:divisionCode ?code }"
    table = cli("query", text, build_dir=build_dir)
    assert table.returncode == 0 and "500103" in table.stdout and "(1 row)" in table.stdout
    as_csv = cli("query", text, "--format", "csv", build_dir=build_dir)
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["code"], ["500103"]]
    as_json = json.loads(cli("query", text, "--format", "json", build_dir=build_dir).stdout)
    assert as_json["results"]["bindings"][0]["code"]["value"] == "500103"


def test_query_file_and_ask(cli, build_dir, root):
    result = cli("query", str(root / "queries" / "lower-bounds.rq"), build_dir=build_dir)
    assert result.returncode == 0 and "34800" in result.stdout
    ask = cli("query", "ASK { cqorg:cigit a cq:ResearchOrganisation }", build_dir=build_dir)
    assert ask.stdout.strip() == "true"


def test_malformed_query_exits_2_with_parser_message(cli, build_dir):
    result = cli("query", "SELECT ?x WHERE { ?x ?p }", build_dir=build_dir)
    assert result.returncode == 2
    line = _one_error_line(result)
    assert line.startswith("cqkg: error: malformed query:") and "1:" in line


def test_missing_query_file_exits_2(cli, build_dir):
    result = cli("query", "no-such-file.rq", build_dir=build_dir)
    assert result.returncode == 2 and "no such query file" in result.stderr


def test_stats(cli, build_dir):
    result = cli("stats", build_dir=build_dir)
    assert result.returncode == 0
    assert "Sentences: 33, cited by facts: 33" in result.stdout
    assert "Observations: 67 (1 lower bounds)" in result.stdout  # 19 figures of the source, 48 of the R&D series
    assert "14/17    82%  cq:PublicUniversity → ror" in result.stdout
    figures = json.loads(cli("stats", "--json", build_dir=build_dir).stdout)
    # the 26 districts of 2018 and Wansheng and Shuangqiao, merged away in 2011 (data/place-history.trig)
    assert figures["entities_per_class"]["https://w3id.org/cqkg/def/District"] == 26 + 2
    assert "24/28    86%  cq:District → wikidata" in result.stdout
    assert figures["labels"]["with_en"] == figures["labels"]["with_zh"] == figures["labels"]["entities"]


def test_closed_pipe_ends_quietly(build_dir):
    import subprocess
    import sys
    result = subprocess.run(f"'{sys.executable}' -m cqkg.cli settings | head -1", shell=True, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.startswith("CQKG_") and "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_long_query_text_is_a_query_not_a_file_name(cli, build_dir):
    result = cli("query", "ASK {} " + "#" * 300, build_dir=build_dir)
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_unknown_prefix_is_named_on_one_line(cli, build_dir):
    result = cli("query", "SELECT * WHERE { ?s nope:x ?o }", build_dir=build_dir)
    assert result.returncode == 2
    assert _one_error_line(result) == "cqkg: error: malformed query: error at 1:27: unknown prefix 'nope:' (declare it with PREFIX)"


def test_table_columns_line_up_with_chinese_labels(kg):
    from wcwidth import wcswidth

    from cqkg.query.render import render

    text = ('SELECT ?zh ?en WHERE { VALUES ?o { cqorg:cigit cqorg:chongqing-university } '
            '?o rdfs:label ?zh , ?en FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") } ORDER BY ?en')
    lines = render(kg.query(text)).splitlines()
    header, rows = lines[0], lines[2:-1]
    starts = {_display_column(line, line.index(cell)) for line in rows for cell in [line.split("  ")[-1].strip()]}
    assert len(rows) == 2 and starts == {_display_column(header, header.index("en"))}, lines
    assert all(wcswidth(line.split("  ")[0]) > len(line.split("  ")[0]) for line in rows)  # the zh cells are wide


def _display_column(line: str, index: int) -> int:
    from wcwidth import wcswidth

    return wcswidth(line[:index])


def test_a_stopped_test_server_leaves_no_child_running(tmp_path):
    """The OpenRefine launcher starts a JVM as its child; stopping the launcher must stop the JVM too."""
    from conftest import group_members, running_process

    script = tmp_path / "launcher.sh"
    script.write_text("#!/bin/sh\nsleep 300 &\necho started\nwait\n", encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "launcher.log"
    with running_process([str(script)], lambda: "started" in log.read_text(encoding="utf-8"), log) as process:
        group = process.pid
        assert len(group_members(group)) == 2  # the launcher and its child
    assert group_members(group) == []
