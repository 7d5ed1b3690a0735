// The explore timeline (uPlot): the other filters over the whole period, the chosen
// period drawn as a brushable selection.
import { DAY, form, fmt, hooks, state, syncUrl, timelineEl, timelineNote, cfg, filterParams, track } from "./core.js";

// --- the timeline (uPlot) ---

export let plot = null;
export let plotRows = [];
export let plotBucket = "day";

export function dayToSec(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

export function secToDay(sec) {
  return new Date(sec * 1000).toISOString().slice(0, 10);
}

export function nextPeriod(sec, bucket) {
  if (bucket === "day") return sec + DAY;
  if (bucket === "week") return sec + 7 * DAY;
  const d = new Date(sec * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

export function prevPeriod(sec, bucket) {
  if (bucket === "day") return sec - DAY;
  if (bucket === "week") return sec - 7 * DAY;
  const d = new Date(sec * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) / 1000;
}

export const TICK_STEPS = [1, 2, 7, 14, 28, 91, 182, 365, 730, 1825].map((d) => d * DAY);
export const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// Axis ticks: "24 Apr" within a few months, "Apr 2025" beyond (dates are UTC-midnight periods).
export function axisDate(sec, u) {
  const d = new Date(sec * 1000);
  const span = u.scales.x.max - u.scales.x.min;
  if (span > 200 * DAY) return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

// "2k" rather than "2,000": the axes stay narrow enough for a phone.
export const compact = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
export function compactTicks(u, splits) {
  return splits.map((v) => (v == null ? "" : compact.format(v)));
}

// Counts of attacks and people are whole numbers: ticks at 1, 2, 5, 10… never 0.5.
export const INTEGER_STEPS = [1, 2, 5];
for (let m = 10; m <= 1e7; m *= 10) INTEGER_STEPS.push(m, 2 * m, 5 * m);

// The ticks each axis drew, for people and tests to read (the axes are drawn on a canvas).
function recordTicks(name) {
  return (u, splits) => {
    timelineEl.dataset[name] = splits.filter((v) => v != null).join(",");
    return compactTicks(u, splits);
  };
}

const legendValue = (u, v) => (v == null ? "—" : fmt.format(v));

export function periodLabel(sec) {
  const d = new Date(sec * 1000);
  if (plotBucket === "month") return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return plotBucket === "week" ? `week of ${day}` : day;
}

export function chooseBucket(spanDays) {
  if (spanDays <= 200) return "day";
  if (spanDays <= 1200) return "week";
  return "month";
}

export let uplotLoading = null;

// The chart library arrives after the map's first drawing (see explore.html).
export function ensureUplot() {
  if (window.uPlot) return Promise.resolve();
  if (!uplotLoading) {
    const assets = document.getElementById("timeline-assets").dataset;
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = assets.css;
    document.head.append(css);
    uplotLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = assets.js;
      script.onload = resolve;
      script.onerror = () => reject(new Error("the chart library did not load"));
      document.head.append(script);
    });
  }
  return uplotLoading;
}

export async function fetchTimeline(params, bucket) {
  const p = new URLSearchParams(params);
  p.set("bucket", bucket);
  const response = await fetch(`${cfg.timelineUrl}?${p}`, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || String(response.status));
  return body.results || [];
}

export function loadTimeline(options = {}) {
  return track("timeline", fetchAndDrawTimeline(options));
}

async function fetchAndDrawTimeline({ force = false } = {}) {
  // The timeline shows the other filters over the whole period, with the chosen period
  // drawn as a selection; "Zoom to period" narrows it to that period.
  const params = filterParams({ withDates: state.tlZoom });
  const key = params.toString();
  if (!force && key === state.timelineKey && plot) {
    drawSelection();
    return;
  }
  state.timelineKey = key;
  let rows;
  let bucket;
  try {
    await ensureUplot();
    const after = form.elements.occurred_after?.value;
    const before = form.elements.occurred_before?.value;
    if (state.tlZoom && after && before) {
      bucket = chooseBucket((dayToSec(before) - dayToSec(after)) / DAY + 1);
      rows = await fetchTimeline(params, bucket);
    } else {
      bucket = "month";
      rows = await fetchTimeline(params, bucket);
      if (rows.length) {
        const span = (nextPeriod(dayToSec(rows[rows.length - 1].period), "month") - dayToSec(rows[0].period)) / DAY;
        const finer = chooseBucket(span);
        if (finer !== "month") {
          bucket = finer;
          rows = await fetchTimeline(params, bucket);
        }
      }
    }
  } catch (error) {
    timelineNote.hidden = false;
    timelineNote.textContent = `The timeline could not be loaded (${error.message}).`;
    return;
  }
  if (key !== state.timelineKey) return; // a newer request superseded this one
  timelineNote.hidden = rows.length > 0;
  timelineNote.textContent = rows.length ? "" : "No attacks for these filters.";
  document.getElementById("tl-bucket").textContent = ` · per ${bucket}`;
  drawTimeline(rows, bucket);
}

export function drawTimeline(rows, bucket) {
  plotBucket = bucket;
  plotRows = rows.map((r) => ({ ...r, x: dayToSec(r.period) }));
  if (plotRows.length) {
    // One empty period either side, so the first and last can be brushed.
    const first = plotRows[0].x;
    const last = plotRows[plotRows.length - 1].x;
    const empty = { attacks: 0, killed: 0, injured: 0, launched: 0, intercepted: 0 };
    plotRows.unshift({ ...empty, x: prevPeriod(first, bucket) });
    plotRows.push({ ...empty, x: nextPeriod(last, bucket) });
  }
  const data = [
    plotRows.map((r) => r.x),
    plotRows.map((r) => r.attacks),
    plotRows.map((r) => r.killed),
    plotRows.map((r) => r.injured),
    plotRows.map((r) => r.launched),
    plotRows.map((r) => r.intercepted),
  ];
  const width = Math.max(280, timelineEl.clientWidth || 600);
  const height = width < 500 ? 150 : 190;
  const narrow = width < 500;
  if (plot) {
    plot.destroy();
    plot = null;
  }
  const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.85, 40] }) : undefined;
  plot = new uPlot(
    {
      width,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      select: { show: true },
      legend: { live: true },
      scales: {
        x: { time: true },
        a: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] },
        p: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] },
        w: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        // Ticks on whole days (or more): the periods are days, weeks or months, never hours.
        { space: 70, incrs: TICK_STEPS, values: (u, splits) => splits.map((s) => axisDate(s, u)) },
        { scale: "a", size: 40, label: "attacks", labelSize: 14, incrs: INTEGER_STEPS, values: recordTicks("attackTicks") },
        // Killed and injured on their own axis: a night's hundred drones must not flatten them.
        {
          scale: "p",
          side: 1,
          size: 40,
          grid: { show: false },
          label: "killed · injured",
          labelSize: 14,
          incrs: INTEGER_STEPS,
          values: recordTicks("peopleTicks"),
        },
        // The waves (national) on a third scale; its axis only where there is room for it.
        {
          scale: "w",
          side: 1,
          size: 44,
          show: !narrow,
          grid: { show: false },
          label: "weapons (national)",
          labelSize: 14,
          incrs: INTEGER_STEPS,
          values: recordTicks("weaponTicks"),
        },
      ],
      series: [
        { value: (u, v) => (v == null ? "—" : periodLabel(v)) },
        { label: "Attacks", scale: "a", stroke: "#374151", fill: "rgba(55,65,81,0.35)", paths: bars, points: { show: false }, value: legendValue },
        { label: "Killed", scale: "p", stroke: "#b91c1c", width: 2, points: { show: false }, value: legendValue },
        { label: "Injured", scale: "p", stroke: "#d97706", width: 2, points: { show: false }, value: legendValue },
        { label: "Launched (national)", scale: "w", stroke: "#6b7280", width: 1, dash: [5, 4], points: { show: false }, value: legendValue },
        { label: "Intercepted (national)", scale: "w", stroke: "#2563eb", width: 1, dash: [5, 4], points: { show: false }, value: legendValue },
      ],
      hooks: { setSelect: [onBrush], ready: [() => drawSelection()] },
    },
    data,
    timelineEl
  );
  attachTouchBrush(plot);
  timelineEl.dataset.ready = "1";
  timelineEl.dataset.bucket = bucket;
  timelineEl.dataset.periods = String(rows.length);
}

