/**
 * Placing and moving markers: a click or tap on the picture places one; keyboard users focus the picture, press
 * Enter for a crosshair at the centre, move it with the arrow keys (1 %, 10 % with Shift), Enter places, Escape
 * cancels (SPEC §1). Own markers can be dragged (a pointer that moves less than a few pixels is a click, not a drag),
 * or moved by keyboard: the thread's Move action puts the crosshair on the marker, and the same keys move it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clampPercent, pointToPercent } from '../core/coordinates.js';
import type { Geometry } from './layout-controller.js';

const DRAG_THRESHOLD_PX = 4;

export interface PlacementOptions {
  /** A fresh measurement (the page may have scrolled since the last render). */
  geometry(): Geometry | null;
  canPlace(): boolean;
  /** `source` tells a click (which may just dismiss an open panel) from a deliberate keyboard placement. */
  onPlace(x: number, y: number, source: 'pointer' | 'keyboard'): void;
  onMove(markerId: string, x: number, y: number): void;
  /** A keyboard move ended (moved or cancelled): focus goes back to the marker. */
  onMoveEnd?(markerId: string): void;
}

interface DragState {
  markerId: string;
  pointerId: number;
  startX: number;
  startY: number;
  moved: boolean;
  x: number;
  y: number;
}

export class PlacementController implements ReactiveController {
  /** The keyboard crosshair, in marker percentages, while placing by keyboard — or moving `markerId` by keyboard. */
  placing: { x: number; y: number; markerId?: string } | null = null;
  private dragState: DragState | null = null;
  private suppressClick = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: PlacementOptions,
  ) {
    host.addController(this);
  }

  /** The marker being moved (dragged past the threshold, or by keyboard) and where it is now. */
  get drag(): { markerId: string; x: number; y: number } | null {
    if (this.dragState?.moved) return this.dragState;
    const p = this.placing;
    return p?.markerId ? { markerId: p.markerId, x: p.x, y: p.y } : null;
  }

  /** Starts moving a marker by keyboard: the crosshair on it; arrows move it, Enter puts it there, Escape cancels. */
  startMove(markerId: string, x: number, y: number): void {
    this.placing = { x, y, markerId };
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.placing = null;
    this.dragState = null;
  }

  /** A click on the picture: place a marker there (outside the picture, e.g. a letterbox band, does nothing). */
  handleClick = (event: MouseEvent): void => {
    if (!this.options.canPlace() || event.button !== 0) return;
    const g = this.options.geometry();
    if (!g) return;
    const point = { x: event.clientX - g.origin.left, y: event.clientY - g.origin.top };
    const percent = pointToPercent(point, g.content, g.clip);
    if (!percent) return;
    this.placing = null;
    this.options.onPlace(percent.x, percent.y, 'pointer');
  };

  handleKeydown = (event: KeyboardEvent): void => {
    if (!this.options.canPlace()) return;
    if (!this.placing) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.placing = { x: 50, y: 50 };
        this.host.requestUpdate();
      }
      return;
    }
    const step = event.shiftKey ? 10 : 1;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      this.placing = { ...this.placing, x: clampPercent(this.placing.x + move[0]), y: clampPercent(this.placing.y + move[1]) };
      this.host.requestUpdate();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const { x, y, markerId } = this.placing;
      this.placing = null;
      this.host.requestUpdate();
      if (!markerId) return this.options.onPlace(x, y, 'keyboard');
      this.options.onMove(markerId, x, y);
      this.options.onMoveEnd?.(markerId);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.cancel();
    }
  };

  /** Stops keyboard placement or a keyboard move (Escape, blur). */
  cancel(): void {
    const markerId = this.placing?.markerId;
    if (!this.placing) return;
    this.placing = null;
    this.host.requestUpdate();
    if (markerId) this.options.onMoveEnd?.(markerId);
  }

  /** Starts a possible drag of a marker the user may move. */
  handleMarkerPointerDown(event: PointerEvent, markerId: string, x: number, y: number): void {
    if (event.button !== 0) return;
    this.dragState = { markerId, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, moved: false, x, y };
    (event.currentTarget as Element).setPointerCapture?.(event.pointerId);
  }

  handleMarkerPointerMove = (event: PointerEvent): void => {
    const d = this.dragState;
    if (!d || d.pointerId !== event.pointerId) return;
    if (!d.moved && Math.hypot(event.clientX - d.startX, event.clientY - d.startY) < DRAG_THRESHOLD_PX) return;
    const g = this.options.geometry();
    if (!g) return;
    d.moved = true;
    const px = Math.min(Math.max(event.clientX - g.origin.left, g.clip.left), g.clip.left + g.clip.width);
    const py = Math.min(Math.max(event.clientY - g.origin.top, g.clip.top), g.clip.top + g.clip.height);
    const percent = pointToPercent({ x: px, y: py }, g.content);
    if (percent) {
      d.x = percent.x;
      d.y = percent.y;
    }
    this.host.requestUpdate();
  };

  handleMarkerPointerUp = (event: PointerEvent): void => {
    const d = this.dragState;
    if (!d || d.pointerId !== event.pointerId) return;
    this.dragState = null;
    if (d.moved) {
      // The click that follows a drag must not open the thread.
      this.suppressClick = true;
      setTimeout(() => (this.suppressClick = false), 0);
      this.host.requestUpdate();
      this.options.onMove(d.markerId, d.x, d.y);
    }
  };

  handleMarkerPointerCancel = (): void => {
    this.dragState = null;
    this.host.requestUpdate();
  };

  /** True (once) when a marker click is the tail of a drag and should be ignored. */
  consumeDragClick(): boolean {
    const suppressed = this.suppressClick;
    this.suppressClick = false;
    return suppressed;
  }
}
