/**
 * The static server of the Chromium tests of mpi4ts/browser: the
 * playground's request handler (src/cli/playground.ts: the two headers that
 * make a page cross-origin isolated, content types, paths kept inside the
 * folder) over the whole repository, on 127.0.0.1.
 */
import * as http from 'node:http';
import { ISOLATION_HEADERS, listen, serverURL, staticHandler } from '../../src/cli/playground.ts';

export interface StaticServer {
  /** Its base URL, http://127.0.0.1:PORT/ */
  readonly url: string;
  close(): Promise<void>;
}

/** The prefix under which the same files come without the isolation headers (the test of a page that has no SharedArrayBuffer). */
const NOT_ISOLATED = '/not-isolated/';

/** Serve `root` on 127.0.0.1 (`port` 0: a free one). */
export async function serveStatic(root: string, port = 0): Promise<StaticServer> {
  const handle = staticHandler([{ prefix: '/', dir: root }]);
  const server = http.createServer((req, res) => {
    const plain = (req.url ?? '/').startsWith(NOT_ISOLATED);
    if (plain) req.url = req.url!.slice(NOT_ISOLATED.length - 1);
    handle(req, res);
    // The handler sets the headers at once and answers later: take them off before it does.
    if (plain) for (const name of Object.keys(ISOLATION_HEADERS)) res.removeHeader(name);
  });
  await listen(server, port, '127.0.0.1');
  return {
    url: serverURL(server, '127.0.0.1'),
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
