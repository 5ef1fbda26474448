/**
 * `@hotline/ticketing`: tickets that carry a problem across departments until it is solved.
 * Start with `createTicketing` (everything composed), or take the modules one by one.
 *
 * @packageDocumentation
 */

// --- Putting it together: the whole package in one call ---
export { createTicketing } from './ticketing.js';
export type {
  Ticketing,
  TicketingOptions,
  TicketingRulesOptions,
  TicketingSlaOptions,
  TicketingWebhooksOptions,
} from './ticketing.js';

// --- Model: the shared vocabulary (tickets, actors, history, comments, events, ports) ---
export { actorLabel, actorSchema } from './model/actor.js';
export { MAX_COMMENT_BYTES, ticketAttachmentSchema, ticketCommentSchema } from './model/comment.js';
export { historyCommentSchema, historyEntrySchema, propertyChangeSchema } from './model/history.js';
export {
  csatSchema,
  fieldValueSchema,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  ticketLinkKindSchema,
  ticketLinkSchema,
  ticketPrioritySchema,
  ticketSchema,
  ticketSourceSchema,
  ticketStatusSchema,
} from './model/ticket.js';
export type { Actor } from './model/actor.js';
export type { TicketAttachment, TicketComment } from './model/comment.js';
export type { SlaMetric } from './model/events.js';
export type { HistoryComment, HistoryEntry, PropertyChange } from './model/history.js';
export type {
  AfterWriteHook,
  GuardDecision,
  GuardRequest,
  TicketGuard,
  TicketOperation,
  WriteContext,
  WriteResult,
} from './model/ports.js';
export type {
  Csat,
  FieldValue,
  Ticket,
  TicketLink,
  TicketLinkKind,
  TicketPriority,
  TicketProperty,
  TicketSource,
  TicketStatus,
} from './model/ticket.js';

// --- Lifecycle: statuses, transitions, custom statuses ---
export {
  acceptsComments,
  assertTicketTransition,
  canTransitionTicket,
  FINAL_TICKET_STATUSES,
  onRequesterReply,
  OPEN_TICKET_STATUSES,
  TICKET_TRANSITIONS,
  transitionRefusal,
} from './lifecycle/transitions.js';
export { createCustomStatusCatalog, customStatusSchema } from './lifecycle/custom-statuses.js';
export type { TransitionContext, TransitionRefusal } from './lifecycle/transitions.js';
export type { CustomStatus, CustomStatusCatalog, CustomStatusInput } from './lifecycle/custom-statuses.js';

// --- Fields and forms ---
export {
  fieldDefinitionSchema,
  fieldKeySchema,
  MAX_FIELD_OPTIONS,
  ticketFormSchema,
} from './fields/field-definition.js';
export { createFieldCatalog, MAX_FIELD_DEFINITIONS } from './fields/field-catalog.js';
export { checkFieldValue, isCalendarDate, isMissing } from './fields/field-values.js';
export type { FieldDefinition, FieldDefinitionInput, FieldType, TicketForm } from './fields/field-definition.js';
export type { FieldCatalog } from './fields/field-catalog.js';
export type { FieldCheck } from './fields/field-values.js';

// --- Store: the ticket store port and the in-memory adapter ---
export { createMemoryTicketStore } from './store/memory-ticket-store.js';
export type { HistoryOptions, TicketListFilter, TicketStore, TicketWrite } from './store/ticket-store.js';

