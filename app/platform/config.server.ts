import path from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const postgresUrl = (name: string) =>
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, `${name} must start with postgres:// or postgresql://`)
    .optional()
    .or(z.literal("").transform(() => undefined));

export const PORTAL_MODES = ["demo", "production"] as const;
export type PortalMode = (typeof PORTAL_MODES)[number];

/**
 * Express's `trust proxy` as a hop count: with N proxies in front, the client is the N-th address from the right of
 * X-Forwarded-For. "true" would trust the whole header, whose left part the client writes itself.
 */
const proxyHops = z
  .string()
  .optional()
  .superRefine((v, ctx) => {
    const s = (v ?? "").trim().toLowerCase();
    if (s === "" || s === "false" || /^\d$/.test(s)) return;
    ctx.addIssue({
      code: "custom",
      message:
        s === "true"
          ? "TRUST_PROXY=true would trust every X-Forwarded-For entry, including those the client writes: set the number of proxies in front of the portal instead (TRUST_PROXY=1 for one load balancer)"
          : "TRUST_PROXY must be the number of proxies in front of the portal (0–9, e.g. 1), or false",
    });
  })
  .transform((v) => {
    const s = (v ?? "").trim().toLowerCase();
    return s === "" || s === "false" ? 0 : Number(s);
  });

/**
 * What is wrong with an smtp(s):// URL, in words (the mailer would otherwise fail at the first send, much later, with a
 * bare "Invalid URL"). The URL itself is never repeated: it may hold the password.
 */
export function smtpUrlProblem(value: string): string | undefined {
  const authority = /^smtps?:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/.exec(value);
  if (!authority) return undefined; // the smtp:// prefix check reports it
  const [, host, port] = authority;
  if (!host) return "SMTP_URL has no host name (smtp://user:password@host:port)";
  if (port !== undefined && port !== "") {
    if (!/^\d+$/.test(port)) return `SMTP_URL port must be a number, not "${port.slice(0, 20)}" (smtp://host:587)`;
    const n = Number(port);
    if (n < 1 || n > 65535) return `SMTP_URL port ${port.slice(0, 20)} is out of range (1–65535; usually 25, 465 or 587)`;
  }
  try {
    new URL(value);
  } catch {
    return "SMTP_URL is not a valid URL (smtp://user:password@host:port; characters such as @ : / in the user name or password must be percent-encoded)";
  }
  return undefined;
}

/** Milliseconds, 0 for none; unset (or empty) takes the default of the setting. */
const millis = (name: string) =>
  z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number(`${name} must be a number of milliseconds`).int(`${name} must be a whole number of milliseconds`).min(0, `${name} cannot be negative`).optional(),
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORTAL_MODE: z
    .enum(PORTAL_MODES, "PORTAL_MODE must be demo or production")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z
    .string()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATABASE_URL: postgresUrl("DATABASE_URL"),
  MIGRATION_DATABASE_URL: postgresUrl("MIGRATION_DATABASE_URL"),
  DATA_DIR: z.string().default(".data"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .superRefine((v, ctx) => {
      const problem = smtpUrlProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().default("Cổng Nền tảng số quốc gia <no-reply@nentangso.localhost>"),
  PUBLIC_URL: z.string().url("PUBLIC_URL must be a full URL such as https://nentangso.gov.vn").optional(),
  SEED_DEMO: booleanFlag,
  RUN_WORKER: z
    .enum(["0", "1", "true", "false", ""])
    .optional()
    .transform((v) => v === undefined || v === "" || v === "1" || v === "true"),
  /** How often the outbox worker looks for due emails. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).default(12),
  TRUST_PROXY: proxyHops,
  /** Limits on waiting for PostgreSQL and on shutting down; see docs/operations.md and docs/decisions/016. */
  DB_CONNECT_TIMEOUT_MS: millis("DB_CONNECT_TIMEOUT_MS"),
  DB_STATEMENT_TIMEOUT_MS: millis("DB_STATEMENT_TIMEOUT_MS"),
  DB_QUERY_TIMEOUT_MS: millis("DB_QUERY_TIMEOUT_MS"),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: millis("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS"),
  SHUTDOWN_GRACE_MS: millis("SHUTDOWN_GRACE_MS"),
  SHUTDOWN_TIMEOUT_MS: millis("SHUTDOWN_TIMEOUT_MS"),
  /** 32 bytes (64 hex digits or base64) sealing token emails and TOTP secrets; without it, DATA_DIR/encryption.key. */
  DATA_ENCRYPTION_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, "DATA_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The in-memory response cache (docs/decisions/025): its size bound in MB (0 turns it off) and in entries. */
  RESPONSE_CACHE_MB: z.coerce.number().min(0).max(4096).default(64),
  RESPONSE_CACHE_ENTRIES: z.coerce.number().int().min(0).default(2000),
  /** Bearer token for /metrics; without it /metrics answers only direct requests from this machine. */
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional().or(z.literal("").transform(() => undefined)),
});

type Env = z.infer<typeof envSchema>;

export type Config = Omit<Env, "HOST" | "PORTAL_MODE"> & {
  /** demo: published demo accounts, developer mailbox, local only. production: none of that, checked at start. */
  mode: PortalMode;
  HOST: string;
  isProduction: boolean;
  publicUrl: string;
  pgliteDir: string;
  mailDir: string;
  /** Emails are kept locally and shown at /dev/mailbox (demo mode without SMTP_URL, to local visitors only). */
  devMailbox: boolean;
  /** Demo accounts and data are seeded at start (demo mode: always on the embedded database, on PostgreSQL with SEED_DEMO). */
  seedDemo: boolean;
  /** The role of DATABASE_URL when migrations run as another role (MIGRATION_DATABASE_URL): it gets the runtime grants. */
  runtimeRole: string | undefined;
};

let cached: Config | undefined;

export class ConfigError extends Error {}

function urlUser(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).username) || undefined;
  } catch {
    return undefined;
  }
}

