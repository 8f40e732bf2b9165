#!/usr/bin/env bash
# Renders the standard chart set of the bundled example into charts/ (PNG, 1600 px wide), as
# shown in README.md: kkr chart --all; the brygga is § 56 of the seed protocol, from the
# forecast locked in April 2020 through the measures of May to the May forecast.
# Builds kkr first when needed. KKR_BUILD picks the build folder (default: build).
set -eu
cd "$(dirname "$0")/.."
build=${KKR_BUILD:-build}
[ -d "$build" ] || meson setup "$build" --buildtype=release >/dev/null
ninja -C "$build" kkr >/dev/null
example=budgets/smedjebacken-2020
# The same input gives the same bytes; the PDF date would come from SOURCE_DATE_EPOCH.
"$build/kkr" chart "$example" --all -o charts/ --measures "$example/atgarder-maj.csv" \
    --baseline 202004
ls -l charts/*.png | awk '{ printf "%8d  %s\n", $5, $NF }'
