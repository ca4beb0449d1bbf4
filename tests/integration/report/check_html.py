#!/usr/bin/env python3
"""check_html.py - strict well-formedness of pumphil's index.html: every
element it opens is closed in order (void elements excepted), only the
elements the report writes appear (so an unescaped name like <script> or
<b> in a test name shows up as a stray tag), and no bare '<' or '&' is left
in text.

  check_html.py INDEX.html     (exit 0 when well-formed, 1 with the problems)
"""
import html.parser
import re
import sys

VOID = {"meta", "br", "img", "hr"}
# The trend's inline SVG (report_html_trend.c): its shapes are written
# self-closed, <line .../>, and count as closed.
SVG_EMPTY = {"line", "polyline", "circle"}
ALLOWED = VOID | SVG_EMPTY | {"svg", "html", "head", "title", "style", "body", "h1", "h2", "h3",
                              "h4", "p", "nav", "a", "table",
                              "tr", "th", "td", "section", "pre", "code", "span", "details",
                              "summary", "figure", "figcaption", "footer", "b"}


class Strict(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack, self.problems = [], []

    def where(self):
        return "line %d" % self.getpos()[0]

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append("%s: unexpected <%s>" % (self.where(), tag))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SVG_EMPTY:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("%s: </%s> closes <%s>" % (self.where(), tag,
                                                          self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            return
        if "<" in data:
            self.problems.append("%s: bare '<' in text" % self.where())
        if re.search(r"&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)", data):
            self.problems.append("%s: bare '&' in text" % self.where())


def check_html(text):
    """Problems found in the page text (an empty list when well-formed)."""
    p = Strict()
    p.feed(text)
    p.close()
    if p.stack:
        p.problems.append("unclosed at the end: %s" % ", ".join(p.stack))
    if not text.lstrip().startswith("<!DOCTYPE html>"):
        p.problems.append("no <!DOCTYPE html>")
    return p.problems


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        problems = check_html(f.read())
    for pr in problems:
        print(pr)
    sys.exit(1 if problems else 0)
