import type { ReadHorizon } from '@hotline/core';
import type { Connection } from './connection.js';

/** The connections listening to one conversation, and what the gateway knows about it. */
export class ConversationEntry {
  readonly connections: Connection[] = [];
  /** Supervisors' connections watching read-only: they receive its pushes but may not act on it. */
  readonly watchers: Connection[] = [];
  /** Read horizons as last pushed: they only move forward, so an older event is a duplicate. */
  read: ReadHorizon = { contact: 0, agent: 0 };
  /**
   * Appends in flight from this process, by `clientMessageId`: the local fast path is
   * racing the bus, and a bus copy that wins must still spare the sender.
   */
  appending: { clientMessageId: string; connection: Connection }[] = [];
  /** Its key in the index (and for held pushes). */
  readonly key: string;

  constructor(
    readonly tenantId: string,
    readonly conversationId: string,
  ) {
    this.key = indexKey(tenantId, conversationId);
  }
}

/** Index key of a record of a tenant (ids cannot contain a space). */
export function indexKey(tenantId: string, id: string): string {
  return `${tenantId} ${id}`;
}

/**
 * Who listens to what: conversation → connections (fan-out and the fast authorisation
 * check) and watching supervisors, contact / agent → connections (new conversations,
 * offers), and tenant → monitoring supervisors.
 */
export class ConnectionIndex {
  private readonly byConversation = new Map<string, ConversationEntry>();
  private readonly byContact = new Map<string, Connection[]>();
  private readonly byAgent = new Map<string, Connection[]>();
  /** Per tenant: supervisors' connections receiving `stats`. */
  private readonly monitors = new Map<string, Set<Connection>>();

  /** The entry of a conversation, if anyone here listens to it. */
  conversation(tenantId: string, conversationId: string): ConversationEntry | undefined {
    return this.byConversation.get(indexKey(tenantId, conversationId));
  }

  /**
   * The entry of a conversation the connection listens to (it was authorised for it), found
   * among the connection's own few: no key to build, no map to probe.
   */
  attachedEntry(connection: Connection, conversationId: string): ConversationEntry | undefined {
    for (const entry of connection.conversations) if (entry.conversationId === conversationId) return entry;
    return undefined;
  }

  /** Makes a connection listen to a conversation; returns its entry. */
  attach(connection: Connection, conversationId: string, read?: ReadHorizon): ConversationEntry {
    // A connection that closed while a handler awaited is gone from the index for good: keep it out.
    if (connection.closing) {
      return (
        this.conversation(connection.tenantId, conversationId) ??
        new ConversationEntry(connection.tenantId, conversationId)
      );
    }
    const entry = this.entryOf(connection.tenantId, conversationId, read);
    if (!entry.connections.includes(connection)) {
      entry.connections.push(connection);
      connection.conversations.push(entry);
      // A watcher who now holds the conversation receives its pushes once, as the holder.
      if (removeItem(entry.watchers, connection)) removeItem(connection.watching, entry);
    }
    return entry;
  }

  /** The entry of a conversation the connection watches. */
  watchedEntry(connection: Connection, conversationId: string): ConversationEntry | undefined {
    for (const entry of connection.watching) if (entry.conversationId === conversationId) return entry;
    return undefined;
  }

  /** Makes a connection watch a conversation read-only (nothing changes when it listens to it already). */
  watch(connection: Connection, conversationId: string, read?: ReadHorizon): ConversationEntry {
    const held = this.attachedEntry(connection, conversationId);
    if (held || connection.closing) return held ?? new ConversationEntry(connection.tenantId, conversationId);
    const entry = this.entryOf(connection.tenantId, conversationId, read);
    if (!entry.watchers.includes(connection)) {
      entry.watchers.push(connection);
      connection.watching.push(entry);
    }
    return entry;
  }

  /** Stops a connection watching a conversation. */
  unwatch(connection: Connection, conversationId: string): void {
    const entry = this.watchedEntry(connection, conversationId);
    if (!entry) return;
    removeItem(entry.watchers, connection);
    removeItem(connection.watching, entry);
    this.forgetIfUnused(entry);
  }

