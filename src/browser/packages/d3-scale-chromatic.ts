/** d3-scale-chromatic for programs in a browser (an ES module package as it is). */
export * from 'd3-scale-chromatic';
