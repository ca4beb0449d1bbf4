#!/bin/sh
# trace_xvfb.sh PUMPHIL TRACE GOLDEN OUTDIR
#
# The interactive viewer on a virtual X server: open the real window, zoom
# (4 wheel notches about a point), pan (drag 100 px), set cursor A (left
# click) and B (right click) with synthetic XTEST input from xdotool, take
# a screenshot with ImageMagick's import, compare it with GOLDEN (pixels
# differing by more than 19 %, at most 0.5 %), and quit with the q key
# (exit status 0).  PUMPHIL_REGEN_GOLDEN=1 copies the screenshot to GOLDEN.
set -u
pumphil=$1 trace=$2 golden=$3 out=$4
shot=$out/window.png
xpid= vpid=
cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$out/view.log" ] && cat "$out/view.log"; exit 1; }

rm -f "$shot" "$out/xvfb.display" "$out/view.log"
Xvfb -displayfd 9 -screen 0 1024x768x24 -nolisten tcp 9>"$out/xvfb.display" 2>"$out/xvfb.log" &
xpid=$!
i=0
while [ ! -s "$out/xvfb.display" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "Xvfb did not start: $(cat "$out/xvfb.log")"
	sleep 0.1
done
DISPLAY=:$(cat "$out/xvfb.display")
export DISPLAY
# The software renderer presenting through XShm: the same pixels as --png.
SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 \
	"$pumphil" view "$trace" --size 800x600 --from 0 --to 24h >"$out/view.log" 2>&1 &
vpid=$!
wid=$(timeout 20 xdotool search --sync --onlyvisible --name '^pumphil view - ' | head -n 1)
[ -n "$wid" ] || fail "no viewer window"
sleep 1
xdotool mousemove --window "$wid" 460 300 click 4 click 4 click 4 click 4 || fail "xdotool zoom"
sleep 0.3
xdotool mousemove --window "$wid" 600 300 mousedown 1 mousemove --window "$wid" 500 300 \
	mouseup 1 || fail "xdotool drag"
sleep 0.3
xdotool mousemove --window "$wid" 300 300 click 1 mousemove --window "$wid" 650 300 click 3 \
	|| fail "xdotool cursors"
sleep 1
import -window "$wid" "$shot" || fail "import"
xdotool mousemove --window "$wid" 400 300 key q || fail "xdotool key q"
i=0
while kill -0 "$vpid" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "the viewer did not quit on q"
	sleep 0.1
done
wait "$vpid"
rc=$?
vpid=
[ $rc -eq 0 ] || fail "the viewer exited $rc"

if [ "${PUMPHIL_REGEN_GOLDEN:-}" = 1 ]; then
	cp "$shot" "$golden" && echo "regenerated $golden"
	exit 0
fi
bad=$(compare -metric AE -fuzz 19% "$shot" "$golden" "$out/window_diff.png" 2>&1 >/dev/null)
echo "$shot vs $golden: $bad pixels differ (limit 2400)"
case $bad in
''|*[!0-9]*) fail "compare: $bad" ;;
esac
[ "$bad" -le 2400 ] || fail "see $out/window_diff.png"
