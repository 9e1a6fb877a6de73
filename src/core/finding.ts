// A finding is one rule's verdict on one container, with the action the configuration gives it.

import type { ContainerList } from '../workload/walker.js';
import type { RuleId } from './catalog.js';
import type { JsonPatchOp } from './patch.js';

export type FindingAction = 'deny' | 'warn' | 'patch';

export interface Finding {
  readonly rule: RuleId;
  /** `patch` only where a patch exists; a deny whose facts were uncertain is reported as `warn`. */
  readonly action: FindingAction;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly container: string;
  readonly containerList: ContainerList;
  readonly pointer: string;
  readonly image: string;
  /** `[rule] container "x" image "y": ...`, under 256 characters. */
  readonly message: string;
  /** False when facts were unknown: the finding could not be confirmed. */
  readonly certain: boolean;
  readonly patch?: readonly JsonPatchOp[];
}

export const MAX_MESSAGE_LENGTH = 255;

/** Keeps a message under the AdmissionReview warning limit, cutting the middle of long images. */
export function formatMessage(rule: RuleId, container: string, image: string, detail: string): string {
  const shownImage = image.length > 80 ? `${image.slice(0, 60)}...${image.slice(-17)}` : image;
  const shownContainer = container.length > 40 ? `${container.slice(0, 37)}...` : container;
  const message = `[${rule}] container ${quote(shownContainer)} image ${quote(shownImage)}: ${detail}`;
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : message;
}

const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Quotes like JSON, so control characters and quotes from user input cannot forge a message. */
export function quote(text: string): string {
  // Printable ASCII without quote or backslash reads the same quoted: the common case, made cheap.
  if (PLAIN.test(text)) return `"${text}"`;
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
