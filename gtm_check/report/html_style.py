"""The HTML page's stylesheet and its few lines of script, as constants.

Colours are custom properties so that dark mode (``prefers-color-scheme``) and print swap
them in one place; every pair of text and background meets WCAG AA (4.5:1), and every
chart colour carries its number or verdict as text beside it.
"""

from __future__ import annotations

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'"
"""Nothing may be loaded from anywhere: the page holds everything it shows."""

STYLE = """\
:root{--bg:#fff;--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;
--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--on:#fff;--link:#0550ae;
--h-ok:#dafbe1;--h-mid:#fff1c2;--h-low:#ffd8d3;--h-none:#eaeef2;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;
--line:#3d444d;--soft:#161b22;--ok:#3fb950;--warn:#d29922;--bad:#ff7b72;--on:#0d1117;
--link:#79c0ff;--h-ok:#0f3d1f;--h-mid:#4a3700;--h-low:#5c1f1f;--h-none:#21262d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"Noto Sans",sans-serif;overflow-wrap:break-word}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.3rem;margin-top:2rem;
border-bottom:1px solid var(--line)}h3{font-size:1.1rem}
a{color:var(--link)}code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
white-space:nowrap}
.meta,.muted,figcaption{color:var(--muted)}
.verdict{display:inline-block;padding:.2rem .7rem;border-radius:.3rem;font-weight:700;
font-size:1.15rem;color:var(--on)}
.pass{background:var(--ok)}.fail{background:var(--bad)}
.v-ready{fill:var(--ok)}.v-at-risk{fill:var(--warn)}.v-blocked{fill:var(--bad)}
.t-ready{color:var(--ok)}.t-at-risk{color:var(--warn)}.t-blocked{color:var(--bad)}
.track{fill:var(--soft);stroke:var(--line)}
.tl{fill:none;stroke-width:2}.tl-learn{stroke:var(--link)}.tl-buy{stroke:var(--ok)}
.tl-use{stroke:var(--warn)}.tl-grow{stroke:var(--muted)}
.proj{stroke-width:2.5;stroke-dasharray:0 5;stroke-linecap:round}
.launch{stroke:var(--bad);stroke-width:1.5}.axis{stroke:var(--line)}
.today{stroke:var(--muted);stroke-width:1}.ms{fill:var(--fg)}
.gate{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:4 3}
.chart{width:100%;height:auto;display:block}.chart text{fill:var(--fg);font-size:12.5px}
.chart .val,.chart .num{font-weight:600}.mini{width:6.5rem;height:auto}
.mini .tiny{fill:var(--fg);font-size:11.5px}
.h-ok{fill:var(--h-ok);background:var(--h-ok)}.h-mid{fill:var(--h-mid);background:var(--h-mid)}
.h-low{fill:var(--h-low);background:var(--h-low)}
.h-none{fill:var(--h-none);background:var(--h-none)}
figure{margin:1rem 0;max-width:38rem}figure.wide{max-width:32rem}
.fails li,.warns li{margin:.2rem 0}.fails{color:var(--bad)}
.scroll{overflow-x:auto;max-width:100%;background:
linear-gradient(to right,var(--bg) 40%,transparent) left/1.5rem 100% no-repeat local,
linear-gradient(to left,var(--bg) 40%,transparent) right/1.5rem 100% no-repeat local,
linear-gradient(to right,var(--line),transparent) left/.5rem 100% no-repeat scroll,
linear-gradient(to left,var(--line),transparent) right/.5rem 100% no-repeat scroll}
table{border-collapse:collapse;margin:.5rem 0;font-size:.95rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;
vertical-align:top}
thead th{background:var(--soft)}td.n,th.n{text-align:right}
tbody th[colspan]{background:var(--soft);font-size:1rem;padding-top:.6rem}
.sev{display:inline-block;border:1px solid;border-radius:1rem;padding:0 .5rem;
font-size:.85rem;white-space:nowrap}
.sev-blocker{background:var(--bad);border-color:var(--bad);color:var(--on);font-weight:700}
.sev-high{color:var(--bad)}.sev-medium{color:var(--warn)}.sev-low{color:var(--muted)}
.late{color:var(--bad);font-weight:600}.nw{white-space:nowrap}
.pair{display:grid;gap:0 2.5rem;align-items:start;
grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr))}.pair figure{max-width:none}
details summary{cursor:pointer;color:var(--muted)}
.find input{font:inherit;padding:.2rem .4rem;max-width:100%}
@media (max-width:40rem){main{padding:.6rem}th,td{padding:.25rem .3rem}
table{font-size:.9rem}h1{font-size:1.3rem}.stages th,.stages td{padding:.25rem .2rem}
.stages{font-size:.85rem}
.gaps,.gaps tbody,.gaps tr,.gaps td,.gaps th{display:block}.gaps thead{display:none}
.gaps td{border:0;padding:.1rem .3rem}.gaps tr.gap{border-bottom:1px solid var(--line);
padding:.4rem 0}.gaps td:nth-child(n+3)::before{color:var(--muted)}
.gaps td:nth-child(3)::before{content:"Owner: "}
.gaps td:nth-child(4)::before{content:"Status: "}
.gaps td:nth-child(5)::before{content:"Due: "}
.gaps td:nth-child(6):empty{display:none}
.gaps td:nth-child(6)::before{content:"Evidence: "}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--soft:#f2f2f2;--line:#999;
--link:#000}body{font-size:11pt}main{max-width:none;padding:0}
.find,details summary{display:none}section{break-inside:auto}
tr,figure{break-inside:avoid}h2,h3{break-after:avoid}
a[href^="http"]::after{content:" (" attr(href) ")";font-size:.8em}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

SCRIPT = """\
for(const f of document.querySelectorAll('.find')){f.hidden=false;
const i=f.querySelector('input'),rows=f.parentElement.querySelectorAll('tr.gap');
i.addEventListener('input',()=>{const q=i.value.trim().toLowerCase();
for(const r of rows)r.hidden=q!==''&&!r.textContent.toLowerCase().includes(q)})}
"""
"""Optional: a filter box over each gap table. Without script the box stays hidden and the
tables show every row."""
