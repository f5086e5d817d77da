#!/bin/sh
# Runs a program we cannot change (btcd) so that it does not outlive the process that started it:
#   exit-with-parent.sh <parent pid> <program> [args…]
# SIGTERM/SIGINT/SIGHUP to this script are passed on to the program. If the parent dies without
# stopping us (SIGKILL, a crash), the program gets SIGTERM, then SIGKILL after 10 s. The exit
# status is the program's.
parent=$1
shift
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
while kill -0 "$child" 2>/dev/null; do
  if ! kill -0 "$parent" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    n=0
    while kill -0 "$child" 2>/dev/null && [ "$n" -lt 20 ]; do
      sleep 0.5
      n=$((n + 1))
    done
    kill -KILL "$child" 2>/dev/null
    break
  fi
  sleep 0.5 &
  wait $!
done
wait "$child"
