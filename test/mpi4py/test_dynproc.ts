/**
 * Port of mpi4py's test/test_dynproc.py.
 *
 * Python's sockets are Node.js's net module here: the server listens and
 * accepts asynchronously (the test awaits), its accepted socket starts
 * paused (`pauseOnConnect`), and Join gets the client as a net.Socket
 * (mpi4ts then stops its reading) and the server's side as its file
 * descriptor; complex numbers, which JavaScript lacks, are objects
 * { real, imag }, tuples arrays and dicts objects.
 */
import * as net from 'node:net';
import * as os from 'node:os';
import * as dns from 'node:dns/promises';
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Intercomm = InstanceType<typeof MPI.Intercomm>;

const message: unknown[] = [
  null,
  true,
  false,
  -7,
  0,
  7,
  -(2n ** 63n) + 1n,
  2n ** 63n - 1n,
  -2.17,
  0.0,
  +1.62,
  { real: 1, imag: 2 },
  { real: 2, imag: -3 },
  'mpi4py',
  [1, 2, 3],
  [1, 2, 3],
  { 1: 2 },
];

export class TestDPM extends TestCase {
  static override skip: string | null = MPI.COMM_WORLD.Get_size() < 2 ? 'mpi-world-size<2' : null;

  testNamePublishing(): void {
    const rank = MPI.COMM_WORLD.Get_rank();
    const service = `mpi4py-${rank}`;
    const port = MPI.Open_port();
    MPI.Publish_name(service, port);
    const found = MPI.Lookup_name(service);
    this.assertEqual(port, found);
    MPI.Unpublish_name(service, port);
    MPI.Close_port(port);
  }

  testAcceptConnect(): void {
    const comm_self = MPI.COMM_SELF;
    const comm_world = MPI.COMM_WORLD;
    const wrank = comm_world.Get_rank();
    const group_world = comm_world.Get_group();
    const group = group_world.Excl([0]);
    group_world.Free();
    const comm = comm_world.Create(group);
    group.Free();
    if (wrank === 0) {
      this.assertTrue(comm.isNull);
    } else {
      this.assertFalse(comm.isNull);
      this.assertEqual(comm.size, comm_world.size - 1);
      this.assertEqual(comm.rank, comm_world.rank - 1);
    }
    let intercomm: Intercomm;
    if (wrank === 0) {
      const port = MPI.Open_port();
      comm_world.send(port, 1);
      intercomm = comm_self.Accept(port);
      this.assertEqual(intercomm.remote_size, comm_world.size - 1);
      this.assertEqual(intercomm.size, 1);
      this.assertEqual(intercomm.rank, 0);
      MPI.Close_port(port);
    } else {
      const port = wrank === 1 ? comm_world.recv(0) as string : null;
      intercomm = comm.Connect(port, null, 0);
      this.assertEqual(intercomm.remote_size, 1);
      this.assertEqual(intercomm.size, comm_world.size - 1);
      this.assertEqual(intercomm.rank, comm.rank);
      comm.Free();
    }
    const received = intercomm.bcast(wrank === 0 ? message : null, wrank === 0 ? MPI.ROOT : 0);
    if (wrank === 0) this.assertIsNone(received);
    else this.assertEqual(received, message);
    intercomm.Free();
  }

