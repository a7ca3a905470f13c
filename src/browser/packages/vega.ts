/** vega for programs in a browser (examples/lib/plot.ts renders headless, `renderer: 'none'`, to SVG). */
export * from 'vega';
