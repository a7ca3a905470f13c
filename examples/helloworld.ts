// Run with: npx mpi4ts -n 4 examples/helloworld.ts
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const name = MPI.Get_processor_name();

console.log(`Hello. This is rank ${rank} of ${size} on processor ${name}`);
