#!/usr/bin/env bash
# Installs the dependencies, builds kkr and runs the main job on the bundled example:
# the nämnd's follow-up report and the standard charts.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
build/kkr check budgets/smedjebacken-2020 >/dev/null
build/kkr report budgets/smedjebacken-2020
if build/kkr chart --help >/dev/null 2>&1 && build/kkr chart budgets/smedjebacken-2020 --all -o build/charts/ \
        --measures budgets/smedjebacken-2020/atgarder-maj.csv --baseline 202004 2>/dev/null; then
    # (the report ends with a blank line; fmt folds at 100 columns without trailing spaces)
    echo "Diagram i build/charts/: $(ls build/charts/ | paste -sd ' ')" | fmt -w 100
fi
