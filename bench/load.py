"""Drive a bounded load with wrk (Debian's package) and read its throughput and latency percentiles."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    """One wrk run: requests per second, p50 and p99 latency (ms), requests and failed ones.

    When no request finished within the run, the latencies are infinite: wrk prints
    zeros, and every request took longer than the run (``window_ms``, a lower bound).
    """

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    window_ms: float = 0.0

    @property
    def p50_floor_ms(self) -> float:
        """The p50, or the run's length when no request finished (a lower bound of the p50)."""
        return self.window_ms if self.p50_ms == float("inf") else self.p50_ms

    def p50_text(self) -> str:
        """The p50 in ms for a table: ``> window`` when no request finished."""
        return f"> {self.window_ms:.0f}" if self.p50_ms == float("inf") else f"{self.p50_ms:.2f}"


def wrk_path() -> str:
    """The wrk executable; raises RuntimeError with the install command if it is missing."""
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed: apt-get install wrk (make bench does this)")
    return path


def measure(urls: list[str], seconds: float, connections: int, threads: int = 1,
            accept: str = "application/sparql-results+json") -> Measurement:
    """Load the given GET URLs (in rotation) for ``seconds`` with ``connections`` connections, sending ``accept``."""
    script = _rotation_script(urls, accept)
    with tempfile.TemporaryDirectory() as folder:
        lua = Path(folder) / "rotate.lua"
        lua.write_text(script, encoding="utf-8")
        output = subprocess.run(
            [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s",
             "-s", str(lua), _base(urls[0])], capture_output=True, text=True, check=True).stdout
    return _parse(output, seconds * 1000)


def _base(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}/"


def _rotation_script(urls: list[str], accept: str) -> str:
    paths = ",\n".join('  "' + "/" + url.split("://", 1)[1].split("/", 1)[1].replace('"', '\\"') + '"' for url in urls)
    return f"""
local paths = {{
{paths}
}}
local i = 0
wrk.headers["Accept"] = "{accept}"
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def _parse(output: str, window_ms: float) -> Measurement:
    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if requests == 0:
        return Measurement(rate, float("inf"), float("inf"), requests, errors, window_ms)
    return Measurement(rate, ms("50"), ms("99"), requests, errors, window_ms)
