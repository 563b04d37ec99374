import type { ErrorBody, Message, ServerFrame } from '../../protocol/index.js';
import type { ChangedFacts } from './facts.js';
import type { ConversationKey } from './types.js';

/**
 * What nodes tell each other. Every node receives every event (its own too) and delivers it to
 * the sockets it holds. Events are plain JSON so a networked bus (Redis) can carry them as is.
 */
export type BusEvent =
  | {
      kind: 'message';
      key: ConversationKey;
      /** As the sender sees it; rewritten per recipient for p2p. */
      message: Message;
      /** Users whose devices get `message.new`. */
      recipients: string[];
      /** Connection that sent it: it got the ack and does not also get `message.new`. */
      origin?: string;
      /**
       * `message` serialised, when the publishing node has it (the stored body a commit
       * returned): its own fan-out sends that instead of serialising the message again. Local to
       * the node: a networked bus leaves it out.
       */
      json?: string;
    }
  | {
      kind: 'frame';
      /** Users whose devices get `frame`. */
      users: string[];
      frame: ServerFrame;
      /** Connection to skip (it got its own answer). */
      except?: string;
    }
  | {
      /** A broadcast frame for every session of every user (`broadcast.new` / `broadcast.removed`). */
      kind: 'broadcast';
      frame: Extract<ServerFrame, { type: 'broadcast.new' | 'broadcast.removed' }>;
      /** An offline broadcast's store seq: nodes record that their devices received it live. */
      seq?: number;
    }
  | {
      /**
       * `userId`'s presence may have changed (SPEC §13): nodes look again at the watches of them.
       * `hidden`: they changed their visibility. `peer`: they blocked or unblocked `peer`.
       */
      kind: 'presence';
      userId: string;
      hidden?: boolean;
      peer?: string;
    }
  | {
      /** Close every connection of the user (deleted). */
      kind: 'kick';
      userId: string;
      error: ErrorBody;
    }
  | {
      /** The stored word list changed: every node compiles it again. */
      kind: 'wordlist';
    }
  | {
      /** Facts a send checks changed (core/facts.ts): every node forgets what it holds of them. */
      kind: 'facts';
      changed: ChangedFacts;
    };

export type BusHandler = (event: BusEvent) => void;

/**
 * Fan-out between server nodes. Every adapter passes test/server/bus/bus-contract.ts:
 * a subscriber receives every event published after it subscribed, once, in publish order
 * per publisher.
 */
/**
 * What `Bus.publish` may answer when this node's subscribers had the event before it returned (the
 * in-process bus): a publisher that sees it goes on at once, with no reaction to wait for.
 */
export const PUBLISHED: Promise<void> = Promise.resolve();

export interface Bus {
  /** Resolves once the bus has the event; `PUBLISHED` when it was delivered here before returning. */
  publish(event: BusEvent): Promise<void>;
  /** Resolves once the subscription is live; the result unsubscribes. */
  subscribe(handler: BusHandler): Promise<() => Promise<void>>;
  /** Resolves when the bus can carry events; rejects if not (health checks). Absent: always up. */
  ping?(): Promise<void>;
  /**
   * Calls `listener` each time this node's subscription was interrupted and is live again:
   * events published meanwhile never arrived here. Returns the unsubscribe. Absent: the
   * bus never loses events (in-process).
   */
  onGap?(listener: () => void): () => void;
  /**
   * Calls `listener` each time this node's subscription is cut (before `onGap` reports it live
   * again): until then, events published by other nodes do not arrive. Returns the unsubscribe.
   */
  onCut?(listener: () => void): () => void;
  close(): Promise<void>;
}

export type BusFactory = () => Bus | Promise<Bus>;
