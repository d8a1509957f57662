// The dashboard's term performance table: the noisiest and the most productive library terms for the period
// and platform in the URL fragment, from /v1/terms/performance. Uses dashboard.js's helpers (readState, query,
// authorised, el, fmt, pct), loaded before it; all text goes in through textContent.

function termRow(group, r) {
  const tr = el('tr');
  tr.dataset.group = group;
  const reasons = Object.entries(r.rejectedBy)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  tr.append(
    el('td', r.term),
    el('td', r.language),
    el('td', r.kind),
    el('td', fmt(r.flagged)),
    el('td', fmt(r.confirmed)),
    el('td', fmt(r.rejected)),
    el('td', fmt(r.missed)),
    el('td', pct(r.precision)),
    el('td', fmt(r.reviewerMinutes)),
    el('td', reasons),
  );
  return tr;
}

function groupHeading(text) {
  const tr = el('tr', undefined, 'group');
  const th = el('th', text);
  th.colSpan = 10;
  tr.append(th);
  return tr;
}

async function loadTerms() {
  const state = readState();
  const table = document.getElementById('term-performance');
  // Species is no filter of term performance; the period and token are the dashboard's own.
  const q = query({ ...state, species: '' });
  table.dataset.ready = 'false';
  try {
    const res = await fetch(`/v1/terms/performance?${q}`, { headers: authorised() });
    const body = await res.json();
    if (!res.ok) throw new Error(body.message || res.statusText);
    table.tBodies[0].replaceChildren(
      groupHeading('Noisiest (most rejected flags)'),
      ...body.noisiest.map((r) => termRow('noisiest', r)),
      groupHeading('Most productive (confirmed, and missed ones now matched)'),
      ...body.productive.map((r) => termRow('productive', r)),
    );
    table.dataset.ready = 'true';
  } catch (err) {
    table.tBodies[0].replaceChildren(groupHeading(`Could not load term performance: ${err.message}`));
    table.dataset.ready = 'error';
  }
}

window.addEventListener('hashchange', loadTerms);
void loadTerms();
