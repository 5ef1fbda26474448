/**
 * The offer chime: two short tones made with Web Audio (no audio file to fetch). Browsers
 * only let a page make sound after the user interacted with it, so the audio context is
 * created on the first click or key press, and the chime stays silent until then.
 */

let context;
let muted = false;

function unlock() {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') context.resume();
  } catch {
    // No Web Audio (an old or locked-down browser): offers still show, silently.
  }
}

/** Arms the chime on the first user gesture. */
export function armSound() {
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlock, { capture: true });
}

/** Turns the chime on or off. */
export function setMuted(value) {
  muted = Boolean(value);
}

/** Plays the chime (a rising pair of soft sine tones, about 0.4 s). */
export function chime() {
  if (muted || !context || context.state !== 'running') return;
  const start = context.currentTime + 0.01;
  for (const [offset, frequency] of [
    [0, 880],
    [0.18, 1320],
  ]) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.22);
  }
}
