// Non-blocking point-to-point: Request<T> carries what completing it yields.
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;

export async function receive(): Promise<void> {
  // await on a typed irecv gives the type, no cast.
  const n: number = await comm.irecv<number>(0);
  const req = comm.irecv<{ x: number[] }>(0, 7);
  const obj = req.wait();
  const xs: number[] = obj.x;
  const [done, maybe] = comm.irecv<string>(MPI.ANY_SOURCE).test();
  if (done && maybe !== undefined) { const s: string = maybe; void s; }
  // Untyped requests stay usable: wait<T>() names the type at the call.
  const untyped: MPI.Request = comm.irecv(1);
  const named: string = untyped.wait<string>();
  // Sends complete with undefined.
  const sent: undefined = await comm.isend({ a: 1 }, 1, 0);
  // Lists: typed requests type the results; untyped ones take the call's type.
  const rs = [comm.irecv<number>(0), comm.irecv<number>(1)];
  const values: number[] = MPI.Request.waitall(rs);
  const loose: MPI.Request[] = [comm.irecv(0)];
  const fromLoose: number[] = MPI.Request.waitall<number>(loose);
  const [index, value] = MPI.Request.waitany(rs);
  const v: number | undefined = value;
  const mixed = MPI.Request.waitall([comm.isend(1, 1), comm.irecv<string>(1)]);
  const m: (string | undefined)[] = mixed;
  // Statuses and the message-probe path.
  const status = new MPI.Status();
  const viaMessage: boolean = await comm.mprobe(0, 0, status).irecv<boolean>();
  // Prequest and Grequest stay Requests.
  const buf = new Float64Array(4);
  const p: MPI.Prequest = comm.Recv_init(buf, 0);
  p.Start();
  const asRequest: MPI.Request = p;
  MPI.Request.Waitall([p, comm.Irecv(buf, 0)]);
  MPI.Prequest.Startall([p]);
  const g = MPI.Grequest.Start<string>();
  g.complete('done');
  const fromG: string = await g;
  const gAsRequest: MPI.Request = g;
  void [n, xs, named, sent, values, fromLoose, index, v, m, viaMessage, asRequest, fromG, gAsRequest];
}

// ---- misuse that must not compile -------------------------------------------

export async function misuse(): Promise<void> {
  // @ts-expect-error irecv<number> resolves to a number, not a string
  const s: string = await comm.irecv<number>(0);
  // @ts-expect-error wait() of a Request<number> is a number
  const b: boolean = comm.irecv<number>(0).wait();
  // @ts-expect-error a Grequest<string> completes with a string
  MPI.Grequest.Start<string>().complete(42);
  // @ts-expect-error the list of waitall holds requests, not values
  MPI.Request.waitall([1, 2]);
  // @ts-expect-error a send completes with undefined, not an object
  const o: object = await comm.isend({}, 1);
  void [s, b, o];
}
