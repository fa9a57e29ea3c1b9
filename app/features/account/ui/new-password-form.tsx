import { Form } from "@remix-run/react";
import { Button, ErrorSummary, TextInput, type FormState } from "~/components/form.tsx";
import { useT } from "~/platform/i18n/use-t.ts";

export function NewPasswordForm({ token, state, submitLabel }: { token: string; state?: FormState; submitLabel: string }) {
  const t = useT();
  return (
    <>
      <ErrorSummary errors={state?.errors} />
      <Form method="post" noValidate>
        <input type="hidden" name="token" value={token} />
        <TextInput name="password" type="password" label={t("field.password")} hint={t("field.password.hint")} autoComplete="new-password" state={state} />
        <TextInput name="passwordConfirm" type="password" label={t("field.passwordConfirm")} autoComplete="new-password" state={state} />
        <Button>{submitLabel}</Button>
      </Form>
    </>
  );
}
