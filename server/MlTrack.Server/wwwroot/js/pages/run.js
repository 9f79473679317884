import { api, quote } from '../api.js';
import { h, formatTime, formatDuration, formatValue, formatBytes, errorBox, link } from '../util.js';
import { setQuery, show } from '../app.js';
import { lineChart } from '../chart.js';

const CHART_POINTS = 1000;
const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp)$/i;
const TEXT = /(\.(txt|log|md|py|r|sh|yaml|yml|toml|ini|cfg|json|csv|tsv|xml|html?|js|cs|sql)$)|(^|\/)(MLmodel|MLproject|requirements\.txt|Dockerfile|LICENSE)$/i;
const PREVIEW_LIMIT = 2 * 1024 * 1024;

/** #/runs/ID?artifact=path&metric=key: the run's facts, metric charts, registered versions and artifacts. */
export async function runPage(view, [runId], query, ctx) {
  const run = await api.getRun(runId);
  const { info, data } = run;
  // The experiment only names the breadcrumb: the page does not wait for it.
  const experimentLink = h('a', { href: link(`/experiments/${info.experiment_id}/runs`) }, 'experiment ' + info.experiment_id);
  api.getExperiment(info.experiment_id).then((e) => { experimentLink.textContent = e.name; }).catch(() => {});
  const messages = h('div.messages');
  const metrics = [...(data.metrics || [])].sort((a, b) => a.key.localeCompare(b.key));
  const params = [...(data.params || [])].sort((a, b) => a.key.localeCompare(b.key));
  const tags = [...(data.tags || [])].sort((a, b) => a.key.localeCompare(b.key));
  const deleted = info.lifecycle_stage === 'deleted';

  const act = async (fn) => { try { await fn(runId); setQuery({}, true); } catch (error) { messages.replaceChildren(errorBox(error)); } };
  const chartsHolder = h('div.charts');
  const versionsHolder = h('div', h('p.loading', 'Loading…'));
  const artifactsHolder = h('div.artifacts');

  view.append(
    h('nav.crumbs', h('a', { href: '#/experiments' }, 'Experiments'), ' / ',
      experimentLink, ' / ', info.run_name || runId),
    h('div.toolbar', h('h1', info.run_name || runId), deleted ? h('span.badge.deleted', 'deleted') : null,
      h('button', { type: 'button', class: deleted ? '' : 'danger', onclick: () => act(deleted ? api.restoreRun : api.deleteRun) }, deleted ? 'Restore run' : 'Delete run')),
    messages,
    h('dl.facts',
      h('dt', 'Run ID'), h('dd', h('code', runId)),
      h('dt', 'Status'), h('dd', h('span', { class: 'status ' + info.status }, info.status)),
      h('dt', 'Start time'), h('dd', formatTime(info.start_time)),
      h('dt', 'End time'), h('dd', formatTime(info.end_time)),
      h('dt', 'Duration'), h('dd', formatDuration(info.start_time, info.end_time)),
      h('dt', 'User'), h('dd', info.user_id || ''),
      h('dt', 'Artifact URI'), h('dd', h('code', info.artifact_uri || ''))),
    h('div.two-columns',
      h('section', h('h2', 'Parameters'), params.length
        ? h('table.grid.kv.params', h('tbody', params.map((p) => h('tr', h('th', p.key), h('td', p.value))))) : h('p.empty', 'No parameters.')),
      h('section', h('h2', 'Metrics'), metrics.length
        ? h('table.grid.kv.metrics', h('thead', h('tr', h('th', 'Metric'), h('th', 'Latest'), h('th', 'Step'))), h('tbody', metrics.map((m) => h('tr',
          h('th', h('a', { href: '#' + `metric-${m.key}`, onclick: (e) => { e.preventDefault(); document.querySelector(`.chart[data-metric="${CSS.escape(m.key)}"]`)?.scrollIntoView(); } }, m.key)),
          h('td.num', formatValue(m.value)), h('td.num', String(m.step)))))) : h('p.empty', 'No metrics.'))),
    metrics.length ? h('section', h('h2', 'Metric charts'), chartsHolder) : null,
    h('section', h('h2', 'Registered model versions'), versionsHolder),
    h('section', h('h2', 'Artifacts'), artifactsHolder),
    h('section', h('h2', 'Tags'), tags.length
      ? h('table.grid.kv.tags', h('tbody', tags.map((t) => h('tr', h('th', t.key), h('td', t.value))))) : h('p.empty', 'No tags.')));
  show(view, ctx);

  // Charts: each metric's history, sampled by the server to a chart's worth of points (1,000,000 points stay fast).
  const charts = Promise.all(metrics.map(async (m) => {
    const slot = h('div.chart-slot');
    chartsHolder.append(slot);
    try {
      const points = await api.sampledHistory([runId], m.key, CHART_POINTS);
      lineChart(slot, m.key, [{ label: m.key, points }]);
    } catch (error) { slot.append(errorBox(error)); }
  }));

  const versions = api.searchVersions(`run_id=${quote(runId)}`).then((list) => {
    versionsHolder.replaceChildren(list.length
      ? h('table.grid.versions', h('thead', h('tr', h('th', 'Model'), h('th', 'Version'), h('th', 'Stage'), h('th', 'Aliases'), h('th', 'Created'))),
        h('tbody', list.map((v) => h('tr',
          h('td', h('a', { href: link(`/models/${encodeURIComponent(v.name)}`) }, v.name)), h('td.num', v.version), h('td', v.current_stage || ''),
          h('td', (v.aliases || []).map((a) => h('span.badge', '@' + a))), h('td', formatTime(v.creation_timestamp))))))
      : h('p.empty', 'This run has not produced a registered model version.'));
  }).catch((error) => versionsHolder.replaceChildren(errorBox(error)));

  const artifacts = artifactBrowser(artifactsHolder, runId, query.get('artifact') || '');
  await Promise.all([charts, versions, artifacts]);
}

