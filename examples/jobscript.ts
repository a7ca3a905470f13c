// Port of example.py from seed 003 (W&M HPC "Python & MPI" job script
// example): every rank says hello; rank 0 builds a list of 1000 random
// parameters and sends the first 100 to rank 1 with tag 11; rank 1 loads a
// CSV data set (here with plain Node code instead of pandas) and prints the
// list it received.
// Run with: npx mpi4ts -n 4 examples/jobscript.ts
// (The seed's job asks for 24 processes: npx mpi4ts -n 24 examples/jobscript.ts
// works too; only ranks 0 and 1 do anything after the greeting.)
import * as fs from 'node:fs';
import { MPI } from 'mpi4ts';
import { pyList } from './lib/pyformat.ts';

/** A data frame, pandas-style in spirit: column names and rows of strings or numbers. */
interface Table { columns: string[]; rows: Record<string, string | number>[] }

/** Read a simple CSV (header line, comma-separated, no quoted fields), like pd.read_csv. */
function readCsv(file: URL | string): Table {
  const text = fs.readFileSync(file, 'utf8');
  const [header, ...body] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = header!.split(',').map((c) => c.trim());
  const rows = body.map((line) => {
    const cells = line.split(',');
    const row: Record<string, string | number> = {};
    columns.forEach((c, i) => {
      const v = (cells[i] ?? '').trim();
      row[c] = v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
    });
    return row;
  });
  return { columns, rows };
}

const comm = MPI.COMM_WORLD;
const comm_size = comm.Get_size();
const comm_rank = comm.Get_rank();
void comm_size; void comm_rank; // the seed calls comm.Get_size()/Get_rank() again below

// Note that comm.Get_size() is the number of ranks given to mpi4ts -n
// (in the seed's job script it is 24: 2 nodes, 12 cores each).
console.log('Hello from ' + String(comm.Get_rank()) + '.  There are a total of ' + String(comm.Get_size()) + ' of us.  Good luck.');

if (MPI.COMM_WORLD.Get_rank() === 0) {
  console.log('I am the rank 0 node.  Code you write here will only execute on this process.');
  console.log('This is frequently used to create a master node that collects results from other nodes.');

  // I can send anything I want to other processes - for example:
  const param_list: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const C = Math.random() * 10;
    param_list.push(C);
  }
  comm.send(param_list.slice(0, 100), { dest: 1, tag: 11 });
}

if (MPI.COMM_WORLD.Get_rank() === 1) {
  // I want to load the data on individual nodes -
  // not send it over the network, as that is much slower.
  const data = readCsv(new URL('./data/studentpor_bigger.csv', import.meta.url));
  void data; // loaded but not used further, as in the seed
  const parameters = comm.recv<number[]>({ source: 0, tag: 11 });
  console.log(pyList(parameters));
}
