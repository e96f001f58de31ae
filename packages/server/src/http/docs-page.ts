/**
 * The `/docs` API reference: one self-contained HTML page (inline CSS and script, no CDN, no external asset)
 * that reads `/openapi.json` and renders every operation with its scope, parameters, body and answers.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>igkit API reference</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
  header { background: #1d2330; color: #fff; padding: 16px 24px; }
  header h1 { margin: 0; font-size: 20px; } header p { margin: 4px 0 0; opacity: .8; }
  main { max-width: 980px; margin: 0 auto; padding: 16px 24px 64px; }
  nav a { margin-right: 12px; }
  h2 { border-bottom: 1px solid #d5d9e0; padding-bottom: 4px; margin-top: 32px; text-transform: capitalize; }
  details { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; margin: 8px 0; }
  summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 12px; align-items: baseline; }
  .m { font: bold 12px monospace; padding: 2px 6px; border-radius: 4px; color: #fff; min-width: 52px; text-align: center; }
  .get { background: #2f7d32; } .post { background: #1f5fae; } .delete { background: #b3261e; } .put, .patch { background: #8a5a00; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f2f4f7; padding: 8px; border-radius: 4px; overflow-x: auto; }
  .body { padding: 0 12px 12px; } .scope { color: #6b3fa0; font-size: 13px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceff3; vertical-align: top; }
</style>
</head>
<body>
<header><h1>igkit API reference</h1><p>Every route, generated from <a style="color:#9cc3ff" href="/openapi.json">/openapi.json</a>. Send <code>Authorization: Bearer &lt;API key&gt;</code>.</p></header>
<main><nav id="nav"></nav><div id="ops">Loading…</div></main>
<script>
(async () => {
  const doc = await (await fetch('/openapi.json')).json();
  const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const deref = (s, depth = 0) => {
    if (!s || typeof s !== 'object' || depth > 6) return s;
    if (s.$ref) return deref(doc.components.schemas[s.$ref.split('/').pop()], depth + 1);
    if (Array.isArray(s)) return s.map((x) => deref(x, depth + 1));
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, deref(v, depth + 1)]));
  };
  const byTag = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'service';
      (byTag[tag] ||= []).push({ path, method, op });
    }
  }
  document.getElementById('nav').innerHTML = Object.keys(byTag).map((t) => '<a href="#' + esc(t) + '">' + esc(t) + '</a>').join('');
  document.getElementById('ops').innerHTML = Object.entries(byTag).map(([tag, ops]) =>
    '<h2 id="' + esc(tag) + '">' + esc(tag) + '</h2>' + ops.map(({ path, method, op }) => {
      const params = (op.parameters || []).map((p) => '<tr><td><code>' + esc(p.name) + '</code></td><td>' + esc(p.in) + (p.required ? ', required' : '') + '</td><td>' + esc(p.description || (p.schema && (p.schema.type || '')) ) + '</td></tr>').join('');
      const body = op.requestBody && op.requestBody.content['application/json'];
      const answers = Object.entries(op.responses || {}).map(([code, r]) => '<tr><td>' + esc(code) + '</td><td>' + esc(r.description) + '</td></tr>').join('');
      return '<details><summary><span class="m ' + method + '">' + method.toUpperCase() + '</span><code>' + esc(path) + '</code><span>' + esc(op.summary) + '</span></summary><div class="body">' +
        (op.description ? '<p>' + esc(op.description) + '</p>' : '') +
        (op['x-igkit-scope'] ? '<p class="scope">scope: <code>' + esc(op['x-igkit-scope']) + '</code></p>' : '') +
        (params ? '<h4>Parameters</h4><table>' + params + '</table>' : '') +
        (body ? '<h4>Body</h4><pre>' + esc(JSON.stringify(deref(body.schema), null, 2)) + '</pre>' : '') +
        '<h4>Answers</h4><table>' + answers + '</table></div></details>';
    }).join('')).join('');
})().catch((e) => { document.getElementById('ops').textContent = 'Could not load /openapi.json: ' + e; });
</script>
</body>
</html>
`;
