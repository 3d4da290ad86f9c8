#!/usr/bin/env python3
"""Where the test suite's time goes, from the TRX files scripts/test.sh leaves in TestResults/.

    scripts/test-times.py [TestResults] [--top 10]

Prints, per test project: its wall time (first test start to last test end), the sum of its tests' durations and the
number of tests; then the slowest tests over all projects. Projects run in parallel under `dotnet test`, so the suite's
wall time is about the slowest project's, not the sum.
"""
import argparse
import glob
import os
import xml.etree.ElementTree as ET
from datetime import datetime

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def seconds(duration: str) -> float:
    hours, minutes, rest = duration.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def moment(stamp: str) -> datetime:
    # 2026-11-28T10:27:40.1234567+00:00: Python's fromisoformat takes at most six fraction digits.
    if "." in stamp:
        head, tail = stamp.split(".", 1)
        digits = "".join(c for c in tail if c.isdigit())
        zone = tail[len(digits):]
        stamp = f"{head}.{digits[:6]}{zone}"
    return datetime.fromisoformat(stamp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default="TestResults")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    files = sorted(glob.glob(os.path.join(args.folder, "*.trx")))
    if not files:
        raise SystemExit(f"no .trx files in {args.folder}")

    tests = []
    print(f"{'project':<40} {'wall':>8} {'sum':>8} {'tests':>6}")
    for path in files:
        root = ET.parse(path).getroot()
        results = root.findall(".//t:UnitTestResult", NS)
        if not results:
            continue
        storage = root.find(".//t:UnitTest", NS).get("storage")
        project = os.path.basename(storage).removesuffix(".dll")
        starts = [moment(r.get("startTime")) for r in results]
        ends = [moment(r.get("endTime")) for r in results]
        total = 0.0
        for r in results:
            took = seconds(r.get("duration", "0:0:0"))
            total += took
            tests.append((took, project, r.get("testName"), r.get("outcome")))
        wall = (max(ends) - min(starts)).total_seconds()
        print(f"{project:<40} {wall:>7.0f}s {total:>7.0f}s {len(results):>6}")

    print(f"\nslowest {args.top}:")
    for took, project, name, outcome in sorted(tests, reverse=True)[: args.top]:
        flag = "" if outcome == "Passed" else f"  [{outcome}]"
        print(f"{took:>7.1f}s  {project.removeprefix('Skolnarvaro.')}: {name}{flag}")


if __name__ == "__main__":
    main()
