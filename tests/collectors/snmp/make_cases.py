"""Split the device walks in devices/ into one case per (platform, record kind).

Run by hand after changing a device walk or a profile's OIDs:
    .venv/bin/python tests/collectors/snmp/make_cases.py [--expected]
Each case gets only the varbinds its record kind's plan fetches
(tests/collectors/<platform>/<kind>/snmp_<device>/walk.snmprec). With --expected it also
(re)writes expected.json from the current mapping: REVIEW every diff by hand before
committing it - expected.json is the contract, not a snapshot to accept blindly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from netops.collectors.recorded import dump_snmprec, load_walk
from netops.collectors.snmp_map import Fetched, map_records, plan
from netops.collectors.snmp_profiles import load_snmp_profiles

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def main() -> None:
    profiles = load_snmp_profiles(ROOT / "collectors")
    for walk_file in sorted((HERE / "devices").glob("*.snmprec")):
        platform = walk_file.stem
        profile = profiles[platform]
        walk = load_walk(walk_file)
        for kind in profile.kinds:
            only = profile.section.model_copy(
                update={"records": {kind: profile.section.records[kind]}}
            )
            wanted = plan(only)
            prefixes = [oid for cols in wanted.tables.values() for oid in cols.values()]
            scalars = set(wanted.scalars.values())
            subset = [
                vb
                for vb in walk
                if vb.oid in scalars or any(vb.oid[: len(p)] == p for p in prefixes)
            ]
            case = ROOT / "tests" / "collectors" / platform / kind / f"snmp_{platform}"
            case.mkdir(parents=True, exist_ok=True)
            (case / "walk.snmprec").write_text(dump_snmprec(subset), encoding="utf-8")
            if "--expected" in sys.argv:
                records, problems = map_records(
                    profile.section, Fetched.from_walk(profile.section, subset), "dut", [kind]
                )
                data = [r.model_dump(mode="json", exclude_none=True) for r in records[kind]]
                (case / "expected.json").write_text(
                    json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
                )
                if problems:
                    print(platform, kind, problems)
            print(f"{case.relative_to(ROOT)}: {len(subset)} varbinds")


if __name__ == "__main__":
    main()
