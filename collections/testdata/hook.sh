#!/bin/sh
# Test hook: appends its action, arguments and stdin to the file $1, one
# run a line, so that a test sees how many times each hook ran.
out="$1"
shift
stdin=$(cat | tr '\n' ' ')
printf '%s | %s\n' "$*" "$stdin" >> "$out"
