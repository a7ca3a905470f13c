/**
 * node:worker_threads in a browser. In a rank (a Web Worker started by
 * web-threads.ts) workerData is its bootstrap record, set by
 * src/browser/rank.ts before the runtime starts, and parentPort posts to
 * the page. A rank cannot start threads of its own, and cannot read a port
 * while it blocks: the engine runs in arena mode there (mailbox.ts).
 */
export let workerData: unknown = null;
export let isMainThread = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
export let threadId = 0;

interface Port { postMessage(m: unknown, transfer?: unknown[]): void }
export let parentPort: Port | null = null;

/** The rank entry's part: this thread is a rank with this bootstrap data. */
export function becomeRank(data: unknown, id: number): void {
  workerData = data;
  threadId = id;
  isMainThread = false;
  parentPort = { postMessage: (m, transfer) => (globalThis as unknown as Port).postMessage(m, transfer) };
}

export const MessageChannel = globalThis.MessageChannel;
export const MessagePort = globalThis.MessagePort;
export const BroadcastChannel = globalThis.BroadcastChannel;

export function receiveMessageOnPort(_port: unknown): never {
  throw new Error('receiveMessageOnPort is not available in a browser (the embedded engine runs in arena mode there)');
}

export class Worker {
  constructor() {
    throw new Error('worker_threads.Worker is not available in a rank in a browser');
  }
}

export default {
  get workerData() { return workerData; }, get parentPort() { return parentPort; }, get isMainThread() { return isMainThread; },
  get threadId() { return threadId; }, MessageChannel, MessagePort, BroadcastChannel, receiveMessageOnPort, Worker,
};
