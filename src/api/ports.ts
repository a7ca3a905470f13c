/**
 * Ports and the name service (MPI_Open_port, _Close_port, _Publish_name,
 * _Unpublish_name, _Lookup_name), and the checks of the port arguments of
 * Intracomm.Accept/Connect and Comm.Join. The collective parts are in
 * src/coll/ports.ts.
 */
import type { PortService } from '../transport/spi.js';
import { ERR_PORT, ERR_SERVICE, ERR_UNSUPPORTED_OPERATION, MpiFailure } from '../core/errorcodes.js';
import { describe } from './args.js';
import { fail, raise } from './errors.js';
import { infoArg } from './info.js';
import { runtime } from './runtime.js';


/** The transport's ports, or ERR_UNSUPPORTED_OPERATION in a process that has none. */
export function portService(routine: string): PortService {
  const p = runtime.transport.ports;
  if (p === undefined) fail(routine, ERR_UNSUPPORTED_OPERATION, 'ports and names need the launcher, and this process runs alone (start it with `mpi4ts -n N`)');
  return p;
}

/** A port name argument: a non-empty string (MpiFailure, not Exception: it may be checked inside a collective). */
export function portName(routine: string, port: unknown, label = 'port_name'): string {
  if (typeof port !== 'string') throw new TypeError(`${routine}: ${label} must be a string (a name from MPI.Open_port), got ${describe(port)}`);
  if (port === '') throw new MpiFailure(ERR_PORT, `${label} is empty: not a port name from MPI.Open_port`);
  return port;
}

function serviceName(routine: string, service: unknown): string {
  if (typeof service !== 'string') throw new TypeError(`${routine}: service_name must be a string, got ${describe(service)}`);
  if (service === '') fail(routine, ERR_SERVICE, 'service_name is empty');
  return service;
}

/** Run a call of the port service, its failures as MPI.Exception. */
function call<T>(routine: string, f: () => T): T {
  try { return f(); } catch (e) { return raise(routine, e); }
}

/** A new port other processes can Connect to, to be Accepted here: `MPI_Open_port`. */
export function Open_port(info: unknown = null): string {
  const hints = infoArg('Open_port', info);
  const ports = portService('Open_port');
  return call('Open_port', () => ports.openPort(hints));
}

/** Close a port this process opened: `MPI_Close_port`. */
export function Close_port(port_name: string): void {
  const port = call('Close_port', () => portName('Close_port', port_name));
  const ports = portService('Close_port');
  call('Close_port', () => ports.closePort(port));
}

/** Publish `port_name` under `service_name`, for Lookup_name in any process of the job: `MPI_Publish_name`. */
export function Publish_name(service_name: string, port_name: string, info: unknown = null): void {
  const service = serviceName('Publish_name', service_name);
  const port = call('Publish_name', () => portName('Publish_name', port_name));
  const hints = infoArg('Publish_name', info);
  const ports = portService('Publish_name');
  call('Publish_name', () => ports.publishName(service, port, hints));
}

/** Withdraw a name Publish_name published: `MPI_Unpublish_name`. */
export function Unpublish_name(service_name: string, port_name: string, info: unknown = null): void {
  const service = serviceName('Unpublish_name', service_name);
  const port = call('Unpublish_name', () => portName('Unpublish_name', port_name));
  const hints = infoArg('Unpublish_name', info);
  const ports = portService('Unpublish_name');
  call('Unpublish_name', () => ports.unpublishName(service, port, hints));
}

/** The port name published under `service_name` (ERR_NAME if there is none): `MPI_Lookup_name`. */
export function Lookup_name(service_name: string, info: unknown = null): string {
  const service = serviceName('Lookup_name', service_name);
  const hints = infoArg('Lookup_name', info);
  const ports = portService('Lookup_name');
  return call('Lookup_name', () => ports.lookupName(service, hints));
}

/**
 * The file descriptor of Join's socket: a number, or a connected
 * net.Socket, which stops reading so that Join reads the other side's
 * answer (Node.js reads a socket as soon as it connects).
 */
export function joinDescriptor(fd: unknown): number {
  if (typeof fd === 'number') {
    if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`Join: fd must be a file descriptor (an integer >= 0), got ${fd}`);
    return fd;
  }
  const handle = (fd as { _handle?: { fd?: unknown; reading?: boolean; readStop?: () => number } } | null)?._handle;
  if (handle === null || handle === undefined || typeof handle.fd !== 'number' || handle.fd < 0) {
    throw new TypeError(`Join: fd must be a file descriptor or a connected net.Socket, got ${describe(fd)}`);
  }
  if (handle.reading) {
    handle.reading = false;
    handle.readStop?.();
  }
  return handle.fd;
}
