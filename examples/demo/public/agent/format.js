/** Formatting of times and durations for the demo pages. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** `14:05` from an ISO timestamp or epoch ms. */
export function clockTime(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

/** `Jan 5, 2026, 14:05`. */
export function dateTime(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '' : dateFormat.format(date);
}

/** `0:42`, `12:05`, `1:02:03` from seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** A human label for an id-like name: `wrap_up` → `Wrap up`. */
export function label(name) {
  const text = String(name ?? '').replace(/[_-]+/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
