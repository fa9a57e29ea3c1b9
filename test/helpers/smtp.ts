import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestSmtp {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** Recipients the server answers 550 for (a permanent failure). */
  rejectRecipients: Set<string>;
  /** Recipients the server answers 451 for (a transient failure of that message, the server itself is up). */
  deferRecipients: Set<string>;
  /** SMTP sessions opened so far. */
  connections: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A real SMTP server in the test process. STARTTLS is off: smtp-server's bundled certificate has expired. */
export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const rejectRecipients = new Set<string>();
  const deferRecipients = new Set<string>();
  let server: SMTPServer | undefined;
  let boundPort = port;
  let connections = 0;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = new SMTPServer({
        disabledCommands: ["STARTTLS", "AUTH"],
        authOptional: true,
        logger: false,
        onConnect(_session, callback) {
          connections++;
          callback();
        },
        onRcptTo(address, _session, callback) {
          if (rejectRecipients.has(address.address)) {
            const err = new Error("Mailbox unavailable") as Error & { responseCode: number };
            err.responseCode = 550;
            return callback(err);
          }
          if (deferRecipients.has(address.address)) {
            const err = new Error("Try again later") as Error & { responseCode: number };
            err.responseCode = 451;
            return callback(err);
          }
          callback();
        },
        onData(stream, _session, callback) {
          simpleParser(stream)
            .then((parsed) => {
              messages.push(parsed);
              callback();
            })
            .catch(callback);
        },
      });
      server.once("error", reject);
      server.listen(boundPort, "127.0.0.1", () => {
        boundPort = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
        resolve();
      });
    });

  await start();
  const handle: TestSmtp = {
    get url() {
      return `smtp://127.0.0.1:${boundPort}?ignoreTLS=true`;
    },
    get port() {
      return boundPort;
    },
    get connections() {
      return connections;
    },
    messages,
    rejectRecipients,
    deferRecipients,
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    start,
  };
  return handle;
}
