import { api, ApiError } from '../api.js';
import { h, formatTime, formatDuration, formatValue, errorBox, link, tagValue } from '../util.js';
import { setQuery, show } from '../app.js';

export const PAGE_SIZE = 100;
const DEFAULT_ORDER = 'attributes.start_time DESC';
// token -> the token of the page before it, so "Previous" works without decoding the server's opaque tokens.
const previousTokens = new Map();
// run ids picked for comparison, per experiment, kept while paging and sorting.
const selections = new Map();

const quoteKey = (key) => '`' + key.replaceAll('`', '') + '`';

/** A column: its header, how to read a cell, and the order_by key that sorts by it (none: not sortable). */
function columns(chosen) {
  const fixed = [
    { id: 'name', label: 'Run name', order: 'attributes.run_name', cell: (r) => h('a', { href: link(`/runs/${r.info.run_id}`) }, r.info.run_name || r.info.run_id) },
    { id: 'status', label: 'Status', order: 'attributes.status', cell: (r) => h('span', { class: 'status ' + r.info.status }, r.info.status) },
    { id: 'start', label: 'Start time', order: 'attributes.start_time', cell: (r) => formatTime(r.info.start_time) },
    { id: 'duration', label: 'Duration', order: null, cell: (r) => formatDuration(r.info.start_time, r.info.end_time) },
    { id: 'user', label: 'User', order: 'attributes.user_id', cell: (r) => r.info.user_id || tagValue(r, 'mlflow.user') || '' },
  ];
  const chosenColumns = chosen.map((id) => {
    const [kind, ...rest] = id.split(':');
    const key = rest.join(':');
    if (kind === 'p') return { id, label: key, kindLabel: 'param', order: `params.${quoteKey(key)}`, cell: (r) => (r.data.params || []).find((p) => p.key === key)?.value ?? '' };
    return { id, label: key, kindLabel: 'metric', numeric: true, order: `metrics.${quoteKey(key)}`, cell: (r) => formatValue((r.data.metrics || []).find((m) => m.key === key)?.value) };
  });
  return [...fixed, ...chosenColumns];
}

const FILTER_HELP = [
  "metrics.rmse < 0.8",
  "params.alpha = '0.5' and metrics.r2 > 0.3",
  "attributes.status = 'FINISHED'",
  "tags.`mlflow.runName` LIKE 'nightly%'",
];

