#!/usr/bin/env python3
"""tools/bench --compare OLD NEW: two figures files of tools/bench (two commits, or two
settings) side by side.

For each metric in both files: jvmm's median in each and its change in per cent, judged by the
metric's "better" direction, then the jvmm/QEMU ratio in each (the only figure that carries
over between places, such as two KVM sandboxes). Notes name what makes a row not compare: a
metric measured in different places, different settings (runs, memory, vCPUs, kernel), and
metrics only one file has. Bad input (a missing file, something that is not a figures file)
exits 2 with one line on stderr.
"""
import json
import sys

SETTINGS = ("runs", "memory_mib", "cpus", "kernel")


def fail(message):
    print("bench: --compare: " + message, file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        fail("cannot read %s: %s" % (path, e.strerror))
    except ValueError as e:
        fail("%s is not JSON (%s)" % (path, e))
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        fail("%s is not a figures file of tools/bench (it has no \"results\" list)" % path)
    rows = {}
    for row in data["results"]:
        if not isinstance(row, dict) or not isinstance(row.get("metric"), str):
            fail("%s has a result without a \"metric\" name" % path)
        rows[row["metric"]] = row
    return data, rows


def number(value):
    """A median or ratio as written by tools/bench (a string, "nan" or "n/a" when missing)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if x != x else x


def shown(x):
    if x is None:
        return "n/a"
    return ("%.0f" if abs(x) >= 100 else "%.2f") % x


def change(old, new, better):
    if old is None or new is None or old == 0:
        return "n/a"
    pct = (new - old) / old * 100
    if round(pct, 1) == 0:
        return "+0.0%"
    improved = (pct < 0) == (better == "lower")
    return "%+.1f%% %s" % (pct, "better" if improved else "worse")


def describe(path, data):
    return "%s (commit %s, %s, %s runs)" % (path, data.get("commit", "?"), data.get("date", "?"),
                                             data.get("runs", "?"))


def main(argv):
    if len(argv) != 2:
        fail("takes two figures files, OLD and NEW (tools/bench --compare OLD.json NEW.json)")
    (old_path, new_path) = argv
    old, old_rows = load(old_path)
    new, new_rows = load(new_path)
    common = [m for m in new_rows if m in old_rows]
    if not common:
        fail("%s and %s have no metric in common" % (old_path, new_path))

    print("jvmm, before -> now")
    print("  before: " + describe(old_path, old))
    print("  now:    " + describe(new_path, new))
    print("  %-40s %9s %9s  %-15s | %s" % ("", "before", "now", "change", "jvmm/QEMU before -> now"))
    notes = []
    for metric in common:
        a, b = old_rows[metric], new_rows[metric]
        label = b.get("label") or a.get("label") or metric
        unit = b.get("unit", "")
        better = b.get("better", "lower")
        ma, mb = number(a.get("jvmm_median")), number(b.get("jvmm_median"))
        print("  %-40s %9s %9s  %-15s | %s -> %s" % (
            "%s (%s)" % (label, unit), shown(ma), shown(mb), change(ma, mb, better),
            a.get("ratio", "n/a"), b.get("ratio", "n/a")))
        wa, wb = a.get("where", old.get("where")), b.get("where", new.get("where"))
        if wa != wb:
            notes.append("%s ran in different places (%s; now %s): only its ratios compare" % (label, wa, wb))
    for key in SETTINGS:
        if old.get(key) != new.get(key):
            notes.append("%s differs: %s before, %s now" % (key, old.get(key), new.get(key)))
    only_old = [m for m in old_rows if m not in new_rows]
    only_new = [m for m in new_rows if m not in old_rows]
    if only_old:
        notes.append("only before: " + ", ".join(only_old))
    if only_new:
        notes.append("only now: " + ", ".join(only_new))
    for note in notes:
        print("note: " + note)


if __name__ == "__main__":
    main(sys.argv[1:])
