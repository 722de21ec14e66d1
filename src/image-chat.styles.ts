/**
 * Styles of `<image-chat>`: themable through the custom properties on `:host` and the `::part()`s. The thread panel's
 * own rules live in `components/panel.styles.ts` (loaded with the panels); the order of the array is the cascade order.
 */
import { css } from 'lit';

/** The host, the picture and its markers, the keyboard crosshair. */
const stageStyles = css`
  :host {
    --image-chat-accent: #4f46e5;
    --image-chat-accent-contrast: #fff;
    --image-chat-marker-size: 28px;
    --image-chat-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --image-chat-surface: #fff;
    --image-chat-text: #1f2937;
    --image-chat-muted: #6b7280;
    --image-chat-border: #e5e7eb;
    --image-chat-danger: #b91c1c;
    --image-chat-resolved: #6b7280;
    --image-chat-marker-border: #fff;
    --image-chat-overlay: rgb(17 24 39 / 0.85);
    --image-chat-overlay-text: #fff;
    --image-chat-warning: #f59e0b;
    --image-chat-radius: 12px;
    --image-chat-thread-width: 320px;

    color-scheme: light;
    display: block;
    position: relative;
    font-family: var(--image-chat-font);
    font-size: 14px;
    line-height: 1.45;
    color: var(--image-chat-text);
    -webkit-tap-highlight-color: transparent;
  }
  :host([hidden]) {
    display: none;
  }
  /* Dark: theme="dark", or theme="auto" (the default) under a dark system theme; the panels' colours come with them. */
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --image-chat-accent: #818cf8;
      --image-chat-accent-contrast: #111827;
      --image-chat-resolved: #9ca3af;
    }
  }
  :host([theme='dark']) {
    --image-chat-accent: #818cf8;
    --image-chat-accent-contrast: #111827;
    --image-chat-resolved: #9ca3af;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .stage {
    position: relative;
  }
  .surface {
    position: relative;
    outline: none;
    cursor: crosshair;
  }
  :host([readonly]) .surface {
    cursor: default;
  }
  .surface:focus-visible {
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--image-chat-accent) 45%, transparent);
  }
  .surface > img,
  ::slotted(img) {
    display: block;
    max-width: 100%;
    user-select: none;
    -webkit-user-drag: none;
  }
  .surface > img {
    width: 100%;
    height: auto;
  }

  .markers {
    position: absolute;
    inset: 0;
    pointer-events: none;
  }
  .marker,
  .crosshair {
    position: absolute;
    width: var(--image-chat-marker-size);
    height: var(--image-chat-marker-size);
    transform: translate(-50%, -50%);
  }
  .marker {
    pointer-events: auto;
    display: grid;
    place-items: center;
    padding: 0;
    border: 2px solid var(--image-chat-marker-border);
    border-radius: 50%;
    background: var(--image-chat-accent);
    color: var(--image-chat-accent-contrast);
    font: 600 calc(var(--image-chat-marker-size) * 0.43) / 1 var(--image-chat-font);
    box-shadow: 0 1px 2px rgb(0 0 0 / 0.2), 0 4px 10px rgb(0 0 0 / 0.18);
    cursor: pointer;
    transition: transform 120ms ease, box-shadow 120ms ease, opacity 120ms ease;
    touch-action: none;
  }
  .marker.open,
  .marker.dragging {
    z-index: 2;
  }
  .marker:hover,
  .marker.open {
    transform: translate(-50%, -50%) scale(1.12);
    box-shadow: 0 2px 4px rgb(0 0 0 / 0.2), 0 8px 18px rgb(0 0 0 / 0.22);
  }
  .marker:focus-visible {
    outline: 3px solid color-mix(in srgb, var(--image-chat-accent) 55%, var(--image-chat-marker-border));
    outline-offset: 2px;
  }
  .marker.draggable {
    cursor: grab;
  }
  .marker.dragging {
    cursor: grabbing;
    transition: none;
  }
  .marker.resolved {
    background: var(--image-chat-resolved);
  }
  .marker.pending {
    opacity: 0.7;
  }
  .crosshair {
    width: 36px;
    height: 36px;
    border-radius: 50%;
    border: 2px solid var(--image-chat-accent);
    background: color-mix(in srgb, var(--image-chat-accent) 15%, transparent);
    box-shadow: 0 0 0 2px var(--image-chat-marker-border);
  }
  .crosshair::before,
  .crosshair::after {
    content: '';
    position: absolute;
    background: var(--image-chat-accent);
    left: 50%;
    top: 50%;
    transform: translate(-50%, -50%);
  }
  .crosshair::before { width: 2px; height: 48px; }
  .crosshair::after { width: 48px; height: 2px; }
`;

/** The status line, hints and accessibility helpers. */
const statusStyles = css`
  .status {
    position: absolute;
    left: 8px;
    bottom: 8px;
    display: flex;
    align-items: center;
    gap: 6px;
    max-width: calc(100% - 16px);
    padding: 4px 10px;
    border-radius: 999px;
    background: var(--image-chat-overlay);
    color: var(--image-chat-overlay-text);
    font-size: 12px;
    pointer-events: none;
  }
  .status::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--image-chat-warning);
  }
  /* A first connection usually takes a blink: say "Connecting…" only when it takes longer. */
  .status.connecting {
    animation: image-chat-appear 0s 1s both;
  }
  @keyframes image-chat-appear {
    from { visibility: hidden; }
    to { visibility: visible; }
  }
  /* Connected: nothing to say, but the live region stays in place so that the next change is announced. */
  .status.open {
    opacity: 0;
    pointer-events: none;
  }
  .status.offline::before,
  .status.closed::before { background: var(--image-chat-danger); }
  .hint {
    position: absolute;
    left: 50%;
    top: 8px;
    transform: translateX(-50%);
    padding: 4px 10px;
    border-radius: 999px;
    background: var(--image-chat-overlay);
    color: var(--image-chat-overlay-text);
    font-size: 12px;
    pointer-events: none;
    max-width: calc(100% - 16px);
    text-align: center;
  }

  /* The picture's keyboard hint: visible only while it has keyboard focus (a sighted keyboard user sees what to do). */
  .focus-hint {
    display: none;
  }
  .surface:focus-visible ~ .focus-hint {
    display: block;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  @media (prefers-reduced-motion: reduce) {
    .marker { transition: none; }
  }
`;

/** The element's own styles; the panels' (components/panel.styles.ts) come with their chunk and follow these. */
export const styles = [stageStyles, statusStyles];
