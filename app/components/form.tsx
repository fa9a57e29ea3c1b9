import { Form as RemixForm, type FormProps as RemixFormProps } from "@remix-run/react";
import { createContext, useContext, useEffect, useRef, type ReactNode } from "react";
import { useT } from "~/platform/i18n/use-t.ts";

/**
 * Field ids come from the field's name inside the nearest form scope: "note" alone, "reject-note" inside the
 * "reject" form. A page with several forms gives each a scope, so two forms that post the same field name never
 * share an id (a label would then name, and focus, the other form's field).
 */
const FieldScope = createContext("");

/** The id of field `name` in the form scoped `scope`, for links to it (error summary) from outside the form. */
export function fieldId(scope: string | undefined, name: string): string {
  return scope ? `${scope}-${name}` : name;
}

export function useFieldId(name: string): string {
  return fieldId(useContext(FieldScope), name);
}

export function FormScope({ scope, children }: { scope: string; children: ReactNode }) {
  return <FieldScope.Provider value={scope}>{children}</FieldScope.Provider>;
}

/** Remix's Form; with `scope`, the fields inside get ids of their own (one of several forms on a page). */
export function Form({ scope, ...props }: RemixFormProps & { scope?: string }) {
  const form = <RemixForm {...props} />;
  return scope ? <FormScope scope={scope}>{form}</FormScope> : form;
}

export interface FormState {
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

/**
 * GOV.UK error summary: lists every error with a link to its field and takes focus so screen readers announce it.
 * `scope` is the scope of the form the errors belong to (see Form).
 */
export function ErrorSummary({ errors, scope }: { errors?: Record<string, string>; scope?: string }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors ?? {});
  useEffect(() => {
    if (entries.length > 0) ref.current?.focus();
  }, [errors, entries.length]);
  if (entries.length === 0) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} ref={ref}>
      <h2 className="error-summary__title" id="error-summary-title">
        {t("form.errorSummaryTitle")}
      </h2>
      <ul className="error-summary__list">
        {entries.map(([field, message]) => (
          <li key={field}>
            <a href={`#${fieldId(scope, field)}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  children: (describedBy: string | undefined, id: string) => ReactNode;
}

export function Field({ name, label, hint, error, children }: FieldProps) {
  const id = useFieldId(name);
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`form-group${error ? " form-group--error" : ""}`}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <span className="visually-hidden">Lỗi / Error: </span>
          {error}
        </p>
      ) : null}
      {children(describedBy, id)}
    </div>
  );
}

interface InputProps {
  name: string;
  label: string;
  hint?: string;
  state?: FormState;
  type?: "text" | "email" | "password" | "url" | "tel" | "date" | "number";
  autoComplete?: string;
  defaultValue?: string;
  required?: boolean;
  width?: "full" | "half" | "short";
  inputMode?: "numeric" | "text" | "tel" | "email" | "url";
  spellCheck?: boolean;
}

export function TextInput({ name, label, hint, state, type = "text", autoComplete, defaultValue, required, width = "full", inputMode, spellCheck }: InputProps) {
  const error = state?.errors?.[name];
  const value = state?.values?.[name] ?? defaultValue ?? "";
  return (
    <Field name={name} label={label} hint={hint} error={error}>
      {(describedBy, id) => (
        <input
          className={`input input--${width}${error ? " input--error" : ""}`}
          id={id}
          name={name}
          type={type}
          autoComplete={autoComplete}
          defaultValue={type === "password" ? undefined : value}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          aria-required={required || undefined}
          inputMode={inputMode}
          spellCheck={spellCheck}
        />
      )}
    </Field>
  );
}

interface TextAreaProps {
  name: string;
  label: string;
  hint?: string;
  state?: FormState;
  defaultValue?: string;
  rows?: number;
}

export function TextArea({ name, label, hint, state, defaultValue, rows = 5 }: TextAreaProps) {
  const error = state?.errors?.[name];
  return (
    <Field name={name} label={label} hint={hint} error={error}>
      {(describedBy, id) => (
        <textarea
          className={`textarea${error ? " input--error" : ""}`}
          id={id}
          name={name}
          rows={rows}
          defaultValue={state?.values?.[name] ?? defaultValue ?? ""}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
        />
      )}
    </Field>
  );
}

interface SelectProps {
  name: string;
  label: string;
  hint?: string;
  state?: FormState;
  options: { value: string; label: string }[];
  defaultValue?: string;
  placeholder?: string;
}

export function Select({ name, label, hint, state, options, defaultValue, placeholder }: SelectProps) {
  const error = state?.errors?.[name];
  return (
    <Field name={name} label={label} hint={hint} error={error}>
      {(describedBy, id) => (
        <select
          className={`select${error ? " input--error" : ""}`}
          id={id}
          name={name}
          defaultValue={state?.values?.[name] ?? defaultValue ?? ""}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
        >
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Button({
  children,
  variant = "primary",
  name,
  value,
  disabled,
}: {
  children: ReactNode;
  variant?: "primary" | "secondary" | "warning";
  name?: string;
  value?: string;
  disabled?: boolean;
}) {
  return (
    <button type="submit" className={`button button--${variant}`} name={name} value={value} disabled={disabled}>
      {children}
    </button>
  );
}

interface RadiosProps {
  name: string;
  legend: string;
  hint?: string;
  state?: FormState;
  options: { value: string; label: string }[];
  defaultValue?: string;
  inline?: boolean;
}

/** A group of radios in a fieldset; the first radio carries the field id so error-summary links land on it. */
export function Radios({ name, legend, hint, state, options, defaultValue, inline }: RadiosProps) {
  const error = state?.errors?.[name];
  const value = state?.values?.[name] ?? defaultValue ?? "";
  const id = useFieldId(name);
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`form-group${error ? " form-group--error" : ""}`}>
      <fieldset className="fieldset" aria-describedby={describedBy}>
        <legend>{legend}</legend>
        {hint ? (
          <div className="hint" id={`${id}-hint`}>
            {hint}
          </div>
        ) : null}
        {error ? (
          <p className="error-message" id={`${id}-error`}>
            <span className="visually-hidden">Lỗi / Error: </span>
            {error}
          </p>
        ) : null}
        <div className={inline ? "radios radios--inline" : "radios"}>
          {options.map((o, i) => (
            <div className="radios__item" key={o.value}>
              <input
                className="radios__input"
                type="radio"
                id={i === 0 ? id : `${id}-${o.value}`}
                name={name}
                value={o.value}
                defaultChecked={value === o.value}
              />
              <label className="radios__label" htmlFor={i === 0 ? id : `${id}-${o.value}`}>
                {o.label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export function Checkbox({ name, label, state, defaultChecked }: { name: string; label: string; state?: FormState; defaultChecked?: boolean }) {
  const error = state?.errors?.[name];
  const checked = state?.values ? state.values[name] === "yes" : Boolean(defaultChecked);
  const id = useFieldId(name);
  return (
    <div className={`form-group${error ? " form-group--error" : ""}`}>
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <span className="visually-hidden">Lỗi / Error: </span>
          {error}
        </p>
      ) : null}
      <div className="checkbox">
        <input type="checkbox" className="checkbox__input" id={id} name={name} value="yes" defaultChecked={checked} aria-describedby={error ? `${id}-error` : undefined} />
        <label className="checkbox__label" htmlFor={id}>
          {label}
        </label>
      </div>
    </div>
  );
}
