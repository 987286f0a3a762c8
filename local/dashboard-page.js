// The twin dashboard page's script (browser): polls /_twin/api/metrics every second and draws the
// widgets of contracts/dashboard.ts with uPlot (served by the twin from node_modules). The metrics need the
// dashboard token: it comes in the link's fragment (`#token=…`, never sent to a server), is kept for this tab
// only (sessionStorage) and removed from the address bar.
/* global uPlot */
(() => {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    sessionStorage.setItem('twinDashboardToken', fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem('twinDashboardToken');
  const charts = {};
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const gauges = { t: [], visible: [], inFlight: [], dlq: [] };

  function card(id, title) {
    const div = document.createElement('div');
    div.className = 'card';
    div.dataset.widget = id;
    div.innerHTML = '<h2></h2><div class="plot"></div><div class="muted last"></div>';
    div.querySelector('h2').textContent = title;
    document.getElementById('charts').appendChild(div);
    return div;
  }

  function draw(id, title, labels, data) {
    const existing = charts[id];
    if (existing && existing.labels.join() === labels.join()) {
      existing.plot.setData(data);
    } else {
      if (existing) existing.plot.destroy();
      const div = existing ? existing.div : card(id, title);
      const series = [
        {},
        ...labels.map((label, i) => ({
          label,
          stroke: palette[i % palette.length],
          width: 1.5,
          spanGaps: true,
          points: { show: true, size: 3 },
        })),
      ];
      const plot = new uPlot({ width: 420, height: 180, series, axes: [{}, { size: 40 }] }, data, div.querySelector('.plot'));
      charts[id] = { div, plot, labels };
    }
    const last = labels.map((label, i) => `${label}: ${data[i + 1].at(-1) ?? '–'}`).join(' · ');
    charts[id].div.querySelector('.last').textContent = last;
  }

  function row(cells, header) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement(header ? 'th' : 'td');
      td.textContent = String(cell);
      tr.appendChild(td);
    }
    return tr;
  }

  function render(m) {
    const w = m.widgets;
    const s = m.series;
    const routeKeys = Object.keys(s.requests);
    draw('requests', `${w.requests.title} (per second, by route and status class)`, routeKeys.length ? routeKeys : ['none'], [
      s.t,
      ...(routeKeys.length ? routeKeys.map((k) => s.requests[k]) : [s.t.map(() => 0)]),
    ]);
    draw('latency', `${w.latency.title} (ms)`, [w.latency.series.p50, w.latency.series.p99], [s.t, s.latency.p50, s.latency.p99]);
    draw(
      'throttles',
      `${w.throttles.title} (per second)`,
      [w.throttles.series.throttled, w.throttles.series.quotaExceeded],
      [s.t, s.throttled, s.quotaExceeded],
    );
    draw('waf', `${w.waf.title} (per second, the twin's two emulated rules)`, [w.waf.series.blocked], [s.t, s.wafBlocked]);
    gauges.t.push(Math.floor(Date.parse(m.generatedAt) / 1000));
    gauges.visible.push(m.queues.usage.visible);
    gauges.inFlight.push(m.queues.usage.inFlight);
    gauges.dlq.push(m.queues.deadLetter.usage);
    if (gauges.t.length > 300) for (const k of Object.keys(gauges)) gauges[k].shift();
    draw(
      'usageQueue',
      w.usageQueue.title,
      [w.usageQueue.series.visible, w.usageQueue.series.inFlight],
      [gauges.t, gauges.visible, gauges.inFlight],
    );
    draw('deadLetters', w.deadLetters.title, [w.deadLetters.series.usage], [gauges.t, gauges.dlq]);

    document.getElementById('title-clientUsage').textContent = `${w.clientUsage.title} (${m.day})`;
    const clients = document.getElementById('clients');
    clients.replaceChildren(row(['client', 'name', 'plan', 'counted', 'answered', 'quota', '% of quota'], true));
    for (const c of m.clients) {
      const tr = row([
        c.clientId,
        c.name,
        c.plan,
        c.counted,
        c.answered,
        c.quota,
        c.quota ? ((100 * c.counted) / c.quota).toFixed(2) : '–',
      ]);
      tr.dataset.clientId = c.clientId;
      tr.dataset.counted = String(c.counted);
      clients.appendChild(tr);
    }
    document.getElementById('title-countedVsAnswered').textContent = w.countedVsAnswered.title;
    const totals = document.getElementById('totals');
    totals.replaceChildren(
      row([w.countedVsAnswered.series.answered, m.totals.answered]),
      row([w.countedVsAnswered.series.counted, m.totals.counted]),
      row(['queued or in flight', m.queues.usage.visible + m.queues.usage.inFlight]),
    );
    totals.dataset.answered = String(m.totals.answered);
    totals.dataset.counted = String(m.totals.counted);
    document.getElementById('title-dailyJob').textContent = w.dailyJob.title;
    const job = m.dailyJob;
    document.getElementById('daily-job').textContent = job
      ? `last run ${job.at}: ${job.ok ? 'ok' : 'failed'} ${JSON.stringify(job.result ?? {})}`
      : 'not run since the twin started';
    document.getElementById('updated').textContent = `updated ${m.generatedAt}`;
    document.body.dataset.ready = 'true';
  }

  async function tick() {
    try {
      const response = await fetch('/_twin/api/metrics', { cache: 'no-store', headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (response.ok) render(await response.json());
      else if (response.status === 401 || response.status === 403) {
        document.getElementById('updated').textContent =
          'this page needs the dashboard token: open the dashboard link `npm start` printed (it ends in #token=…)';
        return;
      }
    } catch (error) {
      document.getElementById('updated').textContent = `twin unreachable: ${error}`;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
