// Interoperability test: drives an MlTrack server with the third-party npm package
// `mlflow` pinned at 2.0.7 (https://github.com/Yuhsak/mlflow), through every method it has.
//
//   MLTRACK_URL=http://127.0.0.1:5000 node --test --test-reporter=tap interop.test.mjs
//
// Expected values are what MLflow's own 2.x server answers (see /work/shared/reference/mlflow-api.md),
// not whatever MlTrack happens to do. Where the npm package itself deviates from MLflow's REST API
// (removed or misspelled routes, NaN encoding), the test expects what a real MLflow server would
// answer to the request the package actually sends; each such place is marked "PACKAGE QUIRK".
//
// Public surface of mlflow@2.0.7 (node_modules/mlflow/lib):
//   new MLflow({ endpoint, headers?, version? = '2.0' })   getters: Experiments, Runs, Metrics, Artifacts
//   Experiments: create, list, get, delete, update, restore, setExperimentTag
//   Runs:        create, delete, restore, get, logMetric, setTag, deleteTag, logParameter, logBatch, search, update
//   Metrics:     getHistory
//   Artifacts:   list
//   MLflowBase:  requestUrl, req (TypeScript-protected, reachable from JS; used for routes the package lacks)
//   mlflow/enum: ViewType, RunStatus, LifecycleStage
// The package has no model-registry methods and no artifact upload/download methods.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// The package is CommonJS; load it the way its README does: require('mlflow'), require('mlflow/enum').
const require = createRequire(import.meta.url);
const MLflow = require('mlflow');
const { ViewType, RunStatus, LifecycleStage } = require('mlflow/enum');

const BASE = (process.env.MLTRACK_URL ?? '').replace(/\/+$/, '');
if (!BASE) {
  throw new Error('Set MLTRACK_URL to the MlTrack server, e.g. MLTRACK_URL=http://127.0.0.1:5000');
}

// PACKAGE QUIRK: MLflowBase.req console.log()s every JSON body it POSTs. Keep those bodies
// (useful to check what went over the wire) instead of letting them clutter the TAP stream.
const sentBodies = [];
const realLog = console.log;
console.log = (...args) => {
  if (args.length === 1 && typeof args[0] === 'string' && args[0].startsWith('{')) {
    sentBodies.push(args[0]);
    return;
  }
  realLog(...args);
};

const SFX = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
const uniq = (label) => `npm-interop-${label}-${SFX}`;
const T = { timeout: 120_000 };

const client = new MLflow({ endpoint: BASE });
const { Experiments, Runs, Metrics, Artifacts } = client;

/** Awaits a call the package should reject; returns {status, statusText, data} from its error. */
async function expectError(promise, status, errorCode) {
  let value;
  let error;
  try {
    value = await promise;
  } catch (e) {
    error = e;
  }
  if (!error) {
    assert.fail(`expected HTTP ${status}${errorCode ? ` ${errorCode}` : ''}, but the call succeeded with ${JSON.stringify(value)}`);
  }
  // The package throws new Error(new Error(JSON.stringify({status, statusText, data}))).
  const match = /^Error: (\{[\s\S]*\})$/.exec(error.message);
  assert.ok(match, `the package raised an error that is not an HTTP error: ${error.message}`);
  const info = JSON.parse(match[1]);
  assert.equal(info.status, status, `HTTP status (response body: ${JSON.stringify(info.data)})`);
  if (errorCode) {
    assert.equal(info.data?.error_code, errorCode, `error_code (response body: ${JSON.stringify(info.data)})`);
    assert.equal(typeof info.data?.message, 'string', 'MLflow error bodies carry a message');
  }
  return info;
}

const tagsOf = (entity) => Object.fromEntries((entity.tags ?? entity.data?.tags ?? []).map((t) => [t.key, t.value]));
const paramsOf = (run) => Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
const metricsOf = (run) => Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m]));
const idsOf = (res) => (res.runs ?? []).map((r) => r.info.run_id);
const history = async (run_id, metric_key) => (await Metrics.getHistory({ run_id, metric_key })).metrics ?? [];

async function newExperiment(label, artifact_location) {
  const name = uniq(label);
  const { experiment_id } = await Experiments.create({ name, artifact_location });
  return { name, experiment_id };
}

async function newRun(experiment_id, { name, start_time = Date.now(), user_id = 'npm-interop', tags = [] } = {}) {
  const allTags = name ? [...tags, { key: 'mlflow.runName', value: name }] : tags;
  const { run } = await Runs.create({ experiment_id, user_id, start_time, tags: allTags });
  return run;
}

// ---------------------------------------------------------------------------------------------

