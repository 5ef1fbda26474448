import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '@hotline/channels';
import { HotlineError, NotFoundError } from '@hotline/core';
import { readJsonBody } from '../http/body.js';
import type { ApiOutcome } from '../http/handle-api.js';
import { sendError } from '../http/respond.js';
import type { VoiceBridge } from './voice-bridge.js';
import { VOICE_SECRET_HEADER, type VoiceTrunk } from './voice-options.js';

/** Paths of the voice routing bridge. */
export const VOICE_PREFIX = '/voice/v1/';
const BODY_LIMIT = 16_384;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The trunk whose secret the request carries; compared in constant time. */
function trunkOf(req: IncomingMessage, trunks: readonly VoiceTrunk[]): VoiceTrunk {
  const given = req.headers[VOICE_SECRET_HEADER];
  if (typeof given === 'string' && given.length > 0) {
    const hash = digest(given);
    const trunk = trunks.find((candidate) => timingSafeEqual(digest(candidate.secret), hash));
    if (trunk) return trunk;
  }
  throw new HotlineError('UNAUTHENTICATED', `a trunk secret is required in ${VOICE_SECRET_HEADER}`);
}

/**
 * Serves `POST /voice/v1/route` and `POST /voice/v1/events` for a SIP server. Answers are
 * flat JSON objects so a Kamailio config can read them with `jansson_get`.
 */
export async function handleVoiceRequest(
  bridge: VoiceBridge,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<ApiOutcome> {
  let tenantId: string | undefined;
  let route = 'unmatched';
  try {
    const verb = path.slice(VOICE_PREFIX.length);
    if (req.method !== 'POST' || (verb !== 'route' && verb !== 'events')) throw new NotFoundError('route', path);
    route = path;
    const trunk = trunkOf(req, bridge.trunkList);
    tenantId = trunk.tenantId;
    const body = await readJsonBody(req, BODY_LIMIT);
    const answer = verb === 'route' ? await bridge.route(trunk, body) : await bridge.event(trunk, body);
    sendJson(res, 200, answer);
    return { route, status: 200, tenantId };
  } catch (error) {
    const status = sendError(res, error);
    return { route, status, ...(tenantId ? { tenantId } : {}), ...(status >= 500 ? { error } : {}) };
  }
}
