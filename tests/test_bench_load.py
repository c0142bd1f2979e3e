"""The benchmark's reading of wrk's output: a run in which no request finished is not a 0 ms latency."""

from bench.load import _parse

NOTHING_FINISHED = """Running 1s test @ http://127.0.0.1:18777/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 1.00s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""

SOME_FINISHED = NOTHING_FINISHED.replace("50%    0.00us", "50%    2.50ms").replace(
    "99%    0.00us", "99%    1.20s").replace("0 requests in", "41 requests in").replace("Requests/sec:      0.00",
                                                                                        "Requests/sec:     41.00")


def test_a_run_in_which_nothing_finished_gives_a_lower_bound():
    measured = _parse(NOTHING_FINISHED, 3000.0)
    assert measured.requests == 0 and measured.p50_ms == float("inf")
    assert measured.p50_floor_ms == 3000.0 and measured.p50_text() == "> 3000"


def test_latencies_are_read_in_milliseconds():
    measured = _parse(SOME_FINISHED, 3000.0)
    assert (measured.requests, measured.p50_ms, measured.p99_ms, measured.requests_per_s) == (41, 2.5, 1200.0, 41.0)
    assert measured.p50_floor_ms == 2.5 and measured.p50_text() == "2.50"
