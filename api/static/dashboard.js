// The impact dashboard: reads the filters from the URL fragment (#from=…&to=…&platform=…&species=…, `to`
// included), fetches /v1/metrics and draws the charts with chart.js. All text goes in through textContent.
// The token (DASHBOARD_TOKEN or a platform's API key) is typed into the Token field and kept in this tab's
// sessionStorage; a legacy `#token=` is moved there and dropped from the address.
/* global Chart */

const DAY = 24 * 3600 * 1000;
const TOKEN_KEY = 'wild-sentinel.dashboard-token';
const charts = {};
const colours = { screened: '#8aa99a', flagged: '#e0a526', blocked: '#b5482f', removed: '#1f4d36' };
let current; // the last answer and the state it was asked with

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

const nextDay = (day) => isoDate(new Date(Date.parse(day) + DAY));

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

/** Moves a `#token=` from the address into session storage, so it is not bookmarked or shared. */
function adoptHashToken() {
  const p = new URLSearchParams(location.hash.slice(1));
  if (!p.has('token')) return;
  if (p.get('token')) sessionStorage.setItem(TOKEN_KEY, p.get('token'));
  p.delete('token');
  history.replaceState(null, '', `${location.pathname}${location.search}#${p}`);
}

function readState() {
  const p = new URLSearchParams(location.hash.slice(1));
  const to = p.get('to') || isoDate(new Date());
  const from = p.get('from') || isoDate(new Date(Date.parse(to) - 89 * DAY));
  return { from, to, platform: p.get('platform') || '', species: p.get('species') || '' };
}