  /** Starts (`true`) or stops a connection receiving its tenant's `stats`. */
  monitor(connection: Connection, on: boolean): void {
    const set = this.monitors.get(connection.tenantId);
    if (on && !connection.closing) {
      if (set) set.add(connection);
      else this.monitors.set(connection.tenantId, new Set([connection]));
    } else if (set?.delete(connection) && set.size === 0) {
      this.monitors.delete(connection.tenantId);
    }
  }

  /** The connections receiving a tenant's `stats`. */
  monitorsOf(tenantId: string): readonly Connection[] {
    const set = this.monitors.get(tenantId);
    return set ? [...set] : [];
  }

  /** Stops a connection listening to a conversation. */
  detach(connection: Connection, conversationId: string): void {
    const entry = this.attachedEntry(connection, conversationId);
    if (entry) this.detachEntry(connection, entry);
  }

  /** Registers a connection under its contact or agent. */
  register(connection: Connection): number {
    if (connection.closing) return 0;
    const map = connection.role === 'agent' ? this.byAgent : this.byContact;
    const key = indexKey(connection.tenantId, connection.principalId);
    const list = map.get(key);
    if (list) list.push(connection);
    else map.set(key, [connection]);
    return list ? list.length : 1;
  }

  /** Connections of a contact. */
  contactConnections(tenantId: string, contactId: string): readonly Connection[] {
    return this.byContact.get(indexKey(tenantId, contactId)) ?? [];
  }

  /** Connections of an agent. */
  agentConnections(tenantId: string, agentId: string): readonly Connection[] {
    return this.byAgent.get(indexKey(tenantId, agentId)) ?? [];
  }

  /** Forgets a closed connection everywhere; returns how many connections its principal still has here. */
  remove(connection: Connection): number {
    for (const entry of [...connection.conversations]) this.detachEntry(connection, entry);
    for (const entry of [...connection.watching]) this.unwatch(connection, entry.conversationId);
    this.monitor(connection, false);
    if (!connection.authenticated) return 0;
    const map = connection.role === 'agent' ? this.byAgent : this.byContact;
    const key = indexKey(connection.tenantId, connection.principalId);
    const list = map.get(key);
    if (!list) return 0;
    removeItem(list, connection);
    if (list.length === 0) map.delete(key);
    return list.length;
  }

  /** Marks a local append in flight on a conversation (see {@link ConversationEntry.appending}). */
  beginAppend(entry: ConversationEntry, clientMessageId: string, connection: Connection): void {
    entry.appending.push({ clientMessageId, connection });
  }

  /** Ends a local append; forgets the entry if its last listener left meanwhile. */
  endAppend(entry: ConversationEntry, clientMessageId: string, connection: Connection): void {
    const at = entry.appending.findIndex((a) => a.clientMessageId === clientMessageId && a.connection === connection);
    if (at >= 0) entry.appending.splice(at, 1);
    if (entry.appending.length === 0 && entry.connections.length === 0) this.forgetIfUnused(entry);
  }

  get conversationCount(): number {
    return this.byConversation.size;
  }

  /** The entry of a conversation, made when nobody listened to it yet; its read horizons moved up to `read`. */
  private entryOf(tenantId: string, conversationId: string, read: ReadHorizon | undefined): ConversationEntry {
    let entry = this.byConversation.get(indexKey(tenantId, conversationId));
    if (!entry) {
      entry = new ConversationEntry(tenantId, conversationId);
      this.byConversation.set(entry.key, entry);
    }
    if (read) entry.read = maxHorizon(entry.read, read);
    return entry;
  }

  private detachEntry(connection: Connection, entry: ConversationEntry): void {
    removeItem(connection.conversations, entry);
    removeItem(entry.connections, connection);
    this.forgetIfUnused(entry);
  }

  private forgetIfUnused(entry: ConversationEntry): void {
    if (entry.connections.length > 0 || entry.watchers.length > 0 || entry.appending.length > 0) return;
    if (this.byConversation.get(entry.key) === entry) this.byConversation.delete(entry.key);
  }
}

/** The later of two read horizons, side by side. */
export function maxHorizon(a: ReadHorizon, b: ReadHorizon): ReadHorizon {
  return { contact: Math.max(a.contact, b.contact), agent: Math.max(a.agent, b.agent) };
}

/** Removes an item from a list; returns whether it was there. */
function removeItem<T>(list: T[], item: T): boolean {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  return at >= 0;
}
