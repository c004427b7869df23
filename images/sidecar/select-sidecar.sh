#!/bin/sh
# Picks the sidecar flavour for this CPU (run in the Dockerfile's 'tools' stage, so on the engine's own CPU):
#
#   sh select-sidecar.sh DIR DEST
#
# DIR holds bot-bottle-sidecar (the x86-64 baseline NativeAOT build, or any other architecture's) and, for linux-x64,
# bot-bottle-sidecar-x86-64-v3 (the same program compiled with IlcInstructionSet=x86-64-v3: AVX2, BMI1/2, FMA, LZCNT,
# MOVBE). NativeAOT fixes the instruction set at compile time (dotnet/runtime#68110; dotnet/runtime
# src/coreclr/nativeaot/docs/optimizing.md), and a binary compiled for x86-64-v3 refuses to start on a CPU without
# those instructions. So the v3 flavour is started once ('--version'); if it runs and says it is the v3 build, it
# becomes DEST, otherwise the baseline does. Exactly one binary is copied to DEST; the line printed names the choice
# (it shows in the build output).
set -eu
DIR=$1
DEST=$2
V3="$DIR/bot-bottle-sidecar-x86-64-v3"
mkdir -p "$(dirname "$DEST")"
if [ -f "$V3" ] && out=$("$V3" --version 2>&1) && case "$out" in *"instruction set x86-64-v3"*) true ;; *) false ;; esac; then
  cp "$V3" "$DEST"
  echo "select-sidecar: this CPU runs the x86-64-v3 flavour: $(echo "$out" | tail -n 1)"
else
  cp "$DIR/bot-bottle-sidecar" "$DEST"
  if [ -f "$V3" ]; then
    echo "select-sidecar: the x86-64-v3 flavour does not start on this CPU, using the baseline: $(echo "${out:-}" | head -n 3 | tr '\n' ' ')"
  else
    echo "select-sidecar: one flavour shipped for this architecture, using it"
  fi
fi
chmod 0755 "$DEST"