  testConnectAccept(): void {
    const comm_self = MPI.COMM_SELF;
    const comm_world = MPI.COMM_WORLD;
    const wrank = comm_world.Get_rank();
    const group_world = comm_world.Get_group();
    const group = group_world.Excl([0]);
    group_world.Free();
    const comm = comm_world.Create(group);
    group.Free();
    if (wrank === 0) {
      this.assertTrue(comm.isNull);
    } else {
      this.assertFalse(comm.isNull);
      this.assertEqual(comm.size, comm_world.size - 1);
      this.assertEqual(comm.rank, comm_world.rank - 1);
    }
    let intercomm: Intercomm;
    if (wrank === 0) {
      const port = comm_world.recv(1) as string;
      intercomm = comm_self.Connect(port);
      this.assertEqual(intercomm.remote_size, comm_world.size - 1);
      this.assertEqual(intercomm.size, 1);
      this.assertEqual(intercomm.rank, 0);
    } else {
      let port = '';
      if (wrank === 1) {
        port = MPI.Open_port();
        comm_world.send(port, 0);
      }
      intercomm = comm.Accept(port, null, 0);
      if (wrank === 1) MPI.Close_port(port);
      this.assertEqual(intercomm.remote_size, 1);
      this.assertEqual(intercomm.size, comm_world.size - 1);
      this.assertEqual(intercomm.rank, comm.rank);
      comm.Free();
    }
    const received = intercomm.bcast(wrank === 0 ? message : null, wrank === 0 ? MPI.ROOT : 0);
    if (wrank === 0) this.assertIsNone(received);
    else this.assertEqual(received, message);
    intercomm.Free();
  }

  async testJoin(): Promise<void> {
    const rank = MPI.COMM_WORLD.Get_rank();
    let server: net.Server | null = null;
    let client: net.Socket | null = null;
    const host = os.hostname();
    const addrinfo = await dns.lookup(host, { all: true }).catch(() => []);
    const addr_families = addrinfo.map((info) => info.family);
    // if both INET and INET6 are available, don't assume the order
    // is the same on both server and client. Prefer INET if available.
    let addr_family: number | null = null;
    if (addr_families.includes(4)) addr_family = 4;
    else if (addr_families.includes(6)) addr_family = 6;
    addr_family = MPI.COMM_WORLD.bcast(addr_family, 0);
    let supported = addr_family !== null && addr_families.includes(addr_family);
    supported = MPI.COMM_WORLD.allreduce(supported, MPI.LAND) as boolean;
    if (!supported) this.skipTest('socket-inet');
    const address_of = addrinfo.find((info) => info.family === addr_family)!.address;
    // create server/client sockets
    let accepted: Promise<net.Socket> | null = null;
    if (rank === 0) { // server
      const s = net.createServer({ pauseOnConnect: true });
      server = s;
      accepted = new Promise((resolve) => s.once('connection', resolve));
      await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(0, address_of, resolve); });
    }
    // communicate address
    let address: [string, number] = ['0.0.0.0', 0];
    if (rank === 0) {
      const a = server!.address() as net.AddressInfo;
      address = [a.address, a.port];
      MPI.COMM_WORLD.ssend(address, 1);
    }
    if (rank === 1) address = MPI.COMM_WORLD.recv(0) as [string, number];
    MPI.COMM_WORLD.Barrier();
    // stablish client/server connection
    let connected = false;
    if (rank === 1) { // client
      const c = net.connect({ host: address[0], port: address[1] });
      client = c;
      await new Promise<void>((resolve, reject) => { c.once('error', reject); c.once('connect', resolve); });
      connected = true;
    }
    let serverSide: net.Socket | null = null;
    if (rank === 0) { // server
      serverSide = await accepted!;
      server!.close();
    }
    connected = MPI.COMM_WORLD.bcast(connected, 1);
    this.assertTrue(connected);
    // test Comm.Join()
    MPI.COMM_WORLD.Barrier();
    const socket = rank === 0 ? serverSide : client;
    if (socket !== null) {
      // The server's side by its file descriptor (it never read: pauseOnConnect), the client's as a net.Socket.
      const fd = rank === 0 ? (socket as unknown as { _handle: { fd: number } })._handle.fd : socket;
      const intercomm = MPI.Comm.Join(fd as number);
      socket.destroy();
      if (!intercomm.isNull) {
        this.assertEqual(intercomm.remote_size, 1);
        this.assertEqual(intercomm.size, 1);
        this.assertEqual(intercomm.rank, 0);
        const received = intercomm.bcast(rank === 0 ? message : null, rank === 0 ? MPI.ROOT : 0);
        if (rank === 0) this.assertIsNone(received);
        else this.assertEqual(received, message);
        intercomm.Free();
      }
    }
    MPI.COMM_WORLD.Barrier();
  }
}
