// A forwarding HTTP proxy on 127.0.0.1:0 for tests: absolute-URI requests (plain http targets)
// and CONNECT tunnels (https targets), with a log of every request it forwarded and the headers
// it saw. Test support only; no caching, no auth.

import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Absolute URL for forwarded requests; `host:port` for CONNECT. */
  target: string;
  /** `host:port` of the target. */
  host: string;
  headers: IncomingHttpHeaders;
}

export interface TestProxy {
  /** e.g. http://127.0.0.1:4567 */
  readonly url: string;
  readonly requests: ProxiedRequest[];
  /** Requests whose target host:port is `host` (e.g. new URL(gh.apiUrl).host), or all. */
  count(host?: string): number;
  close(): Promise<void>;
}

const HOP_BY_HOP = ['proxy-authorization', 'proxy-connection', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade'];

export async function startProxy(): Promise<TestProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    requests.push({ method: req.method ?? 'GET', target: target.toString(), host: target.host, headers: { ...req.headers } });
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // An upstream cut must reach the client as a cut, not as a clean end.
        answer.on('aborted', () => res.destroy());
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('bad gateway')));
    req.pipe(upstream);
  });

  server.on('connect', (req, client: Socket, head: Buffer) => {
    const hostPort = req.url ?? '';
    requests.push({ method: 'CONNECT', target: hostPort, host: hostPort, headers: { ...req.headers } });
    const [host, port] = hostPort.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const closeBoth = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', closeBoth);
    client.on('error', closeBoth);
    upstream.on('close', closeBoth);
    client.on('close', closeBoth);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (host) => requests.filter((r) => host === undefined || r.host === host).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
