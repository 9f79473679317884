import { api, quote } from '../api.js';
import { h, formatTime, link } from '../util.js';
import { setQuery } from '../app.js';

/** #/models?q=: registered models with their latest versions and aliases. */
export async function modelsPage(view, _params, query) {
  const q = query.get('q') || '';
  const search = h('input', { type: 'search', name: 'q', value: q, placeholder: 'Search models by name', 'aria-label': 'Search models' });
  view.append(h('div.toolbar', h('h1', 'Registered models'),
    h('form.inline', { onsubmit: (e) => { e.preventDefault(); setQuery({ q: search.value.trim() }); } }, search, h('button', { type: 'submit' }, 'Search'))));
  const { registered_models: models = [] } = await api.searchModels({ filter: q ? `name ILIKE ${quote('%' + q + '%')}` : undefined, order_by: 'name ASC' });
  if (!models.length) { view.append(h('p.empty', q ? `No model matches "${q}".` : 'No registered models.')); return; }
  view.append(h('table.grid.models', h('thead', h('tr', h('th', 'Name'), h('th', 'Latest version'), h('th', 'Aliases'), h('th', 'Last updated'), h('th', 'Description'))),
    h('tbody', models.map((m) => {
      const latest = Math.max(0, ...(m.latest_versions || []).map((v) => Number(v.version)));
      return h('tr', h('td', h('a', { href: link(`/models/${encodeURIComponent(m.name)}`) }, m.name)), h('td.num', latest ? 'Version ' + latest : ''),
        h('td', (m.aliases || []).map((a) => h('span.badge', `@${a.alias} → v${a.version}`))), h('td', formatTime(m.last_updated_timestamp)), h('td', m.description || ''));
    }))));
}

/** #/models/NAME: every version, its stage, aliases, status and the run it came from. */
export async function modelPage(view, [name]) {
  const [model, versions] = await Promise.all([api.getModel(name), api.searchVersions(`name=${quote(name)}`)]);
  versions.sort((a, b) => Number(b.version) - Number(a.version));
  const runNames = new Map();
  await Promise.all([...new Set(versions.map((v) => v.run_id).filter(Boolean))].map(async (id) => {
    try { const run = await api.getRun(id); runNames.set(id, run.info.run_name || id); } catch { runNames.set(id, id); }
  }));
  view.append(
    h('nav.crumbs', h('a', { href: '#/models' }, 'Models'), ' / ', name),
    h('h1', name),
    model.description ? h('p.description', model.description) : null,
    h('p', 'Aliases: ', (model.aliases || []).length ? model.aliases.map((a) => h('span.badge', `@${a.alias} → version ${a.version}`)) : 'none'),
    (model.tags || []).length ? h('p', 'Tags: ', model.tags.map((t) => h('span.badge', `${t.key}=${t.value}`))) : null,
    h('table.grid.versions', h('thead', h('tr', h('th', 'Version'), h('th', 'Aliases'), h('th', 'Stage'), h('th', 'Status'), h('th', 'Created'), h('th', 'Source run'), h('th', 'Source'))),
      h('tbody', versions.map((v) => h('tr', { dataset: { version: v.version } },
        h('td.num', v.version), h('td', (v.aliases || []).map((a) => h('span.badge', '@' + a))), h('td', v.current_stage || ''), h('td', v.status || ''),
        h('td', formatTime(v.creation_timestamp)),
        h('td', v.run_id ? h('a', { href: link(`/runs/${v.run_id}`) }, runNames.get(v.run_id) || v.run_id) : ''),
        h('td', h('code', v.source || '')))))));
}