/** #/experiments/ID/runs?filter=&order=&view=&cols=&token=: one page of runs, sorted and filtered by the server. */
export async function runsPage(view, [experimentId], query, ctx) {
  const filter = query.get('filter') || '';
  const order = query.get('order') || DEFAULT_ORDER;
  const deleted = query.get('view') === 'deleted';
  const token = query.get('token') || '';
  const colsParam = query.get('cols');
  if (!selections.has(experimentId)) selections.set(experimentId, new Set());
  const selected = selections.get(experimentId);

  // The page of runs is asked for at once, alongside the experiment (its name heads the page).
  const started = performance.now();
  const search = api.searchRuns({
    experiment_ids: [experimentId], filter, order_by: [order], max_results: PAGE_SIZE,
    run_view_type: deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY', page_token: token || undefined,
  });
  search.catch(() => {}); // handled below; this keeps an early failure of the experiment from leaving it unobserved
  const experiment = await api.getExperiment(experimentId);
  const filterInput = h('input.filter', { name: 'filter', value: filter, placeholder: FILTER_HELP[1], 'aria-label': 'Filter runs', spellcheck: 'false' });
  const messages = h('div.messages');
  const tableHolder = h('div.table-holder', h('p.loading', 'Loading runs…'));
  const pager = h('div.pager');
  const actions = h('div.selection');
  const chooser = h('details.columns', h('summary', 'Columns'));

  view.append(
    h('nav.crumbs', h('a', { href: '#/experiments' }, 'Experiments'), ' / ', experiment.name),
    h('div.toolbar', h('h1', experiment.name, deleted ? ' (deleted runs)' : ''),
      h('a.button', { href: link(`/experiments/${experimentId}/runs`, { filter, order, view: deleted ? '' : 'deleted' }) }, deleted ? 'Show active runs' : 'Show deleted runs')),
    h('form.filter-form', { onsubmit: (e) => { e.preventDefault(); setQuery({ filter: filterInput.value.trim(), token: '' }); } },
      filterInput, h('button', { type: 'submit' }, 'Apply'),
      filter ? h('button', { type: 'button', onclick: () => setQuery({ filter: '', token: '' }) }, 'Clear') : null),
    messages, h('div.table-tools', actions, chooser), tableHolder, pager);
  show(view, ctx);

  let page;
  try {
    page = await search;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    tableHolder.replaceChildren();
    messages.replaceChildren(errorBox(error), h('div.help',
      'Filter clauses are joined with "and": ', h('code', 'metrics.<key> <op> <number>'), ', ', h('code', "params.<key> = '<text>'"), ', ',
      h('code', "tags.<key> LIKE '<pattern>'"), ', ', h('code', "attributes.status = 'FINISHED'"), '. Keys with special characters go in backticks. Examples: ',
      FILTER_HELP.map((f, i) => [i ? ', ' : '', h('code', f)])));
    return;
  }
  const runs = page.runs || [];

  // Columns: those named in the link, else every param and metric key seen on this page (the first 8 of each).
  const seenParams = [...new Set(runs.flatMap((r) => (r.data.params || []).map((p) => p.key)))].sort();
  const seenMetrics = [...new Set(runs.flatMap((r) => (r.data.metrics || []).map((m) => m.key)))].sort();
  const chosen = colsParam !== null ? colsParam.split(',').filter(Boolean)
    : [...seenMetrics.slice(0, 8).map((k) => 'm:' + k), ...seenParams.slice(0, 8).map((k) => 'p:' + k)];
  const cols = columns(chosen);
  const options = [...new Set([...seenMetrics.map((k) => 'm:' + k), ...seenParams.map((k) => 'p:' + k), ...chosen])];
  chooser.append(h('div.choices', options.map((id) => h('label', h('input', {
    type: 'checkbox', checked: chosen.includes(id),
    onchange: (e) => setQuery({ cols: (e.target.checked ? [...chosen, id] : chosen.filter((c) => c !== id)).join(',') || ',' }),
  }), (id.startsWith('m:') ? 'metric ' : 'param ') + id.slice(2)))));

  const [orderKey, orderDir = 'ASC'] = order.split(/ (?=ASC$|DESC$)/i);
  const header = cols.map((c) => {
    const active = c.order && c.order === orderKey;
    const arrow = active ? (orderDir.toUpperCase() === 'DESC' ? ' ▼' : ' ▲') : '';
    const label = [c.kindLabel ? h('span.kind', c.kindLabel + ' ') : null, c.label, arrow];
    if (!c.order) return h('th', { title: 'Not sortable on the server' }, label);
    const next = active && orderDir.toUpperCase() === 'ASC' ? 'DESC' : active ? 'ASC' : (c.numeric || c.id === 'start' ? 'DESC' : 'ASC');
    return h('th.sortable', { 'aria-sort': active ? (orderDir.toUpperCase() === 'DESC' ? 'descending' : 'ascending') : 'none' },
      h('button.sort', { type: 'button', onclick: () => setQuery({ order: `${c.order} ${next}`, token: '' }) }, label));
  });

  const updateActions = () => {
    const ids = [...selected];
    actions.replaceChildren(
      h('span', `${ids.length} selected`),
      h('a.button', { href: link('/compare', { runs: ids.join(','), experiment: experimentId }), 'aria-disabled': ids.length < 2 ? 'true' : null, class: ids.length < 2 ? 'button disabled' : 'button' }, 'Compare'),
      h('button', {
        type: 'button', disabled: !ids.length, class: deleted ? '' : 'danger',
        onclick: async () => {
          try {
            for (const id of ids) await (deleted ? api.restoreRun(id) : api.deleteRun(id));
            selected.clear();
            setQuery({}, true);
          } catch (error) { messages.replaceChildren(errorBox(error)); }
        },
      }, deleted ? 'Restore selected' : 'Delete selected'),
      ids.length ? h('button', { type: 'button', onclick: () => { selected.clear(); setQuery({}, true); } }, 'Clear selection') : null);
  };
  updateActions();

  const body = h('tbody', runs.map((r) => h('tr', { dataset: { runId: r.info.run_id } },
    h('td.pick', h('input', {
      type: 'checkbox', 'aria-label': 'Select ' + (r.info.run_name || r.info.run_id), checked: selected.has(r.info.run_id),
      onchange: (e) => { if (e.target.checked) selected.add(r.info.run_id); else selected.delete(r.info.run_id); updateActions(); },
    })),
    cols.map((c) => h(c.numeric ? 'td.num' : 'td', c.cell(r))))));
  const table = h('table.grid.runs', h('thead', h('tr', h('th.pick', ''), header)), body);
  tableHolder.replaceChildren(runs.length ? table : h('p.empty', token ? 'No more runs.' : filter ? 'No run matches this filter.' : 'No runs yet.'));
  // For the benchmark: when the rows were put on the page (ms since navigation start) and how long since the request.
  table.dataset.shownAt = String(Math.round(performance.now()));
  table.dataset.loadMs = String(Math.round(performance.now() - started));

  if (page.next_page_token) previousTokens.set(page.next_page_token, token);
  const hasMore = Boolean(page.next_page_token) && runs.length === PAGE_SIZE;
  pager.append(
    token ? h('button', { type: 'button', onclick: () => setQuery({ token: previousTokens.get(token) ?? '' }) }, '← Previous') : null,
    token ? h('button', { type: 'button', onclick: () => setQuery({ token: '' }) }, 'First') : null,
    h('span.count', runs.length ? `${runs.length} runs on this page` : ''),
    hasMore ? h('button', { type: 'button', onclick: () => setQuery({ token: page.next_page_token }) }, 'Next →') : null);
}
