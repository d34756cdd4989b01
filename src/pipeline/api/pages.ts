/**
 * The web pages: the upload / paste-logs page, and the workers view (online workers, done and
 * failed per worker, queue depth: what Flower showed). Plain HTML; everything shown is escaped.
 */
import type { WorkerInfo } from '../presence.js';

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}textarea{width:100%;height:12rem;font:13px monospace}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}pre{background:#f6f6f6;padding:.8rem;overflow:auto}
.ok{color:#080}.off{color:#a00}nav a{margin-right:1rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><nav><a href="/">submit</a><a href="/workers">workers</a><a href="/metrics">metrics</a></nav><h1>${esc(title)}</h1>${body}</body></html>`;
}

export function indexPage(handlers: readonly string[]): string {
  return layout(
    'fleet pipeline',
    `<p>Handlers: ${handlers.map(esc).join(', ')}.</p>
<h2>Caption an image</h2>
<form id="up"><input type="file" name="image" accept="image/png,image/jpeg,image/webp,image/gif" required> <button>Upload</button></form>
<h2>Analyse logs</h2>
<form id="logs"><textarea name="text" placeholder="Paste syslog, journal export or application log lines" required></textarea><br><button>Analyse</button></form>
<h2>Result</h2><p id="state">Nothing submitted yet.</p><pre id="out"></pre>
<script>
const state = document.getElementById('state'), out = document.getElementById('out');
async function follow(res) {
  const body = await res.json();
  if (!res.ok) { state.textContent = 'Refused (' + res.status + '): ' + body.error; out.textContent = ''; return; }
  const id = body.id;
  for (;;) {
    const job = await (await fetch('/jobs/' + encodeURIComponent(id))).json();
    state.textContent = 'Job ' + id + ': ' + job.state + (job.worker ? ' on ' + job.worker : '');
    if (job.state === 'completed' || job.state === 'failed') { out.textContent = JSON.stringify(job.result ?? job.error, null, 2); return; }
    await new Promise((r) => setTimeout(r, 500));
  }
}
document.getElementById('up').onsubmit = (e) => { e.preventDefault(); follow(fetch('/upload', { method: 'POST', body: new FormData(e.target) })); };
document.getElementById('logs').onsubmit = (e) => {
  e.preventDefault();
  const text = new FormData(e.target).get('text');
  follow(fetch('/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handler: 'log-analysis', input: { text } }) }));
};
</script>`,
  );
}

export function workersPage(state: { workers: WorkerInfo[]; queue: Record<string, number> }): string {
  const rows = state.workers
    .map(
      (w) =>
        `<tr><td>${esc(w.name)}</td><td class="${w.online ? 'ok' : 'off'}">${w.online ? 'online' : 'offline'}</td><td>${esc(w.concurrency ?? '')}</td><td>${esc(w.completed)}</td><td>${esc(w.failed)}</td><td>${esc(w.startedAt ?? '')}</td></tr>`,
    )
    .join('\n');
  const q = Object.entries(state.queue)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`)
    .join('');
  return layout(
    'workers',
    `<table><tr><th>worker</th><th>status</th><th>concurrency</th><th>done</th><th>failed</th><th>started</th></tr>${rows || '<tr><td colspan="6">no worker has connected yet</td></tr>'}</table>
<h2>Queue</h2><table>${q}</table><p><a href="/api/workers">as JSON</a></p>`,
  );
}
