// Small DOM and formatting helpers.

/** h('div.cls', {attrs}, children...): builds an element; strings become text nodes, null/false are skipped. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function formatTime(ms) {
  if (!ms) return '';
  const d = new Date(Number(ms));
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(start, end) {
  if (!start || !end) return '';
  let s = Math.max(0, (Number(end) - Number(start)) / 1000);
  if (s < 60) return s.toFixed(1) + 's';
  const m = Math.floor(s / 60); s = Math.round(s % 60);
  if (m < 60) return `${m}m ${s}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function formatValue(value) {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e7) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
}

export function formatBytes(n) {
  if (n === undefined || n === null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0; n = Number(n);
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

/** The hash route's query as an object, and a way to build hash links. */
export function link(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const text = q.toString();
  return '#' + path + (text ? '?' + text : '');
}

// With --auth, refusals are about who is signed in, not about the request: say so in words rather than error codes.
const REFUSALS = {
  401: ['Not signed in', 'The server did not accept your user name and password. Reload the page to sign in again.'],
  403: ['Permission denied', 'Your user may not see or change this. Ask an administrator, or a user with MANAGE permission on it, for access.'],
};

export function errorBox(error) {
  const refusal = REFUSALS[error.status];
  if (refusal) return h('div.error', { role: 'alert' }, h('strong', refusal[0] + ': '), refusal[1]);
  return h('div.error', { role: 'alert' }, h('strong', (error.code || 'Error') + ': '), error.message);
}

/** The nodes a page shows when it could not load: a refusal as a page of its own, anything else as the error. */
export function errorPage(error) {
  const refusal = REFUSALS[error.status];
  if (!refusal) return [errorBox(error)];
  return [h('h1', refusal[0]), h('div.error', { role: 'alert' }, refusal[1]),
    h('p', h('a', { href: '#/experiments' }, 'Back to the experiments you may see'))];
}

export const tagValue = (run, key) => (run.data?.tags || []).find((t) => t.key === key)?.value;
