import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';

Chart.register(...registerables);

/**
 * The texts of the numbers, written by the server (com.careledger.core.ui.chart.ChartConfig) under `careledger`
 * in the configuration: the browser formats no number itself, so axes, tooltips and labels read like the rest of
 * the portal (₹1,23,456.50, ₹1.23 L) in either language.
 */
interface NumberTexts {
  valueAxis?: 'x' | 'y';
  ticks?: Record<string, string>;
  tooltips?: string[][];
  valueLabels?: (string[] | null)[];
}

type CareLedgerConfiguration = ChartConfiguration & { careledger?: NumberTexts };

const LABEL_FONT_SIZE = 12;

/** Relative luminance of a #rrggbb colour (WCAG). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Black or white, whichever reads better on the colour. */
function inkOn(hex: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(hex) && luminance(hex) > 0.179 ? '#000000' : '#ffffff';
}

/**
 * Writes each bar's or slice's value on it where it fits: above a column (beside a horizontal bar), inside a stacked
 * segment or a doughnut slice when the text fits inside; otherwise not at all (the table has every value).
 */
function valueLabels(labels: (string[] | null)[], textColour: string): Plugin {
  return {
    id: 'careledgerValueLabels',
    afterDatasetsDraw(chart) {
      const g = chart.ctx;
      const area = chart.chartArea;
      const horizontal = chart.options.indexAxis === 'y';
      const stacked = Boolean((chart.options.scales?.[horizontal ? 'x' : 'y'] as { stacked?: boolean } | undefined)?.stacked);
      g.save();
      g.font = `600 ${LABEL_FONT_SIZE}px ${Chart.defaults.font.family}`;
      g.textBaseline = 'middle';
      g.textAlign = 'center';
      chart.data.datasets.forEach((dataset, d) => {
        const texts = labels[d];
        const meta = chart.getDatasetMeta(d);
        if (!texts || meta.hidden || !chart.isDatasetVisible(d)) {
          return;
        }
        meta.data.forEach((element, i) => {
          const text = texts[i];
          const value = dataset.data[i] as number;
          if (!text || value === 0) {
            return;
          }
          const width = g.measureText(text).width;
          const background = Array.isArray(dataset.backgroundColor)
            ? String(dataset.backgroundColor[i]) : String(dataset.backgroundColor);
          if (meta.type === 'doughnut' || meta.type === 'pie') {
            const arc = element.getProps(['startAngle', 'endAngle', 'innerRadius', 'outerRadius'], true) as unknown as
              { startAngle: number; endAngle: number; innerRadius: number; outerRadius: number };
            const middle = (arc.innerRadius + arc.outerRadius) / 2;
            const room = (arc.endAngle - arc.startAngle) * middle;
            if (width + 6 <= room && LABEL_FONT_SIZE + 4 <= arc.outerRadius - arc.innerRadius) {
              const { x, y } = element.tooltipPosition(true);
              if (x !== null && y !== null) {
                g.fillStyle = inkOn(background);
                g.fillText(text, x, y);
              }
            }
            return;
          }
          const bar = element.getProps(['x', 'y', 'base', 'width', 'height'], true) as unknown as
            { x: number; y: number; base: number; width: number; height: number };
          const thickness = horizontal ? bar.height : bar.width;
          const length = Math.abs(horizontal ? bar.x - bar.base : bar.base - bar.y);
          const along = horizontal ? width : LABEL_FONT_SIZE;
          const across = horizontal ? LABEL_FONT_SIZE : width;
          if (across + 2 > thickness) {
            return;
          }
          if (stacked) {
            if (along + 4 <= length) {
              g.fillStyle = inkOn(background);
              g.fillText(text, horizontal ? (bar.x + bar.base) / 2 : bar.x, horizontal ? bar.y : (bar.y + bar.base) / 2);
            }
            return;
          }
          const sign = value < 0 ? -1 : 1;
          g.fillStyle = textColour;
          if (horizontal) {
            const x = bar.x + sign * (4 + width / 2);
            if (x - width / 2 >= area.left && x + width / 2 <= area.right) {
              g.fillText(text, x, bar.y);
            }
          } else {
            const y = bar.y - sign * (4 + LABEL_FONT_SIZE / 2);
            if (y - LABEL_FONT_SIZE / 2 >= area.top && y + LABEL_FONT_SIZE / 2 <= area.bottom) {
              g.fillText(text, bar.x, y);
            }
          }
        });
      });
      g.restore();
    }
  };
}

