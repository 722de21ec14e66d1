/**
 * One metric per day as a bar chart (uPlot, on a canvas). The canvas says nothing to a screen reader, so the
 * figure also gets a summary label and a data table (dashboard.ts); the chart follows the page's light or dark
 * colours, read from CSS custom properties when it is drawn.
 */
import uPlot from 'uplot';
import { formatDay } from './format.js';
import type { DayUsage, Metric } from './usage.js';

const HEIGHT = 200;

export class UsageChart {
  private plot: uPlot | undefined;
  private series: DayUsage[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly metric: Metric,
    private readonly label: string,
    private readonly format: (value: number) => string,
  ) {}

  /** Draws the series (a new chart when the number of days changed, else new data in the same chart). */
  update(series: DayUsage[]): void {
    const sameDays = this.plot && series.length === this.series.length && series[0]?.day === this.series[0]?.day;
    this.series = series;
    if (sameDays) this.plot!.setData(this.data());
    else this.redraw();
  }

  /** Draws anew, e.g. after the colour scheme changed. */
  redraw(): void {
    this.plot?.destroy();
    this.plot = this.series.length > 0 ? new uPlot(this.options(), this.data(), this.container) : undefined;
  }

  resize(): void {
    this.plot?.setSize({ width: this.width(), height: HEIGHT });
  }

  private width(): number {
    return Math.max(200, this.container.clientWidth);
  }

  private data(): uPlot.AlignedData {
    return [this.series.map((_, i) => i), this.series.map((day) => day[this.metric])];
  }

  private options(): uPlot.Options {
    const style = getComputedStyle(this.container);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    const axis = { stroke: colour('--chart-axis'), grid: { stroke: colour('--chart-grid'), width: 1 }, ticks: { stroke: colour('--chart-grid'), width: 1 } };
    const days = this.series;
    return {
      width: this.width(),
      height: HEIGHT,
      // The x values are day indices: labels are UTC days, as the server counts them, whatever the browser's zone.
      scales: {
        x: { time: false, range: [-0.5, days.length - 0.5] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        {
          ...axis,
          incrs: [1, 2, 7, 14, 28, 56, 91, 182],
          space: 56,
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && days[i] ? formatDay(days[i].day) : '')),
        },
        { ...axis, size: 64, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) || v >= 10 ? this.format(v) : '')) },
      ],
      series: [
        { label: 'Day', value: (_u, i) => (i !== null && days[i] ? formatDay(days[i].day) : '') },
        {
          label: this.label,
          stroke: colour('--chart-bar'),
          fill: colour('--chart-bar-fill'),
          width: 1,
          paths: uPlot.paths.bars!({ size: [0.7, 48] }),
          points: { show: false },
          value: (_u, v) => (v === null ? '' : this.format(v)),
        },
      ],
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
    };
  }
}
