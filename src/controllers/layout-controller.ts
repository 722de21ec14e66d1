/**
 * Measures where the picture is drawn inside the element, so markers sit on the same spot of the picture at every
 * size and `object-fit`. Re-measures on resize (ResizeObserver on the host and the image), on the image's `load`,
 * and after every render; the host re-renders only when the geometry actually changed.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { contentRect, parseObjectFit, parseObjectPosition, type Rect } from '../core/coordinates.js';

/** Rects relative to the stage (the positioned box markers are laid out in). */
export interface Geometry {
  /** Where the picture's pixels are (may extend past `clip` under `object-fit: cover`). */
  content: Rect;
  /** The image element's content box: what is visible of the picture. */
  clip: Rect;
  /** The stage's size, for placing the thread panel. */
  stage: { width: number; height: number };
  /** The stage's viewport position, to convert pointer coordinates. */
  origin: { left: number; top: number };
}

function px(value: string): number {
  return Number.parseFloat(value) || 0;
}

/** Measures an image element relative to a stage element. Null until the image has a natural size and a box. */
export function measure(stage: HTMLElement, image: HTMLImageElement): Geometry | null {
  const stageBox = stage.getBoundingClientRect();
  const box = image.getBoundingClientRect();
  if (!image.naturalWidth || !image.naturalHeight || box.width === 0 || box.height === 0) return null;
  const style = getComputedStyle(image);
  // object-fit applies to the content box: inside borders and padding.
  const left = box.left - stageBox.left + px(style.borderLeftWidth) + px(style.paddingLeft);
  const top = box.top - stageBox.top + px(style.borderTopWidth) + px(style.paddingTop);
  const width = box.width - px(style.borderLeftWidth) - px(style.borderRightWidth) - px(style.paddingLeft) - px(style.paddingRight);
  const height = box.height - px(style.borderTopWidth) - px(style.borderBottomWidth) - px(style.paddingTop) - px(style.paddingBottom);
  const inner = contentRect(
    { width, height },
    { width: image.naturalWidth, height: image.naturalHeight },
    parseObjectFit(style.objectFit),
    parseObjectPosition(style.objectPosition),
  );
  return {
    content: { left: left + inner.left, top: top + inner.top, width: inner.width, height: inner.height },
    clip: { left, top, width, height },
    stage: { width: stageBox.width, height: stageBox.height },
    origin: { left: stageBox.left, top: stageBox.top },
  };
}

function same(a: Geometry | null, b: Geometry | null): boolean {
  if (!a || !b) return a === b;
  const r = (x: Rect, y: Rect) =>
    Math.abs(x.left - y.left) < 0.5 && Math.abs(x.top - y.top) < 0.5 && Math.abs(x.width - y.width) < 0.5 && Math.abs(x.height - y.height) < 0.5;
  return r(a.content, b.content) && r(a.clip, b.clip) && Math.abs(a.stage.width - b.stage.width) < 0.5;
}

export class LayoutController implements ReactiveController {
  geometry: Geometry | null = null;
  private observer?: ResizeObserver;
  private image: HTMLImageElement | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly getStage: () => HTMLElement | null,
    private readonly getImage: () => HTMLImageElement | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer = new ResizeObserver(() => this.update());
    this.observer.observe(this.host);
    if (this.image) this.observer.observe(this.image);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.image?.removeEventListener('load', this.update);
  }

  hostUpdate(): void {
    // Measured before rendering, so a render uses fresh geometry without scheduling a second update; changes that
    // happen between renders (resize, image load) come through the observer and the load listener.
    this.refresh();
  }

  hostUpdated(): void {
    const image = this.getImage();
    if (image !== this.image) {
      this.image?.removeEventListener('load', this.update);
      if (this.image) this.observer?.unobserve(this.image);
      this.image = image;
      image?.addEventListener('load', this.update);
      // Observing fires once at once: that first measurement renders the markers.
      if (image) this.observer?.observe(image);
    }
  }

  /** Measures now, converting a viewport point to stage coordinates needs a fresh origin (the page may have scrolled). */
  refresh(): Geometry | null {
    const stage = this.getStage();
    this.geometry = stage && this.image ? measure(stage, this.image) : null;
    return this.geometry;
  }

  private readonly update = (): void => {
    const previous = this.geometry;
    const next = this.refresh();
    if (!same(previous, next)) this.host.requestUpdate();
  };
}