function productionProblems(c: Env): string[] {
  const problems: string[] = [];
  if (c.SEED_DEMO) problems.push("SEED_DEMO: demo seeding creates accounts with a published password (admin included); unset it");
  if (!c.DATABASE_URL)
    problems.push("DATABASE_URL: the embedded database (PGlite) gives no durability guarantees; set DATABASE_URL=postgres://… to a PostgreSQL server");
  if (!c.SMTP_URL)
    problems.push("SMTP_URL is required: without it emails would stay in the developer mailbox (/dev/mailbox), which production never serves");
  return problems;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration (environment variables):\n${lines.join("\n")}`);
  }
  const { PORTAL_MODE, HOST, ...c } = parsed.data;
  const mode: PortalMode = PORTAL_MODE ?? (c.NODE_ENV === "production" && c.DATABASE_URL ? "production" : "demo");
  if (mode === "production") {
    const problems = productionProblems(parsed.data);
    if (problems.length > 0) {
      throw new ConfigError(
        `Refusing to start in production mode (${PORTAL_MODE ? "PORTAL_MODE=production" : "NODE_ENV=production with DATABASE_URL"}):\n` +
          `${problems.map((p) => `  - ${p}`).join("\n")}\nFor a local demo on the embedded database, set PORTAL_MODE=demo.`,
      );
    }
  }
  let runtimeRole: string | undefined;
  if (c.MIGRATION_DATABASE_URL) {
    if (!c.DATABASE_URL) throw new ConfigError("Invalid configuration: MIGRATION_DATABASE_URL (the owner role) needs DATABASE_URL (the runtime role) as well");
    runtimeRole = urlUser(c.DATABASE_URL);
    if (!runtimeRole)
      throw new ConfigError("Invalid configuration: DATABASE_URL must name the runtime role when MIGRATION_DATABASE_URL is set (postgres://portal_app:…@host/db)");
    if (runtimeRole === urlUser(c.MIGRATION_DATABASE_URL)) runtimeRole = undefined;
  }
  const dataDir = path.resolve(c.DATA_DIR);
  return {
    ...c,
    mode,
    HOST: HOST ?? (mode === "demo" ? "127.0.0.1" : "0.0.0.0"),
    isProduction: mode === "production",
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ""),
    pgliteDir: path.join(dataDir, "pglite"),
    mailDir: path.join(dataDir, "mailbox"),
    devMailbox: mode === "demo" && !c.SMTP_URL,
    seedDemo: mode === "demo" && (!c.DATABASE_URL || c.SEED_DEMO),
    runtimeRole,
  };
}

export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
