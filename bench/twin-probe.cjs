// Preloaded into the twin by bench/twin.bench.ts (`node --require`): event-loop delay
// (perf_hooks.monitorEventLoopDelay), event-loop utilisation and time in garbage collection (`gc` performance
// entries: pauses of the twin's thread, scavenges and mark-compact alike) of the twin's process. On SIGUSR2 it
// writes the figures since the previous signal to $TWIN_PROBE_FILE and starts over.
const { monitorEventLoopDelay, performance, PerformanceObserver } = require('node:perf_hooks');
const fs = require('node:fs');

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
let since = performance.eventLoopUtilization();
let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount += 1;
  }
}).observe({ entryTypes: ['gc'] });
// With TWIN_PROBE_LAGS=1: every stall of the loop longer than 40 ms, as [end µs (hrtime, the CPU profile's clock), ms].
const lags = [];
if (process.env.TWIN_PROBE_LAGS === '1') {
  let last = process.hrtime.bigint();
  setInterval(() => {
    const now = process.hrtime.bigint();
    const lag = Number(now - last) / 1e6 - 10;
    if (lag > 40 && lags.length < 10000) lags.push([Number(now / 1000n), Math.round(lag)]);
    last = now;
  }, 10).unref();
}
const ms = (ns) => Math.round(ns / 1e4) / 100;
process.on('SIGUSR2', () => {
  const elu = performance.eventLoopUtilization(since);
  const figures = {
    delayP50Ms: ms(histogram.percentile(50)),
    delayP99Ms: ms(histogram.percentile(99)),
    delayMaxMs: ms(histogram.max),
    utilization: Math.round(elu.utilization * 1000) / 1000,
    gcMs: Math.round(gcMs),
    gcCount,
    ...(lags.length ? { lags: lags.splice(0) } : {}),
  };
  if (process.env.TWIN_PROBE_FILE) fs.writeFileSync(process.env.TWIN_PROBE_FILE, JSON.stringify(figures));
  histogram.reset();
  gcMs = 0;
  gcCount = 0;
  since = performance.eventLoopUtilization();
});
