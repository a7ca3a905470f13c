// piscina worker for bench/peer/futures_piscina.ts: the trivial task, and a chunk of them.
export default function inc(x) {
  return x + 1;
}

export function chunk(xs) {
  return xs.map(inc);
}