export let brushing = false;

export function onBrush(u) {
  if (brushing) return;
  const { left, width } = u.select;
  if (width < 3) return; // a click, not a drag
  const from = u.posToVal(left, "x");
  const to = u.posToVal(left + width, "x");
  const xs = plotRows.map((r) => r.x);
  // Whole periods: from the period holding the left edge to the one holding the right.
  let start = xs[0];
  let end = xs[xs.length - 1];
  for (const x of xs) {
    if (x <= from) start = x;
    if (x <= to) end = x;
  }
  const lastDay = nextPeriod(end, plotBucket) - DAY;
  form.elements.occurred_after.value = secToDay(start);
  form.elements.occurred_before.value = secToDay(lastDay);
  state.page = null;
  drawSelection();
  hooks.applyFilters({ timeline: false });
}

// uPlot brushes with a mouse only: a finger (or pen) drags a selection with pointer events.
// Vertical swipes still scroll the page (touch-action: pan-y in explore.css).
function attachTouchBrush(u) {
  const over = u.over;
  let startX = null;
  let pointer = null;
  const xOf = (e) => Math.min(over.clientWidth, Math.max(0, e.clientX - over.getBoundingClientRect().left));
  over.addEventListener("pointerdown", (e) => {
    if (e.pointerType === "mouse") return; // uPlot's own drag
    pointer = e.pointerId;
    startX = xOf(e);
    over.setPointerCapture?.(e.pointerId);
  });
  over.addEventListener("pointermove", (e) => {
    if (e.pointerId !== pointer || startX === null) return;
    const x = xOf(e);
    brushing = true;
    try {
      u.setSelect({ left: Math.min(startX, x), width: Math.abs(x - startX), top: 0, height: over.clientHeight }, false);
    } finally {
      brushing = false;
    }
  });
  over.addEventListener("pointerup", (e) => {
    if (e.pointerId !== pointer) return;
    pointer = null;
    startX = null;
    onBrush(u);
  });
  over.addEventListener("pointercancel", () => {
    pointer = null;
    startX = null;
    drawSelection();
  });
}

