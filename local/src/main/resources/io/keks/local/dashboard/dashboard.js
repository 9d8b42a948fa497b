// The keks dashboard: asks /api/glance for the cluster's numbers on the interval the server names
// and draws them. Plain browser APIs only, so the page works with no network beyond this server.
'use strict';

const COLOURS = ['#3b6fd8', '#d8573b', '#2f9e6b', '#9b59b6', '#c9a227', '#17a2b8', '#e83e8c', '#6c757d'];

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function bytes(n) {
  if (n === null || n === undefined) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + units[i];
}

function number(n, digits) {
  if (n === null || n === undefined) return 'n/a';
  return n.toLocaleString('en', { maximumFractionDigits: digits === undefined ? 1 : digits });
}

// A card shows a value and turns red when it is a problem, green when it is fine, grey when unknown.
function card(id, value, bad) {
  const el = document.getElementById(id);
  el.querySelector('.value').textContent = value;
  el.classList.toggle('long', String(value).length > 10);
  el.classList.toggle('bad', bad === true);
  el.classList.toggle('ok', bad === false);
}

function countCard(id, n) {
  card(id, n === null || n === undefined ? 'n/a' : number(n, 0), n === null || n === undefined ? undefined : n > 0);
}

function renderCards(g) {
  const h = g.headline;
  card('card-brokers', h.brokersOnline + ' / ' + h.brokers, h.brokersOnline < h.brokers);
  const active = g.nodes.find(n => n.id === h.activeController);
  const known = g.admin || g.metrics;
  card('card-controller', active ? active.name + ' (' + active.id + ')' : (known ? 'none' : 'n/a'), known ? !active : undefined);
  countCard('card-urp', h.underReplicated);
  countCard('card-offline', h.offlinePartitions);
  countCard('card-minisr', h.underMinIsr);
  card('card-disk', h.diskUsedPercent === null ? 'n/a' : number(h.diskUsedPercent, 0) + '%',
      h.diskUsedPercent === null ? undefined : h.diskUsedPercent > 85);
}

function cell(row, value, numeric) {
  const td = document.createElement('td');
  td.textContent = value;
  if (numeric) td.className = 'num';
  row.appendChild(td);
}

function renderNodes(g) {
  const body = document.getElementById('node-rows');
  body.replaceChildren();
  for (const n of g.nodes) {
    const row = document.createElement('tr');
    row.dataset.node = n.id;
    if (n.state !== 'Running') row.className = 'stopped';
    cell(row, n.name + ' (' + n.id + ')');
    cell(row, n.roles.join(', '));
    cell(row, n.state + (n.state === 'Running' && g.metrics && !n.scraped ? ', metrics not answering' : ''));
    const broker = n.roles.includes('broker');
    cell(row, broker ? bytes(n.bytesInPerSec) : '', true);
    cell(row, broker ? bytes(n.bytesOutPerSec) : '', true);
    cell(row, broker ? number(n.messagesInPerSec) : '', true);
    cell(row, broker ? number(n.partitions, 0) : '', true);
    cell(row, broker ? number(n.leaders, 0) : '', true);
    cell(row, broker ? bytes(n.logBytes) : '', true);
    cell(row, broker ? (n.disk || 'n/a') : '', true);
    if (n.diskUsedPercent !== null && n.diskUsedPercent >= 85) row.lastChild.classList.add('bad');
    cell(row, n.heapUsed === null ? 'n/a' : bytes(n.heapUsed) + (n.heapMax ? ' of ' + bytes(n.heapMax) : ''), true);
    body.appendChild(row);
  }
  document.getElementById('nodes').dataset.count = g.nodes.length;

  const groups = document.getElementById('group-rows');
  groups.replaceChildren();
  for (const grp of g.groups) {
    const row = document.createElement('tr');
    cell(row, grp.group);
    cell(row, number(grp.lag, 0), true);
    groups.appendChild(row);
  }
  document.getElementById('groups').dataset.count = g.groups.length;
}

