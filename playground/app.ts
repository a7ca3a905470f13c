/**
 * The playground page (index.html): pick an example or edit one, choose the
 * number of ranks, run it on the browser runtime (mpi4ts/browser, copied
 * into ./mpi4ts/ by scripts/playground.mjs) and show its output and
 * pictures.
 *
 * Deep links: `?example=<name>&np=<N>&run=1[&tag=1]` opens an example and
 * runs it. Test hooks: document.body.dataset.state is 'running' while a job
 * runs and 'done' after (then dataset.code holds the exit status).
 */

// The contract of mpi4ts/browser, from its declarations (npm run build writes them before this page is bundled).
import type { RunOptions, RunResult } from '../dist/browser/index.js';

interface Runtime { run(options: RunOptions): Promise<RunResult>; setCompilerWasmURL?(url: string): void }

/** One entry of examples/index.json (written by scripts/playground.mjs from playground/examples.json). */
interface Example {
  name: string;
  title: string;
  section: string;
  np: number;
  about: string;
  stdin?: string;
  args?: string;
  futures?: boolean;
  /** Other files of examples/ it reads or spawns, handed to the ranks by the same relative path. */
  files?: string[];
}
interface Manifest { examples: Example[]; lib: string[] }

const MAX_NP = 16;
const PICTURE_TYPES: Record<string, string> = { '.png': 'image/png', '.svg': 'image/svg+xml' };

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el as T;
};
const ui = {
  notice: $<HTMLDivElement>('notice'),
  list: $<HTMLDivElement>('example-list'),
  title: $<HTMLHeadingElement>('title'),
  about: $<HTMLParagraphElement>('about'),
  edited: $<HTMLSpanElement>('edited'),
  revert: $<HTMLButtonElement>('revert'),
  editor: $<HTMLTextAreaElement>('editor'),
  np: $<HTMLSelectElement>('np'),
  tag: $<HTMLInputElement>('tag'),
  args: $<HTMLInputElement>('args'),
  stdin: $<HTMLTextAreaElement>('stdin'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  status: $<HTMLSpanElement>('status'),
  share: $<HTMLAnchorElement>('share'),
  output: $<HTMLPreElement>('output'),
  pictures: $<HTMLDivElement>('pictures'),
};

let manifest: Manifest = { examples: [], lib: [] };
/** The examples' helper modules, './lib/x.ts' -> source, handed to every run as `files`. */
let libFiles: Record<string, string> = {};
let current: Example | null = null;
/** The current example's own other files (`files` of its entry), './x' -> text. */
let exampleFiles: Record<string, string> = {};
/** The source of the current example as shipped (to tell an edit, and to revert). */
let pristine = '';
let job: AbortController | null = null;
let pictureURLs: string[] = [];

function showNotice(html: string): void {
  ui.notice.innerHTML = html;
  ui.notice.hidden = false;
}

/** Fetch a file of the site as text; a missing file is an error naming it. */
async function fetchText(url: string): Promise<string> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.text();
}

// ---- the runtime ---------------------------------------------------------------

/** esbuild-wasm's version, set by scripts/playground.mjs: the CDN's esbuild.wasm must be the one the runtime was built with. */
declare const ESBUILD_WASM_VERSION: string;

let runtime: Promise<Runtime> | null = null;
/**
 * Import the browser runtime once; rejects with a message a user can act
 * on. Its TypeScript compiler (esbuild.wasm, 14 MB) is beside it when the
 * site was built in the repository; the npm package leaves it out, and then
 * it comes from jsDelivr.
 */
function loadRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    let m: Runtime;
    try {
      m = await import(new URL('./mpi4ts/index.js', import.meta.url).href) as Runtime;
    } catch (e) {
      throw new Error(`the browser runtime (./mpi4ts/index.js) did not load: ${e instanceof Error ? e.message : String(e)}`);
    }
    const local = await fetch(new URL('./mpi4ts/esbuild.wasm', import.meta.url), { method: 'HEAD' }).then((r) => r.ok, () => false);
    if (!local) m.setCompilerWasmURL?.(`https://cdn.jsdelivr.net/npm/esbuild-wasm@${ESBUILD_WASM_VERSION}/esbuild.wasm`);
    return m;
  })();
  return runtime;
}

// ---- output ----------------------------------------------------------------------

/** Lines wait here and go into the DOM once a frame: a chatty program does not rebuild the page per line. */
let pending: { text: string; cls: string }[] = [];
let flushScheduled = false;

