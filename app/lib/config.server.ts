import path from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().default(".data"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().default("Cổng Nền tảng số quốc gia <no-reply@nentangso.localhost>"),
  PUBLIC_URL: z.string().url("PUBLIC_URL must be a full URL such as https://nentangso.gov.vn").optional(),
  SEED_DEMO: booleanFlag,
  RUN_WORKER: z
    .enum(["0", "1", "true", "false", ""])
    .optional()
    .transform((v) => v === undefined || v === "" || v === "1" || v === "true"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).default(12),
  TRUST_PROXY: booleanFlag,
  /** 32 bytes (64 hex digits or base64) sealing token emails and TOTP secrets; without it, DATA_DIR/encryption.key. */
  DATA_ENCRYPTION_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, "DATA_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export type Config = z.infer<typeof envSchema> & {
  isProduction: boolean;
  publicUrl: string;
  pgliteDir: string;
  mailDir: string;
  /** Emails are kept locally and shown at /dev/mailbox: no SMTP server, and not a production deployment. */
  devMailbox: boolean;
};

let cached: Config | undefined;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration (environment variables):\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.DATA_DIR);
  return {
    ...c,
    isProduction: c.NODE_ENV === "production",
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ""),
    pgliteDir: path.join(dataDir, "pglite"),
    mailDir: path.join(dataDir, "mailbox"),
    devMailbox: !c.SMTP_URL && (c.NODE_ENV !== "production" || !c.DATABASE_URL),
  };
}

export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
