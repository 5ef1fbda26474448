import { idSchema, tenantIdSchema, timestampSchema } from '@hotline/core';
import { z } from 'zod';

/** Most bytes of one comment body. */
export const MAX_COMMENT_BYTES = 64 * 1024;

/** A file attached to a comment, stored through a blob store by the host or the gateway. */
export const ticketAttachmentSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(255),
  mimeType: z.string().min(3).max(127),
  size: z.int().min(0),
  /** Where the host serves or stores it (a blob-store key or a URL). */
  ref: z.string().min(1).max(2048),
});
/** A file attached to a comment. */
export type TicketAttachment = z.infer<typeof ticketAttachmentSchema>;

/** A comment on a ticket: public (the requester sees it) or internal (agents only). */
export const ticketCommentSchema = z.strictObject({
  id: idSchema,
  tenantId: tenantIdSchema,
  ticketId: idSchema,
  public: z.boolean(),
  author: z.enum(['requester', 'agent', 'system']),
  /** The contact id (requester) or agent id; absent for system comments. */
  authorId: idSchema.optional(),
  body: z.string().max(MAX_COMMENT_BYTES),
  attachments: z.array(ticketAttachmentSchema).max(50),
  /** Idempotency: a retried create with the same key returns the first comment. */
  clientCommentId: z.string().min(1).max(128).optional(),
  /** The conversation message it mirrors, when the comment came from a conversation. */
  messageId: idSchema.optional(),
  createdAt: timestampSchema,
});
/** A comment on a ticket. */
export type TicketComment = z.infer<typeof ticketCommentSchema>;
