// The server's public REST API, exactly as MLflow's own UI calls it (ajax-api prefix, relative to the page).
const PREFIX = 'ajax-api/2.0/mlflow/';

/** An MLflow error answer: error_code and the server's message (shown to the user as is). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function send(method, path, params, body) {
  let url = path.startsWith('/') ? path.slice(1) : PREFIX + path;
  if (params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined || value === null || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
    }
    const text = query.toString();
    if (text) url += '?' + text;
  }
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (!response.ok) throw await failure(response);
  const text = await response.text();
  try { return text ? JSON.parse(text) : {}; } catch { return { message: text }; }
}

/** The ApiError of a failed answer: MLflow's JSON error, or the status and text of anything else. */
async function failure(response) {
  const text = await response.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { message: text }; }
  return new ApiError(response.status, json.error_code || 'HTTP_' + response.status, json.message || response.statusText);
}

export const get = (path, params) => send('GET', path, params);
export const post = (path, body) => send('POST', path, undefined, body);

export const api = {
  searchExperiments: (params) => get('experiments/search', { max_results: 1000, ...params }),
  getExperiment: (id) => get('experiments/get', { experiment_id: id }).then((r) => r.experiment),
  createExperiment: (name) => post('experiments/create', { name }),
  renameExperiment: (id, name) => post('experiments/update', { experiment_id: id, new_name: name }),
  deleteExperiment: (id) => post('experiments/delete', { experiment_id: id }),
  restoreExperiment: (id) => post('experiments/restore', { experiment_id: id }),
  searchRuns: (body) => post('runs/search', body),
  getRun: (id) => get('runs/get', { run_id: id }).then((r) => r.run),
  deleteRun: (id) => post('runs/delete', { run_id: id }),
  restoreRun: (id) => post('runs/restore', { run_id: id }),
  /** A chart-sized history: the server samples long series (at most maxResults steps, plus each run's ends). */
  sampledHistory: (runIds, key, maxResults = 1000) =>
    get('metrics/get-history-bulk-interval', { run_ids: runIds, metric_key: key, max_results: maxResults }).then((r) => r.metrics || []),
  listArtifacts: (runId, path) => get('artifacts/list', { run_id: runId, path }).then((r) => r.files || []),
  artifactUrl: (runId, path) => 'get-artifact?' + new URLSearchParams({ path, run_uuid: runId }),
  artifactText: async (runId, path) => {
    const response = await fetch(api.artifactUrl(runId, path));
    if (!response.ok) throw await failure(response);
    return response.text();
  },
  searchModels: (params) => get('registered-models/search', { max_results: 1000, ...params }),
  getModel: (name) => get('registered-models/get', { name }).then((r) => r.registered_model),
  searchVersions: (filter) => get('model-versions/search', { filter, max_results: 1000 }).then((r) => r.model_versions || []),
};

/** A single-quoted string literal of the search grammar. */
export const quote = (value) => "'" + String(value).replaceAll("'", "\\'") + "'";
