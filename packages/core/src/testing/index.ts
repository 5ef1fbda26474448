/**
 * `@hotline/core/testing`: the storage conformance suite every adapter runs, its
 * assertion helpers and record fixtures.
 *
 * @packageDocumentation
 */
export { ConformanceFailure, check, checkEqual, checkRejects, deepEqual } from './assert.js';
export {
  describeStorageConformance,
  runConformanceCase,
  storageConformanceCases,
} from './conformance/suite.js';
export {
  FIXTURE_TIME,
  fixtureId,
  makeAgent,
  makeAuditEntry,
  makeContact,
  makeConversation,
  makeMessage,
  makeQueue,
  makeTask,
  makeTenant,
} from './fixtures.js';

export type { CaseContext, ConformanceCase, ConformanceGroup } from './conformance/case.js';
export type { ConformanceTestApi, StorageConformanceOptions } from './conformance/suite.js';