// A line chart on a canvas: one line per series, a time axis over the kept looks, a legend. The
// largest value drawn is kept in data-max (tests and scripts read it).
function chart(id, times, series, format) {
  const canvas = document.getElementById(id);
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height;
  const left = 64, right = 8, top = 8, bottom = 52;
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  const names = Object.keys(series || {});
  let max = 0;
  for (const name of names) for (const v of series[name]) if (v !== null && v > max) max = v;
  canvas.dataset.max = max;
  canvas.dataset.series = names.length;
  const top_ = max > 0 ? max * 1.1 : 1;
  ctx.strokeStyle = '#e6e8ef';
  ctx.fillStyle = '#6b7385';
  for (let i = 0; i <= 4; i++) {
    const y = top + (h - top - bottom) * (1 - i / 4);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y); ctx.stroke();
    ctx.fillText(format(top_ * i / 4), 2, y + 4);
  }
  if (!times || times.length === 0) {
    ctx.fillText('waiting for a second look', left + 10, top + 20);
    return;
  }
  const t0 = times[0], t1 = Math.max(times[times.length - 1], t0 + 1);
  const x = t => left + (w - left - right) * (t - t0) / (t1 - t0);
  const y = v => top + (h - top - bottom) * (1 - v / top_);
  ctx.fillText(new Date(t0).toLocaleTimeString(), left, h - bottom + 14);
  const end = new Date(t1).toLocaleTimeString();
  ctx.fillText(end, w - right - ctx.measureText(end).width, h - bottom + 14);
  names.forEach((name, i) => {
    const colour = COLOURS[i % COLOURS.length];
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let drawing = false;
    series[name].forEach((v, j) => {
      if (v === null) { drawing = false; return; }
      if (!drawing) ctx.moveTo(x(times[j]), y(v)); else ctx.lineTo(x(times[j]), y(v));
      drawing = true;
    });
    if (series[name].filter(v => v !== null).length === 1) {
      const j = series[name].findIndex(v => v !== null);
      ctx.fillStyle = colour;
      ctx.fillRect(x(times[j]) - 2, y(series[name][j]) - 2, 4, 4);
    }
    ctx.stroke();
    const lx = left + (i % 4) * ((w - left) / 4), ly = h - 20 + (i >= 4 ? 14 : 0);
    ctx.fillStyle = colour;
    ctx.fillRect(lx, ly - 8, 10, 8);
    ctx.fillStyle = '#1d2433';
    ctx.fillText(name, lx + 14, ly);
  });
}

function renderCharts(g) {
  const hist = g.history || { t: [] };
  chart('chart-bytes-in', hist.t, hist.bytesIn, bytes);
  chart('chart-bytes-out', hist.t, hist.bytesOut, bytes);
  chart('chart-messages-in', hist.t, hist.messagesIn, v => number(v, 0));
  chart('chart-heap', hist.t, hist.heapUsed, bytes);
  chart('chart-lag', hist.t, hist.lag, v => number(v, 0));
}

function renderRebalances(g) {
  const list = g.rebalances || [];
  const section = document.getElementById('rebalances');
  section.hidden = list.length === 0;
  section.dataset.count = list.length;
  const body = document.getElementById('rebalance-rows');
  body.replaceChildren(...list.map(r => {
    const tr = document.createElement('tr');
    if (r.state === 'Rebalancing') tr.className = 'running';
    const progress = r.partitions === undefined ? '' : r.partitionsDone + ' of ' + r.partitions + ' partitions (' + r.percent + ' %)';
    for (const [value, cls] of [[r.name], [r.state], [progress, 'num'], [r.message]]) {
      const td = document.createElement('td');
      td.textContent = value || '';
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    return tr;
  }));
}

function renderNotice(g) {
  const missing = [];
  if (!g.metrics) missing.push('Kafka metrics are off, so throughput and heap are not charted: name a metrics ConfigMap in spec.kafka.metricsConfig');
  if (!g.lagExporter) missing.push('consumer lag is off: add spec.kafkaExporter');
  const el = document.getElementById('notice');
  el.hidden = missing.length === 0;
  el.textContent = missing.length ? missing.join('; ') + ' (see docs/observability.md).' : '';
}

async function refresh() {
  let wait = 5000;
  try {
    const response = await fetch('api/glance', { cache: 'no-store' });
    const g = await response.json();
    wait = (g.intervalSeconds || 5) * 1000;
    text('cluster', g.cluster);
    renderNotice(g);
    renderRebalances(g);
    if (g.headline) {
      renderCards(g);
      renderNodes(g);
      renderCharts(g);
      text('updated', 'updated ' + new Date(g.at).toLocaleTimeString() + ', every ' + (wait / 1000) + ' s');
    }
  } catch (e) {
    text('updated', 'the supervisor does not answer (' + e.message + '); is the cluster up? Retrying.');
  }
  setTimeout(refresh, wait);
}

refresh();
