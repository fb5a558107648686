"""Every API resource over the recorded state of the reference district."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from netops.inventory import Inventory
from tests.api.conftest import Api
from tests.api.state import (
    BOTH_UPLINKS_DOWN,
    FAILED_BACKUP,
    LONE_DOWN,
    ONE_UPLINK_DOWN,
    OVERRUN,
    ROGUE_LLDP,
    STALE_BACKUP,
)


def test_health_is_open(api: Api) -> None:
    body = api.get("/health", role=None).json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["scheduler"] == "disabled"


def test_device_list_pages_and_counts(api: Api) -> None:
    first = api.get("/api/v1/devices", params={"limit": 50}).json()
    second = api.get("/api/v1/devices", params={"limit": 50, "offset": 50}).json()
    assert first["total"] == second["total"] == 159
    assert len(first["items"]) == 50
    names = [d["name"] for d in first["items"] + second["items"]]
    assert names == sorted(names) and len(set(names)) == 100


def test_device_states_follow_the_polls(api: Api) -> None:
    devices = {
        d["name"]: d for d in api.get("/api/v1/devices", params={"limit": 1000}).json()["items"]
    }
    assert devices[LONE_DOWN]["state"] == "down"
    assert devices[BOTH_UPLINKS_DOWN]["state"] == "down"
    assert devices["acc-binhe-01"]["state"] == "down"
    assert devices[ONE_UPLINK_DOWN]["state"] == "degraded"
    assert any("uplink" in p and "core-2" in p for p in devices[ONE_UPLINK_DOWN]["problems"])
    assert devices[OVERRUN]["state"] == "degraded"
    assert devices["core-1"]["state"] == "up"


def test_device_filters(api: Api) -> None:
    aggs = api.get("/api/v1/devices", params={"role": "aggregation"}).json()
    assert aggs["total"] == 13 and {d["role"] for d in aggs["items"]} == {"aggregation"}
    street = api.get("/api/v1/devices", params={"site": "street-binhe", "limit": 1000}).json()
    assert BOTH_UPLINKS_DOWN in {d["name"] for d in street["items"]}
    assert all(d["site"].endswith("binhe") or "binhe" in d["site"] for d in street["items"])
    down = api.get("/api/v1/devices", params={"state": "down", "limit": 1000}).json()
    assert {LONE_DOWN, BOTH_UPLINKS_DOWN} <= {d["name"] for d in down["items"]}
    intranet = api.get("/api/v1/devices", params={"network": "intranet"}).json()
    assert intranet["total"] == 4 and all(d["name"].startswith("in-") for d in intranet["items"])
    worst = api.get("/api/v1/devices", params={"sort": "state", "limit": 1}).json()
    assert worst["items"][0]["state"] == "down"
    assert api.get("/api/v1/devices", params={"q": "CORE-"}).json()["total"] == 5


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"role": "router"}, "role"),
        ({"state": "on-fire"}, "state"),
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"site": "atlantis"}, "site"),
        ({"zone": "nowhere"}, "zone"),
        ({"sort": "colour"}, "sort"),
        ({"stat": "down"}, "stat"),  # a typo is an error, not every device
    ],
)
def test_bad_device_parameters_are_400_naming_the_parameter(
    api: Api, params: dict[str, object], parameter: str
) -> None:
    response = api.get("/api/v1/devices", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "bad_request"
    assert body["parameter"] == parameter
    assert parameter in body["reason"]


def test_device_detail(api: Api) -> None:
    body = api.get(f"/api/v1/devices/{ONE_UPLINK_DOWN}").json()
    assert body["state"] == "degraded"
    uplinks = {u["peer"]: u for u in body["uplinks"]}
    assert uplinks["core-1"]["up"] is True and uplinks["core-2"]["up"] is False
    assert uplinks["core-2"]["seen_from"] == "core-2"
    assert {"interface", "lldp", "health", "system", "config_backup"} <= set(body["records"])
    assert body["records"]["interface"]["count"] == len(body["links"])
    assert body["polls"][0]["transport"] == "snmp"
    only = api.get(f"/api/v1/devices/{ONE_UPLINK_DOWN}", params={"kind": "health"}).json()
    assert list(only["records"]) == ["health"]


def test_device_detail_errors(api: Api) -> None:
    missing = api.get("/api/v1/devices/no-such-switch")
    assert missing.status_code == 404 and "no-such-switch" in missing.json()["reason"]
    bad = api.get("/api/v1/devices/core-1", params={"kind": "bogus"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "kind"


def test_sites_worst_first(api: Api, reference: Inventory) -> None:
    sites = api.get("/api/v1/sites", params={"sort": "state", "limit": 1000}).json()["items"]
    assert sites[0]["worst"] == "down"
    streets = api.get("/api/v1/sites", params={"kind": "aggregation"}).json()
    assert streets["total"] == 13
    jiefang = next(s for s in streets["items"] if s["name"] == "street-jiefang")
    assert jiefang["states"]["degraded"] == 1 and jiefang["devices"] == 1
    children = api.get("/api/v1/sites", params={"parent": "street-jiefang"}).json()
    expected = {s.name for s in reference.sites if s.parent == "street-jiefang"}
    assert {c["name"] for c in children["items"]} == expected and len(expected) >= 8
    assert api.get("/api/v1/sites", params={"kind": "moon"}).json()["parameter"] == "kind"


def test_topology_intended_vs_discovered(api: Api) -> None:
    topo = api.get("/api/v1/topology").json()
    edges = topo["edges"]
    rogue = [e for e in edges if e["status"] == "unexpected"]
    assert len(rogue) == 1
    assert (rogue[0]["a"], rogue[0]["a_interface"], rogue[0]["b"]) == ROGUE_LLDP
    assert rogue[0]["crosses_zones"] is True
    to_core2 = next(
        e for e in edges if {e["a"], e["b"]} == {ONE_UPLINK_DOWN, "core-2"} and e["intended"]
    )
    assert to_core2["status"] == "missing"
    to_core1 = next(e for e in edges if {e["a"], e["b"]} == {ONE_UPLINK_DOWN, "core-1"})
    assert to_core1["status"] == "confirmed" and sorted(to_core1["seen_by"]) == [
        "agg-jiefang",
        "core-1",
    ]
    nodes = {n["id"]: n for n in topo["nodes"]}
    assert nodes["in-core-1"]["colour"] == "#d62728"
    assert nodes["acc-heping-01"]["network"] == "extranet"
    assert topo["counts"]["unexpected"] == 1
    intranet = api.get("/api/v1/topology", params={"network": "intranet"}).json()
    assert {n["network"] for n in intranet["nodes"]} == {"intranet"}
    only = api.get("/api/v1/topology", params={"status": "unexpected"}).json()
    assert [e["status"] for e in only["edges"]] == ["unexpected"]


def test_events_filters(api: Api) -> None:
    everything = api.get("/api/v1/events").json()
    assert everything["total"] == 4
    times = [e["time"] for e in everything["items"]]
    assert times == sorted(times, reverse=True)
    traps = api.get("/api/v1/events", params={"kind": "trap"}).json()
    assert traps["total"] == 2 and {e["kind"] for e in traps["items"]} == {"trap.linkDown"}
    major = api.get("/api/v1/events", params={"severity": "major"}).json()
    assert {e["severity"] for e in major["items"]} == {"major", "critical"}
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert api.get("/api/v1/events", params={"since": since}).json()["total"] == 2
    page = api.get("/api/v1/events", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 4 and len(page["items"]) == 1
    naive = api.get("/api/v1/events", params={"since": "2024-05-01T08:00:00"})
    assert naive.status_code == 400 and naive.json()["parameter"] == "since"
    # a '%' in a kind filter is literal, not a wildcard
    assert api.get("/api/v1/events", params={"kind": "%"}).json()["total"] == 0


def test_backups_against_policy(api: Api) -> None:
    body = api.get("/api/v1/backups").json()
    out = {c["device"] for c in body["configs_out_of_policy"]}
    # stale, failed (newest good one 25 h old < 26 h policy: still in policy), and the dead street
    assert STALE_BACKUP in out
    assert FAILED_BACKUP not in out
    assert BOTH_UPLINKS_DOWN in out  # never backed up in this state
    assert body["summary"]["configs_out_of_policy"] == len(out)
    dbs = {d["trigger"]: d for d in body["databases"]}
    assert dbs["automatic"]["in_policy"] is True
    assert dbs["manual"]["in_policy"] is False and dbs["manual"]["max_age_hours"] == 168
    configs = api.get(
        "/api/v1/backups/configs", params={"in_policy": "false", "sort": "age"}
    ).json()
    assert configs["total"] == len(out)
    failed = api.get("/api/v1/backups/configs", params={"device": FAILED_BACKUP}).json()["items"][0]
    assert failed["error"].startswith("timeout") and failed["in_policy"] is True
    manual = api.get("/api/v1/backups/databases", params={"trigger": "manual"}).json()
    assert [m["trigger"] for m in manual] == ["manual"]
    assert (
        api.get("/api/v1/backups/databases", params={"pair": "nope"}).json()["parameter"] == "pair"
    )


def test_db_ha(api: Api) -> None:
    pairs = api.get("/api/v1/db-ha").json()
    assert [p["pair"] for p in pairs] == ["dc-db"]
    pair = pairs[0]
    assert pair["state"] == "ok" and pair["primaries"] == ["dc-db-1"]
    roles = {m["device"]: m["status"]["role"] for m in pair["members"]}
    assert roles == {"dc-db-1": "primary", "dc-db-2": "standby"}
    assert {b["trigger"] for b in pair["backups"]} == {"automatic", "manual"}


def test_status_summary(api: Api) -> None:
    body = api.get("/api/v1/status").json()
    counts = body["devices"]
    assert sum(counts.values()) == 159
    assert counts["down"] >= 3 and counts["degraded"] >= 2
    assert body["sites"][0]["worst"] == "down"
    assert {z["zone"] for z in body["zones"]} >= {"public", "intranet"}
    assert body["backups"]["databases_out_of_policy"] == 1
    assert body["db_pairs"][0]["state"] == "ok"


def test_openapi_documents_every_resource(api: Api) -> None:
    schema = api.get("/openapi.json", role=None).json()
    paths = set(schema["paths"])
    for path in (
        "/health",
        "/api/v1/status",
        "/api/v1/devices",
        "/api/v1/devices/{name}",
        "/api/v1/sites",
        "/api/v1/topology",
        "/api/v1/events",
        "/api/v1/backups",
        "/api/v1/db-ha",
        "/metrics",
    ):
        assert path in paths
    devices = schema["paths"]["/api/v1/devices"]["get"]
    assert "422" not in devices["responses"] and "400" in devices["responses"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
