/**
 * The review page's server: node's http on 127.0.0.1 only (never another interface),
 * on a free port unless one is given, with a fresh random token in its URL.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { Gradebook } from "../gradebook/gradebook";
import { handleReview, type ReviewContext } from "./handler";
import type { Prompts } from "./prompts";

export interface ReviewServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A form is a few fields and a comment: anything larger is refused before it is read whole. */
const MAX_BODY_BYTES = 64 * 1024;

export function startReviewServer(options: {
  gradebook: Gradebook;
  prompts: Prompts;
  port?: number;
  token?: string;
}): Promise<ReviewServer> {
  const token = options.token ?? randomBytes(24).toString("hex");
  let context: ReviewContext | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { "content-type": "text/plain; charset=utf-8" }).end("the form is too large.\n");
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (res.writableEnded || context === undefined) return;
      try {
        const reply = handleReview(context, {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        res.writeHead(reply.status, reply.headers).end(req.method === "HEAD" ? undefined : reply.body);
      } catch (error) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`the review server failed: ${(error as Error).message}\n`);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
      context = { gradebook: options.gradebook, prompts: options.prompts, token, host: `127.0.0.1:${port}` };
      resolve({
        url: `http://127.0.0.1:${port}/?token=${token}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
