#!/bin/sh
i=0
while [ $i -lt 2000 ]; do echo "line $i of a very long output that goes on"; i=$((i+1)); done
