#!/bin/sh
# Records its arguments (one per line), stdin and environment into $1.
out="$1"
shift
for a in "$@"; do printf '%s\n' "$a"; done > "$out/args"
cat > "$out/stdin"
env > "$out/env"
echo "provisioned $1"