export function drawSelection() {
  if (!plot) return;
  const after = form.elements.occurred_after?.value;
  const before = form.elements.occurred_before?.value;
  brushing = true;
  try {
    if (!after && !before) {
      plot.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
      return;
    }
    const xs = plotRows.map((r) => r.x);
    if (!xs.length) return;
    const step = xs.length > 1 ? (plot.valToPos(xs[1], "x") - plot.valToPos(xs[0], "x")) / 2 : 10;
    const startSec = after ? dayToSec(after) : xs[0];
    const endSec = before ? dayToSec(before) : xs[xs.length - 1];
    const left = Math.max(0, plot.valToPos(startSec, "x") - step);
    const right = Math.min(plot.over.clientWidth, plot.valToPos(endSec, "x") + step);
    plot.setSelect({ left, width: Math.max(2, right - left), top: 0, height: plot.over.clientHeight }, false);
  } finally {
    brushing = false;
  }
}

new ResizeObserver(() => {
  if (plot && timelineEl.clientWidth && Math.abs(plot.width - timelineEl.clientWidth) > 8) {
    plot.setSize({ width: timelineEl.clientWidth, height: plot.height });
    drawSelection();
  }
}).observe(timelineEl);

document.getElementById("tl-clear").addEventListener("click", () => {
  form.elements.occurred_after.value = "";
  form.elements.occurred_before.value = "";
  state.tlZoom = false;
  state.page = null;
  hooks.applyFilters({ timeline: true });
});
document.getElementById("tl-zoom").addEventListener("click", () => {
  if (!form.elements.occurred_after.value && !form.elements.occurred_before.value) return;
  state.tlZoom = true;
  syncUrl();
  loadTimeline();
});
document.getElementById("tl-whole").addEventListener("click", () => {
  state.tlZoom = false;
  syncUrl();
  loadTimeline();
});
