/**
 * A small line chart on `<canvas>` (no library): time on x, one line per series, a y axis
 * with a few round ticks, sharp on high-density screens. Colours come from the page's CSS
 * variables `--series-0`… (see {@link seriesColor}, which the legend uses too).
 */

const PAD = { top: 12, right: 14, bottom: 26, left: 42 };

function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** The colour of series `i`, for the lines and the legend alike. */
export function seriesColor(i) {
  return cssVar(`--series-${i % 6}`, '#1f4fd1');
}

/** A round step for about `count` ticks up to `max`. */
function niceStep(max, count) {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return Math.max(1, step ?? power * 10);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * Draws a chart. `series`: `[{ points: [[epochMs, value]…] }]` in colour order; `from`/`to`:
 * the time range (ms); `yMax`: a fixed top (a percentage chart) or undefined to fit the data;
 * `yFormat(value)` labels the y ticks; `empty` is written when there is no point at all.
 */
export function drawLineChart(canvas, { series, from, to, yMax, yFormat = String, empty = 'No data yet' }) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const text = cssVar('--muted', '#566072');
  const grid = cssVar('--border', '#d5dae3');
  const font = getComputedStyle(canvas).fontFamily || 'system-ui';
  ctx.font = `12px ${font}`;

  const values = series.flatMap((s) => s.points.map(([, v]) => v));
  const top = yMax ?? Math.max(4, ...values);
  const step = yMax ? yMax / 4 : niceStep(top, 4);
  const max = yMax ?? Math.ceil(top / step) * step;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (t) => PAD.left + ((t - from) / Math.max(1, to - from)) * plotW;
  const y = (v) => PAD.top + plotH - (Math.min(v, max) / max) * plotH;

  ctx.lineWidth = 1;
  ctx.strokeStyle = grid;
  ctx.fillStyle = text;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = 0; v <= max + 1e-9; v += step) {
    const py = Math.round(y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(PAD.left, py);
    ctx.lineTo(width - PAD.right, py);
    ctx.stroke();
    ctx.fillText(yFormat(v), PAD.left - 6, py);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const quarter = (to - from) / 4;
  for (let i = 0; i <= 4; i++) {
    const t = from + i * quarter;
    ctx.fillText(
      timeFormat.format(new Date(t)),
      Math.min(Math.max(x(t), PAD.left + 16), width - PAD.right - 16),
      height - PAD.bottom + 6,
    );
  }

  if (!values.length) {
    ctx.textBaseline = 'middle';
    ctx.fillText(empty, PAD.left + plotW / 2, PAD.top + plotH / 2);
    return;
  }
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  series.forEach((s, i) => {
    const points = s.points.filter(([t]) => t >= from && t <= to);
    if (!points.length) return;
    ctx.strokeStyle = seriesColor(i);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.beginPath();
    for (const [j, [t, v]] of points.entries()) {
      if (j) ctx.lineTo(x(t), y(v));
      else ctx.moveTo(x(t), y(v));
    }
    ctx.stroke();
    // A short series (a server that just started) would be a speck: mark its points.
    if (points.length <= 15) {
      for (const [t, v] of points) {
        ctx.beginPath();
        ctx.arc(x(t), y(v), 3, 0, Math.PI * 2);
        ctx.fill();
      }
    }
  });
}