// --- Service: the only writer of tickets ---
export { createTicketService } from './service/ticket-service.js';
export { DEFAULT_AUTO_CLOSE_MS, DEFAULT_MAX_DEPTH } from './service/options.js';
export {
  assignInputSchema,
  bulkUpdateInputSchema,
  commentInputSchema,
  createTicketInputSchema,
  csatInputSchema,
  followUpInputSchema,
  historyMetaSchema,
  linkInputKindSchema,
  MAX_META_BYTES,
  MAX_META_KEYS,
  mergeInputSchema,
  recordSlaInputSchema,
  slaChangesSchema,
  splitInputSchema,
  ticketChangesSchema,
  updateCommentSchema,
  updateTicketInputSchema,
} from './service/inputs.js';
export { INVERSE_LINK } from './service/relations-op.js';
export { diffTickets, readProperty, sameValue } from './service/ticket-diff.js';
export { AUTO_CLOSE_TIMER, autoCloseTimerId } from './service/auto-close.js';
export { WriteDepthExceededError } from './service/errors.js';
export { createRoutingEngineTicketRouter } from './service/ticket-router.js';
export type { CommentListOptions, ReadContext, TicketService } from './service/ticket-service.js';
export type {
  PerTenant,
  TicketHotline,
  TicketServiceErrorKind,
  TicketServiceErrorReport,
  TicketServiceOptions,
} from './service/options.js';
export type {
  AssignInput,
  BulkUpdateInput,
  CommentInput,
  CreateTicketInput,
  CsatInput,
  FollowUpInput,
  LinkInputKind,
  MergeInput,
  RecordSlaInput,
  SplitInput,
  TicketChanges,
  UpdateCommentInput,
  UpdateTicketInput,
} from './service/inputs.js';
export type { CommentResult } from './service/comment-op.js';
export type { BulkUpdateResult } from './service/bulk-op.js';
export type { DerivedTicketResult, LinkResult, MergeResult } from './service/relations-op.js';
export type { ConcurrentChange } from './service/concurrency.js';
export type {
  RoutingEngineLike,
  RoutingEngineTicketRouterOptions,
  TicketRouter,
  TicketRoutingAssignment,
  TicketTaskInput,
} from './service/ticket-router.js';

// --- Conditions: the one condition language of rules, SLA policies and approval rules ---
export {
  conditionValueSchema,
  MAX_CONDITIONS,
  RULE_CONDITION_OPERATORS,
  ruleConditionSchema,
  ruleConditionSetSchema,
} from './conditions/rule-condition-schema.js';
export { compileRuleConditions } from './conditions/compile-rule-conditions.js';
export { compileTicketConditions, ticketConditionSetSchema } from './conditions/ticket-conditions.js';
export { ConditionScope } from './conditions/scope.js';
export { foldCase, splitPhrases } from './conditions/text-match.js';
export { buildTicketTimeline } from './conditions/timeline.js';
export type {
  ConditionValue,
  RuleCondition,
  RuleConditionOperator,
  RuleConditionSet,
} from './conditions/rule-condition-schema.js';
export type {
  CompiledRuleCondition,
  CompiledRuleConditions,
  CompileRuleConditionsOptions,
  ConditionContext,
  ConditionGuard,
  ConditionUsage,
} from './conditions/compile-rule-conditions.js';
export type { FieldKind } from './conditions/condition-fields.js';
export type { TicketConditionSet } from './conditions/ticket-conditions.js';
export type { ConditionInput, ConditionTicket, ConditionUpdate, ConditionUpdateType } from './conditions/scope.js';
export type { TicketTimeline } from './conditions/timeline.js';
export type { FoldedText } from './conditions/text-match.js';

