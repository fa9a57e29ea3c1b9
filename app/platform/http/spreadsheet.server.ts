import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";

/**
 * Staff downloads (queues, the audit log) as CSV or Excel, streamed: the rows come from an async iterable that reads
 * the database in keyset batches, and each batch is written out before the next is read, so an export never holds
 * the whole result in memory. Every cell is text as the page shows it (dates formatted, labels translated).
 */
export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(v: string | undefined): v is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(v ?? "");
}

export interface SpreadsheetExport {
  /** File name without its extension (ASCII: the header carries it as is). */
  filename: string;
  /** Worksheet name (Excel allows 31 characters, no []:*?/\). */
  sheet: string;
  headers: readonly string[];
  rows: AsyncIterable<readonly (string | null | undefined)[]>;
}

/** A cell a spreadsheet would read as a formula (= + - @, or a tab or carriage return first) is prefixed with '. */
export function formulaSafe(value: string | null | undefined): string {
  const v = value ?? "";
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** One CSV cell (RFC 4180), formula-safe. */
export function csvField(value: string | null | undefined): string {
  const v = formulaSafe(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The download as a streamed response: private (staff data), never cached, saved under its file name. */
export function spreadsheetResponse(format: ExportFormat, e: SpreadsheetExport): Response {
  const body = format === "csv" ? csvStream(e) : xlsxStream(e);
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="${e.filename.replace(/[^\w.-]/g, "-")}.${format}"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** UTF-8 with a byte-order mark (so Excel reads Vietnamese right), CRLF line ends; one chunk per batch of rows. */
function csvStream(e: SpreadsheetExport): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const line = (cells: readonly (string | null | undefined)[]) => `${cells.map(csvField).join(",")}\r\n`;
  async function* chunks() {
    yield encoder.encode(`\uFEFF${line(e.headers)}`);
    let buffer = "";
    for await (const row of e.rows) {
      buffer += line(row);
      if (buffer.length > 64 * 1024) {
        yield encoder.encode(buffer);
        buffer = "";
      }
    }
    if (buffer) yield encoder.encode(buffer);
  }
  return Readable.toWeb(Readable.from(chunks())) as ReadableStream<Uint8Array>;
}

/** Backpressure: wait while more than 1 MiB of the file waits for the client, so a slow download never buffers it all. */
async function readerCaughtUp(out: PassThrough): Promise<void> {
  while (!out.destroyed && out.readableLength > 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** exceljs's streaming writer: each row is committed (written to the zip) as it comes, bold header row, frozen. */
function xlsxStream(e: SpreadsheetExport): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(e.sheet.replace(/[[\]:*?/\\]/g, " ").slice(0, 31), { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = e.headers.map((header) => ({ header, width: Math.min(60, Math.max(12, header.length + 4)) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  void (async () => {
    try {
      let n = 0;
      for await (const row of e.rows) {
        if (out.destroyed) return; // the download was cancelled: stop reading the database
        // Text cells only: a string is never a formula in the file, and the prefix keeps it so when edited or re-saved as CSV.
        sheet.addRow(row.map((v) => formulaSafe(v))).commit();
        if (++n % 200 === 0) await readerCaughtUp(out);
      }
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
