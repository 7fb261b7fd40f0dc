#!/usr/bin/env python3
"""Turns the JSON lines of bench/run.sh into docs/benchmarks.md: both implementations side by side."""
import json
import platform
import subprocess
import sys
from datetime import datetime, timezone


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    memory = ""
    try:
        kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{model}, {cores} cores{memory}; {platform.system()} {platform.release()}; .NET SDK {dotnet}; Python {platform.python_version()}"


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
    command = sys.argv[2] if len(sys.argv) > 2 else "bench/run.sh"
    by = {}
    for r in rows:
        by[(r["impl"], r["workload"], r["clients"])] = r

    def ops(impl, workload, clients):
        r = by.get((impl, workload, clients))
        return r["ops_per_sec"] if r else None

    def fmt(v):
        return f"{v:,.0f}" if v is not None else "–"

    def ratio(a, b):
        return f"{a / b:.1f}x" if a and b else "–"

    out = []
    out.append("# Benchmarks\n")
    out.append(f"Produced by `{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, on {machine()}.")
    out.append("Every figure comes from the same run: a host process and real client processes on loopback,")
    out.append("ManagedActors first, then Python's `multiprocessing.Manager()` on the same workloads. Throughput is")
    out.append("all clients' operations over the union of their measurement windows. Each ManagedActors client keeps")
    out.append("64 calls in flight (async proxies pipeline); a Python proxy is synchronous, so each Python client")
    out.append("process has one call in flight. `akka-raw-echo` is a bare echo actor over the same remoting")
    out.append("configuration and protocol serializer, called with Tell and one reply actor: the floor Akka sets.")
    out.append("On this 2-core machine, where clients and host share the cores, figures move between runs by up to a")
    out.append("third (Python's queue figure ranged from 11,000 to 35,000 items/s over five runs, ManagedActors' from")
    out.append("86,000 to 130,000): compare the ratios within one run, as this page does.\n")
    out.append("The .NET throughput windows open only when every client of the figure is warm: each client runs its load")
    out.append("from the moment it connects, says READY once it has run 2 s and the JIT has compiled nothing for a second,")
    out.append("and all open their window together a second after the last is ready (eight .NET processes on two cores")
    out.append("need several seconds of CPU to start, which a fixed start time measured). List clients clear their list")
    out.append("now and then until the window opens, so the measured appends start from a short list, as Python's do.")
    out.append("The load driver's processes run with idle thread-pool spinning off")
    out.append("(`System.Threading.ThreadPool.UnfairSemaphoreSpinLimit = 0`, as the library's worker processes do): with")
    out.append("8 client processes on 2 cores, spinning took a fifth of the lane's throughput. It costs Akka.Remote's")
    out.append("sequential latency about half again (each of its thread hand-offs waits for a wake-up instead of a spin).\n")

    out.append("## Throughput (operations per second)\n")
    out.append("ManagedActors on its two call transports: `direct` (the default: the host's data port) and `akka-remote`.\n")
    out.append("| workload | clients | ManagedActors direct | ManagedActors akka-remote | Python Manager | direct / Python | raw Akka echo |")
    out.append("|---|---|---|---|---|---|---|")
    clients = sorted({r["clients"] for r in rows if r["workload"] in ("dict_set_get", "list_append")})
    for workload, label in (("dict_set_get", "dict set+get"), ("list_append", "list append")):
        for c in clients:
            ma, ak, py = ops("managedactors", workload, c), ops("managedactors-akka", workload, c), ops("python-manager", workload, c)
            out.append(f"| {label} | {c} | {fmt(ma)} | {fmt(ak)} | {fmt(py)} | {ratio(ma, py)} | {fmt(ops('akka-raw-echo', 'echo', c))} |")
    ma, ak, py = ops("managedactors", "queue_put_get", 2), ops("managedactors-akka", "queue_put_get", 2), ops("python-manager", "queue_put_get", 2)
    out.append(f"| queue items/s, 1 producer + 1 consumer | 2 | {fmt(ma)} | {fmt(ak)} | {fmt(py)} | {ratio(ma, py)} | |")
    rows_incr = [by.get((impl, "increment_4_processes", 4)) for impl in ("managedactors", "managedactors-akka", "python-manager")]
    if all(rows_incr):
        ma_r, ak_r, py_r = rows_incr
        out.append(f"| counter increments from 4 processes (lost updates) | 4 | {fmt(ma_r['ops_per_sec'])} ({ma_r['lost']}) | {fmt(ak_r['ops_per_sec'])} ({ak_r['lost']}) "
                   f"| {fmt(py_r['ops_per_sec'])} ({py_r['lost']}, `d[k] = d.get(k, 0) + 1`) | {ratio(ma_r['ops_per_sec'], py_r['ops_per_sec'])} | |")

    steps = [("akka-raw-ask-json", "Akka Ask, Akka's default JSON serializer"),
             ("akka-raw-ask", "Akka Ask, the protocol's own serializer"),
             ("akka-raw-echo", "Tell + one reply actor per client, the protocol's serializer"),
             ("managedactors-akka", "ManagedActors dict set+get over Akka.Remote: the above, plus calls in flight coalesced into one message"),
             ("managedactors", "ManagedActors dict set+get over the direct lane: one connection, no endpoint actors")]
    if any(by.get((impl, "echo", 4)) for impl, _ in steps[:2]):
        out.append("\n## From Akka's defaults to the library's call path (4 client processes, 64 calls in flight each)\n")
        out.append("| path | calls/s | vs previous |")
        out.append("|---|---|---|")
        previous = None
        for impl, label in steps:
            value = ops(impl, "echo" if impl.startswith("akka-raw") else "dict_set_get", 4)
            out.append(f"| {label} | {fmt(value)} | {ratio(value, previous) if previous else ''} |")
            previous = value

    out.append("\n## Sequential latency (one call in flight, dict set)\n")
    out.append("`socket-echo` is a bare echo over the direct lane's own framing and thread layout (blocking sockets, a reader")
    out.append("thread per connection answering on its thread, the caller continuing on the client's reader): the lane's floor.\n")
    out.append("| | p50 µs | p99 µs |")
    out.append("|---|---|---|")
    lat = {}
    for impl, label in (("managedactors", "ManagedActors, direct lane"), ("managedactors-sealed", "ManagedActors, direct lane sealed (`direct.seal = on`)"),
                        ("managedactors-akka", "ManagedActors, Akka.Remote"),
                        ("socket-echo", "bare socket echo, the lane's framing"), ("akka-raw-echo", "raw Akka echo"), ("python-manager", "Python Manager")):
        workload = "sequential_latency" if impl in ("akka-raw-echo", "socket-echo") else "dict_set_sequential"
        r = by.get((impl, workload, 1))
        if r:
            lat[impl] = r["p50_us"]
            out.append(f"| {label} | {r['p50_us']} | {r['p99_us']} |")
    if all(k in lat for k in ("managedactors", "python-manager", "socket-echo")):
        out.append(f"\nOver the direct lane ManagedActors' p50 is {lat['managedactors'] / lat['python-manager']:.2f}x Python's and "
                   f"{lat['managedactors'] / lat['socket-echo']:.2f}x the bare socket echo"
                   + (f"; over Akka.Remote {lat['managedactors-akka'] / lat['python-manager']:.1f}x Python's." if "managedactors-akka" in lat else "."))
    sealed = [(c, ops("managedactors", "dict_set_get", c), ops("managedactors-sealed", "dict_set_get", c)) for c in clients]
    if any(sl for _, _, sl in sealed):
        out.append("\nThe lane seals its frames (AES-256-GCM) on every connection beyond loopback, and on loopback when either end sets")
        out.append("`managed-actors.direct.seal = on` (docs/security.md). Loopback rows above are unsealed; sealed, in the same run:\n")
        out.append("| dict set+get, clients | direct | direct, sealed | sealed / direct |")
        out.append("|---|---|---|---|")
        for c, ma, sl in sealed:
            if sl:
                out.append(f"| {c} | {fmt(ma)} | {fmt(sl)} | {ratio(sl, ma)} |")

    seq = [(impl, by.get((impl, "increment_sequential", 1))) for impl in ("managedactors", "managedactors-akka", "python-manager")]
    if any(r for _, r in seq):
        out.append("\n## A sequential loop of 10,000 increments, as a user writes it\n")
        out.append("`await d.IncrementAsync(k, 1)` one after another (one atomic call each) against Python's")
        out.append("`d[k] = d.get(k, 0) + 1` (two calls each, and it loses updates when processes share the dict).\n")
        out.append("| | wall time, ms |")
        out.append("|---|---|")
        names = {"managedactors": "ManagedActors, direct lane", "managedactors-akka": "ManagedActors, Akka.Remote", "python-manager": "Python Manager"}
        for impl, r in seq:
            if r:
                out.append(f"| {names[impl]} | {r['wall_ms']:,.0f} |")

    flood = by.get(("managedactors", "flood", 1))
    if flood:
        out.append("\n## One client firing 1,000,000 calls without awaiting them\n")
        out.append(f"All answered in {flood['wall_ms'] / 1000:.1f} s; peak working set of the client {flood['client_mb']} MB and of the host "
                   f"{flood['host_mb']} MB (the client waits in the call past `max-outstanding-calls`, the host stops reading a")
        out.append("connection whose answers queue up past `max-queued-bytes`).")

    kinds = [("none", "None: state in the actor only"), ("memory", "Memory: in-memory journal"),
             ("durable", "Durable: SQLite (Akka.Persistence.Sql, WAL, one writer)"),
             ("durable_postgres", "Durable: PostgreSQL on this machine (Akka.Persistence.Sql, Npgsql; fsync on)")]
    if any(by.get(("managedactors", "dict_set_" + k, 4)) for k, _ in kinds):
        out.append("\n## What durability costs (dict set, direct lane)\n")
        out.append("Acknowledged writes per second from 4 client processes with 64 calls in flight each, and one client's")
        out.append("sequential set (3,000 samples): with Memory or Durable a write is answered only after its batch is in the")
        out.append("journal (one journal write per batch of calls).\n")
        out.append("| durability | writes/s, 4 clients | sequential p50 µs | sequential p99 µs | sequential writes/s |")
        out.append("|---|---|---|---|---|")
        for k, label in kinds:
            t = by.get(("managedactors", "dict_set_" + k, 4))
            l = by.get(("managedactors", "dict_set_sequential_" + k, 1))
            if not t and not l:
                continue
            out.append(f"| {label} | {fmt(t['ops_per_sec'] if t else None)} | {l['p50_us'] if l else '–'} | {l['p99_us'] if l else '–'} | "
                       f"{fmt(l['ops_per_sec'] if l else None)} |")

    write = by.get(("managedactors", "durable_write", 1))
    snap = by.get(("managedactors", "durable_recover_from_snapshot", 1))
    replay = by.get(("managedactors", "durable_recover_by_replay", 1))
    if write and snap and replay:
        events = int(round(write["ops_per_sec"] * write["wall_ms"] / 1000, -3))
        out.append(f"\nRecovery of a durable dict with {events:,} journal events (`ManagedActors.LoadDriver recovery`: written by")
        out.append(f"sequential sets in {write['wall_ms'] / 1000:.0f} s, then opened by a new host on the same SQLite file): "
                   f"{snap['wall_ms']:,.0f} ms from its last snapshot")
        out.append(f"(`snapshot-every = 1000`: the snapshot and at most 1,000 events), {replay['wall_ms']:,.0f} ms replaying every event with the")
        out.append("snapshots deleted.")
    rwrite = by.get(("managedactors", "durable_write_record", 1))
    rsnap = by.get(("managedactors", "durable_recover_from_snapshot_record", 1))
    rreplay = by.get(("managedactors", "durable_recover_by_replay_record", 1))
    if rwrite and rsnap and rreplay:
        out.append(f"The same with a record in each call (`--values record`, written field by field): written at "
                   f"{fmt(rwrite['ops_per_sec'])} sets/s, {rsnap['wall_ms']:,.0f} ms")
        out.append(f"from the last snapshot, {rreplay['wall_ms']:,.0f} ms by replay.")

    kill = by.get(("managedactors", "cluster_failover_sigkill", 3))
    term = by.get(("managedactors", "cluster_failover_sigterm", 3))
    if kill and term:
        out.append("\nFailover of a three-host cluster on 127.0.0.1 (`ManagedActors.LoadDriver failover`: loopback profile, one SQLite")
        out.append("journal, 30 named durable dicts placed by a client of the first host, the third host stopped; from the signal")
        out.append(f"until every object answered again with its value, median of 5 rounds): SIGKILL {kill['wall_ms'] / 1000:.1f} s "
                   f"(target 10 s; Akka's defaults take about 45 s), SIGTERM {term['wall_ms'] / 1000:.1f} s (target 3 s).")

    try:
        soak = [json.loads(line) for line in open("bench/results/soak.jsonl") if line.startswith("{")]
    except OSError:
        soak = []
    if soak:
        out.append(f"\nFalse-down soak (`bench/soak.sh`: three host processes, one SQLite journal, two processes spinning on the")
        out.append(f"cores, a client writing through all three at {soak[-1]['ops_per_sec']:.0f} writes/s; membership read every 2 s):")
        out.append(f"{soak[-1]['lost']} reads with a member unreachable or missing, with nothing killed.")

    spread = {r["workload"]: r for r in rows if r["impl"] == "managedactors" and r["workload"].startswith("cluster_dict_set_get_")}
    one, three = spread.get("cluster_dict_set_get_1_hosts"), spread.get("cluster_dict_set_get_3_hosts")
    if one and three:
        out.append(f"\nThroughput across hosts (`ManagedActors.LoadDriver cluster`: {three['clients']} client processes, client i connected to")
        out.append(f"host i mod n, {three['inflight']} calls in flight each over 24 named durable dicts sharded over the hosts, a set then a get;")
        out.append("one SQLite journal; every process on this machine's cores): one host "
                   f"{fmt(one['ops_per_sec'])} ops/s; three hosts {fmt(three['ops_per_sec'])} ops/s,")
        out.append(f"{three['hop_share'] * 100:.0f}% of the calls needing a hop between hosts.")

    levels = [("none", "no listener"), ("metrics", "meter collected"), ("traces", "meter collected, every call traced")]
    tel = {lvl: [r for r in rows if r["impl"] == "managedactors-telemetry-" + lvl] for lvl, _ in levels}
    if all(tel.values()):
        def med(values):
            values = sorted(values)
            return values[len(values) // 2]
        base_p50 = med([r["p50_us"] for r in tel["none"] if r["workload"] == "dict_set_sequential"])
        base_ops = med([r["ops_per_sec"] for r in tel["none"] if r["workload"] == "dict_set_get"])
        clients_t = next(r["clients"] for r in tel["none"] if r["workload"] == "dict_set_get")
        out.append("\n## Telemetry\n")
        out.append("What the instrumentation costs (`ManagedActors.LoadDriver telemetry`, `docs/observability.md`): a host process and")
        out.append("client processes on the direct lane, each listening alike through the OpenTelemetry SDK: nobody listening; the")
        out.append("`ManagedActors` meter collected (`AddManagedActorsInstrumentation`, a periodic reader every second); the meter and")
        out.append("every call traced (always-on sampler, CLIENT and SERVER spans batched to an exporter that drops them). The levels")
        out.append("alternate over the rounds; each cell lists the rounds, and the ratio is the median's to the median with nobody listening.\n")
        out.append(f"| level | sequential set p50 µs | p99 µs | vs none | dict set+get, {clients_t} clients x 64 in flight, ops/s | vs none |")
        out.append("|---|---|---|---|---|---|")
        for lvl, label in levels:
            seq = [r for r in tel[lvl] if r["workload"] == "dict_set_sequential"]
            thr = [r for r in tel[lvl] if r["workload"] == "dict_set_get"]
            p50 = med([r["p50_us"] for r in seq])
            ops_m = med([r["ops_per_sec"] for r in thr])
            p50s = " / ".join("%.1f" % r["p50_us"] for r in seq)
            p99s = " / ".join("%.1f" % r["p99_us"] for r in seq)
            opss = " / ".join(fmt(r["ops_per_sec"]) for r in thr)
            out.append(f"| {label} | {p50s} | {p99s} | {p50 / base_p50:.2f}x | {opss} | {ops_m / base_ops:.2f}x |")

    try:
        micro = open("bench/results/micro.md").read()
        out.append("\n## Micro-benchmarks\n")
        out.append("Per value for the codec, per message for the serializer, per call for the call path (a whole call through a")
        out.append("proxy to an object in the same process: proxy, codec, outbox, object actor, reply actor; no network).\n")
        out.append(micro)
    except OSError:
        pass
    try:
        out.append("")
        out.append(open("bench/history.md").read().rstrip())
    except OSError:
        pass
    print("\n".join(out))


if __name__ == "__main__":
    main()
