// Object collectives as mpi4py programs write them: the root passes the
// data, the others null, and every rank gets a typed result.
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();

interface Config { steps: number; name: string }

// bcast: null off the root, the result is the root's type.
const config = comm.bcast<Config>(rank === 0 ? { steps: 10, name: 'run' } : null);
const steps: number = config.steps;
// Inferred from the root's value without a type argument.
const inferred = comm.bcast(rank === 0 ? { steps: 1, name: 'x' } : null, 0);
const name: string = inferred.name;
// undefined off the root (a `let data;` filled at the root) is accepted too.
let data: number[] | undefined;
if (rank === 0) data = [1, 2, 3];
const all: number[] = comm.bcast(data);

// scatter: a list at the root, null elsewhere; each rank gets one item.
const mine: number = comm.scatter<number>(rank === 0 ? Array.from({ length: size }, (_, i) => i * i) : null);
const chunk = comm.scatter(rank === 0 ? [['a'], ['b']] : null);
const first: string | undefined = chunk[0];

// gather/reduce: a list/value at the root, undefined elsewhere.
const gathered: number[] | undefined = comm.gather(rank);
if (gathered !== undefined) { const sum: number = gathered.reduce((a, b) => a + b, 0); void sum; }
const total: number | undefined = comm.reduce(rank, MPI.SUM, 0);
const everywhere: number = comm.allreduce(rank, MPI.MAX);
const prefix: number = comm.scan(rank);
const before: number | undefined = comm.exscan(rank);

// allgather/alltoall: a list on every rank.
const names: string[] = comm.allgather(`rank ${rank}`);
const swapped: number[] = comm.alltoall(Array.from({ length: size }, () => rank));

// Non-blocking broadcast: an awaitable typed request.
const req = comm.ibcast<Config>(rank === 0 ? config : null);
const later: Config = req.wait();

// Intercommunicators: the root's group gets null (bcast) or undefined (scatter).
declare const inter: MPI.Intercomm;
const fromOther: Config | null = inter.bcast<Config>(null, MPI.ROOT);
const item: number | undefined = inter.scatter<number>(null, 0);
const interAll: number[] = inter.allgather(rank);

// Topology communicators inherit the intracommunicator's signatures.
const cart = comm.Create_cart([size], [true]);
const fromCart: number = cart.bcast<number>(rank === 0 ? 1 : null);
const neighbours: (number | null)[] = cart.neighbor_allgather(rank);

// Blocking point-to-point: the received type is named at the call.
comm.send({ steps: 1, name: 'a' }, (rank + 1) % size, 3);
const got = comm.recv<Config>(MPI.ANY_SOURCE, 3);
const status = new MPI.Status();
const echoed: string = comm.sendrecv<string>('ping', (rank + 1) % size, 0, MPI.ANY_SOURCE, 0, status);

void [fromCart, neighbours, got.steps, echoed];
void [steps, name, all, mine, first, total, everywhere, prefix, before, names, swapped, later, fromOther, item, interAll];

// ---- misuse that must not compile -------------------------------------------

// @ts-expect-error the result of bcast<Config> is a Config, not a number
const wrong: number = comm.bcast<Config>(null);
// @ts-expect-error scatter takes a list at the root, not a single value
comm.scatter<number>(5);
// @ts-expect-error gather's result is undefined off the root: it must be checked
const unchecked: number[] = comm.gather(rank);
// @ts-expect-error an intercommunicator's bcast is null in the root's group
const notNull: Config = inter.bcast<Config>(null, MPI.ROOT);
// @ts-expect-error reduce takes an MPI.Op, not an operator name
comm.reduce(rank, 'sum');
void [wrong, unchecked, notNull];
