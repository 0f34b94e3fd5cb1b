/** HTML helpers of the page: escaping, the layout and its stylesheet (inline: no build step, no CDN). */

export const esc = (v: unknown) =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A path segment of a link, escaped for both the URL and the attribute. */
export const seg = (name: string) => esc(encodeURIComponent(name));

const CSS = `
:root { color-scheme: light dark; --fg: #24292f; --muted: #57606a; --bg: #ffffff; --line: #d0d7de; --ok: #1f883d; --bad: #cf222e; --warn: #9a6700; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --line: #30363d; --ok: #3fb950; --bad: #f85149; --warn: #d29922; --link: #58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem 2rem; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
header { display: flex; gap: 1rem; align-items: baseline; border-bottom: 1px solid var(--line); padding-bottom: .5rem; margin-bottom: 1rem; }
header h1 { font-size: 1.25rem; margin: 0; }
nav a { margin-right: 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .7rem; text-align: left; vertical-align: top; }
th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
.chart { margin: .5rem 0 1rem; max-width: 100%; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
.error { white-space: pre-wrap; max-width: 40rem; }
`;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · Wharf</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><nav><a href="/ui">Overview</a></nav></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A status word with a symbol and a class (never colour alone). */
export function statusBadge(status: string | null): string {
  if (status === 'succeeded') return '<span class="ok">✓ succeeded</span>';
  if (status === 'no_data') return '<span class="muted">– no data</span>';
  if (status === 'failed') return '<span class="bad">✗ failed</span>';
  return '<span class="muted">not loaded yet</span>';
}

export const num = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));
