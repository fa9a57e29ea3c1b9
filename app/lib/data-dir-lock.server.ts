import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export class DatabaseLockedError extends Error {}

interface Holder {
  pid: number;
  since: string;
  command: string;
}

/**
 * The name of the lock of one data directory: a socket address that only one process can listen on, and that the
 * kernel frees when that process dies (kill -9 included). On Linux an abstract socket (no file, nothing left behind);
 * on Windows a named pipe; elsewhere a socket file in the temporary directory, taken over when nobody answers on it.
 */
export function lockAddress(dir: string): { address: string; file: boolean } {
  const key = createHash("sha256").update(fs.realpathSync(dir)).digest("hex").slice(0, 32);
  if (process.platform === "linux") return { address: `\0nentangso-pglite-${key}`, file: false };
  if (process.platform === "win32") return { address: `\\\\?\\pipe\\nentangso-pglite-${key}`, file: false };
  return { address: path.join(os.tmpdir(), `nentangso-pglite-${key}.sock`), file: true };
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

function lockedError(dir: string, holder: Holder | "silent"): DatabaseLockedError {
  const who = holder === "silent" ? "another process" : `process ${holder.pid} (${holder.command}, since ${holder.since})`;
  return new DatabaseLockedError(
    `The embedded database in ${dir} is already open in ${who}.\n` +
      `Only one process may use it at a time: stop that process first (for example the running "npm start"), ` +
      `or set DATABASE_URL to use a PostgreSQL server, which many processes can share.`,
  );
}

/**
 * PGlite has no server: two processes opening one directory both succeed and silently lose writes. This exclusive
 * lock makes the second one fail loudly instead (decision 001). The returned function releases it; the kernel
 * releases it anyway when the process ends, however it ends.
 */
export async function lockDataDir(dir: string): Promise<() => void> {
  fs.mkdirSync(dir, { recursive: true });
  const { address, file } = lockAddress(dir);
  const holder: Holder = {
    pid: process.pid,
    since: new Date().toISOString(),
    command: [path.basename(process.argv0), ...process.argv.slice(1).map((a) => path.relative(process.cwd(), a) || a)].join(" ").slice(0, 200),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    const server = net.createServer((socket) => socket.end(JSON.stringify(holder)));
    const error = await listen(server, address);
    if (!error) {
      server.unref();
      // A pid file from before this lock existed would only confuse whoever reads the directory.
      fs.rmSync(`${dir}.lock`, { force: true });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        server.close();
      };
    }
    if (error.code !== "EADDRINUSE") throw error;
    const other = await askHolder(address);
    if (other !== undefined) throw lockedError(dir, other);
    // Only a socket file can outlive its process (abstract sockets and pipes cannot): a crash left it behind.
    if (!file) throw lockedError(dir, "silent");
    fs.rmSync(address, { force: true });
  }
  throw new DatabaseLockedError(`Could not lock the embedded database in ${dir}`);
}
