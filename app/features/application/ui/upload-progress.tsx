import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useT } from "~/platform/i18n/use-t.ts";

/**
 * Upload progress without a dependency. Remix submits a form through `fetch`, which reports no upload progress; for
 * the one submission of a form that carries files, the global `fetch` is swapped for an XMLHttpRequest-backed one
 * that reports `upload.onprogress` and hands Remix an ordinary Response. Remix then does everything it normally does
 * (redirects, flash messages, error messages and typed values from the action), so nothing is lost on a refusal.
 * Without JavaScript the form posts as plain multipart/form-data.
 */

type Progress = (fraction: number | null) => void;

let armed: { onProgress: Progress; pathname: string } | null = null;
let nativeFetch: typeof fetch | null = null;

function restoreFetch() {
  armed = null;
  if (nativeFetch) {
    window.fetch = nativeFetch;
    nativeFetch = null;
  }
}

function requestUrl(input: RequestInfo | URL): URL {
  if (input instanceof URL) return input;
  return new URL(typeof input === "string" ? input : input.url, window.location.href);
}

function xhrFetch(url: URL, init: RequestInit, onProgress: Progress): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url.href);
    xhr.responseType = "arraybuffer";
    new Headers(init.headers).forEach((value, key) => xhr.setRequestHeader(key, value));
    xhr.upload.onprogress = (e) => onProgress(e.lengthComputable && e.total > 0 ? e.loaded / e.total : null);
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const i = line.indexOf(":");
        if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const noBody = [101, 204, 205, 304].includes(xhr.status);
      resolve(new Response(noBody ? null : (xhr.response as ArrayBuffer), { status: xhr.status, statusText: xhr.statusText, headers }));
    };
    xhr.onerror = () => reject(new TypeError("Upload failed"));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
    init.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(init.body as XMLHttpRequestBodyInit);
  });
}

/** Routes the next POST of FormData to this form's data URL through XMLHttpRequest. */
function armUploadProgress(action: string, onProgress: Progress) {
  const pathname = new URL(action, window.location.href).pathname.replace(/\/$/, "");
  armed = { onProgress, pathname };
  if (nativeFetch) return;
  const original = window.fetch;
  nativeFetch = original;
  window.fetch = (input, init) => {
    const pending = armed;
    if (pending && init?.method?.toUpperCase() === "POST" && init.body instanceof FormData) {
      const url = requestUrl(input);
      if (url.origin === window.location.origin && url.pathname === `${pending.pathname}.data`) {
        restoreFetch();
        return xhrFetch(url, init, pending.onProgress);
      }
    }
    return original(input, init);
  };
}

function hasFiles(form: HTMLFormElement): boolean {
  return Array.from(form.elements).some((el) => el instanceof HTMLInputElement && el.type === "file" && (el.files?.length ?? 0) > 0);
}

/** A multipart Remix form that shows a progress bar while its files upload. */
export function UploadForm({ id, children }: { id: string; children: ReactNode }) {
  const t = useT();
  const navigation = useNavigation();
  const [fraction, setFraction] = useState<number | null | undefined>(undefined);
  const uploading = fraction !== undefined;

  // Reset once the submission has run its course: busy, then idle again (the first render after submit is still idle).
  const busy = useRef(false);
  useEffect(() => {
    if (navigation.state !== "idle") busy.current = true;
    else if (busy.current) {
      busy.current = false;
      restoreFetch();
      setFraction(undefined);
    }
  }, [navigation.state]);
  useEffect(() => restoreFetch, []);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    if (!hasFiles(form)) return;
    busy.current = false;
    setFraction(0);
    armUploadProgress(form.getAttribute("action") ?? window.location.pathname, setFraction);
  }

  const percent = fraction === null || fraction === undefined ? null : Math.min(100, Math.round(fraction * 100));
  // Screen readers hear every tenth, not every percent.
  const announced = percent === null ? null : Math.floor(percent / 10) * 10;
  let status = "";
  if (uploading) {
    if (announced === null) status = t("upload.progress.unknown");
    else if (announced >= 100) status = t("upload.progress.processing");
    else status = t("upload.progress.percent", { percent: announced });
  }
  return (
    <Form method="post" encType="multipart/form-data" noValidate id={id} onSubmit={onSubmit}>
      {children}
      <div className="upload-progress">
        {uploading ? (
          <>
            <label className="label" htmlFor={`${id}-progress`}>
              {t("upload.progress.label")}
            </label>
            <progress className="upload-progress__bar" id={`${id}-progress`} max={100} value={percent ?? undefined}>
              {percent === null ? "" : `${percent}%`}
            </progress>
          </>
        ) : null}
        {/* The live region stays in the page so the first announcement is not lost. */}
        <p className="upload-progress__status" role="status" aria-live="polite">
          {status}
        </p>
      </div>
    </Form>
  );
}

export type FileRow = { id: string; name: string; size: string };

/** Files already uploaded; each Remove button submits its own small form (forms cannot nest, so `form=` links them). */
export function FileList({ files, appId, removable }: { files: FileRow[]; appId: string; removable?: boolean }) {
  const t = useT();
  if (files.length === 0) return null;
  return (
    <ul className="file-list">
      {files.map((f) => (
        <li className="file-list__item" key={f.id}>
          <a href={`/applications/${appId}/files/${f.id}`} download>
            {f.name}
          </a>{" "}
          <span className="file-list__size">({f.size})</span>
          {removable ? (
            <button type="submit" className="link-button file-list__remove" form={`remove-${f.id}`}>
              {t("upload.remove")}
              <span className="visually-hidden"> {f.name}</span>
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function RemoveForms({ files }: { files: FileRow[] }) {
  return (
    <>
      {files.map((f) => (
        <Form method="post" id={`remove-${f.id}`} key={f.id} className="inline-form">
          <input type="hidden" name="intent" value="remove" />
          <input type="hidden" name="fileId" value={f.id} />
        </Form>
      ))}
    </>
  );
}