/** The API's period is [from, to): the day after the last day shown. */
function query(state, extra = {}) {
  const q = new URLSearchParams({ from: state.from, to: nextDay(state.to) });
  if (state.platform) q.set('platform', state.platform);
  if (state.species) q.set('species', state.species);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

function authorised() {
  return token() ? { authorization: `Bearer ${token()}` } : {};
}

async function getJson(url) {
  const res = await fetch(url, { headers: authorised() });
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || res.statusText);
  return body;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function fmt(n) {
  if (n === null || n === undefined) return '–';
  return typeof n === 'number' ? n.toLocaleString('en') : String(n);
}

function pct(r) {
  return r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`;
}

/** Hours as people read them (as formatHours in shared/metrics/report.ts): minutes, hours, then days. */
function duration(hours) {
  if (hours === null || hours === undefined) return '–';
  if (hours < 1) return hours * 60 < 1 ? 'under 1 min' : `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Number(hours.toFixed(1)).toLocaleString('en')} h`;
  return `${Number((hours / 24).toFixed(1)).toLocaleString('en')} days`;
}

/** "+3 (+12.5%) vs previous period", as change() in the report. */
function delta(now, before) {
  if (before === undefined || before === null) return '';
  if (now === before) return 'no change vs previous period';
  const sign = now > before ? '+' : '−';
  const diff = `${sign}${fmt(Math.abs(now - before))}`;
  const rel = before === 0 ? 'new' : `${sign}${((Math.abs(now - before) / before) * 100).toFixed(1)}%`;
  return `${diff} (${rel}) vs previous period`;
}

const hhmm = (iso) => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

function cards(id, items) {
  const box = document.getElementById(id);
  box.replaceChildren(
    ...items.map(([label, value, key, change, drill]) => {
      const c = el('div', undefined, 'card');
      if (key) c.dataset.metric = key;
      c.append(el('div', value, 'value'), el('div', label, 'label'));
      if (change) c.append(el('div', change, 'delta'));
      if (drill) {
        c.dataset.drill = drill;
        c.addEventListener('click', () => void drillDown(drill, {}, label));
      }
      return c;
    }),
  );
}

const platformName = (m, id) => m.names.platforms[id] || id;
const speciesName = (m, key) => m.names.species[key] || key;

/** The cases behind one figure, listed under the charts. */
async function drillDown(measure, narrow, title) {
  const { state } = current;
  const section = document.getElementById('drill');
  section.hidden = false;
  const heading = document.getElementById('drill-title');
  heading.textContent = `Loading ${title}…`;
  const period = { ...state, ...narrow };
  try {
    const body = await getJson(`/v1/metrics/cases?${query(period, { measure, limit: '200' })}`);
    const m = current.metrics;
    heading.textContent = `${title}: ${fmt(body.total)} cases${body.total > body.cases.length ? ` (first ${body.cases.length} shown)` : ''}`;
    section.dataset.total = String(body.total);
    document.querySelector('#drill-cases tbody').replaceChildren(
      ...body.cases.map((c) => {
        const tr = el('tr');
        tr.append(
          el('td', c.ref ? `${c.ref} (${c.caseId})` : c.caseId),
          el('td', platformName(m, c.platformId)),
          el('td', c.species.map((s) => speciesName(m, s)).join(', ')),
          el('td', c.status),
          el('td', c.receivedAt.slice(0, 16).replace('T', ' ')),
          el('td', c.removedAt ? c.removedAt.slice(0, 16).replace('T', ' ') : ''),
        );
        return tr;
      }),
    );
  } catch (err) {
    heading.textContent = `Could not list the cases: ${err.message}`;
  }
}

/** The bucket [start, next start) of the series, clipped to the period, as inclusive days. */
function bucketPeriod(m, key) {
  const start = new Date(`${key}T00:00:00Z`);
  const next = new Date(start);
  if (m.bucket === 'month') next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCDate(next.getUTCDate() + (m.bucket === 'week' ? 7 : 1));
  const { state } = current;
  const lastOfBucket = isoDate(new Date(next.getTime() - DAY));
  // ISO days sort as strings: the later start, the earlier end.
  return { from: [key, state.from].sort()[1], to: [lastOfBucket, state.to].sort()[0] };
}

function draw(id, config, onPick) {
  if (charts[id]) charts[id].destroy();
  config.options = Object.assign(
    { responsive: true, maintainAspectRatio: false, animation: false },
    config.options,
  );
  if (onPick) {
    config.options.onClick = (_event, elements, chart) => {
      const hit = elements[0];
      if (!hit) return;
      onPick(chart.data.datasets[hit.datasetIndex].key, hit.index);
    };
  }
  charts[id] = new Chart(document.getElementById(id), config);
}

function render(m) {
  const t = m.totals;
  const p = m.previous.totals;
  cards('totals', [
    ['Listings screened', fmt(t.screened), 'screened', delta(t.screened, p.screened)],
    ['Flagged', fmt(t.flagged), 'flagged', delta(t.flagged, p.flagged), 'flagged'],
    ['Removed', fmt(t.removed), 'removed', delta(t.removed, p.removed), 'removed'],
    ['Blocked', fmt(t.blocked), 'blocked', delta(t.blocked, p.blocked), 'blocked'],
    [
      'Removed or blocked',
      fmt(t.removedOrBlocked),
      'removedOrBlocked',
      delta(t.removedOrBlocked, p.removedOrBlocked),
    ],
    ['Restored on appeal or undo', fmt(t.restored), 'restored', delta(t.restored, p.restored), 'restored'],
    [
      'Accounts suspended',
      fmt(t.accountsSuspended),
      'accountsSuspended',
      delta(t.accountsSuspended, p.accountsSuspended),
    ],
  ]);
  const ttt = m.timeToTakedown;
  const before = m.previous.timeToTakedown.fromIngest;
  cards('secondary', [
    [
      'Median time to takedown',
      duration(ttt.fromIngest.medianHours),
      'medianTime',
      before.count ? `previous period: ${duration(before.medianHours)}` : '',
    ],
    ['p90 time to takedown', duration(ttt.fromIngest.p90Hours), 'p90Time'],
    ['Median time from first report', duration(ttt.fromFirstReport.medianHours)],
    ['Active volunteers', fmt(m.volunteers.active)],
    ['Volunteer reports', fmt(m.volunteers.reports)],
    ['Volunteer accuracy', pct(m.volunteers.accuracy)],
    [
      `Re-listing rate (as of ${m.freshness.relistingAsOf ? hhmm(m.freshness.relistingAsOf) : 'never'})`,
      pct(m.relisting.rate),
      'relistingRate',
    ],
    ['Appeal reversal rate', pct(m.reviewQuality.reversalRate)],
    ['Reviewer agreement', pct(m.reviewQuality.agreementRate)],
    ['Library entries added', fmt(m.keywordLibrary.added)],
    ['Campaign messages sent', fmt(m.campaigns.sent)],
  ]);
  const measures = ['screened', 'flagged', 'blocked', 'removed'];
  draw(
    'chart-series',
    {
      type: 'line',
      data: {
        labels: m.series.map((s) => s.key),
        datasets: measures.map((k) => ({
          key: k,
          label: k,
          data: m.series.map((s) => s.counts[k]),
          borderColor: colours[k],
          backgroundColor: colours[k],
        })),
      },
    },
    (measure, i) => {
      if (measure === 'screened') return; // screened listings are not cases
      const period = bucketPeriod(m, m.series[i].key);
      void drillDown(measure, period, `${measure}, ${period.from} to ${period.to}`);
    },
  );
  draw(
    'chart-platforms',
    {
      type: 'bar',
      data: {
        labels: m.byPlatform.map((b) => platformName(m, b.key)),
        datasets: ['flagged', 'blocked', 'removed'].map((k) => ({
          key: k,
          label: k,
          data: m.byPlatform.map((b) => b.counts[k]),
          backgroundColor: colours[k],
        })),
      },
    },
    (measure, i) => {
      const id = m.byPlatform[i].key;
      void drillDown(measure, { platform: id }, `${measure} on ${platformName(m, id)}`);
    },
  );
  draw(
    'chart-species',
    {
      type: 'bar',
      options: { indexAxis: 'y' },
      data: {
        labels: m.bySpecies.map((b) => speciesName(m, b.key)),
        datasets: ['flagged', 'removed'].map((k) => ({
          key: k,
          label: k,
          data: m.bySpecies.map((b) => b.counts[k]),
          backgroundColor: colours[k],
        })),
      },
    },
    (measure, i) => {
      const key = m.bySpecies[i].key;
      void drillDown(measure, { species: key }, `${measure}, ${speciesName(m, key)}`);
    },
  );
  draw('chart-reviewers', {
    type: 'bar',
    data: {
      labels: m.reviewers.map((r) => r.reviewer),
      datasets: [
        { label: 'approvals', data: m.reviewers.map((r) => r.approvals), backgroundColor: colours.removed },
        { label: 'rejections', data: m.reviewers.map((r) => r.rejections), backgroundColor: colours.flagged },
      ],
    },
  });
  document.querySelector('#terms tbody').replaceChildren(
    ...m.topTerms.map((t) => {
      const tr = el('tr');
      tr.append(
        el('td', t.term),
        el('td', t.kind),
        el('td', t.species ? speciesName(m, t.species) : ''),
        el('td', fmt(t.listings)),
      );
      return tr;
    }),
  );
}

function renderReasons(m) {
  document.querySelector('#reasons tbody').replaceChildren(
    ...m.rejectionReasons.map((r) => {
      const tr = el('tr');
      const label = r.reason ? m.names.reasons[r.reason] || r.reason : 'No reason given';
      tr.append(el('td', label), el('td', fmt(r.rejections)));
      return tr;
    }),
  );
}

function fillFilters(m) {
  const form = document.getElementById('filters');
  const select = form.platform;
  select.replaceChildren(
    el('option', 'All platforms'),
    ...m.platforms.map((id) => Object.assign(el('option', platformName(m, id)), { value: id })),
  );
  select.options[0].value = '';
  select.value = m.filters.platform || '';
  document
    .getElementById('species-list')
    .replaceChildren(
      ...m.bySpecies.map((s) => Object.assign(el('option'), { value: speciesName(m, s.key) })),
    );
}

async function load() {
  adoptHashToken();
  const state = readState();
  // The form shows what was asked even when the answer fails (a token to enter, a name that matches nothing).
  const form = document.getElementById('filters');
  form.from.value = state.from;
  form.to.value = state.to;
  form.species.value = state.species;
  form.token.value = token();
  const status = document.getElementById('status');
  document.body.dataset.ready = 'false';
  status.textContent = 'Loading…';
  const started = performance.now();
  try {
    const body = await getJson(`/v1/metrics?${query(state)}`);
    current = { state, metrics: body };
    render(body);
    renderReasons(body);
    fillFilters(body);
    document.getElementById('csv').href = `/v1/metrics.csv?${query(state)}`;
    status.textContent = `${state.from} to ${state.to} (both included, UTC) · live, as of ${hhmm(body.freshness.asOf)} · previous period ${body.previous.from.slice(0, 10)} to ${isoDate(new Date(Date.parse(body.previous.to) - DAY))} · loaded in ${Math.round(performance.now() - started)} ms`;
    document.body.dataset.ready = 'true';
  } catch (err) {
    status.textContent = `Could not load the metrics: ${err.message}${token() ? '' : ' (enter a token?)'}`;
    document.body.dataset.ready = 'error';
  }
}

/** The CSV through fetch, so that it carries the token like every other request, then saved as a file. */
async function downloadCsv(event) {
  event.preventDefault();
  const link = event.currentTarget;
  const status = document.getElementById('status');
  try {
    const res = await fetch(link.href, { headers: authorised() });
    if (!res.ok) throw new Error((await res.json()).message || res.statusText);
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement('a'), {
      href: url,
      download: 'wild-sentinel-metrics.csv',
    });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    status.textContent = `Could not download the CSV: ${err.message}`;
  }
}

document.getElementById('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.token.value.trim()) sessionStorage.setItem(TOKEN_KEY, form.token.value.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
  const next = new URLSearchParams({ from: form.from.value, to: form.to.value });
  if (form.platform.value) next.set('platform', form.platform.value);
  if (form.species.value.trim()) next.set('species', form.species.value.trim());
  if (`#${next}` === location.hash) void load();
  else location.hash = next.toString();
});
/** Recomputes the re-listing matches (refused for a platform's key: they span every platform), then reloads. */
async function refresh() {
  await fetch('/v1/metrics/refresh', { method: 'POST', headers: authorised() }).catch(() => undefined);
  await load();
}

document.getElementById('refresh').addEventListener('click', () => void refresh());
document.getElementById('csv').addEventListener('click', (event) => void downloadCsv(event));
window.addEventListener('hashchange', load);
// load() shows its own failure in the status line; nothing is left to reject.
void load();