/** A tree of the run's artifacts (one level fetched at a time) beside a preview of the chosen file. */
async function artifactBrowser(holder, runId, selectedPath) {
  const tree = h('ul.tree');
  const preview = h('div.preview', h('p.empty', 'Choose a file to preview it.'));
  holder.append(h('div.artifact-browser', h('div.tree-pane', tree), preview));

  const openPrefixes = new Set();
  for (let i = selectedPath.indexOf('/'); i > 0; i = selectedPath.indexOf('/', i + 1)) openPrefixes.add(selectedPath.slice(0, i));

  async function fill(list, path) {
    const files = await api.listArtifacts(runId, path || undefined);
    if (!files.length && !path) { list.replaceWith(h('p.empty', 'No artifacts.')); return; }
    files.sort((a, b) => (b.is_dir - a.is_dir) || a.path.localeCompare(b.path));
    for (const file of files) {
      const name = file.path.split('/').pop();
      if (file.is_dir) {
        const children = h('ul');
        const toggle = h('button.dir', { type: 'button', 'aria-expanded': 'false' }, '▸ ' + name + '/');
        let loaded = false;
        toggle.addEventListener('click', async () => {
          const open = toggle.getAttribute('aria-expanded') !== 'true';
          toggle.setAttribute('aria-expanded', String(open));
          toggle.textContent = (open ? '▾ ' : '▸ ') + name + '/';
          children.hidden = !open;
          if (open && !loaded) { loaded = true; await fill(children, file.path); }
        });
        list.append(h('li', toggle, children));
        if (openPrefixes.has(file.path)) await toggle.click();
      } else {
        const item = h('a.file', { href: link(`/runs/${runId}`, { artifact: file.path }), dataset: { path: file.path } }, name);
        item.addEventListener('click', (e) => {
          e.preventDefault();
          history.replaceState(null, '', link(`/runs/${runId}`, { artifact: file.path }));
          for (const el of holder.querySelectorAll('a.file.selected')) el.classList.remove('selected');
          item.classList.add('selected');
          showPreview(preview, runId, file);
        });
        list.append(h('li', item, h('span.size', formatBytes(file.file_size))));
        if (file.path === selectedPath) { item.classList.add('selected'); showPreview(preview, runId, file); }
      }
    }
  }
  try { await fill(tree, ''); } catch (error) { holder.replaceChildren(errorBox(error)); }
}

async function showPreview(preview, runId, file) {
  const url = api.artifactUrl(runId, file.path);
  const name = file.path.split('/').pop();
  const head = h('div.preview-head', h('strong', file.path), ' ', h('span.size', formatBytes(file.file_size)), ' ',
    h('a.button', { href: url, download: name }, 'Download'));
  preview.replaceChildren(head, h('p.loading', 'Loading…'));
  let body;
  try {
    if (IMAGE.test(name)) {
      body = h('img', { src: url, alt: file.path });
    } else if (TEXT.test(file.path) && (file.file_size ?? 0) <= PREVIEW_LIMIT) {
      const text = await api.artifactText(runId, file.path);
      if (/\.json$/i.test(name)) {
        let pretty = text;
        try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* shown as it is */ }
        body = h('pre.code.json', pretty);
      } else if (/\.(csv|tsv)$/i.test(name)) {
        body = csvTable(text, /\.tsv$/i.test(name) ? '\t' : ',');
      } else {
        body = h('pre.code', text);
      }
    } else {
      body = h('p.empty', 'No preview for this file type or size; use Download.');
    }
  } catch (error) {
    body = errorBox(error);
  }
  preview.replaceChildren(head, body);
}

/** The first 200 rows of a CSV as a table (quoted fields with commas, doubled quotes). */
function csvTable(text, sep) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length && rows.length <= 200; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [headerRow = [], ...data] = rows;
  return h('div.csv', h('table.grid.csv', h('thead', h('tr', headerRow.map((c) => h('th', c)))), h('tbody', data.slice(0, 200).map((r) => h('tr', r.map((c) => h('td', c)))))),
    data.length >= 200 ? h('p.note', 'First 200 rows shown.') : null);
}
