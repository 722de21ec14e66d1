/**
 * The operator's dashboard (`GET /dashboard`): asks for a tenant and its admin key, then shows the tenant's usage
 * — totals, what is live now, and per-day charts — refreshing itself while the tab is visible. A refused key or an
 * unknown tenant is said in words (role="alert"); a server that cannot be reached keeps the last figures on screen
 * and is tried again at the next refresh.
 */
import { formatBytes, formatCount, formatDay } from './format.js';
import { credentialsFromFragment, forgetCredentials, loadCredentials, saveCredentials, type Credentials } from './session.js';
import { UsageChart } from './usage-chart.js';
import { dailySeries, fetchUsage, UsageError, type Metric, type UsageAnswer } from './usage.js';

/** How often the figures are fetched again. */
const REFRESH_MS = 10_000;

const METRICS: Record<Metric, { label: string; format: (value: number) => string }> = {
  pubSubMessageCount: { label: 'Messages', format: formatCount },
  pubSubBandwidth: { label: 'Bandwidth', format: formatBytes },
  conversationCreateCount: { label: 'Markers', format: formatCount },
};

const $ = <T extends Element>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`dashboard: the page has no ${selector}`);
  return element;
};

const form = $<HTMLFormElement>('#sign-in');
const tenantInput = $<HTMLInputElement>('input[name="tenant"]');
const keyInput = $<HTMLInputElement>('input[name="key"]');
const forgetButton = $<HTMLButtonElement>('#forget');
const errorBox = $<HTMLElement>('#error');
const usageSection = $<HTMLElement>('#usage');
const updated = $<HTMLElement>('#updated');
const base = new URL('.', location.href);

const charts = new Map<Metric, UsageChart>();
for (const figure of document.querySelectorAll<HTMLElement>('figure[data-metric]')) {
  const metric = figure.dataset.metric as Metric;
  charts.set(metric, new UsageChart(figure.querySelector<HTMLElement>('.plot')!, metric, METRICS[metric].label, METRICS[metric].format));
}

let credentials: Credentials | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let generation = 0; // a newer sign-in makes an older request's answer moot
let lastUpdated = '';

function start(next: Credentials): void {
  credentials = next;
  saveCredentials(sessionStorage, next);
  tenantInput.value = next.tenant;
  keyInput.value = next.key;
  forgetButton.hidden = false;
  void refresh();
}

function stop(): void {
  credentials = null;
  generation++;
  clearTimeout(timer);
}

async function refresh(): Promise<void> {
  clearTimeout(timer);
  if (!credentials) return;
  const mine = ++generation;
  const { tenant, key } = credentials;
  try {
    const usage = await fetchUsage(base, tenant, key);
    if (mine !== generation) return;
    errorBox.textContent = '';
    render(usage);
  } catch (err) {
    if (mine !== generation) return;
    const failure = err instanceof UsageError ? err : new UsageError(0, String(err));
    errorBox.textContent = failure.message;
    if (!failure.transient) {
      // A key or tenant to fix: nothing to show until the operator changes it.
      usageSection.hidden = true;
      updated.textContent = lastUpdated = '';
      if (failure.status === 401) {
        forgetCredentials(sessionStorage);
        forgetButton.hidden = true;
      }
      stop();
      keyInput.focus();
      return;
    }
    updated.textContent = lastUpdated ? `${lastUpdated} · the server is not answering; trying again` : '';
  }
  if (mine === generation && document.visibilityState === 'visible') timer = setTimeout(() => void refresh(), REFRESH_MS);
}

function render(usage: UsageAnswer): void {
  const series = dailySeries(usage.days);
  $('#usage-title').textContent = `Tenant ${usage.tenant}`;
  const totals: Record<string, string> = {
    pubSubMessageCount: formatCount(usage.pubSubMessageCount),
    pubSubBandwidth: formatBytes(usage.pubSubBandwidth),
    conversationCreateCount: formatCount(usage.conversationCreateCount),
    connections: usage.live ? formatCount(usage.live.connections) : 'n/a',
    rooms: usage.live ? formatCount(usage.live.rooms) : 'n/a',
  };
  for (const dd of document.querySelectorAll<HTMLElement>('[data-total]')) dd.textContent = totals[dd.dataset.total!] ?? '–';
  usageSection.hidden = false; // before drawing: a hidden container has no width to draw in
  for (const [metric, chart] of charts) {
    const { label, format } = METRICS[metric];
    const figure = $<HTMLElement>(`figure[data-metric="${metric}"]`);
    const today = series[series.length - 1];
    figure.querySelector('.plot')!.setAttribute(
      'aria-label',
      `${label} per day, ${formatDay(series[0].day)} to ${formatDay(today.day)}: ${format(usage[metric])} in all, ${format(today[metric])} today. The table below lists every day.`,
    );
    const rows = series.map((day) => {
      const row = document.createElement('tr');
      row.dataset.day = day.day;
      for (const text of [day.day, metric === 'pubSubBandwidth' ? formatCount(day[metric]) : format(day[metric])]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
    figure.querySelector('tbody')!.replaceChildren(...rows.reverse()); // newest first
    chart.update(series);
  }
  lastUpdated = `Updated ${new Date().toLocaleTimeString()}`;
  updated.textContent = `${lastUpdated} · refreshes every ${REFRESH_MS / 1000} s`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const tenant = tenantInput.value.trim();
  const key = keyInput.value.trim();
  if (!tenant || !key) return;
  start({ tenant, key });
});

forgetButton.addEventListener('click', () => {
  stop();
  forgetCredentials(sessionStorage);
  keyInput.value = '';
  forgetButton.hidden = true;
  usageSection.hidden = true;
  errorBox.textContent = '';
  updated.textContent = '';
  keyInput.focus();
});

// Refreshing pauses while the tab is hidden and catches up when it is shown again.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && credentials) void refresh();
});

// Light or dark: charts are canvases, drawn with the scheme's colours, so they are drawn again when it changes.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => charts.forEach((chart) => chart.redraw()));
new ResizeObserver(() => charts.forEach((chart) => chart.resize())).observe($('.charts'));

// The startup link's key arrives in the fragment: take it, and take it out of the address bar (and history).
const fromLink = credentialsFromFragment(location.hash);
if (fromLink) history.replaceState(null, '', location.pathname + location.search);
const initial = fromLink ?? loadCredentials(sessionStorage);
if (initial) start(initial);
else tenantInput.focus();
