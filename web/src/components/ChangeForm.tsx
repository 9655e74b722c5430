import { Button, Form } from '@trussworks/react-uswds';
import { useEffect, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import type { IdentityChangeResponse, IdentityEvent } from '../identity-types';
import { useAction } from '../use-action';
import { ErrorAlert } from './ErrorAlert';
import { ReasonField, reasonProblem } from './ReasonField';

interface ChangeFormProps {
  /** Unique per form on the page: prefixes the ids of its fields. */
  id: string;
  label: string;
  /** Fields before the reason (a person id, records to move). */
  children?: ReactNode;
  /** Checks the fields before the reason; returns the problem, or null. */
  validate?: () => string | null;
  submit: (reason: string) => Promise<IdentityChangeResponse>;
  submitLabel: string;
  onDone: (event: IdentityEvent) => void;
  onCancel: () => void;
  /** Focus the reason field when the form opens (when it has no fields of its own). */
  focusReason?: boolean;
}

/**
 * A supervisor's change to who is who (merge, split, undo): always with a reason, which the server
 * keeps with the event and in the audit log. Conflicts the server finds (two A-numbers, records
 * moved since, already undone) are shown as it words them.
 */
export function ChangeForm({
  id,
  label,
  children,
  validate,
  submit,
  submitLabel,
  onDone,
  onCancel,
  focusReason = false,
}: ChangeFormProps) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [fieldProblem, setFieldProblem] = useState<string | null>(null);
  const action = useAction();
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (focusReason) reasonRef.current?.focus();
  }, [focusReason]);

  const onSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = validate?.() ?? null;
    const why = reasonProblem(reason);
    setFieldProblem(fields);
    setProblem(why);
    if (fields) return;
    if (why) {
      reasonRef.current?.focus();
      return;
    }
    const result = await action.run(() => submit(reason.trim()));
    if (result) onDone(result.event);
  };

  return (
    <Form
      onSubmit={(e) => void onSubmit(e)}
      aria-label={label}
      noValidate
      className="maxw-tablet"
      data-testid={id}
    >
      {children}
      {fieldProblem ? (
        <p className="usa-error-message" role="alert">
          {fieldProblem}
        </p>
      ) : null}
      <ReasonField
        id={`${id}-reason`}
        label="Reason"
        hint="Why: at least 10 characters, kept with the event and in the audit log."
        value={reason}
        onChange={setReason}
        problem={problem}
        required
        inputRef={reasonRef}
        testId={`${id}-reason`}
      />
      {action.error ? <ErrorAlert error={action.error} /> : null}
      <div className="margin-top-3">
        <Button type="submit" disabled={action.busy} data-testid={`${id}-submit`}>
          {action.busy ? 'Working…' : submitLabel}
        </Button>
        <Button type="button" unstyled className="margin-left-2" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}
