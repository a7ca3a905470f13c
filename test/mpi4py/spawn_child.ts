/**
 * Port of mpi4py's test/spawn_child.py: the child test_spawn starts. It
 * meets its parents, disconnects, and checks that the parent is COMM_NULL
 * from then on. (Its argument, mpi4py's path in Python, is unused here.)
 */
import { MPI } from 'mpi4ts';

let parent = MPI.Comm.Get_parent();
parent.Barrier();
parent.Disconnect();
if (!parent.isNull) throw new Error('spawn_child: the parent is not COMM_NULL after Disconnect');
parent = MPI.Comm.Get_parent();
if (!parent.isNull) throw new Error('spawn_child: Get_parent is not COMM_NULL after Disconnect');