function flushOutput(): void {
  flushScheduled = false;
  if (pending.length === 0) return;
  const atBottom = ui.output.scrollTop + ui.output.clientHeight >= ui.output.scrollHeight - 4;
  const fragment = document.createDocumentFragment();
  // Runs of the same class in one node.
  let run: { text: string; cls: string } | null = null;
  const emit = (): void => {
    if (run === null) return;
    if (run.cls === '') fragment.append(run.text);
    else {
      const span = document.createElement('span');
      span.className = run.cls;
      span.textContent = run.text;
      fragment.append(span);
    }
  };
  for (const p of pending) {
    if (run !== null && run.cls === p.cls) run.text += p.text;
    else { emit(); run = { ...p }; }
  }
  emit();
  pending = [];
  ui.output.append(fragment);
  if (atBottom) ui.output.scrollTop = ui.output.scrollHeight;
}

function print(text: string, cls = ''): void {
  pending.push({ text: text.endsWith('\n') ? text : `${text}\n`, cls });
  if (!flushScheduled) {
    flushScheduled = true;
    requestAnimationFrame(flushOutput);
  }
}

function clearOutput(): void {
  pending = [];
  ui.output.textContent = '';
  for (const url of pictureURLs) URL.revokeObjectURL(url);
  pictureURLs = [];
  ui.pictures.textContent = '';
}

/** A .png or .svg a rank wrote: shown under the output (a later file of the same name replaces it). */
function showPicture(file: string, data: Uint8Array): void {
  const name = file.split('/').pop()!;
  const type = PICTURE_TYPES[name.slice(name.lastIndexOf('.')).toLowerCase()];
  if (type === undefined) return;
  const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type }));
  pictureURLs.push(url);
  let figure = [...ui.pictures.querySelectorAll('figure')].find((f) => f.dataset['name'] === name);
  if (figure === undefined) {
    figure = document.createElement('figure');
    figure.dataset['name'] = name;
    const img = document.createElement('img');
    img.className = 'picture';
    img.dataset['name'] = name;
    img.alt = name;
    const caption = document.createElement('figcaption');
    caption.textContent = name;
    figure.append(img, caption);
    ui.pictures.append(figure);
  }
  figure.querySelector('img')!.src = url;
}

// ---- examples, editor, controls -------------------------------------------------

function renderList(): void {
  ui.list.textContent = '';
  let section = '';
  for (const ex of manifest.examples) {
    if (ex.section !== section) {
      section = ex.section;
      const h = document.createElement('h3');
      h.textContent = section;
      ui.list.append(h);
    }
    const a = document.createElement('a');
    a.href = `?example=${encodeURIComponent(ex.name)}&np=${ex.np}`;
    a.textContent = ex.title;
    a.dataset['example'] = ex.name;
    a.title = `examples/${ex.name}.ts`;
    a.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab: let the link open
      e.preventDefault();
      void selectExample(ex, ex.np);
    });
    ui.list.append(a);
  }
}

