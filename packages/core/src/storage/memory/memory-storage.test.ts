import { describe, it } from 'vitest';
import { describeStorageConformance } from '../../testing/index.js';
import { createMemoryStorage } from './memory-storage.js';

describeStorageConformance({ describe, it }, { name: 'memory', create: () => createMemoryStorage() });
