import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import { ClockAlarm } from './clock-alarm.js';

describe('ClockAlarm', () => {
  it('rings once at the earliest instant asked for, ignoring later ones', async () => {
    const clock = new SimulatedClock(0);
    const rings: number[] = [];
    const alarm = new ClockAlarm(clock, () => rings.push(clock.now()));
    alarm.armAt(500);
    alarm.armAt(900); // later: changes nothing
    expect(alarm.armedAt).toBe(500);
    alarm.armAt(200); // sooner: re-armed
    await clock.advanceTo(1000);
    expect(rings).toEqual([200]);
    expect(alarm.armedAt).toBe(Number.POSITIVE_INFINITY);
  });

  it('rings at once for a past instant, and never once disarmed', async () => {
    const clock = new SimulatedClock(1000);
    const rings: number[] = [];
    const alarm = new ClockAlarm(clock, () => rings.push(clock.now()));
    alarm.armAt(10);
    await clock.advance(0);
    expect(rings).toEqual([1000]);
    alarm.armAt(2000);
    alarm.disarm();
    await clock.advanceTo(5000);
    expect(rings).toEqual([1000]);
  });

  it('rings early, at the platform maximum delay, for an instant further away', async () => {
    const clock = new SimulatedClock(0);
    const rings: number[] = [];
    const alarm = new ClockAlarm(clock, () => rings.push(clock.now()));
    alarm.armAt(30 * 86_400_000);
    await clock.advanceTo(30 * 86_400_000);
    expect(rings).toEqual([2_147_483_647]);
  });
});