// --- Rules: triggers, automations, macros, classification ---
export { createRulesEngine } from './rules/rules-engine.js';
export { createRuleRegistry } from './rules/registry.js';
export {
  automationSchema,
  classificationRuleSchema,
  macroSchema,
  MAX_TEMPLATE_LENGTH,
  notifyTargetSchema,
  ruleActionSchema,
  ruleRateLimitSchema,
  ruleStatusSchema,
  triggerSchema,
} from './rules/rule-schema.js';
export { compileAutomation, compileClassifier, compileMacro, compileTrigger } from './rules/definitions.js';
export { createServiceRuleAdapter } from './rules/service-adapter.js';
export { isLoopWrite } from './rules/trigger-cycle.js';
export { createAutomationScheduler } from './rules/scheduler.js';
export { classifyTicket } from './rules/classification.js';
export { applyRuleChanges } from './rules/changes.js';
export { compileTemplate, MAX_PLACEHOLDERS, TEMPLATE_PLACEHOLDERS } from './rules/template.js';
export { createMemoryFireLedger } from './rules/fire-ledger.js';
export type { RulesEngine, RulesEngineOptions } from './rules/rules-engine.js';
export type { CompiledRuleBase, RuleCollection, RuleRegistry, RuleRegistryOptions } from './rules/registry.js';
export type {
  Automation,
  AutomationInput,
  ClassificationRule,
  ClassificationRuleInput,
  Macro,
  MacroInput,
  NotifyTarget,
  PayloadTemplate,
  RuleAction,
  RuleActionType,
  RuleRateLimit,
  Trigger,
  TriggerInput,
} from './rules/rule-schema.js';
export type {
  CompiledAutomation,
  CompiledClassifier,
  CompiledMacro,
  CompiledTrigger,
  CompileRuleOptions,
} from './rules/definitions.js';
export type {
  AutomationCandidate,
  ResolvedTarget,
  RuleChanges,
  RuleComment,
  RuleEffects,
  RuleNotification,
  RuleReader,
  RuleWebhook,
} from './rules/ports.js';
export type { ServiceRuleAdapterOptions } from './rules/service-adapter.js';
export type { RuleEvent, RuleLimits, RuleRef } from './rules/runtime.js';
export type { TriggerCycleReport } from './rules/trigger-cycle.js';
export type { AutomationRunReport } from './rules/automations.js';
export type { AutomationScheduler, AutomationSchedulerOptions } from './rules/scheduler.js';
export type { ApplyMacroOptions, MacroApplication } from './rules/macros.js';
export type { ClassificationMatch, ClassificationResult } from './rules/classification.js';
export type {
  CompiledTemplate,
  CompileTemplateOptions,
  RenderOptions,
  TemplateEnv,
  TemplateName,
} from './rules/template.js';
export type { FireLedger } from './rules/fire-ledger.js';
export type {
  ActionOwner,
  ActionPlan,
  CompiledActions,
  PlanEnv,
  PlannedComment,
  PlannedNotification,
  PlannedWebhook,
} from './rules/actions.js';

// --- SLA: policies, replay on business calendars, the monitor ---
export {
  compileSlaPolicies,
  MAX_SLA_TARGET_MINUTES,
  parseSlaPolicy,
  SLA_METRICS,
  slaActionSchema,
  slaEscalationSchema,
  slaNotifyTargetSchema,
  slaPauseStatusSchema,
  slaPolicySchema,
  slaTargetsSchema,
} from './sla/policy.js';
export { ALWAYS_OPEN, computeSla, countingCalendar, resolveCalendar, selectPolicy } from './sla/compute.js';
export { pendingAlarms } from './sla/alarms.js';
export { planEscalation } from './sla/escalation.js';
export { SLA_TIMER_KIND, SlaMonitor, slaReportOf, slaTimerId } from './sla/monitor.js';
export { createServiceSlaPort, createStoreSlaSource } from './sla/service-port.js';
export { SlaDueIndex } from './sla/due-index.js';
export type {
  CompiledSlaPolicy,
  SlaAction,
  SlaEscalation,
  SlaNotifyTarget,
  SlaPolicy,
  SlaPolicyInput,
  SlaPolicySet,
  SlaTargets,
} from './sla/policy.js';
export type {
  SlaCalendars,
  SlaEntryMeta,
  SlaMetricState,
  SlaMetricStatus,
  SlaPauseReason,
  SlaReport,
} from './sla/compute.js';
export type { SlaAlarm } from './sla/alarms.js';
export type {
  SlaEscalationPlan,
  SlaEscalationPort,
  SlaNotification,
  SlaTicketChanges,
  SlaWrite,
} from './sla/escalation.js';
export type { SlaConfig, SlaMonitorOptions, SlaMonitorStage, SlaSubject, SlaTicketSource } from './sla/monitor.js';
export type { ServiceSlaPortOptions, StoreSlaSourceOptions } from './sla/service-port.js';
export type { SlaDueEntry, SlaDueView } from './sla/due-index.js';

// --- Access: RBAC, field permissions, masking, approvals ---
export { createTicketGuard } from './access/ticket-guard.js';
export { TICKET_OPERATIONS, ticketOperationSchema } from './access/guard-request.js';
export { sensitiveFieldsOf } from './access/sensitive-fields.js';
export { DEFAULT_APPROVAL_RULES } from './access/approval-rules.js';
export { createMemoryApprovalStore } from './access/approval-store.js';
export type {
  GrantFieldAccessInput,
  TicketApprovalOptions,
  TicketGuardOptions,
  TicketGuardService,
} from './access/ticket-guard.js';
export type { FieldMode, FieldPermissions, FieldRules } from './access/field-rules.js';
export type { SensitiveFields, SensitiveKind } from './access/sensitive-fields.js';
export type { ApprovalRule } from './access/approval-rules.js';
export type {
  Approval,
  ApprovalDecision,
  ApprovalListFilter,
  ApprovalStatus,
  ApprovalStore,
  ApprovedChange,
} from './access/approval-store.js';
export type { ApprovalProblem, RequestApprovalInput } from './access/approvals.js';

