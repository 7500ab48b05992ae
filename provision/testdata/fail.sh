#!/bin/sh
echo "radius: no such user" >&2
exit 3
