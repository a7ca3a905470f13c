"""The seed's helloworld.py (seed 000), Python 3 spelling; the peer of examples/helloworld.ts in bench/startup.mjs."""
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
name = MPI.Get_processor_name()
print("Hello. This is rank " + str(rank) + " of " + str(size) + " on processor " + name)
