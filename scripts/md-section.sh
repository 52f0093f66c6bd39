#!/usr/bin/env bash
# Put a generated section into a Markdown file.
#
# usage: scripts/md-section.sh NAME SECTION FILE
#
# SECTION is a file that starts with "<!-- BEGIN NAME -->" and ends with
# "<!-- END NAME -->". If FILE already holds a section of that NAME, it is
# replaced; otherwise SECTION is appended after a blank line. The rest of
# FILE, written by hand, is kept as it is.
set -euo pipefail
[ $# -eq 3 ] || { sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'; exit 2; }
name=$1 sec=$2 file=$3
if [ -f "$file" ] && grep -qF "<!-- BEGIN $name -->" "$file"; then
  python3 - "$name" "$sec" "$file" <<'PY'
import re, sys
name, sec, path = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
doc = open(path).read()
pat = r'<!-- BEGIN ' + re.escape(name) + r' -->.*<!-- END ' + re.escape(name) + r' -->\n?'
open(path, 'w').write(re.sub(pat, lambda m: sec, doc, flags=re.S))
PY
else
  { echo; cat "$sec"; } >> "$file"
fi
