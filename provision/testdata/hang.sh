#!/bin/sh
# Never ends on its own; leaves a child that must die with it.
sleep 300 &
echo "started $!"
wait
