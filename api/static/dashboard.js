// The impact dashboard: reads the filters from the URL fragment (#from=…&to=…&platform=…&species=…&token=…),
// fetches /v1/metrics and draws the charts with chart.js. All text goes in through textContent.
/* global Chart */

const DAY = 24 * 3600 * 1000;
const charts = {};
const colours = { screened: '#8aa99a', flagged: '#e0a526', blocked: '#b5482f', removed: '#1f4d36' };

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

function readState() {
  const p = new URLSearchParams(location.hash.slice(1));
  const to = p.get('to') || isoDate(new Date(Date.now() + DAY));
  const from = p.get('from') || isoDate(new Date(Date.parse(to) - 90 * DAY));
  return {
    from,
    to,
    platform: p.get('platform') || '',
    species: p.get('species') || '',
    token: p.get('token') || '',
  };
}

function query(state) {
  const q = new URLSearchParams({ from: state.from, to: state.to });
  if (state.platform) q.set('platform', state.platform);
  if (state.species) q.set('species', state.species);
  return q;
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

function cards(id, items) {
  const box = document.getElementById(id);
  box.replaceChildren(
    ...items.map(([label, value, key]) => {
      const c = el('div', undefined, 'card');
      if (key) c.dataset.metric = key;
      c.append(el('div', value, 'value'), el('div', label, 'label'));
      return c;
    }),
  );
}

function draw(id, config) {
  if (charts[id]) charts[id].destroy();
  config.options = Object.assign(
    { responsive: true, maintainAspectRatio: false, animation: false },
    config.options,
  );
  charts[id] = new Chart(document.getElementById(id), config);
}

function render(m) {
  const t = m.totals;
  cards('totals', [
    ['Listings screened', fmt(t.screened), 'screened'],
    ['Flagged', fmt(t.flagged), 'flagged'],
    ['Removed', fmt(t.removed), 'removed'],
    ['Blocked', fmt(t.blocked), 'blocked'],
    ['Removed or blocked', fmt(t.removedOrBlocked), 'removedOrBlocked'],
    ['Accounts suspended', fmt(t.accountsSuspended), 'accountsSuspended'],
  ]);
  const ttt = m.timeToTakedown;
  cards('secondary', [
    ['Median hours to takedown', fmt(ttt.fromIngest.medianHours), 'medianHours'],
    ['p90 hours to takedown', fmt(ttt.fromIngest.p90Hours), 'p90Hours'],
    ['Median hours from first report', fmt(ttt.fromFirstReport.medianHours)],
    ['Active volunteers', fmt(m.volunteers.active)],
    ['Volunteer reports', fmt(m.volunteers.reports)],
    ['Volunteer accuracy', pct(m.volunteers.accuracy)],
    ['Re-listing rate', pct(m.relisting.rate), 'relistingRate'],
    ['Appeal reversal rate', pct(m.reviewQuality.reversalRate)],
    ['Library entries added', fmt(m.keywordLibrary.added)],
    ['Campaign messages sent', fmt(m.campaigns.sent)],
  ]);
  const measures = ['screened', 'flagged', 'blocked', 'removed'];
  draw('chart-series', {
    type: 'line',
    data: {
      labels: m.series.map((s) => s.key),
      datasets: measures.map((k) => ({
        label: k,
        data: m.series.map((s) => s.counts[k]),
        borderColor: colours[k],
        backgroundColor: colours[k],
      })),
    },
  });
  draw('chart-platforms', {
    type: 'bar',
    data: {
      labels: m.byPlatform.map((b) => b.key),
      datasets: ['flagged', 'blocked', 'removed'].map((k) => ({
        label: k,
        data: m.byPlatform.map((b) => b.counts[k]),
        backgroundColor: colours[k],
      })),
    },
  });
  draw('chart-species', {
    type: 'bar',
    options: { indexAxis: 'y' },
    data: {
      labels: m.bySpecies.map((b) => b.key),
      datasets: ['flagged', 'removed'].map((k) => ({
        label: k,
        data: m.bySpecies.map((b) => b.counts[k]),
        backgroundColor: colours[k],
      })),
    },
  });
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
      tr.append(el('td', t.term), el('td', t.kind), el('td', t.species || ''), el('td', fmt(t.listings)));
      return tr;
    }),
  );
}

function fillFilters(state, m) {
  const form = document.getElementById('filters');
  form.from.value = state.from;
  form.to.value = state.to;
  const select = form.platform;
  select.replaceChildren(el('option', 'All platforms'), ...m.platforms.map((p) => el('option', p)));
  select.options[0].value = '';
  select.value = state.platform;
  form.species.value = state.species;
  document
    .getElementById('species-list')
    .replaceChildren(...m.bySpecies.map((s) => Object.assign(el('option'), { value: s.key })));
}

async function load() {
  const state = readState();
  const status = document.getElementById('status');
  document.body.dataset.ready = 'false';
  status.textContent = 'Loading…';
  const headers = state.token ? { authorization: `Bearer ${state.token}` } : {};
  const started = performance.now();
  try {
    const res = await fetch(`/v1/metrics?${query(state)}`, { headers });
    const body = await res.json();
    if (!res.ok) throw new Error(body.message || res.statusText);
    render(body);
    fillFilters(state, body);
    document.getElementById('csv').href = `/v1/metrics.csv?${query(state)}`;
    status.textContent = `${body.filters.from.slice(0, 10)} – ${body.filters.to.slice(0, 10)} · loaded in ${Math.round(performance.now() - started)} ms`;
    document.body.dataset.ready = 'true';
  } catch (err) {
    status.textContent = `Could not load the metrics: ${err.message}`;
    document.body.dataset.ready = 'error';
  }
}

document.getElementById('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const state = readState();
  const next = new URLSearchParams({ from: form.from.value, to: form.to.value });
  if (form.platform.value) next.set('platform', form.platform.value);
  if (form.species.value.trim()) next.set('species', form.species.value.trim());
  if (state.token) next.set('token', state.token);
  location.hash = next.toString();
});
window.addEventListener('hashchange', load);
// load() shows its own failure in the status line; nothing is left to reject.
void load();