// --- Webhooks: signed deliveries from the outbox ---
export { createWebhookPublisher, MAX_WEBHOOK_DATA_BYTES, webhookDeliveryKey } from './webhooks/publisher.js';
export { createWebhookRelay } from './webhooks/relay.js';
export {
  MIN_WEBHOOK_SECRET_BYTES,
  parseWebhookSubscription,
  webhookEventPatternSchema,
  webhookSecretSchema,
  webhookSubscriptionSchema,
  webhookUrlSchema,
} from './webhooks/subscription.js';
export { createMemoryWebhookSubscriptionStore } from './webhooks/subscription-store.js';
export {
  DEFAULT_SIGNATURE_TOLERANCE_SEC,
  SIGNATURE_HEADER,
  signWebhookPayload,
  verifyWebhookSignature,
} from './webhooks/signature.js';
export { WEBHOOK_TOPIC, webhookDeliveryPayloadSchema } from './webhooks/delivery-payload.js';
export { MAX_WEBHOOK_RESPONSE_BYTES, WEBHOOK_USER_AGENT } from './webhooks/send-delivery.js';
export { DEFAULT_DELIVERY_BACKOFF, jitteredBackoffMs } from './webhooks/backoff.js';
export { DEFAULT_WEBHOOK_CIRCUIT_BREAKER } from './webhooks/circuit-breaker.js';
export type { WebhookEnqueueOptions, WebhookPublisher, WebhookPublisherOptions } from './webhooks/publisher.js';
export type { WebhookDelivery, WebhookRelay, WebhookRelayOptions, WebhookRelayRunReport } from './webhooks/relay.js';
export type { WebhookSubscription, WebhookSubscriptionInput } from './webhooks/subscription.js';
export type {
  MemoryWebhookSubscriptionStore,
  WebhookSubscriptionSource,
  WebhookSubscriptionStore,
} from './webhooks/subscription-store.js';
export type {
  VerifyWebhookSignatureInput,
  WebhookSignatureCheck,
  WebhookSignatureFailure,
} from './webhooks/signature.js';
export type { WebhookBody, WebhookDeliveryPayload } from './webhooks/delivery-payload.js';
export type { FetchLike } from './webhooks/http-request.js';
export type { DeliveryBackoffOptions } from './webhooks/backoff.js';
export type { WebhookCircuitBreakerOptions, WebhookCircuitState } from './webhooks/circuit-breaker.js';

// --- CRM sync: a declarative mapping with a conflict rule ---
export { createCrmSync } from './crm/crm-sync.js';
export {
  crmConflictRuleSchema,
  crmDirectionSchema,
  crmFieldMappingSchema,
  crmMappingSchema,
  parseCrmMapping,
} from './crm/mapping.js';
export { crmChangesSchema, crmRecordSchema } from './crm/crm-client.js';
export { createHttpCrmClient } from './crm/http-crm-client.js';
export { crmChangesToContactPatch, crmChangesToTicketChanges } from './crm/hotline-port.js';
export { createMemoryCrmSyncStateStore } from './crm/sync-state.js';
export type {
  CrmFieldOutcome,
  CrmPullResult,
  CrmPushResult,
  CrmPushRunReport,
  CrmSync,
  CrmSyncOptions,
} from './crm/crm-sync.js';
export type { CrmConflictRule, CrmDirection, CrmFieldMapping, CrmMapping, CrmMappingInput } from './crm/mapping.js';
export type { CrmChanges, CrmClient, CrmRecord, CrmUpsert } from './crm/crm-client.js';
export type { HttpCrmClientOptions } from './crm/http-crm-client.js';
export type { CrmHotlineChanges, CrmHotlinePort } from './crm/hotline-port.js';
export type { CrmLinkState, CrmSyncStateStore } from './crm/sync-state.js';
