import * as v from 'valibot';
import { LIMITS } from './limits.js';
import { maxBytes, UrlSchema } from './fields.js';
import type { Message } from './message.js';
import { ChangeElemSchema, RecalledElemSchema, type ChangeElem, type RecalledElem } from './changes.js';
import { LinkPreviewSchema } from './link-preview.js';

export { LinkPreviewSchema } from './link-preview.js';

const Dimension = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000));
const Seconds = v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 3600));
const Mime = v.pipe(v.string(), v.regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i, 'invalid mime type'), v.maxLength(128));
const size = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max, 'FILE_TOO_LARGE'));
const Short = maxBytes(LIMITS.shortTextBytes);

export const TextElemSchema = v.object({
  type: v.literal('text'),
  text: v.pipe(maxBytes(LIMITS.textBytes), v.minLength(1)),
  preview: v.optional(LinkPreviewSchema),
});

export const FaceElemSchema = v.object({
  type: v.literal('face'),
  /** Index into a developer-defined sticker/emoji set. */
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The emoji itself, or a sticker key the host page understands. */
  data: Short,
});

export const LocationElemSchema = v.object({
  type: v.literal('location'),
  description: Short,
  latitude: v.pipe(v.number(), v.minValue(-90), v.maxValue(90)),
  longitude: v.pipe(v.number(), v.minValue(-180), v.maxValue(180)),
});

const ThumbSchema = v.object({ url: UrlSchema, width: Dimension, height: Dimension });

export const ImageElemSchema = v.object({
  type: v.literal('image'),
  url: UrlSchema,
  width: Dimension,
  height: Dimension,
  size: size(LIMITS.imageBytes),
  mime: Mime,
  thumbnail: v.optional(ThumbSchema),
});

export const SoundElemSchema = v.object({
  type: v.literal('sound'),
  url: UrlSchema,
  size: size(LIMITS.soundBytes),
  duration: Seconds,
  mime: v.optional(Mime),
});

export const VideoElemSchema = v.object({
  type: v.literal('video'),
  url: UrlSchema,
  size: size(LIMITS.videoBytes),
  duration: Seconds,
  mime: Mime,
  snapshot: v.optional(ThumbSchema),
});

export const FileElemSchema = v.object({
  type: v.literal('file'),
  url: UrlSchema,
  name: v.pipe(Short, v.minLength(1)),
  size: size(LIMITS.fileBytes),
  mime: Mime,
});

export const CustomElemSchema = v.object({
  type: v.literal('custom'),
  /** Picks the renderer the host page registered (`client.registerRenderer(customType, …)`). */
  customType: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/))),
  data: maxBytes(LIMITS.customBytes),
  /** Shown where no renderer is registered, and in conversation previews. */
  description: v.optional(Short),
  extension: v.optional(Short),
});

/** Built-in notification kinds; `custom` carries host-defined `data`. */
export const SYSTEM_EVENTS = [
  'group-created',
  'member-joined',
  'member-left',
  'member-removed',
  'group-renamed',
  'group-avatar',
  'group-notice',
  'group-visibility',
  'member-promoted',
  'member-demoted',
  'owner-changed',
  'group-dismissed',
  'member-muted',
  'member-unmuted',
  'custom',
] as const;

export const SystemElemSchema = v.object({
  type: v.literal('system'),
  event: v.picklist(SYSTEM_EVENTS),
  /** Human text, already worded by whoever sent it. */
  text: v.pipe(Short, v.minLength(1)),
  /** Who did it (a user id); absent when the site's backend did. */
  operator: v.optional(v.pipe(v.string(), v.maxLength(128))),
  /** The operator's display name when it was sent. */
  operatorName: v.optional(Short),
  targets: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(128))), v.maxLength(LIMITS.frameArrayItems))),
  /** Display names of `targets` when it was sent, in the same order (for wording it in any language). */
  targetNames: v.optional(v.pipe(v.array(Short), v.maxLength(100))),
  /** Users the change is about beyond `targets`, left out to keep the notice small ("and 2,998 others"). */
  moreTargets: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** The group's name when it was sent (created, renamed). */
  groupName: v.optional(Short),
  /** The group's new avatar (`group-avatar`; absent there: removed). */
  groupAvatar: v.optional(UrlSchema),
  /** `custom`: the host's data; `group-visibility`: the new setting, `all` or `since-join`; `member-muted`: until when (ms since the epoch), absent until unmuted. */
  data: v.optional(maxBytes(LIMITS.customBytes)),
});

export const CallElemSchema = v.object({
  type: v.literal('call'),
  media: v.picklist(['audio', 'video']),
  action: v.picklist(['started', 'ended', 'missed', 'declined', 'cancelled']),
  duration: v.optional(Seconds),
});