describe('server reachable', T, () => {
  it('GET /health answers OK', async () => {
    const res = await fetch(`${BASE}/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.text()).trim(), 'OK');
  });
});

describe('MLflow client construction and mlflow/enum', T, () => {
  it('constructor keeps endpoint and defaults the API version to 2.0; getters hand out fresh sub-clients', () => {
    assert.equal(client.endpoint, BASE);
    assert.equal(client.version, '2.0');
    assert.deepEqual(client.headers, {});
    for (const [getter, path] of [['Experiments', 'experiments'], ['Runs', 'runs'], ['Metrics', 'metrics'], ['Artifacts', 'artifacts']]) {
      const sub = client[getter];
      assert.notEqual(sub, client[getter], `${getter} getter returns a new instance each time`);
      assert.equal(sub.endpoint, BASE);
      assert.equal(sub.version, '2.0');
      assert.equal(sub.requestUrl('/x'), `${BASE}/api/2.0/mlflow/${path}/x`);
    }
    assert.equal(client.requestUrl('experiments/get'), `${BASE}/api/2.0/mlflow/experiments/get`);
  });

  it('custom headers and an explicit version 2.0 are accepted by the server', async () => {
    const custom = new MLflow({ endpoint: BASE, version: '2.0', headers: { 'X-Interop-Client': 'npm-mlflow-2.0.7' } });
    assert.deepEqual(custom.Experiments.headers, { 'X-Interop-Client': 'npm-mlflow-2.0.7' });
    const { experiment } = await custom.Experiments.get({ experiment_id: '0' });
    assert.equal(experiment.experiment_id, '0');
  });

  it('an API version the server does not serve gives 404', async () => {
    const other = new MLflow({ endpoint: BASE, version: '9.9' });
    await expectError(other.Experiments.get({ experiment_id: '0' }), 404);
  });

  it('mlflow/enum exposes the names MLflow puts on the wire', () => {
    assert.deepEqual({ ...ViewType }, { ACTIVE_ONLY: 'ACTIVE_ONLY', DELETED_ONLY: 'DELETED_ONLY', ALL: 'ALL' });
    assert.deepEqual(Object.keys(RunStatus), ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
    assert.deepEqual({ ...LifecycleStage }, { active: 'active', deleted: 'deleted' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('Experiments', T, () => {
  it('create returns a decimal-string id; get returns the experiment with MLflow fields', async () => {
    const before = Date.now();
    const { name, experiment_id } = await newExperiment('exp-create');
    const after = Date.now();
    assert.equal(typeof experiment_id, 'string');
    assert.match(experiment_id, /^\d+$/);

    const res = await Experiments.get({ experiment_id });
    const e = res.experiment;
    assert.equal(e.experiment_id, experiment_id);
    assert.equal(e.name, name);
    assert.equal(e.lifecycle_stage, LifecycleStage.active);
    assert.equal(typeof e.artifact_location, 'string');
    assert.ok(e.artifact_location.endsWith(`/${experiment_id}`), `default artifact_location is <root>/<id>, got ${e.artifact_location}`);
    assert.equal(typeof e.creation_time, 'number', 'int64 creation_time is a JSON number');
    assert.equal(typeof e.last_update_time, 'number', 'int64 last_update_time is a JSON number');
    assert.ok(e.creation_time >= before - 60_000 && e.creation_time <= after + 60_000, `creation_time ${e.creation_time} is about now`);
    assert.ok(e.last_update_time >= e.creation_time);
    assert.deepEqual(e.tags ?? [], []);
  });

  it('create keeps an explicit artifact_location, and runs put artifacts under it', async () => {
    const location = `s3://mltrack-interop-npm/${SFX}/explicit`;
    const { experiment_id } = await newExperiment('exp-location', location);
    const { experiment } = await Experiments.get({ experiment_id });
    assert.equal(experiment.artifact_location, location);
    const run = await newRun(experiment_id);
    assert.equal(run.info.artifact_uri, `${location}/${run.info.run_id}/artifacts`);
  });

  it('create rejects a duplicate name with 400 RESOURCE_ALREADY_EXISTS', async () => {
    const { name } = await newExperiment('exp-dup');
    await expectError(Experiments.create({ name }), 400, 'RESOURCE_ALREADY_EXISTS');
  });

  it('create rejects an empty name with 400 INVALID_PARAMETER_VALUE', async () => {
    await expectError(Experiments.create({ name: '' }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('create rejects an artifact_location with a URL fragment with 400 INVALID_PARAMETER_VALUE', async () => {
    await expectError(
      Experiments.create({ name: uniq('exp-fragment'), artifact_location: 's3://bucket/path#fragment' }),
      400, 'INVALID_PARAMETER_VALUE');
  });

  it('get returns the Default experiment "0"', async () => {
    const { experiment } = await Experiments.get({ experiment_id: '0' });
    assert.equal(experiment.experiment_id, '0');
    assert.equal(experiment.name, 'Default');
  });

  it('get of an unknown or non-numeric id gives 404 RESOURCE_DOES_NOT_EXIST', async () => {
    await expectError(Experiments.get({ experiment_id: '987654321' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await expectError(Experiments.get({ experiment_id: 'not-a-number' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('update renames; the old name is free, the new one resolves', async () => {
    const { name, experiment_id } = await newExperiment('exp-rename');
    const { experiment: before } = await Experiments.get({ experiment_id });
    const newName = `${name}-renamed`;
    assert.deepEqual(await Experiments.update({ experiment_id, new_name: newName }), {});
    const { experiment } = await Experiments.get({ experiment_id });
    assert.equal(experiment.name, newName);
    assert.ok(experiment.last_update_time >= before.last_update_time);
    const byName = await client.req('get', 'experiments/get-by-name', { experiment_name: newName });
    assert.equal(byName.experiment.experiment_id, experiment_id);
    await expectError(client.req('get', 'experiments/get-by-name', { experiment_name: name }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('update to a name that is taken gives 400; empty new_name gives 400; unknown id gives 404', async () => {
    const a = await newExperiment('exp-rename-a');
    const b = await newExperiment('exp-rename-b');
    await expectError(Experiments.update({ experiment_id: a.experiment_id, new_name: b.name }), 400);
    assert.equal((await Experiments.get({ experiment_id: a.experiment_id })).experiment.name, a.name);
    await expectError(Experiments.update({ experiment_id: a.experiment_id, new_name: '' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Experiments.update({ experiment_id: '987654321', new_name: uniq('x') }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('delete marks deleted; a second delete is 404; the name stays taken; no runs can be created in it', async () => {
    const { name, experiment_id } = await newExperiment('exp-delete');
    assert.deepEqual(await Experiments.delete({ experiment_id }), {});
    const { experiment } = await Experiments.get({ experiment_id });
    assert.equal(experiment.lifecycle_stage, LifecycleStage.deleted);
    await expectError(Experiments.delete({ experiment_id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await expectError(Experiments.create({ name }), 400, 'RESOURCE_ALREADY_EXISTS');
    await expectError(Runs.create({ experiment_id, user_id: 'u', start_time: Date.now() }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Experiments.delete({ experiment_id: '987654321' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('restore makes it active again; restoring an active experiment is 404', async () => {
    const { experiment_id } = await newExperiment('exp-restore');
    await Experiments.delete({ experiment_id });
    assert.deepEqual(await Experiments.restore({ experiment_id }), {});
    const { experiment } = await Experiments.get({ experiment_id });
    assert.equal(experiment.lifecycle_stage, LifecycleStage.active);
    await expectError(Experiments.restore({ experiment_id }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('delete cascades to all runs; restore brings back all runs, also ones deleted one by one before', async () => {
    const { experiment_id } = await newExperiment('exp-cascade');
    const r1 = await newRun(experiment_id);
    const r2 = await newRun(experiment_id);
    await Runs.delete({ run_id: r2.info.run_id });
    await Experiments.delete({ experiment_id });
    for (const r of [r1, r2]) {
      assert.equal((await Runs.get({ run_id: r.info.run_id })).run.info.lifecycle_stage, LifecycleStage.deleted);
    }
    const active = await Runs.search({ experiment_ids: [experiment_id], run_view_type: ViewType.ACTIVE_ONLY });
    assert.deepEqual(idsOf(active), []);
    await Experiments.restore({ experiment_id });
    for (const r of [r1, r2]) {
      assert.equal((await Runs.get({ run_id: r.info.run_id })).run.info.lifecycle_stage, LifecycleStage.active);
    }
  });

  // PACKAGE QUIRK: Experiments.list calls GET /api/2.0/mlflow/experiments/list, which MLflow
  // removed in 2.0 (replaced by experiments/search). A real MLflow 2.x server answers 404.
  it('list (GET experiments/list, removed in MLflow 2.0) gives 404', async () => {
    await expectError(Experiments.list(), 404);
    await expectError(Experiments.list({ view_type: ViewType.ALL }), 404);
  });

  // PACKAGE QUIRK: setExperimentTag builds its URL without the slash, i.e.
  // POST /api/2.0/mlflow/experimentsset-experiment-tag, which does not exist on MLflow: 404, nothing set.
  it('setExperimentTag (misspelled route .../experimentsset-experiment-tag) gives 404 and sets nothing', async () => {
    const { experiment_id } = await newExperiment('exp-settag-pkg');
    await expectError(Experiments.setExperimentTag({ experiment_id, key: 'k', value: 'v' }), 404);
    const { experiment } = await Experiments.get({ experiment_id });
    assert.deepEqual(tagsOf(experiment), {});
  });
});

describe('MLflowBase#req for routes the package lacks', T, () => {
  it('POST experiments/set-experiment-tag upserts; get returns the tags', async () => {
    const { experiment_id } = await newExperiment('exp-settag-req');
    assert.deepEqual(await client.req('post', 'experiments/set-experiment-tag', { experiment_id, key: 'team', value: 'a' }), {});
    await client.req('post', 'experiments/set-experiment-tag', { experiment_id, key: 'mlflow.note.content', value: 'notes' });
    await client.req('post', 'experiments/set-experiment-tag', { experiment_id, key: 'team', value: 'b' });
    const { experiment } = await Experiments.get({ experiment_id });
    assert.deepEqual(tagsOf(experiment), { team: 'b', 'mlflow.note.content': 'notes' });
    await expectError(client.req('post', 'experiments/set-experiment-tag', { experiment_id: '987654321', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('GET experiments/get-by-name finds an exact name; an unknown name is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const { name, experiment_id } = await newExperiment('exp-byname');
    const { experiment } = await client.req('get', 'experiments/get-by-name', { experiment_name: name });
    assert.equal(experiment.experiment_id, experiment_id);
    assert.equal(experiment.name, name);
    await expectError(client.req('get', 'experiments/get-by-name', { experiment_name: name.toUpperCase() }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('POST experiments/search filters, orders and pages; it needs max_results', async () => {
    const prefix = uniq('exp-search');
    const ids = [];
    for (const n of ['a', 'b', 'c']) {
      ids.push((await Experiments.create({ name: `${prefix}-${n}` })).experiment_id);
    }
    const filter = `name LIKE '${prefix}-%'`;
    const all = await client.req('post', 'experiments/search', { max_results: 10, filter, order_by: ['name ASC'] });
    assert.deepEqual(all.experiments.map((e) => e.experiment_id), ids);
    assert.equal(all.next_page_token, undefined, 'no token when no more rows exist');

    const p1 = await client.req('post', 'experiments/search', { max_results: 2, filter, order_by: ['name DESC'] });
    assert.deepEqual(p1.experiments.map((e) => e.experiment_id), [ids[2], ids[1]]);
    assert.equal(typeof p1.next_page_token, 'string');
    const p2 = await client.req('post', 'experiments/search', { max_results: 2, filter, order_by: ['name DESC'], page_token: p1.next_page_token });
    assert.deepEqual(p2.experiments.map((e) => e.experiment_id), [ids[0]]);
    assert.equal(p2.next_page_token, undefined);

    await expectError(client.req('post', 'experiments/search', { filter }), 400, 'INVALID_PARAMETER_VALUE');
  });
});

// ---------------------------------------------------------------------------------------------

describe('Runs: create, get, update, delete, restore', T, () => {
  let exp;
  before(async () => {
    exp = await newExperiment('runs');
    exp.artifact_location = (await Experiments.get({ experiment_id: exp.experiment_id })).experiment.artifact_location;
  });

  it('create returns a RUNNING run with the given user, start time, tags and name', async () => {
    const start_time = Date.now() - 5_000;
    const name = uniq('run-named');
    const { run } = await Runs.create({
      experiment_id: exp.experiment_id,
      user_id: 'alice',
      start_time,
      tags: [{ key: 'team', value: 'vision' }, { key: 'mlflow.runName', value: name }],
    });
    const { info, data } = run;
    assert.match(info.run_id, /^[0-9a-f]{32}$/, 'run_id is a 32-char lower-case hex uuid');
    assert.equal(info.run_uuid, info.run_id);
    assert.equal(info.experiment_id, exp.experiment_id);
    assert.equal(info.user_id, 'alice');
    assert.equal(info.status, RunStatus.RUNNING);
    assert.equal(info.start_time, start_time);
    assert.equal(info.end_time, undefined, 'end_time is omitted while unset');
    assert.equal(info.lifecycle_stage, LifecycleStage.active);
    assert.equal(info.run_name, name);
    assert.equal(info.artifact_uri, `${exp.artifact_location}/${info.run_id}/artifacts`);
    assert.deepEqual(tagsOf(run), { team: 'vision', 'mlflow.runName': name });
    assert.deepEqual(data.params ?? [], []);
    assert.deepEqual(data.metrics ?? [], []);
  });

  it('create without user, start time or name: user_id "", start_time 0, generated name mirrored into mlflow.runName', async () => {
    const { run } = await Runs.create({ experiment_id: exp.experiment_id });
    assert.equal(run.info.user_id, '');
    assert.equal(run.info.start_time, 0, 'MLflow stores a missing start_time as 0');
    assert.match(run.info.run_name, /^[a-z]+-[a-z]+-\d+$/, `generated adjective-noun-NNN name, got ${run.info.run_name}`);
    assert.equal(tagsOf(run)['mlflow.runName'], run.info.run_name);
  });

  it('create in an unknown experiment gives 404 RESOURCE_DOES_NOT_EXIST', async () => {
    await expectError(Runs.create({ experiment_id: '987654321', user_id: 'u', start_time: Date.now() }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('get returns info and data equal to what create returned', async () => {
    const created = await newRun(exp.experiment_id, { name: uniq('run-get'), tags: [{ key: 'k', value: 'v' }] });
    const { run } = await Runs.get({ run_id: created.info.run_id });
    assert.deepEqual(run.info, created.info);
    assert.deepEqual(tagsOf(run), tagsOf(created));
    assert.ok(run.inputs === undefined || typeof run.inputs === 'object');
    assert.deepEqual(run.inputs?.dataset_inputs ?? [], []);
  });

  it('get of an unknown run gives 404 RESOURCE_DOES_NOT_EXIST', async () => {
    await expectError(Runs.get({ run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('update sets status and end_time and returns run_info; any status change is allowed', async () => {
    const created = await newRun(exp.experiment_id, { name: uniq('run-update') });
    const run_id = created.info.run_id;
    const end_time = created.info.start_time + 1234;
    const { run_info } = await Runs.update({ run_id, status: RunStatus.FINISHED, end_time });
    assert.equal(run_info.run_id, run_id);
    assert.equal(run_info.status, RunStatus.FINISHED);
    assert.equal(run_info.end_time, end_time);
    assert.equal(run_info.start_time, created.info.start_time);
    assert.equal(run_info.run_name, created.info.run_name);
    assert.equal(run_info.experiment_id, exp.experiment_id);
    const { run } = await Runs.get({ run_id });
    assert.equal(run.info.status, RunStatus.FINISHED);
    assert.equal(run.info.end_time, end_time);

    const back = await Runs.update({ run_id, status: RunStatus.RUNNING });
    assert.equal(back.run_info.status, RunStatus.RUNNING);
    assert.equal(back.run_info.end_time, end_time, 'fields not sent stay unchanged');
    for (const status of [RunStatus.SCHEDULED, RunStatus.FAILED, RunStatus.KILLED]) {
      assert.equal((await Runs.update({ run_id, status })).run_info.status, status);
    }
  });

  it('update of an unknown run gives 404 RESOURCE_DOES_NOT_EXIST', async () => {
    await expectError(Runs.update({ run_id: 'f'.repeat(32), status: RunStatus.FINISHED, end_time: Date.now() }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('delete marks deleted (idempotently); a deleted run is still readable but rejects every write', async () => {
    const created = await newRun(exp.experiment_id, { name: uniq('run-delete') });
    const run_id = created.info.run_id;
    await Runs.setTag({ run_id, key: 'doomed', value: 'yes' });
    assert.deepEqual(await Runs.delete({ run_id }), {});
    assert.deepEqual(await Runs.delete({ run_id }), {}, 'runs/delete is idempotent');
    const { run } = await Runs.get({ run_id });
    assert.equal(run.info.lifecycle_stage, LifecycleStage.deleted);

    const bad = 'INVALID_PARAMETER_VALUE';
    await expectError(Runs.logMetric({ run_id, key: 'm', value: 1, timestamp: Date.now(), step: 0 }), 400, bad);
    await expectError(Runs.logParameter({ run_id, key: 'p', value: '1' }), 400, bad);
    await expectError(Runs.setTag({ run_id, key: 't', value: '1' }), 400, bad);
    await expectError(Runs.deleteTag({ run_id, key: 'doomed' }), 400, bad);
    await expectError(Runs.logBatch({ run_id, params: [{ key: 'p', value: '1' }] }), 400, bad);
    await expectError(Runs.update({ run_id, status: RunStatus.FINISHED, end_time: Date.now() }), 400, bad);
    const after = (await Runs.get({ run_id })).run;
    assert.deepEqual(after.data.params ?? [], []);
    assert.deepEqual(after.data.metrics ?? [], []);
    assert.equal(tagsOf(after).doomed, 'yes');
  });

  it('restore makes a deleted run active again (idempotently) and writable', async () => {
    const created = await newRun(exp.experiment_id, { name: uniq('run-restore') });
    const run_id = created.info.run_id;
    await Runs.delete({ run_id });
    assert.deepEqual(await Runs.restore({ run_id }), {});
    assert.deepEqual(await Runs.restore({ run_id }), {}, 'runs/restore is idempotent');
    const { run } = await Runs.get({ run_id });
    assert.equal(run.info.lifecycle_stage, LifecycleStage.active);
    await Runs.logParameter({ run_id, key: 'after_restore', value: 'ok' });
    assert.equal(paramsOf((await Runs.get({ run_id })).run).after_restore, 'ok');
  });

  it('delete and restore of an unknown run give 404 RESOURCE_DOES_NOT_EXIST', async () => {
    await expectError(Runs.delete({ run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await expectError(Runs.restore({ run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

// ---------------------------------------------------------------------------------------------

describe('Runs: logging params, metrics, tags, batches; Metrics.getHistory', T, () => {
  let exp;
  before(async () => {
    exp = await newExperiment('logging');
  });

  it('logParameter stores a param; the same value again is a no-op; a different value is 400', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    assert.deepEqual(await Runs.logParameter({ run_id, key: 'alpha', value: '0.5' }), {});
    assert.deepEqual(await Runs.logParameter({ run_id, key: 'alpha', value: '0.5' }), {});
    await Runs.logParameter({ run_id, key: 'model type', value: 'elastic/net' });
    await expectError(Runs.logParameter({ run_id, key: 'alpha', value: '0.50' }), 400, 'INVALID_PARAMETER_VALUE');
    const { run } = await Runs.get({ run_id });
    assert.deepEqual(paramsOf(run), { alpha: '0.5', 'model type': 'elastic/net' });
  });

  it('logParameter rejects an invalid key (400) and an unknown run (404)', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    await expectError(Runs.logParameter({ run_id, key: 'bad!key', value: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.logParameter({ run_id, key: '../escape', value: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.logParameter({ run_id: 'f'.repeat(32), key: 'k', value: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('logMetric records every point; getHistory returns them all; step defaults to 0', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    const t0 = Date.now();
    const points = [
      { value: 0.25, timestamp: t0, step: 0 },
      { value: 0.5, timestamp: t0 + 10, step: 1 },
      { value: 0.75, timestamp: t0 + 20, step: 2 },
      { value: -3, timestamp: t0 + 30, step: 3 },
    ];
    for (const p of points) {
      assert.deepEqual(await Runs.logMetric({ run_id, key: 'loss', ...p }), {});
    }
    await Runs.logMetric({ run_id, key: 'nostep', value: 42, timestamp: t0 });
    const h = await history(run_id, 'loss');
    assert.deepEqual(h, points.map((p) => ({ key: 'loss', ...p })), 'all points, in timestamp order, with int64 as numbers');
    assert.deepEqual(await history(run_id, 'nostep'), [{ key: 'nostep', value: 42, timestamp: t0, step: 0 }]);
    const latest = metricsOf((await Runs.get({ run_id })).run);
    assert.deepEqual(latest.loss, { key: 'loss', value: -3, timestamp: t0 + 30, step: 3 });
    assert.deepEqual(latest.nostep, { key: 'nostep', value: 42, timestamp: t0, step: 0 });
  });

  it('logMetric drops an exact duplicate point but keeps same-step points that differ', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    const t0 = Date.now();
    await Runs.logMetric({ run_id, key: 'acc', value: 0.5, timestamp: t0, step: 1 });
    await Runs.logMetric({ run_id, key: 'acc', value: 0.5, timestamp: t0, step: 1 });
    await Runs.logMetric({ run_id, key: 'acc', value: 0.6, timestamp: t0, step: 1 });
    const h = await history(run_id, 'acc');
    assert.equal(h.length, 2, `duplicate dropped, got ${JSON.stringify(h)}`);
    assert.deepEqual(h.map((m) => m.value).sort(), [0.5, 0.6]);
  });

  it('the latest metric in run data is the highest step, not the latest timestamp', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    const t0 = Date.now();
    await Runs.logMetric({ run_id, key: 'm', value: 0.2, timestamp: t0, step: 5 });
    await Runs.logMetric({ run_id, key: 'm', value: 0.9, timestamp: t0 + 60_000, step: 1 });
    const { run } = await Runs.get({ run_id });
    assert.deepEqual(metricsOf(run).m, { key: 'm', value: 0.2, timestamp: t0, step: 5 });
  });

  it('logMetric rejects NaN (sent as null by the package), a missing timestamp and a bad key with 400', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    // PACKAGE QUIRK: JSON.stringify turns NaN into null (MLflow's client sends "NaN"), so MLflow
    // sees a missing required value.
    await expectError(Runs.logMetric({ run_id, key: 'nan', value: NaN, timestamp: Date.now(), step: 0 }), 400, 'INVALID_PARAMETER_VALUE');
    assert.match(sentBodies.at(-1), /"value":null/);
    await expectError(Runs.logMetric({ run_id, key: 'nots', value: 1 }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.logMetric({ run_id, key: 'bad!key', value: 1, timestamp: Date.now(), step: 0 }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.logMetric({ run_id: 'f'.repeat(32), key: 'k', value: 1, timestamp: Date.now(), step: 0 }), 404, 'RESOURCE_DOES_NOT_EXIST');
    assert.deepEqual(metricsOf((await Runs.get({ run_id })).run), {});
  });

  it('writes to a FINISHED run are still allowed', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    await Runs.update({ run_id, status: RunStatus.FINISHED, end_time: Date.now() });
    await Runs.logMetric({ run_id, key: 'late', value: 1, timestamp: Date.now(), step: 0 });
    await Runs.logParameter({ run_id, key: 'late', value: 'yes' });
    await Runs.setTag({ run_id, key: 'late', value: 'yes' });
    const { run } = await Runs.get({ run_id });
    assert.equal(run.info.status, RunStatus.FINISHED);
    assert.equal(metricsOf(run).late.value, 1);
    assert.equal(paramsOf(run).late, 'yes');
    assert.equal(tagsOf(run).late, 'yes');
  });

  it('setTag upserts; setting mlflow.runName renames the run', async () => {
    const created = await newRun(exp.experiment_id, { name: uniq('tag-before') });
    const run_id = created.info.run_id;
    assert.deepEqual(await Runs.setTag({ run_id, key: 'stage', value: 'dev' }), {});
    await Runs.setTag({ run_id, key: 'stage', value: 'prod' });
    await Runs.setTag({ run_id, key: 'note', value: '' });
    const renamed = uniq('tag-after');
    await Runs.setTag({ run_id, key: 'mlflow.runName', value: renamed });
    const { run } = await Runs.get({ run_id });
    assert.equal(run.info.run_name, renamed);
    assert.deepEqual(tagsOf(run), { stage: 'prod', note: '', 'mlflow.runName': renamed });
    await expectError(Runs.setTag({ run_id, key: 'bad!key', value: 'x' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.setTag({ run_id: 'f'.repeat(32), key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('deleteTag removes a tag; deleting a missing tag is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    await Runs.setTag({ run_id, key: 'keep', value: '1' });
    await Runs.setTag({ run_id, key: 'drop', value: '2' });
    assert.deepEqual(await Runs.deleteTag({ run_id, key: 'drop' }), {});
    const tags = tagsOf((await Runs.get({ run_id })).run);
    assert.equal(tags.keep, '1');
    assert.equal('drop' in tags, false);
    await expectError(Runs.deleteTag({ run_id, key: 'drop' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await expectError(Runs.deleteTag({ run_id: 'f'.repeat(32), key: 'keep' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('logBatch stores metrics, params and tags together; the last tag value in a batch wins', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    const t0 = Date.now();
    const res = await Runs.logBatch({
      run_id,
      metrics: [
        { key: 'rmse', value: 0.9, timestamp: t0, step: 0 },
        { key: 'rmse', value: 0.7, timestamp: t0 + 1, step: 1 },
        { key: 'r2', value: 0.3, timestamp: t0, step: 0 },
      ],
      params: [{ key: 'alpha', value: '0.5' }, { key: 'l1_ratio', value: '0.1' }],
      tags: [{ key: 'phase', value: 'one' }, { key: 'phase', value: 'two' }],
    });
    assert.deepEqual(res, {});
    const { run } = await Runs.get({ run_id });
    assert.deepEqual(paramsOf(run), { alpha: '0.5', l1_ratio: '0.1' });
    assert.equal(tagsOf(run).phase, 'two');
    const m = metricsOf(run);
    assert.equal(m.rmse.value, 0.7);
    assert.equal(m.rmse.step, 1);
    assert.equal(m.r2.value, 0.3);
    assert.deepEqual((await history(run_id, 'rmse')).map((p) => p.value), [0.9, 0.7]);
    assert.deepEqual(await Runs.logBatch({ run_id }), {}, 'an empty batch is fine');
  });

  it('logBatch rejects param conflicts, duplicate param keys, incomplete metrics and over-limit batches with 400', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    await Runs.logBatch({ run_id, params: [{ key: 'p', value: '1' }] });
    await expectError(Runs.logBatch({ run_id, params: [{ key: 'p', value: '2' }] }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.logBatch({ run_id, params: [{ key: 'q', value: '1' }, { key: 'q', value: '2' }] }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.logBatch({ run_id, metrics: [{ key: 'm', value: 1 }] }), 400, 'INVALID_PARAMETER_VALUE');
    const tooManyParams = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
    await expectError(Runs.logBatch({ run_id, params: tooManyParams }), 400, 'INVALID_PARAMETER_VALUE');
    const tooManyMetrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
    await expectError(Runs.logBatch({ run_id, metrics: tooManyMetrics }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Runs.logBatch({ run_id: 'f'.repeat(32), params: [{ key: 'k', value: 'v' }] }), 404, 'RESOURCE_DOES_NOT_EXIST');
    assert.deepEqual(paramsOf((await Runs.get({ run_id })).run), { p: '1' });
  });

  it('Metrics.getHistory of an unknown key is empty; of an unknown run MLflow also answers {}', async () => {
    const run_id = (await newRun(exp.experiment_id)).info.run_id;
    await Runs.logMetric({ run_id, key: 'x', value: 1, timestamp: Date.now(), step: 0 });
    assert.deepEqual(await history(run_id, 'nope'), []);
    const unknown = await Metrics.getHistory({ run_id: 'f'.repeat(32), metric_key: 'x' });
    assert.deepEqual(unknown.metrics ?? [], []);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Runs.search', T, () => {
  let expA;
  let expB;
  const r = {};
  const t0 = Date.UTC(2024, 0, 1);
  before(async () => {
    expA = await newExperiment('search-a');
    expB = await newExperiment('search-b');
    const mk = async (label, start_time, { params = {}, metrics = {}, tags = {}, status } = {}) => {
      const run = await newRun(expA.experiment_id, { name: uniq(label), start_time });
      const run_id = run.info.run_id;
      await Runs.logBatch({
        run_id,
        params: Object.entries(params).map(([key, value]) => ({ key, value })),
        metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: start_time, step: 0 })),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      if (status) {
        await Runs.update({ run_id, status, end_time: start_time + 500 });
      }
      return { id: run_id, name: run.info.run_name };
    };
    r.r1 = await mk('s-r1', t0, { params: { model: 'lr', alpha: '0.1' }, metrics: { acc: 0.7 }, tags: { team: 'Alpha' }, status: RunStatus.FINISHED });
    r.r2 = await mk('s-r2', t0 + 1000, { params: { model: 'rf', alpha: '0.5' }, metrics: { acc: 0.9 }, tags: { team: 'beta' } });
    r.r3 = await mk('s-r3', t0 + 2000, { params: { model: 'rf', alpha: '0.9' }, metrics: { acc: 0.8 }, status: RunStatus.FAILED });
    r.r4 = await mk('s-r4', t0 + 3000);
    await Runs.delete({ run_id: r.r4.id });
    r.b1 = { id: (await newRun(expB.experiment_id, { start_time: t0 + 1500 })).info.run_id };
  });

  const search = (args = {}) => Runs.search({ experiment_ids: [expA.experiment_id], ...args });
  const ids = (...labels) => labels.map((l) => r[l].id);

  it('default order is start_time DESC; run_view_type selects active, deleted or all runs', async () => {
    assert.deepEqual(idsOf(await search()), ids('r3', 'r2', 'r1'));
    assert.deepEqual(idsOf(await search({ run_view_type: ViewType.ACTIVE_ONLY })), ids('r3', 'r2', 'r1'));
    assert.deepEqual(idsOf(await search({ run_view_type: ViewType.DELETED_ONLY })), ids('r4'));
    assert.deepEqual(idsOf(await search({ run_view_type: ViewType.ALL })), ids('r4', 'r3', 'r2', 'r1'));
  });

  it('results carry full run info and data', async () => {
    const res = await search({ filter: `attributes.run_id = '${r.r2.id}'` });
    assert.equal(res.runs.length, 1);
    const [run] = res.runs;
    assert.equal(run.info.run_id, r.r2.id);
    assert.equal(run.info.run_name, r.r2.name);
    assert.equal(run.info.experiment_id, expA.experiment_id);
    assert.equal(run.info.status, RunStatus.RUNNING);
    assert.equal(run.info.start_time, t0 + 1000);
    assert.deepEqual(paramsOf(run), { model: 'rf', alpha: '0.5' });
    assert.deepEqual(metricsOf(run).acc, { key: 'acc', value: 0.9, timestamp: t0 + 1000, step: 0 });
    assert.equal(tagsOf(run).team, 'beta');
    assert.equal(tagsOf(run)['mlflow.runName'], r.r2.name);
  });

  it('searches several experiments at once', async () => {
    const res = await Runs.search({ experiment_ids: [expA.experiment_id, expB.experiment_id] });
    assert.deepEqual(idsOf(res), [r.r3.id, r.b1.id, r.r2.id, r.r1.id]);
  });

  it('filters on metrics, params, tags and attributes, joined with AND', async () => {
    const cases = [
      ['metrics.acc > 0.75', ids('r3', 'r2')],
      ['metrics.acc >= 0.9', ids('r2')],
      ['metrics.acc != 0.8', ids('r2', 'r1')],
      ["params.model = 'rf'", ids('r3', 'r2')],
      ["params.model = 'rf' and metrics.acc < 0.85", ids('r3')],
      ["parameters.alpha != '0.5' AND param.model = 'rf'", ids('r3')],
      ["tags.team = 'beta'", ids('r2')],
      ["tags.team != 'beta'", ids('r1')],
      ["tags.team LIKE '%a'", ids('r2', 'r1')],
      ["tags.team LIKE 'alpha'", []],
      ["tags.team ILIKE 'alpha'", ids('r1')],
      ["attributes.status = 'FAILED'", ids('r3')],
      ["status != 'RUNNING'", ids('r3', 'r1')],
      [`attributes.run_name = '${r.r1.name}'`, ids('r1')],
      [`tags.\`mlflow.runName\` = '${r.r3.name}'`, ids('r3')],
      [`attributes.run_id IN ('${r.r1.id}', '${r.r3.id}')`, ids('r3', 'r1')],
      [`attributes.start_time >= ${t0 + 1000}`, ids('r3', 'r2')],
      ["metrics.missing > 0", []],
    ];
    for (const [filter, expected] of cases) {
      assert.deepEqual(idsOf(await search({ filter })), expected, `filter: ${filter}`);
    }
  });

  it('order_by metrics, params and attributes; runs lacking the key come last', async () => {
    const cases = [
      [['metrics.acc DESC'], ids('r2', 'r3', 'r1')],
      [['metrics.acc ASC'], ids('r1', 'r3', 'r2')],
      [['params.alpha'], ids('r1', 'r2', 'r3')],
      [['params.alpha DESC'], ids('r3', 'r2', 'r1')],
      [['attributes.start_time ASC'], ids('r1', 'r2', 'r3')],
      [['tags.team ASC'], ids('r1', 'r2', 'r3')],
      [['params.model DESC', 'metrics.acc ASC'], ids('r3', 'r2', 'r1')],
    ];
    for (const [order_by, expected] of cases) {
      assert.deepEqual(idsOf(await search({ order_by })), expected, `order_by: ${order_by}`);
    }
    assert.deepEqual(idsOf(await search({ order_by: ['metrics.acc DESC'], run_view_type: ViewType.ALL })), ids('r2', 'r3', 'r1', 'r4'));
    assert.deepEqual(idsOf(await search({ order_by: ['metrics.acc ASC'], run_view_type: ViewType.ALL })), ids('r1', 'r3', 'r2', 'r4'));
  });

  it('runs with equal start_time are ordered by run_id', async () => {
    const exp = await newExperiment('search-tie');
    const a = (await newRun(exp.experiment_id, { start_time: t0 })).info.run_id;
    const b = (await newRun(exp.experiment_id, { start_time: t0 })).info.run_id;
    const c = (await newRun(exp.experiment_id, { start_time: t0 })).info.run_id;
    const res = await Runs.search({ experiment_ids: [exp.experiment_id] });
    assert.deepEqual(idsOf(res), [a, b, c].sort());
  });

  it('pages with max_results and page_token', async () => {
    const p1 = await search({ max_results: 2 });
    assert.deepEqual(idsOf(p1), ids('r3', 'r2'));
    assert.equal(typeof p1.next_page_token, 'string', 'a full page carries next_page_token');
    assert.ok(p1.next_page_token.length > 0);
    const p2 = await search({ max_results: 2, page_token: p1.next_page_token });
    assert.deepEqual(idsOf(p2), ids('r1'));
    assert.equal(p2.next_page_token, undefined, 'a short page has no token');
  });

  it('a search without hits returns no runs', async () => {
    const res = await search({ filter: "params.model = 'none-such'" });
    assert.deepEqual(res.runs ?? [], []);
    assert.equal(res.next_page_token, undefined);
  });

  it('rejects bad filters, order_by, page tokens and max_results with 400 INVALID_PARAMETER_VALUE', async () => {
    const bad = 'INVALID_PARAMETER_VALUE';
    await expectError(search({ filter: "metrics.acc > 0.5 OR params.model = 'rf'" }), 400, bad);
    await expectError(search({ filter: 'metrics.acc >' }), 400, bad);
    await expectError(search({ filter: "bogus.key = 'x'" }), 400, bad);
    await expectError(search({ filter: "metrics.acc = 'high'" }), 400, bad);
    await expectError(search({ order_by: ['bogus.key ASC'] }), 400, bad);
    await expectError(search({ page_token: 'not-a-token' }), 400, bad);
    await expectError(search({ max_results: 50_001 }), 400, bad);
  });
});

// ---------------------------------------------------------------------------------------------
// Artifacts.list -> GET /api/2.0/mlflow/artifacts/list.
// Files are put in place with plain HTTP PUTs to the mlflow-artifacts proxy (the package cannot upload).

describe('Artifacts.list', T, () => {
  let run;
  before(async () => {
    const exp = await newExperiment('artifacts');
    run = await newRun(exp.experiment_id);
  });

  async function upload(relativePath, body) {
    const prefix = 'mlflow-artifacts:/';
    assert.ok(run.info.artifact_uri.startsWith(prefix), `artifact_uri ${run.info.artifact_uri} is proxied (mlflow-artifacts:/)`);
    const base = run.info.artifact_uri.slice(prefix.length).replace(/^\/+/, '');
    const res = await fetch(`${BASE}/api/2.0/mlflow-artifacts/artifacts/${base}/${relativePath}`, { method: 'PUT', body });
    assert.equal(res.status, 200, `PUT ${relativePath}: ${await res.text()}`);
  }

  it('lists an empty run: root_uri is the run artifact_uri, no files', async () => {
    const res = await Artifacts.list({ run_id: run.info.run_id });
    assert.equal(res.root_uri, run.info.artifact_uri);
    assert.deepEqual(res.files ?? [], []);
  });

  it('lists files and directories, one level at a time, with run-root-relative paths', async () => {
    await upload('hello.txt', 'hello');
    await upload('model/MLmodel', 'artifact_path: model\n');
    await upload('model/data/weights.bin', 'abc');
    const root = await Artifacts.list({ run_id: run.info.run_id });
    assert.equal(root.root_uri, run.info.artifact_uri);
    // Listed in code-point order of the path, as MLflow's sorted() gives ('M' before 'd').
    assert.deepEqual(root.files, [
      { path: 'hello.txt', is_dir: false, file_size: 5 },
      { path: 'model', is_dir: true },
    ]);
    const model = await Artifacts.list({ run_id: run.info.run_id, path: 'model' });
    assert.deepEqual(model.files, [
      { path: 'model/MLmodel', is_dir: false, file_size: 21 },
      { path: 'model/data', is_dir: true },
    ]);
  });

  it('a file path or a missing path lists as empty', async () => {
    const file = await Artifacts.list({ run_id: run.info.run_id, path: 'hello.txt' });
    assert.deepEqual(file.files ?? [], []);
    const missing = await Artifacts.list({ run_id: run.info.run_id, path: 'no/such/dir' });
    assert.deepEqual(missing.files ?? [], []);
  });

  it('rejects a path escaping the run (400) and an unknown run (404)', async () => {
    await expectError(Artifacts.list({ run_id: run.info.run_id, path: '../other' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(Artifacts.list({ run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
