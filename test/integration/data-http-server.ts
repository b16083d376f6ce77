/**
 * A small HTTP server on 127.0.0.1 for the `course data fetch` tests: serves files from
 * memory with Range support, and can cut a response off midway, ignore Range, or
 * redirect, recording every request it gets.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Route {
  body?: Buffer;
  /** Cut the first full (non-range) response off after this many bytes of body. */
  cutFirstAfter?: number;
  /** Answer every request with the whole file (200), as servers without Range support do. */
  ignoreRange?: boolean;
  /** Answer 302 with this location. */
  redirect?: string;
  /** Answer with this status and no body. */
  status?: number;
}

export interface TestServer {
  url: string;
  requests: { path: string; range?: string; status: number }[];
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const cut = new Set<string>();
  const server = http.createServer((req, res) => {
    const route = routes[req.url ?? ""];
    const range = req.headers.range;
    const log = (status: number) => requests.push({ path: req.url ?? "", range, status });
    if (!route) {
      log(404);
      res.writeHead(404).end("not found");
      return;
    }
    if (route.status) {
      log(route.status);
      res.writeHead(route.status).end();
      return;
    }
    if (route.redirect) {
      log(302);
      res.writeHead(302, { location: route.redirect }).end();
      return;
    }
    const body = route.body ?? Buffer.alloc(0);
    const match = range && !route.ignoreRange ? /^bytes=(\d+)-$/.exec(range) : null;
    if (match) {
      const start = Number(match[1]);
      if (start >= body.length) {
        log(416);
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
      log(206);
      res.writeHead(206, {
        "content-length": body.length - start,
        "content-range": `bytes ${start}-${body.length - 1}/${body.length}`,
        "accept-ranges": "bytes",
      });
      res.end(body.subarray(start));
      return;
    }
    log(200);
    res.writeHead(200, { "content-length": body.length, "accept-ranges": route.ignoreRange ? "none" : "bytes" });
    if (route.cutFirstAfter !== undefined && !cut.has(req.url ?? "")) {
      cut.add(req.url ?? "");
      // Send part of the body, then drop the connection once it has gone out.
      res.write(body.subarray(0, route.cutFirstAfter), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (a server's, just closed). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
