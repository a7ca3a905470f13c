// Buffer specs: a datatype is an MPI.Datatype or one of the type codes mpi4ts knows.
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
const buf = new Int32Array(8);
const dbl = new Float64Array(8);

comm.Send([buf, 'i'], 1);
comm.Send([buf, 4, 'i4'], 1);
comm.Send([dbl, [2, 2], 'f8'], 1);
comm.Send([dbl, 2, 0, 'd'], 1);
comm.Send([buf, MPI.INT], 1);
comm.Bcast([new BigInt64Array(2), 'q']);
comm.Allreduce([dbl, 'D'], [new Float64Array(8), MPI.C_DOUBLE_COMPLEX]);
const code: MPI.Typecode = 'u8';
const spec: MPI.DatatypeSpec = code;
comm.Recv([new BigUint64Array(1), spec], 0);
const codes: MPI.Typecode[] = ['c', 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'f', 'd', '?',
  'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'f4', 'f8', 'F', 'D', 'c8', 'c16'];
void codes;

// ---- misuse that must not compile -------------------------------------------

// @ts-expect-error 'int' is no type code (mpi4py's is 'i')
comm.Send([buf, 'int'], 1);
// @ts-expect-error a typo in a type code
comm.Send([dbl, 8, 'f16'], 1);
declare const anyString: string;
// @ts-expect-error an arbitrary string is not a DatatypeSpec
const fromString: MPI.DatatypeSpec = anyString;
void fromString;
