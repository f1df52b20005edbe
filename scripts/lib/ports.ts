// Port helpers: a free port for tests, and a clear error when the wanted one is taken.
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, resolve);
  });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Resolves when host:port can be bound, rejects with a readable message otherwise. */
export async function assertPortFree(port: number, host: string): Promise<void> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is already in use. Stop what uses it or pick another with --port.`
            : `Cannot listen on ${host}:${port}: ${err.message}`,
        ),
      );
    });
    srv.listen(port, host, resolve);
  });
  await new Promise<void>((r) => srv.close(() => r()));
}
