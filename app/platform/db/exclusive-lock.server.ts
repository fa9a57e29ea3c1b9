import { now } from "../time/clock.ts";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export class DatabaseLockedError extends Error {}

export interface Holder {
  pid: number;
  since: string;
  command: string;
}

/**
 * The address of an exclusive lock: a socket address that only one process can listen on, and that the kernel frees
 * when that process dies (kill -9 included). On Linux an abstract socket (no file, nothing left behind); on Windows a
 * named pipe; elsewhere a socket file in the temporary directory, taken over when nobody answers on it.
 */
export function lockAddress(key: string): { address: string; file: boolean } {
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 32);
  if (process.platform === "linux") return { address: `\0nentangso-lock-${hash}`, file: false };
  if (process.platform === "win32") return { address: `\\\\?\\pipe\\nentangso-lock-${hash}`, file: false };
  return { address: path.join(os.tmpdir(), `nentangso-lock-${hash}.sock`), file: true };
}

function listen(server: net.Server, address: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const onError = (e: NodeJS.ErrnoException) => resolve(e);
    server.once("error", onError);
    server.listen(address, () => {
      server.off("error", onError);
      resolve(undefined);
    });
  });
}

/** Asks the process listening on the lock who it is; undefined when nobody answers (a socket file left by a crash). */
function askHolder(address: string): Promise<Holder | undefined | "silent"> {
  return new Promise((resolve) => {
    let text = "";
    const socket = net.connect(address);
    const done = (value: Holder | undefined | "silent") => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(3000, () => done("silent"));
    socket.on("data", (d) => (text += d));
    socket.on("end", () => {
      try {
        done(JSON.parse(text) as Holder);
      } catch {
        done("silent");
      }
    });
    socket.on("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" || e.code === "ENOENT" ? undefined : "silent"));
  });
}

export type LockAttempt = { release: () => void } | { holder: Holder | "silent" };

/**
 * Takes the lock named by `key` unless a live process holds it; then says who (its pid and command, as it answers on
 * the lock; "silent" when it does not answer, e.g. while its event loop is busy). Never waits.
 */
export async function tryExclusiveLock(key: string): Promise<LockAttempt> {
  const { address, file } = lockAddress(key);
  const me: Holder = {
    pid: process.pid,
    since: now().toISOString(),
    command: [path.basename(process.argv0), ...process.argv.slice(1).map((a) => path.relative(process.cwd(), a) || a)].join(" ").slice(0, 200),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    const server = net.createServer((socket) => socket.end(JSON.stringify(me)));
    const error = await listen(server, address);
    if (!error) {
      server.unref();
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          server.close();
        },
      };
    }
    if (error.code !== "EADDRINUSE") throw error;
    const other = await askHolder(address);
    if (other !== undefined) return { holder: other };
    // Only a socket file can outlive its process (abstract sockets and pipes cannot): a crash left it behind.
    if (!file) return { holder: "silent" };
    fs.rmSync(address, { force: true });
  }
  return { holder: "silent" };
}

export function describeHolder(holder: Holder | "silent"): string {
  return holder === "silent" ? "another process" : `process ${holder.pid} (${holder.command}, since ${holder.since})`;
}

/**
 * PGlite has no server: two processes opening one directory both succeed and silently lose writes. This exclusive
 * lock makes the second one fail loudly instead (decision 001). The returned function releases it; the kernel
 * releases it anyway when the process ends, however it ends.
 */
export async function lockDataDir(dir: string): Promise<() => void> {
  fs.mkdirSync(dir, { recursive: true });
  const attempt = await tryExclusiveLock(`pglite:${fs.realpathSync(dir)}`);
  if ("holder" in attempt) {
    throw new DatabaseLockedError(
      `The embedded database in ${dir} is already open in ${describeHolder(attempt.holder)}.\n` +
        `Only one process may use it at a time: stop that process first (for example the running "npm start"), ` +
        `or set DATABASE_URL to use a PostgreSQL server, which many processes can share.`,
    );
  }
  // A pid file from before this lock existed would only confuse whoever reads the directory.
  fs.rmSync(`${dir}.lock`, { force: true });
  return attempt.release;
}
