/**
 * Where the picture actually is inside an `<img>` box, and conversions between pointer positions and marker
 * coordinates. Pure: the caller measures the DOM and passes plain numbers.
 *
 * Marker `x`/`y` are percentages of the image's natural width and height (SPEC §2), so a marker must be placed on the
 * rendered *content* rect — which differs from the element box under `object-fit: contain | cover | none | scale-down`.
 */

export type ObjectFit = 'fill' | 'contain' | 'cover' | 'none' | 'scale-down';

export interface Size {
  width: number;
  height: number;
}

/** A rectangle in CSS pixels, relative to whatever origin the caller measures from. */
export interface Rect extends Size {
  left: number;
  top: number;
}

/** One axis of `object-position`: a percentage of the free space, or a pixel offset from the start edge. */
export interface PositionComponent {
  value: number;
  unit: '%' | 'px';
}

export interface ObjectPosition {
  x: PositionComponent;
  y: PositionComponent;
}

export const CENTER: ObjectPosition = { x: { value: 50, unit: '%' }, y: { value: 50, unit: '%' } };

const KEYWORDS: Record<string, { axis: 'x' | 'y' | 'both'; value: number }> = {
  left: { axis: 'x', value: 0 },
  right: { axis: 'x', value: 100 },
  top: { axis: 'y', value: 0 },
  bottom: { axis: 'y', value: 100 },
  center: { axis: 'both', value: 50 },
};

/** Parses a CSS `object-fit` value; anything unknown is the initial `fill`. */
export function parseObjectFit(value: string | null | undefined): ObjectFit {
  const v = (value ?? '').trim();
  return v === 'contain' || v === 'cover' || v === 'none' || v === 'scale-down' ? v : 'fill';
}

function parseLength(token: string): PositionComponent | null {
  const m = /^(-?\d*\.?\d+)(%|px)?$/.exec(token);
  if (!m) return null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return null;
  if (!m[2] && value !== 0) return null;
  return { value, unit: m[2] === 'px' ? 'px' : '%' };
}

/**
 * Parses the one- and two-value forms of `object-position` (`50% 50%`, `10px 20%`, `left top`, `right`, …), which
 * is what `getComputedStyle` reports. The four-value edge-offset form falls back to the centre.
 */
export function parseObjectPosition(value: string | null | undefined): ObjectPosition {
  const tokens = (value ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (tokens.length === 0 || tokens.length > 2) return CENTER;
  let x: PositionComponent | null = null;
  let y: PositionComponent | null = null;
  const lengths: PositionComponent[] = [];
  for (const token of tokens) {
    const keyword = KEYWORDS[token];
    if (keyword) {
      const component: PositionComponent = { value: keyword.value, unit: '%' };
      if (keyword.axis === 'x') x = component;
      else if (keyword.axis === 'y') y = component;
      else lengths.push(component); // `center` fills whichever axis is left
      continue;
    }
    const length = parseLength(token);
    if (!length) return CENTER;
    lengths.push(length);
  }
  // Bare lengths fill the axes in order: x first, then y.
  for (const length of lengths) {
    if (!x) x = length;
    else if (!y) y = length;
  }
  return { x: x ?? CENTER.x, y: y ?? CENTER.y };
}

/**
 * The rect the picture's pixels occupy, relative to the box's own top-left corner, for a box of `box` size showing
 * an image of `natural` size with the given `object-fit` and `object-position`.
 */
export function contentRect(box: Size, natural: Size, fit: ObjectFit = 'fill', position: ObjectPosition = CENTER): Rect {
  if (fit === 'fill' || natural.width <= 0 || natural.height <= 0) {
    return { left: 0, top: 0, width: box.width, height: box.height };
  }
  const containScale = Math.min(box.width / natural.width, box.height / natural.height);
  const scale =
    fit === 'contain' ? containScale
    : fit === 'cover' ? Math.max(box.width / natural.width, box.height / natural.height)
    : fit === 'none' ? 1
    : Math.min(1, containScale); // scale-down: the smaller of none and contain
  const width = natural.width * scale;
  const height = natural.height * scale;
  const offset = (free: number, c: PositionComponent) => (c.unit === 'px' ? c.value : (free * c.value) / 100);
  return { left: offset(box.width - width, position.x), top: offset(box.height - height, position.y), width, height };
}

/**
 * Converts a point (same origin as `rect`) to marker percentages, clamped to [0, 100]; `null` when the point is
 * outside the visible picture (the letterbox bands of `contain`, or the cropped-away parts of `cover` are never
 * under the pointer, but `clip` limits what is visible: pass the box to exclude what lies outside it).
 */
export function pointToPercent(point: { x: number; y: number }, rect: Rect, clip?: Rect): { x: number; y: number } | null {
  if (rect.width <= 0 || rect.height <= 0) return null;
  const inside = (p: number, start: number, length: number) => p >= start && p <= start + length;
  if (!inside(point.x, rect.left, rect.width) || !inside(point.y, rect.top, rect.height)) return null;
  if (clip && (!inside(point.x, clip.left, clip.width) || !inside(point.y, clip.top, clip.height))) return null;
  return {
    x: clampPercent(((point.x - rect.left) / rect.width) * 100),
    y: clampPercent(((point.y - rect.top) / rect.height) * 100),
  };
}

/** Converts marker percentages to a point with the same origin as `rect`. */
export function percentToPoint(percent: { x: number; y: number }, rect: Rect): { x: number; y: number } {
  return { x: rect.left + (percent.x / 100) * rect.width, y: rect.top + (percent.y / 100) * rect.height };
}

/** Whether a point lies within the rect (edges included): markers cropped away by `cover` are hidden. */
export function containsPoint(rect: Rect, point: { x: number; y: number }): boolean {
  return point.x >= rect.left && point.x <= rect.left + rect.width && point.y >= rect.top && point.y <= rect.top + rect.height;
}

/** Clamps to [0, 100] and rounds to two decimals (enough below a pixel on any screen; keeps frames small). */
export function clampPercent(value: number): number {
  const clamped = Math.min(100, Math.max(0, value));
  return Math.round(clamped * 100) / 100;
}
