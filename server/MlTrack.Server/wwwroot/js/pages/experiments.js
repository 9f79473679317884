import { api, quote } from '../api.js';
import { h, formatTime, errorBox, link } from '../util.js';
import { setQuery } from '../app.js';

/** #/experiments?q=&view=active|deleted: search, create, rename, delete and restore experiments. */
export async function experimentsPage(view, _params, query) {
  const q = query.get('q') || '';
  const deleted = query.get('view') === 'deleted';
  const filter = q ? `name ILIKE ${quote('%' + q + '%')}` : undefined;
  const message = h('div.messages');

  const search = h('input', { type: 'search', name: 'q', placeholder: 'Search experiments by name', value: q, 'aria-label': 'Search experiments' });
  const newName = h('input', { name: 'name', placeholder: 'New experiment name', 'aria-label': 'New experiment name' });
  view.append(
    h('div.toolbar',
      h('h1', deleted ? 'Deleted experiments' : 'Experiments'),
      h('form.inline', { onsubmit: (e) => { e.preventDefault(); setQuery({ q: search.value.trim() }); } }, search, h('button', { type: 'submit' }, 'Search')),
      h('a.button', { href: link('/experiments', { q, view: deleted ? '' : 'deleted' }) }, deleted ? 'Show active' : 'Show deleted')),
    h('form.inline.create', {
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const { experiment_id: id } = await api.createExperiment(newName.value.trim());
          location.hash = link(`/experiments/${id}/runs`);
        } catch (error) { message.replaceChildren(errorBox(error)); }
      },
    }, newName, h('button', { type: 'submit' }, 'Create experiment')),
    message);

  const { experiments = [] } = await api.searchExperiments({ filter, view_type: deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY', order_by: 'name ASC' });
  if (!experiments.length) {
    view.append(h('p.empty', q ? `No experiment matches "${q}".` : 'No experiments.'));
    return;
  }
  const rows = experiments.map((exp) => {
    const nameCell = h('td', deleted ? exp.name : h('a', { href: link(`/experiments/${exp.experiment_id}/runs`) }, exp.name));
    const rename = () => {
      const input = h('input', { value: exp.name, 'aria-label': 'New name' });
      const form = h('form.inline', {
        onsubmit: async (e) => {
          e.preventDefault();
          try { await api.renameExperiment(exp.experiment_id, input.value.trim()); setQuery({}, true); } catch (error) { message.replaceChildren(errorBox(error)); }
        },
      }, input, h('button', { type: 'submit' }, 'Save'), h('button', { type: 'button', onclick: () => setQuery({}, true) }, 'Cancel'));
      nameCell.replaceChildren(form);
      input.focus();
    };
    const act = async (fn) => { try { await fn(exp.experiment_id); setQuery({}, true); } catch (error) { message.replaceChildren(errorBox(error)); } };
    return h('tr', { dataset: { experimentId: exp.experiment_id } },
      h('td.num', exp.experiment_id), nameCell,
      h('td', formatTime(exp.creation_time)), h('td', formatTime(exp.last_update_time)),
      h('td.actions', deleted
        ? h('button', { onclick: () => act(api.restoreExperiment) }, 'Restore')
        : [h('button', { onclick: rename }, 'Rename'),
          exp.experiment_id === '0' ? null : h('button.danger', { onclick: () => confirm(`Delete experiment "${exp.name}" and its runs?`) && act(api.deleteExperiment) }, 'Delete')]));
  });
  view.append(h('table.grid.experiments', h('thead', h('tr', h('th', 'ID'), h('th', 'Name'), h('th', 'Created'), h('th', 'Last updated'), h('th', ''))), h('tbody', rows)));
}
