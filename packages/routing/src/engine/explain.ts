import type { AgentState } from './agent-state.js';
import type { RoutingStrategy } from './definitions.js';
import type { EngineState } from './engine-state.js';
import type { TaskState } from './task-state.js';

/** What the engine recorded when it last decided for a task. */
export interface DecisionRecord {
  at: number;
  step: number;
  queueId: string;
  strategy: RoutingStrategy;
  /** Agents matching the step's static requirements. */
  members: number;
  /** Candidates passed over (refused the task before, not preferred, task-dependent expression false). */
  skipped: number;
  /** The agents offered the task, with their strategy key (smaller wins). */
  chosen: { agentId: string; key: number | undefined }[];
}

/** One agent in an explanation, in strategy order. */
export interface CandidateExplanation {
  agentId: string;
  /** Strategy key (smaller wins); absent for weighted random. */
  key: number | undefined;
  eligible: boolean;
  /** Why an available member cannot take this task. */
  reason?: 'refused_before' | 'not_preferred' | 'expression_false';
}

/** Why a task is where it is, and who could take it. */
export interface TaskExplanation {
  taskId: string;
  status: TaskState['status'];
  channel: string;
  priority: number;
  effectivePriority: number;
  queueId: string;
  step: {
    index: number;
    of: number;
    enteredAt: string;
    requirements: { skills: Record<string, number>; languages?: readonly string[]; strategy: RoutingStrategy };
  };
  waitingSeconds: number;
  members: number;
  available: number;
  /** Available members in strategy order (the first 20), each with whether it could take the task. */
  candidates: CandidateExplanation[];
  lastDecision?: Omit<DecisionRecord, 'at'> & { at: string };
  agentId?: string;
  /** One sentence for humans. */
  summary: string;
}

const SHOWN = 20;

/** Builds an explanation of a task from the engine's live state. */
export function explainTask(s: EngineState, task: TaskState): TaskExplanation {
  const now = s.now();
  const target = task.step.target;
  const time = s.timeView();
  const candidates: CandidateExplanation[] = [];
  for (const { agent, key } of target.ranked(task.channel).slice(0, SHOWN)) {
    const reason = refusal(task, agent, now, time);
    const entry: CandidateExplanation = {
      agentId: agent.id,
      key: target.strategy === 'weighted_random' ? undefined : key,
      eligible: reason === undefined,
    };
    if (reason) entry.reason = reason;
    candidates.push(entry);
  }
  const explanation: TaskExplanation = {
    taskId: task.id,
    status: task.status,
    channel: task.channel,
    priority: task.priority,
    effectivePriority: task.effectivePriority(now),
    queueId: task.queue.id,
    step: {
      index: task.stepIndex,
      of: task.steps.length,
      enteredAt: new Date(task.stepEnteredAt).toISOString(),
      requirements: {
        skills: target.requirements.skills,
        ...(target.requirements.languages ? { languages: target.requirements.languages } : {}),
        strategy: target.strategy,
      },
    },
    waitingSeconds: task.status === 'pending' ? (now - task.enqueuedAt) / 1000 : 0,
    members: target.memberCount,
    available: target.availableCount(task.channel),
    candidates,
    summary: '',
  };
  if (task.lastDecision)
    explanation.lastDecision = { ...task.lastDecision, at: new Date(task.lastDecision.at).toISOString() };
  if (task.agent) explanation.agentId = task.agent.id;
  explanation.summary = summarize(explanation, task);
  return explanation;
}

function refusal(
  task: TaskState,
  agent: AgentState,
  now: number,
  time: ReturnType<EngineState['timeView']>,
): CandidateExplanation['reason'] {
  if (task.refusedUntil(agent.id) > now) return 'refused_before';
  if (task.preferredUntil > now && !task.preferred.some((p) => p.agentId === agent.id && p.until > now)) {
    return 'not_preferred';
  }
  if (!task.step.target.acceptsPair(task.view, agent, time)) return 'expression_false';
  return undefined;
}

function summarize(e: TaskExplanation, task: TaskState): string {
  const where = `step ${e.step.index + 1} of ${e.step.of} in queue ${e.queueId}`;
  if (task.status === 'assigned' || task.status === 'wrapping') return `Assigned to ${e.agentId} (${where}).`;
  if (task.status === 'reserved') {
    const offered = task.reservations.map((r) => r.agent.id).join(', ');
    return `Offered to ${offered} (${where}, strategy ${e.step.requirements.strategy}).`;
  }
  if (task.status !== 'pending') return `Task is ${task.status}${task.reason ? ` (${task.reason})` : ''}.`;
  if (e.members === 0) return `Waiting at ${where}: no agent matches the step's requirements.`;
  if (e.available === 0)
    return `Waiting at ${where}: ${e.members} agents match, none is routable with free ${e.channel} capacity.`;
  const eligible = e.candidates.filter((c) => c.eligible).length;
  if (eligible === 0) return `Waiting at ${where}: ${e.available} agents are available but none may take this task.`;
  return `Waiting at ${where}: ${eligible} eligible agents are available (a decision is due).`;
}
