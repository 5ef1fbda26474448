import type { Clock } from '../clock/clock.js';
import type { EventBus } from '../events/event-bus.js';
import type { IdGenerator } from '../ids/ids.js';
import type { Storage } from '../storage/ports.js';

/** What every core service is built from. `createHotline` wires one set for all of them. */
export interface ServiceDeps {
  storage: Storage;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
}
