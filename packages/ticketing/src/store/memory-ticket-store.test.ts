import { describe, it } from 'vitest';
import { describeTicketStoreConformance } from '../testing/index.js';
import { createMemoryTicketStore } from './memory-ticket-store.js';

describeTicketStoreConformance({ describe, it }, { name: 'memory', create: () => createMemoryTicketStore() });
