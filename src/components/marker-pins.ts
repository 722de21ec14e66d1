/**
 * The marker buttons over the picture (`part="marker"`): labelled with the marker's stable `number` (SPEC §2; none yet
 * on the user's own marker until the server confirms it), accent-coloured, focusable, labelled with author,
 * first comment and reply count. Markers cropped away (`object-fit: cover`) are not shown.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Marker } from '../../protocol/index.js';
import { containsPoint, percentToPoint } from '../core/coordinates.js';
import type { Geometry } from '../controllers/layout-controller.js';
import type { Strings } from '../i18n/index.js';

export interface MarkerPinsProps {
  markers: readonly Marker[];
  geometry: Geometry | null;
  strings: Strings;
  openId: string | null;
  /** Ids of markers whose creation the server has not confirmed yet. */
  pendingIds: ReadonlySet<string>;
  /** A marker being dragged, drawn where the pointer is. */
  drag: { markerId: string; x: number; y: number } | null;
  draggable(marker: Marker): boolean;
  onClick(marker: Marker, event: MouseEvent): void;
  onPointerDown(marker: Marker, event: PointerEvent): void;
  onPointerMove(event: PointerEvent): void;
  onPointerUp(event: PointerEvent): void;
  onPointerCancel(event: PointerEvent): void;
}

export function markerPins(p: MarkerPinsProps): TemplateResult | typeof nothing {
  const g = p.geometry;
  if (!g) return nothing;
  return html`${repeat(
    p.markers,
    (m) => m.id,
    (m) => {
      const spot = p.drag?.markerId === m.id ? p.drag : m;
      const point = percentToPoint(spot, g.content);
      if (!containsPoint(g.clip, point)) return nothing;
      const first = m.comments[0]?.text ?? '';
      const classes = ['marker', m.resolved ? 'resolved' : '', p.pendingIds.has(m.id) ? 'pending' : '', p.openId === m.id ? 'open' : '', p.drag?.markerId === m.id ? 'dragging' : '', p.draggable(m) ? 'draggable' : ''];
      return html`<button
        type="button"
        part=${m.resolved ? 'marker marker-resolved' : 'marker'}
        class=${classes.filter(Boolean).join(' ')}
        data-marker-id=${m.id}
        style=${`left:${point.x}px;top:${point.y}px`}
        aria-label=${p.strings.marker(m.number, m.author.name, first, Math.max(0, m.comments.length - 1), m.resolved)}
        aria-expanded=${p.openId === m.id ? 'true' : 'false'}
        @click=${(e: MouseEvent) => p.onClick(m, e)}
        @pointerdown=${(e: PointerEvent) => p.draggable(m) && p.onPointerDown(m, e)}
        @pointermove=${p.onPointerMove}
        @pointerup=${p.onPointerUp}
        @pointercancel=${p.onPointerCancel}
      >${m.number ?? ''}</button>`;
    },
  )}`;
}
