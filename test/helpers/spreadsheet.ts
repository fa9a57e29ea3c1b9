import ExcelJS from "exceljs";
import { pageText } from "./app.ts";

/** RFC 4180 CSV (CRLF line ends, "" inside quotes), as a spreadsheet program reads it. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endCell();
    else if (c === "\r" && text[i + 1] === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

/** The first worksheet of an .xlsx file, read back with the library that wrote it, as rows of text. */
export async function readXlsx(bytes: ArrayBuffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as never);
  const sheet = workbook.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (r) => {
    const values = r.values as unknown[];
    rows.push(Array.from({ length: values.length - 1 }, (_, i) => (values[i + 1] == null ? "" : String(values[i + 1]))));
  });
  return { sheet, rows };
}

/** The rows of a page's table body, cell by cell, as a person reads them. */
export function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => pageText(c[1]!).trim()));
}

/** Every worksheet of an .xlsx file, by name, as rows of text (and whether every cell is stored as text). */
export async function readXlsxSheets(bytes: ArrayBuffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as never);
  return workbook.worksheets.map((sheet) => {
    const rows: string[][] = [];
    let allText = true;
    sheet.eachRow({ includeEmpty: false }, (r) => {
      const values = r.values as unknown[];
      rows.push(Array.from({ length: values.length - 1 }, (_, i) => (values[i + 1] == null ? "" : String(values[i + 1]))));
      r.eachCell((cell) => {
        if (typeof cell.value !== "string") allText = false;
      });
    });
    return { name: sheet.name, rows, allText };
  });
}

/** A CSV of several tables: sections apart by an empty line, each its title, its header row and its rows. */
export function csvSections(text: string): { title: string; headers: string[]; rows: string[][] }[] {
  const sections: string[][][] = [[]];
  for (const row of parseCsv(text.replace(/^\uFEFF/, ""))) {
    if (row.length === 1 && row[0] === "") sections.push([]);
    else sections.at(-1)!.push(row);
  }
  return sections.map(([title, headers, ...rows]) => ({ title: title?.[0] ?? "", headers: headers ?? [], rows }));
}