async function selectExample(ex: Example, np: number): Promise<void> {
  current = ex;
  pristine = await fetchText(`examples/${ex.name}.ts`);
  exampleFiles = Object.fromEntries(await Promise.all((ex.files ?? []).map(async (f) => [`./${f}`, await fetchText(`examples/${f}`)] as const)));
  ui.editor.value = pristine;
  ui.title.textContent = `${ex.title} (examples/${ex.name}.ts)`;
  ui.about.textContent = ex.about;
  ui.np.value = String(np);
  ui.args.value = ex.args ?? '';
  ui.stdin.value = ex.stdin ?? '';
  for (const a of ui.list.querySelectorAll('a')) {
    if (a.dataset['example'] === ex.name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  markEdited();
  updateShare();
}

function markEdited(): void {
  const edited = current !== null && ui.editor.value !== pristine;
  ui.edited.hidden = !edited;
  ui.revert.hidden = !edited;
}

/** The share link: this page opened on the current example and ranks, running it. */
function updateShare(): void {
  const q = new URLSearchParams();
  if (current !== null) q.set('example', current.name);
  q.set('np', ui.np.value);
  q.set('run', '1');
  if (ui.tag.checked) q.set('tag', '1');
  // Arguments and standard input only where they differ from the example's own.
  if (ui.args.value !== (current?.args ?? '')) q.set('args', ui.args.value);
  if (ui.stdin.value !== (current?.stdin ?? '')) q.set('stdin', ui.stdin.value);
  const href = `${location.pathname}?${q}`;
  ui.share.href = href;
  ui.share.textContent = `share: ?${q}`;
  ui.share.title = current !== null && ui.editor.value !== pristine ? 'the link opens the example as shipped, not your edits' : 'a link that opens this example and runs it';
  history.replaceState(null, '', `${location.pathname}?${q.toString().replace(/&?run=1/, '')}`);
}

/** "--count 10 --name 'a b'": words, with '...' or "..." for one holding blanks. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

// ---- running ---------------------------------------------------------------------

function setState(state: 'ready' | 'running' | 'done', code?: number): void {
  document.body.dataset['state'] = state;
  if (code === undefined) delete document.body.dataset['code'];
  else document.body.dataset['code'] = String(code);
  ui.run.disabled = state === 'running';
  ui.stop.disabled = state !== 'running';
}

async function runProgram(): Promise<void> {
  if (job !== null) return;
  clearOutput();
  const controller = new AbortController();
  job = controller;
  setState('running');
  const np = Number(ui.np.value);
  ui.status.textContent = `running on ${np} rank${np === 1 ? '' : 's'}…`;
  const t0 = performance.now();
  let code: number;
  try {
    const { run } = await loadRuntime();
    const result = await run({
      np,
      script: ui.editor.value,
      files: { ...libFiles, ...exampleFiles },
      args: splitArgs(ui.args.value),
      tagOutput: ui.tag.checked,
      stdin: ui.stdin.value,
      futures: current?.futures === true,
      signal: controller.signal,
      onOutput: (text, stream, rank) => print(text, rank < 0 ? 'launcher' : stream === 'stderr' ? 'stderr' : ''),
      onFile: (file, data) => showPicture(file, data),
    });
    code = result.code;
  } catch (e) {
    // A compile error, or a page that cannot run ranks: said as the CLI says its own errors.
    print(`mpi4ts: ${e instanceof Error ? e.message : String(e)}`, 'launcher');
    code = 1;
  }
  flushOutput();
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  ui.status.textContent = `${code === 0 ? 'done' : code === 130 ? 'stopped' : `exit status ${code}`} after ${seconds} s`;
  job = null;
  setState('done', code);
}

// ---- start -----------------------------------------------------------------------

async function start(): Promise<void> {
  for (let n = 1; n <= MAX_NP; n++) ui.np.append(new Option(String(n), String(n)));
  ui.np.value = '4';
  if (!globalThis.crossOriginIsolated) {
    showNotice('This page is not cross-origin isolated, so the ranks cannot share memory and programs cannot run. ' +
      'The server must send <code>Cross-Origin-Opener-Policy: same-origin</code> and ' +
      '<code>Cross-Origin-Embedder-Policy: require-corp</code> (<code>npx mpi4ts playground</code> does; see docs/playground.md).');
  }
  loadRuntime().catch((e: Error) => showNotice(e.message.replace(/&/g, '&amp;').replace(/</g, '&lt;')));

  manifest = JSON.parse(await fetchText('examples/index.json')) as Manifest;
  const libs = await Promise.all(manifest.lib.map(async (f) => [`./lib/${f}`, await fetchText(`examples/lib/${f}`)] as const));
  libFiles = Object.fromEntries(libs);
  renderList();

  ui.editor.addEventListener('input', () => { markEdited(); updateShare(); });
  ui.editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void runProgram(); return; }
    if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
    e.preventDefault(); // indent, not leave the editor
    ui.editor.setRangeText('  ', ui.editor.selectionStart, ui.editor.selectionEnd, 'end');
    markEdited();
  });
  ui.revert.addEventListener('click', () => { ui.editor.value = pristine; markEdited(); updateShare(); });
  ui.np.addEventListener('change', updateShare);
  ui.tag.addEventListener('change', updateShare);
  ui.args.addEventListener('input', updateShare);
  ui.stdin.addEventListener('input', updateShare);
  ui.run.addEventListener('click', () => { void runProgram(); });
  ui.stop.addEventListener('click', () => job?.abort());

  const q = new URLSearchParams(location.search);
  const name = q.get('example') ?? 'helloworld';
  const ex = manifest.examples.find((e) => e.name === name);
  const fallback = manifest.examples[0]!;
  const npText = q.get('np');
  const np = npText !== null && /^\d+$/.test(npText) && Number(npText) >= 1 && Number(npText) <= MAX_NP ? Number(npText) : (ex ?? fallback).np;
  if (q.get('tag') === '1') ui.tag.checked = true;
  await selectExample(ex ?? fallback, np);
  if (ex === undefined) showNotice(`No example named “${name.replace(/</g, '&lt;')}”; the examples are listed on the left.`);
  if (npText !== null && String(np) !== npText) showNotice(`np=${npText.replace(/</g, '&lt;')}: the ranks go from 1 to ${MAX_NP}; running ${np}.`);
  if (q.has('args')) ui.args.value = q.get('args')!;
  if (q.has('stdin')) ui.stdin.value = q.get('stdin')!;
  updateShare();
  setState('ready');
  if (q.get('run') === '1' && ex !== undefined) await runProgram();
}

start().catch((e: unknown) => {
  showNotice(`The playground did not start: ${String(e instanceof Error ? e.message : e).replace(/</g, '&lt;')}`);
  document.body.dataset['state'] = 'broken';
});
