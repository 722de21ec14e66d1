/** The shape of a UI language: every string the element shows or announces. */
import type { ErrorCode } from '../../protocol/index.js';
import type { ConnectionState } from '../net/types.js';

export interface Strings {
  /** Accessible name of the focusable picture. */
  image(alt: string, readonly: boolean): string;
  /** A marker button's accessible name; `n` is the marker's number (none until the server confirms a new marker). */
  marker(n: number | undefined, author: string, firstComment: string, replies: number, resolved: boolean): string;
  /** Announced to screen readers when someone else adds a marker. */
  announceNew(n: number | undefined, author: string, text: string): string;
  placingHint: string;
  /** While moving a marker by keyboard. */
  movingHint: string;
  /** Shown when the picture has keyboard focus. */
  focusHint: string;
  /** The thread action that moves its marker by keyboard. */
  move: string;
  threadTitle(n: number): string;
  newThreadTitle: string;
  by(author: string): string;
  you: string;
  edited: string;
  resolved: string;
  commentPlaceholder: string;
  replyPlaceholder: string;
  commentLabel: string;
  submitNew: string;
  submitReply: string;
  save: string;
  cancel: string;
  edit: string;
  delete: string;
  resolve: string;
  reopen: string;
  deleteMarker: string;
  close: string;
  charactersLeft(n: number): string;
  status: Record<Exclude<ConnectionState, 'open'>, string>;
  /** The status while the markers shown are this browser's saved copy (read-only); `time` is when it was saved. */
  cached(time: string): string;
  errors: Record<ErrorCode, string>;
  /** A retry hint after an error, when what the user typed was kept. */
  keptText: string;
  /** The button that sends a failed change again. */
  retry: string;
}
