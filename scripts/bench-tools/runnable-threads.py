#!/usr/bin/env python3
"""runnable-threads.py PID OUT [PID...]: samples every 20 ms the states of the threads of PID and of its descendants
(qemu-nbd), and of the further PIDs given (a domain's QEMU), until PID exits; writes to OUT the mean number of runnable threads capped at 2 ("cores wanted") and the share of
samples with 0, 1 and 2 or more runnable, and to OUT.timeline that mean per second. On a loaded machine a runnable
thread may wait for a core: this counts demand, not use (scripts/bench-full, docs/performance.md)."""
import os, sys, time
pid = int(sys.argv[1]); out = sys.argv[2]; others = [int(p) for p in sys.argv[3:]]
def tree(root):
    pids = [root]; i = 0
    while i < len(pids):
        try:
            for t in os.listdir(f"/proc/{pids[i]}/task"):
                try:
                    kids = open(f"/proc/{pids[i]}/task/{t}/children").read().split()
                    pids += [int(k) for k in kids]
                except OSError: pass
        except OSError: pass
        i += 1
    return pids
counts = []; stamps = []
last_tree = 0; pids = [pid]
while os.path.exists(f"/proc/{pid}"):
    now = time.time()
    if now - last_tree > 0.2:
        pids = tree(pid) + others; last_tree = now
    r = 0
    for p in pids:
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                try:
                    st = open(f"/proc/{p}/task/{t}/stat").read()
                    if st[st.rfind(')') + 2] == 'R': r += 1
                except OSError: pass
        except OSError: pass
    counts.append(r); stamps.append(now)
    time.sleep(0.02)
n = max(1, len(counts))
with open(out, "w") as f:
    f.write("wanted %.2f  zero %.0f%%  one %.0f%%  two+ %.0f%%  samples %d\n" % (
        sum(min(c, 2) for c in counts) / n, 100 * sum(c == 0 for c in counts) / n,
        100 * sum(c == 1 for c in counts) / n, 100 * sum(c >= 2 for c in counts) / n, n))
with open(out + ".timeline", "w") as f:
    t0 = stamps[0] if stamps else 0
    buckets = {}
    for t, c in zip(stamps, counts):
        buckets.setdefault(int((t - t0) / 1.0), []).append(min(c, 2))
    for b in sorted(buckets):
        v = buckets[b]
        f.write("%3d s %.2f\n" % (b, sum(v) / len(v)))