/**
 * The merger elem embeds whole messages, and a message embeds an elem. Its schema is built for
 * one level of nesting from the message schema of the level below (message.ts builds the
 * levels, LIMITS.mergerDepth of them), so the schemas are finite: no data can make validation
 * recurse deeper than they go.
 */
export function mergerElemSchemaOf(message: v.GenericSchema<Message>) {
  return v.object({
    type: v.literal('merger'),
    title: v.pipe(Short, v.minLength(1)),
    abstractList: v.pipe(v.array(Short), v.maxLength(10)),
    messages: v.pipe(v.array(message), v.minLength(1), v.maxLength(LIMITS.mergerMessages)),
  });
}

/** Every elem schema but the merger's, which message.ts adds per nesting level. */
export const LEAF_ELEM_SCHEMAS = [
  TextElemSchema,
  FaceElemSchema,
  LocationElemSchema,
  ImageElemSchema,
  SoundElemSchema,
  VideoElemSchema,
  FileElemSchema,
  CustomElemSchema,
  SystemElemSchema,
  CallElemSchema,
  ChangeElemSchema,
  RecalledElemSchema,
] as const;

export type TextElem = v.InferOutput<typeof TextElemSchema>;
export type { LinkPreview } from './link-preview.js';
export type FaceElem = v.InferOutput<typeof FaceElemSchema>;
export type LocationElem = v.InferOutput<typeof LocationElemSchema>;
export type ImageElem = v.InferOutput<typeof ImageElemSchema>;
export type SoundElem = v.InferOutput<typeof SoundElemSchema>;
export type VideoElem = v.InferOutput<typeof VideoElemSchema>;
export type FileElem = v.InferOutput<typeof FileElemSchema>;
export type CustomElem = v.InferOutput<typeof CustomElemSchema>;
export type SystemElem = v.InferOutput<typeof SystemElemSchema>;
export type CallElem = v.InferOutput<typeof CallElemSchema>;
export interface MergerElem {
  type: 'merger';
  title: string;
  /** A few preview lines ("bob: hi"). */
  abstractList: string[];
  /** Snapshots of the forwarded messages, in their original order. */
  messages: Message[];
}

export type Elem =
  | TextElem
  | FaceElem
  | LocationElem
  | ImageElem
  | SoundElem
  | VideoElem
  | FileElem
  | CustomElem
  | SystemElem
  | CallElem
  | ChangeElem
  | RecalledElem
  | MergerElem;

export type ElemType = Elem['type'];

/**
 * Elems a client may send itself. System notifications come only from admins over REST; merged
 * forwards only from the server, which builds them from a `forward` source (a merger a client
 * wrote could quote anyone saying anything: MERGER_FORGED).
 */
export const USER_ELEM_TYPES: ReadonlySet<ElemType> = new Set([
  'text', 'face', 'location', 'image', 'sound', 'video', 'file', 'custom', 'call',
]);

/** Elems that can never be forwarded (SPEC §4). */
export const UNFORWARDABLE_ELEM_TYPES: ReadonlySet<ElemType> = new Set(['system', 'call', 'change', 'recalled']);

/**
 * Levels of merged forwards in an elem: 0 for anything but a merger, 1 for a merger of plain
 * messages, 2 when one of them is a merger, and so on. Iterative, for elems of any depth.
 */
export function mergerDepthOf(elem: Elem): number {
  let deepest = 0;
  const stack: [Elem, number][] = [[elem, 1]];
  while (stack.length > 0) {
    const [e, level] = stack.pop()!;
    if (e.type !== 'merger') continue;
    deepest = Math.max(deepest, level);
    for (const m of e.messages) stack.push([m.elem, level + 1]);
  }
  return deepest;
}

/** The one-line excerpt of an elem: `describeElem` on one line, at most LIMITS.replyExcerptChars code points. */
export function replyExcerpt(elem: Elem): string {
  const line = describeElem(elem).replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length > LIMITS.replyExcerptChars ? `${chars.slice(0, LIMITS.replyExcerptChars - 1).join('')}…` : line;
}

/** One line of plain text describing an elem, for previews, merger abstracts and notifications. */
export function describeElem(elem: Elem): string {
  switch (elem.type) {
    case 'text': return elem.text;
    case 'face': return elem.data || '[sticker]';
    case 'location': return `[location] ${elem.description}`;
    case 'image': return '[image]';
    case 'sound': return '[voice]';
    case 'video': return '[video]';
    case 'file': return `[file] ${elem.name}`;
    case 'custom': return elem.description ?? '[custom]';
    case 'system': return elem.text;
    case 'call': return `[${elem.media} call]`;
    case 'merger': return `[chat history] ${elem.title}`;
    case 'change': return '[change]';
    case 'recalled': return '[recalled]';
  }
}
