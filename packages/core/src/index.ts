/**
 * `@hotline/core`: the domain model and contracts of Hotline — schemas, errors, events,
 * storage ports and the in-memory adapter, clock and durable timers, the conversation
 * state machine and services, identity, audit, masking, encryption and RBAC.
 *
 * @packageDocumentation
 */

// Errors
export { ERROR_CODES, httpStatusForCode, isRetryableCode } from './errors/error-codes.js';
export {
  AlreadyExistsError,
  ConflictError,
  ForbiddenError,
  HotlineError,
  IllegalTransitionError,
  IntegrityError,
  isHotlineError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from './errors/hotline-error.js';
export { parseInput, toValidationIssues } from './validation/parse.js';

// Ids and time
export { createIdGenerator, ID_PREFIXES, idTimestamp, newId } from './ids/ids.js';
export { isoNow, systemClock } from './clock/clock.js';
export { SimulatedClock, settle } from './clock/simulated-clock.js';
export { MinHeap } from './util/min-heap.js';

// Schemas
export {
  attributesSchema,
  CHANNELS,
  channelSchema,
  idSchema,
  languageSchema,
  MAX_ATTRIBUTE_DEPTH,
  MAX_ATTRIBUTES_BYTES,
  prioritySchema,
  recordBaseSchema,
  tagSchema,
  tenantIdSchema,
  timeZoneSchema,
  timestampSchema,
  versionSchema,
} from './schemas/common.js';
export { newTenantInputSchema, tenantSchema } from './schemas/tenant.js';
export {
  contactPatchSchema,
  contactSchema,
  identityChannelSchema,
  identityInputSchema,
  identitySchema,
  MAX_IDENTITIES,
  newContactInputSchema,
} from './schemas/contact.js';
export {
  conversationContactRefSchema,
  conversationLegSchema,
  conversationSchema,
  conversationStatusSchema,
  participantSchema,
  startConversationInputSchema,
} from './schemas/conversation.js';
export {
  appendMessageInputSchema,
  attachmentSchema,
  MAX_MESSAGE_TEXT,
  messageAuthorSchema,
  messageContentSchema,
  messageDirectionSchema,
  messageSchema,
  messageStatusSchema,
} from './schemas/message.js';
export { taskKindSchema, taskSchema, taskStatusSchema } from './schemas/task.js';
export {
  activityNameSchema,
  agentSchema,
  capacitySchema,
  MAX_CHANNEL_CAPACITY,
  skillLevelSchema,
  skillNameSchema,
} from './schemas/agent.js';
export { queueSchema } from './schemas/queue.js';
export {
  actorSchema,
  auditEntrySchema,
  fieldChangeSchema,
  outboxEntrySchema,
  outboxStatusSchema,
  timerRecordSchema,
} from './schemas/records.js';

// Events
export { InMemoryEventBus } from './events/event-bus.js';

// Coordination
export { delay, InMemoryLeaseManager } from './coordination/lease.js';

// Durable timers
export { TimerScheduler } from './timers/timer-scheduler.js';
export { ClockAlarm } from './timers/clock-alarm.js';
export { DEFAULT_TIMER_RETRY, timerBackoffMs } from './timers/backoff.js';
export { scheduleTimerInputSchema, timerKindSchema } from './timers/timer-inputs.js';

// Storage
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './storage/ports.js';
export { canAdvanceMessageStatus } from './storage/message-status.js';
export { createMemoryStorage } from './storage/memory/memory-storage.js';
export { MemoryContext, MemoryGate } from './storage/memory/context.js';

// Conversations
export { conversationLifecycleEventSchema } from './conversation/lifecycle-events.js';
export {
  CONVERSATION_TRANSITIONS,
  FINAL_CONVERSATION_STATES,
  OPEN_CONVERSATION_STATES,
} from './conversation/transitions.js';
export {
  canTransitionConversation,
  conversationMachine,
  restoreConversationSnapshot,
  transitionConversation,
} from './conversation/machine.js';
export { ConversationService, machineContextOf, SNOOZE_TIMER } from './conversation/conversation-service.js';
export { conversationPatchSchema, legInputSchema } from './conversation/conversation-inputs.js';

// Identity
export {
  clientKeySchema,
  readHorizonSchema,
  requestIdSchema,
  seenSeqSchema,
  visitorAttributesSchema,
  WIRE_PROTOCOL_VERSION,
  wireAuthorSchema,
  wireConversationSchema,
  wireErrorSchema,
  wireLimitsSchema,
  wireMessageSchema,
  wireSendContentSchema,
} from './wire/wire-common.js';
export { agentFrameSchema, customerFrameSchema, identityClaimSchema, MAX_RESUME } from './wire/client-frames.js';
export { serverFrameSchema, wireOfferSchema } from './wire/server-frames.js';
export { toWireConversation, toWireMessage } from './wire/to-wire.js';
export {
  agentPresenceSchema,
  agentStateViewSchema,
  dispositionSchema,
  MAX_WRAP_UP_NOTES,
  queueCountersSchema,
  queueStatsViewSchema,
  statsSnapshotSchema,
  transferTargetSchema,
  watchResultSchema,
  wrapUpNotesSchema,
  wrapUpSchema,
} from './wire/agent-work.js';

export { normalizeIdentity } from './identity/normalize-identity.js';
export { ContactService, isIdentityTaken } from './identity/contact-service.js';
export { buildCustomerTimeline } from './identity/customer-timeline.js';

// Business calendars
export {
  businessCalendarDefinitionSchema,
  calendarExceptionSchema,
  dayHoursSchema,
  holidaySchema,
  isoDateSchema,
  MAX_EXCEPTIONS,
  MAX_HOLIDAYS,
  MAX_WINDOWS_PER_DAY,
  monthDaySchema,
  openingWindowSchema,
  timeOfDaySchema,
  TWENTY_FOUR_SEVEN,
  twentyFourSeven,
  WEEKDAYS,
  weeklyHoursSchema,
} from './calendar/calendar-schema.js';
export { createBusinessCalendar, MAX_CALENDAR_INSTANT, MIN_CALENDAR_INSTANT } from './calendar/business-calendar.js';
export { MAX_ICAL_BYTES, parseICalHolidays } from './calendar/ical.js';
export { formatIsoInstant } from './calendar/civil-date.js';

// Audit, security
export { auditAppendInputSchema, createAuditLog, hashAuditEntry } from './audit/audit-log.js';
export { canonicalJson } from './audit/canonical-json.js';
export { createHmacHasher, GENESIS_HASH, MIN_HMAC_KEY_BYTES, sha256Hex } from './audit/hash.js';
export { findPii, maskCardNumber, maskEmail, maskIdNumber, maskPhone, maskText } from './security/masking.js';
export { isChineseIdNumber, luhnValid } from './security/pii-scan.js';
export {
  createFieldCipher,
  fieldAad,
  fieldKeyIdSchema,
  generateFieldKey,
  isFieldToken,
} from './security/field-encryption.js';
export { actionSchema, GRANT_PERMISSION, permissionPatternSchema, roleNameSchema } from './security/rbac/rbac-types.js';
export { BUILT_IN_ROLES } from './security/rbac/built-in-roles.js';
export { createPolicy } from './security/rbac/create-policy.js';

// Composition
export { TenantService } from './services/tenant-service.js';
export { createHotline } from './services/create-hotline.js';
export { retryOnConflict, isVersionConflict } from './util/retry-on-conflict.js';
export { readModifyWrite, versionConflict } from './util/read-modify-write.js';

// Types
export type { ErrorCode } from './errors/error-codes.js';
export type { ErrorDetails, HotlineErrorJSON, HotlineErrorOptions, ValidationIssue } from './errors/hotline-error.js';
export type { IdGenerator, IdGeneratorOptions, IdKind } from './ids/ids.js';
export type { Clock, TimerHandle } from './clock/clock.js';
export type { Attributes, Channel, JsonValue, RecordBase } from './schemas/common.js';
export type { NewTenantInput, Tenant } from './schemas/tenant.js';
export type {
  Contact,
  ContactPatch,
  Identity,
  IdentityChannel,
  IdentityInput,
  NewContactInput,
} from './schemas/contact.js';
export type {
  Conversation,
  ConversationContactRef,
  ConversationLeg,
  ConversationStatus,
  Participant,
  StartConversationInput,
} from './schemas/conversation.js';
export type {
  AppendMessageInput,
  Attachment,
  Message,
  MessageAuthor,
  MessageContent,
  MessageDirection,
  MessageStatus,
} from './schemas/message.js';
export type { Task, TaskKind, TaskStatus } from './schemas/task.js';
export type { Agent, Capacity } from './schemas/agent.js';
export type { Queue } from './schemas/queue.js';
export type { Actor, AuditEntry, FieldChange, OutboxEntry, OutboxStatus, TimerRecord } from './schemas/records.js';
export type {
  EventBase,
  EventInput,
  EventPattern,
  EventPrefix,
  EventsMatching,
  HotlineEvent,
  HotlineEventMap,
  HotlineEventType,
  MessageEventPayload,
} from './events/event-map.js';
export type { EventBus, EventHandler, InMemoryEventBusOptions, Unsubscribe } from './events/event-bus.js';
export type {
  AgentRepository,
  AppendResult,
  AuditRepository,
  ClaimOptions,
  ContactRepository,
  ConversationFilter,
  ConversationRepository,
  DeletableRepository,
  ListOptions,
  MessageListOptions,
  MessageRepository,
  NewMessage,
  NewOutboxEntry,
  OutboxRepository,
  Page,
  QueueRepository,
  Storage,
  TaskFilter,
  TaskRepository,
  TenantRepository,
  TimerRepository,
  VersionedRepository,
} from './storage/ports.js';
export type { MemoryStorageOptions } from './storage/memory/memory-storage.js';
export type {
  ConversationLifecycleEvent,
  ConversationLifecycleEventType,
} from './conversation/lifecycle-events.js';
export type { DocumentedTransition } from './conversation/transitions.js';
export type {
  ConversationMachineContext,
  ConversationTransitionResult,
  SnoozableStatus,
} from './conversation/machine.js';
export type {
  AppendMessageResult,
  ConversationServiceOptions,
  ConversationWriteOptions,
} from './conversation/conversation-service.js';
export type {
  TimerErrorReason,
  TimerErrorReport,
  TimerHandler,
  TimerSchedulerOptions,
  TimerWriteOptions,
} from './timers/timer-scheduler.js';
export type { TimerRetryOptions } from './timers/backoff.js';
export type { ScheduleTimerInput } from './timers/timer-inputs.js';
export type { ConversationPatch, LegInput } from './conversation/conversation-inputs.js';
export type { NormalizedIdentity } from './identity/normalize-identity.js';
export type { MergeContactsInput, VersionedWriteOptions } from './identity/contact-service.js';
export type { CustomerTimeline, TimelineItem, TimelineOptions } from './identity/customer-timeline.js';
export type { AuditAppendInput, AuditLog, AuditLogOptions, AuditVerifyResult } from './audit/audit-log.js';
export type { TextHasher } from './audit/hash.js';
export type { MaskCardNumberOptions, MaskIdNumberOptions, MaskTextOptions } from './security/masking.js';
export type { PiiKind, PiiMatch } from './security/pii-scan.js';
export type { FieldCipher, FieldKeyMaterial, FieldKeyring, FieldLocation } from './security/field-encryption.js';
export type {
  ConditionContext,
  ConditionFn,
  ConditionName,
  GrantTemporaryInput,
  PermissionRule,
  Policy,
  PolicyDecision,
  PolicyOptions,
  Principal,
  Resource,
  RoleDefinition,
  TemporaryGrant,
} from './security/rbac/rbac-types.js';
export type {
  BusinessCalendarDefinition,
  BusinessCalendarDefinitionInput,
  CalendarException,
  Holiday,
  OpeningWindow,
  Weekday,
  WeeklyHours,
} from './calendar/calendar-schema.js';
export type { BusinessCalendar, BusinessCalendarOptions, OpenInterval } from './calendar/business-calendar.js';
export type { AcquireOptions, Lease, LeaseManager } from './coordination/lease.js';
export type { ReadModifyWrite } from './util/read-modify-write.js';
export type { ServiceDeps } from './services/service-deps.js';
export type { Hotline, HotlineOptions } from './services/create-hotline.js';
export type {
  ReadHorizon,
  VisitorAttributes,
  WireConversation,
  WireError,
  WireLimits,
  WireMessage,
  WireSendContent,
} from './wire/wire-common.js';
export type { AgentFrame, CustomerFrame, IdentityClaim } from './wire/client-frames.js';
export type {
  AgentHelloResult,
  ConversationResult,
  CustomerHelloResult,
  HistoryResult,
  SendResult,
  ServerFrame,
  WireOffer,
} from './wire/server-frames.js';
export type { WireConversationExtras } from './wire/to-wire.js';
export type {
  AgentStateView,
  QueueStatsView,
  StatsSnapshot,
  TransferTarget,
  WatchResult,
  WrapUp,
} from './wire/agent-work.js';
export type { DispatchNotice, DispatchOffer, Dispatcher, DispatchRequest } from './dispatch/dispatch-port.js';
