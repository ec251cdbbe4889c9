#!/usr/bin/env python3
"""Run one command for bench/ingest.sh and record how long it took.

Usage:
    run_timed.py RESULTS KEY LIMIT_S STDOUT STDERR CMD [ARG...]

Runs CMD with its output sent to the files STDOUT and STDERR (a path, or "-"
to keep the terminal; the same path twice gives one file), stops it after LIMIT_S seconds (its whole process group:
SIGTERM, then SIGKILL 10 s later; exit status 124 as with timeout(1)), and
appends to the "key value" file RESULTS:

    KEY.wall      wall time of the whole command, seconds
    KEY.rc        exit status (124: stopped at the time limit)
    KEY.cpu_s     CPU seconds used by the command and everything it waited for
    KEY.other     CPU used meanwhile by other processes on the machine, in
                  cores (0 = quiet machine; 1 = another job kept a core busy),
                  from /proc/stat minus the command's own CPU

Prints one line with the same figures.  Exits with CMD's status.
Python standard library only.
"""

import os
import resource
import signal
import subprocess
import sys
import time


def busy_seconds():
    """CPU time spent not idle by the whole machine since boot (/proc/stat)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal ...: count all but idle, iowait
    busy = sum(v) - v[3] - (v[4] if len(v) > 4 else 0)
    return busy / os.sysconf("SC_CLK_TCK")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(argv):
    if len(argv) < 7:
        sys.stderr.write(__doc__)
        return 2
    results, key, limit, out, err = argv[1:6]
    cmd = argv[6:]
    fout = None if out == "-" else open(out, "wb")
    if err == out and out != "-":
        ferr = subprocess.STDOUT            # both into one file
    else:
        ferr = None if err == "-" else open(err, "wb")

    b0, c0, t0 = busy_seconds(), children_cpu(), time.monotonic()
    p = subprocess.Popen(cmd, stdout=fout, stderr=ferr, start_new_session=True)
    try:
        rc = p.wait(timeout=float(limit))
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        rc = 124
    wall = time.monotonic() - t0
    cpu = children_cpu() - c0
    b1 = busy_seconds()
    other = None
    if b0 is not None and b1 is not None and wall > 0:
        other = max(0.0, (b1 - b0) - cpu) / wall

    with open(results, "a") as f:
        f.write("%s.wall %.3f\n%s.rc %d\n%s.cpu_s %.3f\n" % (key, wall, key, rc, key, cpu))
        if other is not None:
            f.write("%s.other %.2f\n" % (key, other))
    print("   wall %.2f s, exit %d, CPU %.1f s (%.2f cores), other processes %s cores"
          % (wall, rc, cpu, cpu / wall if wall > 0 else 0,
             "?" if other is None else "%.2f" % other))
    if rc == 124:
        print("   STOPPED after the %s s time limit" % limit)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