/**
 * <careledger-chart>: draws the Chart.js configuration set (as JSON) on its `config` property by the
 * Java component com.careledger.core.ui.chart.ChartJs. A new configuration replaces the chart. The canvas is an
 * image named by the element's aria-label. The chart fills the element, whose height the style sheet sets.
 * Animation is off when the reader asks for reduced motion (ChartCard's charts never animate).
 */
class CareLedgerChart extends HTMLElement {
  static observedAttributes = ['aria-label'];

  #canvas: HTMLCanvasElement;
  #chart?: Chart;
  #config?: string;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>:host{display:block;position:relative;min-width:0}canvas{width:100%!important;height:100%!important}</style>`;
    this.#canvas = document.createElement('canvas');
    this.#canvas.setAttribute('role', 'img');
    shadow.appendChild(this.#canvas);
  }

  set config(json: string) {
    this.#config = json;
    if (this.isConnected) {
      this.#draw();
    }
  }

  get config(): string | undefined {
    return this.#config;
  }

  /** The drawn chart, for tests and accessibility tooling. */
  get chart(): Chart | undefined {
    return this.#chart;
  }

  connectedCallback() {
    this.#draw();
  }

  disconnectedCallback() {
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  attributeChangedCallback() {
    this.#canvas.setAttribute('aria-label', this.getAttribute('aria-label') ?? 'chart');
  }

  #draw() {
    if (!this.#config) {
      return;
    }
    const configuration = JSON.parse(this.#config) as CareLedgerConfiguration;
    const texts = configuration.careledger;
    delete configuration.careledger;
    const style = getComputedStyle(this);
    Chart.defaults.font.family = style.fontFamily;
    Chart.defaults.color = style.color;
    const options = (configuration.options ?? {}) as NonNullable<ChartConfiguration['options']> & Record<string, any>;
    configuration.options = options;
    options.responsive = options.responsive ?? true;
    options.maintainAspectRatio = options.maintainAspectRatio ?? false;
    if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) {
      options.animation = false;
    }
    if (texts) {
      this.#applyTexts(configuration, options, texts, style.color);
    }
    this.#chart?.destroy();
    this.#chart = new Chart(this.#canvas, configuration);
    this.#canvas.setAttribute('aria-label', this.getAttribute('aria-label') ?? 'chart');
    this.dispatchEvent(new CustomEvent('chart-drawn'));
  }

  #applyTexts(configuration: ChartConfiguration, options: Record<string, any>, texts: NumberTexts, colour: string) {
    if (texts.valueAxis && texts.ticks) {
      const ticks = texts.ticks;
      const scale = (options.scales ??= {})[texts.valueAxis] ??= {};
      scale.ticks = { ...(scale.ticks ?? {}), callback: (value: number | string) => ticks[String(value)] ?? '' };
    }
    const tooltips = texts.tooltips;
    if (tooltips) {
      const doughnut = configuration.type === 'doughnut' || configuration.type === 'pie';
      const plugins = (options.plugins ??= {});
      plugins.tooltip = {
        ...(plugins.tooltip ?? {}),
        callbacks: {
          label: (item: { datasetIndex: number; dataIndex: number; label: string; dataset: { label?: string } }) =>
            `${doughnut ? item.label : item.dataset.label ?? ''}: ${tooltips[item.datasetIndex]?.[item.dataIndex] ?? ''}`
        }
      };
    }
    if (texts.valueLabels) {
      configuration.plugins = [...(configuration.plugins ?? []), valueLabels(texts.valueLabels, colour)];
    }
  }
}

customElements.define('careledger-chart', CareLedgerChart);
