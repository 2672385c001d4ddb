import { Chart, registerables, type ChartConfiguration } from 'chart.js';

Chart.register(...registerables);

/**
 * <careledger-chart>: draws the Chart.js configuration set (as JSON) on its `config` property by the
 * Java component com.careledger.core.ui.chart.ChartJs. A new configuration replaces the chart.
 */
class CareLedgerChart extends HTMLElement {
  #canvas: HTMLCanvasElement;
  #chart?: Chart;
  #config?: string;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>:host{display:block;position:relative}canvas{width:100%!important;height:100%!important}</style>`;
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

  #draw() {
    if (!this.#config) {
      return;
    }
    const configuration = JSON.parse(this.#config) as ChartConfiguration;
    configuration.options = { responsive: true, maintainAspectRatio: false, ...(configuration.options ?? {}) };
    this.#chart?.destroy();
    this.#chart = new Chart(this.#canvas, configuration);
    this.#canvas.setAttribute('aria-label', this.getAttribute('aria-label') ?? 'chart');
    this.dispatchEvent(new CustomEvent('chart-drawn'));
  }
}

customElements.define('careledger-chart', CareLedgerChart);
