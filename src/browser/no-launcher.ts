/** The Node launchers in a browser bundle (src/transport/select.ts's selectLauncher): the page's job is src/browser/index.ts. */
export const launcher = null;
