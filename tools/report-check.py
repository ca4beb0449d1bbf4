#!/usr/bin/env python3
"""report-check.py - open a pumphil HTML report in headless Chromium with the
network off and check that it is self-contained, shows what it should, and
that every image loads.

  tools/report-check.py [--screenshot OUT.png] [--expect TEXT]... [--min-images N] INDEX.html

Checks, each failing with one line naming what is wrong:
  1. static: no <script>, <link>, <iframe> or <object>; no src/href/url()
     that leaves the machine (http:, https:, //, data: is fine);
  2. every <img src> is a file next to the report holding a whole PNG
     (signature, IHDR with a size, an IEND chunk), at least N of them;
  3. Chromium loads a copy of the page with a probe script appended (the
     page itself has none) and reports, after the load event, every image
     complete with a natural size, and no resource fetched other than file:;
  4. the page's text (from Chromium's DOM) holds every --expect TEXT;
  5. a screenshot of the page itself (no probe) is written and is not blank
     (ImageMagick's standard deviation of the pixels).
Exit status 0 when all hold, 1 otherwise, 2 on bad usage.
"""
import argparse
import html
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    # Networking off: every non-file request goes to a proxy that is not there.
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]

PROBE = """
<pre id="pumphil-probe"></pre>
<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                .map(function (i) { return i.getAttribute('src'); });
  var res = performance.getEntriesByType('resource').map(function (e) { return e.name; })
                .filter(function (n) { return n.indexOf('file:') !== 0; });
  document.getElementById('pumphil-probe').textContent = 'PROBE:' + JSON.stringify(
      { images: imgs.length, broken: bad, remote: res }) + ':END';
});
</script>
"""


def fail(msg):
    print("report-check: FAIL: " + msg)
    return 1


class Scan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.imgs, self.bad_tags, self.urls, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.bad_tags.append(tag)
        if tag == "img":
            self.imgs.append(a.get("src") or "")
        for k in ("src", "href"):
            if a.get(k):
                self.urls.append(a[k])

    def handle_data(self, data):
        self.text.append(data)


def leaves_machine(url):
    u = url.strip().lower()
    return u.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))


def png_ok(path):
    """A whole PNG: signature, IHDR with a size, chunks up to IEND."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return "cannot read: %s" % e.strerror
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "not a PNG"
    pos, seen_end, size = 8, False, None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            size = struct.unpack(">II", data[pos + 8:pos + 16])
        if kind == b"IEND":
            seen_end = True
            break
        pos += 12 + n
    if not size or size[0] == 0 or size[1] == 0:
        return "no image size"
    if not seen_end:
        return "truncated (no IEND)"
    return None


def run_chromium(chromium, args, timeout=180):
    with tempfile.TemporaryDirectory(prefix="pumphil-chromium-") as profile:
        cmd = [chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def probe(chromium, index):
    """Load a copy of the page with the probe appended; returns (dom, result)."""
    d = os.path.dirname(index)
    copy = os.path.join(d, ".report-check-%d.html" % os.getpid())
    with open(index, "rb") as f:
        page = f.read()
    try:
        with open(copy, "wb") as f:
            f.write(page.replace(b"</body>", PROBE.encode() + b"</body>"))
        rc, out, err = run_chromium(chromium, ["--virtual-time-budget=10000", "--dump-dom",
                                               "file://" + copy])
    finally:
        os.unlink(copy)
    m = re.search(r"PROBE:(.*?):END", html.unescape(out), re.S)
    return out, (json.loads(m.group(1)) if m else None), rc, err


def blank(png):
    p = subprocess.run(["identify", "-format", "%[fx:standard_deviation]", png],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return "identify failed: " + p.stderr.decode(errors="replace").strip()
    sd = float(p.stdout.decode().strip() or 0)
    return "blank screenshot (standard deviation %.4f)" % sd if sd < 0.02 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index")
    ap.add_argument("--screenshot")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--min-images", type=int, default=0)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()
    index = os.path.abspath(a.index)
    if not os.path.isfile(index):
        print("report-check: %s: no such file" % a.index)
        return 2

    s = Scan()
    with open(index, encoding="utf-8") as f:
        s.feed(f.read())
    if s.bad_tags:
        return fail("the page has <%s> elements: it must work with nothing but itself" % s.bad_tags[0])
    remote = [u for u in s.urls if leaves_machine(u)]
    with open(index, encoding="utf-8") as f:
        remote += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", f.read())
    if remote:
        return fail("the page refers to the network: %s" % remote[0])
    if len(s.imgs) < a.min_images:
        return fail("%d images, expected at least %d" % (len(s.imgs), a.min_images))
    for src in s.imgs:
        if src.startswith("data:"):
            continue
        why = png_ok(os.path.join(os.path.dirname(index), src))
        if why:
            return fail("image %s: %s" % (src, why))

    dom, result, rc, err = probe(a.chromium, index)
    if result is None:
        return fail("Chromium did not run the probe (exit %d): %s" % (rc, err.strip()[-300:]))
    if result["broken"]:
        return fail("images that did not load in Chromium: %s" % ", ".join(result["broken"]))
    if result["remote"]:
        return fail("Chromium fetched from the network: %s" % result["remote"][0])
    if result["images"] != len(s.imgs):
        return fail("Chromium saw %d images, the page has %d" % (result["images"], len(s.imgs)))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", dom)).split())
    for e in a.expect:
        if " ".join(e.split()) not in text:
            return fail("the page does not show %r" % e)

    if a.screenshot:
        shot = os.path.abspath(a.screenshot)
        if os.path.exists(shot):
            os.unlink(shot)
        rc, out, err = run_chromium(a.chromium, ["--screenshot=" + shot, "--window-size=1280,2000",
                                                 "--hide-scrollbars", "file://" + index])
        if not os.path.isfile(shot):
            return fail("Chromium wrote no screenshot (exit %d): %s" % (rc, err.strip()[-300:]))
        why = png_ok(shot) or blank(shot)
        if why:
            return fail("screenshot %s: %s" % (shot, why))
    print("report-check: ok: %s: %d images loaded, %d texts found%s" % (
        a.index, result["images"], len(a.expect),
        ", screenshot " + a.screenshot if a.screenshot else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
