/**
 * Styles of the conversation tools, loaded with the panels: the delete question, the toolbar over the picture's
 * top-right corner with who is viewing (`part="presence"`) and the threads toggle, and the threads list
 * (`part="threads"`). Colours are the element's custom properties only, so themes reach them.
 */
import { css } from 'lit';

export const conversationStyles = css`
  .confirm {
    margin: 10px 14px 0;
    padding: 8px 10px;
    border: 1px solid var(--image-chat-danger);
    border-radius: 8px;
    background: color-mix(in srgb, var(--image-chat-danger) 6%, var(--image-chat-surface));
  }
  .comment .confirm { margin: 6px 0 0; }
  .confirm:focus-visible { outline: 2px solid var(--image-chat-accent); outline-offset: 2px; }
  .confirm-question { margin: 0 0 6px; font-size: 13px; font-weight: 500; }
  .confirm-actions { display: flex; gap: 6px; }
  .button.danger {
    background: var(--image-chat-danger);
    border-color: var(--image-chat-danger);
    color: var(--image-chat-accent-contrast);
  }

  .toolbar {
    position: absolute;
    top: 8px;
    right: 8px;
    z-index: 5;
    display: flex;
    align-items: center;
    gap: 8px;
    max-width: calc(100% - 16px);
  }
  .toolbar-button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 4px 10px;
    font: inherit;
    font-size: 13px;
    font-weight: 500;
    border: 1px solid var(--image-chat-border);
    border-radius: 999px;
    background: var(--image-chat-surface);
    color: var(--image-chat-text);
    cursor: pointer;
    box-shadow: 0 1px 3px rgb(15 23 42 / 0.12);
  }
  .toolbar-button[aria-expanded='true'] { border-color: var(--image-chat-accent); }
  .toolbar-button:focus-visible,
  .threads :is(button, select, input):focus-visible {
    outline: 2px solid var(--image-chat-accent);
    outline-offset: 2px;
  }
  .toolbar-button svg { width: 14px; height: 14px; fill: none; stroke: currentColor; stroke-width: 1.6; }

  .presence {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 2px 8px 2px 2px;
    border-radius: 999px;
    background: var(--image-chat-surface);
    color: var(--image-chat-text);
    border: 1px solid var(--image-chat-border);
    box-shadow: 0 1px 3px rgb(15 23 42 / 0.12);
    font-size: 12px;
  }
  .presence-avatars { display: flex; list-style: none; margin: 0; padding: 0; }
  /* Overlapping a little, not so much that two initials hide under the next avatar. */
  .presence-avatars li + li { margin-left: -4px; }
  .presence .avatar {
    width: 26px;
    height: 26px;
    font-size: 10px;
    border: 2px solid var(--image-chat-surface);
  }
  .presence .avatar.more {
    background: var(--image-chat-border);
    color: var(--image-chat-text);
  }

  .threads {
    position: absolute;
    top: 44px;
    right: 8px;
    z-index: 9;
    width: min(300px, calc(100% - 16px));
    max-height: max(200px, calc(100% - 52px));
    display: flex;
    flex-direction: column;
    background: var(--image-chat-surface);
    color: var(--image-chat-text);
    border: 1px solid var(--image-chat-border);
    border-radius: var(--image-chat-radius);
    box-shadow: 0 10px 30px rgb(15 23 42 / 0.18), 0 2px 6px rgb(15 23 42 / 0.08);
  }
  .threads-header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
    padding: 10px 12px;
    border-bottom: 1px solid var(--image-chat-border);
    font-size: 13px;
  }
  .threads-title { flex: 1; margin: 0; font-size: 14px; font-weight: 600; }
  .threads select {
    font: inherit;
    color: inherit;
    background: var(--image-chat-surface);
    border: 1px solid var(--image-chat-border);
    border-radius: 6px;
    padding: 2px 4px;
  }
  .threads-switch { display: flex; align-items: center; gap: 6px; width: 100%; color: var(--image-chat-muted); }
  .threads-list { list-style: none; margin: 0; padding: 4px; overflow-y: auto; }
  .thread-item {
    display: flex;
    gap: 8px;
    width: 100%;
    padding: 8px;
    border: none;
    border-radius: 8px;
    background: none;
    color: inherit;
    font: inherit;
    text-align: left;
    cursor: pointer;
  }
  .thread-item:hover,
  .thread-item[aria-current='true'] { background: color-mix(in srgb, var(--image-chat-accent) 10%, var(--image-chat-surface)); }
  .thread-item-body { flex: 1; min-width: 0; }
  .thread-item-text { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .thread-item-meta { display: block; font-size: 12px; color: var(--image-chat-muted); }
  .threads-empty { margin: 0; padding: 12px; color: var(--image-chat-muted); }
`;
