/** node:events in a browser: the `events` package. */
import EventEmitter from 'events';

export default EventEmitter;
export { EventEmitter };
export const { once } = EventEmitter as unknown as { once: (emitter: unknown, name: string) => Promise<unknown[]> };
