/** Styles of the thread panel: header, comments, composer, buttons and inline errors (see image-chat.styles.ts). */
import { css } from 'lit';

export const panelStyles = css`
  /* The panels' dark colours (the markers' are with the element's styles). Text pairs stay AA (4.5:1). */
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --image-chat-surface: #1f2937;
      --image-chat-text: #f3f4f6;
      --image-chat-muted: #9ca3af;
      --image-chat-border: #374151;
      --image-chat-danger: #f87171;
      color-scheme: dark;
    }
  }
  :host([theme='dark']) {
    --image-chat-surface: #1f2937;
    --image-chat-text: #f3f4f6;
    --image-chat-muted: #9ca3af;
    --image-chat-border: #374151;
    --image-chat-danger: #f87171;
    color-scheme: dark;
  }
  /* The new marker's pin, while its first comment is written. */
  .draft-pin {
    position: absolute;
    width: var(--image-chat-marker-size);
    height: var(--image-chat-marker-size);
    transform: translate(-50%, -50%);
    border-radius: 50%;
    border: 2px dashed var(--image-chat-accent);
    background: color-mix(in srgb, var(--image-chat-accent) 25%, transparent);
  }
  .panel {
    position: absolute;
    z-index: 10;
    width: min(var(--image-chat-thread-width), 100%);
    max-height: 480px;
    display: flex;
    flex-direction: column;
    background: var(--image-chat-surface);
    color: var(--image-chat-text);
    border: 1px solid var(--image-chat-border);
    border-radius: var(--image-chat-radius);
    box-shadow: 0 10px 30px rgb(15 23 42 / 0.18), 0 2px 6px rgb(15 23 42 / 0.08);
    overflow: hidden;
  }
  /* The picture around the pin: phones only, where the thread covers the page. */
  .picture {
    display: none;
  }
  @media (max-width: 767.98px) {
    .panel {
      position: fixed;
      inset: 0 !important;
      width: auto;
      max-height: none !important;
      border-radius: 0;
      border: none;
      z-index: 2147483000;
    }
    .picture {
      display: block;
      position: relative;
      flex: none;
      height: min(36vh, 280px);
      overflow: hidden;
      background: var(--image-chat-border);
      border-bottom: 1px solid var(--image-chat-border);
    }
    .picture img {
      position: absolute;
      max-width: none;
      user-select: none;
    }
    .pin {
      position: absolute;
      left: 50%;
      top: 50%;
      width: var(--image-chat-marker-size);
      height: var(--image-chat-marker-size);
      transform: translate(-50%, -50%);
      border-radius: 50%;
      border: 3px solid var(--image-chat-marker-border);
      background: var(--image-chat-accent);
      box-shadow: 0 0 0 1px rgb(0 0 0 / 0.25), 0 4px 10px rgb(0 0 0 / 0.3);
    }
    .pin.draft {
      border-style: dashed;
      background: color-mix(in srgb, var(--image-chat-accent) 40%, transparent);
    }
  }
  /* The title stays on one line ("Marker 12 Resolved", never "Marker / 12"); when it and the actions do not fit
     side by side, the actions move to a row of their own below it. Close stays in the top right corner. */
  .panel-header {
    position: relative;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 8px;
    padding: 10px 44px 10px 14px;
    border-bottom: 1px solid var(--image-chat-border);
  }
  .panel-title {
    flex: 1 0 auto;
    display: flex;
    align-items: center;
    gap: 8px;
    min-height: 30px;
    margin: 0;
    font-size: 14px;
    font-weight: 600;
    white-space: nowrap;
  }
  .panel-actions {
    display: flex;
    align-items: center;
    gap: 4px;
    margin-left: auto;
  }
  .panel-actions > :last-child {
    position: absolute;
    top: 10px;
    right: 10px;
  }
  .badge {
    display: inline-grid;
    place-items: center;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: var(--image-chat-accent);
    color: var(--image-chat-accent-contrast);
    font-size: 12px;
  }
  .badge.resolved { background: var(--image-chat-resolved); }
  .status-tag {
    font-size: 12px;
    font-weight: 500;
    color: var(--image-chat-muted);
  }
  .comments {
    list-style: none;
    margin: 0;
    padding: 4px 14px;
    overflow-y: auto;
    flex: 1 1 auto;
    min-height: 48px;
  }
  .comment {
    display: flex;
    gap: 10px;
    padding: 10px 0;
  }
  .comment + .comment { border-top: 1px solid var(--image-chat-border); }
  .avatar {
    flex: none;
    display: grid;
    place-items: center;
    width: 28px;
    height: 28px;
    border-radius: 50%;
    /* The background is the user's colour (inline, core/avatar.ts): every one is AA under white. */
    color: #fff;
    font-weight: 600;
    font-size: 11px;
    letter-spacing: 0.02em;
  }
  .comment-body { flex: 1; min-width: 0; }
  .comment-meta {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 6px;
    font-size: 12px;
    color: var(--image-chat-muted);
  }
  .author { font-weight: 600; color: var(--image-chat-text); font-size: 13px; }
  .you { font-weight: 400; color: var(--image-chat-muted); }
  .comment-text {
    margin: 2px 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .comment-actions { display: flex; gap: 10px; margin-top: 4px; }

  .composer {
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 10px 14px 12px;
    border-top: 1px solid var(--image-chat-border);
  }
  .comment .composer { padding: 6px 0 0; border-top: none; }
  textarea {
    width: 100%;
    min-height: 56px;
    max-height: 200px;
    resize: vertical;
    padding: 8px 10px;
    font: inherit;
    color: inherit;
    background: var(--image-chat-surface);
    border: 1px solid var(--image-chat-border);
    border-radius: 8px;
  }
  textarea:focus {
    outline: none;
    border-color: var(--image-chat-accent);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--image-chat-accent) 20%, transparent);
  }
  textarea[aria-invalid='true'] { border-color: var(--image-chat-danger); }
  .composer-actions { display: flex; align-items: center; gap: 8px; }
  .counter { flex: 1; font-size: 12px; color: var(--image-chat-muted); }
  .counter.over { color: var(--image-chat-danger); }

  .button,
  .icon-button,
  .link-button {
    font: inherit;
    cursor: pointer;
    border-radius: 8px;
  }
  .button {
    padding: 6px 12px;
    border: 1px solid var(--image-chat-border);
    background: var(--image-chat-surface);
    color: var(--image-chat-text);
    font-weight: 500;
  }
  .button.small { padding: 3px 10px; font-size: 13px; }
  .button.primary {
    background: var(--image-chat-accent);
    border-color: var(--image-chat-accent);
    color: var(--image-chat-accent-contrast);
  }
  .button.ghost { border-color: transparent; background: transparent; }
  .button:disabled { opacity: 0.5; cursor: not-allowed; }
  .button:hover:not(:disabled) { filter: brightness(0.96); }
  .icon-button {
    display: grid;
    place-items: center;
    width: 30px;
    height: 30px;
    padding: 0;
    border: none;
    background: transparent;
    color: var(--image-chat-muted);
  }
  .icon-button:hover { background: color-mix(in srgb, var(--image-chat-text) 7%, transparent); color: var(--image-chat-text); }
  .icon-button.danger:hover { color: var(--image-chat-danger); }
  .icon-button svg {
    width: 16px;
    height: 16px;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.6;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .link-button {
    padding: 0;
    border: none;
    background: none;
    color: var(--image-chat-muted);
    font-size: 12px;
  }
  .link-button:hover { color: var(--image-chat-accent); text-decoration: underline; }
  .link-button.danger:hover { color: var(--image-chat-danger); }
  :is(.button, .icon-button, .link-button):focus-visible {
    outline: 2px solid var(--image-chat-accent);
    outline-offset: 2px;
  }

  .error {
    margin: 0;
    padding: 6px 10px;
    border-radius: 6px;
    background: color-mix(in srgb, var(--image-chat-danger) 10%, var(--image-chat-surface));
    color: var(--image-chat-danger);
    font-size: 13px;
  }
  .thread-error { margin: 10px 14px 0; }
`;
