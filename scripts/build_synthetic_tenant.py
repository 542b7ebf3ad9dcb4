"""Build a synthetic tenant of any size: the demo tenant grown to N in-scope users.

The benchmarks (benchmarks/run.py) need tenants of 1k, 10k and 100k users that behave like
a real go-live: Okta users, Office 365 app users and Entra users that join up (same UPN,
the app user's externalId is the Entra object id, the immutable IDs match), AD-sourced
and Okta-mastered people on both federated domains, a week of System Log events that
grows with the tenant, and the demo's domains, keys, apps and service principals. Every
check passes on it, as on the demo, so a benchmark measures a whole, green run.

The demo's 33 people are kept (the checks' named cases, like the new hire, stay in); the
rest are drawn from name lists by a seeded generator. Same size and seed, same bytes: the
large files are generated on demand, never committed::

    .venv/bin/python scripts/build_synthetic_tenant.py --users 10000 --out /tmp/tenants

writes ``/tmp/tenants/synthetic-10k.yaml`` and ``/tmp/tenants/synthetic-10k/
snapshot.json``. The tenant file uses the demo's (demo-only) keys by absolute path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_builder as demo  # the demo builder (scripts/demo_builder), grown here

from okta_m365_audit.snapshot import document as snap

FIRST_NAMES = (
    "Aaron Abigail Adrian Aisha Alba Alex Alice Amir Ana Anders Anna Ari Aria Ben Bianca "
    "Carla Carlos Chen Clara Dan Dara Elena Eli Emil Erik Eva Farah Felix Fiona Gabriel "
    "Hana Hannah Ian Ines Ivan Jade Jana Javier Jin Joao Jonas Julia Kai Kara Karim Kenji "
    "Lara Lena Liam Lina Luca Maya Marco Maria Mateo Mila Nadia Nina Nils Noor Omar Paula "
    "Pedro Priya Rafael Rosa Ruth Sami Sara Simon Sofia Tara Tom Uma Vera Victor Yara Zoe"
).split()
LAST_NAMES = (
    "Adams Ahmed Alvarez Andersen Baker Becker Berg Blanc Castro Chen Costa Cruz Dahl Diaz "
    "Dietrich Eriksen Fischer Garcia Gomez Gupta Haas Hansen Ito Jansen Jensen Kaur Keller "
    "Khan Kim Kowalski Kramer Larsen Lee Lopez Martin Meyer Moreno Muller Nagy Nakamura "
    "Nguyen Novak Olsen Ortiz Park Petrov Quinn Ramos Rossi Sato Schmidt Silva Singh Sousa "
    "Suzuki Tanaka Torres Vargas Vogel Wagner Weber Wong Yamamoto Young Zhang Ziegler"
).split()


def size_label(users: int) -> str:
    """1000 -> "1k", 100000 -> "100k", 2500 -> "2500"."""
    return f"{users // 1000}k" if users % 1000 == 0 else str(users)


def synthetic_people(users: int, seed: int) -> list[demo.Person]:
    """The demo's people plus seeded ones, ``users`` in all (sorted by UPN)."""
    everyone = demo.people()
    if users < len(everyone):
        raise SystemExit(f"--users must be at least {len(everyone)} (the demo's people)")
    rng = random.Random(seed)
    taken = {p.upn for p in everyone}
    n = 0
    while len(everyone) < users:
        n += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        ad = rng.random() < 0.6  # most customers still source most users from AD
        domain = "contoso.com" if ad else "fabrikam.com"
        local = f"{first}.{last}.{n:06d}".lower()
        person = demo.Person(first, last, domain, ad=ad, local=local)
        if person.upn not in taken:
            taken.add(person.upn)
            everyone.append(person)
    return sorted(everyone, key=lambda p: p.upn)


def profile_push_events(everyone: list[demo.Person], seed: int) -> list[dict[str, Any]]:
    """A week of successful profile pushes: about one user in a hundred changed something."""
    rng = random.Random(seed + 1)
    changed = [p for p in everyone if rng.random() < 0.01 and not p.is_new_hire]
    window = demo.LOG_DAYS * 86400 - 7200
    events = []
    for i, p in enumerate(changed):
        # distinct milliseconds: an event's uuid is derived from its type and time
        t = demo.AS_OF - dt.timedelta(seconds=3600 + rng.randrange(window), milliseconds=i % 997)
        events.append(
            demo.log_event(t, "application.provision.user.push_profile",
                           "app.user_management.push_profile_success",
                           "Push user profile to external application", user=p)
        )  # fmt: skip
    return events


def tenant_yaml(name: str, latency_ms: float, jitter_ms: float, separate_process: bool) -> str:
    """The demo's tenant file, renamed, pointing at the demo keys and the synthetic snapshot."""
    text = demo.DEMO_YAML.replace("name: demo\n", f"name: {name}\n", 1)
    text = text.replace("demo/okta-service-app.pem", str(demo.DEMO / "okta-service-app.pem"))
    text = text.replace("demo/graph-app.pem", str(demo.DEMO / "graph-app.pem"))
    text = text.replace("demo/golden.snapshot.json", f"{name}/snapshot.json")
    head = (
        "# A synthetic tenant made by scripts/build_synthetic_tenant.py (the demo tenant grown;\n"
        "# demo-only keys). Not for a real org.\n"
    )
    text = head + text.split("\n\n", 1)[1]
    text += (
        f"  latency_ms: {latency_ms:g}\n"
        f"  latency_jitter_ms: {jitter_ms:g}\n"
        f"  separate_process: {'true' if separate_process else 'false'}\n"
        "\n"
        "# The budget sits above what a 100k-user run asks for at the emulator's latency, so\n"
        "# the benchmark measures round trips, not our own throttle. A real org's budget is\n"
        "# its rate limits (the defaults are polite: 300 Okta requests a minute).\n"
        "limits:\n"
        "  okta_requests_per_minute: 6000\n"
        "  graph_requests_per_minute: 6000\n"
    )
    return text


def build(
    users: int,
    out: Path,
    seed: int = 0,
    latency_ms: float = 0.0,
    jitter_ms: float = 0.0,
    separate_process: bool = False,
    name: str | None = None,
) -> Path:
    """Write the tenant file and its snapshot under ``out``; return the tenant file."""
    name = name or f"synthetic-{size_label(users)}"
    everyone = synthetic_people(users, seed)
    doc = demo.build_snapshot(
        demo.okta_signing_certificates(),
        everyone,
        profile_push_events(everyone, seed),
        tenant=name,
    )
    out.mkdir(parents=True, exist_ok=True)
    snap.save(doc, out / name / "snapshot.json")
    tenant_file = out / f"{name}.yaml"
    tenant_file.write_text(
        tenant_yaml(name, latency_ms, jitter_ms, separate_process), encoding="utf-8"
    )
    return tenant_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, required=True, help="in-scope users, e.g. 10000")
    parser.add_argument("--out", type=Path, required=True, help="folder for the tenant files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", help="tenant name (default synthetic-<size>)")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--separate-process", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = build(args.users, args.out, args.seed, args.latency_ms, args.jitter_ms,
                 args.separate_process, args.name)  # fmt: skip
    print(f"wrote {path} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
