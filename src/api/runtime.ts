/**
 * The process-wide state of the API: the transport chosen at start-up.
 * Created when `mpi4ts` is first imported (mpi4py initialises MPI on import).
 */
import type { Transport } from '../transport/spi.js';
import { selectTransport } from '../transport/select.js';

class Runtime {
  #transport: Transport | null = null;
  initialized = false;
  finalized = false;

  get transport(): Transport {
    if (this.#transport === null) {
      this.#transport = selectTransport();
      this.initialized = true;
    }
    return this.#transport;
  }
}

export const runtime = new Runtime();
