// Port of the guessing game from seed 004 ("Using mpi4py for actual parallel
// computing"): every rank guesses digits 0-9 until all of them have been
// guessed by someone; a guess scores when no rank had guessed that digit
// yet. The ranks keep the list of guessed digits in step with allreduce of
// lists (the default op, MPI.SUM, concatenates lists as Python's + does) and
// drop the duplicates with list(set(...)).
// Run with: npx mpi4ts -n 4 examples/guessing_game.ts
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
const [size, rank] = [comm.Get_size(), comm.Get_rank()];
void size;

/** list(set(xs)) */
const unique = (xs: number[]): number[] => [...new Set(xs)];

let final_list = [0];

let i = 0;
let j = 0;

while (final_list.length < 10) {
  i += 1;
  const trial_n = Math.floor(Math.random() * 10); // np.random.randint(10)

  console.log(`rank ${rank} guessed ${trial_n} on guess ${i}; has ${j} points`);

  // this is the comminication part, it syncs the list between processes
  final_list = unique(comm.allreduce(final_list));

  if (!final_list.includes(trial_n)) {
    j += 1;

    final_list = [...final_list, trial_n];

    // this is the comminication part, it syncs the list between processes
    final_list = unique(comm.allreduce(final_list));

    console.log(`rank${rank} guess${i} scores!`);
  }
}

console.log(`rank ${rank} got ${j} points with ${i} guesses`);
