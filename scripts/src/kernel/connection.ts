/**
 * Connection files: how a Jupyter client tells a kernel where to listen and which key
 * signs its messages. We use TCP on the loopback interface with fresh ports and a
 * random key, written with owner-only permissions because the key lets anyone who
 * reads it run code in the kernel. (The grader's sandbox, which has no network, uses
 * Unix sockets: Jupyter's "ipc" transport, see sandbox/sandbox.ts.)
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { KernelConnection } from "nncourse/dist/kernel/server";

/** A connection file as the course tools write it: the kernel's own shape (lib/kernel/server.ts), always signed. */
export interface ConnectionInfo extends KernelConnection {
  signature_scheme: "hmac-sha256";
  kernel_name?: string;
}

export type Channel = "shell" | "iopub" | "stdin" | "control" | "hb";

export const LOOPBACK = "127.0.0.1";

/**
 * Asks the operating system for `count` distinct free ports. All servers stay open
 * until every port is known, so the same port cannot be handed out twice; another
 * process could still take one before the kernel binds it, which the kernel's start
 * timeout then reports.
 */
export async function freePorts(count: number, host = LOOPBACK): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const server = createServer();
        server.unref();
        server.once("error", reject);
        server.listen(0, host, () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("could not read a free port's number");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Fresh connection info: five free loopback ports and a random 256-bit key. */
export async function newConnectionInfo(): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  return {
    transport: "tcp",
    ip: LOOPBACK,
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
  };
}

export function channelAddress(info: ConnectionInfo, channel: Channel): string {
  return `${info.transport}://${channelEndpoint(info, channel)}`;
}

/** Where a channel listens, as Jupyter names it: "<ip>:<port>" for tcp, the socket file "<ip>-<port>" for ipc. */
export function channelEndpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  return info.transport === "ipc" ? `${info.ip}-${port}` : `${info.ip}:${port}`;
}

/**
 * Writes the connection file, by default readable by its owner only (the grader's
 * sandbox, which mounts it for another user, keeps it in a folder only it can open).
 */
export function writeConnectionFile(path: string, info: ConnectionInfo, mode = 0o600): void {
  writeFileSync(path, JSON.stringify(info, null, 1) + "\n", { mode });
}
