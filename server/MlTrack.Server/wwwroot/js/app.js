// MlTrack's browser UI: hash routes (shareable links) rendered into <main> from the server's REST API.
import { h, errorPage } from './util.js';
import { experimentsPage } from './pages/experiments.js';
import { runsPage } from './pages/runs.js';
import { runPage } from './pages/run.js';
import { comparePage } from './pages/compare.js';
import { modelsPage, modelPage } from './pages/models.js';

const routes = [
  [/^\/?$/, experimentsPage, 'experiments'],
  [/^\/experiments$/, experimentsPage, 'experiments'],
  [/^\/experiments\/([^/]+)(?:\/runs)?$/, runsPage, 'experiments'],
  [/^\/runs\/([^/]+)$/, runPage, 'experiments'],
  [/^\/compare$/, comparePage, 'experiments'],
  [/^\/models$/, modelsPage, 'models'],
  [/^\/models\/(.+)$/, modelPage, 'models'],
];

let generation = 0;

/** The current route: path, decoded path parameters and the query. */
export function currentRoute() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  return { path, query: new URLSearchParams(search) };
}

/** Replaces the query of the current route (a new history entry unless replace is true). */
export function setQuery(updates, replace = false) {
  const { path, query } = currentRoute();
  for (const [k, v] of Object.entries(updates)) {
    if (v === undefined || v === null || v === '') query.delete(k); else query.set(k, v);
  }
  const text = query.toString();
  const hash = '#' + path + (text ? '?' + text : '');
  if (replace) { history.replaceState(null, '', hash); render(); } else location.hash = hash;
}

async function render() {
  const my = ++generation;
  const { path, query } = currentRoute();
  const main = document.getElementById('main');
  for (const [pattern, page, nav] of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
    const params = match.slice(1).map(decodeURIComponent);
    const view = h('div.page');
    try {
      // A page renders into its own node; a newer navigation wins over a slower older one.
      await page(view, params, query, { isCurrent: () => my === generation });
    } catch (error) {
      view.replaceChildren(...errorPage(error));
    }
    if (my === generation && !view.isConnected) main.replaceChildren(view);
    return;
  }
  main.replaceChildren(h('div.page', h('h1', 'Not found'), h('p', 'No page at ', h('code', path), '. ', h('a', { href: '#/' }, 'Experiments'))));
}

/** Pages that show results early call this to put their node on screen before they finish. */
export function show(view, ctx) {
  const main = document.getElementById('main');
  if (ctx.isCurrent() && !view.isConnected) main.replaceChildren(view);
}

window.addEventListener('hashchange', render);
render();
