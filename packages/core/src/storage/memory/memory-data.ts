import type { Agent } from '../../schemas/agent.js';
import type { Contact } from '../../schemas/contact.js';
import type { Conversation } from '../../schemas/conversation.js';
import type { Queue } from '../../schemas/queue.js';
import type { Task } from '../../schemas/task.js';
import type { Tenant } from '../../schemas/tenant.js';
import { AuditLogData } from './audit-data.js';
import { ContactIdentityIndex } from './contact-index.js';
import { MemoryGate } from './context.js';
import { MessageData } from './message-data.js';
import { OutboxData } from './outbox-data.js';
import { TimerData } from './timer-data.js';
import { VersionedTable } from './versioned-table.js';

/** Everything one memory storage holds; shared by the root and transaction views. */
export class MemoryData {
  readonly gate = new MemoryGate();
  /** Tenants are not tenant-scoped; they live in a table keyed by a fixed pseudo-tenant. */
  readonly tenants = new VersionedTable<Tenant & { tenantId: string }>('tenant');
  readonly identityIndex = new ContactIdentityIndex();
  readonly contacts = new VersionedTable<Contact>('contact', this.identityIndex.hooks());
  readonly conversations = new VersionedTable<Conversation>('conversation');
  readonly tasks = new VersionedTable<Task>('task');
  readonly agents = new VersionedTable<Agent>('agent');
  readonly queues = new VersionedTable<Queue>('queue');
  readonly messages = new MessageData();
  readonly audit = new AuditLogData();
  readonly timers = new TimerData();
  readonly outbox = new OutboxData();
}
