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

type Row = readonly (string | null | undefined)[];

export interface SheetExport {
  /** Worksheet name (Excel allows 31 characters, no []:*?/\); in a CSV of several sheets, the section's title. */
  name: string;
  headers: readonly string[];
  rows: AsyncIterable<Row> | Iterable<Row>;
}

/** A download of several tables (the staff statistics): one worksheet each in Excel, one section each in CSV. */
export interface WorkbookExport {
  filename: string;
  sheets: readonly SheetExport[];
}

/** The download as a streamed response: private (staff data), never cached, saved under its file name. */
export function spreadsheetResponse(format: ExportFormat, e: SpreadsheetExport): Response {
  return download(format, e.filename, [{ name: e.sheet, headers: e.headers, rows: e.rows }], false);
}

/**
 * Several tables in one download. In CSV each table is a section: its title on a line of its own, its header row, its
 * rows, then an empty line before the next; in Excel each is a worksheet with its header row.
 */
export function workbookResponse(format: ExportFormat, e: WorkbookExport): Response {
  return download(format, e.filename, e.sheets, true);
}

function download(format: ExportFormat, filename: string, sheets: readonly SheetExport[], titled: boolean): Response {
  const body = format === "csv" ? csvStream(sheets, titled) : xlsxStream(sheets);
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "-")}.${format}"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** UTF-8 with a byte-order mark (so Excel reads Vietnamese right), CRLF line ends; one chunk per batch of rows. */
function csvStream(sheets: readonly SheetExport[], titled: boolean): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const line = (cells: Row) => `${cells.map(csvField).join(",")}\r\n`;
  async function* chunks() {
    let buffer = "\uFEFF";
    for (const [i, sheet] of sheets.entries()) {
      if (i > 0) buffer += "\r\n";
      if (titled) buffer += line([sheet.name]);
      buffer += line(sheet.headers);
      for await (const row of sheet.rows) {
        buffer += line(row);
        if (buffer.length > 64 * 1024) {
          yield encoder.encode(buffer);
          buffer = "";
        }
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

/** An Excel sheet name: without the characters Excel refuses, at most 31 characters, unique in the workbook. */
function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, " ").trim().slice(0, 31) || "Sheet";
  let unique = base;
  for (let n = 2; taken.has(unique.toLowerCase()); n++) unique = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
  taken.add(unique.toLowerCase());
  return unique;
}

/** exceljs's streaming writer: one sheet after the other, each row committed (written to the zip) as it comes, bold header row, frozen. */
function xlsxStream(sheets: readonly SheetExport[]): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const taken = new Set<string>();
  void (async () => {
    try {
      for (const s of sheets) {
        const sheet = workbook.addWorksheet(sheetName(s.name, taken), { views: [{ state: "frozen", ySplit: 1 }] });
        sheet.columns = s.headers.map((header) => ({ header, width: Math.min(60, Math.max(12, header.length + 4)) }));
        sheet.getRow(1).font = { bold: true };
        sheet.getRow(1).commit();
        let n = 0;
        for await (const row of s.rows) {
          if (out.destroyed) return; // the download was cancelled: stop reading the database
          // Text cells only: a string is never a formula in the file, and the prefix keeps it so when edited or re-saved as CSV.
          sheet.addRow(row.map((v) => formulaSafe(v))).commit();
          if (++n % 200 === 0) await readerCaughtUp(out);
        }
        sheet.commit();
      }
      await workbook.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
