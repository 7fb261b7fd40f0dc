#!/usr/bin/env python3
"""The same workloads as bench/ManagedActors.LoadDriver, with Python's multiprocessing.Manager().

Prints one JSON line per figure, in the load driver's format. Each client is a real process; a Python proxy
is synchronous, so each process has one call in flight (Python's own way of using a manager).
"""
import argparse
import json
import multiprocessing as mp
import time
from multiprocessing.managers import SyncManager


def emit(workload, clients, ops, p50=None, p99=None, lost=None, wall_ms=None):
    print(json.dumps({"impl": "python-manager", "workload": workload, "clients": clients, "inflight": 1,
                      "ops_per_sec": round(ops), "p50_us": p50, "p99_us": p99, "lost": lost, "wall_ms": wall_ms}), flush=True)


def dict_worker(d, start_at, seconds, out):
    for i in range(2000):
        d["k%d" % (i & 1023)] = i
    while time.time() < start_at:
        time.sleep(0.001)
    wall = time.time()
    began = time.perf_counter()
    done = 0
    i = 0
    while time.perf_counter() - began < seconds:
        key = "k%d" % (i & 1023)
        d[key] = i
        d[key]
        done += 2
        i += 1
    out.put((done, wall, wall + time.perf_counter() - began))


def list_worker(l, start_at, seconds, out):
    for i in range(2000):
        l.append(i)
    while time.time() < start_at:
        time.sleep(0.001)
    wall = time.time()
    began = time.perf_counter()
    done = 0
    while time.perf_counter() - began < seconds:
        l.append(done)
        done += 1
    out.put((done, wall, wall + time.perf_counter() - began))


def incr_worker(d, count, start_at, out):
    while time.time() < start_at:
        time.sleep(0.001)
    wall = time.time()
    began = time.perf_counter()
    for _ in range(count):
        d["hits"] = d.get("hits", 0) + 1   # the tutorial's read-modify-write: not atomic
    out.put((count, wall, wall + time.perf_counter() - began))


def producer(q, count, start_at):
    while time.time() < start_at:
        time.sleep(0.001)
    for i in range(count):
        q.put(i)


def consumer(q, count, start_at, out):
    while time.time() < start_at:
        time.sleep(0.001)
    began = time.perf_counter()
    for _ in range(count):
        q.get()
    out.put(count / (time.perf_counter() - began))


def run_clients(target, n, args_for):
    out = mp.Queue()
    procs = [mp.Process(target=target, args=args_for(i, out)) for i in range(n)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    # All clients' operations over the union of their measurement windows.
    return sum(r[0] for r in results) / (max(r[2] for r in results) - min(r[1] for r in results))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--clients", default="1,2,4,8")
    parser.add_argument("--only", default="latency,dict,list,queue,incr,incr-seq")
    a = parser.parse_args()
    counts = [int(c) for c in a.clients.split(",")]
    only = set(a.only.split(","))
    with SyncManager() as m:
        if "latency" in only:
            d = m.dict()
            for i in range(2000):
                d["k"] = i
            samples = []
            for i in range(5000):
                t = time.perf_counter()
                d["k"] = i
                samples.append((time.perf_counter() - t) * 1e6)
            samples.sort()
            p50, p99 = samples[len(samples) // 2], samples[int(len(samples) * 0.99)]
            emit("dict_set_sequential", 1, 1e6 / p50, round(p50, 1), round(p99, 1))
        if "dict" in only:
            for n in counts:
                d = m.dict()
                start_at = time.time() + 2
                emit("dict_set_get", n, run_clients(dict_worker, n, lambda i, out: (d, start_at, a.seconds, out)))
        if "list" in only:
            for n in counts:
                lists = [m.list() for _ in range(n)]
                start_at = time.time() + 2
                emit("list_append", n, run_clients(list_worker, n, lambda i, out: (lists[i], start_at, a.seconds, out)))
        if "queue" in only:
            q = m.Queue()
            count = 50_000
            start_at = time.time() + 2
            out = mp.Queue()
            p = mp.Process(target=producer, args=(q, count, start_at))
            c = mp.Process(target=consumer, args=(q, count, start_at, out))
            p.start()
            c.start()
            rate = out.get()
            p.join()
            c.join()
            emit("queue_put_get", 2, rate)
        if "incr-seq" in only:
            # What a user ports from Python: one read and one write per increment, 10,000 in a row; the wall time.
            d = m.dict()
            for i in range(1000):
                d["warm-up"] = d.get("warm-up", 0) + 1
            t = time.perf_counter()
            for i in range(10_000):
                d["hits"] = d.get("hits", 0) + 1
            wall_ms = (time.perf_counter() - t) * 1e3
            emit("increment_sequential", 1, 10_000 / (wall_ms / 1e3), wall_ms=round(wall_ms, 1))
        if "incr" in only:
            d = m.dict()
            per = 5_000
            start_at = time.time() + 2
            rate = run_clients(incr_worker, 4, lambda i, out: (d, per, start_at, out))
            emit("increment_4_processes", 4, rate, lost=4 * per - d.get("hits", 0))


if __name__ == "__main__":
    main()
