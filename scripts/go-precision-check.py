"""Check poollint's JSON findings against the reviewed real defects.

    python3 scripts/go-precision-check.py FINDINGS.json TRUE_LIST

TRUE_LIST holds one `path:line CODE` a line (path below gocode/src/, a
reason after `#`). Prints each finding not in it and exits 1 if any.
Shared by go-precision.sh (per package) and go-root-precision.sh.
"""
import json
import sys

known = set()
try:
    for line in open(sys.argv[2]):
        line = line.split("#", 1)[0].strip()
        if line:
            known.add(line.split("gocode/src/", 1)[-1])
except FileNotFoundError:
    pass
bad = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    code = d.get("code")
    code = code.get("code") if isinstance(code, dict) else code
    code = (code or "").split("::")[-1]
    spans = d.get("spans") or [{}]
    # Paths relative to the Go source root, wherever the script runs from.
    path = (spans[0].get("file_name") or "").split("gocode/src/", 1)[-1]
    key = f"{path}:{spans[0].get('line_start')} {code}"
    if key not in known:
        print(f"  unreviewed: {key}: {d.get('message')}")
        bad += 1
sys.exit(1 if bad else 0)
