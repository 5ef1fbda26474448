import type { AgentState } from './agent-state.js';
import type { TaskState } from './task-state.js';

/** The life of an offer: pending until accepted, rejected, timed out, withdrawn or canceled. */
export type ReservationStatus = 'pending' | 'accepted' | 'rejected' | 'timed_out' | 'withdrawn' | 'canceled';

/** An offer of a task to one agent. */
export interface Reservation {
  readonly id: string;
  readonly task: TaskState;
  readonly agent: AgentState;
  readonly createdAt: number;
  readonly expiresAt: number;
  status: ReservationStatus;
  /** Cancels the timeout deadline. */
  cancelTimeout: () => void;
}
