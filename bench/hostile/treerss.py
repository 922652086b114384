#!/usr/bin/env python3
"""Runs a command and reports the peak resident memory of its whole process tree.

Polls /proc every few milliseconds: the sum of RSS over the command and all its descendants
(the tree peak), and the highest VmHWM (per-process peak) seen for the top process and for any
child. Usage: treerss.py [--interval-ms N] -- COMMAND ARGS...  (the command's exit code is kept;
the figures go to stderr as one `treerss:` line, and to $TREERSS_JSON as JSON when set).
"""
import json, os, subprocess, sys, time

def children(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out

def status(pid):
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    fields[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return fields

def main():
    args = sys.argv[1:]
    interval = 0.005
    if args and args[0] == "--interval-ms":
        interval = float(args[1]) / 1000
        args = args[2:]
    if args and args[0] == "--":
        args = args[1:]
    started = time.time()
    proc = subprocess.Popen(args)
    tree_peak = top_hwm = child_hwm = 0
    seen = set()
    while proc.poll() is None:
        total = 0
        stack = [proc.pid]
        while stack:
            pid = stack.pop()
            fields = status(pid)
            total += fields.get("VmRSS", 0)
            if pid == proc.pid:
                top_hwm = max(top_hwm, fields.get("VmHWM", 0))
            else:
                seen.add(pid)
                child_hwm = max(child_hwm, fields.get("VmHWM", 0))
            stack.extend(children(pid))
        tree_peak = max(tree_peak, total)
        time.sleep(interval)
    result = {
        "tree_peak_mib": round(tree_peak / 2**20, 1),
        "main_peak_mib": round(top_hwm / 2**20, 1),
        "largest_child_peak_mib": round(child_hwm / 2**20, 1),
        "children": len(seen),
        "wall_s": round(time.time() - started, 2),
        "exit": proc.returncode,
    }
    print("treerss: " + " ".join(f"{k}={v}" for k, v in result.items()), file=sys.stderr)
    if os.environ.get("TREERSS_JSON"):
        with open(os.environ["TREERSS_JSON"], "w") as f:
            json.dump(result, f)
    sys.exit(proc.returncode)

main()
