#!/usr/bin/env bash
# lint.sh BUILD_DIR - clang-format check and cppcheck over the project's C,
# luacheck over the Lua test scripts (scripts/, tests/; settings in .luacheckrc).
# BUILD_DIR holds compile_commands.json (any configured tree).
set -uo pipefail
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
files=$(git ls-files '*.c' '*.h')
status=0
echo "lint: clang-format"
if ! clang-format --dry-run -Werror $files; then
  echo "lint: formatting differs; run: clang-format -i \$(git ls-files '*.c' '*.h')"
  status=1
fi
echo "lint: cppcheck"
if ! cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
     --inline-suppr --suppress=missingIncludeSystem --suppress=unmatchedSuppression --suppress=unknownMacro \
     --project="$build/compile_commands.json" -i"$build" 2>&1; then
  status=1
fi
echo "lint: luacheck"
if ! luacheck --config .luacheckrc --no-color -q scripts tests fixtures/adapters; then
  status=1
fi
[ $status -eq 0 ] && echo "lint: clean"
exit $status
