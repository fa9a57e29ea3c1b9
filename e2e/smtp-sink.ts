/**
 * SMTP sink for the end-to-end tests. Every message the portal sends is parsed and written as one JSON file
 * to e2e/.run/mail/<sequence>.json (temp file + rename, so a reader never sees half a message).
 *
 * Started by playwright.config.ts as the first web server. It wipes e2e/.run/mail on start; the app launcher
 * (e2e/app-server.ts) wipes e2e/.run/data, so each run starts clean whatever order the servers start in.
 */
import fs from "node:fs";
import path from "node:path";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import { MAIL_DIR, SMTP_PORT } from "./env.ts";

export interface StoredEmail {
  /** Sequence number in arrival order (also the file name). */
  seq: number;
  /** Lower-case recipient addresses (envelope and To header). */
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The Date header, ISO 8601. */
  date: string;
  /** When the sink received the message (ms since epoch, same clock as the test runner). */
  receivedAt: number;
}

fs.rmSync(MAIL_DIR, { recursive: true, force: true });
fs.mkdirSync(MAIL_DIR, { recursive: true });

let seq = 0;

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase())).filter(Boolean);
}

function store(email: Omit<StoredEmail, "seq">): void {
  seq += 1;
  const name = String(seq).padStart(6, "0");
  const tmp = path.join(MAIL_DIR, `.${name}.json.tmp`);
  fs.writeFileSync(tmp, JSON.stringify({ seq, ...email }, null, 2));
  fs.renameSync(tmp, path.join(MAIL_DIR, `${name}.json`));
}

const server = new SMTPServer({
  // smtp-server's built-in certificate has expired: never offer STARTTLS. No AUTH either.
  disabledCommands: ["STARTTLS", "AUTH"],
  authOptional: true,
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
    simpleParser(stream)
      .then((mail) => {
        const to = [...new Set([...envelopeTo, ...addresses(mail.to)])];
        store({
          to,
          subject: mail.subject ?? "",
          text: mail.text ?? "",
          html: typeof mail.html === "string" ? mail.html : "",
          messageId: mail.messageId ?? "",
          date: (mail.date ?? new Date()).toISOString(),
          receivedAt: Date.now(),
        });
        callback();
      })
      .catch((error: unknown) => {
        console.error("smtp-sink: could not parse a message", error);
        callback(error instanceof Error ? error : new Error(String(error)));
      });
  },
});

server.on("error", (error) => console.error("smtp-sink:", error.message));
server.listen(SMTP_PORT, "127.0.0.1", () => {
  console.log(`smtp-sink listening on 127.0.0.1:${SMTP_PORT}, writing to ${MAIL_DIR}`);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
