# Helpers for the mmld share tests (share.sh, share-procs.sh): the JSON schema, charts that
# are well-formed and not blank. Debian's python3 (/usr/bin/python3) has python3-jsonschema.
SCHEMA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/docs/share-schema.json
PNG_INK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/png_ink.py

# schema_valid FILE...: each file is a JSON document docs/share-schema.json accepts.
schema_valid() {
	/usr/bin/python3 - "$SCHEMA" "$@" <<'PY'
import json, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
bad = 0
for f in sys.argv[2:]:
    for e in list(v.iter_errors(json.load(open(f))))[:5]:
        print(f"{f}: /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        bad = 1
sys.exit(bad)
PY
}

# chart_ok FILE.svg [RRGGBB]: xmllint finds it well-formed, rsvg-convert renders it, and the
# picture has ink (and the colour, if given).
chart_ok() {
	xmllint --noout "$1" || return 1
	rsvg-convert -o "$1.png" "$1" || return 1
	local r
	r=$(/usr/bin/python3 "$PNG_INK" "$1.png" ${2:+--colour $2}) || return 1
	echo "$1: $r"
	awk '/^ink/ { exit !($2 > 0.02 && $4 >= 8) }' <<<"$r" || return 1
	[ -z "${2:-}" ] || grep -q 'colour present' <<<"$r"
}
