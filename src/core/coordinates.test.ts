import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  clampPercent,
  containsPoint,
  contentRect,
  parseObjectFit,
  parseObjectPosition,
  percentToPoint,
  pointToPercent,
} from './coordinates.js';

const natural = { width: 800, height: 400 };

describe('coordinates', () => {
  describe('contentRect', () => {
    it('fill covers the whole box', () => {
      assert.deepEqual(contentRect({ width: 300, height: 300 }, natural, 'fill'), { left: 0, top: 0, width: 300, height: 300 });
    });

    it('contain letterboxes and centres by default', () => {
      assert.deepEqual(contentRect({ width: 400, height: 400 }, natural, 'contain'), { left: 0, top: 100, width: 400, height: 200 });
    });

    it('cover crops and centres by default', () => {
      assert.deepEqual(contentRect({ width: 400, height: 400 }, natural, 'cover'), { left: -200, top: 0, width: 800, height: 400 });
    });

    it('none keeps the natural size; scale-down never enlarges', () => {
      assert.deepEqual(contentRect({ width: 1000, height: 600 }, natural, 'none'), { left: 100, top: 100, width: 800, height: 400 });
      assert.deepEqual(contentRect({ width: 1000, height: 600 }, natural, 'scale-down'), { left: 100, top: 100, width: 800, height: 400 });
      assert.deepEqual(contentRect({ width: 400, height: 400 }, natural, 'scale-down'), { left: 0, top: 100, width: 400, height: 200 });
    });

    it('honours object-position percentages and pixels', () => {
      assert.deepEqual(contentRect({ width: 400, height: 400 }, natural, 'contain', parseObjectPosition('0% 100%')), { left: 0, top: 200, width: 400, height: 200 });
      assert.deepEqual(contentRect({ width: 400, height: 400 }, natural, 'cover', parseObjectPosition('10px 0px')), { left: 10, top: 0, width: 800, height: 400 });
    });

    it('falls back to the box when the natural size is unknown', () => {
      assert.deepEqual(contentRect({ width: 10, height: 20 }, { width: 0, height: 0 }, 'contain'), { left: 0, top: 0, width: 10, height: 20 });
    });
  });

  describe('parsing', () => {
    it('parses object-fit with fill as the default', () => {
      assert.equal(parseObjectFit('cover'), 'cover');
      assert.equal(parseObjectFit('bogus'), 'fill');
      assert.equal(parseObjectFit(undefined), 'fill');
    });

    it('parses keywords, lengths and mixes of both', () => {
      assert.deepEqual(parseObjectPosition('left top'), { x: { value: 0, unit: '%' }, y: { value: 0, unit: '%' } });
      assert.deepEqual(parseObjectPosition('top left'), { x: { value: 0, unit: '%' }, y: { value: 0, unit: '%' } });
      assert.deepEqual(parseObjectPosition('right'), { x: { value: 100, unit: '%' }, y: { value: 50, unit: '%' } });
      assert.deepEqual(parseObjectPosition('25% 10px'), { x: { value: 25, unit: '%' }, y: { value: 10, unit: 'px' } });
      assert.deepEqual(parseObjectPosition('center bottom'), { x: { value: 50, unit: '%' }, y: { value: 100, unit: '%' } });
      assert.deepEqual(parseObjectPosition('left 10px top 5px'), parseObjectPosition(''));
    });
  });

  describe('conversions', () => {
    const rect = { left: 0, top: 100, width: 400, height: 200 };

    it('maps a point on the picture to percentages', () => {
      assert.deepEqual(pointToPercent({ x: 100, y: 150 }, rect), { x: 25, y: 25 });
    });

    it('returns null outside the picture (letterbox bands)', () => {
      assert.equal(pointToPercent({ x: 100, y: 50 }, rect), null);
    });

    it('returns null outside the clip box (cropped by cover)', () => {
      const cover = { left: -200, top: 0, width: 800, height: 400 };
      assert.equal(pointToPercent({ x: -10, y: 10 }, cover, { left: 0, top: 0, width: 400, height: 400 }), null);
      assert.deepEqual(pointToPercent({ x: 200, y: 200 }, cover, { left: 0, top: 0, width: 400, height: 400 }), { x: 50, y: 50 });
    });

    it('round-trips percentages to points', () => {
      const p = percentToPoint({ x: 25, y: 75 }, rect);
      assert.deepEqual(p, { x: 100, y: 250 });
      assert.deepEqual(pointToPercent(p, rect), { x: 25, y: 75 });
      assert.ok(containsPoint(rect, p));
      assert.ok(!containsPoint(rect, { x: 500, y: 200 }));
    });

    it('clamps and rounds', () => {
      assert.equal(clampPercent(-3), 0);
      assert.equal(clampPercent(100.4), 100);
      assert.equal(clampPercent(33.33333), 33.33);
    });
  });
});
